"""The trainer's record of its last Step: the Update stage's numbers equal the change applied."""
import copy

import numpy as np
import pytest

from playground.training.config import Config
from playground.training.step_record import parameter_update
from playground.training.trainer import Trainer

OPTIMIZERS = {"sgd": 0.3, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.01}
REGULARIZATIONS = ("none", "l1", "l2")


def _trained(optimizer: str, regularization: str, **changes) -> Trainer:
    config = Config(optimizer=optimizer, learning_rate=OPTIMIZERS[optimizer], regularization=regularization,
                    regularization_rate=0.0 if regularization == "none" else 0.03, n_points=200, **changes)
    trainer = Trainer(config)
    trainer.step(7)             # optimizer state that is not zero any more
    trainer.step(1, keep_record=True)
    return trainer


def _expected_change(record, g):
    """old - eta (...) for every parameter array, written from the optimizer's definition."""
    s, eta = record.settings, record.settings["learning_rate"]
    before, after = record.state_before, record.state_after
    if record.optimizer == "sgd":
        return [-eta * gi for gi in g]
    if record.optimizer == "momentum":
        return [s["momentum"] * v - eta * gi for v, gi in zip(before["velocity"], g)]
    if record.optimizer == "rmsprop":
        rho = s["decay"]
        return [-eta * gi / (np.sqrt(rho * ms + (1 - rho) * gi**2) + s["epsilon"])
                for ms, gi in zip(before["mean_square"], g)]
    b1, b2, t = s["beta1"], s["beta2"], after["t"]
    assert t == before["t"] + 1
    changes = []
    for m, v, gi in zip(before["first_moment"], before["second_moment"], g):
        m_hat = (b1 * m + (1 - b1) * gi) / (1 - b1**t)
        v_hat = (b2 * v + (1 - b2) * gi**2) / (1 - b2**t)
        changes.append(-eta * m_hat / (np.sqrt(v_hat) + s["epsilon"]))
    return changes


@pytest.mark.parametrize("regularization", REGULARIZATIONS)
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
def test_update_stage_numbers_equal_the_applied_change(optimizer, regularization):
    trainer = _trained(optimizer, regularization)
    record = trainer.last_step
    assert record is not None and record.iteration == trainer.iteration == 8
    n_layers = len(trainer.network.weights)
    old_weights, old_biases = record.old_parameters[:n_layers], record.old_parameters[n_layers:]

    # The change recorded is the change made to the network.
    for old, new, change in zip(record.old_parameters, trainer.network.parameters(), record.changes):
        np.testing.assert_array_equal(new - old, change)
        assert np.any(change != 0)

    # The batch gradient is that of the recorded mini-batch at the old parameters.
    reference = copy.deepcopy(trainer.network)
    reference.set_parameters(old_weights, old_biases)
    rows = record.batch_indices
    assert len(rows) == trainer.batch_size and len(set(rows.tolist())) == len(rows)
    _, grads = reference.loss_and_gradients(trainer.dataset.X_train[rows], trainer.dataset.y_train[rows])
    for mine, theirs in zip(record.data_gradients, grads["weights"] + grads["biases"]):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-15)

    # The regularisation part is l1 sign(w) or l2 w on weights, nothing on biases.
    rate = trainer.config.regularization_rate
    for W, part in zip(old_weights, record.regularization_gradients[:n_layers]):
        expected = {"none": 0 * W, "l1": rate * np.sign(W), "l2": rate * W}[regularization]
        np.testing.assert_array_equal(part, expected)
    assert all(not part.any() for part in record.regularization_gradients[n_layers:])

    # old - eta (something) from the record's numbers is the applied change, array by array ...
    total = [d + r for d, r in zip(record.data_gradients, record.regularization_gradients)]
    for expected, change in zip(_expected_change(record, total), record.changes):
        np.testing.assert_allclose(change, expected, rtol=1e-9, atol=1e-15)

    # ... and parameter by parameter, as the Update stage shows it.
    for kind, arrays in (("weight", old_weights), ("bias", old_biases)):
        for layer, array in enumerate(arrays):
            for index in np.ndindex(array.shape):
                update = parameter_update(record, kind, layer, index if kind == "weight" else index[0])
                assert update.old == array[index]
                assert update.step == pytest.approx(update.change, rel=1e-9, abs=1e-15)
                assert update.new == pytest.approx(trainer.network.parameters()[record.position(kind, layer)][index],
                                                   rel=1e-15, abs=1e-300)


