"""The playground page: toolbar, network diagram, decision regions and learning curves.

The training view is one ``st.fragment``: Step and Step epoch rerun only it; while playing
it reruns every ``FRAME_SECONDS`` on its own (``run_every``, set by a full rerun when Play
or Pause is pressed), runs ``FRAMES_PER_RUN`` frames of ``speed`` iterations each, and
hands all of them to the live charts, which play them in place between reruns (the
diagram every ``diagram_stride``-th frame: it is the costlier chart for the browser).
The decision regions' data points are that chart's overlay, drawn once rather than in
every frame (see ``live_chart``).

Playing is pipelined: a playing rerun first draws the frames trained by the rerun before
(with the counters and curves of the state they end at), then trains the next batch of
frames on a copy of the trainer and keeps both for the next rerun (``train_ahead``); the
visitor's own trainer stays at the state on screen, so Pause stops exactly there.
The charts' new data thus leaves the server at the start of a rerun, not after its training:
when the charts came last in a long fragment rerun, the browser skipped whole batches of them
(docs/performance.md).

At high speeds a frame trains at most ``FRAME_TRAINING_SECONDS`` (so the picture keeps
moving) and measures the whole data sets at most ``MEASUREMENTS_PER_FRAME`` times.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable

import streamlit as st

from playground.data import DataError, load_csv
from playground.data.tabular import DROP_ROWS_OPTION, DROP_TEXT_OPTION
from playground.training import config as cfg
from playground.training.config import Config
from playground.training.health import stuck_hint
from playground.training.trainer import Trainer
from playground.ui.classroom import apply_classroom_view, chart_scale, hidden_groups, keyboard, presenting, top_bar
from playground.ui.confusion_view import confusion_view
from playground.ui.downloads import apply_pending_model, downloads
from playground.ui.first_view import first_view_guide
from playground.ui.inside_step import STEP_NEURON, STEP_SAMPLE, inside_step_panel, link_colouring
from playground.ui.lesson_view import current_lesson, draw_lesson
from playground.ui.live_chart import clicked, live_chart
from playground.ui.rewind import rewind
from playground.ui.session import PLAYGROUND as session
from playground.ui.sidebar import CSV, CSV_DROP_ROWS, CSV_DROP_TEXT, sidebar, tick_csv_option
from playground.ui.training_view import (
    Counter,
    apply_style,
    counter_row,
    follow_play_state,
    number_text,
    play_pause_button,
    run_fragment,
    stop_playing,
    take_trained_ahead,
    train_ahead,
)
from playground.viz.curves import curves_alt_text, curves_frame
from playground.viz.network_diagram import layer_names, network_alt_text, network_frame
from playground.viz.regions import plane_view, points_frame, regions_alt_text, regions_frame

#: A playing rerun every FRAME_SECONDS, making FRAMES_PER_RUN frames. A rerun's own cost (the
#: toolbar, counters and charts sent again: about 40 ms of the server, and the browser's render)
#: is paid once a second this way, not twice, which cut a player's server cost by a third; the
#: counters and curves move once a second, the regions and the diagram 20 times
#: (docs/performance.md).
FRAME_SECONDS = 0.96
#: One click of Step epoch trains for at most this long (a shared server; docs/design.md).
STEP_SECONDS = 10.0
FRAMES_PER_RUN = 20
#: The diagram is redrawn every this many frames (it costs the browser more than the regions).
DIAGRAM_EVERY = 3
#: At most this many links drawn over one playing rerun's diagram frames. A link is about 24
#: bytes of SVG path, so a 10 x 64 network's diagram frame is about 1 MB, and a rerun's frames
#: stay in the server's memory until the next one replaces them; big networks get fewer
#: diagram frames (docs/performance.md, "A class at once").
LINKS_PER_RUN = 100_000
#: Most wall time spent training per frame, so that even the fastest speed keeps >= 10 frames/s.
FRAME_TRAINING_SECONDS = 0.05
#: Share of FRAME_SECONDS that one playing rerun may spend training and drawing: a little
#: more than all of it, because the browser's timer fires late while its main thread draws,
#: so a rerun that outlasts FRAME_SECONDS finds the next request already waiting
#: (docs/performance.md has the measurements behind 1.15).
RUN_BUDGET = 1.15
#: Frames play slightly faster than they are made, so the browser's queue drains between reruns.
FRAME_INTERVAL_MS = int(0.8 * 1000 * RUN_BUDGET * FRAME_SECONDS / FRAMES_PER_RUN)
#: While playing, measure the whole data sets about this many times per frame at most.
MEASUREMENTS_PER_FRAME = 25
#: The charts' heights fit the core view (top bar, toolbar, counters, diagram, regions and
#: curves, whose plot areas are at least 200 px tall) in a 1280 x 720 screen without scrolling.
DIAGRAM_HEIGHT = 360
#: Most hidden layers that get their own +/- buttons above the diagram.
PER_LAYER_BUTTONS = 3
REGIONS_HEIGHT = 240
CURVES_HEIGHT = 248


# -- the trainer -------------------------------------------------------------------------------
def build_trainer(config: Config) -> Trainer | None:
    """A new trainer for ``config`` (on the uploaded table for "csv"); a problem with the data
    is kept for the page to show. Axes that the new data does not have fall back to valid ones."""
    try:
        if config.dataset == "csv":
            upload = st.session_state.get(CSV)
            if not upload:
                session.build_failed("Upload a CSV file to train on your own data.")
                return None
            dataset = load_csv(upload["data"], upload.get("target"), task=upload.get("task"),
                               drop_non_numeric=upload.get("drop_non_numeric", False),
                               drop_missing_rows=upload.get("drop_missing_rows", False),
                               train_fraction=config.train_percent / 100, seed=config.data_seed,
                               standardize=config.standardize != "off", name=upload["name"])
            trainer = Trainer(config, dataset=dataset)
        else:
            trainer = Trainer(config)
    except DataError as error:
        source = f"{st.session_state[CSV]['name']}: " if config.dataset == "csv" else ""
        session.build_failed(f"{source}{error}")
        return None
    except ValueError as error:
        session.build_failed(f"This set-up cannot be built: {error}")
        return None
    if trainer.head_notice:
        session.add_notice(trainer.head_notice)
    view = plane_view(trainer.dataset, config.x_axis, config.y_axis)
    if (view.x_axis, view.y_axis) != (config.x_axis, config.y_axis):
        session.change(x_axis=view.x_axis, y_axis=view.y_axis)
        trainer.apply_settings(session.settings())
    return trainer


# -- architecture controls beside the diagram ------------------------------------------------
def _change_layers(delta: int) -> None:
    config = session.settings()
    layers = list(config.hidden_layers)
    if delta > 0 and len(layers) < cfg.MAX_HIDDEN_LAYERS:
        layers.append(layers[-1] if layers else 4)
    elif delta < 0 and layers:
        layers.pop()
    activations = config.layer_activations[:len(layers)] if config.layer_activations else ()
    if activations and len(activations) < len(layers):
        activations = (*activations, config.hidden_activation)
    session.change(hidden_layers=tuple(layers), layer_activations=activations)


def _change_neurons(layer: int, delta: int) -> None:
    config = session.settings()
    layers = list(config.hidden_layers)
    layers[layer] = min(cfg.MAX_NEURONS, max(1, layers[layer] + delta))
    session.change(hidden_layers=tuple(layers))


def architecture_controls() -> None:
    """+/- buttons for the number of hidden layers and the neurons of each, as in TF Playground.

    Up to ``PER_LAYER_BUTTONS`` hidden layers every layer gets its own buttons; beyond that
    (they would not fit a projector's width) one pair acts on the layer picked in a menu.
    """
    layers = session.settings().hidden_layers
    many = len(layers) > PER_LAYER_BUTTONS
    columns = st.container(key="architecture").columns(
        [1.7] + ([2.6] if many else [1.5] * max(len(layers), 1)), vertical_alignment="center", gap="small")
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
            name, *buttons = st.columns([1.5, 1, 0.8, 1], gap=None, vertical_alignment="center")
            name.caption(f"layer {index + 1}")
            _neuron_buttons(*buttons, index, layers)


def _neuron_buttons(minus, count, plus, index: int, layers: tuple[int, ...]) -> None:
    size = layers[index]
    minus.button("−", key=f"neurons_minus_{index}", on_click=_change_neurons, args=(index, -1),
                 disabled=size <= 1, help=f"One neuron fewer in hidden layer {index + 1}")
    count.markdown(f"**{size}**")
    plus.button("+", key=f"neurons_plus_{index}", on_click=_change_neurons, args=(index, 1),
                disabled=size >= cfg.MAX_NEURONS, help=f"One neuron more in hidden layer {index + 1}")


# -- clicks on the charts choose what the Inside the step panel explains ------------------------
DIAGRAM_KEY = "network_chart"
REGIONS_KEY = "regions_chart"


def _point_clicked() -> None:
    """A click on the decision regions chooses the training point nearest to it (in the
    chart's own units, each axis scaled by its range)."""
    click, trainer = clicked(REGIONS_KEY), session.trainer(build_trainer)
    if click is None or trainer is None:
        return
    exact = click.get("pointer_x") is not None
    x, y = (click.get("pointer_x"), click.get("pointer_y")) if exact else (click.get("x"), click.get("y"))
    if x is None:
        return
    config = session.settings()
    view = plane_view(trainer.dataset, config.x_axis, config.y_axis)
    raw = trainer.dataset.raw_train
    span_x = (view.x_range[1] - view.x_range[0]) or 1.0
    if view.one_input:
        distance = ((raw[:, 0] - float(x)) / span_x) ** 2
    else:
        span_y = (view.y_range[1] - view.y_range[0]) or 1.0
        distance = ((raw[:, view.x_axis] - float(x)) / span_x) ** 2 \
            + ((raw[:, view.y_axis] - float(y if y is not None else 0.0)) / span_y) ** 2
    st.session_state[STEP_SAMPLE] = int(distance.argmin())


def _neuron_clicked() -> None:
    """A click on a node of the diagram chooses that neuron (inputs cannot be explained)."""
    click = clicked(DIAGRAM_KEY)
    name = click.get("customdata") if click else None
    if isinstance(name, str) and name in _explainable_neurons():
        st.session_state[STEP_NEURON] = name


def _explainable_neurons() -> set[str]:
    trainer = session.trainer(build_trainer)
    if trainer is None:
        return set()
    names = layer_names(trainer.network.layer_sizes, trainer.dataset.feature_names)
    return {name for layer in names[1:] for name in layer}


# -- the training view ----------------------------------------------------------------------
#: Each counter of the toolbar after Iteration and Epoch: (label, metric, how its value is
#: written, how its change is written, lower is better). A change is written like its value.
_LOSSES = (("Training loss", "train_loss"), ("Test loss", "test_loss"))
_CLASSIFICATION_COUNTERS = tuple((label, key, lambda v: number_text(v, 3), lambda d: number_text(d, 4, sign=True),
                                  True) for label, key in _LOSSES) + (
    ("Training accuracy", "train_accuracy", "{:.1%}".format, "{:+.1%}".format, False),
    ("Test accuracy", "test_accuracy", "{:.1%}".format, "{:+.1%}".format, False))
_REGRESSION_COUNTERS = _CLASSIFICATION_COUNTERS[:2] + (
    ("Training RMSE", "train_rmse", "{:.3g}".format, "{:+.3g}".format, True),
    ("Test RMSE", "test_rmse", "{:.3g}".format, "{:+.3g}".format, True),
    ("Test R²", "test_r2", "{:.3f}".format, "{:+.3f}".format, False))
R2_HELP = "The share of the test targets' variance the network explains: 1 is perfect, 0 is no better than the mean."


def _counters(trainer) -> list[Counter]:
    """The toolbar's counters, each with its change since the last frame."""
    metrics = trainer.metrics
    previous = st.session_state.get(session.previous_metrics_key) or metrics
    moved = metrics["iteration"] != previous.get("iteration")
    counters = [Counter("Iteration", f"{metrics['iteration']:,}"), Counter("Epoch", f"{metrics['epoch']:,}")]
    table = _CLASSIFICATION_COUNTERS if trainer.task == "classification" else _REGRESSION_COUNTERS
    for label, key, write, write_change, lower_is_better in table:
        value, before = metrics[key], previous.get(key, metrics[key])
        help_text = R2_HELP if key == "test_r2" else None
        if not math.isfinite(value):
            counters.append(Counter(label, "–", help=help_text))
            continue
        change = write_change(value - before) if moved and math.isfinite(before) else None
        counters.append(Counter(label, write(value), change, help_text, lower_is_better=lower_is_better))
    return counters


def diagram_stride(network) -> int:
    """Draw the diagram every this many frames: ``DIAGRAM_EVERY``, or more when a rerun's
    ``FRAMES_PER_RUN`` frames would draw over ``LINKS_PER_RUN`` links."""
    n_links = sum(weights.size for weights in network.weights)
    diagrams_per_run = max(1, LINKS_PER_RUN // max(n_links, 1))
    return max(DIAGRAM_EVERY, math.ceil(FRAMES_PER_RUN / diagrams_per_run))


def _frames(trainer, config, n_frames: int, advance: bool) -> tuple[list, list]:
    """Draw up to ``n_frames`` frames of the regions (and every ``diagram_stride``-th of the
    diagram, always the last); if ``advance``, train ``speed`` iterations before each and
    leave the diagram's hover values out (frames that replace each other cannot be read).
    The regions frames have no data points: the live chart draws those once, as an overlay.

    Playing stops adding frames once ``RUN_BUDGET`` of the rerun interval is spent, so a
    big network or a slow machine gets fewer frames per rerun instead of reruns that pile up.
    """
    diagrams, regions = [], []
    scale = chart_scale()
    deadline = time.perf_counter() + RUN_BUDGET * FRAME_SECONDS
    stride = diagram_stride(trainer.network)
    for frame in range(n_frames):
        if advance:
            trainer.step(config.speed, record_every=max(1, config.speed // MEASUREMENTS_PER_FRAME),
                         max_seconds=FRAME_TRAINING_SECONDS)
        last = frame == n_frames - 1 or trainer.diverged or (advance and time.perf_counter() > deadline)
        if last or frame % stride == stride - 1:
            diagrams.append(network_frame(trainer, height=DIAGRAM_HEIGHT, hover=not advance, scale=scale,
                                           colour_links=None if advance else link_colouring(trainer)))
        regions.append(regions_frame(trainer, show_test=config.show_test, discretize=config.discretize,
                                      x_axis=config.x_axis, y_axis=config.y_axis, height=REGIONS_HEIGHT,
                                      points=False, scale=scale))
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
    st.session_state[session.trainer_key] = ahead.trainer
    return ahead.trainer, *ahead.frames


def _train_ahead(trainer, config) -> None:
    """Train the next rerun's frames now (after this rerun's charts have been sent), on a copy.

    If the copy diverged, it becomes the visitor's trainer at once and playing stops, so the
    page says why without waiting for the next rerun.
    """
    ahead = train_ahead(TRAINED_AHEAD, trainer, config,
                        lambda copy: _frames(copy, config, FRAMES_PER_RUN, advance=True))
    if ahead.trainer.diverged:
        st.session_state[session.trainer_key] = ahead.trainer
        stop_playing(session.playing_key)




def toolbar(trainer, playing: bool) -> tuple[bool, bool]:
    """Play/Pause, Step, Step epoch, Reset and speed; returns (step clicked, epoch clicked)."""
    play, step, epoch, reset, speed = st.columns([1.4, 1, 1.2, 1, 1.9], vertical_alignment="bottom")
    play_pause_button(play, session.playing_key, key="play")
    stepped = step.button("Step", key="step", width="stretch", help="One iteration: one mini-batch update (→ or S)",
                          disabled=playing, shortcut="Right")
    epoch_clicked = epoch.button("Step epoch", key="step_epoch", width="stretch", disabled=playing,
                                 help=f"One pass over the training data ({trainer.iterations_per_epoch:,} "
                                      f"iteration{'s' if trainer.iterations_per_epoch != 1 else ''})")
    reset.button("Reset", key="reset", width="stretch", help="The same seed gives the same initial network",
                 on_click=session.reset)
    with speed:
        session.bind("speed", "Speed", help="Iterations trained per frame while playing")
    return stepped, epoch_clicked


#: The page's warnings of this full run (URL parameters, data notices), shown by the training view.
PAGE_NOTICES = "page_notices"


def keep_notices() -> None:
    """Good news as toasts now; warnings kept for the training view to show below the diagram
    until the next full run (a fragment rerun keeps them, as the page's own elements are kept)."""
    st.session_state[PAGE_NOTICES] = session.toast_good_news()


def training_view() -> None:
    """The fragment's body: act on the toolbar, train, and draw."""
    follow_play_state(session.playing_key)
    trainer = session.trainer(build_trainer)
    if trainer is None:
        for notice in st.session_state.get(PAGE_NOTICES, []):
            st.warning(notice)
        problem = session.build_error()
        if session.settings().dataset == "csv" and not st.session_state.get(CSV):
            st.info("Upload a CSV file in the sidebar to train on your own data. "
                    "Each row is an example; choose the column to predict.")
        else:
            st.error(problem or "This set-up could not be built.")
            for option, key in ((DROP_TEXT_OPTION, CSV_DROP_TEXT), (DROP_ROWS_OPTION, CSV_DROP_ROWS)):
                if problem and option in problem:
                    st.button(option, key=f"fix_{key}", on_click=tick_csv_option, args=(key,), icon=":material/check:")
        return
    playing = session.playing()
    stepped, epoch_clicked = toolbar(trainer, playing)
    config = session.settings()
    epoch_ran = epoch_asked = 0
    # Messages go below the diagram, where they cannot move the charts.
    alerts: list[tuple[Callable, str]] = [(st.warning, notice) for notice in st.session_state.get(PAGE_NOTICES, [])]
    if (stepped or epoch_clicked) and trainer.diverged:
        alerts.append((st.error, f"Step does nothing: training stopped. {trainer.diverged} Press Reset to start "
                       "again, or change the learning rate (or another setting) to go on from the last good network."))
    elif stepped:
        trainer.step(1, keep_record=True)
    elif epoch_clicked:
        epoch_asked = trainer.iterations_left_in_epoch
        epoch_ran = trainer.step_epoch(max_seconds=STEP_SECONDS, keep_record=True)
    trainer, diagrams, regions = _frames_to_show(trainer, config, playing)
    if trainer.diverged:
        alerts.append((st.error, trainer.diverged))
        stop_playing(session.playing_key)
    elif epoch_ran < epoch_asked:
        alerts.append((st.info, f"Ran {epoch_ran:,} of this epoch's {epoch_asked:,} iterations: one click trains for "
                       f"at most {STEP_SECONDS:g} seconds on this shared server. Press Step epoch again to finish it."))
    if not playing:
        hint = stuck_hint(trainer)
        if hint:
            alerts.append((lambda text: st.warning(text, icon=":material/lightbulb:"), hint))
    counter_row(_counters(trainer))
    st.session_state[session.previous_metrics_key] = trainer.metrics

    interval = FRAME_INTERVAL_MS
    scale = chart_scale()
    lesson = current_lesson(session, "playground")
    if lesson is None:
        left, right = st.columns([1.15, 1], gap="medium")
    else:
        left, right, box = st.columns([1.0, 0.95, 0.85], gap="small")
        with box:
            draw_lesson(lesson, trainer, config)
    with left:
        if "network" not in hidden_groups(session):
            architecture_controls()
        live_chart(diagrams, key=DIAGRAM_KEY, height=DIAGRAM_HEIGHT,
                   frame_interval_ms=diagram_stride(trainer.network) * interval,
                   alt=network_alt_text(trainer.network, trainer.dataset.feature_names),
                   on_click=None if playing else _neuron_clicked)
        view = plane_view(trainer.dataset, config.x_axis, config.y_axis)
        for show, text in alerts:
            show(text)
        first_view_guide(trainer, view.one_input)
    with right:
        live_chart(regions, key=REGIONS_KEY, height=REGIONS_HEIGHT, frame_interval_ms=interval,
                   alt=regions_alt_text(trainer, config.x_axis, config.y_axis),
                   on_click=None if playing else _point_clicked,
                   overlay=points_frame(trainer, show_test=config.show_test, x_axis=config.x_axis,
                                        y_axis=config.y_axis, height=REGIONS_HEIGHT, scale=scale,
                                        marked=None if playing else st.session_state.get(STEP_SAMPLE)))
        if view.holds_others:
            st.caption("Every input not on an axis is held at its mean (choose the axes below).")
        live_chart([curves_frame(trainer.history, trainer.task, log_scale=config.log_scale, height=CURVES_HEIGHT,
                                 scale=scale)],
                   key="curves_chart", height=CURVES_HEIGHT, alt=curves_alt_text(trainer.history, trainer.task))
    if not presenting():        # a projector shows the core view only
        confusion_view(trainer, playing)
        if not playing:
            with st.expander("Inside the step: the maths of one iteration, with its numbers", expanded=True):
                inside_step_panel(trainer)
    if playing:
        _train_ahead(trainer, config)


def view_options(trainer) -> None:
    """Toggles for what the charts show (outside the fragment: they rebuild the view)."""
    if trainer is None:
        return
    columns = st.columns(4)
    with columns[0]:
        session.bind("discretize", "Discretize output")
    with columns[1]:
        session.bind("log_scale", "Log-scale loss")
    n_inputs = trainer.dataset.raw_train.shape[1]
    if n_inputs > 2:
        names = trainer.dataset.input_names
        with columns[2]:
            session.bind("x_axis", "Across", options=range(n_inputs), format_func=lambda i: names[i])
        with columns[3]:
            session.bind("y_axis", "Up", options=range(n_inputs), format_func=lambda i: names[i])


def page() -> None:
    """The whole playground page."""
    apply_style()
    apply_classroom_view(session)
    current_lesson(session, "playground")        # a lesson's set-up first: the trainer is built from it
    trainer = session.trainer(build_trainer)
    top_bar(session)
    sidebar(trainer)
    apply_pending_model(trainer)
    session.sync_url()
    keep_notices()
    run_fragment(training_view, session.playing_key, FRAME_SECONDS, can_play=trainer is not None)
    if not presenting():        # the presenter view is the core view only
        view_options(trainer)
        left, right = st.columns(2)
        with left:
            rewind(trainer)
        with right:
            downloads(trainer)
    keyboard(step_key="step", reset_key="reset")
