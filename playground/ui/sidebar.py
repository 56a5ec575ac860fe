"""The sidebar: presets, data, network and training settings. Widgets only write the config."""
from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from playground.data import DATASETS, FEATURES, DataError, read_csv_table
from playground.engine.activations import ACTIVATIONS
from playground.engine.losses import VALID_LOSSES
from playground.engine.network import INITIALISATIONS
from playground.engine.optimizers import OPTIMIZERS
from playground.training import config as cfg
from playground.ui import session
from playground.ui.training_view import with_current

OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "SGD + momentum", "rmsprop": "RMSProp", "adam": "Adam"}
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
PRESET_CHOICE = "preset_choice"


def _label(name: str) -> str:
    return name.replace("_", " ")


def _load_preset() -> None:
    name = st.session_state.get(PRESET_CHOICE)
    if name is None:
        return
    preset = cfg.PRESETS[name]
    session.set_config(preset.config)
    session.request_rebuild()
    st.session_state[session.PLAYING] = False
    session.add_notice(f"Loaded the preset “{preset.label}”: {preset.description}", good_news=True)


def presets() -> None:
    """A menu that loads a preset when one is chosen and otherwise says which preset is loaded:
    its placeholder shows once any setting that shapes the data, network or training changes."""
    st.markdown("**Presets**")
    current = cfg.matching_preset(session.config())
    st.session_state[PRESET_CHOICE] = current
    st.selectbox("Preset", list(cfg.PRESETS), format_func=lambda n: cfg.PRESETS[n].label, key=PRESET_CHOICE,
                 placeholder="Choose a preset…", on_change=_load_preset,
                 label_visibility="collapsed")
    st.caption(cfg.PRESETS[current].description if current else
               "Your own set-up. Choosing a preset replaces its data, network and training settings.")


def _regenerate() -> None:
    current = session.config()
    session.set_config(current.with_changes(data_seed=(current.data_seed + 1) % (2**31 - 1)))


def _csv_upload() -> None:
    upload = st.file_uploader("Your CSV file (up to 10 MB)", type=["csv", "txt"], key="csv_file")
    if upload is None:
        return
    stored = st.session_state.get(session.CSV) or {}
    if stored.get("name") != upload.name or stored.get("size") != upload.size:
        stored = {"name": upload.name, "size": upload.size, "data": upload.getvalue(), "target": None}
        st.session_state[session.CSV] = stored
        session.request_rebuild()
    try:
        columns = list(read_csv_table(stored["data"]).columns)
    except DataError:
        return      # the page shows the problem beside the charts
    target = st.selectbox("Column to predict", columns, index=len(columns) - 1, key="csv_target")
    task = st.selectbox("Task", ["inferred", "classification", "regression"], key="csv_task")
    drop_text = st.checkbox("Drop non-numeric feature columns", key="csv_drop_text")
    drop_rows = st.checkbox("Drop rows with missing or infinite values", key="csv_drop_rows")
    chosen = {"target": str(target), "task": None if task == "inferred" else task,
              "drop_non_numeric": drop_text, "drop_missing_rows": drop_rows}
    if any(stored.get(k) != v for k, v in chosen.items()):
        stored.update(chosen)
        session.request_rebuild()


def data_settings() -> None:
    config = session.config()
    st.markdown("**Data**")
    session.bind("dataset", st.selectbox, "Dataset", options=list(cfg.DATASET_CHOICES),
                 format_func=lambda n: "Your CSV file" if n == "csv" else DATASETS[n].label)
    info = DATASETS.get(config.dataset)
    if config.dataset == "csv":
        _csv_upload()
    elif info is not None:
        st.caption(info.description)
    if info is not None and info.kind == "toy2d":
        session.bind("noise", st.slider, "Noise (%)", min_value=0, max_value=50, step=5)
        session.bind("n_points", st.slider, "Number of points", min_value=50, max_value=5000, step=50)
        if info.has_n_classes:
            low, high = info.n_classes_range
            session.bind("n_classes", st.slider, "Classes", min_value=low, max_value=high)
        session.bind("features", st.multiselect, "Input features", options=list(FEATURES), convert=tuple)
    session.bind("train_percent", st.slider, "Training data (%)", min_value=10, max_value=90, step=5)
    session.bind("standardize", st.selectbox, "Standardise inputs", options=["auto", "on", "off"],
                 help="auto: on for tables, off for the 2-D sets")
    left, right = st.columns(2)
    left.button("Regenerate", key="regenerate", on_click=_regenerate, width="stretch",
                help="New random points with the same settings")
    with right:
        session.bind("show_test", st.checkbox, "Show test data")