def test_keeping_the_record_does_not_change_training():
    config = Config(optimizer="adam", learning_rate=0.01, regularization="l2", regularization_rate=0.01,
                    dropout=0.2, n_points=200)
    recorded, plain = Trainer(config), Trainer(config)
    for _ in range(5):
        recorded.step(1, keep_record=True)
        plain.step(1)
    for a, b in zip(recorded.network.parameters(), plain.network.parameters()):
        np.testing.assert_array_equal(a, b)
    assert recorded.last_step is not None and plain.last_step is None


def test_a_step_without_a_record_and_going_back_forget_the_old_record():
    trainer = Trainer(Config(n_points=200))
    trainer.step(3, keep_record=True)
    assert trainer.last_step.iteration == 3
    trainer.step(2)
    assert trainer.last_step is None
    trainer.step(1, keep_record=True)
    trainer.resume_from(2)
    assert trainer.last_step is None


def test_full_batch_records_every_row():
    trainer = Trainer(Config(n_points=100, batch_size=1000))
    trainer.step(1, keep_record=True)
    np.testing.assert_array_equal(trainer.last_step.batch_indices, np.arange(len(trainer.dataset.X_train)))


def test_asking_for_a_parameter_that_does_not_exist_says_so():
    record = _trained("sgd", "none").last_step
    with pytest.raises(ValueError, match="no weight"):
        parameter_update(record, "weight", 0, (5, 0))
    with pytest.raises(ValueError, match="layer must be"):
        parameter_update(record, "bias", 7, 0)


# -- editing a parameter by hand ---------------------------------------------------------------
def test_a_hand_edit_changes_the_network_and_its_measures_at_once():
    trainer = Trainer(Config(n_points=200))
    trainer.step(5)
    loss_before = trainer.metrics["train_loss"]
    trainer.set_parameter("weight", 1, (2, 0), 3.5)
    trainer.set_parameter("bias", 2, 0, -2.0)
    assert trainer.network.weights[1][2, 0] == 3.5 and trainer.network.biases[2][0] == -2.0
    assert trainer.iteration == 7 and trainer.history.iterations[-1] == 7
    expected = trainer.network.loss_and_outputs(trainer.dataset.X_train, trainer.training_targets(
        np.arange(len(trainer.dataset.X_train))))[0]
    assert trainer.metrics["train_loss"] == pytest.approx(expected, rel=1e-12)
    assert trainer.metrics["train_loss"] != pytest.approx(loss_before)


def test_going_back_undoes_a_hand_edit_and_forward_keeps_it():
    trainer = Trainer(Config(n_points=200))
    trainer.step(5)
    before = [p.copy() for p in trainer.network.parameters()]
    metrics_before = trainer.metrics
    trainer.set_parameter("weight", 0, (1, 3), -4.0)
    edited = [p.copy() for p in trainer.network.parameters()]
    trainer.step(4)
    assert trainer.resume_from(6) == 6                  # just after the edit: kept
    for p, q in zip(edited, trainer.network.parameters()):
        np.testing.assert_array_equal(p, q)
    assert trainer.resume_from(5) == 5                  # just before it: undone
    for p, q in zip(before, trainer.network.parameters()):
        np.testing.assert_array_equal(p, q)
    assert trainer.metrics == metrics_before
    assert 5 in trainer.snapshots.iterations and trainer.iteration == 5


@pytest.mark.parametrize(("kind", "layer", "index", "value", "message"), [
    ("weight", 0, (2, 0), 1.0, "layer 1 has no weight"),
    ("bias", 3, 0, 1.0, "layer must be 1 to 3"),
    ("link", 0, 0, 1.0, "choose a weight or a bias"),
    ("bias", 0, 1, float("nan"), "a number from"),
    ("bias", 0, 1, 1e9, "a number from"),
])
def test_a_bad_hand_edit_says_what_is_wrong(kind, layer, index, value, message):
    trainer = Trainer(Config(n_points=200))
    with pytest.raises(ValueError, match=message):
        trainer.set_parameter(kind, layer, index, value)
    assert trainer.iteration == 0
