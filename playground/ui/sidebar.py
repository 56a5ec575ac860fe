"""The sidebar: presets, data, network and training settings, and the Share panel.

The settings a lesson talks about most (learning rate, activation, regularization and its
rate) are in the top bar above the charts (``classroom.top_bar``), not here. A group that
``?hide=`` names is not drawn (``classroom.hidden_groups``). Every widget is built from its
knob (``PLAYGROUND.bind``) and writes the config in a callback, so drawing the sidebar never
changes the config and a rerun builds the trainer once.
"""
from __future__ import annotations

import streamlit as st

from playground.data import DATASETS, DataError, read_csv_table
from playground.data.tabular import DROP_ROWS_OPTION, DROP_TEXT_OPTION
from playground.engine.losses import VALID_LOSSES
from playground.training import config as cfg
from playground.ui.classroom import hidden_groups, share_panel
from playground.ui.lesson_view import lessons_menu
from playground.ui.session import PLAYGROUND as session

OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "rmsprop": "RMSProp", "adam": "Adam"}
PRESET_CHOICE = "preset_choice"
PER_LAYER_TOGGLE = "per_layer_toggle"
CSV_FILE, CSV_TARGET, CSV_TASK, CSV_DROP_TEXT, CSV_DROP_ROWS = (
    "csv_file", "csv_target", "csv_task", "csv_drop_text", "csv_drop_rows")
#: The uploaded table and how to read it: {"name", "size", "data", "target", "task", ...}.
CSV = "csv_upload"


def _label(name: str) -> str:
    return name.replace("_", " ")


def _load_preset() -> None:
    name = st.session_state.get(PRESET_CHOICE)
    if name is None:
        return
    preset = cfg.PRESETS[name]
    session.set_settings(preset.config)
    session.reset()
    session.add_notice(f"Loaded the preset “{preset.label}”: {preset.description}", good_news=True)


def presets() -> None:
    """A menu that loads a preset when one is chosen and otherwise says which preset is loaded:
    its placeholder shows once any setting that shapes the data, network or training changes."""
    st.markdown("**Presets**")
    current = cfg.matching_preset(session.settings())
    st.session_state[PRESET_CHOICE] = current
    st.selectbox("Preset", list(cfg.PRESETS), format_func=lambda n: cfg.PRESETS[n].label, key=PRESET_CHOICE,
                 placeholder="Choose a preset…", on_change=_load_preset,
                 label_visibility="collapsed")
    st.caption(cfg.PRESETS[current].description if current else
               "Your own set-up. Choosing a preset replaces its data, network and training settings.")


def _regenerate() -> None:
    current = session.settings()
    session.change(data_seed=(current.data_seed + 1) % cfg.MAX_SEED)


def _store_upload() -> None:
    """The file uploader's callback: keep the new file's bytes and build from it."""
    upload = st.session_state.get(CSV_FILE)
    if upload is None:
        return
    st.session_state[CSV] = {"name": upload.name, "size": upload.size, "data": upload.getvalue(), "target": None}
    session.request_rebuild()


def _store_reading() -> None:
    """The CSV options' callback: how to read the stored file; build from it again."""
    stored = st.session_state.get(CSV)
    if not stored:
        return
    task = st.session_state.get(CSV_TASK, "inferred")
    stored.update({"target": str(st.session_state.get(CSV_TARGET)), "task": None if task == "inferred" else task,
                   "drop_non_numeric": bool(st.session_state.get(CSV_DROP_TEXT)),
                   "drop_missing_rows": bool(st.session_state.get(CSV_DROP_ROWS))})
    session.request_rebuild()


def tick_csv_option(key: str) -> None:
    """Tick one of the CSV options (a callback of the button shown beside a build error that
    names the option) and build from the file again."""
    st.session_state[key] = True
    _store_reading()


def _csv_upload(trainer) -> None:
    st.file_uploader("Your CSV file (up to 10 MB)", type=["csv", "txt"], key=CSV_FILE, on_change=_store_upload)
    stored = st.session_state.get(CSV)
    if not stored:
        return
    try:
        columns = list(read_csv_table(stored["data"]).columns)
    except DataError:
        return      # the page shows the problem beside the charts
    target = stored.get("target")
    st.selectbox("Column to predict", columns, index=columns.index(target) if target in columns else len(columns) - 1,
                 key=CSV_TARGET, on_change=_store_reading)
    st.selectbox("Task", ["inferred", "classification", "regression"], key=CSV_TASK, on_change=_store_reading)
    st.checkbox(DROP_TEXT_OPTION, key=CSV_DROP_TEXT, on_change=_store_reading)
    st.checkbox(DROP_ROWS_OPTION, key=CSV_DROP_ROWS, on_change=_store_reading)
    if trainer is not None:
        for notice in trainer.dataset.notices:
            st.caption(notice)


