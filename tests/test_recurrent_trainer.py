"""The recurrent lab's trainer: determinism, step counts, divergence, live settings, side by side."""
from __future__ import annotations

import math

import numpy as np
import pytest

from playground.data.sequences import SEQUENCE_TASKS
from playground.training.recurrent_settings import RecurrentSettings, defaults_for
from playground.training.recurrent_trainer import (
    EXPLODED,
    MAX_SIDE_BY_SIDE_ITERATIONS,
    VALIDATION_EVERY,
    VALIDATION_SIZE,
    RecurrentTrainer,
    train_side_by_side,
)

TASKS = ("sine", "adding", "temporal_order", "text")


def small(task: str = "adding", **changes) -> RecurrentSettings:
    """A fast set-up: short sequences, few hidden units, small batches."""
    length = {"adding": 12, "temporal_order": 12}.get(task, 8)
    return defaults_for(task, **{"length": length, "hidden_size": 4, "batch_size": 4, **changes})


def parameters(trainer: RecurrentTrainer) -> dict[str, np.ndarray]:
    return {name: p.copy() for name, p in trainer.model.parameters.items()}


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("cell", ["rnn", "lstm"])
def test_same_settings_give_identical_training(task, cell):
    one, two = RecurrentTrainer(small(task, cell=cell)), RecurrentTrainer(small(task, cell=cell))
    one.step(7)
    for _ in range(7):      # the same iterations in a different rhythm
        two.step(1)
    for name, value in parameters(one).items():
        np.testing.assert_array_equal(value, parameters(two)[name])
    np.testing.assert_array_equal(one.history.column("train_loss"), two.history.column("train_loss"))
    assert one.metrics["validation_loss"] == two.metrics["validation_loss"]


def test_a_different_seed_gives_a_different_model_and_data():
    one, two = RecurrentTrainer(small(seed=0)), RecurrentTrainer(small(seed=1))
    one.step(3)
    two.step(3)
    assert not np.array_equal(one.model.cell.W_h, two.model.cell.W_h)
    assert not np.array_equal(one.validation_set.inputs, two.validation_set.inputs)


def test_step_counts_history_and_validation_schedule():
    trainer = RecurrentTrainer(small())
    assert trainer.iteration == 0
    assert list(trainer.validation.iterations) == [0]
    assert math.isnan(trainer.metrics["train_loss"])
    assert trainer.step(3) == 3
    assert trainer.step(VALIDATION_EVERY) == VALIDATION_EVERY
    assert trainer.iteration == trainer.model.iteration == VALIDATION_EVERY + 3
    assert list(trainer.history.iterations) == list(range(1, VALIDATION_EVERY + 4))
    # Iteration 0, the end of the first call, every VALIDATION_EVERY, and the end of the second call.
    assert list(trainer.validation.iterations) == [0, 3, VALIDATION_EVERY, VALIDATION_EVERY + 3]
    assert trainer.metrics["iteration"] == VALIDATION_EVERY + 3
    assert len(trainer.validation_set) == VALIDATION_SIZE


def test_training_halves_the_sine_validation_loss():
    trainer = RecurrentTrainer(small("sine", hidden_size=8))
    trainer.step(150)
    losses = trainer.validation.column("validation_loss")
    assert losses[-1] < 0.5 * losses[0]


def test_classification_tasks_record_accuracy_and_regression_tasks_do_not():
    classify, regress = RecurrentTrainer(small("temporal_order")), RecurrentTrainer(small("sine"))
    classify.step(2)
    regress.step(2)
    assert 0.0 <= classify.metrics["validation_accuracy"] <= 1.0
    assert "validation_accuracy" not in regress.metrics


def test_divergence_stops_keeps_finite_parameters_and_says_why():
    trainer = RecurrentTrainer(small(optimizer="sgd", learning_rate=10.0, clip_norm=0.0, hidden_size=8))
    done = trainer.step(500)
    assert trainer.diverged is not None
    assert done < 500 and done == trainer.iteration
    assert f"iteration {trainer.iteration + 1}" in trainer.diverged
    assert "learning rate 10" in trainer.diverged
    for value in trainer.model.parameters.values():
        assert np.isfinite(value).all()
    assert trainer.step(5) == 0            # stays stopped
    # A change of settings clears the stop, so that training may be tried again from the kept
    # parameters (here they are far too large: it stops again, with the new learning rate named).
    trainer.apply_settings(trainer.settings.with_changes(learning_rate=0.001, clip_norm=1.0))
    assert trainer.diverged is None
    trainer.step(2)
    assert trainer.diverged is None or "learning rate 0.001" in trainer.diverged


