"""The numbers a lesson reads from a run: what its checks watch and its reveal quotes.

A lesson talks about one run of the playground (a :class:`Trainer`), of the recurrent lab (a
:class:`RecurrentTrainer`) or of the lab's RNN-vs-LSTM comparison (a :class:`SideBySide`).
:func:`run_metrics` turns any of them into one flat ``{name: float}`` dict; :data:`METRICS`
says, for every name, how a person reads it (words, and whether it is a share, a number or
a yes/no flag).

Besides each trainer's own metrics (``Trainer.metrics``, ``RecurrentTrainer.metrics``) there are:

* ``diverged``: 1.0 once training has stopped on a non-finite loss, else 0.0;
* ``start_train_loss``: the training loss at iteration 0 (the history's first row, which
  thinning never drops);
* ``best_test_loss``: the lowest test loss recorded, and ``test_loss_rise`` = test loss now
  minus that lowest value (0 while the test loss is still falling);
* ``baseline``: the recurrent task's trivial-predictor loss, and ``<cell>_validation_loss``
  (``rnn_`` or ``lstm_``) for the cell a lab run trained, both cells for a side-by-side run.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.training.recurrent_trainer import RecurrentTrainer, SideBySide
from playground.training.trainer import Trainer

SHARE, NUMBER, FLAG = "share", "number", "flag"


@dataclass(frozen=True)
class Metric:
    """How a person reads one metric: ``words`` ("test accuracy") and its ``kind`` (a share
    shown as a percentage, a plain number, or a 0/1 flag)."""

    words: str
    kind: str = NUMBER

    def show(self, value: float) -> str:
        """The value as the lesson box writes it: '95 %', '0.0213', 'yes'."""
        if self.kind == SHARE:
            return f"{value * 100:.0f} %"
        if self.kind == FLAG:
            return "yes" if value >= 0.5 else "no"
        return f"{value:.3g}"


METRICS: dict[str, Metric] = {
    "iteration": Metric("iteration"),
    "epoch": Metric("epoch"),
    "train_loss": Metric("training loss"),
    "test_loss": Metric("test loss"),
    "train_accuracy": Metric("training accuracy", SHARE),
    "test_accuracy": Metric("test accuracy", SHARE),
    "train_rmse": Metric("training RMSE"),
    "test_rmse": Metric("test RMSE"),
    "train_r2": Metric("training R²"),
    "test_r2": Metric("test R²"),
    "diverged": Metric("training diverged", FLAG),
    "start_train_loss": Metric("training loss at iteration 0"),
    "best_test_loss": Metric("lowest test loss"),
    "test_loss_rise": Metric("rise of the test loss above its lowest"),
    "validation_loss": Metric("validation loss"),
    "validation_accuracy": Metric("validation accuracy", SHARE),
    "baseline": Metric("baseline loss"),
    "rnn_validation_loss": Metric("RNN validation loss"),
    "lstm_validation_loss": Metric("LSTM validation loss"),
}


def run_metrics(run: Trainer | RecurrentTrainer | SideBySide) -> dict[str, float]:
    """Every number a lesson may watch or quote for ``run`` (names in :data:`METRICS`)."""
    if isinstance(run, Trainer):
        return _playground_metrics(run)
    if isinstance(run, RecurrentTrainer):
        metrics = {**run.metrics, "baseline": run.task.loss_baseline, "diverged": float(run.diverged is not None)}
        metrics[f"{run.settings.cell}_validation_loss"] = metrics["validation_loss"]
        return metrics
    if isinstance(run, SideBySide):
        trainers = run.trainers
        any_trainer = next(iter(trainers.values()))
        metrics = {"iteration": run.iterations, "baseline": any_trainer.task.loss_baseline,
                   "diverged": float(any(t.diverged is not None for t in trainers.values()))}
        for cell, trainer in trainers.items():
            metrics[f"{cell}_validation_loss"] = trainer.metrics["validation_loss"]
        return metrics
    raise TypeError(f"a lesson reads a Trainer, RecurrentTrainer or SideBySide, not {type(run).__name__}")


def _playground_metrics(trainer: Trainer) -> dict[str, float]:
    history = trainer.history
    metrics = {**trainer.metrics, "diverged": float(trainer.diverged is not None),
               "start_train_loss": float(history.column("train_loss")[0])}
    test_losses = history.column("test_loss")
    finite = test_losses[np.isfinite(test_losses)]
    if finite.size and math.isfinite(metrics["test_loss"]):
        metrics["best_test_loss"] = float(finite.min())
        metrics["test_loss_rise"] = metrics["test_loss"] - metrics["best_test_loss"]
    return metrics
