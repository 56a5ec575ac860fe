"""The recurrent lab: train an RNN or an LSTM on a sequence task and see what it remembers.

The same habits as the playground page: the settings live in ``st.session_state`` (one per
visitor, under keys starting ``rl_`` so that they never meet the playground page's), the
sidebar only writes them, and the training view is one ``st.fragment`` whose charts are
live charts updated in place. Step and Step ×N rerun only the fragment; Play sets
``run_every`` through a full rerun, and each rerun trains as many frames of "iterations per
step" iterations each as fit in its time (``MAX_FRAMES_PER_RUN`` at most) and plays them.
"""
from __future__ import annotations

import math
import time

import streamlit as st

from playground.data.sequences import SEQUENCE_TASKS, load_corpus
from playground.training.recurrent_settings import RecurrentSettings
from playground.training.recurrent_trainer import (
    MAX_SIDE_BY_SIDE_ITERATIONS,
    RecurrentTrainer,
    SequenceView,
    train_side_by_side,
)
from playground.training.verdict import beats_baseline, final_scores, side_by_side_verdict
from playground.ui.classroom import (
    apply_classroom_view,
    chart_scale,
    hidden_groups,
    keyboard,
    presenter_toggle,
    share_panel,
)
from playground.ui.lesson_view import current_lesson, draw_lesson, lessons_menu
from playground.ui.live_chart import live_chart
from playground.ui.session import LAB as session
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
)
from playground.viz import recurrent as views

SPEED = "rl_speed"
SIDE_BY_SIDE = "rl_side_result"
SAMPLE = "rl_sample"
SIDE_BY_SIDE_ITERATIONS = "rl_side_iterations"
SIDE_BY_SIDE_TASK = "rl_side_task"

FRAME_SECONDS = 0.5
#: While playing, a rerun makes frames until the next would not fit in RUN_BUDGET of
#: FRAME_SECONDS (at least MIN_FRAMES_PER_RUN, so a slow model's reruns still share their
#: overhead among two frames; at most MAX_FRAMES_PER_RUN) and the chart plays them spread
#: over the time they took.
MIN_FRAMES_PER_RUN, MAX_FRAMES_PER_RUN = 2, 4
RUN_BUDGET = 0.9
# Wall-time limits, so that one visitor's big model cannot hold a shared server for minutes:
# a frame of Play trains at most PLAY_FRAME_SECONDS (always at least one iteration), a click of
# Step ×N at most STEP_SECONDS, a side-by-side run at most SIDE_BY_SIDE_SECONDS.
PLAY_FRAME_SECONDS = 0.4
STEP_SECONDS = 10.0
SIDE_BY_SIDE_SECONDS = 120.0
#: Iterations each cell trains in a side-by-side run unless the visitor says otherwise: with the
#: lab's default settings, enough for the verdict to tell the cells apart, measured over 3 seeds
#: with benchmarks/side_by_side.py (adding problem, T = 30: the LSTM beat the baseline after 250
#: to 300 iterations, the RNN in none of 1,000; temporal order, T = 50: the LSTM after 15 to 30,
#: the RNN at 200 in none; sine and characters: both cells within 15 and 150).
SIDE_BY_SIDE_DEFAULT_ITERATIONS = {"adding": 600, "temporal_order": 200, "sine": 200, "text": 300}
SPEEDS = (1, 2, 5, 10, 20, 50, 100)
DEFAULT_SPEED = 10
CELL_LABELS = {"rnn": "RNN (tanh)", "lstm": "LSTM"}
OPTIMIZER_LABELS = {"adam": "Adam", "sgd": "SGD"}
LOSS_HEIGHT = 215
FLOW_HEIGHT = 215
STATES_HEIGHT = 265
PREDICTION_HEIGHT = 265
TEXT_HEIGHT = 190
SIDE_BY_SIDE_HEIGHT = 300
TEXT_COLUMNS = 48
TEXT_SHOWN = 240                # characters of validation text coloured by a hidden unit
SAMPLE_LENGTH = 200


