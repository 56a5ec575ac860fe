"""A page's lesson: ``?lesson=NAME`` opens it, loads its set-up once, and the page draws its box.

The lesson is page-level state (``lesson`` is one of ``session.PAGE_PARAMETERS``): the settings
reader ignores it and ``sync_url`` keeps it, so a shared link reopens the lesson with the
settings it was shared with (the link's parameters apply on top of the lesson's set-up; a link
from the Lessons menu carries none). Its set-up goes through the page's own URL codec
(``lessons.lesson_config``), as a shared link would. A lesson of the other page opens that page
with it (the page-level parameters go along); an unknown lesson gives a notice and the plain page.
"""
from __future__ import annotations

import streamlit as st

from playground.lessons import LESSON_PARAMETER, LESSONS, Lesson, LessonError, differences, get_lesson, lesson_config
from playground.lessons.metrics import run_metrics
from playground.ui.lesson_box import lesson_box
from playground.ui.navigation import page_link, switch_to
from playground.ui.session import PAGE_PARAMETERS, PageSession


def _applied_key(session: PageSession) -> str:
    """The name of the lesson whose set-up this page loaded (so it is loaded once, not every run)."""
    return f"{session.prefix}lesson_applied"


def current_lesson(session: PageSession, page: str) -> Lesson | None:
    """The lesson the URL names for this page, its set-up loaded the first time; None for none."""
    name = st.query_params.get(LESSON_PARAMETER)
    if not name:
        st.session_state.pop(_applied_key(session), None)
        return None
    try:
        lesson = get_lesson(name)
    except LessonError as error:
        session.add_notice(f"{error} Showing the plain page.")
        del st.query_params[LESSON_PARAMETER]
        return None
    if lesson.page != page:
        switch_to(lesson.page, {name: st.query_params[name] for name in PAGE_PARAMETERS if name in st.query_params})
        session.add_notice(f"The lesson “{lesson.title}” is on the other page: open it from the Lessons menu.")
        del st.query_params[LESSON_PARAMETER]
        return None
    if st.session_state.get(_applied_key(session)) != lesson.name:
        # A shared link of a lesson carries the settings it was shared with: they apply on top.
        shared = {k: v for k, v in st.query_params.to_dict().items() if k not in PAGE_PARAMETERS}
        settings, notices = lesson_config(lesson, shared)
        for notice in notices:
            session.add_notice(notice)
        session.set_settings(settings)
        session.reset()
        st.session_state[_applied_key(session)] = lesson.name
    return lesson


def draw_lesson(lesson: Lesson, run, settings) -> None:
    """The lesson box for ``run`` (a trainer, or the lab's side-by-side result)."""
    lesson_box(lesson, run_metrics(run), bool(differences(lesson, settings)))


def lessons_menu() -> None:
    """The Lessons menu: every lesson, in order, each opening its page with its set-up."""
    with st.popover("Lessons", icon=":material/school:"):
        for lesson in LESSONS.values():
            page_link(lesson.page, lesson.title, {LESSON_PARAMETER: lesson.name})
