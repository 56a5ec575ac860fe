"""The recurrent lab page through ``streamlit.testing.v1.AppTest``.

``app.py`` registers the lab as a callable ``st.Page``, which ``AppTest.switch_page`` cannot
reach (it matches script files), so these tests run the page function itself with
``AppTest.from_function``; ``test_app_registers_the_lab`` checks that ``app.py`` runs and
names the page. The browser test (tests/e2e/test_recurrent_browser.py) opens it by URL.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from playground.training.recurrent_settings import RecurrentSettings
from playground.training.recurrent_trainer import RecurrentTrainer

APP = Path(__file__).resolve().parents[2] / "app.py"


def _lab() -> None:
    from playground.ui.recurrent_page import page

    page()


def open_lab(**settings) -> AppTest:
    at = AppTest.from_function(_lab, default_timeout=120)
    if settings:
        from playground.training.recurrent_settings import defaults_for

        at.session_state["rl_settings"] = defaults_for(settings.pop("task", "adding"), **settings)
    at.run()
    assert not at.exception, at.exception
    return at


def metric(at: AppTest, label: str) -> str:
    matches = [m.value for m in at.metric if m.label == label]
    assert matches, f"no metric {label!r}: {[m.label for m in at.metric]}"
    return matches[0]


def trainer(at: AppTest) -> RecurrentTrainer:
    return at.session_state["rl_trainer"]


def settings(at: AppTest) -> RecurrentSettings:
    return at.session_state["rl_settings"]


def click(at: AppTest, key: str) -> AppTest:
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def test_app_registers_the_lab():
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert not at.exception, at.exception
    source = APP.read_text(encoding="utf-8")
    assert 'url_path="recurrent"' in source and "Recurrent lab" in source


def test_the_lab_opens_at_iteration_zero_on_the_adding_problem():
    at = open_lab()
    assert settings(at) == RecurrentSettings(task="adding", length=30)
    assert [m.label for m in at.metric] == ["Iteration", "Training loss", "Validation loss", "Baseline"]
    assert metric(at, "Iteration") == "0"
    assert metric(at, "Training loss") == "–"
    assert metric(at, "Baseline") == "0.167"
    assert not at.error


def test_step_and_step_n_train_and_the_counters_follow():
    at = open_lab(hidden_size=4, length=20, batch_size=4)
    click(at, "rl_step")
    assert trainer(at).iteration == 1 and metric(at, "Iteration") == "1"
    assert metric(at, "Training loss") == f"{trainer(at).history.last()['train_loss']:.4f}"
    before = trainer(at).metrics["validation_loss"]
    at.select_slider(key="rl_speed").set_value(5).run()
    click(at, "rl_step_n")
    assert metric(at, "Iteration") == "6"
    delta = next(m.delta for m in at.metric if m.label == "Validation loss")
    assert delta == f"{trainer(at).metrics['validation_loss'] - before:+.4f}"


def test_switching_the_cell_builds_a_new_model_and_keeps_the_task():
    at = open_lab(hidden_size=4, length=20, batch_size=4)
    click(at, "rl_step")
    at.radio(key="rl_w_cell").set_value("rnn").run()
    assert not at.exception, at.exception
    assert trainer(at).model.cell.name == "rnn" and trainer(at).iteration == 0
    assert settings(at).task == "adding"
    click(at, "rl_step")
    assert metric(at, "Iteration") == "1"


def test_live_settings_apply_to_the_running_model():
    at = open_lab(hidden_size=4, length=20, batch_size=4)
    click(at, "rl_step")
    model = trainer(at).model
    at.select_slider(key="rl_w_learning_rate").set_value(0.1).run()
    at.slider(key="rl_w_truncation").set_value(5).run()
    assert not at.exception, at.exception
    assert trainer(at).model is model and trainer(at).iteration == 1
    assert model.learning_rate == 0.1 and model.truncation == 5


def test_a_new_task_takes_its_length_and_shows_accuracy():
    at = open_lab(hidden_size=4, batch_size=4)
    at.selectbox(key="rl_w_task").set_value("temporal_order").run()
    assert not at.exception, at.exception
    assert settings(at).length == 50
    assert at.slider(key="rl_w_length").value == 50
    assert "Validation accuracy" in [m.label for m in at.metric]
    assert metric(at, "Baseline") == "25%"


def test_reset_starts_again_from_the_same_initial_model():
    at = open_lab(hidden_size=4, length=20, batch_size=4)
    first = trainer(at).model.cell.W_h.copy()
    click(at, "rl_step")
    click(at, "rl_reset")
    assert trainer(at).iteration == 0
    np.testing.assert_array_equal(trainer(at).model.cell.W_h, first)


def test_play_and_pause_toggle():
    at = open_lab(hidden_size=4, length=20, batch_size=4)
    click(at, "rl_play")
    assert at.session_state["rl_playing"] is True
    assert at.button(key="rl_step").disabled
    click(at, "rl_pause")
    assert at.session_state["rl_playing"] is False


def test_side_by_side_runs_both_cells_on_the_same_data():
    at = open_lab(task="temporal_order", hidden_size=4, length=12, batch_size=4)
    at.number_input(key="rl_side_iterations").set_value(3).run()
    click(at, "rl_side_by_side")
    result = at.session_state["rl_side_result"]
    assert result.iterations == 3
    assert {cell: run.iteration for cell, run in result.trainers.items()} == {"rnn": 3, "lstm": 3}
    assert any("RNN and LSTM after 3 iterations" in c.value for c in at.caption)


def test_time_limits_cut_long_clicks_short_and_say_so(monkeypatch):
    """A shared server: Step ×N and side-by-side runs stop at their wall-time limits (set to 0
    here, so that each runs its least: one iteration, one turn) and the page says what ran."""
    from playground.ui import recurrent_page

    monkeypatch.setattr(recurrent_page, "STEP_SECONDS", 0.0)
    monkeypatch.setattr(recurrent_page, "SIDE_BY_SIDE_SECONDS", 0.0)
    at = open_lab(task="sine", hidden_size=4, length=12, batch_size=4)
    click(at, "rl_step_n")
    assert trainer(at).iteration == 1
    assert any("Ran 1 of 10 iterations" in i.value for i in at.info), [i.value for i in at.info]
    at.number_input(key="rl_side_iterations").set_value(100).run()
    click(at, "rl_side_by_side")
    result = at.session_state["rl_side_result"]
    assert (result.iterations, result.asked) == (5, 100)               # one turn: 100 / 20 points
    assert {run.iteration for run in result.trainers.values()} == {5}  # both cells stopped together
    assert any("Stopped after 5 of the 100 iterations" in i.value for i in at.info)


def test_a_playing_rerun_makes_as_many_frames_as_fit_in_its_budget():
    from playground.training.recurrent_settings import defaults_for
    from playground.ui.recurrent_page import _frames

    trainer_ = RecurrentTrainer(defaults_for("sine", hidden_size=4, length=12, batch_size=4))
    ample, _ = _frames(trainer_, 4, 2, 10.0, budget=60.0, at_least=2)
    assert {len(charts) for charts in ample.values()} == {4} and trainer_.iteration == 8
    tight, _ = _frames(trainer_, 4, 2, 10.0, budget=0.0, at_least=2)          # none fits: the least
    assert {len(charts) for charts in tight.values()} == {2} and trainer_.iteration == 12


def test_text_task_samples_and_colours_the_text_by_a_unit():
    at = open_lab(task="text", hidden_size=4, length=20, batch_size=4)
    click(at, "rl_step")
    click(at, "rl_sample_button")
    sampled = at.code[0].value
    assert len(sampled) == 200
    assert sampled == trainer(at).sample_text(200, seed=1)      # seeded by the iteration
    at.slider(key="rl_unit").set_value(3).run()
    assert not at.exception, at.exception
    # A smaller model: the chosen unit is brought back into range instead of failing.
    at.slider(key="rl_w_hidden_size").set_value(2).run()
    assert not at.exception, at.exception
    assert at.slider(key="rl_unit").value == 1


def test_divergence_is_shown_as_an_error_not_a_traceback():
    at = open_lab(hidden_size=8, length=12, batch_size=4, optimizer="sgd", learning_rate=3.0, clip_norm=0.0)
    at.select_slider(key="rl_speed").set_value(100).run()
    for _ in range(5):
        click(at, "rl_step_n")
        if trainer(at).diverged:
            break
    assert trainer(at).diverged
    assert any("diverged" in e.value for e in at.error)
    assert not at.exception
    assert all(len(m.value) <= 10 for m in at.metric), [m.value for m in at.metric]   # no 30-digit losses


def test_a_link_sets_up_the_lab_and_a_bad_value_gets_a_notice():
    at = AppTest.from_function(_lab, default_timeout=120)
    at.query_params = {"rl_task": "temporal_order", "rl_cell": "rnn", "rl_hidden_size": "999", "rl_seed": "3"}
    at.run()
    assert not at.exception, at.exception
    settings = at.session_state["rl_settings"]
    assert (settings.task, settings.cell, settings.seed, settings.hidden_size) == ("temporal_order", "rnn", 3, 32)
    assert any("rl_hidden_size" in w.value for w in at.warning)
    assert at.query_params["rl_task"] == "temporal_order" and at.query_params["rl_hidden_size"] == "32"


def test_side_by_side_ends_with_the_verdict():
    from playground.data.sequences import SEQUENCE_TASKS
    from playground.training.verdict import final_scores, side_by_side_verdict

    at = open_lab(task="temporal_order", hidden_size=4, length=12, batch_size=4)
    at.number_input(key="rl_side_iterations").set_value(3).run()
    click(at, "rl_side_by_side")
    result = at.session_state["rl_side_result"]
    expected = side_by_side_verdict(final_scores(result), SEQUENCE_TASKS["temporal_order"], 3)
    assert expected.startswith("After 3 iterations")
    assert expected in [box.value for box in [*at.info, *at.success]], [box.value for box in at.info]


def test_each_task_brings_its_own_default_side_by_side_length():
    from playground.data.sequences import SEQUENCE_TASKS
    from playground.ui.recurrent_page import SIDE_BY_SIDE_DEFAULT_ITERATIONS

    assert set(SIDE_BY_SIDE_DEFAULT_ITERATIONS) == set(SEQUENCE_TASKS)
    at = open_lab(task="temporal_order", hidden_size=4, length=12, batch_size=4)
    assert at.number_input(key="rl_side_iterations").value == SIDE_BY_SIDE_DEFAULT_ITERATIONS["temporal_order"]
    at.number_input(key="rl_side_iterations").set_value(7).run()
    at.selectbox(key="rl_w_task").set_value("adding").run()
    assert at.number_input(key="rl_side_iterations").value == SIDE_BY_SIDE_DEFAULT_ITERATIONS["adding"]


def test_hide_leaves_the_named_groups_out_of_the_labs_sidebar():
    at = AppTest.from_function(_lab, default_timeout=60)
    at.query_params = {"hide": "data,training"}
    at.run()
    assert not at.exception, at.exception
    keys = {w.key for w in (*at.selectbox, *at.radio, *at.slider, *at.select_slider, *at.number_input)}
    assert "rl_w_cell" in keys and "rl_w_hidden_size" in keys
    assert not keys & {"rl_w_task", "rl_w_length", "rl_w_learning_rate", "rl_w_batch_size", "rl_w_seed"}
