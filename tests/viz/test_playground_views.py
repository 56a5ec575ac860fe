"""The playground's figures: valid Plotly, the right numbers, bounded size."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.data import DATASETS
from playground.training.config import DEFAULT, PRESETS
from playground.training.trainer import Trainer
from playground.viz import regions
from playground.viz.colors import NEGATIVE, POSITIVE
from playground.viz.curves import curves_alt_text, curves_figure
from playground.viz.network_diagram import (
    CELL,
    MAX_HOVER_LINKS,
    NODE_PITCH,
    TILE,
    WIDTHS,
    network_alt_text,
    network_figure,
    neuron_pictures,
    node_positions,
)
from playground.viz.regions import (
    grid_inputs,
    plane_view,
    points_figure,
    region_values,
    regions_alt_text,
    regions_figure,
)


def _validated(figure: go.Figure) -> go.Figure:
    """Rebuild with Plotly's validation on: a misspelt property raises here."""
    return go.Figure(figure.to_dict())


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_dataset_draws_valid_figures(dataset):
    trainer = Trainer(DEFAULT.with_changes(dataset=dataset, n_points=200))
    trainer.step(3)
    for figure in (network_figure(trainer), regions_figure(trainer, show_test=True, discretize=True),
                   curves_figure(trainer.history, trainer.task, log_scale=True)):
        _validated(figure)
    assert "Decision regions" in regions_alt_text(trainer)
    assert "iterations" in curves_alt_text(trainer.history, trainer.task)
    assert "Network diagram" in network_alt_text(trainer.network, trainer.dataset.feature_names)


def test_binary_region_values_are_2p_minus_1():
    trainer = Trainer(DEFAULT)
    view = plane_view(trainer.dataset)
    _, _, raw = grid_inputs(view, 7)
    values = region_values(trainer, raw)
    p = trainer.predict(trainer.dataset.transform(raw))[:, 1]
    np.testing.assert_allclose(values, 2 * p - 1, rtol=1e-6)
    assert values.dtype == np.float32
    assert set(np.unique(region_values(trainer, raw, discretize=True))) <= {-1.0, 1.0}


def test_multiclass_region_values_encode_class_and_confidence():
    trainer = Trainer(DEFAULT.with_changes(dataset="blobs", n_classes=4))
    trainer.step(200)
    _, _, raw = grid_inputs(plane_view(trainer.dataset), 11)
    values = region_values(trainer, raw)
    scores = trainer.predict(trainer.dataset.transform(raw))
    np.testing.assert_array_equal(np.floor(values).astype(int), np.argmax(scores, axis=1))
    confidence = (scores.max(axis=1) - 0.25) / 0.75
    np.testing.assert_allclose(values - np.floor(values), 0.999 * confidence, atol=1e-5)


def test_tables_hold_other_inputs_at_their_mean():
    trainer = Trainer(DEFAULT.with_changes(dataset="wine"))
    view = plane_view(trainer.dataset, 2, 5)
    _, _, raw = grid_inputs(view, 5)
    assert view.holds_others and (view.x_label, view.y_label) == ("ash", "total_phenols")
    others = np.delete(raw, [2, 5], axis=1)
    np.testing.assert_allclose(others, np.tile(np.delete(trainer.dataset.raw_train.mean(axis=0), [2, 5]), (25, 1)))
    assert plane_view(trainer.dataset, 40, 1).x_axis == 0            # out of range falls back


def test_regions_grid_is_100_by_100_bytes_and_points_on_top():
    from playground.viz.colors import LEVELS

    trainer = Trainer(DEFAULT)
    figure = regions_figure(trainer, show_test=True)
    heatmap = figure.data[0]
    z = np.asarray(heatmap.z)
    assert heatmap.type == "heatmap" and z.shape == (100, 100) and z.dtype == np.uint8
    # Each cell is its value 2p - 1 on [-1, 1] in 255 levels (1..255): within half a level.
    _, _, raw = grid_inputs(plane_view(trainer.dataset), 100)
    exact = region_values(trainer, raw).reshape(100, 100)
    assert np.abs(1 + (exact + 1) / 2 * (LEVELS - 1) - z).max() <= 0.5 + 1e-6
    assert (heatmap.zmin, heatmap.zmax) == (0, LEVELS)
    points = [trace for trace in figure.data[1:]]
    assert [len(t.x) for t in points] == [len(trainer.dataset.raw_train), len(trainer.dataset.raw_test)]


