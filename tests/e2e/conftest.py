"""Browser-test fixtures: the real server and headless Chromium.

Without ``/usr/bin/chromium`` or the ``playwright`` package the browser tests skip, saying
why, except under ``CI=true``, where a missing browser is a failure.
"""
from __future__ import annotations

import os

import pytest

from testkit.local_server import CHROMIUM, CHROMIUM_ARGS, running_streamlit


def _missing_browser() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the 'playwright' package is not installed (pip install playwright)"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
    return None


def require_browser() -> None:
    reason = _missing_browser()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but the browser tests cannot run: {reason}")
    pytest.skip(f"browser tests skipped: {reason}")


@pytest.fixture(scope="module")
def server_url():
    """``streamlit run app.py`` on a free loopback port, stopped when the module's tests end."""
    require_browser()
    try:
        with running_streamlit("app.py") as url:
            yield url
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_tab(browser):
    """Open a path of the server in a fresh 1280 x 720 browser session; no page errors allowed."""
    contexts, errors = [], []

    def open_path(url: str):
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        contexts.append(context)
        tab = context.new_page()
        tab.on("pageerror", lambda error: errors.append(str(error)))
        tab.goto(url)
        return tab

    yield open_path
    for context in contexts:
        context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"
