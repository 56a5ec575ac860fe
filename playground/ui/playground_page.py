"""The playground page: toolbar, network diagram, decision regions and learning curves.

The training view is one ``st.fragment``: Step and Step epoch rerun only it; while playing
it reruns every ``FRAME_SECONDS`` on its own (``run_every``, set by a full rerun when Play
or Pause is pressed), runs ``FRAMES_PER_RUN`` frames of ``speed`` iterations each, and
hands all of them to the live charts, which play them in place between reruns (the
diagram every ``DIAGRAM_EVERY``-th frame: it is the costlier chart for the browser).
The decision regions' data points are that chart's overlay, drawn once rather than in
every frame (see ``live_chart``).

Playing is pipelined: a playing rerun first draws the frames trained by the rerun before
(with the counters and curves of the state they end at), then trains the next batch of
frames on a copy of the trainer and keeps both for the next rerun (``train_ahead``); the
visitor's own trainer stays at the state on screen, so Pause stops exactly there.
The charts' new data thus leaves the server at the start of a rerun, not after 0.4 s of
training: measured in headless Chromium, when the charts came last in a long fragment
rerun the browser skipped whole batches of them in about half of the 6-second windows (the
counters, drawn early, updated every time), and with the charts drawn first it skipped
none in the windows tried.

At high speeds a frame trains at most ``FRAME_TRAINING_SECONDS`` (so the picture keeps
moving) and measures the whole data sets at most ``MEASUREMENTS_PER_FRAME`` times.
"""
from __future__ import annotations

import math
import time

import streamlit as st

from playground.training import config as cfg
from playground.ui import session
from playground.ui.downloads import apply_pending_model, downloads
from playground.ui.live_chart import live_chart
from playground.ui.rewind import rewind
from playground.ui.sidebar import SPEEDS, sidebar
from playground.ui.training_view import (
    Counter,
    apply_style,
    change_text,
    counter_row,
    follow_play_state,
    number_text,
    play_pause_button,
    run_fragment,
    stop_playing,
    take_trained_ahead,
    train_ahead,
)
from playground.viz.curves import curves_alt_text, curves_figure
from playground.viz.network_diagram import network_alt_text, network_figure
from playground.viz.regions import plane_view, points_figure, regions_alt_text, regions_figure

FRAME_SECONDS = 0.48
#: One click of Step epoch trains for at most this long (a shared server; see README).
STEP_SECONDS = 10.0
FRAMES_PER_RUN = 10
#: The diagram is redrawn every this many frames (it costs the browser more than the regions).
DIAGRAM_EVERY = 2
#: Most wall time spent training per frame, so that even the fastest speed keeps >= 10 frames/s.
FRAME_TRAINING_SECONDS = 0.05
#: Share of FRAME_SECONDS that one playing rerun may spend training and drawing: a little
#: more than all of it. Measured while playing at the fastest speed, the reruns arrived every
#: 0.52-0.6 s, not 0.48 (the browser's timer fires late while its main thread draws), and the
#: server idled 60-90 ms between them; a rerun that outlasts the late timer finds the next
#: request already waiting. Stopping at 85 % with 8 frames of 40 ms, then filling 100 %
#: with 8 of 50 ms, then 115 % with 10: about a fifth more epochs a second at the second
#: step, and about a tenth more frames a second at the third (back to back, 4 and 7 pairs).
RUN_BUDGET = 1.15
#: Frames play slightly faster than they are made, so the browser's queue drains between reruns.
FRAME_INTERVAL_MS = int(0.8 * 1000 * RUN_BUDGET * FRAME_SECONDS / FRAMES_PER_RUN)
#: While playing, measure the whole data sets about this many times per frame at most.
MEASUREMENTS_PER_FRAME = 25
DIAGRAM_HEIGHT = 400
#: Most hidden layers that get their own +/- buttons above the diagram.
PER_LAYER_BUTTONS = 3
REGIONS_HEIGHT = 290
CURVES_HEIGHT = 180


