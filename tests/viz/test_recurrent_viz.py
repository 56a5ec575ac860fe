"""Figures of the recurrent lab: every task and both cells draw, marks are drawn, values are
float32 and never NaN text, and the numbers in the pictures are the trainer's."""
from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.data.sequences import SEQUENCE_TASKS
from playground.training.recurrent_settings import defaults_for
from playground.training.recurrent_trainer import RecurrentTrainer, train_side_by_side
from playground.viz import recurrent as views

TASKS = list(SEQUENCE_TASKS)
CELLS = ["rnn", "lstm"]


def trained(task: str, cell: str, **changes) -> RecurrentTrainer:
    length = {"adding": 20, "temporal_order": 20}.get(task, 12)
    trainer = RecurrentTrainer(defaults_for(task, **{"cell": cell, "hidden_size": 5, "batch_size": 4,
                                                     "length": length, **changes}))
    trainer.step(3)
    return trainer


def numeric_arrays(figure: go.Figure):
    """Every numeric array of every trace (x, y, z), as numpy arrays."""
    for trace in figure.data:
        for name in ("x", "y", "z"):
            value = getattr(trace, name, None)
            if isinstance(value, np.ndarray) and value.dtype.kind == "f":
                yield trace, name, value


def assert_clean(figure: go.Figure) -> None:
    """Float arrays are float32 and hold no NaN: none of these figures has a gap to leave."""
    go.Figure(figure.to_dict())       # rebuilt with validation on: a misspelt property raises
    found = False
    for trace, name, values in numeric_arrays(figure):
        found = True
        assert values.dtype == np.float32, (trace.type, name, values.dtype)
        assert not np.isnan(values).any(), (trace.type, trace.name, name)
    assert found


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("cell", CELLS)
def test_every_figure_builds_for_every_task_and_cell(task, cell):
    trainer = trained(task, cell)
    view = trainer.inspect(0)
    flows = {"hidden state h": trainer.gradient_flow, "cell state c": trainer.cell_gradient_flow}
    for figure in (views.loss_figure(trainer.history, trainer.validation, trainer.task),
                   views.prediction_figure(view, trainer.task),
                   views.states_figure(view, trainer.task),
                   views.gradient_flow_figure(flows)):
        assert isinstance(figure, go.Figure)
        assert_clean(figure)
    unrolled = views.unrolled_figure(cell, many_to_many=trainer.task.kind == "many_to_many")
    unrolled.to_plotly_json()
    assert views.loss_alt_text(trainer.history, trainer.validation, trainer.task)
    assert views.states_alt_text(view, trainer.task)
    assert "Gradient flow" in views.gradient_flow_alt_text(flows)


def test_states_have_one_panel_per_state_and_gate():
    lstm, rnn = trained("adding", "lstm"), trained("adding", "rnn")
    lstm_figure = views.states_figure(lstm.inspect(0), lstm.task)
    rnn_figure = views.states_figure(rnn.inspect(0), rnn.task)
    assert [t.type for t in rnn_figure.data] == ["heatmap"]
    assert len(lstm_figure.data) == 5
    view = lstm.inspect(0)
    # The forget-gate panel holds exactly the forget gate, unit by time step.
    np.testing.assert_allclose(lstm_figure.data[3].z, view.gates["forget"].T.astype(np.float32))
    assert lstm_figure.data[3].z.shape == (5, 20)
    labels = [a.text for a in lstm_figure.layout.annotations]
    assert {"forget gate", "input gate", "output gate"} <= set(labels)