def sidebar() -> None:
    """Every setting of the lab, each widget built from its knob; ``?hide=`` leaves groups out
    (data: the task; network: the model; training: the rest)."""
    task = session.settings().sequence_task
    hidden = hidden_groups(session)
    with st.sidebar:
        lessons_menu()
        if "data" not in hidden:
            _task_settings(task)
        if "network" not in hidden:
            st.markdown("**Model**")
            session.bind("cell", "Cell", format_func=CELL_LABELS.get, horizontal=True)
            session.bind("hidden_size", "Hidden units H")
        if "training" not in hidden:
            _training_settings()
        presenter_toggle(session)
        share_panel(session, "recurrent")


def _task_settings(task) -> None:
    st.markdown("**Task**")
    session.bind("task", "Task", format_func=lambda name: SEQUENCE_TASKS[name].label, label_visibility="collapsed")
    st.caption(f"Baseline: {task.baseline_label}.")
    session.bind("length", "Sequence length T")


def _training_settings() -> None:
    st.markdown("**Training**")
    session.bind("learning_rate", "Learning rate", format_func=lambda v: f"{v:g}")
    session.bind("optimizer", "Optimizer", format_func=OPTIMIZER_LABELS.get, horizontal=True)
    session.bind("clip_norm", "Clip gradients to norm", format_func=lambda v: "off" if v == 0 else f"{v:g}",
                 help="All gradients together are scaled down to this global norm when larger.")
    session.bind("truncation", "Truncate BPTT to k steps (0 = full)",
                 help="Backpropagate through at most k time steps.")
    session.bind("batch_size", "Batch size")
    session.bind("seed", "Seed", help="The same seed gives the same initial model and the same batches.")


def build_trainer(settings: RecurrentSettings) -> RecurrentTrainer | None:
    """A new trainer for ``settings``; a problem building it is kept for the page to show."""
    try:
        return RecurrentTrainer(settings)
    except ValueError as error:          # includes DataError (the bundled text unreadable, ...)
        session.build_failed(f"This set-up cannot be built: {error}")
        return None


# -- the training view ------------------------------------------------------------------------------
def toolbar(playing: bool) -> int:
    """Play/Pause, Step, Step ×N, Reset and N; returns the iterations asked for (0 for none)."""
    play, step, step_n, reset, speed = st.columns([1.1, 0.9, 1.1, 0.9, 2.4], vertical_alignment="bottom")
    play_pause_button(play, session.playing_key, key="rl_play")
    st.session_state.setdefault(SPEED, DEFAULT_SPEED)
    n = st.session_state[SPEED]
    stepped = step.button("Step", key="rl_step", width="stretch", disabled=playing, shortcut="Right",
                          help="One iteration: one batch of sequences, forward, BPTT, update (→ or S)")
    stepped_n = step_n.button(f"Step ×{n}", key="rl_step_n", width="stretch", disabled=playing,
                              help=f"{n} iterations")
    reset.button("Reset", key="rl_reset", width="stretch", help="The same seed gives the same initial model",
                 on_click=session.reset)
    speed.select_slider("Speed", options=SPEEDS, key=SPEED,
                        help="Iterations trained per frame of Play, and N of Step ×N")
    return 1 if stepped else n if stepped_n else 0


def _counters(trainer: RecurrentTrainer) -> list[Counter]:
    """The toolbar's counters, each with its change since the last frame."""
    metrics = trainer.metrics
    previous = st.session_state.get(session.previous_metrics_key) or metrics
    moved = metrics["iteration"] != previous["iteration"]
    task = trainer.task
    counters = [Counter("Iteration", f"{metrics['iteration']:,}")]
    names = [("Training loss", "train_loss", "On the last training batch, before its update"),
             ("Validation loss", "validation_loss", f"On {len(trainer.validation_set)} held-out sequences")]
    if trainer.is_classification:
        names.append(("Validation accuracy", "validation_accuracy", None))
    for label, key, help_text in names:
        value, before = metrics[key], previous.get(key, metrics[key])
        if not math.isfinite(value):
            counters.append(Counter(label, "–", help=help_text))
            continue
        change = change_text(key, value, before) if moved and math.isfinite(before) else None
        text = f"{value:.1%}" if "accuracy" in key else number_text(value, 4)
        counters.append(Counter(label, text, change, help_text, lower_is_better="loss" in key))
    baseline = f"{task.baseline:.0%}" if task.metric == "accuracy" else f"{task.baseline:.3g}"
    counters.append(Counter("Baseline", baseline, help=task.baseline_label))
    return counters


