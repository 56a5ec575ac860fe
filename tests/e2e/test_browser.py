"""End to end: the real ``streamlit run app.py`` server in headless Chromium (Playwright).

Load the page, click Step and see the Iteration counter change; play for a few seconds
and see the counter rise while the decision regions are drawn (a screenshot of the chart
has TensorFlow Playground's orange and blue in it); pause and see the counter stop.

Without ``/usr/bin/chromium`` or the ``playwright`` package these tests skip, except
under ``CI=true``, where a missing browser is a failure.
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
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"
REGIONS = ".st-key-regions_chart .np-live-chart"
REGIONS_IMAGE = f"{REGIONS} .heatmaplayer image"
SCREENSHOTS = Path(tempfile.gettempdir()) / "neural-playground-e2e"


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the 'playwright' package is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    return None


def _require_browser() -> None:
    reason = _missing_browser()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


def _free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server_url():
    """``streamlit run app.py`` on a free loopback port; killed when the module's tests end."""
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


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, server_url):
    """A fresh browser session on the page, loaded and idle, charts drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.goto(server_url)
    tab.wait_for_selector(REGIONS_IMAGE, timeout=60_000)
    wait_idle(tab)
    yield tab
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def wait_idle(tab, timeout_ms: int = 30_000) -> None:
    tab.wait_for_selector(IDLE, timeout=timeout_ms)
    assert not tab.locator("[data-testid='stException']").count(), tab.locator(
        "[data-testid='stException']").first.inner_text()


def metric_text(tab, label: str) -> str:
    metric = tab.locator("[data-testid='stMetric']").filter(
        has=tab.locator("[data-testid='stMetricLabel']", has_text=re.compile(rf"^{re.escape(label)}$")))
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def iteration(tab) -> int:
    return int(metric_text(tab, "Iteration").replace(",", ""))


def wait_for_iteration(tab, predicate, timeout_s: float = 15) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            value = iteration(tab)
        except ValueError:          # between reruns the metric can be momentarily absent
            value = None
        if value is not None and predicate(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"the Iteration counter stayed at {value}")
        time.sleep(0.05)


def button(tab, name: str):
    """The button labelled ``name`` (an icon's ligature text may come before the label)."""
    return tab.get_by_role("button", name=re.compile(rf"(^|\s){re.escape(name)}$"))


def colour_summary(png: bytes) -> dict[str, float]:
    """Share of orange-ish and blue-ish pixels, and the number of distinct colours."""
    from PIL import Image

    pixels = np.asarray(Image.open(BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(int)
    red, green, blue = pixels.T
    # Tinted, not grey: even the pale shades of an unsure network are 20+ levels apart.
    orange = (red - blue > 15) & (red >= green)
    blueish = (blue - red > 15)
    return {"orange": float(orange.mean()), "blue": float(blueish.mean()),
            "distinct": len(np.unique(pixels, axis=0))}


def regions_chart_is_drawn(tab, name: str) -> dict[str, float]:
    chart = tab.locator(REGIONS)
    box = chart.bounding_box()
    assert box and box["width"] > 100 and box["height"] > 100, box
    png = chart.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    summary = colour_summary(png)
    assert summary["orange"] > 0.05 and summary["blue"] > 0.05 and summary["distinct"] > 200, summary
    return summary


# -- tests ----------------------------------------------------------------------------------------
def test_step_changes_the_iteration_counter(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert iteration(page) == 0
    regions_chart_is_drawn(page, "regions_at_start")
    drawn_before = int(page.locator(REGIONS).get_attribute("data-frames-drawn") or 0)

    button(page, "Step").click()

    assert wait_for_iteration(page, lambda n: n != 0) == 1
    wait_idle(page)
    assert iteration(page) == 1
    # The regions chart was updated in place with the new network.
    page.wait_for_function(
        f"(n) => Number(document.querySelector('{REGIONS}').dataset.framesDrawn) > n", arg=drawn_before,
        timeout=10_000)


def test_play_trains_and_draws_then_pause_stops(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    button(page, "Play").click()
    pause = button(page, "Pause")
    pause.wait_for(timeout=15_000)
    started = wait_for_iteration(page, lambda n: n > 0)
    drawn_start = int(page.locator(REGIONS).get_attribute("data-frames-drawn") or 0)

    page.wait_for_timeout(3_000)

    playing = iteration(page)
    assert playing > started, (started, playing)
    summary = regions_chart_is_drawn(page, "regions_while_playing")
    drawn_playing = int(page.locator(REGIONS).get_attribute("data-frames-drawn") or 0)
    assert drawn_playing - drawn_start >= 10, "the regions chart was not redrawn while playing"
    page.screenshot(path=str(SCREENSHOTS / "page_while_playing.png"))
    print(f"\nscreenshots in {SCREENSHOTS}; regions while playing: {summary}")

    pause.click()
    button(page, "Play").wait_for(timeout=15_000)
    wait_idle(page)
    stopped = iteration(page)
    assert stopped >= playing
    page.wait_for_timeout(1_500)
    assert iteration(page) == stopped
    assert button(page, "Step").is_enabled()
