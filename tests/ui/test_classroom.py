"""The classroom options through AppTest on the real ``app.py``: presenter view, hide=, Share."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from playground.ui.classroom import PUBLIC_URL_VARIABLE
from testkit.app_test import open_app

TOP_BAR_KEYS = ("w_learning_rate", "w_hidden_activation", "w_regularization", "w_regularization_rate")


def keys_in(elements) -> set[str]:
    return {element.key for element in elements if element.key}


def widget_keys(at: AppTest, where=None) -> set[str]:
    where = at if where is None else where
    return set().union(*(keys_in(kind) for kind in (where.slider, where.select_slider, where.selectbox,
                                                       where.number_input, where.multiselect, where.toggle,
                                                       where.checkbox, where.radio)))


def styles(at: AppTest) -> str:
    """Every ``st.html`` body of the run (a style-only one goes to Streamlit's event container)."""
    return "\n".join(element.proto.body for element in at.get("html"))


def test_the_normal_page_has_the_lesson_settings_above_the_charts_and_not_in_the_sidebar():
    at = open_app()
    main, side = widget_keys(at, at.main), widget_keys(at, at.sidebar)
    assert set(TOP_BAR_KEYS) <= main
    assert not set(TOP_BAR_KEYS) & side
    assert {"w_dataset", "w_optimizer", "w_output"} <= side
    assert at.toggle(key="presenter_view").value is False
    assert "2.5rem" not in styles(at)


def test_present_1_gives_the_presenter_view_with_only_the_core_view():
    normal, present = open_app(), open_app({"present": "1"})
    assert "2.5rem" in styles(present) and "#ffffff" in styles(present)
    assert present.toggle(key="presenter_view").value is True
    # The view options, rewind and downloads are left out; the toolbar and counters stay.
    assert "w_discretize" in widget_keys(normal) and "w_discretize" not in widget_keys(present)
    assert len(present.main.get("download_button")) == 0 < len(normal.main.get("download_button"))
    assert [m.label for m in present.metric] == [m.label for m in normal.metric]
    # The top bar's knobs move to the folded sidebar.
    assert set(TOP_BAR_KEYS) <= widget_keys(present, present.sidebar)
    assert present.query_params.get("present") in ("1", ["1"])      # sync_url keeps it
    assert not present.warning


def test_the_presenter_toggle_writes_the_url_and_turns_the_view_on_and_off():
    at = open_app()
    at.toggle(key="presenter_view").set_value(True).run()
    assert at.query_params.get("present") in ("1", ["1"]) and "2.5rem" in styles(at)
    at.toggle(key="presenter_view").set_value(False).run()
    assert "present" not in at.query_params and "2.5rem" not in styles(at)


def test_hide_leaves_out_the_named_control_groups():
    at = open_app({"hide": "data,training"})
    side = widget_keys(at, at.sidebar)
    assert "w_dataset" not in side and "w_optimizer" not in side and "w_batch_size" not in side
    assert "w_output" in side                                   # the network group stays
    assert "w_hidden_activation" in widget_keys(at, at.main)
    assert "w_learning_rate" not in widget_keys(at) and "w_regularization" not in widget_keys(at)
    assert "preset_choice" not in widget_keys(at)               # a preset would replace the hidden groups
    assert not at.warning
    at = open_app({"hide": "network"})
    assert "w_hidden_activation" not in widget_keys(at) and "w_output" not in widget_keys(at)
    assert not [b for b in at.button if b.key == "layers_plus"]
    assert "w_learning_rate" in widget_keys(at)


@pytest.mark.parametrize("value", ["data,colours", "everything"])
def test_an_unknown_hide_value_gives_a_notice_and_the_plain_page(value):
    at = open_app({"hide": value})
    assert any("not understood" in w.value and "data, network, training" in w.value for w in at.warning)
    assert widget_keys(at) == widget_keys(open_app())
    at.button(key="step").click().run()          # said once, not on every rerun
    assert not at.warning


def test_a_present_value_that_is_not_understood_says_so():
    at = open_app({"present": "maybe"})
    assert any("present=1" in w.value for w in at.warning)
    assert "2.5rem" not in styles(at)


def test_the_share_panel_shows_the_link_with_the_settings_and_its_qr_code(monkeypatch):
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, "https://class.example.org/np/")
    at = open_app({"learning_rate": "0.3", "hide": "data", "present": "1"})
    link = next(code.value for code in at.sidebar.code if code.value.startswith("https://"))
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "class.example.org", "/np/playground")
    query = {name: values[0] for name, values in parse_qs(parts.query, keep_blank_values=True).items()}
    settings = at.session_state["settings"]
    assert query.pop("hide") == "data" and "present" not in query
    assert query == settings.to_query() and query["learning_rate"] == "0.3"
    images = at.sidebar.get("image")
    assert len(images) == 1


def test_without_a_known_address_the_share_panel_gives_the_query_string():
    at = open_app({"learning_rate": "0.3"})
    codes = [code.value for code in at.sidebar.code]
    assert any(code.startswith("?") and "learning_rate=0.3" in code for code in codes)
    assert PUBLIC_URL_VARIABLE in " ".join(c.value for c in at.sidebar.caption)
