"""The lessons: every file loads, every set-up trains headless to its done-when within the
budget it states, every contrast its text talks about does what the text says, and a bad
lesson name or file gives a clear error."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from playground.lessons import (
    LESSON_FOLDER,
    LESSONS,
    PAGES,
    Check,
    LessonError,
    can_reveal,
    differences,
    done_when_met,
    get_lesson,
    lesson_config,
    load_lessons,
    reveal_text,
    run_finished,
)
from playground.lessons.metrics import METRICS, run_metrics
from playground.training.config import Config
from playground.training.recurrent_settings import RecurrentSettings
from playground.training.recurrent_trainer import RecurrentTrainer, train_side_by_side
from playground.training.trainer import Trainer

ORDER = ["neuron", "perceptron_xor", "hidden_layer", "learning_rate", "backprop", "one_vs_all",
         "depth_and_features", "overfitting", "activations", "rnn_vs_lstm"]
PLAYGROUND_LESSONS = [name for name in ORDER if LESSONS[name].page == "playground"]
WORDS_ON_SCREEN = 120


@pytest.fixture(scope="module", autouse=True)
def one_blas_thread():
    """As the app runs (app.py): the matrices are small, and threads only compete on a shared machine."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def train_playground(config: Config, checks: tuple[Check, ...]) -> tuple[Trainer, dict[str, float]]:
    """Step one iteration at a time until every check is met or the largest budget is spent."""
    trainer = Trainer(config)
    budget = max(check.iterations for check in checks)
    metrics = run_metrics(trainer)
    while trainer.iteration < budget and not all(check.met(metrics) for check in checks):
        if trainer.step(1) == 0:            # diverged: nothing more will run
            break
        metrics = run_metrics(trainer)
    return trainer, run_metrics(trainer)


def assert_checks_kept(trainer: Trainer, metrics: dict[str, float], checks: tuple[Check, ...]) -> None:
    for check in checks:
        assert check.met(metrics), f"{check.describe()}: {check.status(metrics)}"
        if check.mode == "reach":
            assert metrics["iteration"] <= check.iterations
        elif check.metric in trainer.history.columns:
            # "stays": the comparison held at every measured iteration, not just the last.
            values = trainer.history.column(check.metric)[1:]
            assert all(check.holds({check.metric: v}) for v in values), check.describe()


# -- the files -------------------------------------------------------------------------------------
def test_the_ten_lessons_load_in_order_each_pointing_to_the_next():
    assert list(LESSONS) == ORDER
    for name, following in zip(ORDER, ORDER[1:] + [None]):
        lesson = get_lesson(name)
        assert lesson.name == name and lesson.next == following
        assert "Lesson" in lesson.title
    assert get_lesson("rnn_vs_lstm").link == "recurrent?lesson=rnn_vs_lstm"
    assert get_lesson("neuron").link == "playground?lesson=neuron"
    assert get_lesson("one_vs_all").setup == {"preset": "blog_iris"}


@pytest.mark.parametrize("name", ORDER)
def test_every_set_up_reads_through_the_page_codec_without_a_notice(name):
    lesson = get_lesson(name)
    settings, notices = lesson_config(lesson)
    assert notices == []
    assert isinstance(settings, PAGES[lesson.page])
    # A shared link of the settings reads back to the same settings: the set-up is a link.
    assert type(settings).from_query(settings.to_query()) == (settings, [])
    for contrast in lesson.contrasts:
        changed, notices = lesson_config(lesson, contrast.setup)
        assert notices == [] and changed != settings


@pytest.mark.parametrize("name", ORDER)
def test_no_more_than_about_120_words_on_screen_at_once(name):
    lesson = get_lesson(name)
    before = " ".join([lesson.title, lesson.text, lesson.question, *lesson.choices])
    after = " ".join([lesson.title, lesson.reveal, *(c.describe() for c in lesson.done_when), lesson.try_next])
    assert len(before.split()) <= WORDS_ON_SCREEN
    assert len(after.split()) <= WORDS_ON_SCREEN


def test_an_unknown_lesson_name_raises_the_loaders_error_listing_the_lessons():
    with pytest.raises(LessonError, match="no lesson called 'nope'.*neuron, perceptron_xor"):
        get_lesson("nope")


