"""Benchmark of the recurrent engine: speed, and RNN against LSTM on long-range tasks.

Run by hand (not part of the test suite)::

    python benchmarks/recurrent.py                # the full run, about 10 minutes on 2 cores
    python benchmarks/recurrent.py --iterations 300 --seeds 1   # a quick look

1. Time per iteration of the LSTM with H = 32, T = 100, batch 32 on the adding problem:
   forward + backward (full BPTT) + Adam update. Target: at most 30 ms.
2. The headline, for each seed: an RNN and an LSTM with the same hidden size, batch,
   learning rate, clipping and number of iterations, on
   * the adding problem with T = 100: bar = LSTM validation MSE below 0.01 and at least
     10 times lower than the RNN's (always predicting the mean scores 1/6 = 0.167);
   * the temporal-order problem with T = 50, in both of Hochreiter & Schmidhuber's versions:
     2 relevant symbols (4 classes, chance 25 %) and 3-bit (3 symbols, 8 classes, chance
     12.5 %): bar = LSTM validation accuracy at least 95 % while the RNN stays near chance
     (within 10 points of it).

Prints markdown tables: the validation score after the budget, the first iteration at
which the bar was met and the RNN's best validation score at any check (both checked every
``--eval-every`` iterations: a run's score can rise and fall), and the seconds each run
spent training (the checks left out).
"""
from __future__ import annotations

import os

# One BLAS thread: the matrices here are small (32 x 128), and on a busy machine a second
# BLAS thread that spins waiting for work slows an iteration down instead of speeding it up.
# Set before numpy is imported; an explicit setting in the environment wins.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import functools  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from playground.data.sequences import SEQUENCE_TASKS, temporal_order_batch  # noqa: E402
from playground.engine.sequence_model import SequenceModel  # noqa: E402


def time_iteration(cell: str, repeats: int) -> tuple[float, float]:
    """Median and best milliseconds per iteration (H=32, T=100, batch 32, adding problem)."""
    task = SEQUENCE_TASKS["adding"]
    model = SequenceModel.for_task(task, cell, 32, seed=0, learning_rate=0.001)
    batch = task.batch(32, 100, rng=0)
    model.train_step(batch.inputs, batch.targets)  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.train_step(batch.inputs, batch.targets)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times)), 1000 * float(np.min(times))


#: The 3-bit temporal-order problem (Hochreiter & Schmidhuber's 6b: three relevant symbols,
#: 8 classes, chance 12.5 %), built here from the 2-symbol task's generator.
TEMPORAL_ORDER_3BIT = dataclasses.replace(
    SEQUENCE_TASKS["temporal_order"], name="temporal_order_3bit", label="Temporal order, 3-bit (8 classes)",
    output_size=8, baseline=0.125, baseline_label="chance: 1 in 8 classes",
    make=functools.partial(temporal_order_batch, relevant_symbols=3))
TASKS = {**SEQUENCE_TASKS, TEMPORAL_ORDER_3BIT.name: TEMPORAL_ORDER_3BIT}
LENGTHS = {"adding": 100, "temporal_order": 50, "temporal_order_3bit": 50}


def run(task_name: str, cell: str, length: int, seed: int, args) -> dict:
    """Train one model for the budget; return its final validation score and timings."""
    task = TASKS[task_name]
    model = SequenceModel.for_task(task, cell, args.hidden, seed=seed, learning_rate=args.learning_rate,
                                   clip_norm=args.clip)
    # A held-out set from a stream the training generator (seeded with ``seed``) never draws.
    validation = task.make(args.validation_size, length, np.random.default_rng([seed, 7919]))
    rng = np.random.default_rng(seed)
    first_met = None
    best = (None, 0)            # (the best validation score seen at a check, its iteration)
    seconds = 0.0               # training time only, not the checks
    for iteration in range(1, args.iterations + 1):
        start = time.perf_counter()
        batch = task.batch(args.batch, length, rng=rng)
        model.train_step(batch.inputs, batch.targets)
        seconds += time.perf_counter() - start
        if model.diverged:
            break
        if iteration % args.eval_every == 0:
            score = model.evaluate(validation.inputs, validation.targets)
            if first_met is None and meets_bar(task_name, score):
                first_met = iteration
            if best[0] is None or better(task_name, score, best[0]):
                best = (score, iteration)
    score = model.evaluate(validation.inputs, validation.targets)
    return {"score": score, "first_met": first_met, "best": best, "iterations": model.iteration,
            "seconds": seconds, "diverged": model.diverged}