def _flows(trainer: RecurrentTrainer) -> dict:
    flows = {"hidden state h": trainer.gradient_flow}
    if trainer.settings.cell == "lstm":
        flows["cell state c"] = trainer.cell_gradient_flow
    return flows


def _frames(trainer: RecurrentTrainer, n_frames: int, iterations: int, seconds: float, *,
            budget: float | None = None, at_least: int = 1) -> tuple[dict[str, list], SequenceView]:
    """Figures of up to ``n_frames`` frames for each live chart, training up to ``iterations``
    (and up to ``seconds``) before each; after ``at_least`` frames, no frame is started that
    would end after ``budget`` seconds, judged by the frames made so far. Also returns the
    last frame's view of the shown sequence."""
    frames: dict[str, list] = {"loss": [], "flow": [], "states": [], "prediction": []}
    task = trainer.task
    scale = chart_scale()
    start = time.perf_counter()
    for made in range(1, n_frames + 1):
        if iterations:
            trainer.step(iterations, max_seconds=seconds)
        view = trainer.inspect(0)
        frames["loss"].append(views.loss_figure(trainer.history, trainer.validation, task,
                                                height=LOSS_HEIGHT, scale=scale))
        frames["flow"].append(views.gradient_flow_figure(
            _flows(trainer), truncation=trainer.settings.truncation, height=FLOW_HEIGHT, scale=scale))
        frames["states"].append(views.states_figure(view, task, height=STATES_HEIGHT, scale=scale))
        frames["prediction"].append(views.prediction_figure(view, task, height=PREDICTION_HEIGHT, scale=scale))
        if trainer.diverged:
            break
        if budget is not None and made >= at_least and (time.perf_counter() - start) * (made + 1) / made > budget:
            break
    return frames, view


def training_view() -> None:
    """The fragment's body: act on the toolbar, train, and draw."""
    follow_play_state(session.playing_key)
    trainer_ = session.trainer(build_trainer)
    if trainer_ is None:
        st.error(session.build_error() or "This set-up cannot be built.")
        return
    playing = session.playing()
    asked = toolbar(playing)
    # The fragment draws the same elements in every rerun, whatever the task or the messages: a
    # fragment rerun whose element tree changed shape while a full rerun (a new task) was under
    # way blanked the page in the browser ("Cannot set a node at a delta path").
    messages = st.container(key="rl_messages")
    start, started_at = trainer_.iteration, time.perf_counter()
    if playing:
        frames, view = _frames(trainer_, MAX_FRAMES_PER_RUN, st.session_state[SPEED], PLAY_FRAME_SECONDS,
                               budget=RUN_BUDGET * FRAME_SECONDS, at_least=MIN_FRAMES_PER_RUN)
    else:
        frames, view = _frames(trainer_, 1, asked, STEP_SECONDS)
    # The next rerun's frames arrive about max(FRAME_SECONDS, this rerun's time) from now:
    # spread these over 90 % of that, so the chart is never idle long and never falls behind.
    interval = int(900 * max(FRAME_SECONDS, time.perf_counter() - started_at) / len(frames["loss"]))
    if trainer_.diverged:
        messages.error(trainer_.diverged)
        stop_playing(session.playing_key)
    elif asked and trainer_.iteration - start < asked:
        messages.info(f"Ran {trainer_.iteration - start:,} of {asked:,} iterations: one click trains for at most "
                f"{STEP_SECONDS:g} seconds on this shared server. This model is slow to train; press again "
                "to go on, or choose a smaller one.")
    counter_row(_counters(trainer_))
    st.session_state[session.previous_metrics_key] = trainer_.metrics

    task = trainer_.task
    top_left, top_right = st.columns([1.2, 1], gap="medium")
    with top_left:
        live_chart(frames["loss"], key="rl_loss_chart", height=LOSS_HEIGHT, frame_interval_ms=interval,
                   alt=views.loss_alt_text(trainer_.history, trainer_.validation, task))
    with top_right:
        live_chart(frames["flow"], key="rl_flow_chart", height=FLOW_HEIGHT, frame_interval_ms=interval,
                   alt=views.gradient_flow_alt_text(_flows(trainer_)))
    bottom_left, bottom_right = st.columns([1.2, 1], gap="medium")
    with bottom_left:
        live_chart(frames["states"], key="rl_states_chart", height=STATES_HEIGHT, frame_interval_ms=interval,
                   alt=views.states_alt_text(view, task))
    with bottom_right:
        live_chart(frames["prediction"], key="rl_prediction_chart", height=PREDICTION_HEIGHT,
                   frame_interval_ms=interval,
                   alt=f"The model's answer on one validation sequence of {task.label}")
    with st.container(key="rl_text_view"):
        if task.name == "text":
            text_view(trainer_)