@pytest.mark.parametrize("task", ["adding", "temporal_order"])
@pytest.mark.parametrize("cell", CELLS)
def test_marked_steps_are_drawn_on_every_state_panel(task, cell):
    trainer = trained(task, cell)
    view = trainer.inspect(0)
    marked = set(np.flatnonzero(view.marks).tolist())
    assert len(marked) == 2
    figure = views.states_figure(view, trainer.task)
    lines = [shape for shape in figure.layout.shapes if shape.type == "line"]
    assert len(lines) == 2 and {int(shape.x0) for shape in lines} == marked
    # Each line runs through every panel: all panels share the x axis the line is placed on,
    # and the line spans the whole height that the panels' y domains cover.
    assert {trace.xaxis for trace in figure.data} == {"x"} and len(figure.data) == (5 if cell == "lstm" else 1)
    domains = [figure.layout[f"yaxis{k if k > 1 else ''}"].domain for k in range(1, len(figure.data) + 1)]
    for shape in lines:
        assert (shape.xref, shape.yref) == ("x", "paper")
        assert shape.y0 <= min(low for low, _ in domains) and shape.y1 >= max(high for _, high in domains)
    labels = {a.x: a.text for a in figure.layout.annotations if a.x in marked}
    if task == "adding":       # each marked step is labelled with its value
        assert labels == {t: f"{view.inputs[t, 0]:.2f}" for t in marked}
    else:                      # ... or with its symbol
        assert set(labels.values()) <= {"X", "Y"} and len(labels) == 2


def test_adding_prediction_shows_marked_values_and_the_sum():
    trainer = trained("adding", "lstm")
    view = trainer.inspect(0)
    figure = views.prediction_figure(view, trainer.task)
    values, answers = figure.data
    colors = np.asarray(values.marker.color)
    assert set(np.flatnonzero(colors == views.MARK_COLOR)) == set(np.flatnonzero(view.marks))
    np.testing.assert_allclose(answers.y, np.float32([view.targets[0], view.outputs[0]]))


def test_loss_figure_draws_the_task_baselines():
    adding = trained("adding", "rnn")
    figure = views.loss_figure(adding.history, adding.validation, adding.task)
    assert figure.layout.shapes[0].y0 == pytest.approx(1 / 6)
    assert figure.layout.yaxis.type == "log"
    temporal = trained("temporal_order", "lstm")
    figure = views.loss_figure(temporal.history, temporal.validation, temporal.task)
    chance = [s.y0 for s in figure.layout.shapes if s.yref == "y2"]
    assert chance == [pytest.approx(0.25)]
    assert [s.y0 for s in figure.layout.shapes if s.yref == "y"] == [pytest.approx(math.log(4))]
    np.testing.assert_allclose(figure.data[0].y, temporal.history.column("train_loss").astype(np.float32))


def test_gradient_flow_is_relative_to_the_last_step_and_gaps_where_truncated():
    trainer = trained("adding", "rnn", truncation=5)
    flow = trainer.gradient_flow
    figure = views.gradient_flow_figure({"hidden state h": flow}, truncation=5)
    y = figure.data[0].y
    assert y.dtype == np.float32 and y[-1] == pytest.approx(1.0)
    assert np.isnan(y[:-5]).all() and (y[-5:] > 0).all()       # cut steps are gaps, not zeros on a log axis
    np.testing.assert_allclose(y[-5:], (flow[-5:] / flow[-1]).astype(np.float32), rtol=1e-6)
    assert figure.layout.yaxis.type == "log"
    assert any(shape.type == "rect" for shape in figure.layout.shapes)
    tiny = views.gradient_flow_figure({"h": np.array([1e-300, 1e-3, 1.0])})
    assert tiny.data[0].y[0] == np.float32(views.FLOW_FLOOR)      # float32-safe floor, not 0
    # A diverged backward pass: what is not a finite number becomes a gap, never a warning.
    broken = views.gradient_flow_figure({"h": np.array([np.nan, np.inf, 1.0, 2.0])}).data[0].y
    np.testing.assert_array_equal(broken, np.float32([np.nan, np.nan, 0.5, 1.0]))


