"""The side-by-side verdict: hand-worked scores against each task's baseline, and a real run."""
from __future__ import annotations

import math

import pytest

from playground.data.sequences import SEQUENCE_TASKS
from playground.training.recurrent_settings import defaults_for
from playground.training.recurrent_trainer import train_side_by_side
from playground.training.verdict import beats_baseline, final_scores, gap_text, side_by_side_verdict

ADDING, ORDER, TEXT = SEQUENCE_TASKS["adding"], SEQUENCE_TASKS["temporal_order"], SEQUENCE_TASKS["text"]


def test_a_loss_beats_the_baseline_only_at_three_quarters_of_it_or_less():
    # Adding problem: baseline 1/6, so the line is 3/4 * 1/6 = 0.125.
    assert beats_baseline(0.1249, ADDING) and beats_baseline(0.0, ADDING)
    assert not beats_baseline(0.1251, ADDING) and not beats_baseline(0.2, ADDING)
    assert not beats_baseline(math.nan, ADDING) and not beats_baseline(math.inf, ADDING)


def test_an_accuracy_beats_chance_only_by_ten_points_or_more():
    assert beats_baseline(0.36, ORDER) and beats_baseline(1.0, ORDER)      # chance is 25 %
    assert not beats_baseline(0.34, ORDER) and not beats_baseline(0.1, ORDER)


@pytest.mark.parametrize("score, task, text", [
    (0.0032, ADDING, "52 times lower"),         # (1/6) / 0.0032 = 52.08
    (1 / 12, ADDING, "2 times lower"),          # exactly half: a ratio from here on
    (0.1, ADDING, "40% lower"),                 # 0.1 * 6 = 0.6
    (0.171, ADDING, "3% higher"),               # 0.171 * 6 = 1.026
    (0.97, ORDER, "72 points above"),
    (0.21, ORDER, "4 points below"),
])
def test_the_gap_is_said_in_words(score, task, text):
    assert gap_text(score, task) == text


def test_one_winner_is_named_with_its_margin_and_the_other_cell_with_its_score():
    assert side_by_side_verdict({"rnn": 0.171, "lstm": 0.0032}, ADDING, 1000) == (
        "After 1,000 iterations the LSTM beat the baseline: validation MSE 0.0032, 52 times lower than the "
        "baseline's 0.167. The RNN did not clearly beat it: 0.171, 3% higher.")
    assert side_by_side_verdict({"rnn": 0.97, "lstm": 0.3}, ORDER, 1) == (
        "After 1 iteration the RNN beat the baseline: validation accuracy 97%, 72 points above the "
        "baseline's 25%. The LSTM did not clearly beat it: 30%, 5 points above.")


def test_neither_and_both_are_said_so():
    # The inconclusive run: 200 iterations, both worse than the baseline.
    assert side_by_side_verdict({"rnn": 0.187, "lstm": 0.182}, ADDING, 200) == (
        "After 200 iterations neither cell clearly beat the baseline: the RNN's validation MSE is 0.187 "
        "(12% higher), the LSTM's 0.182 (9% higher), against the baseline's 0.167. More iterations or a "
        "shorter sequence may change that.")
    both = side_by_side_verdict({"rnn": 0.61, "lstm": 1.0}, ORDER, 300)
    assert both == ("After 300 iterations both cells beat the baseline: the RNN's validation accuracy is 61% "
                    "(36 points above), the LSTM's 100% (75 points above), against the baseline's 25%.")


def test_the_characters_task_is_judged_by_its_loss_in_nats():
    baseline = TEXT.baseline
    verdict = side_by_side_verdict({"rnn": 0.9 * baseline, "lstm": 0.5 * baseline}, TEXT, 400)
    assert verdict.startswith("After 400 iterations the LSTM beat the baseline: validation loss ")
    assert "2 times lower than the baseline's" in verdict and "The RNN did not clearly beat it" in verdict
    assert "10% lower" in verdict


def test_a_score_that_is_not_a_number_is_reported_not_judged():
    assert side_by_side_verdict({"rnn": math.nan, "lstm": 0.01}, ADDING, 5) == (
        "RNN could not be scored: the validation score is not a finite number.")


def test_final_scores_are_the_last_validation_records_in_the_task_metric():
    result = train_side_by_side(defaults_for("temporal_order", length=12, hidden_size=4, batch_size=4), 6)
    scores = final_scores(result)
    assert scores == {cell: run.validation.last()["validation_accuracy"] for cell, run in result.trainers.items()}
    adding = train_side_by_side(defaults_for("adding", length=12, hidden_size=4, batch_size=4), 6)
    assert final_scores(adding) == {cell: run.validation.last()["validation_loss"]
                                    for cell, run in adding.trainers.items()}
