"""One visitor's state on one page: the settings, the trainer built from them, notices, the URL.

Both pages use the same layer: a :class:`PageSession` for a settings type
(:class:`playground.training.settings.Settings`) and a key prefix. Everything lives in
``st.session_state`` (one per browser session), under the page's prefix, so nothing mutable
is ever shared between visitors and the two pages never meet. Widgets are built from the
settings' knobs (``bind``) and write the settings in ``on_change`` callbacks, never while
the page draws; the trainer is rebuilt when a rebuild knob changed (or on Reset) and
updated in place otherwise.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import streamlit as st

from playground.training.config import Config
from playground.training.recurrent_settings import RecurrentSettings
from playground.training.settings import ITEMS, NUMBER, WHOLE, Knob, Settings

S = TypeVar("S", bound=Settings)
T = TypeVar("T")

#: URL parameters that belong to a page as a whole rather than to its settings.
PAGE_PARAMETERS = ("lesson", "present", "hide")

#: The Streamlit widget for each kind a knob asks for (``Knob.widget``).
WIDGETS: dict[str, Callable[..., Any]] = {
    "select": st.selectbox, "radio": st.radio, "slider": st.slider, "select_slider": st.select_slider,
    "number": st.number_input, "toggle": st.toggle, "checkbox": st.checkbox, "multiselect": st.multiselect,
}


def widget_arguments(settings: Settings, knob: Knob, options: Sequence | None = None) -> dict[str, Any]:
    """The choices or limits of ``knob``'s widget in this set-up, all taken from the knob.

    ``options`` narrows a choice to what fits the data (output heads, input columns); the
    current value is always among the choices, so a link's value can always be shown.
    """
    current = getattr(settings, knob.name)
    if knob.widget in ("select", "radio"):
        offered = list(knob.options) if options is None else list(options)
        return {"options": offered if current in offered else [*offered, current]}
    if knob.widget == "multiselect":
        return {"options": list(knob.options)}
    if knob.widget == "select_slider":
        low, high = settings.bounds(knob)
        return {"options": sorted({*(v for v in knob.offered if low <= v <= high), current})}
    if knob.widget in ("slider", "number"):
        low, high = settings.bounds(knob)
        cast = int if knob.kind == WHOLE else float
        step = knob.step if knob.step is not None else (1 if knob.kind == WHOLE else None)
        limits = {"min_value": cast(low), "max_value": cast(high)}
        return limits if step is None else {**limits, "step": cast(step)}
    return {}


def _widget_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _from_widget(knob: Knob, value: Any) -> Any:
    """A widget's value as the settings hold it (lists -> tuples, whole floats -> ints)."""
    if knob.kind == ITEMS:
        return tuple(value)
    if knob.kind == WHOLE and isinstance(value, float) and value.is_integer():
        return int(value)
    if knob.kind == NUMBER and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


