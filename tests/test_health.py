"""Health in plain words: dead, saturated and flat neurons, the exploded layer, the stuck hint."""
import math

import numpy as np
import pytest

from playground.engine import Network
from playground.training.config import DEFAULT, Config
from playground.training.health import (
    divergence_advice,
    exploded_layer,
    health_sentences,
    layer_health,
    stuck_hint,
    suggested_learning_rate,
)
from playground.training.history import History
from playground.training.trainer import Trainer

X = np.array([[1.0, 0.5], [0.2, 2.0], [3.0, 1.0], [0.5, 0.5]])   # all inputs positive


def test_dead_relu_neurons_are_counted():
    net = Network([2, 3, 1], activation="relu")
    # neuron 1: z = -x1 - x2 < 0 everywhere (dead); neuron 2: z = x1 > 0; neuron 3: z = x1 - x2 - 0.1 (mixed)
    net.set_parameters([np.array([[-1.0, 1.0, 1.0], [-1.0, 0.0, -1.0]]), np.ones((3, 1))],
                       [np.array([0.0, 0.0, -0.1]), np.zeros(1)])
    [h] = layer_health(net, X)
    assert (h.dead, h.saturated, h.size) == (1, None, 3)
    assert h.flat == 1                      # the dead neuron outputs 0 everywhere
    assert health_sentences([h]) == ["Hidden layer 1: 1 of 3 ReLU neurons are dead (0 on every training point)."]


def test_saturated_and_flat_tanh_neurons_are_counted():
    net = Network([2, 2, 2, 1], activation=["tanh", "sigmoid"])
    # layer 1: neuron 1 z = 10 x1 + 10 x2 >= 7 > 4 on every point (saturated, and its tanh is flat at ~1);
    # neuron 2 z = x1 - x2, within (-2, 2.1): healthy. Layer 2: z in a small range, healthy.
    net.set_parameters([np.array([[10.0, 1.0], [10.0, -1.0]]), np.array([[0.1, -0.2], [0.3, 0.4]]), np.ones((2, 1))],
                       [np.zeros(2), np.zeros(2), np.zeros(1)])
    first, second = layer_health(net, X)
    assert (first.saturated, first.flat, first.dead) == (1, 1, None)
    assert (second.saturated, second.flat) == (0, 0)
    assert health_sentences([second]) == ["No dead, saturated or flat neurons on the training data."]
    assert "1 of 2 tanh neurons are saturated (|z| > 4)" in health_sentences([first, second])[0]


def test_a_neuron_saturated_on_a_few_points_only_is_not_counted():
    net = Network([2, 1, 1], activation="tanh")
    net.set_parameters([np.array([[2.0], [0.0]]), np.ones((1, 1))], [np.zeros(1), np.zeros(1)])
    # z = 2 x1: |z| > 4 on one point of four (x1 = 3)
    assert layer_health(net, X)[0].saturated == 0


def _norms(rows):
    history = History(["layer 1", "layer 2", "layer 3"])
    for iteration, row in enumerate(rows, start=1):
        history.append(iteration, row)
    return history


def test_the_first_layer_to_explode_is_named():
    rows = [[1.0, 2.0, 3.0]] * 10 + [[1.5, 900.0, 30.0], [1e6, 1e9, 1e7]]
    assert exploded_layer(_norms(rows)) == (2, 11, 2.0, 900.0)
    advice = divergence_advice(_norms(rows), 3.0)
    assert "hidden layer 2" in advice and "iteration 11" in advice and "learning rate of 0.3 (now 3)" in advice


def test_without_a_jump_the_layer_that_grew_most_is_named():
    rows = [[1.0, 1.0, 1.0]] * 5 + [[2.0, 1.0, 50.0]]
    assert exploded_layer(_norms(rows)) == (3, 6, 1.0, 50.0)
    assert "the output layer" in divergence_advice(_norms(rows), 1.0)
    assert exploded_layer(_norms([[1.0, 1.0, 1.0]])) is None


@pytest.mark.parametrize(("rate", "expected"), [(10.0, 1.0), (3.0, 0.3), (0.03, 0.003), (0.00001, 1e-6)])
def test_suggested_learning_rate_is_an_offered_tenth(rate, expected):
    assert suggested_learning_rate(rate) == pytest.approx(expected)


def test_a_divergence_names_the_exploded_layer_and_a_learning_rate():
    config = DEFAULT.with_changes(dataset="plane", hidden_layers=(8, 8), hidden_activation="relu",
                                  learning_rate=10.0, batch_size=5000, init="he")
    trainer = Trainer(config)
    trainer.step(500)
    assert trainer.diverged is not None
    # Iteration 1's gradient of layer 1 has norm ~7; the next one is ~4e10: layer 1 exploded first.
    norms = trainer.gradient_norms.column("layer 1")
    assert norms[1] > 1e6 * norms[0]
    assert "exploded first in hidden layer 1: at iteration 2" in trainer.diverged
    assert "Try a learning rate of 1 (now 10)" in trainer.diverged


def test_gradient_norms_are_those_of_each_step():
    trainer = Trainer(Config(n_points=200, regularization="l2", regularization_rate=0.01))
    trainer.step(3)
    trainer.step(1, keep_record=True)
    record = trainer.last_step
    n_layers = len(trainer.network.weights)
    row = {c: trainer.gradient_norms.column(c)[-1] for c in trainer.gradient_norms.columns}
    assert trainer.gradient_norms.iterations[-1] == 4 and len(trainer.gradient_norms) == 4
    for layer in range(n_layers):
        dW = record.data_gradients[layer] + record.regularization_gradients[layer]
        db = record.data_gradients[n_layers + layer]
        assert row[f"layer {layer + 1}"] == pytest.approx(math.sqrt(np.sum(dW**2) + np.sum(db**2)), rel=1e-12)
    trainer.resume_from(2)
    assert trainer.gradient_norms.iterations.tolist() == [1, 2]


def test_stuck_at_chance_with_dead_relus_gets_one_sentence():
    trainer = Trainer(Config(dataset="spiral", hidden_activation="relu", learning_rate=10.0))
    trainer.step(250)
    assert stuck_hint(trainer) is None                # not yet a few hundred iterations
    trainer.step(150)
    hint = stuck_hint(trainer)
    assert hint is not None and hint.count(".") == 1 and hint.endswith(".")
    assert "Stuck at chance (50% accuracy" in hint and "dead" in hint
    assert "learning rate 10" in hint and "try 1" in hint


def test_a_learning_network_gets_no_stuck_hint():
    trainer = Trainer(Config(n_points=200, learning_rate=0.3))
    trainer.step(400)
    assert trainer.metrics["train_accuracy"] > 0.9
    assert stuck_hint(trainer) is None
