"""The trainer: the blog's network reproduced, determinism, bounded records, divergence."""
from __future__ import annotations

import csv
import dataclasses
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.datasets import load_iris

from playground.data import build_dataset
from playground.training.config import DEFAULT, PRESETS, Config
from playground.training.history import History
from playground.training.trainer import EPOCH_MEASUREMENTS, Trainer

#: The blog's reference run (numpy seed 0): its printed SE and ACC for every iteration, kept in the
#: repository because the script is not; ``tests/fixtures/make_blog_reference.py`` wrote it.
BLOG_REFERENCE = Path(__file__).resolve().parent / "fixtures" / "blog_reference.csv"


# -- the source post's network -------------------------------------------------------------
def _blog_reference() -> tuple[np.ndarray, np.ndarray]:
    """The post's printed SE (summed squared error) and ACC (accuracy, %) for each iteration."""
    lines = [line for line in BLOG_REFERENCE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    assert [int(row["iteration"]) for row in rows] == list(range(len(rows)))
    return (np.array([float(row["squared_error"]) for row in rows]),
            np.array([float(row["accuracy_percent"]) for row in rows]))


def _blog_initial_parameters():
    """The weights the post's script draws with numpy seed 0, split into our weights and biases.

    The script appends a constant 1 to every input and hidden row, so the last row of each
    of its weight matrices is our bias vector. It draws the output layer first.
    """
    draws = np.random.RandomState(0)          # a private legacy generator: same stream as np.random.seed(0)
    hidden_to_output = 2 * (draws.rand(11, 2) - 0.5)
    input_to_hidden = 2 * (draws.rand(5, 10) - 0.5)
    return [input_to_hidden[:4], hidden_to_output[:10]], [input_to_hidden[4], hidden_to_output[10]]


def test_blog_preset_reproduces_the_post_for_200_iterations():
    se_expected, acc_expected = _blog_reference()
    n_iter = len(se_expected)
    assert n_iter == 200
    iris = load_iris()
    # The post trains on all 150 flowers, unscaled: measure the same set as "test" too.
    base = build_dataset("iris", standardize=False, train_fraction=0.9)
    full = dataclasses.replace(base, X_train=iris.data, y_train=iris.target, X_test=iris.data,
                               y_test=iris.target, raw_train=iris.data, raw_test=iris.data)
    config = PRESETS["blog_iris"].config.with_changes(learning_rate=0.02 * 150 / 2)
    trainer = Trainer(config, dataset=full)
    assert trainer.network.layer_sizes == [4, 10, 2]
    trainer.load_parameters(*_blog_initial_parameters())
    trainer.step(n_iter - 1)
    # SE = sum_i sum_k (t - y)^2 = 2 n L for our mean loss L = 1/n sum_i 1/2 sum_k (t - y)^2.
    se = 2 * 150 * trainer.history.column("train_loss")
    accuracy = 100 * trainer.history.column("train_accuracy")
    np.testing.assert_allclose(se, se_expected, rtol=1e-9)
    np.testing.assert_allclose(accuracy, acc_expected, rtol=1e-9)


def test_blog_learning_rate_mapping():
    # eta_mean = eta_post * n / 2 for the preset's 120 training flowers.
    assert PRESETS["blog_iris"].config.learning_rate == pytest.approx(0.02 * 120 / 2)


# -- determinism ---------------------------------------------------------------------------
@pytest.mark.parametrize("config", [
    DEFAULT,
    DEFAULT.with_changes(dataset="spiral", optimizer="adam", learning_rate=0.01, dropout=0.2, batch_size=7),
    DEFAULT.with_changes(dataset="plane", regularization="l2", regularization_rate=0.01),
])
def test_same_config_same_history_bit_for_bit(config):
    histories = []
    for _ in range(2):
        trainer = Trainer(config)
        trainer.step(120)
        histories.append(np.column_stack([trainer.history.column(c) for c in trainer.history.columns]))
    np.testing.assert_array_equal(histories[0], histories[1])
    other = Trainer(config.with_changes(seed=config.seed + 1))
    other.step(120)
    assert not np.array_equal(other.history.column("train_loss"), histories[0][:, 0])


def test_global_random_state_untouched():
    before = np.random.get_state()[1].copy()
    Trainer(DEFAULT.with_changes(dropout=0.3)).step(30)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


# -- iterations, epochs, batches ------------------------------------------------------------
def test_iterations_and_epochs():
    trainer = Trainer(DEFAULT.with_changes(batch_size=10))     # 250 training points
    assert trainer.iterations_per_epoch == 25
    trainer.step(25)
    assert (trainer.iteration, trainer.epoch) == (25, 1)
    trainer.step(3)
    assert trainer.step_epoch() == 22
    assert (trainer.iteration, trainer.epoch) == (50, 2)


def test_a_long_epoch_is_measured_at_most_epoch_measurements_times_and_at_its_end():
    trainer = Trainer(DEFAULT.with_changes(n_points=1000, batch_size=1))      # 500 one-point batches
    assert trainer.iterations_left_in_epoch == 500
    assert trainer.step_epoch() == 500 and (trainer.iteration, trainer.epoch) == (500, 1)
    measured = trainer.history.iterations[1:]                                 # after iteration 0
    assert len(measured) <= EPOCH_MEASUREMENTS and measured[-1] == 500
    short = Trainer(DEFAULT.with_changes(batch_size=10))                      # 25 batches: every one
    short.step_epoch()
    assert list(short.history.iterations) == list(range(26))


def test_step_epoch_stops_at_its_time_limit_and_the_next_click_finishes_the_epoch():
    trainer = Trainer(DEFAULT.with_changes(batch_size=1))                     # 250 iterations an epoch
    ran = trainer.step_epoch(max_seconds=0.0)
    assert 1 <= ran < 250 and trainer.history.last()["iteration"] == ran     # the counters stay current
    assert trainer.iterations_left_in_epoch == 250 - ran
    assert trainer.step_epoch() == 250 - ran and trainer.epoch == 1


def test_full_batch_epoch_is_one_iteration():
    trainer = Trainer(DEFAULT.with_changes(batch_size=5000))
    trainer.step(4)
    assert (trainer.iteration, trainer.epoch) == (4, 4)


def test_training_learns_the_circle():
    trainer = Trainer(DEFAULT.with_changes(learning_rate=0.1))
    trainer.step(1500)
    assert trainer.metrics["train_accuracy"] > 0.95
    assert trainer.metrics["train_loss"] < trainer.history.column("train_loss")[0] / 4


# -- bounded history and snapshots ------------------------------------------------------------
def test_history_stays_bounded_and_keeps_recent_rows_at_full_resolution():
    history = History(["loss"], capacity=4096, recent=1024)
    for iteration in range(1_000_001):
        history.append(iteration, (float(iteration),))
    assert len(history) <= 4096
    iterations = history.iterations
    assert iterations[0] == 0 and iterations[-1] == 1_000_000
    np.testing.assert_array_equal(iterations[-1024:], np.arange(1_000_000 - 1023, 1_000_001))
    assert np.all(np.diff(iterations) > 0)
    gaps = np.diff(iterations[:-1024])
    assert gaps.max() > 100                    # older stretches thinned
    np.testing.assert_array_equal(history.column("loss"), iterations.astype(float))


def test_trainer_history_and_snapshots_bounded_over_a_long_run():
    trainer = Trainer(DEFAULT.with_changes(batch_size=5000, hidden_layers=(2,)))
    trainer.step(20_000)
    assert len(trainer.history) <= 4096
    assert len(trainer.snapshots) <= 21 + 20
    assert trainer.history.iterations[-1] == 20_000


def test_resume_from_a_snapshot_replays_the_same_training():
    config = DEFAULT.with_changes(optimizer="adam", learning_rate=0.01, dropout=0.1, batch_size=16)
    trainer = Trainer(config)
    trainer.step(300)
    reference = trainer.history.column("train_loss").copy()
    weights_at_300 = [w.copy() for w in trainer.network.weights]
    assert 128 in trainer.snapshots.iterations
    assert trainer.resume_from(130) == 128
    assert trainer.iteration == 128 and len(trainer.history) == 129
    trainer.step(172)
    np.testing.assert_array_equal(trainer.history.column("train_loss"), reference)
    for before, after in zip(weights_at_300, trainer.network.weights):
        np.testing.assert_array_equal(before, after)


def test_batch_order_state_is_a_copy_that_tells_the_coming_batches():
    trainer = Trainer(DEFAULT.with_changes(batch_size=16, dropout=0.1))
    trainer.step(20)        # 250 points in batches of 16: inside the second pass
    rng_state, order, position = trainer.batch_order_state()
    assert sorted(order) == list(range(250)) and position == 20 * 16 - 256
    coming = order[position:position + 16].copy()
    order[:] = 0            # the caller's copy: the trainer's own order is untouched
    rng_state["state"]["state"] = 0
    trainer.step(1)
    np.testing.assert_array_equal(trainer.last_batch_indices, coming)


def test_snapshot_shows_the_earlier_network():
    trainer = Trainer(DEFAULT)
    initial = [w.copy() for w in trainer.network.weights]
    trainer.step(10)
    snapshot = trainer.snapshots.at_or_before(0)
    for a, b in zip(initial, snapshot.weights):
        np.testing.assert_array_equal(a, b)


# -- divergence ------------------------------------------------------------------------------
def test_divergence_stops_keeps_finite_parameters_and_says_why():
    config = DEFAULT.with_changes(dataset="plane", hidden_layers=(8, 8), hidden_activation="relu",
                                  learning_rate=10.0, batch_size=5000, init="he")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer = Trainer(config)
        ran = trainer.step(500)
    assert trainer.diverged is not None and "diverged" in trainer.diverged
    assert ran < 500 and trainer.iteration == ran
    assert all(np.isfinite(w).all() for w in trainer.network.weights + trainer.network.biases)
    for column in trainer.history.columns:
        assert np.isfinite(trainer.history.column(column)).all()
    assert trainer.step(5) == 0                # stays stopped
    trainer.apply_settings(config.with_changes(learning_rate=0.001))
    assert trainer.diverged is None and trainer.step(5) == 5


@pytest.mark.parametrize("init", ["zeros", "xavier"])
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
def test_huge_inputs_and_learning_rate_never_warn_or_reach_history_as_nan(init, activation):
    data = build_dataset("circle", seed=1)
    scaled = dataclasses.replace(data, X_train=data.X_train * 1e4 / 6, X_test=data.X_test * 1e4 / 6)
    config = DEFAULT.with_changes(learning_rate=10.0, init=init, hidden_activation=activation)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trainer = Trainer(config, dataset=scaled)
        trainer.apply_settings(config.with_changes(learning_rate=10.0))
        trainer.optimizer.learning_rate = 100.0
        trainer.step(50)
    for column in trainer.history.columns:
        assert np.isfinite(trainer.history.column(column)).all()


# -- live settings versus rebuilds -------------------------------------------------------------
def test_learning_rate_and_optimizer_settings_apply_without_reset():
    trainer = Trainer(DEFAULT.with_changes(optimizer="momentum"))
    trainer.step(20)
    weights = [w.copy() for w in trainer.network.weights]
    velocity = trainer.optimizer._velocity
    trainer.apply_settings(trainer.config.with_changes(learning_rate=0.3, momentum=0.5, regularization="l1",
                                                       regularization_rate=0.001))
    assert trainer.iteration == 20 and trainer.optimizer.learning_rate == 0.3 and trainer.optimizer.momentum == 0.5
    assert trainer.optimizer._velocity is velocity
    for a, b in zip(weights, trainer.network.weights):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("change", [dict(hidden_layers=(3,)), dict(dataset="xor"), dict(features=("x1",)),
                                    dict(hidden_activation="relu"), dict(noise=10)])
def test_data_and_architecture_changes_need_a_rebuild(change):
    trainer = Trainer(DEFAULT)
    with pytest.raises(ValueError, match="new network"):
        trainer.apply_settings(DEFAULT.with_changes(**change))


def test_auto_head_and_a_head_that_does_not_fit():
    assert Trainer(DEFAULT.with_changes(dataset="iris")).network.output == "softmax"
    assert Trainer(DEFAULT.with_changes(dataset="diabetes")).network.output == "linear"
    trainer = Trainer(Config(dataset="iris", output="sigmoid"))
    assert trainer.network.output == "softmax" and "does not fit" in trainer.head_notice


def test_regression_metrics_are_in_target_units():
    trainer = Trainer(DEFAULT.with_changes(dataset="diabetes", learning_rate=0.01, hidden_layers=(8,)))
    trainer.step(300)
    metrics = trainer.metrics
    predictions = trainer.predict(trainer.dataset.X_train)
    rmse = np.sqrt(np.mean((predictions - trainer.dataset.y_train) ** 2))
    assert metrics["train_rmse"] == pytest.approx(rmse, rel=1e-9)
    assert 0.2 < metrics["train_r2"] < 1


# -- playing fast: measuring less often, a time budget per frame -------------------------------
def test_record_every_measures_every_kth_iteration_and_always_the_last():
    trainer = Trainer(DEFAULT)
    assert trainer.step(25, record_every=10) == 25
    np.testing.assert_array_equal(trainer.history.iterations, [0, 10, 20, 25])
    reference = Trainer(DEFAULT)
    reference.step(25)
    # Measuring less often changes nothing in the training itself.
    for a, b in zip(trainer.network.weights, reference.network.weights):
        np.testing.assert_array_equal(a, b)
    assert trainer.metrics["train_loss"] == reference.metrics["train_loss"]


def test_max_seconds_stops_early_and_measures_the_last_iteration():
    trainer = Trainer(DEFAULT.with_changes(hidden_layers=(32, 32, 32)))
    ran = trainer.step(1_000_000, record_every=100, max_seconds=0.05)
    assert 0 < ran < 1_000_000 and trainer.iteration == ran
    assert trainer.history.iterations[-1] == ran


def test_divergence_is_caught_when_measuring_less_often():
    config = DEFAULT.with_changes(dataset="plane", hidden_layers=(8, 8), hidden_activation="relu",
                                  learning_rate=10.0, batch_size=5000, init="he")
    trainer = Trainer(config)
    trainer.step(500, record_every=50)
    assert trainer.diverged is not None
    assert all(np.isfinite(p).all() for p in trainer.network.parameters())


# -- the model file's parameters act on unscaled data -----------------------------------------
@pytest.mark.parametrize("dataset", ["iris", "diabetes", "circle"])
def test_parameters_for_raw_features_compute_the_same_outputs(dataset):
    from playground.engine import Network

    trainer = Trainer(DEFAULT.with_changes(dataset=dataset, hidden_layers=(5,), learning_rate=0.01))
    trainer.step(30)
    data = trainer.dataset
    weights, biases = trainer.parameters_for_raw_features()
    raw_network = Network(trainer.network.layer_sizes, activation=trainer.network.activation,
                          output=trainer.network.output, loss=trainer.network.loss)
    raw_network.set_parameters(weights, biases)
    unscaled = data.X_train if data.scaler_mean is None else data.X_train * data.scaler_std + data.scaler_mean
    expected = trainer.predict(data.X_train)
    got = raw_network.forward(unscaled)
    if trainer.task == "classification":
        got = raw_network.output_layer.class_scores(got)
    else:
        got = got[:, 0]
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9)
    # ... and loading them back restores the trained network.
    before = [w.copy() for w in trainer.network.weights + trainer.network.biases]
    trainer.load_parameters_for_raw_features(weights, biases)
    for a, b in zip(before, trainer.network.weights + trainer.network.biases):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    assert trainer.iteration == 0