class PageSession(Generic[S]):
    """The session layer of one page: settings of type ``settings_type`` under ``prefix``.

    Keys in ``st.session_state``: ``{prefix}settings``, ``{prefix}trainer``, ``{prefix}playing``,
    ``{prefix}notices``, ``{prefix}build_error``, ``{prefix}rebuild``,
    ``{prefix}previous_metrics`` and one ``{prefix}w_<field>`` per bound widget.
    """

    def __init__(self, settings_type: type[S], prefix: str):
        self.settings_type = settings_type
        self.prefix = prefix
        self.settings_key = f"{prefix}settings"
        self.trainer_key = f"{prefix}trainer"
        self.playing_key = f"{prefix}playing"
        self.notices_key = f"{prefix}notices"
        self.build_error_key = f"{prefix}build_error"
        self.rebuild_key = f"{prefix}rebuild"
        self.previous_metrics_key = f"{prefix}previous_metrics"

    # -- settings -------------------------------------------------------------------------------
    def settings(self) -> S:
        """The visitor's settings, read from the URL on their first run on this page."""
        if self.settings_key not in st.session_state:
            read, notices = self.settings_type.from_query(st.query_params.to_dict(), ignore=PAGE_PARAMETERS)
            st.session_state[self.settings_key] = read
            st.session_state[self.playing_key] = False
            for notice in notices:
                self.add_notice(notice)
        return st.session_state[self.settings_key]

    def set_settings(self, new: S, *, sync_widgets: bool = True) -> None:
        """Replace the settings (validated); optionally write every bound widget's value from them."""
        st.session_state[self.settings_key] = new.validate()
        if sync_widgets:
            for knob in self.settings_type.KNOBS:
                key = self.widget_key(knob.name)
                if key in st.session_state:
                    st.session_state[key] = _widget_value(getattr(new, knob.name))

    def change(self, **changes: Any) -> bool:
        """Apply ``changes`` (from a callback); a change that is not allowed becomes a notice."""
        try:
            self.set_settings(self.settings().with_changes(**changes))
        except ValueError as error:
            self.add_notice(str(error)[:1].upper() + str(error)[1:] + ".")
            return False
        return True

    # -- notices ----------------------------------------------------------------------------------
    def add_notice(self, text: str, *, good_news: bool = False) -> None:
        """A message for the top of the page: a warning, or (``good_news``) a short-lived toast."""
        st.session_state.setdefault(self.notices_key, []).append((text, good_news))

    def take_notices(self) -> list[tuple[str, bool]]:
        """The pending (text, good_news) notices, emptied."""
        notices = st.session_state.get(self.notices_key, [])
        st.session_state[self.notices_key] = []
        return notices

    def toast_good_news(self) -> list[str]:
        """Show the pending good news as toasts; return the pending warnings (both emptied)."""
        warnings = []
        for notice, good_news in self.take_notices():
            if good_news:
                st.toast(notice)
            else:
                warnings.append(notice)
        return warnings

    def show_notices(self) -> None:
        """The pending notices here: good news as toasts, warnings as warnings."""
        for warning in self.toast_good_news():
            st.warning(warning)

    # -- widgets ------------------------------------------------------------------------------------
    def widget_key(self, field: str) -> str:
        return f"{self.prefix}w_{field}"

    def _on_widget_change(self, field: str, also: Callable[[Any], dict] | None) -> None:
        knob = self.settings_type.knob(field)
        value = _from_widget(knob, st.session_state[self.widget_key(field)])
        if not self.change(**{field: value, **(also(value) if also else {})}):
            st.session_state[self.widget_key(field)] = _widget_value(getattr(self.settings(), field))

    def bind(self, field: str, label: str, *, options: Sequence | None = None,
             also: Callable[[Any], dict] | None = None, **display: Any) -> Any:
        """Draw the widget the knob ``field`` asks for, with its choices and limits from the knob.

        A change writes the field (validated) in a callback; ``also(value)`` may add changes
        that follow from it. ``display`` holds what only changes the look (format_func, help,
        horizontal, label_visibility...).
        """
        knob = self.settings_type.knob(field)
        key = self.widget_key(field)
        if key not in st.session_state:
            st.session_state[key] = _widget_value(getattr(self.settings(), field))
        arguments = widget_arguments(self.settings(), knob, options)
        return WIDGETS[knob.widget](label, key=key, on_change=self._on_widget_change, args=(field, also),
                                    **arguments, **display)

    # -- the trainer ----------------------------------------------------------------------------------
    def trainer(self, build: Callable[[S], T | None]) -> T | None:
        """The visitor's trainer: built by ``build`` on the first run, after a rebuild knob
        changed or on Reset; otherwise updated in place with ``apply_settings``."""
        current = self.settings()
        existing = st.session_state.get(self.trainer_key)
        requested = st.session_state.pop(self.rebuild_key, False)      # taken whatever else decides
        if existing is None or requested or self.settings_type.needs_rebuild(existing.settings, current):
            st.session_state[self.build_error_key] = None
            existing = build(current)
            st.session_state[self.trainer_key] = existing
            st.session_state[self.previous_metrics_key] = None
        elif existing.settings != current:
            existing.apply_settings(current)
        return existing

    def build_failed(self, message: str) -> None:
        """For ``build``: the set-up could not be built; the page shows ``message``."""
        st.session_state[self.build_error_key] = message

    def build_error(self) -> str | None:
        return st.session_state.get(self.build_error_key)

    def request_rebuild(self) -> None:
        """Build a fresh model from the same settings on the next run (Reset)."""
        st.session_state[self.rebuild_key] = True

    def reset(self) -> None:
        """Reset (a button callback): a fresh model, and stop playing."""
        self.request_rebuild()
        st.session_state[self.playing_key] = False

    def playing(self) -> bool:
        return bool(st.session_state.get(self.playing_key, False))

    # -- the URL ----------------------------------------------------------------------------------------
    def sync_url(self) -> None:
        """Write the settings to the URL's query parameters when they differ (the page's own
        parameters, such as a lesson's name, stay)."""
        query = self.settings().to_query()
        current = st.query_params.to_dict()
        query.update({name: value for name, value in current.items() if name in PAGE_PARAMETERS})
        if current != query:
            st.query_params.from_dict(query)


PLAYGROUND: PageSession[Config] = PageSession(Config, prefix="")
LAB: PageSession[RecurrentSettings] = PageSession(RecurrentSettings, prefix="rl_")
