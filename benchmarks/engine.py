"""Speed of the numpy engine: the blog's iris network against its floor and two references.

Run by hand from the repository root (not part of the test suite)::

    python benchmarks/engine.py                  # about 10 seconds
    python benchmarks/engine.py --repeats 101    # steadier medians
    python benchmarks/engine.py --blog-script PATH/TO/seed_mlp_reference.py   # also time (a)

The first lines of the output record the Python, numpy and scikit-learn versions, the CPU
count and ``OPENBLAS_CORETYPE``: setting it or ``OPENBLAS_NUM_THREADS`` changes the BLAS
kernels and so the absolute numbers. The published figures and how they were taken are in
``docs/performance.md``.

Part 1, the source post's iris network (4 inputs, 10 sigmoid hidden neurons, the
``one_vs_rest`` head with 2 outputs, squared error, full batch of all 150 samples). The
post updates with eta = 0.02 times the summed gradient of 1/4 sum of squared errors;
with the engine's mean loss (1/n sum 1/2 sum (t - y)^2) the same step is
eta_mean = eta_blog * n / 2 = 0.02 * 150 / 2 = 1.5. Time per iteration of:

  (a) the blog's reference script's own loop body (a Python call per element), loaded at
      run time from the file given with ``--blog-script`` (the script is not part of this
      repository) and executed as it stands, printing disabled (its string formatting still
      runs); without that option (a) is left out and the output says so;
  (b) a numpy loop written here for this one network only: the floor numpy allows;
  (c) the engine as the trainer drives it: ``Network.loss_and_gradients_for_targets(X, T)``
      then ``SGD.step(weights + biases, grads)``, T built once beforehand;
  (d) scikit-learn's ``MLPClassifier.partial_fit`` on the same batch (solver sgd, momentum 0,
      logistic hidden units, 4-10-3: scikit-learn has only softmax + log-loss for 3 classes).

All four are timed in the same run, interleaved: each round runs a block of about 10 ms of
iterations of each in turn, and the reported figure is the median over rounds of the time
per iteration, both wall-clock (``perf_counter``) and CPU time of this process
(``process_time``). On a shared machine the CPU-time column is the steadier one: wall time
also counts the moments another process held the core. The targets are checked on wall time.
Before timing, (a), (b) and (c) are checked to compute the same update.

Part 2, the engine (as in (c), plus taking the mini-batch as a slice of a pre-shuffled
training set) on TensorFlow Playground's set-ups and a larger one.
"""
from __future__ import annotations

import argparse
import ast
import contextlib
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

from playground.engine import SGD, Network

ETA_BLOG = 0.02
N_SAMPLES = 150
ETA_MEAN = ETA_BLOG * N_SAMPLES / 2  # 1.5


def iris():
    from sklearn.datasets import load_iris

    data = load_iris()
    return data.data.astype(np.float64), data.target


# -- (a) the seed script ------------------------------------------------------------------

class SeedLoop:
    """The seed script's set-up executed once, then its ``for`` loop body one iteration at a time."""

    def __init__(self, path: Path):
        source = path.read_text()
        tree = ast.parse(source, filename=str(path))
        loops = [i for i, node in enumerate(tree.body) if isinstance(node, ast.For)]
        if len(loops) != 1:
            raise RuntimeError(f"expected one top-level training loop in {path}, found {len(loops)}")
        loop = tree.body[loops[0]]
        setup = ast.Module(body=tree.body[:loops[0]], type_ignores=[])
        body = ast.Module(body=loop.body, type_ignores=[])
        self.namespace = {"__name__": "seed_mlp_reference", "__file__": str(path)}
        argv = sys.argv
        sys.argv = [str(path), "0", "0"]  # numpy seed 0, as the script's default
        try:
            exec(compile(setup, str(path), "exec"), self.namespace)
        finally:
            sys.argv = argv
        self.namespace["print"] = lambda *args, **kwargs: None
        self.body = compile(body, str(path), "exec")
        self.loop_variable = loop.target.id
        self.iteration = 0

    def step(self):
        self.namespace[self.loop_variable] = self.iteration
        exec(self.body, self.namespace)
        self.iteration += 1

    def parameters(self):
        """(W1, b1, W2, b2) from the script's weights with the bias as the last row."""
        W_in, W_out = self.namespace["W_in_h1"], self.namespace["W_h1_out"]
        return W_in[:-1].copy(), W_in[-1].copy(), W_out[:-1].copy(), W_out[-1].copy()


