"""The network's health in plain words: dead and saturated neurons, exploding gradients, stuck training.

On the training inputs X (n, n_inputs), for every hidden layer with weighted sums z (n, size):

* a ReLU neuron is *dead* when z <= 0 on every training point: it outputs 0 everywhere and
  passes no gradient back, so nothing revives it;
* a sigmoid or tanh neuron is *saturated* when |z| > ``SATURATION`` on at least
  ``SATURATED_SHARE`` of the points: its slope f'(z) is then below 0.018 (sigmoid) or 0.0014
  (tanh), so it barely learns;
* any neuron is *flat* when its activation varies by less than ``FLAT_SPREAD`` (standard
  deviation) over the points: the grey tiles in the diagram.

The gradient norms come from ``Trainer.gradient_norms`` (one row per iteration, one column
per layer): on divergence the layer whose norm grew most names where the gradient exploded.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.training.config import LEARNING_RATES
from playground.training.history import History

SATURATION = 4.0
SATURATED_SHARE = 0.9
FLAT_SPREAD = 1e-3
#: A layer's gradient has *exploded* when its norm exceeds EXPLOSION times the median of
#: its previous GROWTH_WINDOW rows; the last SCAN_ROWS rows are searched for the first time.
EXPLOSION = 100.0
GROWTH_WINDOW = 50
SCAN_ROWS = 1000
#: Iterations at chance before the stuck hint speaks, the margin above chance that still
#: counts as chance, and the share of a layer's neurons that must be dead, saturated or flat.
STUCK_AFTER = 300
CHANCE_MARGIN = 0.05
STUCK_SHARE = 0.5


@dataclass(frozen=True)
class LayerHealth:
    """One hidden layer's neurons on the training data (``dead``/``saturated`` None where
    the activation cannot be dead or saturated)."""

    layer: int                  # 1-based
    activation: str
    size: int
    dead: int | None
    saturated: int | None
    flat: int

    @property
    def dead_share(self) -> float:
        return (self.dead or 0) / self.size

    @property
    def saturated_share(self) -> float:
        return (self.saturated or 0) / self.size

    @property
    def flat_share(self) -> float:
        return self.flat / self.size


def layer_health(network, X: np.ndarray) -> list[LayerHealth]:
    """Dead, saturated and flat neurons of every hidden layer on the inputs X (n, n_inputs)."""
    with np.errstate(all="ignore"):
        forward = network.forward_pass(np.asarray(X, dtype=np.float64))
    layers = []
    for layer, (z, a, name) in enumerate(zip(forward.sums, forward.hidden_outputs, network.activation), start=1):
        dead = int(np.sum(np.all(z <= 0, axis=0))) if name == "relu" else None
        saturated = int(np.sum(np.mean(np.abs(z) > SATURATION, axis=0) >= SATURATED_SHARE)) \
            if name in ("sigmoid", "tanh") else None
        flat = int(np.sum(~(np.std(a, axis=0) >= FLAT_SPREAD)))   # a NaN spread counts as flat
        layers.append(LayerHealth(layer, name, z.shape[1], dead, saturated, flat))
    return layers


def health_sentences(layers: list[LayerHealth]) -> list[str]:
    """One plain sentence per hidden layer with a problem, or one saying all is well."""
    sentences = []
    for h in layers:
        problems = []
        if h.dead:
            problems.append(f"{h.dead} of {h.size} ReLU neurons are dead (0 on every training point)")
        if h.saturated:
            problems.append(f"{h.saturated} of {h.size} {h.activation} neurons are saturated (|z| > {SATURATION:g})")
        if h.flat and not h.dead:
            problems.append(f"{h.flat} of {h.size} neurons give the same output everywhere")
        if problems:
            sentences.append(f"Hidden layer {h.layer}: " + "; ".join(problems) + ".")
    return sentences or ["No dead, saturated or flat neurons on the training data."]


def layer_name(layer: int, n_layers: int) -> str:
    """"hidden layer 2" or "the output layer" for 1-based ``layer`` of ``n_layers`` weight layers."""
    return "the output layer" if layer == n_layers else f"hidden layer {layer}"


def suggested_learning_rate(learning_rate: float) -> float:
    """The largest offered learning rate at most a tenth of ``learning_rate``."""
    smaller = [rate for rate in LEARNING_RATES if rate <= learning_rate / 10 * (1 + 1e-9)]
    return max(smaller) if smaller else learning_rate / 10


def exploded_layer(gradient_norms: History) -> tuple[int, int, float, float] | None:
    """Where the gradient exploded first: (1-based layer, iteration, norm before, norm then).

    Scanning the last ``SCAN_ROWS`` rows, the first row where a layer's norm exceeds
    ``EXPLOSION`` times the median of its previous ``GROWTH_WINDOW`` rows names that layer
    (the largest such jump in that row). Without such a jump, the layer whose last norm
    grew most over that median is named. None with fewer than two rows.
    """
    n = len(gradient_norms)
    if n < 2:
        return None
    first = max(0, n - SCAN_ROWS)
    norms = np.array([gradient_norms.column(c)[first:] for c in gradient_norms.columns]).T   # (rows, layers)
    iterations = gradient_norms.iterations[first:]
    for row in range(1, len(norms)):
        before = np.median(norms[max(0, row - GROWTH_WINDOW):row], axis=0)
        with np.errstate(all="ignore"):
            growth = np.nan_to_num(np.where(before > 0, norms[row] / before, np.where(norms[row] > 0, np.inf, 1.0)),
                                   nan=np.inf)
        if growth.max() > EXPLOSION or row == len(norms) - 1:
            layer = int(np.argmax(growth))
            return layer + 1, int(iterations[row]), float(before[layer]), float(norms[row, layer])
    return None


def divergence_advice(gradient_norms: History, learning_rate: float) -> str:
    """Which layer's gradient exploded and what learning rate to try (a sentence or two)."""
    suggestion = f"Try a learning rate of {suggested_learning_rate(learning_rate):g} (now {learning_rate:g})."
    found = exploded_layer(gradient_norms)
    if found is None:
        return suggestion
    layer, iteration, before, then = found
    return (f"The gradient exploded first in {layer_name(layer, len(gradient_norms.columns))}: at iteration "
            f"{iteration:,} its norm jumped to {then:.3g} from about {before:.3g}. {suggestion}")


