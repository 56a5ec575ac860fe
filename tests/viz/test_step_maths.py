"""The maths of a step as text: the strings carry the engine's own numbers."""
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.engine import Network, explain_step
from playground.engine.losses import VALID_LOSSES
from playground.training.config import Config
from playground.training.history import History
from playground.training.step_record import parameter_update
from playground.training.trainer import Trainer
from playground.viz.step_maths import (
    activation_formula,
    bias_gradient_formula,
    delta_formula,
    gradient_norm_figure,
    loss_formula,
    update_formula,
    weight_gradient_formula,
    weighted_sum_formula,
)

NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"


def _value(text: str) -> float:
    """The number after the last "=" sign."""
    return float(text.rsplit("=", 1)[1].split()[0])


@pytest.fixture
def blog_example():
    """The hand-worked 2-2-1 sigmoid network of tests/engine/test_explain.py, target class 1."""
    net = Network([2, 2, 1], activation="sigmoid", output="sigmoid", loss="squared_error")
    net.set_parameters([np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40], [0.45]])],
                       [np.array([0.35, 0.35]), np.array([0.60])])
    return net, explain_step(net, np.array([0.05, 0.10]), 1)


def test_the_hand_worked_example_reads_as_worked_by_hand(blog_example):
    net, record = blog_example
    assert weighted_sum_formula(net, record, 1, 0) == "z = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775"
    assert activation_formula(net, record, 1, 0) == "a = sigmoid(z) = sigmoid(0.3775) = 0.5933"
    assert weighted_sum_formula(net, record, 2, 0) == "z = 0.4·0.5933 + 0.45·0.5969 + 0.6 = 1.106"
    assert activation_formula(net, record, 2, 0) == "ŷ = sigmoid(z) = sigmoid(1.106) = 0.7514"
    assert loss_formula(net, record) == ["L = ½ Σ_k (ŷ_k - t_k)² = ½ [(0.7514 - 1)²] = 0.03091"]
    assert delta_formula(net, record, 2, 0) == "δ = (ŷ - t)·ŷ(1 - ŷ) = (-0.2486)·0.7514·0.2486 = -0.04645"
    assert delta_formula(net, record, 1, 0) == ("δ_j = f'(z_j) · Σ_k w_jk δ_k = sigmoid'(0.3775)·(0.4·(-0.04645)) "
                                                "= 0.2413·(-0.01858) = -0.004483")
    assert weight_gradient_formula(record, 2, 0, 0) == "∂L/∂w = a · δ = 0.5933·(-0.04645) = -0.02756"
    assert weight_gradient_formula(record, 1, 1, 0) == "∂L/∂w = a · δ = 0.1·(-0.004483) = -0.0004483"
    assert bias_gradient_formula(record, 1, 1) == "∂L/∂b = δ = -0.005029"


def test_a_wide_layer_shows_its_largest_terms_and_how_many_more():
    net = Network([3, 64, 64, 1], seed=4)
    record = explain_step(net, np.array([0.3, -1.2, 0.8]), 1)
    text = weighted_sum_formula(net, record, 2, 5)
    products = net.weights[1][:, 5] * record.activations[1]
    assert text.count("·") == 16 and "+ 48 more terms (together " in text
    shown = [float(w) * float(a) for w, a in re.findall(rf"\(?({NUMBER})\)?·\(?({NUMBER})\)?", text)]
    largest = np.sort(np.abs(products))[-16:]
    np.testing.assert_allclose(np.sort(np.abs(shown)), largest, rtol=2e-3)
    rest = float(re.search(rf"together ({NUMBER})", text).group(1))
    smallest_48 = products[np.argsort(np.abs(products))[:48]]
    assert rest == pytest.approx(smallest_48.sum(), rel=1e-3)
    bias = net.biases[1][5]
    assert sum(shown) + rest + bias == pytest.approx(record.weighted_sums[1][5], abs=2e-3)
    assert _value(text) == pytest.approx(record.weighted_sums[1][5], rel=1e-3)
    # the rule's "f'(z_j) · Σ", "tanh'(z)·(terms)", 16 terms, and the slope times the sum's value
    assert delta_formula(net, record, 1, 0).count("·") == 1 + 1 + 16 + 1


@pytest.mark.parametrize(("output", "loss"), [(o, loss) for o, losses in VALID_LOSSES.items() for loss in losses])
def test_every_head_writes_its_loss_and_output_delta_with_the_engine_numbers(output, loss):
    n_out = {"sigmoid": 1, "softmax": 3, "one_vs_rest": 2, "linear": 1}[output]
    net = Network([2, 3, n_out], output=output, loss=loss, seed=2)
    record = explain_step(net, np.array([0.4, -0.7]), 0.8 if output == "linear" else (1 if output == "sigmoid" else 2))
    lines = loss_formula(net, record, class_names=["setosa", "versicolor", "virginica"])
    assert _value(lines[-1]) == pytest.approx(record.loss, rel=1e-3)
    for k in range(n_out):
        assert _value(delta_formula(net, record, 2, k)) == pytest.approx(record.deltas[1][k], rel=1e-3)
        assert _value(activation_formula(net, record, 2, k)) == pytest.approx(record.activations[2][k], rel=1e-3)
    if output == "one_vs_rest":
        assert lines[0].startswith("One-vs-all: 2 outputs for 3 classes; virginica (the last) is scored 1 - (")
        assert _value(lines[0]) == pytest.approx(1 - record.activations[2].sum(), rel=1e-3)
    if output == "softmax" and loss == "cross_entropy":
        assert "target virginica" in lines[0]


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "rmsprop", "adam"])
def test_update_lines_end_at_the_new_value(optimizer):
    trainer = Trainer(Config(n_points=200, optimizer=optimizer, learning_rate=0.03, regularization="l2",
                             regularization_rate=0.01))
    trainer.step(3)
    trainer.step(1, keep_record=True)
    update = parameter_update(trainer.last_step, "weight", 0, (1, 2))
    lines = update_formula(update)
    assert _value(lines[0]) == pytest.approx(update.gradient, rel=1e-3)
    assert _value(lines[-2]) == pytest.approx(trainer.network.weights[0][1, 2], rel=1e-3)
    assert f"{update.change:.4g}" in lines[-1]


def test_the_gradient_norm_chart_is_log_scaled_with_a_line_per_layer():
    norms = History(["layer 1", "layer 2", "layer 3"])
    norms.append(1, [0.5, 0.0, 2.0])
    norms.append(2, [0.4, 1e-3, 3.0])
    figure = gradient_norm_figure(norms)
    go.Figure(figure.to_dict())     # validates every property
    assert figure.layout.yaxis.type == "log"
    assert [t.name for t in figure.data] == ["hidden layer 1", "hidden layer 2", "output layer"]
    dead_layer, output_layer = np.asarray(figure.data[1].y), np.asarray(figure.data[2].y)
    assert np.isnan(dead_layer[0]) and dead_layer[1] == pytest.approx(1e-3)     # log 0 is a gap
    assert output_layer.tolist() == [2.0, 3.0]


def test_asking_for_a_neuron_that_does_not_exist_says_so(blog_example):
    net, record = blog_example
    with pytest.raises(ValueError, match="layer 1 has 2 neurons, no neuron 3"):
        weighted_sum_formula(net, record, 1, 2)
    with pytest.raises(ValueError, match="layer must be 1 to 2"):
        delta_formula(net, record, 3, 0)