# -- (b) the floor: this one network, by hand ----------------------------------------------

def _sigmoid_layer_into(inputs, W, b, out):
    """out = 1 / (1 + exp(-(inputs W + b))), computed in place in ``out`` (n, fan_out)."""
    np.matmul(inputs, W, out=out)
    out += b
    np.negative(out, out=out)
    np.exp(out, out=out)
    out += 1.0
    np.reciprocal(out, out=out)


class HandLoop:
    """4-10-2 sigmoid / sigmoid, squared error, full batch, plain gradient descent, in place."""

    def __init__(self, X, T, W1, b1, W2, b2, learning_rate):
        self.X, self.T = X, T
        self.W1, self.b1, self.W2, self.b2 = W1.copy(), b1.copy(), W2.copy(), b2.copy()
        self.eta = learning_rate
        n = len(X)
        self.scale = 1.0 / n
        self.h = np.empty((n, W1.shape[1]))
        self.y = np.empty((n, W2.shape[1]))
        self.d1 = np.empty_like(self.h)
        self.ones = np.ones(n)  # column sums as ones @ delta (BLAS) beat delta.sum(axis=0) here

    def step(self):
        X, T, W1, b1, W2, b2, h, y, d1 = (self.X, self.T, self.W1, self.b1, self.W2, self.b2,
                                          self.h, self.y, self.d1)
        _sigmoid_layer_into(X, W1, b1, h)           # h = 1 / (1 + e^-(X W1 + b1))
        _sigmoid_layer_into(h, W2, b2, y)           # y = 1 / (1 + e^-(h W2 + b2))
        error = y - T
        loss = 0.5 * self.scale * float(np.vdot(error, error))
        # delta2 = (y - t) y (1 - y) / n, computed into error
        error *= y
        error -= error * y
        error *= self.scale
        np.matmul(error, W2.T, out=d1)
        d1 *= h
        d1 -= d1 * h                                 # delta1 = (delta2 W2^T) h (1 - h)
        eta = self.eta
        W2 -= eta * (h.T @ error)
        b2 -= eta * (self.ones @ error)
        W1 -= eta * (X.T @ d1)
        b1 -= eta * (self.ones @ d1)
        return loss

    def parameters(self):
        return self.W1, self.b1, self.W2, self.b2


# -- (c) the engine --------------------------------------------------------------------------

class EngineLoop:
    def __init__(self, X, y, W1, b1, W2, b2, learning_rate):
        self.net = Network([4, 10, 2], activation="sigmoid", output="one_vs_rest", loss="squared_error",
                           init="uniform", seed=0)
        self.net.set_parameters([W1, W2], [b1, b2])
        self.X, self.T = X, self.net.targets(y)
        self.optimizer = SGD(learning_rate)

    def step(self):
        net = self.net
        loss, grads = net.loss_and_gradients_for_targets(self.X, self.T)
        self.optimizer.step(net.weights + net.biases, grads["weights"] + grads["biases"])
        return loss

    def parameters(self):
        W1, W2 = self.net.weights
        b1, b2 = self.net.biases
        return W1, b1, W2, b2


# -- (d) scikit-learn ------------------------------------------------------------------------