def chance_level(trainer) -> float:
    """Accuracy of always answering the commonest training class; for regression R^2 = 0."""
    if trainer.task != "classification":
        return 0.0
    counts = np.bincount(np.asarray(trainer.dataset.y_train, dtype=np.intp))
    return float(counts.max() / counts.sum())


def stuck_hint(trainer, layers: list[LayerHealth] | None = None) -> str | None:
    """One sentence when training has sat at chance for ``STUCK_AFTER`` iterations with dead,
    saturated or flat layers; None otherwise. ``layers`` defaults to the training data's health."""
    if trainer.iteration < STUCK_AFTER or trainer.diverged:
        return None
    history, classification = trainer.history, trainer.task == "classification"
    column = history.column("train_accuracy" if classification else "train_r2")
    recent = column[history.iterations > trainer.iteration - STUCK_AFTER]
    chance = chance_level(trainer)
    if not len(recent) or not np.all(np.nan_to_num(recent, nan=chance) <= chance + CHANCE_MARGIN):
        return None
    if layers is None:
        layers = layer_health(trainer.network, trainer.dataset.X_train)
    at_chance = (f"Stuck at chance ({recent[-1]:.0%} accuracy, as good as always answering the commonest class)"
                 if classification else f"Stuck: R² {recent[-1]:.2f}, no better than predicting the mean")
    rate = trainer.config.learning_rate
    high_rate = rate >= 1.0
    for h in layers:
        if h.dead_share >= STUCK_SHARE:
            cause = (f"{h.dead} of {h.size} ReLU neurons in hidden layer {h.layer} are dead, so no gradient "
                     "flows through them")
            fix = (f"the learning rate {rate:g} probably killed them; press Reset and try "
                   f"{suggested_learning_rate(rate):g}, or leaky ReLU") if high_rate else \
                "press Reset with another seed, or try leaky ReLU"
            return f"{at_chance} after {trainer.iteration:,} iterations: {cause}; {fix}."
        if h.saturated_share >= STUCK_SHARE:
            cause = (f"{h.saturated} of {h.size} {h.activation} neurons in hidden layer {h.layer} are saturated "
                     "(|z| > 4), so their slopes are almost 0")
            fix = (f"the learning rate {rate:g} probably pushed them there; press Reset and try "
                   f"{suggested_learning_rate(rate):g}") if high_rate else \
                "press Reset, or try smaller initial weights or ReLU"
            return f"{at_chance} after {trainer.iteration:,} iterations: {cause}; {fix}."
        if h.flat_share >= STUCK_SHARE:
            return (f"{at_chance} after {trainer.iteration:,} iterations: {h.flat} of {h.size} neurons in hidden "
                    f"layer {h.layer} give the same output on every point, so the layer passes on almost nothing; "
                    f"press Reset and try a {'smaller ' if high_rate else ''}learning rate"
                    f"{f' such as {suggested_learning_rate(rate):g}' if high_rate else ' or another initialisation'}.")
    return None
