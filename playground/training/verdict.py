"""The side-by-side run's verdict: which cell beat the task's trivial baseline, and by how much.

Each cell is judged by its final validation score in the task's own metric (``task.metric``):
the validation MSE (sine, adding), the validation accuracy (temporal order) or the validation
loss in nats per character (characters), against ``task.baseline``, the trivial predictor's
score in that metric.

A cell *beat* the baseline only when it did so clearly, by more than the validation set's noise:

* a loss at most ``LOSS_SHARE`` (3/4) of the baseline's. The validation set holds 128 sequences;
  on the adding problem the squared error of always answering 1 has mean 1/6 and standard
  deviation sqrt(1/15 - 1/36) = 0.197 (the sum of two U[0, 1] values is triangular on [0, 2],
  so E[(y - 1)^4] = 1/15), hence a standard error of 0.197 / sqrt(128) = 0.017, about 10 % of
  1/6: a model no better than the mean can land 20 % below it by luck, hardly 25 %;
* an accuracy at least ``ACCURACY_POINTS`` (10 percentage points) above chance. At chance,
  25 % on 128 sequences, the standard error is sqrt(0.25 * 0.75 / 128) = 3.8 points.
"""
from __future__ import annotations

import math
from collections.abc import Mapping

from playground.data.sequences import SequenceTask
from playground.training.recurrent_trainer import SideBySide

LOSS_SHARE = 0.75
ACCURACY_POINTS = 0.10
METRIC_NAMES = {"mse": "validation MSE", "accuracy": "validation accuracy", "cross_entropy": "validation loss"}


def final_scores(result: SideBySide) -> dict[str, float]:
    """cell -> its last validation score in the task's metric (accuracy or loss)."""
    column = "validation_accuracy" if result.settings.sequence_task.metric == "accuracy" else "validation_loss"
    return {cell: trainer.validation.last()[column] for cell, trainer in result.trainers.items()}


def beats_baseline(score: float, task: SequenceTask) -> bool:
    """True when ``score`` (in ``task.metric``) is clearly better than the trivial predictor's."""
    if not math.isfinite(score):
        return False
    if task.metric == "accuracy":
        return score >= task.baseline + ACCURACY_POINTS
    return score <= LOSS_SHARE * task.baseline


def score_text(score: float, task: SequenceTask) -> str:
    """A score as shown: "81%" for an accuracy, "0.0123" for a loss."""
    return f"{score:.0%}" if task.metric == "accuracy" else f"{score:.3g}"


def gap_text(score: float, task: SequenceTask) -> str:
    """How far ``score`` is from the baseline, in words: "63 points above" or "4 points below"
    for an accuracy; for a loss L against the baseline b, "N times lower" when L <= b / 2 (a
    percentage near 100 % would hide the difference between 0.01 and 0.001), else "N% lower"
    or "N% higher"."""
    baseline = task.baseline
    if task.metric == "accuracy":
        points = 100 * (score - baseline)
        return f"{abs(points):.0f} points {'above' if points >= 0 else 'below'}"
    if score <= baseline / 2:
        return f"{baseline / score:,.0f} times lower" if score > 0 else "infinitely lower"
    change = score / baseline - 1
    return f"{abs(change):.0%} {'lower' if change < 0 else 'higher'}"


def side_by_side_verdict(scores: Mapping[str, float], task: SequenceTask, iterations: int) -> str:
    """Which cells beat ``task``'s baseline after ``iterations``, and by how much, in one or two sentences.

    ``scores`` maps a cell ("rnn", "lstm") to its final validation score in ``task.metric``.
    Example (adding problem, baseline 1/6): ``{"rnn": 0.171, "lstm": 0.0032}`` gives "After
    1,000 iterations the LSTM beat the baseline: validation MSE 0.0032, 52 times lower than
    the baseline's 0.167. The RNN did not clearly beat it: 0.171, 3% higher."
    """
    names = {cell: cell.upper() for cell in scores}          # "rnn" -> "RNN", "lstm" -> "LSTM"
    unscored = [names[cell] for cell, score in scores.items() if not math.isfinite(score)]
    if unscored:
        return f"{' and '.join(unscored)} could not be scored: the validation score is not a finite number."
    metric = METRIC_NAMES[task.metric]
    baseline = f"the baseline's {score_text(task.baseline, task)}"
    joiner = " " if task.metric == "accuracy" else " than "     # "points above the …", "times lower than the …"
    winners = [cell for cell, score in scores.items() if beats_baseline(score, task)]
    losers = [cell for cell in scores if cell not in winners]
    when = f"After {iterations:,} iteration{'s' if iterations != 1 else ''}"

    def listed(cells: list[str]) -> str:
        described = [f"{score_text(scores[c], task)} ({gap_text(scores[c], task)})" for c in cells]
        first = f"the {names[cells[0]]}'s {metric} is {described[0]}"
        return ", ".join([first, *(f"the {names[c]}'s {text}" for c, text in zip(cells[1:], described[1:]))])

    if not winners:
        return (f"{when} neither cell clearly beat the baseline: {listed(losers)}, against {baseline}. "
                "More iterations or a shorter sequence may change that.")
    if not losers:
        return f"{when} both cells beat the baseline: {listed(winners)}, against {baseline}."
    winner, loser = winners[0], losers[0]
    return (f"{when} the {names[winner]} beat the baseline: {metric} {score_text(scores[winner], task)}, "
            f"{gap_text(scores[winner], task)}{joiner}{baseline}. The {names[loser]} did not clearly beat it: "
            f"{score_text(scores[loser], task)}, {gap_text(scores[loser], task)}.")
