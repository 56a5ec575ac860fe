"""The figures' ``scale`` (the presenter view): text, lines and points grow by it, nothing else moves."""
from __future__ import annotations

import plotly.graph_objects as go
import pytest

from playground.training.config import DEFAULT
from playground.training.trainer import Trainer
from playground.viz.curves import curves_figure
from playground.viz.network_diagram import WIDTHS, network_figure
from playground.viz.regions import points_figure, regions_figure

SCALE = 1.6


@pytest.fixture(scope="module")
def trainer():
    trainer = Trainer(DEFAULT.with_changes(n_points=200))
    trainer.step(5)
    return trainer


def _text_sizes(figure: go.Figure) -> list[float]:
    texts = [trace for trace in figure.data if trace.type == "scatter" and trace.mode == "text"]
    sizes = [trace.textfont.size for trace in texts]
    return [s for size in sizes for s in (size if isinstance(size, (list, tuple)) else [size])]


def test_the_diagram_scales_its_text_links_and_bias_squares(trainer):
    normal, big = network_figure(trainer), network_figure(trainer, scale=SCALE)
    go.Figure(big.to_dict())            # valid Plotly with validation on
    assert _text_sizes(big) == pytest.approx([SCALE * s for s in _text_sizes(normal)])
    link_widths = {shape.line.width for shape in big.layout.shapes[:-1]}
    assert link_widths and link_widths <= {SCALE * w for w in WIDTHS}
    assert {s.line.width for s in big.layout.shapes[:-1]} == {SCALE * s.line.width for s in normal.layout.shapes[:-1]}
    assert big.data[-2].marker.size == pytest.approx(SCALE * normal.data[-2].marker.size)
    # The same picture: every trace's coordinates are where they were.
    for a, b in zip(normal.data, big.data):
        assert a.type == b.type and list(a.x) == list(b.x) and list(a.y) == list(b.y)


def test_the_regions_and_their_points_scale_together(trainer):
    for make in (regions_figure, points_figure):
        normal, big = make(trainer, show_test=True), make(trainer, show_test=True, scale=SCALE)
        go.Figure(big.to_dict())
        assert big.layout.font.size == pytest.approx(SCALE * normal.layout.font.size)
        assert big.layout.margin.l == pytest.approx(SCALE * normal.layout.margin.l)
        points = [trace for trace in big.data if trace.type == "scattergl"]
        assert points and all(p.marker.size == pytest.approx(SCALE * 6) for p in points)
    # The overlay still lies exactly on the picture: the same margins at the same scale.
    picture, overlay = regions_figure(trainer, points=False, scale=SCALE), points_figure(trainer, scale=SCALE)
    assert picture.layout.margin == overlay.layout.margin


def test_the_curves_scale_lines_markers_and_text(trainer):
    normal = curves_figure(trainer.history, trainer.task)
    big = curves_figure(trainer.history, trainer.task, scale=SCALE)
    go.Figure(big.to_dict())
    assert [t.line.width for t in big.data] == pytest.approx([SCALE * t.line.width for t in normal.data])
    assert big.layout.font.size == pytest.approx(SCALE * 12)
    assert [a.font.size for a in big.layout.annotations] == pytest.approx(
        [SCALE * a.font.size for a in normal.layout.annotations])


def _sizes(node, key=None):
    """Every (path, number) under a size key of a figure's dict: what the presenter view enlarges."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from ((f"{k}.{path}", n) for path, n in _sizes(v, k))
    elif isinstance(node, list | tuple):
        for i, item in enumerate(node):
            yield from ((f"{i}.{path}", n) for path, n in _sizes(item, key))
    elif key in ("size", "width", "thickness", "l", "r", "t", "b") and isinstance(node, int | float):
        yield "", node


@pytest.mark.parametrize("task", ["adding", "temporal_order", "sine"])
def test_the_labs_live_charts_scale_every_size_and_move_nothing(task):
    from playground.data.sequences import SEQUENCE_TASKS
    from playground.training.recurrent_settings import defaults_for
    from playground.training.recurrent_trainer import RecurrentTrainer
    from playground.viz import recurrent as views

    assert task in SEQUENCE_TASKS
    trainer = RecurrentTrainer(defaults_for(task, cell="lstm", hidden_size=5, batch_size=4, length=20))
    trainer.step(3)
    view = trainer.inspect(0)
    flows = {"hidden state h": trainer.gradient_flow, "cell state c": trainer.cell_gradient_flow}
    for make in (lambda s: views.loss_figure(trainer.history, trainer.validation, trainer.task, scale=s),
                 lambda s: views.prediction_figure(view, trainer.task, scale=s),
                 lambda s: views.states_figure(view, trainer.task, scale=s),
                 lambda s: views.gradient_flow_figure(flows, scale=s)):
        normal, big = make(1.0).to_dict(), make(SCALE).to_dict()
        go.Figure(big)                                       # valid Plotly with validation on
        assert big["layout"].pop("font")["size"] == pytest.approx(SCALE * 12)
        for figure in (normal, big):
            figure["layout"].pop("template", None)           # plotly's own defaults, not drawn here
        sizes_normal, sizes_big = dict(_sizes(normal)), dict(_sizes(big))
        assert sizes_normal and sizes_big.keys() == sizes_normal.keys()
        for path, size in sizes_normal.items():
            assert sizes_big[path] == pytest.approx(SCALE * size), path
        assert big["layout"]["height"] == normal["layout"]["height"]
        for a, b in zip(normal["data"], big["data"]):       # the same picture, drawn larger
            for axis in ("x", "y", "z"):
                assert str(a.get(axis)) == str(b.get(axis)), axis