# -- architecture controls beside the diagram ------------------------------------------------
def _change_layers(delta: int) -> None:
    config = session.config()
    layers = list(config.hidden_layers)
    if delta > 0 and len(layers) < cfg.MAX_HIDDEN_LAYERS:
        layers.append(layers[-1] if layers else 4)
    elif delta < 0 and layers:
        layers.pop()
    activations = config.layer_activations[:len(layers)] if config.layer_activations else ()
    if activations and len(activations) < len(layers):
        activations = (*activations, config.hidden_activation)
    session.set_config(config.with_changes(hidden_layers=tuple(layers), layer_activations=activations))


def _change_neurons(layer: int, delta: int) -> None:
    config = session.config()
    layers = list(config.hidden_layers)
    layers[layer] = min(cfg.MAX_NEURONS, max(1, layers[layer] + delta))
    session.set_config(config.with_changes(hidden_layers=tuple(layers)))


def architecture_controls() -> None:
    """+/- buttons for the number of hidden layers and the neurons of each, as in TF Playground.

    Up to ``PER_LAYER_BUTTONS`` hidden layers every layer gets its own buttons; beyond that
    (they would not fit a projector's width) one pair acts on the layer picked in a menu.
    """
    layers = session.config().hidden_layers
    many = len(layers) > PER_LAYER_BUTTONS
    columns = st.columns([2.0] + ([2.6] if many else [1] * max(len(layers), 1)), vertical_alignment="center",
                         gap="small")
    with columns[0]:
        minus, label, plus = st.columns([1, 1.7, 1], gap=None, vertical_alignment="center")
        minus.button("−", key="layers_minus", on_click=_change_layers, args=(-1,), disabled=not layers,
                     help="Remove the last hidden layer")
        label.markdown(f"**{len(layers)}** hidden")
        plus.button("+", key="layers_plus", on_click=_change_layers, args=(1,),
                    disabled=len(layers) >= cfg.MAX_HIDDEN_LAYERS, help="Add a hidden layer")
    if many:
        with columns[1]:
            picker, minus, count, plus = st.columns([2, 1, 1, 1], gap=None, vertical_alignment="center")
            index = picker.selectbox("Hidden layer", range(len(layers)), key="layer_picked",
                                     format_func=lambda i: f"layer {i + 1}", label_visibility="collapsed")
            _neuron_buttons(minus, count, plus, min(index or 0, len(layers) - 1), layers)
        return
    for index, column in enumerate(columns[1:len(layers) + 1]):
        with column:
            _neuron_buttons(*st.columns(3, gap=None, vertical_alignment="center"), index, layers)


def _neuron_buttons(minus, count, plus, index: int, layers: tuple[int, ...]) -> None:
    size = layers[index]
    minus.button("−", key=f"neurons_minus_{index}", on_click=_change_neurons, args=(index, -1),
                 disabled=size <= 1, help=f"One neuron fewer in hidden layer {index + 1}")
    count.markdown(f"**{size}**")
    plus.button("+", key=f"neurons_plus_{index}", on_click=_change_neurons, args=(index, 1),
                disabled=size >= cfg.MAX_NEURONS, help=f"One neuron more in hidden layer {index + 1}")


# -- the training view ----------------------------------------------------------------------
def _counters(trainer) -> list[Counter]:
    """The toolbar's counters, each with its change since the last frame."""
    metrics = trainer.metrics
    previous = st.session_state.get("previous_metrics") or metrics
    moved = metrics["iteration"] != previous.get("iteration")
    counters = [Counter("Iteration", f"{metrics['iteration']:,}"), Counter("Epoch", f"{metrics['epoch']:,}")]
    if trainer.task == "classification":
        score, score_form = (("Training accuracy", "train_accuracy"), ("Test accuracy", "test_accuracy")), "{:.1%}"
    else:
        score, score_form = (("Training RMSE", "train_rmse"), ("Test RMSE", "test_rmse")), "{:.3g}"
    for label, key in (("Training loss", "train_loss"), ("Test loss", "test_loss"), *score):
        value, before = metrics[key], previous.get(key, metrics[key])
        if not math.isfinite(value):
            counters.append(Counter(label, "–"))
            continue
        change = change_text(key, value, before) if moved and math.isfinite(before) else None
        text = number_text(value, 3) if "loss" in key else score_form.format(value)
        counters.append(Counter(label, text, change, lower_is_better="accuracy" not in key))
    return counters


