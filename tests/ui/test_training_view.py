"""The counters' numbers: fixed decimals while they are small, an exponent once they explode."""
from __future__ import annotations

from playground.ui.training_view import LARGE, change_text, number_text


def test_numbers_keep_their_decimals_until_they_are_large():
    assert number_text(0.12345, 4) == "0.1235"
    assert number_text(9999.5, 3) == "9999.500"
    assert number_text(LARGE, 3) == "1e+04"
    assert number_text(5.4673841739e33, 4) == "5.47e+33"
    assert number_text(-2.5e7, 4, sign=True) == "-2.5e+07"
    assert number_text(0.25, 4, sign=True) == "+0.2500"


def test_changes_are_points_for_accuracies_and_numbers_otherwise():
    assert change_text("train_accuracy", 0.75, 0.5) == "+25.0%"
    assert change_text("train_loss", 0.5, 0.75) == "-0.2500"
    assert change_text("validation_loss", 1.6e33, 2.0) == "+1.6e+33"
