"""Every lesson's URL opens its page in a real browser, with its box and no error."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

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


@pytest.mark.parametrize(("opened", "lesson_name", "lands_on"), [("", "rnn_vs_lstm", "/recurrent"),
                                                                ("recurrent", "neuron", "/")])
def test_a_lesson_opened_on_the_other_page_moves_to_its_own(server_url, open_tab, opened, lesson_name, lands_on):
    lesson = LESSONS[lesson_name]
    tab = open_tab(f"{server_url}/{opened}?lesson={lesson_name}&present=1")
    tab.get_by_text(lesson.question).first.wait_for(timeout=60_000)
    wait_idle(tab, 90_000)
    url = urlparse(tab.url)
    query = parse_qs(url.query)
    assert url.path == lands_on and query["lesson"] == [lesson_name] and query["present"] == ["1"], tab.url
    assert tab.get_by_text(lesson.title).count() >= 1
    tab.context.close()