def _frames(trainer, config, n_frames: int, advance: bool) -> tuple[list, list]:
    """Draw up to ``n_frames`` frames of the regions (and every ``DIAGRAM_EVERY``-th of the
    diagram, always the last); if ``advance``, train ``speed`` iterations before each and
    leave the diagram's hover values out (frames that replace each other cannot be read).
    The regions frames have no data points: the live chart draws those once, as an overlay.

    Playing stops adding frames once ``RUN_BUDGET`` of the rerun interval is spent, so a
    big network or a slow machine gets fewer frames per rerun instead of reruns that pile up.
    """
    diagrams, regions = [], []
    deadline = time.perf_counter() + RUN_BUDGET * FRAME_SECONDS
    for frame in range(n_frames):
        if advance:
            trainer.step(config.speed, record_every=max(1, config.speed // MEASUREMENTS_PER_FRAME),
                         max_seconds=FRAME_TRAINING_SECONDS)
        last = frame == n_frames - 1 or trainer.diverged or (advance and time.perf_counter() > deadline)
        if last or frame % DIAGRAM_EVERY == DIAGRAM_EVERY - 1:
            diagrams.append(network_figure(trainer, height=DIAGRAM_HEIGHT, hover=not advance))
        regions.append(regions_figure(trainer, show_test=config.show_test, discretize=config.discretize,
                                      x_axis=config.x_axis, y_axis=config.y_axis, height=REGIONS_HEIGHT,
                                      points=False))
        if last:
            break
    return diagrams, regions


TRAINED_AHEAD = "trained_ahead"


def _frames_to_show(trainer, config, playing: bool) -> tuple:
    """(trainer, diagrams, regions): while playing, the copy trained ahead by the previous
    rerun becomes the visitor's trainer and its frames are shown; else the current state."""
    ahead = take_trained_ahead(TRAINED_AHEAD, trainer, config, playing)
    if ahead is None:
        return trainer, *_frames(trainer, config, 1, advance=False)
    st.session_state[session.TRAINER] = ahead.trainer
    return ahead.trainer, *ahead.frames


def _train_ahead(trainer, config) -> None:
    """Train the next rerun's frames now (after this rerun's charts have been sent), on a copy.

    If the copy diverged, it becomes the visitor's trainer at once and playing stops, so the
    page says why without waiting for the next rerun.
    """
    ahead = train_ahead(TRAINED_AHEAD, trainer, config,
                        lambda copy: _frames(copy, config, FRAMES_PER_RUN, advance=True))
    if ahead.trainer.diverged:
        st.session_state[session.TRAINER] = ahead.trainer
        stop_playing(session.PLAYING)


def _reset() -> None:
    session.request_rebuild()
    st.session_state[session.PLAYING] = False


def _set_speed() -> None:
    session.set_config(session.config().with_changes(speed=st.session_state["toolbar_speed"]), sync_widgets=False)


def toolbar(trainer, playing: bool) -> tuple[bool, bool]:
    """Play/Pause, Step, Step epoch, Reset and speed; returns (step clicked, epoch clicked)."""
    config = session.config()
    play, step, epoch, reset, speed = st.columns([1.1, 1, 1.2, 1, 2.2], vertical_alignment="bottom")
    play_pause_button(play, session.PLAYING, key="play")
    stepped = step.button("Step", key="step", width="stretch", help="One iteration: one mini-batch update",
                          disabled=playing)
    epoch_clicked = epoch.button("Step epoch", key="step_epoch", width="stretch", disabled=playing,
                                 help=f"One pass over the training data ({trainer.iterations_per_epoch} iterations)")
    reset.button("Reset", key="reset", width="stretch", help="The same seed gives the same initial network",
                 on_click=_reset)
    if "toolbar_speed" not in st.session_state or st.session_state["toolbar_speed"] != config.speed:
        st.session_state["toolbar_speed"] = config.speed
    speed.select_slider("Speed (iterations per frame)", options=_speed_options(config.speed), key="toolbar_speed",
                        on_change=_set_speed)
    return stepped, epoch_clicked


def _speed_options(current: int) -> list[int]:
    return sorted({*SPEEDS, current})


def training_view() -> None:
    """The fragment's body: act on the toolbar, train, and draw."""
    follow_play_state(session.PLAYING)
    trainer = session.trainer()
    if trainer is None:
        problem = st.session_state.get(session.BUILD_ERROR)
        if session.config().dataset == "csv" and not st.session_state.get(session.CSV):
            st.info("Upload a CSV file in the sidebar to train on your own data. "
                    "Each row is an example; choose the column to predict.")
        else:
            st.error(problem or "This set-up could not be built.")
        return
    playing = st.session_state.get(session.PLAYING, False)
    stepped, epoch_clicked = toolbar(trainer, playing)
    config = session.config()
    epoch_ran = epoch_asked = 0
    if stepped:
        trainer.step(1)
    elif epoch_clicked:
        epoch_asked = trainer.iterations_left_in_epoch
        epoch_ran = trainer.step_epoch(max_seconds=STEP_SECONDS)
    trainer, diagrams, regions = _frames_to_show(trainer, config, playing)
    if trainer.diverged:
        st.error(trainer.diverged)
        stop_playing(session.PLAYING)
    elif epoch_ran < epoch_asked:
        st.info(f"Ran {epoch_ran:,} of this epoch's {epoch_asked:,} iterations: one click trains for at most "
                f"{STEP_SECONDS:g} seconds on this shared server. Press Step epoch again to finish it.")
    counter_row(_counters(trainer))
    st.session_state["previous_metrics"] = trainer.metrics

    interval = FRAME_INTERVAL_MS
    left, right = st.columns([1.15, 1], gap="medium")
    with left:
        architecture_controls()
        live_chart(diagrams, key="network_chart", height=DIAGRAM_HEIGHT, frame_interval_ms=DIAGRAM_EVERY * interval,
                   alt=network_alt_text(trainer.network, trainer.dataset.feature_names))
    with right:
        view = plane_view(trainer.dataset, config.x_axis, config.y_axis)
        live_chart(regions, key="regions_chart", height=REGIONS_HEIGHT, frame_interval_ms=interval,
                   alt=regions_alt_text(trainer, config.x_axis, config.y_axis),
                   overlay=points_figure(trainer, show_test=config.show_test, x_axis=config.x_axis,
                                         y_axis=config.y_axis, height=REGIONS_HEIGHT))
        if view.holds_others:
            st.caption("Every input not on an axis is held at its mean (choose the axes below).")
        live_chart([curves_figure(trainer.history, trainer.task, log_scale=config.log_scale, height=CURVES_HEIGHT)],
                   key="curves_chart", height=CURVES_HEIGHT, alt=curves_alt_text(trainer.history, trainer.task))
    if playing:
        _train_ahead(trainer, config)


def view_options(trainer) -> None:
    """Toggles for what the charts show (outside the fragment: they rebuild the view)."""
    if trainer is None:
        return
    config = session.config()
    columns = st.columns(4)
    with columns[0]:
        session.bind("discretize", st.toggle, "Discretize output")
    with columns[1]:
        session.bind("log_scale", st.toggle, "Log-scale loss")
    n_inputs = trainer.dataset.raw_train.shape[1]
    if n_inputs > 2:
        view = plane_view(trainer.dataset, config.x_axis, config.y_axis)
        if (view.x_axis, view.y_axis) != (config.x_axis, config.y_axis):
            session.set_config(config.with_changes(x_axis=view.x_axis, y_axis=view.y_axis))
        names = trainer.dataset.input_names
        with columns[2]:
            session.bind("x_axis", st.selectbox, "Across", options=list(range(n_inputs)),
                         format_func=lambda i: names[i])
        with columns[3]:
            session.bind("y_axis", st.selectbox, "Up", options=list(range(n_inputs)),
                         format_func=lambda i: names[i])


def page() -> None:
    """The whole playground page."""
    apply_style()
    session.config()
    trainer = session.trainer()
    sidebar(trainer)
    trainer = session.trainer()        # settings written while drawing the sidebar
    apply_pending_model(trainer)
    session.sync_url()
    for notice, good_news in session.take_notices():
        st.toast(notice) if good_news else st.warning(notice)
    run_fragment(training_view, session.PLAYING, FRAME_SECONDS, can_play=trainer is not None)
    view_options(trainer)
    left, right = st.columns(2)
    with left:
        rewind(trainer)
    with right:
        downloads(trainer)
