"""The session layer both pages share: one trainer build per rerun, each page's own keys."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.training.trainer import Trainer

APP = Path(__file__).resolve().parents[2] / "app.py"


def test_a_rerun_that_changes_the_network_builds_the_trainer_once(monkeypatch):
    builds = []
    original = Trainer.__init__

    def counting(self, *args, **kwargs):
        builds.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(Trainer, "__init__", counting)
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert len(builds) == 1
    for field, value in (("hidden_activation", "relu"), ("seed", 3), ("features", ["x1", "x2", "x1^2"])):
        builds.clear()
        widget = next(w for w in (*at.selectbox, *at.number_input, *at.multiselect) if w.key == f"w_{field}")
        widget.set_value(value).run()
        assert not at.exception, at.exception
        assert len(builds) == 1, (field, len(builds))
    builds.clear()
    at.selectbox(key="w_optimizer").set_value("adam").run()       # a live setting: no new network
    assert builds == [] and at.session_state["trainer"].config.optimizer == "adam"


def test_the_two_pages_keep_their_own_settings_and_url_parameters():
    at = AppTest.from_file(str(APP), default_timeout=30)
    at.query_params = {"seed": "4", "rl_task": "sine", "lesson": "neuron"}
    at.run()
    assert not at.exception, at.exception
    assert at.session_state["settings"].seed == 4
    assert not at.warning, [w.value for w in at.warning]       # rl_ and page parameters are not unknown
    assert "rl_settings" not in at.session_state
