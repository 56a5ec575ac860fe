"""Every knob of both pages and the widget it gets: the widget's choices and limits are the knob's,
so no widget can disagree with what a link may carry."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from playground.training.config import Config
from playground.training.recurrent_settings import RecurrentSettings
from playground.training.settings import CHOICE, FLAG, ITEMS, NUMBER, WHOLE
from playground.ui.session import WIDGETS, widget_arguments

APP = Path(__file__).resolve().parents[2] / "app.py"
ALL_KNOBS = [(Config, knob) for knob in Config.KNOBS] + [(RecurrentSettings, knob) for knob in RecurrentSettings.KNOBS]
#: Knobs with a control of their page's own, and where that control takes its limits from.
OWN_CONTROLS = {"data_seed": "Regenerate adds 1", "hidden_layers": "the +/- buttons use the knob's limits",
                "layer_activations": "one select per layer from the knob's options"}


def _extremes(settings_type, knob):
    """Allowed values at the edges of the knob's range, as settings."""
    base = settings_type()
    if knob.kind in (WHOLE, NUMBER):
        low, high = base.bounds(knob)
        return [replace(base, **{knob.name: value}).validate() for value in (low, high)]
    if knob.kind == CHOICE:
        return [base.with_changes(**{knob.name: option}) for option in knob.options]
    if knob.kind == FLAG:
        return [replace(base, **{knob.name: value}) for value in (False, True)]
    return [base]


@pytest.mark.parametrize("settings_type, knob", ALL_KNOBS, ids=lambda v: getattr(v, "name", getattr(v, "__name__", "")))
def test_the_widget_of_every_knob_can_show_every_value_the_knob_allows(settings_type, knob):
    if not knob.widget:
        assert knob.name in OWN_CONTROLS, f"{knob.name} has no widget and no control of its own"
        return
    assert knob.widget in WIDGETS
    for settings in _extremes(settings_type, knob):
        value = getattr(settings, knob.name)
        arguments = widget_arguments(settings, knob)
        if knob.widget in ("select", "radio"):
            assert value in arguments["options"]
            if knob.kind == CHOICE:
                assert set(arguments["options"]) == set(knob.options)
        elif knob.widget == "multiselect":
            assert knob.kind == ITEMS and arguments["options"] == list(knob.options)
        elif knob.widget == "select_slider":
            assert value in arguments["options"]
            for option in arguments["options"]:
                knob.check(option, settings.bounds(knob))
        elif knob.widget in ("slider", "number"):
            low, high = settings.bounds(knob)
            assert (arguments["min_value"], arguments["max_value"]) == (low, high)
            assert arguments["min_value"] <= value <= arguments["max_value"]
        else:
            assert arguments == {} and knob.kind == FLAG


def test_a_narrowed_choice_still_offers_the_current_value():
    config = Config().with_changes(output="softmax")
    assert widget_arguments(config, Config.knob("output"), options=["auto", "linear"])["options"] == \
        ["auto", "linear", "softmax"]


@pytest.mark.parametrize("query, key, shown", [
    ({"optimizer": "momentum", "momentum": "0.999"}, "w_momentum", 0.999),
    ({"optimizer": "adam", "beta1": "0.999", "beta2": "0.5"}, "w_beta2", 0.5),
    ({"optimizer": "rmsprop", "decay": "0.42"}, "w_decay", 0.42),
    ({"learning_rate": "0.005"}, "w_learning_rate", 0.005),
    ({"noise": "7"}, "w_noise", 7),
    ({"dropout": "0.33"}, "w_dropout", 0.33),
    ({"speed": "3"}, "w_speed", 3),
])
def test_a_link_value_off_the_widgets_steps_is_shown_as_it_is(query, key, shown):
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params = query
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    widgets = [w for w in (*at.select_slider, *at.slider, *at.number_input) if w.key == key]
    assert len(widgets) == 1, key
    assert widgets[0].value == pytest.approx(shown)


def _lab() -> None:
    from playground.ui.recurrent_page import page

    page()


def test_every_lab_knob_gets_its_widget_and_a_long_sequence_fits_the_slider():
    at = AppTest.from_function(_lab, default_timeout=60)
    at.query_params = {"rl_task": "sine", "rl_length": "400", "rl_truncation": "350"}
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]
    keys = {w.key for w in (*at.selectbox, *at.radio, *at.slider, *at.select_slider, *at.number_input)}
    assert {f"rl_w_{knob.name}" for knob in RecurrentSettings.KNOBS} <= keys
    length = next(w for w in at.slider if w.key == "rl_w_length")
    assert length.value == 400 and length.max == 500
    truncation = next(w for w in at.slider if w.key == "rl_w_truncation")
    assert truncation.value == 350 and truncation.max == 400