@pytest.mark.parametrize("dataset, show_test", [("circle", False), ("circle", True), ("iris", True)])
def test_the_points_figure_has_the_regions_layout_and_the_frames_can_leave_points_out(dataset, show_test):
    trainer = Trainer(DEFAULT.with_changes(dataset=dataset))
    picture = regions_figure(trainer, show_test=show_test, points=False, height=290)
    points = points_figure(trainer, show_test=show_test, height=290)
    _validated(points)
    assert [t.type for t in picture.data] == ["heatmap"]
    assert [len(t.x) for t in points.data] == [len(trainer.dataset.raw_train)] + \
        ([len(trainer.dataset.raw_test)] if show_test else [])
    assert all(t.type == "scattergl" for t in points.data)
    # Same plot area: the same height, margins, ranges and constraints; only the axes are hidden.
    under, over = picture.layout.to_plotly_json(), points.layout.to_plotly_json()
    for axis in ("xaxis", "yaxis"):
        assert under[axis].pop("visible") is True and over[axis].pop("visible") is False
    assert under == over
    assert over["legend"]["yref"] == "container"          # a legend that pushes no margin
    assert under["margin"]["t"] == (30 if show_test else 10)
    whole = regions_figure(trainer, show_test=show_test, height=290)
    assert [t.type for t in whole.data] == ["heatmap"] + [t.type for t in points.data]


def test_quantized_colour_scale_keeps_every_colour_at_its_level():
    from playground.viz.colors import DIVERGING, LEVELS, quantize, quantized_colorscale

    levels = quantize(np.array([-1.0, 0.0, 1.0, np.nan]), -1.0, 1.0)
    assert levels.tolist() == [1, 128, 255, 0]
    scale = dict((round(p * LEVELS, 6), c) for p, c in quantized_colorscale(DIVERGING))
    assert scale[0.0] == "rgba(0,0,0,0)" and scale[1.0] == DIVERGING[0][1] and scale[LEVELS] == DIVERGING[-1][1]
    assert scale[128.0] == DIVERGING[1][1]


def test_network_diagram_links_are_grouped_and_weights_hoverable():
    trainer = Trainer(DEFAULT)
    figure = network_figure(trainer)
    hover = [t for t in figure.data if t.text and "weight" in str(t.text[0])]
    assert len(hover) == 1 and hover[0].mode == "none"          # hover points draw nothing
    assert len(hover[0].text) == sum(W.size for W in trainer.network.weights)
    first = trainer.network.weights[0][0, 0]
    assert f"x1 → h1.1: weight {first:+.3f}" == hover[0].text[0]
    biases = [t for t in figure.data if t.text is not None and "bias of" in str(t.text[0])]
    assert len(biases[0].text) == sum(b.size for b in trainer.network.biases)


def test_frames_for_playing_leave_the_hover_values_out():
    trainer = Trainer(DEFAULT)
    playing = network_figure(trainer, hover=False)
    points = [t for t in playing.data if t.type == "scatter" and t.mode != "text"]
    assert points and all(t.text is None and t.hoverinfo == "skip" for t in points)
    paused = network_figure(trainer)
    assert len(paused.data) == len(playing.data) + 2           # link and node hover points
    assert playing.layout.shapes == paused.layout.shapes       # the same picture


def _link_shapes(figure) -> list:
    return [s for s in figure.layout.shapes if s.line.color in (POSITIVE, NEGATIVE)]