def text_view(trainer_: RecurrentTrainer) -> None:
    """Characters task: text sampled from the model, and validation text coloured by one unit."""
    corpus = load_corpus()
    units_column, sample_column = st.columns([1.6, 1], gap="medium")
    with sample_column:
        if st.button("Sample text", key="rl_sample_button", help="Generate text from the model as it is now"):
            st.session_state[SAMPLE] = (trainer_.iteration, trainer_.sample_text(SAMPLE_LENGTH,
                                                                                 seed=trainer_.iteration))
        sample = st.session_state.get(SAMPLE)
        if sample:
            st.caption(f"Sampled at iteration {sample[0]:,} (one character at a time, each fed back in):")
            st.code(sample[1], language=None, wrap_lines=True)
        else:
            st.caption("Press Sample text to see what the model writes at this iteration.")
    with units_column:
        last_unit = trainer_.settings.hidden_size - 1
        st.session_state["rl_unit"] = min(st.session_state.get("rl_unit", 0), last_unit)
        unit = st.slider("Colour the text by hidden unit", 0, max(last_unit, 1), key="rl_unit",
                         disabled=last_unit == 0)
        text = corpus.text[corpus.split:corpus.split + TEXT_SHOWN]
        values = trainer_.hidden_states_for(text)[:, unit]
        live_chart([views.text_units_figure(text, values, unit, columns=TEXT_COLUMNS, height=TEXT_HEIGHT)],
                   key="rl_text_chart", height=TEXT_HEIGHT,
                   alt=f"Validation text coloured by hidden unit {unit}: blue positive, orange negative")


# -- below the training view --------------------------------------------------------------------------
def side_by_side() -> None:
    """Train an RNN and an LSTM on the same data; draw their losses and gradient flows together."""
    current = session.settings()
    st.markdown("**RNN vs LSTM side by side**")
    count, button = st.columns([1, 2], vertical_alignment="bottom")
    if st.session_state.get(SIDE_BY_SIDE_TASK) != current.task:      # each task starts from its own default
        st.session_state[SIDE_BY_SIDE_TASK] = current.task
        st.session_state[SIDE_BY_SIDE_ITERATIONS] = SIDE_BY_SIDE_DEFAULT_ITERATIONS[current.task]
    iterations = count.number_input("Iterations each", min_value=1, max_value=MAX_SIDE_BY_SIDE_ITERATIONS,
                                    step=50, key=SIDE_BY_SIDE_ITERATIONS)
    st.caption(f"Both cells start from seed {current.seed} with these settings and see the same batches. "
               f"At most {MAX_SIDE_BY_SIDE_ITERATIONS:,} iterations each and {SIDE_BY_SIDE_SECONDS / 60:g} "
               "minutes of training. With the default settings the LSTM beats the baseline of the adding problem "
               "after about 300 iterations and of the temporal order within 100, while the RNN stays at the "
               "baseline; at T = 100 the adding problem takes the LSTM 650 to 1,125.")
    clicked = button.button("Train RNN and LSTM side by side", key="rl_side_by_side", width="stretch")
    if clicked:
        with st.spinner(f"Training an RNN and an LSTM for {iterations:,} iterations each…"):
            try:
                st.session_state[SIDE_BY_SIDE] = train_side_by_side(current, int(iterations),
                                                                    max_seconds=SIDE_BY_SIDE_SECONDS)
            except ValueError as error:
                st.error(f"The side-by-side run could not start: {error}")


