"""The lesson box and the Lessons menu, driven through ``AppTest.from_function``.

The script builds the lesson's trainer from its set-up and, on "Train", steps it one iteration
at a time until the done-when is met or the lesson's budget is spent, as Play would with the
box watching; then it draws the box with the run's metrics.
"""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground.ui.lesson_box import LESSON_ANSWER_PREFIX
from testkit.app_test import open_app


@pytest.fixture(autouse=True)
def no_registered_pages(monkeypatch):
    """These tests run the box on its own: its links are markdown, whatever an earlier test of
    ``app.py`` registered in this process (the app's own links are ``st.page_link``)."""
    from playground.ui import navigation

    monkeypatch.setattr(navigation, "PAGES", {})


def trained_lesson_script(name: str, settings_differ: bool) -> None:
    import streamlit as st
    from threadpoolctl import threadpool_limits

    from playground.lessons import done_when_met, get_lesson, lesson_config
    from playground.lessons.metrics import run_metrics
    from playground.training.trainer import Trainer
    from playground.ui.lesson_box import lesson_box

    lesson = get_lesson(name)
    if "trainer" not in st.session_state:
        st.session_state.trainer = Trainer(lesson_config(lesson)[0])
    trainer = st.session_state.trainer
    if st.button("Train", key="train"):
        with threadpool_limits(limits=1, user_api="blas"):
            while trainer.iteration < lesson.budget and not done_when_met(lesson, run_metrics(trainer)):
                trainer.step(1)
    lesson_box(lesson, run_metrics(trainer), settings_differ)


def given_metrics_script(name: str, metrics: dict) -> None:
    from playground.lessons import get_lesson
    from playground.ui.lesson_box import lesson_box

    lesson_box(get_lesson(name), metrics, False)