def test_every_link_is_one_segment_in_the_path_of_its_sign_and_width():
    trainer = Trainer(DEFAULT.with_changes(hidden_layers=(3, 2)))
    W = trainer.network.weights[1]
    W[:] = [[-0.05, 0.3], [1.5, -3.0], [0.7, 0.0]]           # one link in several buckets
    figure = network_figure(trainer)
    links = _link_shapes(figure)
    assert sum(s.path.count("M") for s in links) == sum(w.size for w in trainer.network.weights)
    (x0, y0), (x1, y1) = node_positions(trainer.network.layer_sizes)[1:3]
    half = TILE / 2 * CELL
    for (i, j), width, color in [((0, 0), WIDTHS[0], NEGATIVE), ((0, 1), WIDTHS[1], POSITIVE),
                                 ((1, 0), WIDTHS[3], POSITIVE), ((1, 1), WIDTHS[4], NEGATIVE),
                                 ((2, 0), WIDTHS[2], POSITIVE), ((2, 1), WIDTHS[0], POSITIVE)]:
        segment = f"M{x0[0] + half:.2f},{y0[i]:.2f}L{x1[0] - half:.2f},{y1[j]:.2f}"
        holders = [s for s in links if segment in s.path]
        assert [(s.line.width, s.line.color) for s in holders] == [(width, color)], (i, j)


def test_large_network_stays_a_few_traces_and_paths():
    trainer = Trainer(DEFAULT.with_changes(hidden_layers=(64,) * 10, hidden_activation="relu"))
    figure = network_figure(trainer)
    assert sum(W.size for W in trainer.network.weights) > MAX_HOVER_LINKS
    assert not any("weight" in str(t.text[0]) for t in figure.data if t.text)   # nodes hover, links do not
    assert len(figure.data) <= 3 and len(figure.layout.shapes) <= 2 * len(WIDTHS) + 1
    assert not any(t.type == "heatmap" for t in figure.data)      # no neuron pictures at this size


def test_input_names_stay_apart_beside_a_tall_column():
    """Inputs sit NODE_PITCH apart like every column, unless the tallest column's tiles are too
    small to label beside: then the inputs spread over the whole height (64 neurons: 6 px
    apart on a 360 px chart otherwise, and the x1 and x2 names overlapped)."""
    small = node_positions([2, 4, 2, 1])
    assert small[0][1][0] - small[0][1][1] == pytest.approx(NODE_PITCH * CELL)
    assert small[1][1][0] - small[1][1][1] == pytest.approx(NODE_PITCH * CELL)
    sizes = [2] + [64] * 10 + [1]
    inputs, tallest = node_positions(sizes)[0][1], node_positions(sizes)[1][1]
    height = tallest[0] - tallest[-1] + NODE_PITCH * CELL
    assert inputs[0] - inputs[1] == pytest.approx(height / 2)                      # two equal slices
    assert (inputs[0] + inputs[1]) / 2 == pytest.approx((tallest[0] + tallest[-1]) / 2, abs=CELL)  # centred
    nine = node_positions([9, 64, 1])[0][1]
    assert np.all(-np.diff(nine) >= 7 * NODE_PITCH * CELL) and nine[0] <= tallest[0] and nine[-1] >= tallest[-1]


def test_neuron_pictures_show_each_neurons_output():
    trainer = Trainer(PRESETS["tf_default"].config)
    pictures = neuron_pictures(trainer, resolution=6)
    assert [p.shape for p in pictures] == [(2, 6, 6), (4, 6, 6), (2, 6, 6), (1, 6, 6)]
    # Input x1 varies across (columns), x2 up (rows, top row = largest x2).
    assert np.all(np.diff(pictures[0][0], axis=1) > 0) and np.all(np.diff(pictures[0][1], axis=0) < 0)
    assert all(np.abs(p).max() <= 1 for p in pictures)


def test_curves_show_their_one_point_before_the_first_step_and_lines_after():
    trainer = Trainer(DEFAULT)
    assert {t.mode for t in curves_figure(trainer.history, trainer.task).data} == {"markers"}
    trainer.step(1)
    assert {t.mode for t in curves_figure(trainer.history, trainer.task).data} == {"lines"}