class SklearnLoop:
    def __init__(self, X, y, learning_rate):
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier

        self.X, self.y = X, y
        self.model = MLPClassifier(hidden_layer_sizes=(10,), activation="logistic", solver="sgd",
                                   momentum=0.0, nesterovs_momentum=False, learning_rate="constant",
                                   learning_rate_init=learning_rate, alpha=0.0, batch_size=len(X),
                                   shuffle=False, random_state=0)
        self._ignore = ConvergenceWarning
        self.model.partial_fit(X, y, classes=np.unique(y))
        assert self.model.n_iter_ == 1 and self.model.t_ == len(X)  # one epoch = one batch of 150

    def step(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", self._ignore)
            self.model.partial_fit(self.X, self.y)


# -- timing ----------------------------------------------------------------------------------

def block_time(step, iterations):
    """(wall seconds, CPU seconds) per iteration over one block of ``iterations``."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(iterations):
        step()
    return ((time.perf_counter() - wall) / iterations, (time.process_time() - cpu) / iterations)


def calibrate(step, target_seconds=0.01):
    """Iterations per block so that one block takes about ``target_seconds``."""
    block_time(step, 2)  # warm-up
    per_iteration = min(block_time(step, 3)[0] for _ in range(3))
    return max(1, int(target_seconds / max(per_iteration, 1e-9)))


def interleaved(loops: dict, repeats: int) -> dict:
    """Round-robin blocks of each loop in turn; per loop, the median over rounds of the
    wall-clock and of the CPU seconds per iteration: {name: (wall, cpu)}."""
    sizes = {name: calibrate(step) for name, step in loops.items()}
    times = {name: [] for name in loops}
    for _ in range(repeats):
        for name, step in loops.items():
            times[name].append(block_time(step, sizes[name]))
    return {name: (statistics.median(t[0] for t in ts), statistics.median(t[1] for t in ts))
            for name, ts in times.items()}


def check_same_update(X, y, seed_loop):
    """(a), (b) and (c) started from the seed's initial weights agree after 5 iterations."""
    W1, b1, W2, b2 = seed_loop.parameters()
    engine = EngineLoop(X, y, W1, b1, W2, b2, ETA_MEAN)
    hand = HandLoop(X, engine.T, W1, b1, W2, b2, ETA_MEAN)
    for _ in range(5):
        seed_loop.step()
        hand.step()
        engine.step()
    worst = 0.0
    for a, b, c in zip(seed_loop.parameters(), hand.parameters(), engine.parameters()):
        worst = max(worst, float(np.max(np.abs(a - c))), float(np.max(np.abs(b - c))))
    if worst > 1e-10:
        raise AssertionError(f"the loops disagree after 5 iterations: max |difference| = {worst:.3g}")
    return worst


def blog_table(repeats: int, blog_script: Path | None = None) -> list[str]:
    X, y = iris()
    assert len(X) == N_SAMPLES
    rng = np.random.default_rng(0)
    W1, b1 = rng.uniform(-1, 1, (4, 10)), rng.uniform(-1, 1, 10)
    W2, b2 = rng.uniform(-1, 1, (10, 2)), rng.uniform(-1, 1, 2)
    engine = EngineLoop(X, y, W1, b1, W2, b2, ETA_MEAN)
    hand = HandLoop(X, engine.T, W1, b1, W2, b2, ETA_MEAN)
    sklearn_loop = SklearnLoop(X, y, ETA_MEAN)
    loops = {}
    lines = []
    if blog_script is not None:
        difference = check_same_update(X, y, SeedLoop(blog_script))
        lines.append(f"(a), (b), (c) from the seed's initial weights agree after 5 iterations "
                     f"(max |difference| {difference:.1e}).")
        loops["a"] = SeedLoop(blog_script).step
    else:
        lines.append("(a) left out: pass --blog-script PATH (the blog's reference script) to time it.")
    loops.update({"b": hand.step, "c": engine.step, "d": sklearn_loop.step})
    with np.errstate(over="ignore"):  # (b)'s plain 1/(1 + e^-z) may overflow harmlessly
        medians = interleaved(loops, repeats)
    labels = {
        "a": "(a) the blog's reference script's loop",
        "b": "(b) hand-written numpy, this network only",
        "c": "(c) engine: loss_and_gradients_for_targets + SGD.step",
        "d": "(d) scikit-learn MLPClassifier.partial_fit (4-10-3)",
    }
    lines += ["", "| iris 4-10-2, one_vs_rest, squared error, batch 150 | wall time per iteration "
              "| CPU time per iteration |", "|---|---:|---:|"]
    for name, (wall, cpu) in medians.items():
        lines.append(f"| {labels[name]} | {format_time(wall)} | {format_time(cpu)} |")
    lines += ["", "| ratio | wall | CPU | target |", "|---|---:|---:|---|"]

    def ratio_row(label, top, bottom, target, met):
        wall = medians[top][0] / medians[bottom][0]
        cpu = medians[top][1] / medians[bottom][1]
        digits = ".2f" if wall < 10 else ".0f"
        verdict = "met" if met(wall) else "MISSED"
        return f"| {label} | {wall:{digits}} | {cpu:{digits}} | {target} {verdict} (wall) |"

    lines.append(ratio_row("c / b", "c", "b", "<= 1.5", lambda r: r <= 1.5))
    if "a" in medians:
        lines.append(ratio_row("a / c", "a", "c", ">= 70", lambda r: r >= 70))
        lines.append(ratio_row("a / b", "a", "b", "(the floor's own margin)", lambda r: True))
    lines.append(ratio_row("d / c", "d", "c", "> 1", lambda r: r > 1))
    return lines


# -- part 2 -----------------------------------------------------------------------------------

def engine_minibatch_loop(layer_sizes, activation, output, loss, n_points, batch_size, learning_rate):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(n_points, layer_sizes[0]))
    n_classes = {"sigmoid": 2, "softmax": layer_sizes[-1]}[output]
    y = rng.integers(0, n_classes, n_points)
    net = Network(layer_sizes, activation=activation, output=output, loss=loss, init="xavier", seed=0)
    T = net.targets(y)
    order = rng.permutation(n_points)
    X, T = X[order], T[order]  # one shuffle; batches are then contiguous slices
    optimizer = SGD(learning_rate)
    state = {"start": 0}

    def step():
        start = state["start"]
        stop = start + batch_size
        if stop > n_points:
            start, stop = 0, batch_size
        state["start"] = stop
        lossv, grads = net.loss_and_gradients_for_targets(X[start:stop], T[start:stop])
        optimizer.step(net.weights + net.biases, grads["weights"] + grads["biases"])
        return lossv

    return step


