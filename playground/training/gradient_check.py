"""Check the trainer's gradients on its last mini-batch by central differences.

The objective is what a Step descends: the mini-batch's mean loss plus the L1/L2 penalty
(no dropout, whose random mask would change the function between evaluations). For each
checked parameter p,

    numeric = (J(p + h) - J(p - h)) / (2 h),   h = 1e-5
    error   = |analytic - numeric| / max(|analytic| + |numeric|, GRADIENT_FLOOR)

and the largest error is reported (``playground.engine.gradcheck``). Every parameter is
checked up to ``CHECK_ALL_UP_TO``; beyond that a random ``SAMPLE_SIZE`` of them. They are
checked in a random order until ``max_seconds`` pass, so a large batch on a large network
reports how many it reached instead of keeping the page waiting.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from playground.engine.gradcheck import numerical_gradient_at, relative_error
from playground.engine.optimizers import regularization_penalty

CHECK_ALL_UP_TO = 2000
SAMPLE_SIZE = 200
#: With h = 1e-5 a central difference carries about 1e-11 of rounding; dividing that by a
#: vanishing gradient's own size would read as a large error, so sums below this are
#: compared absolutely. A real error of more than about 1e-11 still shows above 1e-6.
GRADIENT_FLOOR = 1e-5
#: Activations whose derivative jumps at z = 0, and how close a weighted sum must come
#: to 0 for a nudge of h to cross it (h times an input of a few units).
KINKED = ("relu", "leaky_relu", "elu")
KINK_REACH = 1e-4


@dataclass(frozen=True)
class GradientCheck:
    max_relative_error: float
    n_checked: int
    n_planned: int            # all parameters, or SAMPLE_SIZE of them
    n_parameters: int
    batch_size: int
    nearest_kink: float | None  # smallest |z| of a ReLU-like neuron on the batch (None: no such layer)

    @property
    def complete(self) -> bool:
        return self.n_checked == self.n_planned

    @property
    def at_a_kink(self) -> bool:
        """Did some weighted sum sit within a nudge of a ReLU-like kink (where the slope jumps)?"""
        return self.nearest_kink is not None and self.nearest_kink < KINK_REACH


def check_last_batch(trainer, seed: int = 0, max_seconds: float = 3.0) -> GradientCheck:
    """Central-difference check of ``trainer.network``'s gradients on its last mini-batch.

    Before the first Step the batch is the first ``batch_size`` rows of the training set.
    ``seed`` picks the order (and, on a large network, the sample) of the parameters.
    """
    deadline = time.perf_counter() + max_seconds
    network, config = trainer.network, trainer.config
    rows = trainer.last_batch_indices
    if not len(rows):
        rows = np.arange(trainer.batch_size)
    X = trainer.dataset.X_train[rows]
    T = trainer.training_targets(rows)
    l1, l2 = config.l1, config.l2
    params = network.parameters()
    sizes = [p.size for p in params]
    n_parameters = sum(sizes)
    rng = np.random.default_rng(seed)
    chosen = rng.permutation(n_parameters)[:SAMPLE_SIZE if n_parameters > CHECK_ALL_UP_TO else None]
    starts = np.cumsum([0, *sizes])
    with np.errstate(all="ignore"):
        forward = network.forward_pass(X)
        kinked = [np.abs(z).min() for z, name in zip(forward.sums, network.activation) if name in KINKED]
        _, grads = network.loss_and_gradients_for_targets(X, T, l1, l2)
        analytic = [g.reshape(-1) for g in grads["weights"] + grads["biases"]]

        def objective() -> float:
            return network.loss_and_outputs(X, T)[0] + regularization_penalty(network.weights, l1, l2)

        worst, n_checked = 0.0, 0
        for flat_index in chosen:
            array = int(np.searchsorted(starts, flat_index, side="right")) - 1
            entry = flat_index - starts[array]
            numeric = numerical_gradient_at(objective, params[array], [entry])
            worst = max(worst, relative_error(analytic[array][entry:entry + 1], numeric, floor=GRADIENT_FLOOR))
            n_checked += 1
            if time.perf_counter() > deadline:
                break
    return GradientCheck(worst, n_checked, len(chosen), n_parameters, len(rows),
                         float(min(kinked)) if kinked else None)
