"""The "Check the gradients" button's check: central differences on the last mini-batch."""
import numpy as np
import pytest

from playground.training.config import Config
from playground.training.gradient_check import SAMPLE_SIZE, check_last_batch
from playground.training.trainer import Trainer


def _stepped(**changes) -> Trainer:
    trainer = Trainer(Config(n_points=200, **changes))
    trainer.step(5)
    return trainer


@pytest.mark.parametrize("regularization", ["none", "l1", "l2"])
def test_default_network_checks_every_parameter_and_agrees(regularization):
    trainer = _stepped(regularization=regularization, regularization_rate=0.0 if regularization == "none" else 0.03)
    before = [p.copy() for p in trainer.network.parameters()]
    result = check_last_batch(trainer)
    assert result.n_parameters == result.n_checked == 2 * 4 + 4 + 4 * 2 + 2 + 2 * 1 + 1
    assert result.complete and result.batch_size == trainer.batch_size
    assert result.max_relative_error < 1e-6
    for p, q in zip(before, trainer.network.parameters()):   # every nudge was undone
        np.testing.assert_array_equal(p, q)


def test_a_wrong_gradient_is_caught(monkeypatch):
    trainer = _stepped()
    true_gradients = trainer.network.loss_and_gradients_for_targets

    def one_percent_off(*args, **kwargs):
        loss, grads = true_gradients(*args, **kwargs)
        grads["weights"][1] = grads["weights"][1] * 1.01
        return loss, grads

    monkeypatch.setattr(trainer.network, "loss_and_gradients_for_targets", one_percent_off)
    assert check_last_batch(trainer).max_relative_error > 1e-3


def test_a_large_network_checks_a_sample_of_its_parameters():
    trainer = _stepped(hidden_layers=(64, 64))
    result = check_last_batch(trainer)
    assert result.n_parameters == 2 * 64 + 64 + 64 * 64 + 64 + 64 + 1
    assert result.n_checked == result.n_planned == SAMPLE_SIZE
    assert result.max_relative_error < 1e-6


def test_the_time_limit_stops_early_and_says_how_far_it_got():
    result = check_last_batch(_stepped(), max_seconds=0.0)
    assert result.n_checked == 1 and not result.complete


def test_the_check_uses_the_last_mini_batch():
    trainer = _stepped()
    assert len(trainer.last_batch_indices) == trainer.batch_size
    assert check_last_batch(trainer).batch_size == trainer.batch_size
    assert check_last_batch(Trainer(Config(n_points=200))).batch_size == 10   # before any Step: the first rows


def test_relu_networks_report_how_close_a_sum_came_to_the_kink():
    trainer = _stepped(hidden_activation="relu")
    X = trainer.dataset.X_train[trainer.last_batch_indices]
    a, smallest = X, np.inf
    for W, b in zip(trainer.network.weights[:-1], trainer.network.biases[:-1]):
        z = a @ W + b
        smallest = min(smallest, np.abs(z).min())
        a = np.maximum(z, 0)
    assert check_last_batch(trainer).nearest_kink == pytest.approx(smallest, rel=1e-12)
    assert check_last_batch(_stepped()).nearest_kink is None      # tanh has no kink