def open_box(name: str, settings_differ: bool = False) -> AppTest:
    at = AppTest.from_function(trained_lesson_script, args=(name, settings_differ), default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(str(m.value) for m in at.markdown)


def test_before_training_the_box_shows_the_lesson_and_asks_its_question():
    at = open_box("hidden_layer")
    text = markdown(at)
    assert "**Lesson 3: a hidden layer bends the line**" in text
    assert "four tanh neurons" in text
    radio = at.radio(key=LESSON_ANSWER_PREFIX + "hidden_layer")
    assert radio.label == "With four hidden neurons, how far will test accuracy get within 1,000 iterations?"
    assert radio.options == ["Still about a coin toss", "About three quarters", "95 % or more"]
    assert radio.value is None and not radio.disabled
    assert not at.success                                   # no reveal before training
    assert ":material/hourglass_empty: Not yet: test accuracy ≥ 95 % within 1,000 iterations (now" in text
    assert "**Try next:**" in text
    assert "[Next: Lesson 4: the learning rate](playground?lesson=learning_rate)" in text


def test_answering_and_training_shows_the_reveal_with_this_runs_numbers():
    at = open_box("hidden_layer")
    at.radio(key=LESSON_ANSWER_PREFIX + "hidden_layer").set_value(2).run()
    at.button(key="train").click().run()
    assert not at.exception, at.exception

    trainer = at.session_state["trainer"]
    accuracy = trainer.metrics["test_accuracy"]
    assert accuracy >= 0.95 and trainer.iteration <= 1000
    reveal = at.success[0].value
    assert reveal.startswith(f"Test accuracy reached {accuracy * 100:.0f} % at iteration {trainer.iteration:,}.")
    text = markdown(at)
    assert "Your prediction: “95 % or more”. That is what happened." in text
    assert ":material/check_circle: Done: test accuracy ≥ 95 % reached" in text
    assert at.session_state[LESSON_ANSWER_PREFIX + "hidden_layer"] == 2
    assert at.radio(key=LESSON_ANSWER_PREFIX + "hidden_layer").disabled
    assert at.expander[0].label == "The lesson"               # the introduction folds away


def test_a_wrong_prediction_is_answered_with_what_happened():
    at = open_box("perceptron_xor")
    at.radio(key=LESSON_ANSWER_PREFIX + "perceptron_xor").set_value(0).run()
    at.button(key="train").click().run()
    text = markdown(at)
    assert "Your prediction: “It learns XOR, only more slowly than the clouds”. " \
           "What happened: “It stays close to a coin toss”." in text
    assert ":material/check_circle: Done: test accuracy < 75 % held for 500 iterations" in text
    assert at.success[0].value.startswith("After 500 iterations test accuracy is ")


def test_changed_settings_keep_the_lesson_open_with_a_note_and_no_reveal():
    at = open_box("hidden_layer", settings_differ=True)
    at.button(key="train").click().run()
    assert "Your settings now differ from the lesson's" in at.caption[0].value
    assert at.button(key="lesson_restart").label == "Start the lesson again"
    assert not at.success
    assert ":material/check_circle: Done: test accuracy ≥ 95 % reached" in markdown(at)     # the check is still watched


def test_the_last_lesson_has_no_next_link_and_waits_for_the_numbers_its_reveal_quotes():
    lstm_only = {"iteration": 600, "train_loss": 0.002, "validation_loss": 0.0021, "lstm_validation_loss": 0.0021,
                 "baseline": 1 / 6, "diverged": 0.0}
    at = AppTest.from_function(given_metrics_script, args=("rnn_vs_lstm", lstm_only)).run()
    assert not at.exception, at.exception
    assert "do what its text asks" in at.info[0].value
    text = markdown(at)
    assert ":material/check_circle: Done: LSTM validation loss ≤ 0.02 reached" in text
    assert (":material/hourglass_empty: Not yet: RNN validation loss ≥ 0.15 after 600 iterations "
            "(not measured yet, iteration 600)") in text
    assert "Next:" not in text

    both = {**lstm_only, "rnn_validation_loss": 0.165}
    at = AppTest.from_function(given_metrics_script, args=("rnn_vs_lstm", both)).run()
    assert at.success[0].value.startswith("After 600 iterations the LSTM's validation loss is 0.0021 and the RNN's "
                                          "0.165, against a baseline of 0.167.")


def test_the_lessons_menu_links_every_lesson_in_order():
    def menu_script():
        from playground.ui.lesson_view import lessons_menu
        lessons_menu()

    at = AppTest.from_function(menu_script).run()
    assert not at.exception
    links = [m.value for m in at.markdown]
    assert len(links) == 10
    assert links[0] == "[Lesson 1: one neuron](playground?lesson=neuron)"
    assert links[-1] == "[Lesson 10: RNN against LSTM (the adding problem)](recurrent?lesson=rnn_vs_lstm)"


def test_a_lesson_url_loads_its_set_up_on_the_page_and_an_unknown_one_gives_the_plain_page():
    from playground.lessons import get_lesson, lesson_config

    at = open_app({"lesson": "hidden_layer"}, timeout=60)
    lesson = get_lesson("hidden_layer")
    assert at.session_state["settings"] == lesson_config(lesson)[0]
    assert any(lesson.title in m.value for m in at.markdown)
    assert any(r.label == lesson.question for r in at.radio)
    at.select_slider(key="w_learning_rate").set_value(0.3).run()           # the run now differs
    assert at.session_state["settings"].learning_rate == 0.3
    at.button(key="lesson_restart").click().run()                          # and comes back
    assert at.session_state["settings"] == lesson_config(lesson)[0]
    at = open_app({"lesson": "no_such_lesson", "seed": "3"}, timeout=60)
    assert any("no_such_lesson" in w.value for w in at.warning)
    assert at.session_state["settings"].seed == 3 and not any(r.label.startswith("With four") for r in at.radio)


def test_on_the_page_answering_and_playing_shows_the_reveal():
    """The whole page: ``?lesson=hidden_layer``, answer, Play; every run of the page is one playing
    rerun (AppTest has no timer: ``run()`` stands for the fragment's next tick)."""
    at = open_app({"lesson": "hidden_layer"}, timeout=60)
    at.radio(key=LESSON_ANSWER_PREFIX + "hidden_layer").set_value(2).run()
    assert not at.success                                   # no reveal before training
    at.button(key="play").click().run()
    for _ in range(100):                                    # 20 frames a rerun: 1,000 iterations in 50
        if at.success:
            break
        at.run()
        assert not at.exception, at.exception
    trainer = at.session_state["trainer"]
    assert at.success, f"no reveal after {trainer.iteration} iterations"
    accuracy = trainer.metrics["test_accuracy"]
    assert accuracy >= 0.95 and trainer.iteration <= 1000 + 20
    assert at.success[0].value.startswith("Test accuracy reached ")
    assert "Your prediction: “95 % or more”. That is what happened." in markdown(at)
    assert at.session_state["playing"]                      # the lesson does not stop the play
