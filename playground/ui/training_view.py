"""What both pages' training views share: Play/Pause, the playing fragment, the counters.

Playing works the same way on every page: the training view is one ``st.fragment``;
Play and Pause set a session-state flag in a button callback (so a click acts exactly
once), and the fragment, when it sees that the flag no longer matches the way it was
created, asks for a full rerun, which re-creates it with (or without) ``run_every``.

A page that trains the next rerun's frames ahead (after sending this rerun's charts) does so
on a copy of its trainer (``train_ahead``); the next playing rerun adopts the copy
(``take_trained_ahead``). The visitor's trainer therefore never runs ahead of the counters
on screen, and Pause, which simply drops the copy, leaves exactly the state last shown.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

CSS = Path(__file__).resolve().parents[2] / "assets" / "style.css"


def apply_style() -> None:
    """The project's stylesheet (compact layout for projectors, no fading while playing)."""
    if CSS.exists():
        st.html(f"<style>{CSS.read_text(encoding='utf-8')}</style>")


def _set_playing(playing_key: str, playing: bool) -> None:
    st.session_state[playing_key] = playing


def play_pause_button(container, playing_key: str, key: str) -> None:
    """The Play / Pause button for the flag ``st.session_state[playing_key]``.

    A click sets the flag to what the button said (Pause -> not playing), never flips it. Play
    has the widget key ``key`` and Pause ``pause_key(key)``: a click that reached the server
    twice (a trigger sent again with a later rerun's request) then repeats what that button
    said, whereas with one key it ran the callback of the button drawn since, the other one.
    Space presses it (Streamlit's button shortcut).
    """
    playing = st.session_state.get(playing_key, False)
    container.button("Pause" if playing else "Play", icon=":material/pause:" if playing else ":material/play_arrow:",
                     key=pause_key(key) if playing else key, type="primary", width="stretch",
                     on_click=_set_playing, args=(playing_key, not playing), shortcut="Space")


def pause_key(play_key: str) -> str:
    """The Pause button's widget key for a Play button keyed ``play_key``."""
    return play_key.replace("play", "pause")


def run_fragment(body: Callable[[], None], playing_key: str, frame_seconds: float, *, can_play: bool = True) -> None:
    """Create the training fragment, rerunning every ``frame_seconds`` while playing."""
    playing = bool(st.session_state.get(playing_key, False)) and can_play
    st.session_state[f"{playing_key}_fragment"] = playing
    st.fragment(body, run_every=frame_seconds if playing else None)()


def follow_play_state(playing_key: str) -> None:
    """Call first in the fragment: a full rerun when Play, Pause or Reset changed the mode."""
    if bool(st.session_state.get(playing_key, False)) != st.session_state.get(f"{playing_key}_fragment"):
        st.rerun()


def stop_playing(playing_key: str) -> None:
    """Pause from inside the fragment (training diverged): a full rerun without run_every."""
    if st.session_state.get(playing_key, False):
        st.session_state[playing_key] = False
        st.rerun()


@dataclass(frozen=True)
class TrainedAhead:
    """Frames trained on a copy of the trainer after a playing rerun drew, for the next one.

    ``made_for`` is (live trainer, its iteration, config) when the copy was taken: the copy
    is adopted only if none of them has changed since (no Step, Reset or setting in between).
    """

    made_for: tuple
    trainer: Any
    frames: Any


def train_ahead(key: str, trainer, config, make_frames: Callable[[Any], Any]) -> TrainedAhead:
    """Run ``make_frames`` (which trains) on a copy of ``trainer`` and keep it under ``key``.

    The dataset is shared, not copied: training never writes to it. Copying the rest (network,
    optimizer, history, snapshots) costs under a millisecond for the default set-up.
    """
    trained = copy.deepcopy(trainer, {id(trainer.dataset): trainer.dataset})
    ahead = TrainedAhead((trainer, trainer.iteration, config), trained, make_frames(trained))
    st.session_state[key] = ahead
    return ahead


def take_trained_ahead(key: str, trainer, config, playing: bool) -> TrainedAhead | None:
    """The copy trained ahead for this state, if still playing; it is removed either way."""
    ahead = st.session_state.pop(key, None)
    if playing and ahead is not None and ahead.made_for == (trainer, trainer.iteration, config):
        return ahead
    return None


@dataclass(frozen=True)
class Counter:
    """One counter of the toolbar: its label, shown value, change since the last frame, help."""

    label: str
    value: str
    change: str | None = None
    help: str | None = None
    lower_is_better: bool = False


def counter_row(counters: list[Counter]) -> None:
    """The counters in one row; a falling loss and a rising accuracy show in green."""
    for column, counter in zip(st.columns(len(counters)), counters):
        colour = "off" if counter.change is None else "inverse" if counter.lower_is_better else "normal"
        column.metric(counter.label, counter.value, counter.change, delta_color=colour, help=counter.help)


#: From this size on a counter's number is written with 3 significant digits and an exponent
#: (an exploding loss would otherwise be written out in 30 digits).
LARGE = 1e4


def number_text(value: float, decimals: int, *, sign: bool = False) -> str:
    """``value`` with ``decimals`` decimals, or as ``5.47e+33`` once it reaches ``LARGE``."""
    plus = "+" if sign else ""
    return f"{value:{plus}.{decimals}f}" if abs(value) < LARGE else f"{value:{plus}.3g}"


def change_text(key: str, value: float, before: float) -> str:
    """The change of a counter since the last frame: percentage points for accuracies."""
    return f"{value - before:+.1%}" if "accuracy" in key else number_text(value - before, 4, sign=True)