def _head_options(trainer) -> tuple[list[str], list[str]]:
    """The output heads and losses that fit the current data."""
    if trainer is None or trainer.task == "regression":
        return ["auto", "linear"], ["auto", "squared_error"]
    outputs = ["auto", "softmax", "one_vs_rest"] + (["sigmoid"] if trainer.dataset.n_classes == 2 else [])
    config = session.config()
    head = trainer.network.output if config.output == "auto" else config.output
    return outputs, ["auto", *VALID_LOSSES.get(head, ("cross_entropy",))]


def network_settings(trainer) -> None:
    config = session.config()
    st.markdown("**Network**")
    session.bind("hidden_activation", st.selectbox, "Activation (every hidden layer)", options=list(ACTIVATIONS),
                 format_func=_label)
    per_layer = st.toggle("One activation per layer", value=bool(config.layer_activations), key="per_layer_toggle")
    if per_layer and config.hidden_layers:
        chosen = []
        for layer, current in enumerate(config.activations, start=1):
            chosen.append(st.selectbox(f"Hidden layer {layer}", list(ACTIVATIONS),
                                       index=list(ACTIVATIONS).index(current), key=f"layer_act_{layer}",
                                       format_func=_label))
        if tuple(chosen) != config.layer_activations:
            session.set_config(config.with_changes(layer_activations=tuple(chosen)), sync_widgets=False)
    elif not per_layer and config.layer_activations:
        session.set_config(config.with_changes(layer_activations=()), sync_widgets=False)
    outputs, losses = _head_options(trainer)
    session.bind("output", st.selectbox, "Output head", options=with_current(tuple(outputs), config.output),
                 format_func=_label)
    session.bind("loss", st.selectbox, "Loss", options=with_current(tuple(losses), config.loss), format_func=_label)
    session.bind("init", st.selectbox, "Initial weights", options=list(INITIALISATIONS), format_func=_label)
    session.bind("seed", st.number_input, "Seed", min_value=0, max_value=2**31 - 1, step=1)


def training_settings() -> None:
    config = session.config()
    st.markdown("**Training**")
    session.bind("learning_rate", st.select_slider, "Learning rate",
                 options=with_current(cfg.LEARNING_RATES, config.learning_rate), format_func=lambda v: f"{v:g}")
    session.bind("optimizer", st.selectbox, "Optimizer", options=list(OPTIMIZERS),
                 format_func=OPTIMIZER_LABELS.get)
    if config.optimizer == "momentum":
        session.bind("momentum", st.slider, "Momentum", min_value=0.0, max_value=0.99, step=0.01)
    elif config.optimizer == "rmsprop":
        session.bind("decay", st.slider, "Decay", min_value=0.0, max_value=0.99, step=0.01)
    elif config.optimizer == "adam":
        session.bind("beta1", st.slider, "β1", min_value=0.0, max_value=0.99, step=0.01)
        session.bind("beta2", st.slider, "β2", min_value=0.9, max_value=0.9999, step=0.0001, format="%.4f")
    session.bind("batch_size", st.number_input, "Batch size", min_value=1, max_value=5000, step=1,
                 help="Points per iteration; larger than the training set means the whole set.")
    session.bind("regularization", st.selectbox, "Regularization", options=["none", "l1", "l2"],
                 format_func=lambda v: {"none": "None", "l1": "L1", "l2": "L2"}[v])
    if config.regularization != "none":
        session.bind("regularization_rate", st.select_slider, "Regularization rate",
                     options=with_current(cfg.REGULARIZATION_RATES, config.regularization_rate),
                     format_func=lambda v: f"{v:g}")
    session.bind("dropout", st.slider, "Dropout (hidden layers)", min_value=0.0, max_value=0.9, step=0.05)


def share_link() -> None:
    with st.expander("Share this set-up"):
        st.caption("The address bar holds every setting, seed included. This is its query string:")
        st.code("?" + urlencode(cfg.to_query(session.config())), language=None, wrap_lines=True)


def sidebar(trainer) -> None:
    """Draw every setting in the sidebar."""
    with st.sidebar:
        presets()
        data_settings()
        network_settings(trainer)
        training_settings()
        share_link()