# -- each lesson's set-up, trained headless --------------------------------------------------------
@pytest.mark.parametrize("name", PLAYGROUND_LESSONS)
def test_each_playground_lesson_reaches_its_done_when_within_its_budget(name):
    lesson = get_lesson(name)
    config, _ = lesson_config(lesson)
    trainer, metrics = train_playground(config, lesson.done_when)
    assert_checks_kept(trainer, metrics, lesson.done_when)
    assert done_when_met(lesson, metrics) and run_finished(lesson, metrics)
    text = reveal_text(lesson, metrics)
    assert "{" not in text and text != lesson.reveal


def test_perceptron_xor_stays_below_75_percent_at_every_iteration_of_its_budget():
    lesson = get_lesson("perceptron_xor")
    trainer, metrics = train_playground(lesson_config(lesson)[0], lesson.done_when)
    assert trainer.iteration == 500
    assert np.max(trainer.history.column("test_accuracy")) < 0.75


@pytest.mark.parametrize("name, index", [(lesson.name, i) for lesson in LESSONS.values()
                                         for i in range(len(lesson.contrasts))])
def test_each_contrast_the_text_states_does_what_it_says(name, index):
    lesson = get_lesson(name)
    contrast = lesson.contrasts[index]
    config, _ = lesson_config(lesson, contrast.setup)
    trainer, metrics = train_playground(config, contrast.done_when)
    assert_checks_kept(trainer, metrics, contrast.done_when)


def test_the_activations_lesson_gradient_claim_hundreds_of_times_smaller():
    """Its reveal: the first layer's gradient is hundreds of times smaller than the output layer's."""
    lesson = get_lesson("activations")
    trainer = Trainer(lesson_config(lesson)[0])
    trainer.step(lesson.budget)
    data = trainer.dataset
    _, gradients = trainer.network.loss_and_gradients(data.X_train, data.y_train)
    norms = [np.linalg.norm(W) for W in gradients["weights"]]
    assert norms[-1] / norms[0] > 100


def test_rnn_vs_lstm_side_by_side_lstm_learns_and_rnn_stays_at_the_baseline():
    lesson = get_lesson("rnn_vs_lstm")
    settings, _ = lesson_config(lesson)
    result = train_side_by_side(settings, lesson.budget)
    metrics = run_metrics(result)
    assert metrics["iteration"] == lesson.budget
    assert done_when_met(lesson, metrics), [check.status(metrics) for check in lesson.done_when]
    assert metrics["lstm_validation_loss"] < 0.2 * metrics["baseline"] < metrics["rnn_validation_loss"]
    assert can_reveal(lesson, metrics)
    assert f"{metrics['baseline']:.3f}" == "0.167" and "0.167" in reveal_text(lesson, metrics)


def test_a_lab_run_of_one_cell_has_that_cells_loss_but_not_the_reveals_other_number():
    lesson = get_lesson("rnn_vs_lstm")
    trainer = RecurrentTrainer(lesson_config(lesson)[0])
    trainer.step(2)
    metrics = run_metrics(trainer)
    assert metrics["lstm_validation_loss"] == metrics["validation_loss"]
    assert "rnn_validation_loss" not in metrics
    assert not can_reveal(lesson, metrics) and not done_when_met(lesson, metrics)
    with pytest.raises(LessonError, match="quotes rnn_validation_loss"):
        reveal_text(lesson, metrics)


# -- checks, reveal and metrics on hand-made numbers -----------------------------------------------
def test_reach_and_stay_checks_and_their_words():
    reach = Check("test_accuracy", ">=", 0.95, 1000, "reach")
    stay = Check("test_accuracy", "<", 0.75, 500, "stay")
    early = {"iteration": 120, "test_accuracy": 0.5}
    assert not reach.met(early) and not stay.met(early)       # "stays" needs its 500 iterations
    assert stay.met({"iteration": 500, "test_accuracy": 0.5})
    assert reach.met({"iteration": 820, "test_accuracy": 0.95})
    assert not reach.met({"iteration": 820, "test_accuracy": math.nan})
    assert reach.status({"iteration": 820, "test_accuracy": 0.953}) == "Done: test accuracy ≥ 95 % reached"
    assert reach.status(early) == "Not yet: test accuracy ≥ 95 % within 1,000 iterations (now 50 %, iteration 120)"
    assert stay.status({"iteration": 500, "test_accuracy": 0.48}) == \
        "Done: test accuracy < 75 % held for 500 iterations"
    assert Check("diverged", ">=", 1, 300).status({"iteration": 236, "diverged": 1.0}) == \
        "Done: training diverged reached"