NEAR_CHANCE = 0.10  # "the RNN stays near chance": at most 10 points above the task's chance


def meets_bar(task_name: str, score: dict) -> bool:
    return score["mse"] < 0.01 if task_name == "adding" else score["accuracy"] >= 0.95


def better(task_name: str, score: dict, than: dict) -> bool:
    return score["mse"] < than["mse"] if task_name == "adding" else score["accuracy"] > than["accuracy"]


def score_text(task_name: str, score: dict) -> str:
    return f"MSE {score['mse']:.4f}" if task_name == "adding" else f"{100 * score['accuracy']:.1f} %"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=2000, help="iteration budget per run (both cells)")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--hidden", type=int, default=32, help="hidden size of both cells")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=0.01, help="Adam learning rate")
    parser.add_argument("--clip", type=float, default=1.0, help="clip gradients to this global norm")
    parser.add_argument("--validation-size", type=int, default=1000)
    parser.add_argument("--eval-every", type=int, default=100)
    parser.add_argument("--timing-repeats", type=int, default=50)
    parser.add_argument("--tasks", default="adding,temporal_order,temporal_order_3bit")
    parser.add_argument("--temporal-order-length", type=int, default=LENGTHS["temporal_order"],
                        help="T of both temporal-order problems (Hochreiter & Schmidhuber used 100-110)")
    args = parser.parse_args(argv)

    print(f"numpy {np.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}")
    print("\n## Speed: one iteration = forward + backward (full BPTT) + Adam update\n")
    print("| model | H | T | batch | ms per iteration (median) | best | target |")
    print("|---|---|---|---|---|---|---|")
    for cell, target in (("lstm", "<= 30"), ("rnn", "")):
        median_ms, best_ms = time_iteration(cell, args.timing_repeats)
        print(f"| {cell.upper()} | 32 | 100 | 32 | {median_ms:.1f} | {best_ms:.1f} | {target} |")

    print(f"\n## RNN vs LSTM: H = {args.hidden}, batch {args.batch}, Adam lr {args.learning_rate}, "
          f"clip {args.clip}, {args.iterations} iterations each, "
          f"validation {args.validation_size} sequences\n")
    print(f"Bars: adding, LSTM MSE < 0.01 and <= RNN MSE / 10; temporal order, LSTM >= 95 % and RNN "
          f"near chance (within {100 * NEAR_CHANCE:.0f} points of it).\n")
    print("| task | seed | RNN | LSTM | LSTM bar first met at | RNN's best at a check | RNN s | LSTM s | bar met |")
    print("|---|---|---|---|---|---|---|---|---|")
    for task_name in args.tasks.split(","):
        length = LENGTHS[task_name] if task_name == "adding" else args.temporal_order_length
        for seed in range(args.seeds):
            rnn = run(task_name, "rnn", length, seed, args)
            lstm = run(task_name, "lstm", length, seed, args)
            cells = f"{score_text(task_name, rnn['score'])} | {score_text(task_name, lstm['score'])}"
            if task_name == "adding":
                r, m = rnn["score"]["mse"], lstm["score"]["mse"]
                ok = m < 0.01 and m * 10 <= r
                label = "adding, T=100"
            else:
                r, m = rnn["score"]["accuracy"], lstm["score"]["accuracy"]
                ok = m >= 0.95 and r < TASKS[task_name].baseline + NEAR_CHANCE
                label = f"{TASKS[task_name].label}, T={length}"
            first = f"iteration {lstm['first_met']}" if lstm["first_met"] else "not met"
            for name, result in (("RNN", rnn), ("LSTM", lstm)):
                if result["diverged"]:
                    first += f" ({name} diverged at iteration {result['iterations']})"
            if ok:
                verdict = "yes"
            elif task_name == "adding":
                verdict = "NO: " + ("LSTM MSE >= 0.01" if m >= 0.01 else "LSTM not 10x lower than RNN")
            else:
                verdict = "NO: " + ("LSTM below 95 %" if m < 0.95 else "RNN above chance")
            best_score, best_iteration = rnn["best"]
            best = f"{score_text(task_name, best_score)} (iteration {best_iteration})" if best_score else "-"
            print(f"| {label} | {seed} | {cells} | {first} | {best} | {rnn['seconds']:.1f} | {lstm['seconds']:.1f} "
                  f"| {verdict} |", flush=True)
    print("\nBaselines: adding problem, always predicting the mean: MSE 1/6 = 0.167; "
          "temporal order: chance 25 % (2 symbols), 12.5 % (3-bit).")


if __name__ == "__main__":
    main()
