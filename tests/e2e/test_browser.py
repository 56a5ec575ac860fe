"""End to end: the real ``streamlit run app.py`` server in headless Chromium (Playwright).

Load the page, click Step and see the Iteration counter change; play for a few seconds
and see the counter rise while the decision regions are drawn (a screenshot of the chart
has TensorFlow Playground's orange and blue in it); pause and see the counter stop.

Without ``/usr/bin/chromium`` or the ``playwright`` package these tests skip, except
under ``CI=true``, where a missing browser is a failure.
"""
from __future__ import annotations

import tempfile
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from testkit.local_server import button, iteration, wait_for_iteration, wait_idle

pytestmark = pytest.mark.e2e

REGIONS = ".st-key-regions_chart .np-live-chart"
POINTS = ".st-key-regions_chart .np-live-chart-overlay"
REGIONS_IMAGE = f"{REGIONS} .heatmaplayer image"
SCREENSHOTS = Path(tempfile.gettempdir()) / "neural-playground-e2e"


@pytest.fixture
def page(open_tab, server_url):
    """A fresh browser session on the page, loaded and idle, charts drawn."""
    tab = open_tab(server_url)
    tab.wait_for_selector(REGIONS_IMAGE, timeout=60_000)
    wait_idle(tab)
    return tab


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

    # A loaded machine can take longer than 3 s for the next rerun: wait for it, up to 15 s.
    wait_for_iteration(page, lambda n: n > started)
    summary = regions_chart_is_drawn(page, "regions_while_playing")
    drawn_playing = int(page.locator(REGIONS).get_attribute("data-frames-drawn") or 0)
    assert drawn_playing - drawn_start >= 10, "the regions chart was not redrawn while playing"
    page.screenshot(path=str(SCREENSHOTS / "page_while_playing.png"))
    print(f"\nscreenshots in {SCREENSHOTS}; regions while playing: {summary}")

    # Pause means pause: the counter read as soon as Play is back never moves again. (Frames
    # already trained, in reruns that started before the click reached the server, may still be
    # shown before Play comes back: under load the browser can be a rerun or two behind.)
    shown_at_click = iteration(page)
    pause.click()
    button(page, "Play").wait_for(timeout=15_000)
    stopped = iteration(page)
    assert stopped >= shown_at_click
    for _ in range(20):
        page.wait_for_timeout(100)
        assert iteration(page) == stopped, "training landed after Pause"
    wait_idle(page)
    assert iteration(page) == stopped
    assert button(page, "Step").is_enabled()
    assert button(page, "Play").is_visible()


# Where each chart's plot area is on the page (plotly.js's own axis offsets and lengths, in
# px from the chart's corner, plus the chart's corner), and how many points each trace has.
PLOT_AREA = """
(selector) => {
  const div = document.querySelector(selector);
  const box = div.getBoundingClientRect();
  const {xaxis, yaxis} = div._fullLayout;
  return {left: box.left + xaxis._offset, width: xaxis._length, top: box.top + yaxis._offset,
          height: yaxis._length, points: div._fullData.map(trace => (trace.x ? trace.x.length : 0))};
}
"""


@pytest.mark.parametrize("query, n_points", [("", 250), ("?dataset=iris&show_test=true", 150)])
def test_the_data_points_lie_exactly_on_the_decision_regions(open_tab, server_url, query, n_points):
    """The points are an overlay chart, drawn once, over the regions frames: same plot area
    (to a pixel), every training point (and test point when shown) in it, none in the frames."""
    tab = open_tab(server_url + query)
    tab.wait_for_selector(REGIONS_IMAGE, timeout=60_000)
    tab.wait_for_selector(f"{POINTS} .gl-container canvas, {POINTS} canvas", state="attached", timeout=30_000)
    wait_idle(tab)
    regions, points = tab.evaluate(PLOT_AREA, REGIONS), tab.evaluate(PLOT_AREA, POINTS)
    for side in ("left", "width", "top", "height"):
        assert abs(regions[side] - points[side]) < 1, (side, regions, points)
    assert regions["points"] == [100]                     # the heatmap's columns only
    assert sum(points["points"]) == n_points, points
    assert len(points["points"]) == (2 if "show_test" in query else 1)