def test_reveal_quotes_the_runs_numbers_with_a_spaced_percent_sign():
    lesson = get_lesson("hidden_layer")
    text = reveal_text(lesson, {"test_accuracy": 0.9534, "iteration": 1234})
    assert text.startswith("Test accuracy reached 95 % at iteration 1,234.")


def test_run_metrics_of_a_playground_run_add_the_start_loss_the_lowest_test_loss_and_its_rise():
    trainer = Trainer(lesson_config(get_lesson("overfitting"))[0])
    trainer.step(60)
    metrics = run_metrics(trainer)
    history = trainer.history
    assert metrics["start_train_loss"] == history.column("train_loss")[0]
    assert metrics["best_test_loss"] == min(history.column("test_loss"))
    assert metrics["test_loss_rise"] == pytest.approx(metrics["test_loss"] - metrics["best_test_loss"])
    assert metrics["diverged"] == 0.0
    assert set(metrics) <= set(METRICS)


def test_differences_name_the_changed_settings_but_not_the_view():
    lesson = get_lesson("hidden_layer")
    config, _ = lesson_config(lesson)
    assert differences(lesson, config) == []
    assert differences(lesson, config.with_changes(speed=50, show_test=True)) == []
    assert differences(lesson, config.with_changes(learning_rate=0.3, hidden_layers=(8,))) == \
        ["hidden layers", "learning rate"]
    with pytest.raises(TypeError, match="on the playground page"):
        differences(lesson, RecurrentSettings())


# -- bad lesson files -------------------------------------------------------------------------------
def lesson_data(**changes):
    """The hidden_layer lesson's file as a dict, with some fields changed."""
    data = json.loads((LESSON_FOLDER / "03_hidden_layer.json").read_text(encoding="utf-8"))
    return {**data, **changes}


@pytest.mark.parametrize("changes, message", [
    ({"title": "Bending lines"}, "must contain the word 'Lesson'"),
    ({"page": "lab"}, "page must be one of playground, recurrent"),
    ({"answer": 3}, "'answer' is the index of a choice, 0 to 2"),
    ({"reveal": "{test_acuracy:.0%}"}, "quotes unknown metrics: test_acuracy"),
    ({"done_when": [{"metric": "test_accuracy", "compare": "=>", "threshold": 0.9, "iterations": 9}]},
     "compare must be one of"),
    ({"done_when": [{"metric": "test_accuracy", "compare": ">=", "threshold": 0.9}]}, "'iterations' is missing"),
    ({"setup": {"hidden_layers": 4}}, "must be text, as in a URL"),
])
def test_a_bad_lesson_file_names_its_file_and_problem(tmp_path, changes, message):
    (tmp_path / "01_bad.json").write_text(json.dumps(lesson_data(**changes)))
    with pytest.raises(LessonError, match=message) as raised:
        load_lessons(tmp_path)
    assert str(raised.value).startswith("01_bad.json")


def test_a_set_up_the_codec_rejects_or_a_missing_next_lesson_is_an_error(tmp_path):
    (tmp_path / "01_a.json").write_text(json.dumps(lesson_data(setup={"learning_rate": "fast"})))
    with pytest.raises(LessonError, match="does not read cleanly.*learning_rate"):
        load_lessons(tmp_path)
    (tmp_path / "01_a.json").write_text(json.dumps(lesson_data(next="nowhere")))
    with pytest.raises(LessonError, match="'next' names 'nowhere'"):
        load_lessons(tmp_path)
    (tmp_path / "01_a.json").write_text("{not json")
    with pytest.raises(LessonError, match="01_a.json: not a readable JSON file"):
        load_lessons(tmp_path)
