"""End to end: the recurrent lab in the real ``streamlit run app.py`` server, in headless Chromium.

Open the lab at its URL path (``/recurrent``, as ``app.py``'s ``st.Page`` names it), wait for
its charts, click Step and see the Iteration counter go from 0 to 1, and save a screenshot.

Without ``/usr/bin/chromium`` or the ``playwright`` package this test skips, except under
``CI=true``, where a missing browser is a failure.
"""
from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"
STATES_CHART = ".st-key-rl_states_chart .np-live-chart .main-svg"
SCREENSHOTS = Path(tempfile.gettempdir()) / "neural-playground-e2e"


def _require_browser() -> None:
    """Skip (or fail under CI=true) when the browser cannot run here."""
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the 'playwright' package is not installed (pip install playwright)"
    if reason is None and not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser test cannot run: {reason}")
    pytest.skip(f"browser test skipped: {reason}")


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    """``streamlit run app.py`` on a free loopback port, stopped when the module's tests end."""
    _require_browser()
    port = _free_port()
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                pytest.fail(f"streamlit did not start:\n{log.read().decode(errors='replace')[-3000:]}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _iteration(tab) -> int:
    metric = tab.locator("[data-testid='stMetric']").filter(
        has=tab.locator("[data-testid='stMetricLabel']", has_text=re.compile(r"^Iteration$")))
    return int(metric.locator("[data-testid='stMetricValue']").inner_text().strip().replace(",", ""))


def _wait_idle(tab) -> None:
    tab.wait_for_selector(IDLE, timeout=60_000)
    exceptions = tab.locator("[data-testid='stException']")
    assert not exceptions.count(), exceptions.first.inner_text()


def test_the_lab_opens_at_its_url_and_step_advances_the_counter(server_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            tab = browser.new_page(viewport={"width": 1280, "height": 720})
            errors: list[str] = []
            tab.on("pageerror", lambda error: errors.append(str(error)))
            tab.goto(f"{server_url}/recurrent")
            tab.wait_for_selector(STATES_CHART, timeout=60_000)      # the live charts are drawn
            _wait_idle(tab)
            assert tab.get_by_role("link", name=re.compile("Recurrent lab")).count()
            assert _iteration(tab) == 0

            tab.get_by_role("button", name="Step", exact=True).click()
            deadline = time.monotonic() + 30
            while _iteration(tab) != 1:
                assert time.monotonic() < deadline, f"Iteration still {_iteration(tab)} after clicking Step"
                time.sleep(0.2)
            _wait_idle(tab)
            assert _iteration(tab) == 1
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            tab.screenshot(path=str(SCREENSHOTS / "recurrent-after-step.png"))
            assert not errors, f"JavaScript errors in the page: {errors}"
        finally:
            browser.close()
