"""Export and import: the learning curves as CSV, the trained model as JSON, the network as a
numpy script, and opening a model."""
from __future__ import annotations

import copy
import functools
import io

import pandas as pd
import streamlit as st

from playground.data import DATASETS, build_dataset
from playground.notebook.model_io import ModelFormatError, model_from_json, model_to_json
from playground.script_export import SCRIPT_FILE_NAME, numpy_script
from playground.training import config as cfg
from playground.ui.markdown_text import literal
from playground.ui.session import PLAYGROUND as session

PENDING_MODEL = "pending_model"


def history_csv(trainer) -> bytes:
    """The trainer's history as CSV: one row per recorded iteration."""
    history = trainer.history
    frame = pd.DataFrame({"iteration": history.iterations, **{c: history.column(c) for c in history.columns}})
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def model_json(trainer) -> str:
    """The network on unscaled features, class names, feature names and the set-up.

    The weights are rewritten to take the features as they are (no scaler needed in a
    notebook): ``Trainer.parameters_for_raw_features``.
    """
    classes = trainer.dataset.class_names or None
    network = copy.deepcopy(trainer.network)
    network.set_parameters(*trainer.parameters_for_raw_features())
    return model_to_json(network, classes=classes, feature_names=trainer.dataset.feature_names,
                         config=trainer.config.to_query())


def _config_for(loaded, current: cfg.Config) -> cfg.Config:
    """The set-up a loaded model needs: its own stored config, or one built from its network."""
    if loaded.config:
        parsed, notices = cfg.Config.from_query(loaded.config, base=current)
        for notice in notices:
            session.add_notice(f"Model file: {notice}")
        return parsed
    network = loaded.network
    changes = dict(hidden_layers=tuple(network.layer_sizes[1:-1]), layer_activations=tuple(network.activation),
                   output=network.output, loss=network.loss)
    matching = _table_with_inputs(loaded.feature_names)
    if matching:
        changes["dataset"] = matching
    return current.with_changes(**changes)


def _table_with_inputs(feature_names) -> str | None:
    """The built-in table whose input columns are exactly ``feature_names`` (a notebook model)."""
    if not feature_names:
        return None
    for name, info in DATASETS.items():
        if info.kind == "table" and info.n_inputs == len(feature_names) \
                and build_dataset(name).input_names == list(feature_names):
            return name
    return None


def _open_model(data: bytes) -> None:
    try:
        loaded = model_from_json(data)
    except ModelFormatError as error:
        st.session_state["model_error"] = str(error)
        return
    st.session_state["model_error"] = None
    try:
        session.set_settings(_config_for(loaded, session.settings()))
    except ValueError as error:
        st.session_state["model_error"] = f"The model's settings are not valid here: {error}"
        return
    session.request_rebuild()
    st.session_state[PENDING_MODEL] = loaded


def _on_model_upload() -> None:
    """A model file was chosen: read it before the page is drawn (it may change every setting)."""
    upload = st.session_state.get("model_upload")
    if upload is not None:
        _open_model(upload.getvalue())


def apply_pending_model(trainer) -> None:
    """Put an opened model's weights into the freshly built trainer, if the shapes fit."""
    loaded = st.session_state.pop(PENDING_MODEL, None)
    if loaded is None or trainer is None:
        return
    expected = trainer.network.layer_sizes
    if loaded.network.layer_sizes != expected:
        st.session_state["model_error"] = (
            f"The model has layer sizes {loaded.network.layer_sizes} but this data needs {expected}: "
            "choose the data it was trained on (same inputs and classes) and open it again.")
        return
    trainer.load_parameters_for_raw_features(loaded.network.weights, loaded.network.biases)
    if loaded.classes is not None and [str(c) for c in loaded.classes] != trainer.dataset.class_names:
        theirs, ours = ", ".join(map(literal, loaded.classes)), ", ".join(map(literal, trainer.dataset.class_names))
        session.add_notice(f"The model's classes ({theirs}) are not this data's ({ours}): outputs are matched by "
                           "position.")
    session.add_notice("Opened the model file: its weights are in the network now.", good_news=True)


def downloads(trainer) -> None:
    """Buttons to download the curves, the model and the numpy script, and an uploader to open a model."""
    if trainer is None:
        return
    with st.expander("Export and import"):
        left, right = st.columns(2)
        # Made when clicked (Streamlit calls these on their own thread), not on every rerun:
        # a 10 x 64 model is about a megabyte of JSON.
        left.download_button("Learning curves (CSV)", functools.partial(history_csv, trainer),
                             file_name="learning_curves.csv", mime="text/csv", key="download_history",
                             on_click="ignore")
        right.download_button("Model (JSON)", functools.partial(model_json, trainer), file_name="model.json",
                              mime="application/json", key="download_model", on_click="ignore")
        st.download_button("Download as a numpy script", functools.partial(numpy_script, trainer),
                           file_name=SCRIPT_FILE_NAME, mime="text/x-python", key="download_script", on_click="ignore",
                           help="One Python file, numpy only: this network, its data and its training state. "
                                "Run it with --iterations N to train on exactly as the playground would.")
        st.file_uploader("Open a model file (JSON)", type=["json"], key="model_upload", on_change=_on_model_upload,
                         help="A model downloaded here, or saved from a notebook with to_model_json()")
        if st.session_state.get("model_error"):
            st.error(st.session_state["model_error"])
