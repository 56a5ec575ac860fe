"""The "Inside the step" panel through ``AppTest``: a tiny page with a trainer stepped once."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from playground.engine import explain_step
from playground.training.config import PRESETS, Config
from playground.ui.inside_step import STEP_EDIT_VALUE, STEP_NEURON, STEP_SAMPLE, STEP_STAGE


def _page() -> None:
    import streamlit as st

    from playground.training.config import Config
    from playground.training.trainer import Trainer
    from playground.ui.inside_step import inside_step_panel

    if "trainer" not in st.session_state:
        trainer = Trainer(st.session_state.get("config", Config()))
        trainer.step(1, keep_record=True)
        st.session_state["trainer"] = trainer
    trainer = st.session_state["trainer"]
    st.metric("Loss", f"{trainer.metrics['train_loss']:.6f}")
    inside_step_panel(trainer)


def _open() -> AppTest:
    at = AppTest.from_function(_page, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def _last_value(line: str) -> float:
    return float(line.rsplit("=", 1)[1])


@pytest.fixture
def at() -> AppTest:
    return _open()


def test_sample_three_and_neuron_h1_2_show_the_engine_numbers(at):
    at.number_input(key=STEP_SAMPLE).set_value(3)
    at.selectbox(key=STEP_NEURON).set_value("h1.2")
    _run(at)
    trainer = at.session_state["trainer"]
    data = trainer.dataset
    shown = " ".join(m.value for m in at.markdown)
    assert f"**Sample 3**: x1 = {data.raw_train[3, 0]:.4g}, x2 = {data.raw_train[3, 1]:.4g}" in shown
    record = explain_step(trainer.network, data.X_train[3], data.y_train[3])
    weighted_sum, activation = at.code[0].value.splitlines()
    assert "weighted sum" in shown and "activation" in shown
    assert weighted_sum.startswith("z = ")
    assert _last_value(weighted_sum) == pytest.approx(record.weighted_sums[0][1], rel=1e-3, abs=1e-4)
    assert activation.startswith("a = tanh(z)")
    assert _last_value(activation) == pytest.approx(record.activations[1][1], rel=1e-3, abs=1e-4)


@pytest.mark.parametrize("stage", ["Loss", "Backward", "Update"])
def test_every_stage_writes_its_formula(at, stage):
    at.segmented_control(key=STEP_STAGE).set_value(stage)
    _run(at)
    text = at.code[0].value
    expected = {"Loss": "L = -Σ_k [t_k log ŷ_k", "Backward": "δ_j = f'(z_j) · Σ_k w_jk δ_k",
                "Update": "w_new = w - η·g"}[stage]
    assert expected in text
    if stage == "Update":
        trainer = at.session_state["trainer"]
        assert _last_value(text.splitlines()[-2]) == pytest.approx(trainer.network.weights[0][0, 0], rel=1e-3)


def test_check_the_gradients_reports_a_tiny_error_in_e_notation(at):
    at.button(key="step_check_button").click()
    _run(at)
    shown = " ".join(m.value for m in at.markdown)
    found = re.search(r"max relative error (\d\.\de[+-]\d\d)\*\* over all 25 parameters", shown)
    assert found, shown
    assert float(found.group(1)) < 1e-6
    assert any("nudging each parameter" in c.value for c in at.caption)


def test_a_hand_edit_changes_the_loss_counter_and_can_be_undone(at):
    loss_before = at.metric[0].value
    at.number_input(key=STEP_EDIT_VALUE).set_value(2.5)
    at.button(key="step_edit_button").click()
    _run(at)
    trainer = at.session_state["trainer"]
    assert trainer.network.weights[0][0, 0] == 2.5
    assert at.metric[0].value != loss_before
    assert any("shared link does not carry hand edits" in c.value for c in at.caption)
    trainer.resume_from(1)
    _run(at)
    assert at.metric[0].value == loss_before


def test_a_choice_that_no_longer_exists_falls_back_with_a_note():
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state[STEP_SAMPLE] = 100_000
    at.session_state[STEP_NEURON] = "h5.1"
    _run(at)
    notes = " ".join(c.value for c in at.caption)
    assert "Sample 100000 no longer exists" in notes and "Neuron h5.1 no longer exists" in notes
    assert at.number_input(key=STEP_SAMPLE).value == 0 and at.selectbox(key=STEP_NEURON).value == "h1.1"


def test_health_is_shown(at):
    shown = " ".join(m.value for m in at.markdown)
    assert "**Health**" in shown and "No dead, saturated or flat neurons" in shown
    assert any("log scale" in c.value for c in at.caption)


@pytest.mark.parametrize("name", ["blog iris", "diabetes regression", "10 x 64"])
def test_every_stage_and_the_check_work_for_the_issue_set_ups(name):
    config = {"blog iris": PRESETS["blog_iris"].config, "diabetes regression": Config(dataset="diabetes"),
              "10 x 64": Config(hidden_layers=(64,) * 10)}[name]
    at = AppTest.from_function(_page, default_timeout=60)
    at.session_state["config"] = config
    _run(at)
    at.selectbox(key=STEP_NEURON).set_value(at.selectbox(key=STEP_NEURON).options[-1])   # an output neuron
    for stage in ("Forward", "Loss", "Backward", "Update"):
        at.segmented_control(key=STEP_STAGE).set_value(stage)
        _run(at)
        assert at.code[0].value
    if name == "blog iris":
        at.segmented_control(key=STEP_STAGE).set_value("Loss")
        _run(at)
        assert at.code[0].value.startswith("One-vs-all: 2 outputs for 3 classes; virginica (the last)")
    if name == "10 x 64":
        at.selectbox(key=STEP_NEURON).set_value("h5.7")
        at.segmented_control(key=STEP_STAGE).set_value("Forward")
        _run(at)
        assert "+ 48 more terms (together " in at.code[0].value
    at.button(key="step_check_button").click()
    _run(at)
    shown = " ".join(m.value for m in at.markdown)
    found = re.search(r"max relative error (\d\.\de[+-]\d\d)\*\*", shown)
    assert found and float(found.group(1)) < 1e-5, shown