def _dataset_points(name: str) -> dict:
    """Choosing a dataset also takes its number of points (TF: 500 to classify, 1,200 to regress)."""
    info = DATASETS.get(name)
    return {"n_points": info.default_points} if info is not None and info.default_points else {}


def data_settings(trainer) -> None:
    config = session.settings()
    st.markdown("**Data**")
    session.bind("dataset", "Dataset", also=_dataset_points,
                 format_func=lambda n: "Your CSV file" if n == "csv" else DATASETS[n].label)
    info = DATASETS.get(config.dataset)
    if config.dataset == "csv":
        _csv_upload(trainer)
    elif info is not None:
        st.caption(info.description)
    if info is not None and info.kind == "toy2d":
        session.bind("noise", "Noise (%)")
        session.bind("n_points", "Number of points")
        if info.has_n_classes:
            session.bind("n_classes", "Classes")
        session.bind("features", "Input features")
    session.bind("train_percent", "Training data (%)")
    session.bind("standardize", "Standardise inputs", help="auto: on for tables, off for the 2-D sets")
    left, right = st.columns(2)
    left.button("Regenerate", key="regenerate", on_click=_regenerate, width="stretch",
                help="New random points with the same settings")
    with right:
        session.bind("show_test", "Show test data")


def _head_options(trainer) -> tuple[list[str], list[str]]:
    """The output heads and losses that fit the current data."""
    if trainer is None or trainer.task == "regression":
        return ["auto", "linear"], ["auto", "squared_error"]
    outputs = ["auto", "softmax", "one_vs_rest"] + (["sigmoid"] if trainer.dataset.n_classes == 2 else [])
    config = session.settings()
    head = trainer.network.output if config.output == "auto" else config.output
    return outputs, ["auto", *VALID_LOSSES.get(head, ("cross_entropy",))]


def _layer_activation_key(layer: int) -> str:
    return f"layer_act_{layer}"


def _per_layer_toggled() -> None:
    config = session.settings()
    chosen = config.activations if st.session_state[PER_LAYER_TOGGLE] else []
    session.change(layer_activations=tuple(chosen))


def _layer_activation_chosen() -> None:
    config = session.settings()
    chosen = [st.session_state.get(_layer_activation_key(layer), current)
              for layer, current in enumerate(config.activations, start=1)]
    session.change(layer_activations=tuple(chosen))


def network_settings(trainer) -> None:
    config = session.settings()
    st.markdown("**Network**")
    st.session_state[PER_LAYER_TOGGLE] = bool(config.layer_activations)
    per_layer = st.toggle("One activation per layer", key=PER_LAYER_TOGGLE, on_change=_per_layer_toggled)
    if per_layer and config.hidden_layers:
        options = list(cfg.Config.knob("layer_activations").options)
        for layer, current in enumerate(config.activations, start=1):
            st.session_state[_layer_activation_key(layer)] = current
            st.selectbox(f"Hidden layer {layer}", options, key=_layer_activation_key(layer),
                         format_func=_label, on_change=_layer_activation_chosen)
    outputs, losses = _head_options(trainer)
    session.bind("output", "Output head", options=outputs, format_func=_label)
    session.bind("loss", "Loss", options=losses, format_func=_label)
    session.bind("init", "Initial weights", format_func=_label)
    session.bind("seed", "Seed")


def training_settings() -> None:
    config = session.settings()
    st.markdown("**Training**")
    session.bind("optimizer", "Optimizer", format_func=OPTIMIZER_LABELS.get)
    if config.optimizer == "momentum":
        session.bind("momentum", "Momentum", format_func=lambda v: f"{v:g}")
    elif config.optimizer == "rmsprop":
        session.bind("decay", "Decay", format_func=lambda v: f"{v:g}")
    elif config.optimizer == "adam":
        session.bind("beta1", "β1", format_func=lambda v: f"{v:g}")
        session.bind("beta2", "β2", format_func=lambda v: f"{v:g}")
    session.bind("batch_size", "Batch size",
                 help="Points per iteration; larger than the training set means the whole set.")
    session.bind("dropout", "Dropout (hidden layers)")


def sidebar(trainer) -> None:
    """Draw the settings in the sidebar (those of a group ``?hide=`` names left out, and the
    presets with them: a preset replaces every group)."""
    hidden = hidden_groups(session)
    with st.sidebar:
        lessons_menu()
        if not hidden:
            presets()
        if "data" not in hidden:
            data_settings(trainer)
        if "network" not in hidden:
            network_settings(trainer)
        if "training" not in hidden:
            training_settings()
        share_panel(session, "playground")
