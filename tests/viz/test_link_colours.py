"""The diagram's "colour links by weight / gradient / last change" with a symmetric legend."""
import numpy as np
import plotly.graph_objects as go
import pytest

from playground.training.config import Config
from playground.training.trainer import Trainer
from playground.viz.colors import NEGATIVE, POSITIVE
from playground.viz.network_diagram import WIDTHS, link_values, network_figure


@pytest.fixture(scope="module")
def stepped():
    trainer = Trainer(Config(n_points=200, regularization="l1", regularization_rate=0.01))
    trainer.step(3)
    trainer.step(1, keep_record=True)
    return trainer


def test_link_values_are_the_recorded_gradient_and_change(stepped):
    record, n = stepped.last_step, len(stepped.network.weights)
    for layer in range(n):
        np.testing.assert_array_equal(link_values(stepped, "gradient")[layer],
                                      record.data_gradients[layer] + record.regularization_gradients[layer])
        np.testing.assert_array_equal(link_values(stepped, "change")[layer],
                                      stepped.network.weights[layer] - record.old_parameters[layer])
    assert link_values(stepped, "weight") is stepped.network.weights
    assert link_values(Trainer(Config(n_points=200)), "gradient") is None
    with pytest.raises(ValueError, match="colour links by one of"):
        link_values(stepped, "bias")


@pytest.mark.parametrize("by", ["gradient", "change"])
def test_links_coloured_by_a_step_have_a_symmetric_colourbar(stepped, by):
    values = link_values(stepped, by)
    figure = network_figure(stepped, colour_links=(by, values))
    go.Figure(figure.to_dict())                       # valid Plotly
    largest = max(float(np.abs(v).max()) for v in values)
    [bar] = [t for t in figure.data if t.type == "scatter" and t.marker.showscale]
    assert (bar.marker.cmin, bar.marker.cmax) == (pytest.approx(-largest), pytest.approx(largest))
    assert bar.marker.colorbar.title.text == by
    # The largest link sits in the widest bucket, in its sign's colour.
    links = [shape for shape in figure.layout.shapes if shape.line.color in (NEGATIVE, POSITIVE)]
    widest = [shape for shape in links if shape.line.width == WIDTHS[-1]]
    flat = np.concatenate([v.ravel() for v in values])
    sign_colour = POSITIVE if flat[np.argmax(np.abs(flat))] >= 0 else NEGATIVE
    assert any(shape.line.color == sign_colour for shape in widest)
    hover = [t for t in figure.data if t.type == "scatter" and t.mode == "none" and t.text and "→" in t.text[0]]
    assert f"{by} " in hover[0].text[0]


def test_without_colour_links_the_diagram_has_no_colourbar(stepped):
    figure = network_figure(stepped)
    assert not any(t.type == "scatter" and t.marker.showscale for t in figure.data)
