"""End to end: the recurrent lab in the real ``streamlit run app.py`` server, in headless Chromium.

Open the lab at its URL path (``/recurrent``, as ``app.py``'s ``st.Page`` names it), wait for
its charts, click Step and see the Iteration counter go from 0 to 1, and save a screenshot.

Without ``/usr/bin/chromium`` or the ``playwright`` package this test skips, except under
``CI=true``, where a missing browser is a failure.
"""
from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import pytest

from testkit.local_server import button, iteration, wait_idle

pytestmark = pytest.mark.e2e

STATES_CHART = ".st-key-rl_states_chart .np-live-chart .main-svg"
SCREENSHOTS = Path(tempfile.gettempdir()) / "neural-playground-e2e"


def test_the_lab_opens_at_its_url_and_step_advances_the_counter(open_tab, server_url):
    tab = open_tab(f"{server_url}/recurrent")
    tab.wait_for_selector(STATES_CHART, timeout=60_000)      # the live charts are drawn
    wait_idle(tab)
    assert tab.get_by_role("link", name=re.compile("Recurrent lab")).count()
    assert iteration(tab) == 0

    button(tab, "Step").click()
    deadline = time.monotonic() + 30
    while iteration(tab) != 1:
        assert time.monotonic() < deadline, f"Iteration still {iteration(tab)} after clicking Step"
        time.sleep(0.2)
    wait_idle(tab)
    assert iteration(tab) == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / "recurrent-after-step.png"))
