"""The confusion matrix under the playground's charts (classification only).

It is redrawn on every rerun while paused and at most once every ``PLAYING_EVERY_SECONDS``
while playing: a matrix that changed many times a second could not be read, and counting
every point's class costs a playing frame as much as a picture does.
"""
from __future__ import annotations

import time

import streamlit as st

from playground.training.evaluation import SPLITS, confusion_matrix
from playground.ui.live_chart import live_chart
from playground.viz.confusion import confusion_alt_text, confusion_frame

PLAYING_EVERY_SECONDS = 1.0
HEIGHT = 300
SPLIT = "confusion_split"
#: The last matrix drawn: (monotonic time, trainer, iteration, split, counts).
SHOWN = "confusion_shown"


def _counts(trainer, split: str, playing: bool):
    shown = st.session_state.get(SHOWN)
    # While playing, each rerun's trainer is the copy trained ahead: throttle by time alone.
    if playing and shown is not None and shown[3] == split and time.monotonic() - shown[0] < PLAYING_EVERY_SECONDS:
        return shown[4]
    if shown is not None and shown[1] is trainer and shown[2] == trainer.iteration and shown[3] == split:
        return shown[4]
    counts = confusion_matrix(trainer, split)
    st.session_state[SHOWN] = (time.monotonic(), trainer, trainer.iteration, split, counts)
    return counts


def confusion_view(trainer, playing: bool) -> None:
    """An expander with the confusion matrix of the training or the test data."""
    if trainer.task != "classification":
        return
    with st.expander("Confusion matrix: which classes the network mixes up"):
        split = st.segmented_control("Data", SPLITS, default="test", key=SPLIT, format_func=str.capitalize,
                                     label_visibility="collapsed") or "test"
        counts = _counts(trainer, split, playing)
        names = trainer.dataset.class_names
        chart, words = st.columns([1.3, 1], gap="medium")
        with chart:
            live_chart([confusion_frame(counts, names, split, height=HEIGHT)], key="confusion_chart", height=HEIGHT,
                       alt=confusion_alt_text(counts, names, split))
        words.caption("Rows are the true classes, columns what the network predicts: the diagonal counts the "
                      "points it gets right. Hover a cell for its share of the row. "
                      + ("While playing it is redrawn once a second." if playing else ""))