def test_an_exploding_loss_stops_training_before_its_numbers_mean_nothing():
    """SGD at 10 without clipping: a plain RNN's linear read-out grows until the sine task's loss
    is millions of times the baseline's, long before it stops being a finite number."""
    trainer = RecurrentTrainer(defaults_for("sine", cell="rnn", optimizer="sgd", learning_rate=10.0, clip_norm=0.0))
    done = trainer.step(100)
    assert trainer.diverged is not None and "exploded" in trainer.diverged
    assert done == trainer.iteration < 100
    limit = EXPLODED * trainer.task.loss_baseline
    assert (trainer.history.column("train_loss") <= limit).all()       # the exploded iteration is not kept
    assert trainer.metrics["iteration"] == trainer.validation.last()["iteration"] == trainer.iteration
    assert math.isfinite(trainer.metrics["validation_loss"])            # measured on the model kept
    for value in trainer.model.parameters.values():
        assert np.isfinite(value).all()
    # Well-behaved training never comes near the limit: the first losses are the baseline's order.
    calm = RecurrentTrainer(defaults_for("sine", cell="rnn"))
    calm.step(20)
    assert calm.diverged is None and calm.history.column("train_loss").max() < 10 * calm.task.loss_baseline


def test_the_loss_baseline_is_the_trivial_predictors_loss():
    assert SEQUENCE_TASKS["adding"].loss_baseline == pytest.approx(1 / 6)
    assert SEQUENCE_TASKS["temporal_order"].loss_baseline == pytest.approx(math.log(4))   # uniform guess
    assert SEQUENCE_TASKS["text"].loss_baseline == SEQUENCE_TASKS["text"].baseline       # quoted as a loss


def test_a_time_limit_stops_training_early_after_at_least_one_iteration():
    trainer = RecurrentTrainer(small())
    assert trainer.step(50, max_seconds=0.0) == 1 and trainer.iteration == 1
    assert trainer.validation.last()["iteration"] == 1                 # the counters stay current
    assert trainer.step(3, max_seconds=60.0) == 3


def test_side_by_side_stops_both_cells_at_the_same_iteration_on_its_time_limit():
    settings = small("temporal_order")
    result = train_side_by_side(settings, 40, max_seconds=0.0)
    assert (result.iterations, result.asked) == (2, 40)                # one turn of 40 / 20
    assert {run.iteration for run in result.trainers.values()} == {2}
    full = train_side_by_side(settings, 40)
    assert (full.iterations, full.asked) == (40, 40)
    # Taking turns changes nothing: each cell's run equals training it alone.
    alone = RecurrentTrainer(settings.with_changes(cell="lstm"))
    alone.step(40)
    np.testing.assert_array_equal(full.trainers["lstm"].history.column("train_loss"),
                                  alone.history.column("train_loss"))


def test_live_settings_apply_without_a_rebuild():
    trainer = RecurrentTrainer(small())
    trainer.step(2)
    new = trainer.settings.with_changes(learning_rate=0.05, clip_norm=0.0, truncation=3, optimizer="sgd",
                                        batch_size=2)
    assert not RecurrentSettings.needs_rebuild(trainer.settings, new)
    trainer.apply_settings(new)
    assert trainer.model.learning_rate == 0.05
    assert trainer.model.clip_norm is None and trainer.model.truncation == 3
    assert type(trainer.model.optimizer).__name__ == "SGD"
    trainer.step(1)
    flow = trainer.gradient_flow
    # Truncation to 3 steps: the last step's loss reaches exactly the last 3 hidden states.
    assert np.all(flow[-3:] > 0) and np.all(flow[:-3] == 0)
    with pytest.raises(ValueError, match="new model"):
        trainer.apply_settings(trainer.settings.with_changes(cell="rnn"))


@pytest.mark.parametrize("changes, message", [
    ({"hidden_size": 0}, "hidden size"), ({"hidden_size": 129}, "hidden size"),
    ({"length": 9}, "sequence length"), ({"length": 201}, "sequence length"),
    ({"truncation": 101}, "truncation"), ({"cell": "gru"}, "unknown cell"),
    ({"optimizer": "rmsprop"}, "optimizer"), ({"learning_rate": 0.0}, "learning rate"),
    ({"clip_norm": -1.0}, "clipping"), ({"batch_size": 0}, "batch size"), ({"task": "nope"}, "unknown"),
])
def test_bad_settings_raise_clear_errors(changes, message):
    with pytest.raises(ValueError, match=message):
        RecurrentSettings().with_changes(**changes)


