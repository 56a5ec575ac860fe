"""The first view's layout in headless Chromium: a 1280 x 720 projector (light and dark) and a phone.

* Nothing covers the toolbar, with the sidebar open or folded: the element at each corner of
  Play (2 px inside) is Play itself, and so is the top bar's first label.
* The learning curves' plot areas are at least 200 px tall, and the diagram, the regions and
  the curves end within the 720 px screen.
* Change badges and notices do not move the charts.
* On a 390 x 844 phone the sidebar starts folded, Play is not covered, nothing scrolls
  sideways, and the decision regions come before the curves and the diagram.

Screenshots are kept in ``docs/images`` (first-view-1280x720.png, first-view-collapsed-1280x720.png,
phone-390x844.png).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from testkit.local_server import button, iteration, open_page, wait_idle

pytestmark = pytest.mark.e2e

REGIONS_IMAGE = ".st-key-regions_chart .np-live-chart .heatmaplayer image"
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
CHARTS = (".st-key-network_chart", ".st-key-regions_chart", ".st-key-curves_chart")

#: The element found at each corner of ``selector``'s box, 2 px inside: is it within the widget's own
#: element (``.st-key-...``)? Its rounded corner leaves the button's wrapper showing at that point.
CORNERS_UNCOVERED = """(selector) => {
  const box = document.querySelector(selector).getBoundingClientRect();
  const target = document.querySelector(selector).closest('[class*="st-key-"]');
  return [[box.left + 2, box.top + 2], [box.right - 2, box.top + 2], [box.left + 2, box.bottom - 2],
          [box.right - 2, box.bottom - 2]].map(([x, y]) => {
    const found = document.elementFromPoint(x, y);
    return found !== null && (found === target || target.contains(found));
  });
}"""
BOX = """(selector) => { const b = document.querySelector(selector).getBoundingClientRect();
  return {x: b.x, y: b.y, width: b.width, height: b.height}; }"""
PLOT_HEIGHTS = "() => [...document.querySelectorAll('.st-key-curves_chart .nsewdrag')]" \
               ".map(e => e.getBoundingClientRect().height)"


def fold_sidebar(tab) -> None:
    """Press the sidebar's own fold arrow (it shows when the pointer is over the sidebar)."""
    tab.locator("[data-testid='stSidebar']").hover()
    tab.locator("[data-testid='stSidebarCollapseButton'] button").click()
    tab.wait_for_selector("[data-testid='stSidebar'][data-collapsed='true']", state="attached")
    tab.wait_for_timeout(600)       # the sidebar slides away


def chart_boxes(tab) -> dict[str, dict]:
    return {selector: tab.evaluate(BOX, selector) for selector in CHARTS}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_nothing_covers_the_toolbar_and_the_core_view_fits_1280_by_720(browser, server_url, scheme):
    context, tab, errors = open_page(browser, server_url, scheme=scheme, ready=REGIONS_IMAGE)
    try:
        for folded in (False, True):
            if folded:
                fold_sidebar(tab)
            for selector in (".st-key-play button", ".st-key-w_speed label", ".st-key-w_learning_rate label"):
                assert all(tab.evaluate(CORNERS_UNCOVERED, selector)), (selector, folded)
            heights = tab.evaluate(PLOT_HEIGHTS)
            assert len(heights) == 2 and min(heights) >= 200, heights
            for selector, box in chart_boxes(tab).items():
                assert box["y"] + box["height"] <= 720, (selector, box, folded)
            if scheme == "light":
                name = "first-view-collapsed-1280x720.png" if folded else "first-view-1280x720.png"
                tab.screenshot(path=str(IMAGES / name))
        assert not errors, errors
    finally:
        context.close()


def test_badges_and_notices_do_not_move_the_charts(browser, server_url):
    plain_context, plain, plain_errors = open_page(browser, server_url, ready=REGIONS_IMAGE)
    noticed_context, noticed, noticed_errors = open_page(browser, f"{server_url}/?speed=1e9", ready=REGIONS_IMAGE)
    try:
        # A link with a speed that is not a whole number gives a notice ...
        assert noticed.locator("[data-testid='stAlert']", has_text="speed").count() == 1
        assert plain.locator("[data-testid='stAlert']").count() == 0
        before = chart_boxes(plain)
        assert chart_boxes(noticed) == before
        # ... and a step gives the counters their change badges.
        assert plain.locator("[data-testid='stMetricDelta']").count() == 0
        counter_height = plain.evaluate(BOX, "[data-testid='stMetric']")["height"]
        button(plain, "Step").click()
        plain.wait_for_function("() => document.querySelectorAll('[data-testid=stMetricDelta]').length >= 4")
        wait_idle(plain)
        assert iteration(plain) == 1
        assert chart_boxes(plain) == before
        assert plain.evaluate(BOX, "[data-testid='stMetric']")["height"] == counter_height
        assert not plain_errors and not noticed_errors, plain_errors + noticed_errors
    finally:
        plain_context.close()
        noticed_context.close()


def test_a_phone_gets_a_folded_sidebar_and_no_sideways_scrolling(browser, server_url):
    context, tab, errors = open_page(browser, server_url, width=390, height=844, ready=REGIONS_IMAGE)
    try:
        tab.wait_for_timeout(600)
        assert tab.locator("[data-testid='stSidebar'][data-collapsed='true']").count() == 1
        assert all(tab.evaluate(CORNERS_UNCOVERED, ".st-key-play button"))
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        assert tab.evaluate("document.querySelector('[data-testid=stMain]').scrollWidth") <= 390
        # The toolbar's four buttons share one row; the counters sit three a row.
        bottoms = [box["y"] + box["height"] for box in
                   (tab.evaluate(BOX, f".st-key-{key}") for key in ("play", "step", "step_epoch", "reset"))]
        assert max(bottoms) - min(bottoms) < 10, bottoms
        counter_rows = {round(box["y"]) for box in tab.locator("[data-testid='stMetric']").evaluate_all(
            "(elements) => elements.map(e => e.getBoundingClientRect())")}
        assert len(counter_rows) == 2, counter_rows
        boxes = chart_boxes(tab)
        regions, curves, diagram = (boxes[selector] for selector in
                                    (".st-key-regions_chart", ".st-key-curves_chart", ".st-key-network_chart"))
        assert regions["y"] < curves["y"] < diagram["y"], boxes
        assert all(box["width"] >= 390 - 40 for box in boxes.values()), boxes
        tab.screenshot(path=str(IMAGES / "phone-390x844.png"))
        assert not errors, errors
    finally:
        context.close()
