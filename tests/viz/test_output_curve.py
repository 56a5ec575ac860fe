"""Tables with one input: the regions chart is a graph of the output against that input."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.data import load_csv
from playground.training.config import DEFAULT
from playground.training.trainer import Trainer
from playground.ui import live_chart as lc
from playground.viz.network_diagram import network_figure
from playground.viz.output_curve import CURVE_POINTS, PAD, STRIP, curve_inputs
from playground.viz.regions import plane_view, points_figure, regions_alt_text, regions_figure

X = np.round(np.linspace(-3, 5, 40), 2)


def one_input_trainer(target, **changes) -> Trainer:
    rows = "".join(f"{x},{t}\n" for x, t in zip(X, target))
    data = load_csv(f"dose,response\n{rows}".encode(), train_fraction=0.75)
    trainer = Trainer(DEFAULT.with_changes(dataset="csv", hidden_layers=(4,), learning_rate=0.1, **changes),
                      dataset=data)
    trainer.step(100)
    return trainer


REGRESSION = np.round(1.5 * X + np.sin(X), 3)
TWO_CLASSES = np.where(X > 1, "high", "low")
THREE_CLASSES = np.select([X < -0.5, X < 2.5], ["a", "b"], "c")


def _curves(figure) -> list:
    return [trace for trace in figure.data if trace.mode == "lines"]


def _expected_scores(trainer) -> tuple[np.ndarray, np.ndarray]:
    view = plane_view(trainer.dataset)
    xs, raw = curve_inputs(view.x_range, view.held)
    return xs, trainer.predict(trainer.dataset.transform(raw))


def test_regression_draws_the_predicted_value_against_the_input_with_the_points():
    trainer = one_input_trainer(REGRESSION)
    figure = regions_figure(trainer, show_test=True)
    go.Figure(figure.to_dict())                                       # valid Plotly
    [curve] = _curves(figure)
    xs, predicted = _expected_scores(trainer)
    assert len(curve.x) == CURVE_POINTS and curve.x[0] == pytest.approx(X.min() - 0.4, abs=1e-5)
    np.testing.assert_allclose(curve.x, xs, rtol=1e-6)
    np.testing.assert_allclose(curve.y, predicted, rtol=1e-5, atol=1e-5)
    data = trainer.dataset
    train_points, test_points = [t for t in figure.data if t.mode == "markers"]
    np.testing.assert_allclose(train_points.x, data.raw_train[:, 0], rtol=1e-6)
    np.testing.assert_allclose(train_points.y, data.y_train, rtol=1e-6)     # each point at its target
    np.testing.assert_allclose(test_points.y, data.y_test, rtol=1e-6)
    # Not the input against itself: the vertical axis is the target's, over its values.
    assert figure.layout.xaxis.title.text == "dose" and figure.layout.yaxis.title.text == "response"
    low, high = figure.layout.yaxis.range
    assert low < REGRESSION.min() and high > REGRESSION.max()
    assert not any(trace.type == "heatmap" for trace in figure.data)


def test_two_classes_draw_the_second_class_probability_with_the_points_at_0_and_1():
    trainer = one_input_trainer(TWO_CLASSES)
    assert trainer.dataset.class_names == ["high", "low"]
    figure = regions_figure(trainer)
    [curve] = _curves(figure)
    _, scores = _expected_scores(trainer)
    np.testing.assert_allclose(curve.y, scores[:, 1], atol=1e-6)
    assert curve.name == "low" and figure.layout.yaxis.title.text == "P(low)"
    [points] = [t for t in figure.data if t.mode == "markers"]
    np.testing.assert_array_equal(points.y, trainer.dataset.y_train)        # 0 for "high", 1 for "low"
    assert figure.layout.yaxis.range == (-PAD, 1 + PAD)
    assert trainer.metrics["train_accuracy"] > 0.9      # it learned the threshold at dose 1:
    assert curve.y[0] > 0.5 > curve.y[-1]               # "low" on the left, "high" on the right


def test_three_classes_draw_one_curve_per_class_and_the_points_in_lanes_above():
    trainer = one_input_trainer(THREE_CLASSES)
    figure = regions_figure(trainer)
    curves = _curves(figure)
    _, scores = _expected_scores(trainer)
    assert [c.name for c in curves] == ["a", "b", "c"]
    for k, curve in enumerate(curves):
        np.testing.assert_allclose(curve.y, np.clip(scores[:, k], 0, 1), atol=1e-6)
    [points] = [t for t in figure.data if t.mode == "markers"]
    lanes = {int(label): float(height) for label, height in zip(trainer.dataset.y_train, points.y)}
    assert sorted(lanes) == [0, 1, 2] and lanes[0] < lanes[1] < lanes[2]
    assert 1 + PAD < lanes[0] and lanes[2] < 1 + PAD + STRIP <= figure.layout.yaxis.range[1]


def test_discretized_curves_show_the_decision():
    trainer = one_input_trainer(THREE_CLASSES)
    curves = _curves(regions_figure(trainer, discretize=True))
    values = np.array([c.y for c in curves])
    assert set(np.unique(values)) <= {0.0, 1.0}
    np.testing.assert_array_equal(values.sum(axis=0), 1.0)
    _, scores = _expected_scores(trainer)
    np.testing.assert_array_equal(np.argmax(values, axis=0), np.argmax(scores, axis=1))


@pytest.mark.parametrize("target", [REGRESSION, TWO_CLASSES, THREE_CLASSES], ids=["regression", "two", "three"])
@pytest.mark.parametrize("show_test", [False, True])
def test_frames_without_points_and_the_points_overlay_share_one_plot_area(target, show_test):
    """The live chart plays frames made with ``points=False`` under ``points_figure``."""
    trainer = one_input_trainer(target)
    frame = regions_figure(trainer, show_test=show_test, points=False, height=290)
    overlay = points_figure(trainer, show_test=show_test, height=290)
    go.Figure(overlay.to_dict())
    assert frame.data and all(t.mode == "lines" for t in frame.data)
    assert all(t.type == "scattergl" for t in overlay.data) and len(overlay.data) == 1 + show_test
    under, over = frame.layout.to_plotly_json(), overlay.layout.to_plotly_json()
    for axis in ("xaxis", "yaxis"):
        assert under[axis].pop("visible") is True and over[axis].pop("visible") is False
    assert under == over
    payload = lc.frame_payload([frame], frame_interval_ms=40, height=290, alt="", plotly_url="", overlay=overlay)
    assert len(payload["frames"]) == 1 and payload["overlay_digest"]


def test_alt_text_and_diagram_for_one_input():
    trainer = one_input_trainer(REGRESSION)
    assert regions_alt_text(trainer).startswith("Output curve: the network's predicted value against dose")
    assert "class probabilities against dose" in regions_alt_text(one_input_trainer(TWO_CLASSES))
    go.Figure(network_figure(trainer).to_dict())
    assert not plane_view(trainer.dataset).holds_others
