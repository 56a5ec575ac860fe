"""The classroom options in headless Chromium: presenter view, the Share panel's QR code, keys.

The presenter view is opened with the browser asking for a dark theme: the page must still be
light, its counters at least 1.4 x the normal page's, and the core view within 1280 x 720.
The screenshot is kept as ``docs/images/presenter-1280x720.png``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from testkit.local_server import button, iteration, open_page, wait_for_iteration, wait_idle

pytestmark = pytest.mark.e2e

REGIONS_IMAGE = ".st-key-regions_chart .np-live-chart .heatmaplayer image"
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "presenter-1280x720.png"
STEP_TEXT_COLOUR = "(() => getComputedStyle(document.querySelector('.st-key-step button p')).color)()"
COUNTER_FONT = "() => parseFloat(getComputedStyle(document.querySelector('[data-testid=stMetricValue]')).fontSize)"


def test_the_presenter_view_is_light_large_and_fits_the_screen(browser, server_url):
    normal_context, normal, normal_errors = open_page(browser, server_url, scheme="dark", ready=REGIONS_IMAGE)
    present_context, present, present_errors = open_page(browser, f"{server_url}/?present=1", scheme="dark",
                                                         ready=REGIONS_IMAGE)
    try:
        normal_font, present_font = normal.evaluate(COUNTER_FONT), present.evaluate(COUNTER_FONT)
        assert present_font >= 1.4 * normal_font, (normal_font, present_font)
        background = present.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor")
        assert background == "rgb(255, 255, 255)"
        assert normal.evaluate("getComputedStyle(document.querySelector('.stApp')).backgroundColor") != background
        # The sidebar is folded and the core view needs no scrolling.
        present.wait_for_timeout(1_000)
        assert present.locator("[data-testid='stSidebar'][data-collapsed='true']").count() == 1
        assert present.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight") <= 720
        # The charts' text follows the light theme: dark axis labels on the regions chart.
        fill = present.evaluate("getComputedStyle(document.querySelector('.st-key-regions_chart .xtick text')).fill")
        assert fill == "rgb(0, 0, 0)", fill
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        present.screenshot(path=str(SCREENSHOT))
        # Step does nothing while playing, and looks it: grey, not the theme's black.
        assert present.evaluate(STEP_TEXT_COLOUR) == "rgb(0, 0, 0)"
        button(present, "Play").click()
        present.wait_for_function(f"{STEP_TEXT_COLOUR} === 'rgb(117, 117, 117)'", timeout=15_000)
        button(present, "Pause").click()
        assert not normal_errors and not present_errors, normal_errors + present_errors
    finally:
        normal_context.close()
        present_context.close()


def test_the_share_panel_draws_its_qr_code(browser, server_url):
    context, tab, errors = open_page(browser, server_url, ready=REGIONS_IMAGE)
    try:
        tab.get_by_text("Share this set-up").click()
        image = tab.locator("[data-testid='stSidebar'] [data-testid='stImage'] img")
        image.wait_for(timeout=10_000)
        tab.wait_for_function("(img) => img.complete && img.naturalWidth > 100", arg=image.element_handle())
        link = tab.locator("[data-testid='stSidebar'] [data-testid='stCode']").first.inner_text()
        assert link.startswith(server_url) and "learning_rate=" in link, link
        assert not errors, errors
    finally:
        context.close()


def test_space_plays_and_pauses_right_and_s_step_r_resets(browser, server_url):
    context, tab, errors = open_page(browser, server_url, ready=REGIONS_IMAGE)
    try:
        assert iteration(tab) == 0
        tab.keyboard.press("ArrowRight")
        wait_for_iteration(tab, lambda n: n == 1, what="→ should take one step")
        wait_idle(tab)
        tab.keyboard.press("s")
        wait_for_iteration(tab, lambda n: n == 2, what="S should take one step")
        wait_idle(tab)
        # Typing an "s" or an "r" into an input is typing, not a key for the page.
        seed = tab.locator(".st-key-w_seed input")
        seed.click()
        seed.press("s")
        seed.press("r")
        tab.wait_for_timeout(1_000)
        assert iteration(tab) == 2
        tab.evaluate("document.activeElement.blur()")        # focus off the input
        tab.keyboard.press("r")
        wait_for_iteration(tab, lambda n: n == 0, what="R should reset")
        wait_idle(tab, 90_000)      # R also asks Streamlit for a rerun: two runs back to back
        tab.keyboard.press("Space")
        tab.locator(".st-key-pause button", has_text="Pause").wait_for(timeout=15_000)
        playing = wait_for_iteration(tab, lambda n: n > 0, what="Space should play")
        tab.keyboard.press("Space")
        tab.locator(".st-key-play button", has_text="Play").wait_for(timeout=15_000)
        wait_idle(tab)
        stopped = iteration(tab)
        assert stopped >= playing
        tab.wait_for_timeout(1_500)
        assert iteration(tab) == stopped
        assert not errors, errors
    finally:
        context.close()