def test_iteration_axes_tick_whole_iterations_only():
    """Over a few iterations Plotly's own ticks fall between them (0.5, 1.5): every iteration
    then gets a tick of its own; over many, the automatic ticks (whole numbers) stay."""
    trainer = Trainer(DEFAULT)
    trainer.step(3)
    few = curves_figure(trainer.history, trainer.task).layout
    assert few.xaxis.dtick == 1 and few.xaxis2.dtick == 1
    trainer.step(100)
    many = curves_figure(trainer.history, trainer.task).layout
    assert many.xaxis.dtick is None and many.xaxis2.dtick is None


def test_curves_after_a_long_run_stay_small():
    trainer = Trainer(DEFAULT.with_changes(batch_size=5000, hidden_layers=(2,)))
    trainer.step(10_000)
    figure = curves_figure(trainer.history, trainer.task)
    assert all(len(trace.x) <= 4096 for trace in figure.data)
    assert figure.data[0].x[-1] == 10_000


def test_big_networks_get_a_coarser_grid():
    from playground.viz.regions import grid_resolution
    assert grid_resolution(Trainer(DEFAULT).network) == 100
    big = Trainer(DEFAULT.with_changes(hidden_layers=(64,) * 10, hidden_activation="relu"))
    assert grid_resolution(big.network) == 55          # sqrt(2e6 / 640) = 55.9
    assert np.asarray(regions_figure(big).data[0].z).shape == (55, 55)


@pytest.mark.parametrize("preset", ["tf_default", "blog_iris"])
def test_regions_in_float32_differ_from_float64_by_at_most_one_colour_level(preset, monkeypatch):
    """The regions' forward pass runs in float32 (``picture_dtype``): the colours it gives
    are those of the float64 pass, give or take one of the 255 levels at a boundary."""
    trainer = Trainer(PRESETS[preset].config)
    trainer.step(200)
    assert regions.picture_dtype(trainer.network) is np.float32
    single = regions_figure(trainer).data[0].z
    monkeypatch.setattr(regions, "picture_dtype", lambda network: np.float64)
    double = regions_figure(trainer).data[0].z
    difference = np.abs(single.astype(int) - double.astype(int))
    assert difference.max() <= 1
    assert (difference == 0).mean() > 0.95


def test_weights_too_large_for_float32_are_drawn_in_float64():
    """A diverged run's weights can pass float32's 3.4e38 while its loss is still finite: the
    picture then falls back to float64 instead of drawing NaN (transparent) cells."""
    trainer = Trainer(DEFAULT)
    trainer.network.weights[0] = trainer.network.weights[0] * 1e40
    assert regions.picture_dtype(trainer.network) is np.float64
    _, _, raw = grid_inputs(plane_view(trainer.dataset), 20)
    assert np.isfinite(region_values(trainer, raw)).all()


def test_the_dicts_sent_to_the_browser_use_plotly_js_own_names():
    """The live chart sends plain dicts to plotly.js, which ignores names that plotly.py would
    have mended (``xaxis1`` for ``xaxis``): a frame and its validated figure have the same
    layout keys and trace axes, or a panel silently loses its place."""
    from playground.viz.confusion import confusion_frame
    from playground.viz.curves import curves_frame
    from playground.viz.network_diagram import network_frame
    from playground.viz.regions import points_frame, regions_frame

    trainer = Trainer(PRESETS["blog_iris"].config)
    trainer.step(5)
    frames = [curves_frame(trainer.history, trainer.task), regions_frame(trainer), points_frame(trainer),
              network_frame(trainer), confusion_frame(np.array([[3, 1], [0, 4]]), ["a", "b"], "test")]
    for frame in frames:
        validated = go.Figure(frame).to_dict()
        assert set(frame["layout"]) == set(validated["layout"]) - {"template"}
        for sent, checked in zip(frame["data"], validated["data"], strict=True):
            assert (sent.get("xaxis"), sent.get("yaxis")) == (checked.get("xaxis"), checked.get("yaxis"))
