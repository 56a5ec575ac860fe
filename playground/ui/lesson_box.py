"""The lesson box beside the charts, and the Lessons menu.

The box walks one lesson as predict, observe, explain: the lesson's text and its prediction
question before training; once the run has shown what the lesson is about
(:func:`playground.lessons.run_finished`), the reveal with this run's numbers, while the
done-when checks are watched at every rerun. The visitor's prediction is kept in
``st.session_state`` under ``LESSON_ANSWER_PREFIX + lesson name``, so each lesson remembers its own.

The page decides what the box is given: the lesson (``?lesson=NAME``), the run's numbers
(:func:`playground.lessons.metrics.run_metrics`) and whether the current settings differ from
the lesson's (:func:`playground.lessons.differences`).
"""
from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from playground.lessons import Lesson, can_reveal, get_lesson, reveal_text, run_finished
from playground.ui.navigation import page_link

#: Session-state key prefix of the visitor's prediction for a lesson (the index of the chosen answer).
LESSON_ANSWER_PREFIX = "lesson_answer_"
#: Key of the box's container (a CSS hook for the presenter view).
LESSON_BOX_KEY = "lesson_box"


def answer_key(lesson: Lesson) -> str:
    return f"{LESSON_ANSWER_PREFIX}{lesson.name}"


def lesson_box(lesson: Lesson, metrics: Mapping[str, float], settings_differ: bool) -> None:
    """Draw the lesson box for a run whose numbers are ``metrics``.

    After the run has finished the reveal replaces the introduction (folded away), so that
    no more than about 120 words are on screen at once. When ``settings_differ`` the lesson
    stays open, the checks are still watched, and a note says the run is no longer the
    lesson's; the reveal, which explains the lesson's own set-up, waits for it.
    """
    finished = run_finished(lesson, metrics)
    with st.container(border=True, key=LESSON_BOX_KEY):
        st.markdown(f"**{lesson.title}**")
        if settings_differ:
            st.caption("Your settings now differ from the lesson's, so this run is not the lesson's own.")
            st.button("Start the lesson again", key="lesson_restart", on_click=_restart, args=(lesson,))
        if finished:
            with st.expander("The lesson"):
                st.markdown(lesson.text)
        else:
            st.markdown(lesson.text)
        answer = st.radio(lesson.question, options=range(len(lesson.choices)), index=None,
                          format_func=lesson.choices.__getitem__, key=answer_key(lesson), disabled=finished)
        if finished and not settings_differ:
            _reveal(lesson, metrics, answer)
        for check in lesson.done_when:
            icon = ":material/check_circle:" if check.met(metrics) else ":material/hourglass_empty:"
            st.markdown(f"{icon} {check.status(metrics)}")
        st.markdown(f"**Try next:** {lesson.try_next}")
        if lesson.next is not None:
            following = get_lesson(lesson.next)
            page_link(following.page, f"Next: {following.title}", {"lesson": following.name})


def _restart(lesson: Lesson) -> None:
    """Load the lesson's own set-up again: the page does so when no lesson is marked as loaded,
    from a URL that names the lesson and nothing else."""
    for key in [key for key in st.session_state if str(key).endswith("lesson_applied")]:
        del st.session_state[key]
    st.query_params.from_dict({"lesson": lesson.name})


def _reveal(lesson: Lesson, metrics: Mapping[str, float], answer: int | None) -> None:
    if not can_reveal(lesson, metrics):
        st.info("This run has not measured every number the lesson explains: do what its text asks "
                "to see what happened.")
        return
    if answer is not None:
        verdict = "That is what happened." if answer == lesson.answer else \
            f"What happened: “{lesson.choices[lesson.answer]}”."
        st.markdown(f"Your prediction: “{lesson.choices[answer]}”. {verdict}")
    st.success(reveal_text(lesson, metrics))
