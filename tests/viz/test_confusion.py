"""The confusion-matrix heatmap: its cells, names, shares and title, checked against hand-worked numbers."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.training.config import DEFAULT
from playground.training.evaluation import confusion_matrix
from playground.training.trainer import Trainer
from playground.viz.confusion import confusion_alt_text, confusion_figure, row_shares
from playground.viz.labels import short_label

COUNTS = np.array([[5, 1, 0],
                   [2, 6, 2],
                   [0, 0, 0]])          # the third class has no rows in this split


def test_row_shares_by_hand():
    shares = row_shares(COUNTS)
    np.testing.assert_allclose(shares[:2], [[5 / 6, 1 / 6, 0], [0.2, 0.6, 0.2]])
    assert np.isnan(shares[2]).all()


def test_cells_names_hover_and_title():
    figure = confusion_figure(COUNTS, ["setosa", "versicolor", "virginica"], "test", height=280)
    go.Figure(figure.to_dict())                     # valid Plotly: a misspelt property raises here
    heatmap = figure.data[0]
    np.testing.assert_array_equal(np.asarray(heatmap.z), COUNTS)
    assert list(figure.layout.xaxis.ticktext) == list(figure.layout.yaxis.ticktext) == \
        ["setosa", "versicolor", "virginica"]
    assert figure.layout.yaxis.autorange == "reversed"                    # first class on top
    assert heatmap.texttemplate == "%{z}"
    assert heatmap.text[1][0] == "true versicolor, predicted setosa<br>2 rows: 20% of the 10 versicolor rows"
    assert heatmap.text[0][0] == "true setosa, predicted setosa<br>5 rows: 83% of the 6 setosa rows"
    assert heatmap.text[2][2].endswith("0 rows: no rows of this class")
    assert figure.layout.title.text == "Test data: 11 of 16 right (69%)"
    assert figure.layout.height == 280


def test_long_class_names_are_shortened_on_the_axes_and_whole_on_hover():
    names = ["occupation_husband_1", "occupation_husband_2"]
    figure = confusion_figure(np.array([[3, 1], [0, 4]]), names, "training")
    assert list(figure.layout.xaxis.ticktext) == [short_label(n, 14) for n in names]
    assert len(set(figure.layout.xaxis.ticktext)) == 2 and list(figure.data[0].x) == [0, 1]   # still two classes
    assert "true occupation_husband_2, predicted occupation_husband_1" in figure.data[0].text[1][0]


def test_a_trainers_matrix_draws_with_its_class_names():
    trainer = Trainer(DEFAULT.with_changes(dataset="iris", hidden_layers=(4,)))
    trainer.step(20)
    counts = confusion_matrix(trainer, "training")
    figure = go.Figure(confusion_figure(counts, trainer.dataset.class_names, "training").to_dict())
    assert list(figure.layout.xaxis.ticktext) == ["setosa", "versicolor", "virginica"]
    assert figure.layout.title.text.startswith(f"Training data: {np.trace(counts)} of {len(trainer.dataset.y_train)}")
    assert "setosa:" in confusion_alt_text(counts, trainer.dataset.class_names, "training")


def test_alt_text_and_bad_input():
    text = confusion_alt_text(COUNTS, ["a", "b", "c"], "test")
    assert text.endswith("11 of 16 rows right. a: 83% right; b: 60% right; c: no rows.")
    with pytest.raises(ValueError, match=r"counts must be \(2, 2\) for 2 class names"):
        confusion_figure(COUNTS, ["a", "b"], "test")
    with pytest.raises(ValueError, match="split must be 'training' or 'test'"):
        confusion_figure(COUNTS, ["a", "b", "c"], "validation")


@pytest.mark.parametrize("name, limit, short", [
    ("age", 12, "age"), ("occupation_husb", 15, "occupation_husb"), ("occupation_husb", 12, "occupat\u2026husb"),
    ("worst concave points", 12, "worst c\u2026ints"), ("abcdef", 3, "a\u2026f"),
])
def test_short_labels_keep_both_ends(name, limit, short):
    assert short_label(name, limit) == short and len(short) <= limit
