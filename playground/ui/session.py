"""One visitor's state: the config, the trainer built from it, notices, and the URL.

Everything lives in ``st.session_state`` (one per browser session): nothing mutable is
ever shared between visitors. Widgets write the config through ``bind``; the trainer is
rebuilt when data, features or architecture change and updated in place otherwise.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.data import DATASETS, DataError, load_csv
from playground.training import config as cfg
from playground.training.config import Config
from playground.training.recurrent_trainer import URL_PREFIX as RECURRENT_URL_PREFIX
from playground.training.trainer import Trainer

CONFIG = "config"
TRAINER = "trainer"
NOTICES = "notices"
PLAYING = "playing"
BUILD_ERROR = "build_error"
CSV = "csv_upload"          # {"name": str, "data": bytes, "target": str|None, ...}


def widget_key(field: str) -> str:
    return f"w_{field}"


def config() -> Config:
    """The visitor's config, read from the URL on their first run."""
    if CONFIG not in st.session_state:
        own = {k: v for k, v in st.query_params.to_dict().items() if not k.startswith(RECURRENT_URL_PREFIX)}
        parsed, notices = cfg.from_query(own)
        if parsed.dataset == "csv":
            parsed = parsed.with_changes(dataset=cfg.DEFAULT.dataset)
            notices.append("A link cannot carry an uploaded CSV file: showing the default data instead.")
        st.session_state[CONFIG] = parsed
        st.session_state[NOTICES] = [(notice, False) for notice in notices]
        st.session_state[PLAYING] = False
    return st.session_state[CONFIG]


def set_config(new: Config, *, sync_widgets: bool = True) -> None:
    """Replace the config (validated); optionally write every bound widget's value from it."""
    st.session_state[CONFIG] = cfg.validate(new)
    if sync_widgets:
        for knob in cfg.KNOBS:
            key = widget_key(knob.name)
            if key in st.session_state:
                st.session_state[key] = _widget_value(getattr(new, knob.name))


def _widget_value(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def add_notice(text: str, *, good_news: bool = False) -> None:
    """A message for the top of the page: a warning, or (``good_news``) a short-lived toast."""
    st.session_state.setdefault(NOTICES, []).append((text, good_news))


def take_notices() -> list[tuple[str, bool]]:
    """The pending (text, good_news) notices, emptied."""
    notices = st.session_state.get(NOTICES, [])
    st.session_state[NOTICES] = []
    return notices


def _on_widget_change(field: str, convert: Callable[[Any], Any]) -> None:
    value = convert(st.session_state[widget_key(field)])
    changes = {field: value}
    if field == "dataset" and value in DATASETS and DATASETS[value].default_points:
        changes["n_points"] = DATASETS[value].default_points     # TF: 500 to classify, 1,200 to regress
    try:
        set_config(config().with_changes(**changes), sync_widgets="n_points" in changes)
    except ValueError as error:
        add_notice(f"{field.replace('_', ' ').capitalize()}: {error}")
        st.session_state[widget_key(field)] = _widget_value(getattr(config(), field))


def bind(field: str, widget: Callable[..., Any], label: str, *, convert: Callable[[Any], Any] = lambda v: v,
         **kwargs: Any) -> Any:
    """Draw ``widget`` for a config field; a change writes the field (validated) to the config."""
    key = widget_key(field)
    if key not in st.session_state:
        st.session_state[key] = _widget_value(getattr(config(), field))
    return widget(label, key=key, on_change=_on_widget_change, args=(field, convert), **kwargs)


# -- the trainer --------------------------------------------------------------------------
def _build(current: Config) -> Trainer | None:
    """A new trainer for ``current``; a data problem is stored for the page to show."""
    st.session_state[BUILD_ERROR] = None
    try:
        if current.dataset == "csv":
            upload = st.session_state.get(CSV)
            if not upload:
                st.session_state[BUILD_ERROR] = "Upload a CSV file to train on your own data."
                return None
            dataset = load_csv(upload["data"], upload.get("target"), task=upload.get("task"),
                               drop_non_numeric=upload.get("drop_non_numeric", False),
                               drop_missing_rows=upload.get("drop_missing_rows", False),
                               train_fraction=current.train_percent / 100, seed=current.data_seed,
                               standardize=current.standardize != "off", name=upload["name"])
            trainer = Trainer(current, dataset=dataset)
        else:
            trainer = Trainer(current)
    except DataError as error:
        source = f"{st.session_state[CSV]['name']}: " if current.dataset == "csv" else ""
        st.session_state[BUILD_ERROR] = f"{source}{error}"
        return None
    except ValueError as error:
        st.session_state[BUILD_ERROR] = f"This set-up cannot be built: {error}"
        return None
    if trainer.head_notice:
        add_notice(trainer.head_notice)
    return trainer


def trainer() -> Trainer | None:
    """The visitor's trainer, rebuilt if the config changed data, features or architecture."""
    current = config()
    existing: Trainer | None = st.session_state.get(TRAINER)
    requested = st.session_state.pop("rebuild", False)      # taken whatever else decides
    if existing is None or requested or cfg.needs_rebuild(existing.config, current):
        existing = _build(current)
        st.session_state[TRAINER] = existing
        st.session_state["previous_metrics"] = None
    elif existing.config != current:
        existing.apply_settings(current)
    return existing


def request_rebuild() -> None:
    """Build a fresh network from the same config on the next run (Reset)."""
    st.session_state["rebuild"] = True


def sync_url() -> None:
    """Write the config to the URL's query parameters when it differs."""
    query = cfg.to_query(config())
    if config().dataset == "csv":
        query["dataset"] = cfg.DEFAULT.dataset
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