def test_a_new_task_takes_its_default_length_and_truncation_follows_a_shorter_length():
    settings = RecurrentSettings(task="adding", length=120, truncation=80)
    assert settings.with_changes(task="temporal_order").length == 50
    assert settings.with_changes(task="temporal_order").truncation == 50
    assert settings.with_changes(task="text", length=30).length == 30
    assert settings.with_changes(task="adding").length == 120
    assert RecurrentSettings(length=100, truncation=60).with_changes(length=40).truncation == 40
    assert RecurrentSettings(length=100, truncation=20).with_changes(length=40).truncation == 20


def test_side_by_side_trains_both_cells_on_identical_data():
    settings = small("temporal_order", cell="rnn")
    result = train_side_by_side(settings, 5)
    rnn, lstm = result.trainers["rnn"], result.trainers["lstm"]
    assert (rnn.model.cell.name, lstm.model.cell.name) == ("rnn", "lstm")
    assert rnn.iteration == lstm.iteration == 5
    np.testing.assert_array_equal(rnn.validation_set.inputs, lstm.validation_set.inputs)
    # The training batches come from identical generators: the next draw is identical too.
    next_rnn = rnn.task.batch(4, 12, rng=rnn._rng)
    next_lstm = lstm.task.batch(4, 12, rng=lstm._rng)
    np.testing.assert_array_equal(next_rnn.inputs, next_lstm.inputs)
    # ...and the same as a lone trainer's, so the side-by-side run is the page's own data.
    lone = RecurrentTrainer(settings.with_changes(cell="lstm"))
    lone.step(5)
    np.testing.assert_array_equal(lone.history.column("train_loss"), lstm.history.column("train_loss"))
    assert set(result.histories) == set(result.gradient_flows) == {"rnn", "lstm"}
    assert all(flow.shape == (12,) for flow in result.gradient_flows.values())


def test_side_by_side_is_bounded():
    with pytest.raises(ValueError, match="between 1 and"):
        train_side_by_side(small(), MAX_SIDE_BY_SIDE_ITERATIONS + 1)


def test_inspect_gives_states_and_gates_of_one_sequence():
    lstm = RecurrentTrainer(small("adding", cell="lstm"))
    view = lstm.inspect(0)
    assert view.hidden.shape == view.cell_states.shape == (12, 4)
    assert set(view.gates) == {"input", "forget", "cell_candidate", "output"}
    assert view.marks.sum() == 2
    rnn = RecurrentTrainer(small("adding", cell="rnn")).inspect(0)
    assert rnn.cell_states is None and rnn.gates is None
    # Inspecting does not change what training does next.
    fresh = RecurrentTrainer(small("adding", cell="lstm"))
    lstm.step(2)
    fresh.step(2)
    np.testing.assert_array_equal(lstm.model.cell.W_x, fresh.model.cell.W_x)


def test_text_task_samples_and_reads_text():
    trainer = RecurrentTrainer(small("text"))
    trainer.step(2)
    sample = trainer.sample_text(40, seed=3)
    assert len(sample) == 40 and sample == trainer.sample_text(40, seed=3)
    assert trainer.hidden_states_for("the cat").shape == (7, 4)
    with pytest.raises(ValueError, match="only the characters task"):
        RecurrentTrainer(small("adding")).sample_text(5)


# -- the lab's settings in the URL ------------------------------------------------------------
def test_url_round_trip_and_bad_values():

    settings = defaults_for("temporal_order", hidden_size=16, cell="rnn", learning_rate=0.003, clip_norm=0.5,
                            truncation=10, seed=4)
    query = settings.to_query()
    assert all(key.startswith("rl_") for key in query)
    assert RecurrentSettings.from_query(query) == (settings, [])
    read, notices = RecurrentSettings.from_query({"rl_hidden_size": "banana", "rl_task": "sine", "rl_length": "9999",
                                "rl_foo": "1", "dataset": "xor"})
    assert (read.task, read.hidden_size, read.length) == ("sine", 32, defaults_for("sine").length)
    assert len(notices) == 3 and "'rl_hidden_size'" in notices[0] and "'rl_foo'" in notices[2]
