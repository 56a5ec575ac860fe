"""Every lesson's URL opens its page in a real browser, with its box and no error."""
from __future__ import annotations

import pytest

from playground.lessons import LESSONS
from testkit.local_server import wait_idle

pytestmark = pytest.mark.e2e


def test_every_lesson_url_opens_without_errors(server_url, open_tab):
    tab = None
    for lesson in LESSONS.values():
        tab = open_tab(f"{server_url}/{lesson.page}?lesson={lesson.name}")
        wait_idle(tab, 90_000)
        tab.get_by_text(lesson.title).first.wait_for(timeout=30_000)
        tab.get_by_text(lesson.question).first.wait_for(timeout=30_000)
        assert tab.locator("[data-testid='stException']").count() == 0, lesson.name
        tab.context.close()
