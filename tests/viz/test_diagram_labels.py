"""The diagram's input names: never cut off, readable with many inputs, whole on hover."""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from playground.data import load_csv
from playground.training.config import DEFAULT
from playground.training.trainer import Trainer
from playground.viz.network_diagram import (
    INPUT_LABEL_CHARS,
    LABEL_FONT_PX,
    LABEL_LINE_PX,
    LABEL_PX_PER_CHAR,
    input_labels,
    network_figure,
)

HEIGHT = 400          # the playground page's diagram


def table_trainer(names: list[str]) -> Trainer:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(np.round(rng.normal(size=(40, len(names))), 3), columns=names)
    frame["label"] = ["yes", "no"] * 20
    return Trainer(DEFAULT.with_changes(dataset="csv"), dataset=load_csv(frame.to_csv(index=False).encode()))


def _text_trace(figure):
    [trace] = [t for t in figure.data if t.type == "scatter" and t.mode == "text"]
    return trace


def _label_rows(figure, n_inputs: int) -> tuple[list[str], np.ndarray]:
    """The input labels and their heights in pixels from the top of the plot area."""
    trace = _text_trace(figure)
    layout = figure.layout
    low, high = layout.yaxis.range
    px_per_unit = (layout.height - layout.margin.t - layout.margin.b) / (high - low)
    return list(trace.text[:n_inputs]), (high - np.asarray(trace.y[:n_inputs], dtype=float)) * px_per_unit


def test_labels_by_hand():
    names = ["age", "occupation_husb", "occupation_wife"]
    assert input_labels(names, 20.0) == ["age", "occupati\u2026_husb", "occupati\u2026_wife"]
    assert input_labels(names, LABEL_LINE_PX) == ["age", "occupati\u2026_husb", "occupati\u2026_wife"]
    assert input_labels(names + ["d", "e"], LABEL_LINE_PX / 2) == ["age", "", "occupati\u2026_wife", "", "e"]
    assert input_labels(list("abcdefg"), 5.0) == ["a", "", "", "d", "", "", "g"]        # every 3rd


def test_twenty_one_long_names_are_all_written_at_full_size_within_the_chart():
    names = ["occupation_husb", "occupation_wife", "education_husband", "age", "children", "religion"] + \
        [f"survey_item_{k}" for k in range(15)]
    trainer = table_trainer(names)
    figure = network_figure(trainer, height=HEIGHT)
    go.Figure(figure.to_dict())
    labels, rows = _label_rows(figure, 21)
    assert all(labels) and labels[:4] == ["occupati\u2026_husb", "occupati\u2026_wife", "educatio\u2026sband", "age"]
    assert labels[-1] == "survey_item_14"                              # 14 characters: whole
    assert max(len(label) for label in labels) <= INPUT_LABEL_CHARS
    assert np.all(np.diff(rows) >= LABEL_LINE_PX)                     # one line of text apart at least
    trace = _text_trace(figure)
    assert trace.textfont.size == LABEL_FONT_PX >= 12
    # Drawn into a left margin wide enough for the longest label, never clipped by the plot area.
    assert trace.cliponaxis is False
    assert figure.layout.margin.l >= LABEL_PX_PER_CHAR * max(len(label) for label in labels)
    assert figure.layout.xaxis.range[0] <= float(np.min(trace.x[:21]))
    # The full names on hover.
    assert list(trace.hovertext[:21]) == names


@pytest.mark.parametrize("dataset, n_inputs", [("breast_cancer", 30), ("digits", 64)])
def test_many_inputs_name_every_kth_one_readably(dataset, n_inputs):
    trainer = Trainer(DEFAULT.with_changes(dataset=dataset))
    figure = network_figure(trainer, height=HEIGHT)
    labels, rows = _label_rows(figure, n_inputs)
    named = [j for j, label in enumerate(labels) if label]
    assert named[0] == 0 and len(named) >= n_inputs // 5
    assert np.all(np.diff(rows[named]) >= LABEL_LINE_PX)
    assert _text_trace(figure).textfont.size == LABEL_FONT_PX
    assert list(_text_trace(figure).hovertext[:n_inputs]) == trainer.dataset.feature_names


def test_frames_for_playing_have_no_label_hover():
    figure = network_figure(Trainer(DEFAULT), hover=False)
    assert _text_trace(figure).hovertext is None and _text_trace(figure).hoverinfo == "skip"
    assert list(_text_trace(network_figure(Trainer(DEFAULT))).hovertext[2:]) == \
        ["inputs", "hidden layer 1: 4 tanh", "hidden layer 2: 2 tanh", "sigmoid output"]