def side_by_side_result(result) -> None:
    """The last side-by-side run: what it used, any divergence, and the chart (full width)."""
    used = result.settings
    task = SEQUENCE_TASKS[used.task]
    st.caption(f"{task.label}, T = {used.length}, H = {used.hidden_size}, "
               f"learning rate {used.learning_rate:g}, {result.iterations:,} iterations each.")
    if result.iterations < result.asked and not any(run.diverged for run in result.trainers.values()):
        st.info(f"Stopped after {result.iterations:,} of the {result.asked:,} iterations asked: a side-by-side "
                f"run trains for at most {SIDE_BY_SIDE_SECONDS / 60:g} minutes on this shared server.")
    for cell, run in result.trainers.items():
        if run.diverged:
            st.error(f"{views.CELL_NAMES[cell]}: {run.diverged}")
    st.plotly_chart(views.side_by_side_figure(result, task, height=SIDE_BY_SIDE_HEIGHT, scale=chart_scale()),
                    key="rl_side_chart",
                    config={"displayModeBar": False})
    st.caption(views.side_by_side_alt_text(result, task))
    scores = final_scores(result)
    verdict = side_by_side_verdict(scores, task, result.iterations)
    (st.success if any(beats_baseline(score, task) for score in scores.values()) else st.info)(verdict)


def unrolled(current: RecurrentSettings) -> None:
    task = current.sequence_task
    st.markdown(f"**The {views.CELL_NAMES[current.cell]} unrolled through time**")
    st.plotly_chart(views.unrolled_figure(current.cell, many_to_many=task.kind == "many_to_many", height=220),
                    key="rl_unrolled_chart", config={"displayModeBar": False, "staticPlot": True})
    st.caption("The same cell (the same weights) at every step. Training sends the loss's gradient back "
               "along the arrows: the gradient-flow chart shows how much of it reaches each earlier step"
               + (". For this many-to-many task every step adds its own loss." if task.kind == "many_to_many"
                  else "."))


def page() -> None:
    """The whole recurrent lab."""
    apply_style()
    apply_classroom_view(session)
    lesson = current_lesson(session, "recurrent")
    if lesson is not None and st.session_state.get(SIDE_BY_SIDE_TASK) != session.settings().task:
        st.session_state[SIDE_BY_SIDE_TASK] = session.settings().task    # the run the lesson asks for
        st.session_state[SIDE_BY_SIDE_ITERATIONS] = lesson.budget
    sidebar()
    session.sync_url()
    session.show_notices()
    run_fragment(training_view, session.playing_key, FRAME_SECONDS)
    left, right = st.columns([1, 1.3], gap="large")
    result = st.session_state.get(SIDE_BY_SIDE)
    with left:
        if lesson is None:
            unrolled(session.settings())
        else:
            draw_lesson(lesson, result if result is not None else session.trainer(build_trainer), session.settings())
    with right:
        side_by_side()
    result = st.session_state.get(SIDE_BY_SIDE)
    if result is not None:
        side_by_side_result(result)
    keyboard(step_key="rl_step", reset_key="rl_reset")