def playground_table(repeats: int) -> list[str]:
    cases = {
        "2-4-2-1 tanh, sigmoid head, batch 10 (TF Playground default)":
            ([2, 4, 2, 1], "tanh", "sigmoid", "cross_entropy", 500, 10, 0.03),
        "7-8-8-8-8-8-8-1 tanh, batch 10 (TF Playground's largest)":
            ([7, 8, 8, 8, 8, 8, 8, 1], "tanh", "sigmoid", "cross_entropy", 500, 10, 0.03),
        "10-64x6-5 relu, softmax, 5,000 points, batch 64":
            ([10, 64, 64, 64, 64, 64, 64, 5], "relu", "softmax", "cross_entropy", 5000, 64, 0.01),
    }
    loops = {name: engine_minibatch_loop(*args) for name, args in cases.items()}
    medians = interleaved(loops, repeats)
    lines = ["| engine, one SGD iteration (mini-batch slice + gradients + update) | wall time per iteration "
             "| CPU time per iteration | iterations per second (wall) |", "|---|---:|---:|---:|"]
    for name, (wall, cpu) in medians.items():
        lines.append(f"| {name} | {format_time(wall)} | {format_time(cpu)} | {1 / wall:,.0f} |")
    return lines


def format_time(seconds: float) -> str:
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.1f} µs"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=41, help="rounds of the round-robin (odd)")
    parser.add_argument("--blog-script", type=Path, default=None, metavar="PATH",
                        help="the blog's reference script (seed_mlp_reference.py), to time it as (a)")
    args = parser.parse_args(argv)
    if args.blog_script is not None and not args.blog_script.is_file():
        parser.error(f"--blog-script: no such file: {args.blog_script}")
    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    with contextlib.suppress(ImportError):
        import sklearn

        print(f"scikit-learn {sklearn.__version__}")
    print()
    print("\n".join(blog_table(args.repeats, args.blog_script)))
    print()
    print("\n".join(playground_table(args.repeats)))


if __name__ == "__main__":
    main()