def test_log_axes_are_labelled_as_a_reader_writes_the_numbers():
    figure = views.gradient_flow_figure({"h": np.array([3e-6, 1e-3, 1.0])})
    axis = figure.layout.yaxis
    assert list(axis.tickvals) == [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0]
    assert list(axis.ticktext) == ["10⁻⁶", "10⁻⁵", "10⁻⁴", "0.001", "0.01", "0.1", "1"]
    labels = [views._log_tick_label(v) for v in (2e-5, 5e-4, 0.2, 50, 2000, 2e4, 1e7)]
    assert labels == ["2×10⁻⁵", "5×10⁻⁴", "0.2", "50", "2000", "2×10⁴", "10⁷"]


def test_side_by_side_figure_draws_both_cells():
    result = train_side_by_side(defaults_for("temporal_order", length=12, hidden_size=4, batch_size=4), 4)
    task = SEQUENCE_TASKS["temporal_order"]
    figure = views.side_by_side_figure(result, task)
    assert_clean(figure)
    names = {trace.name for trace in figure.data}
    assert {"RNN validation loss", "LSTM validation loss", "RNN", "LSTM"} <= names
    flows = {trace.name: trace.y for trace in figure.data if trace.name in ("RNN", "LSTM")}
    assert all(len(y) == 12 for y in flows.values())
    assert "RNN" in views.side_by_side_alt_text(result, task)


def test_text_units_figure_colours_each_character_by_its_value():
    trainer = trained("text", "lstm")
    text = "the cat sat on the mat\nand"
    values = trainer.hidden_states_for(text)[:, 2]
    figure = views.text_units_figure(text, values, 2, columns=10)
    heatmap = figure.data[0]
    assert heatmap.z.shape == (3, 10) and heatmap.z.dtype == np.float32
    np.testing.assert_allclose(heatmap.z.ravel()[:len(text)], values.astype(np.float32))
    assert np.isnan(heatmap.z.ravel()[len(text):]).all()          # padding after the text is blank
    flat_text = [c for row in heatmap.text for c in row]
    assert flat_text[:3] == ["t", "h", "e"] and flat_text[3] == "·" and flat_text[22] == "↵"
    with pytest.raises(ValueError, match="one value per character"):
        views.text_units_figure("abc", [0.1, 0.2], 0)


def test_unrolled_figure_shows_the_cell_state_lane_only_for_the_lstm():
    lstm = {a.text for a in views.unrolled_figure("lstm").layout.annotations}
    rnn = {a.text for a in views.unrolled_figure("rnn").layout.annotations}
    assert "c<sub>1</sub>" in lstm and "c<sub>1</sub>" not in rnn
    assert "h<sub>1</sub>" in lstm and "h<sub>1</sub>" in rnn
    many = [a.text for a in views.unrolled_figure("rnn", many_to_many=True).layout.annotations]
    one = [a.text for a in views.unrolled_figure("rnn").layout.annotations]
    assert sum("ŷ" in t for t in many) == 3 and sum("ŷ" in t for t in one) == 1
    with pytest.raises(ValueError, match="unknown cell"):
        views.unrolled_figure("gru")


def test_short_colour_bars_keep_their_labels_apart_in_the_presenter_view():
    trainer = trained("adding", "lstm")
    view = trainer.inspect(0)
    cell_range = float(np.max(np.abs(view.cell_states)))
    normal = views.states_figure(view, trainer.task, height=265).layout
    # 5 rows of (265 - 56) / 5 = 42 px: -limit, 0 and limit, 10 px each, fit.
    assert normal.coloraxis.colorbar.ticktext == ("−1", "0", "1")
    assert normal.coloraxis2.colorbar.tickvals == pytest.approx((-cell_range, 0, cell_range))
    big = views.states_figure(view, trainer.task, height=265, scale=1.5).layout
    # Margins grow, the height does not: 36 px rows for 15 px labels, so one label each.
    assert big.coloraxis.colorbar.ticktext == ("±1",)
    assert big.coloraxis2.colorbar.ticktext == (f"±{cell_range:.2g}",)
