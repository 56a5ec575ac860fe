"""Pictures of the recurrent lab: pure functions from trainer state to Plotly figures.

* ``loss_figure``: training and validation loss (and accuracy) with the task's baseline;
* ``prediction_figure``: what the model answers on one validation sequence;
* ``states_figure``: heatmaps of the hidden units over time (LSTM: also the cell state and
  the input, forget and output gates), with the task's marked inputs drawn on them;
* ``gradient_flow_figure``: the size of the gradient reaching each earlier time step;
* ``unrolled_figure``: the cell unrolled across a few time steps;
* ``side_by_side_figure``: RNN and LSTM trained on the same data, losses and flows together;
* ``text_units_figure``: characters coloured by one hidden unit's value.

Every array handed to Plotly is float32 (or int / str); values that float32 cannot hold
become gaps, never NaN text or infinities.

Like the playground's figures (``playground/viz/figure.py``), these are written as plain
trace and layout dicts and wrapped without Plotly's validation: built through
``make_subplots`` and ``add_vline``, the four live charts of one frame cost more than the
frame's training, most of it Plotly checking and re-reading its own objects (every vertical
line is a shape that makes Plotly re-read all the others). Panels side by side are laid out
by ``_panels``; the tests
rebuild every figure with validation on.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from playground.data.sequences import (
    TEMPORAL_ORDER_SYMBOLS,
    SequenceTask,
    load_corpus,
    temporal_order_classes,
)
from playground.training.history import History
from playground.viz.colors import DIVERGING, NEGATIVE, NEUTRAL, POSITIVE
from playground.viz.curves import TEST_COLOR, TRAIN_COLOR
from playground.viz.figure import fast_figure, float32_or_gap, iteration_ticks

#: The states chart's colour-bar labels (px, before the presenter view's enlargement).
COLORBAR_TICK_SIZE = 10
MARK_COLOR = "#d946ef"          # fuchsia: the marked inputs, distinct from orange and blue
BASELINE_COLOR = "#8a8f98"
CELL_COLORS = {"rnn": NEGATIVE, "lstm": "#3b82c4"}
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM"}
GATE_SCALE = [[0.0, NEUTRAL], [1.0, POSITIVE]]
FLOW_FLOOR = 1e-30              # relative gradients below this are drawn at it (float32-safe)
TRANSPARENT = "rgba(0,0,0,0)"
ANNOTATION_SIZE = 13            # px, every annotation that does not set its own size
TIME_AXIS_TITLE = dict(text="time step t", standoff=2)



def _axis_names(panel: int) -> tuple[str, str]:
    """Plotly's names of panel ``panel``'s axes (1-based): ("x", "y"), ("x2", "y2"), ..."""
    suffix = "" if panel == 1 else str(panel)
    return f"x{suffix}", f"y{suffix}"


def _on(panel: int) -> dict[str, str]:
    """The trace keys that put a trace on panel ``panel``."""
    x, y = _axis_names(panel)
    return {"xaxis": x, "yaxis": y}


def _panels(widths: Sequence[float], *, spacing: float, titles: Sequence[str] = ()) -> dict:
    """Layout for panels side by side across the whole width.

    Panel k (1-based) gets axes ``xaxis{k}`` / ``yaxis{k}``; the widths share what the
    ``spacing`` gaps (fractions of the width) leave, in proportion to ``widths``; each title
    sits centred above its panel.
    """
    usable = 1.0 - spacing * (len(widths) - 1)
    layout: dict = {"annotations": []}
    left = 0.0
    for panel, width in enumerate(widths, start=1):
        right = left + usable * width / sum(widths)
        x, y = _axis_names(panel)
        layout[f"{x[0]}axis{x[1:]}"] = dict(domain=[left, min(right, 1.0)], anchor=y)
        layout[f"{y[0]}axis{y[1:]}"] = dict(domain=[0.0, 1.0], anchor=x)
        if panel <= len(titles):
            layout["annotations"].append(dict(
                text=titles[panel - 1], x=(left + right) / 2, y=1.0, xref="paper", yref="paper",
                xanchor="center", yanchor="bottom", showarrow=False))
        left = right + spacing
    return layout


def _merged(layout: dict, *parts: dict) -> dict:
    """``layout`` with ``parts`` merged in: dicts (axes) updated key by key, ``shapes`` and
    ``annotations`` appended, anything else replaced."""
    for part in parts:
        for key, value in part.items():
            if key in ("shapes", "annotations"):
                layout.setdefault(key, []).extend(value)
            elif isinstance(value, dict) and isinstance(layout.get(key), dict):
                layout[key] = {**layout[key], **value}
            else:
                layout[key] = value
    return layout


def _figure(traces: Sequence[dict], layout: dict, height: int, revision: str, *,
            margin: dict | None = None, scale: float = 1.0) -> go.Figure:
    """The finished figure: transparent, ``height`` px, annotations at ``ANNOTATION_SIZE`` px
    unless they set their own size; ``scale`` (the presenter view) enlarges it (``_enlarged``)."""
    for annotation in layout.get("annotations", []):
        annotation["font"] = {"size": ANNOTATION_SIZE, **annotation.get("font", {})}
    layout = dict(layout, height=height, margin=margin or dict(l=48, r=12, t=30, b=34), uirevision=revision,
                  paper_bgcolor=TRANSPARENT, plot_bgcolor=TRANSPARENT)
    if scale != 1.0:
        traces, layout = _enlarged(traces, layout, scale)
    return fast_figure(traces, layout)


#: Plotly's default text size (px), which the presenter view enlarges like every other size.
BASE_FONT = 12
#: The keys whose numbers are sizes in px, wherever they appear in a trace or the layout: text
#: and marker sizes, line widths, colour-bar thickness, and the margins.
_SIZES = {"size", "width", "thickness", "arrowwidth", "l", "r", "t", "b", "standoff", "xshift", "yshift"}


def _enlarged(traces: Sequence[dict], layout: dict, scale: float) -> tuple[list[dict], dict]:
    """Copies of ``traces`` and ``layout`` with every size in px multiplied by ``scale``: text,
    lines, markers, colour bars and margins (the presenter view's larger, thicker drawing).
    The lab's figures are written by hand in many small parts, so they are enlarged here, once,
    rather than each part taking a ``scale``."""
    def walk(value, key=None):
        if isinstance(value, dict):
            return {k: walk(v, k) for k, v in value.items()}
        if key in _SIZES:           # a size, or one size per point (a marker's sizes)
            if isinstance(value, list | np.ndarray):
                return [item * scale for item in value]
            return value * scale if isinstance(value, int | float) and not isinstance(value, bool) else value
        if isinstance(value, list) and key not in ("x", "y", "z", "text", "customdata"):
            return [walk(item) for item in value]
        return value
    layout = walk(layout)
    layout["font"] = {"size": BASE_FONT * scale, **layout.get("font", {})}
    return [walk(trace) for trace in traces], layout


def _is_classification(task: SequenceTask) -> bool:
    return task.loss == "cross_entropy"


def _loss_baseline(task: SequenceTask) -> tuple[float, str]:
    """(value, label) of the trivial predictor on the loss axis.

    mse tasks and the characters task quote their baseline as a loss; the temporal-order
    task quotes chance accuracy, whose loss is that of the uniform guess, ln K.
    """
    if task.metric == "accuracy":
        return task.loss_baseline, f"guessing: ln {task.output_size}"
    return task.loss_baseline, f"baseline {task.loss_baseline:.3g}"


# -- loss curves ----------------------------------------------------------------------------------
def _loss_traces(history: History, validation: History, *, name: str, color: str, train_color: str,
                 panel: int, show_legend: bool, faint: bool = False) -> list[dict]:
    """Training loss (every iteration) and validation loss (every check) on ``panel``."""
    return [dict(
        type="scatter", **_on(panel), x=history.iterations, y=float32_or_gap(history.column("train_loss")),
        mode="lines", line=dict(color=train_color, width=1 if faint else 1.5), opacity=0.45 if faint else 0.9,
        name=f"{name}training loss", legendgroup=f"{name}train", showlegend=show_legend and not faint,
        hovertemplate=f"{name}training loss %{{y:.4g}} at iteration %{{x}}<extra></extra>",
    ), dict(
        type="scatter", **_on(panel), x=validation.iterations, y=float32_or_gap(validation.column("validation_loss")),
        mode="lines+markers", line=dict(color=color, width=2.5), marker=dict(size=4),
        name=f"{name}validation loss", legendgroup=f"{name}validation", showlegend=show_legend,
        hovertemplate=f"{name}validation loss %{{y:.4g}} at iteration %{{x}}<extra></extra>",
    )]


def _accuracy_trace(validation: History, *, name: str, color: str, panel: int) -> dict:
    return dict(
        type="scatter", **_on(panel), x=validation.iterations,
        y=float32_or_gap(validation.column("validation_accuracy")), mode="lines+markers",
        line=dict(color=color, width=2.5), marker=dict(size=4), name=f"{name}validation accuracy",
        legendgroup=f"{name}validation", showlegend=False,
        hovertemplate=f"{name}validation accuracy %{{y:.1%}} at iteration %{{x}}<extra></extra>")


def _baseline_line(value: float, label: str, panel: int, *, log: bool = False) -> dict:
    """A dashed horizontal line at ``value`` across ``panel``, labelled just above its left end.

    (Plotly places shapes on a log axis by value but annotations by the value's log10.)"""
    x, y = _axis_names(panel)
    return dict(
        shapes=[dict(type="line", xref=f"{x} domain", x0=0, x1=1, yref=y, y0=value, y1=value,
                     line=dict(color=BASELINE_COLOR, dash="dash", width=1.5))],
        annotations=[dict(text=label, x=0, xref=f"{x} domain", xanchor="left", yanchor="bottom",
                          y=math.log10(value) if log else value, yref=y, showarrow=False,
                          font=dict(color=BASELINE_COLOR, size=12))])


def _log_ticks(values: np.ndarray) -> list[float]:
    """Tick values for a log axis over the finite positive ``values`` (one more each side):
    1, 2 and 5 times each power of ten over up to two decades, the powers alone beyond,
    so that a narrow axis still has readable labels and a wide one is not crowded."""
    values = values[(values > 0) & (values <= np.finfo(np.float32).max / 10)]    # drawable as float32
    if not len(values):
        return [0.1, 1.0]
    low, high = math.floor(math.log10(values.min())), math.ceil(math.log10(values.max()))
    multiples = (1, 2, 5) if high - low <= 2 else (1,)
    stride = max(1, math.ceil((high - low) / 6))       # at most about seven labels: small charts
    ticks = [m * 10.0 ** e for e in range(low, high + 1, stride) for m in multiples]
    inside = [t for t in ticks if values.min() <= t <= values.max()]
    below = [t for t in ticks if t < values.min()][-1:]
    above = [t for t in ticks if t > values.max()][:1]
    return below + inside + above


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _log_tick_label(value: float) -> str:
    """A log axis tick as a reader writes it: 0.001 to 1000 in plain digits, beyond that
    ``10⁻⁵`` or ``2×10⁻⁵`` (Plotly's own labels for given tick values read ``1×10⁻⁵``)."""
    exponent = math.floor(math.log10(value) + 1e-9)
    if -3 <= exponent <= 3:
        return f"{value:g}"
    mantissa = round(value / 10.0 ** exponent)
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa}×{power}"


def _log_axis(values: np.ndarray) -> dict:
    """Properties of a log axis labelled over ``values``."""
    ticks = _log_ticks(values)
    return dict(type="log", tickvals=ticks, ticktext=[_log_tick_label(t) for t in ticks])


def _loss_axes(task: SequenceTask, classification: bool, losses: Sequence[np.ndarray],
               iterations: np.ndarray) -> dict:
    """Axes of the loss panel (1) and, for classification, the accuracy panel (2), with the
    baselines; ``losses`` are the arrays drawn on the loss panel (for a log axis's ticks),
    ``iterations`` the iterations they span."""
    iteration = dict(title=dict(text="iteration", standoff=2), rangemode="tozero", **iteration_ticks(iterations))
    layout = {f"xaxis{'' if panel == 1 else panel}": iteration for panel in range(1, 3 if classification else 2)}
    if classification:
        layout["yaxis"] = dict(type="linear")
        layout["yaxis2"] = dict(range=[0, 1.02], tickformat=".0%")
    else:
        layout["yaxis"] = _log_axis(np.concatenate([*losses, [task.baseline]]).astype(np.float64))
    parts = [layout, _baseline_line(*_loss_baseline(task), 1, log=not classification)]
    if classification and task.metric == "accuracy":
        parts.append(_baseline_line(task.baseline, f"chance {task.baseline:.0%}", 2))
    return _merged({}, *parts)


def loss_figure(history: History, validation: History, task: SequenceTask, *, height: int = 230,
                scale: float = 1.0) -> go.Figure:
    """Training loss (every iteration) and validation loss, with the task's baseline.

    Classification tasks get a second panel of validation accuracy (temporal order: with
    the chance line at 25 %). The loss axis is logarithmic for mean-squared-error tasks,
    whose loss falls by orders of magnitude.
    """
    classification = _is_classification(task)
    titles = ("Loss", "Validation accuracy") if classification else ("Loss",)
    traces = _loss_traces(history, validation, name="", color=TEST_COLOR, train_color=TRAIN_COLOR, panel=1,
                          show_legend=True)
    if classification:
        traces.append(_accuracy_trace(validation, name="", color=TEST_COLOR, panel=2))
    layout = _merged(_panels([1] * len(titles), spacing=0.12, titles=titles),
                     _loss_axes(task, classification, [t["y"] for t in traces[:2]], history.iterations),
                     dict(legend=dict(orientation="h", x=0, y=-0.22, yanchor="top")))
    return _figure(traces, layout, height, "recurrent-loss", scale=scale)


def loss_alt_text(history: History, validation: History, task: SequenceTask) -> str:
    """A sentence for screen readers: where the curves are now against the baseline."""
    last = validation.last()
    if not len(history):
        return f"Loss curves: no iteration yet; validation loss {last['validation_loss']:.3g}."
    text = (f"Loss curves over {last['iteration']} iterations: training loss "
            f"{history.last()['train_loss']:.3g}, validation loss {last['validation_loss']:.3g}")
    if "validation_accuracy" in last:
        text += f", validation accuracy {last['validation_accuracy']:.0%}"
    return f"{text}; the trivial predictor scores {task.baseline:.3g} ({task.baseline_label})."


# -- prediction on one sequence ---------------------------------------------------------------
# Each drawer returns (traces, layout parts) for panel 1 (the sequence) and panel 2 (the answer).
def _sine_prediction(view, task) -> tuple[list[dict], dict]:
    steps = np.arange(len(view.marks))
    return [dict(type="scatter", **_on(1), x=steps, y=float32_or_gap(view.targets[:, 0]), mode="lines",
                 name="target: next value", line=dict(color=TEST_COLOR, width=3)),
            dict(type="scatter", **_on(1), x=steps, y=float32_or_gap(view.outputs[:, 0]), mode="lines",
                 name="prediction", line=dict(color=TRAIN_COLOR, width=2, dash="dot"))], \
        dict(yaxis=dict(range=[-1.3, 1.3]))


def _adding_prediction(view, task) -> tuple[list[dict], dict]:
    steps = np.arange(len(view.marks))
    target, output = float(view.targets[0]), float(view.outputs[0])
    traces = [dict(type="bar", **_on(1), x=steps, y=float32_or_gap(view.inputs[:, 0]), name="values",
                   marker=dict(color=np.where(view.marks, MARK_COLOR, BASELINE_COLOR).tolist()),
                   hovertemplate="step %{x}: value %{y:.2f}<extra></extra>"),
              dict(type="bar", **_on(2), x=["target", "model"], y=float32_or_gap([target, output]),
                   marker=dict(color=[TEST_COLOR, TRAIN_COLOR]), name="sum",
                   text=[f"{target:.2f}", f"{output:.2f}"], textposition="outside",
                   hovertemplate="%{x}: %{y:.3f}<extra></extra>")]
    return traces, dict(yaxis=dict(range=[0, 1.05]),
                        yaxis2=dict(range=[min(0.0, target, output) - 0.1, max(2.0, target, output) * 1.2]))


def _temporal_order_prediction(view, task) -> tuple[list[dict], dict]:
    codes = view.inputs.argmax(axis=1)
    steps = np.arange(len(codes))
    traces = []
    for marked, color, size in ((False, BASELINE_COLOR, 5), (True, MARK_COLOR, 11)):
        chosen = view.marks == marked
        traces.append(dict(
            type="scatter", **_on(1), x=steps[chosen], y=[TEMPORAL_ORDER_SYMBOLS[c] for c in codes[chosen]],
            mode="markers", marker=dict(color=color, size=size), name="marked" if marked else "distractors",
            hovertemplate="step %{x}: %{y}<extra></extra>"))
    classes = temporal_order_classes()
    truth = int(view.targets)
    traces.append(dict(
        type="bar", **_on(2), x=classes, y=float32_or_gap(view.outputs),
        marker=dict(color=[TEST_COLOR if k == truth else TRAIN_COLOR for k in range(len(classes))]),
        name="class probability", hovertemplate="P(%{x}) = %{y:.1%}<extra></extra>"))
    return traces, dict(
        yaxis=dict(categoryorder="array", categoryarray=list(TEMPORAL_ORDER_SYMBOLS)),
        yaxis2=dict(range=[0, 1.18], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1.0], tickformat=".0%"),
        annotations=[dict(text=f"true: {classes[truth]}", x=classes[truth], y=1.02, yanchor="bottom",
                          showarrow=False, xref="x2", yref="y2", font=dict(color=TEST_COLOR))])


def _text_prediction(view, task) -> tuple[list[dict], dict]:
    vocabulary = load_corpus().vocabulary
    shown = [_visible(ch) for ch in vocabulary]
    inputs = view.inputs.argmax(axis=1)
    truth = np.asarray(view.targets)
    steps = np.arange(len(truth))
    p_true = view.outputs[steps, truth]
    best = view.outputs.argmax(axis=1)
    trace = dict(
        type="bar", **_on(1), x=steps, y=float32_or_gap(p_true),
        marker=dict(color=np.where(best == truth, TRAIN_COLOR, NEGATIVE).tolist()),
        customdata=np.array([[shown[i], shown[t], shown[b]] for i, t, b in zip(inputs, truth, best)]),
        hovertemplate="after '%{customdata[0]}': P(next = '%{customdata[1]}') = %{y:.1%}; "
                      "top guess '%{customdata[2]}'<extra></extra>", name="P(true next character)")
    return [trace], dict(xaxis=dict(tickvals=steps, ticktext=[shown[i] for i in inputs], tickangle=0,
                                    tickfont=dict(size=11)),
                         yaxis=dict(range=[0, 1.02], tickformat=".0%"))


_PREDICTIONS = {"sine": (_sine_prediction, "Next value: target and prediction", None),
                "adding": (_adding_prediction, "Values (the two marked in pink)", "Their sum"),
                "temporal_order": (_temporal_order_prediction, "The symbols of one sequence (X/Y in pink)",
                                   "Answer"),
                "text": (_text_prediction, "P(the true next character); blue: top guess", None)}


def prediction_figure(view, task: SequenceTask, *, height: int = 260, scale: float = 1.0) -> go.Figure:
    """What the model answers on one validation sequence ``view`` (a ``SequenceView``)."""
    draw, left_title, right_title = _PREDICTIONS[task.name]
    if right_title:
        layout = _panels([0.72, 0.28], spacing=0.1, titles=(left_title, right_title))
    else:
        layout = _panels([1], spacing=0, titles=(left_title,))
    traces, parts = draw(view, task)
    if task.name != "text":
        layout = _merged(layout, dict(xaxis=dict(title=TIME_AXIS_TITLE)))
    layout = _merged(layout, parts, dict(showlegend=task.name == "sine", bargap=0.15,
                                         legend=dict(orientation="h", x=0, y=-0.25, yanchor="top")))
    return _figure(traces, layout, height, "recurrent-prediction", scale=scale)


def _visible(character: str) -> str:
    """A character as it can be seen in a chart: space as a middle dot, newline as an arrow."""
    return {" ": "·", "\n": "↵"}.get(character, character)


# -- states over time ------------------------------------------------------------------------------
def _mark_labels(view, task: SequenceTask) -> list[tuple[int, str]]:
    """(time step, label) of each marked input: its value (adding) or its symbol (temporal order)."""
    steps = np.flatnonzero(view.marks)
    if task.name == "adding":
        return [(int(t), f"{view.inputs[t, 0]:.2f}") for t in steps]
    if task.name == "temporal_order":
        return [(int(t), TEMPORAL_ORDER_SYMBOLS[int(view.inputs[t].argmax())]) for t in steps]
    return [(int(t), "") for t in steps]


def _marks(marks: list[tuple[int, str]]) -> dict:
    """A dotted pink line through every panel at each marked step, labelled above the top panel."""
    return dict(
        shapes=[dict(type="line", xref="x", x0=t, x1=t, yref="paper", y0=0, y1=1,
                     line=dict(color=MARK_COLOR, width=2, dash="dot")) for t, _ in marks],
        annotations=[dict(x=t, y=1.0, xref="x", yref="paper", yanchor="bottom", text=label, showarrow=False,
                          font=dict(color=MARK_COLOR)) for t, label in marks if label])


def states_figure(view, task: SequenceTask, *, height: int = 300, scale: float = 1.0) -> go.Figure:
    """Heatmaps, unit by time step: hidden state h_t; for the LSTM also c_t and the gates.

    Rows (LSTM): h_t in [-1, 1]; c_t (orange negative, blue positive, range symmetric);
    input, forget and output gates in [0, 1] (grey closed, blue open). The marked inputs
    are dotted pink lines, labelled with their value (adding) or symbol (temporal order).
    The rows share one time axis (``xaxis``, under the last row); row k has ``yaxis{k}``.
    """
    panels = [("hidden h<sub>t</sub>", view.hidden, "coloraxis")]
    if view.gates is not None:
        panels += [("cell c<sub>t</sub>", view.cell_states, "coloraxis2"),
                   ("input gate", view.gates["input"], "coloraxis3"),
                   ("forget gate", view.gates["forget"], "coloraxis3"),
                   ("output gate", view.gates["output"], "coloraxis3")]
    rows = len(panels)
    spacing = 0.035 if rows > 1 else 0.0
    row_height = (1.0 - spacing * (rows - 1)) / rows
    steps = np.arange(len(view.marks))
    traces, layout = [], {"annotations": []}
    for row, (name, values, axis) in enumerate(panels, start=1):
        _, y = _axis_names(row)
        top = 1.0 - (row - 1) * (row_height + spacing)
        traces.append(dict(type="heatmap", z=float32_or_gap(values.T), x=steps, xaxis="x", yaxis=y, coloraxis=axis,
                           name=name, hovertemplate=f"{name}, unit %{{y}}, step %{{x}}: %{{z:.3f}}<extra></extra>"))
        y_axis = dict(domain=[max(top - row_height, 0.0), top], anchor="x")
        if rows > 1:        # a label beside each short row; the unit numbers are in the hover text
            y_axis["showticklabels"] = False
            layout["annotations"].append(dict(text=name, x=0, y=top - row_height / 2, xref="paper", yref="paper",
                                              xanchor="right", xshift=-4, showarrow=False, font=dict(size=12)))
        else:
            y_axis["title"] = dict(text=f"{name}: hidden unit", standoff=2)
        layout[f"yaxis{'' if row == 1 else row}"] = y_axis
    layout["xaxis"] = dict(anchor=_axis_names(rows)[1], title=TIME_AXIS_TITLE)
    margin = dict(l=84 if rows > 1 else 48, r=60 if rows > 1 else 30, t=22, b=34)
    colorbar = dict(thickness=10, len=1.0 / rows, x=1.01, xpad=2, tickfont=dict(size=COLORBAR_TICK_SIZE),
                    yanchor="top")
    # A one-row colour bar is (plot height / rows) px tall; the presenter view enlarges the text
    # and the margins but not the chart's height, so three labels may no longer fit on it.
    bar_px = (height - (margin["t"] + margin["b"]) * scale) / rows
    layout["coloraxis"] = dict(colorscale=DIVERGING, cmin=-1, cmax=1, colorbar=dict(
        colorbar, y=1.0, **(_symmetric_ticks(1.0, bar_px, scale) if rows > 1 else {})))
    if view.gates is not None:
        cell_range = max(float(np.max(np.abs(view.cell_states))), 1e-6)
        layout["coloraxis2"] = dict(colorscale=DIVERGING, cmin=-cell_range, cmax=cell_range, colorbar=dict(
            colorbar, y=1.0 - 1.0 / rows, **_symmetric_ticks(cell_range, bar_px, scale)))
        layout["coloraxis3"] = dict(colorscale=GATE_SCALE, cmin=0, cmax=1, colorbar=dict(
            colorbar, len=3.0 / rows, y=3.0 / rows, tickvals=[0, 0.5, 1], ticktext=["0 closed", "0.5", "1 open"]))
    layout = _merged(layout, _marks(_mark_labels(view, task)))
    return _figure(traces, layout, height, "recurrent-states", margin=margin, scale=scale)


def _symmetric_ticks(limit: float, bar_px: float, scale: float) -> dict:
    """Labels for a colour bar from -``limit`` to ``limit`` that is ``bar_px`` tall: -limit, 0 and
    limit when three labels fit, else one, "±limit", at the top (the white middle is 0)."""
    text = f"{limit:.2g}"
    if bar_px >= 3.5 * COLORBAR_TICK_SIZE * scale:
        return dict(tickvals=[-limit, 0, limit], ticktext=[f"−{text}", "0", text])
    return dict(tickvals=[limit], ticktext=[f"±{text}"])


def states_alt_text(view, task: SequenceTask) -> str:
    marks = ", ".join(f"step {t}" + (f" ({label})" if label else "") for t, label in _mark_labels(view, task))
    what = "hidden state, cell state and input, forget and output gates" if view.gates is not None \
        else "hidden state"
    return (f"Heatmaps of the {what} of {view.hidden.shape[1]} units over {len(view.marks)} time steps"
            + (f"; marked inputs at {marks}." if marks else "."))


# -- gradient flow ---------------------------------------------------------------------------------
def _relative_flow(flow: np.ndarray) -> np.ndarray:
    """|dL/dh_t| / |dL/dh_T| as float32. Steps the gradient never reached (0) and values that
    are not finite numbers (a diverged step) become gaps; the reference is the largest
    usable value when the last step's is not usable."""
    flow = np.asarray(flow, dtype=np.float64)
    usable = np.isfinite(flow) & (flow > 0)
    if not usable.any():
        return np.full(len(flow), np.nan, dtype=np.float32)
    reference = flow[-1] if usable[-1] else flow[usable].max()
    relative = np.divide(flow, reference, out=np.full(len(flow), np.nan), where=usable)
    return float32_or_gap(np.maximum(relative, FLOW_FLOOR))


def _flow_traces(flows: Mapping[str, np.ndarray | None], *, panel: int, colors: Mapping[str, str],
                 dashes: Mapping[str, str] | None = None, show_legend: bool = True) -> tuple[list[dict], dict]:
    """One line per flow on ``panel``, and that panel's log y axis and time x axis."""
    traces, drawn = [], []
    for name, flow in flows.items():
        if flow is None:
            continue
        relative = _relative_flow(flow)
        drawn.append(relative)
        traces.append(dict(
            type="scatter", **_on(panel), x=np.arange(len(flow)), y=relative, mode="lines", name=name,
            **({} if show_legend else dict(showlegend=False)),
            line=dict(color=colors[name], width=2.5, dash=(dashes or {}).get(name, "solid")),
            hovertemplate=f"{name}: step %{{x}} gets %{{y:.3g}} of the last step's gradient<extra></extra>"))
    x, y = _axis_names(panel)
    values = np.concatenate(drawn).astype(np.float64) if drawn else np.empty(0)
    return traces, {f"xaxis{x[1:]}": dict(title=TIME_AXIS_TITLE), f"yaxis{y[1:]}": _log_axis(values)}


def gradient_flow_figure(flows: Mapping[str, np.ndarray | None], *, truncation: int = 0,
                         height: int = 230, scale: float = 1.0) -> go.Figure:
    """The size of the gradient reaching each time step, relative to the last step (log axis).

    ``flows`` maps a line's name to the (T,) norms |dL/dh_t| of the last backward pass
    (for an LSTM pass ``{"hidden state h": ..., "cell state c": ...}``). Each line is
    divided by its value at the last step, so 1 means "as large as at the end" and 1e-10
    "ten orders of magnitude smaller": a plain RNN's line falls steeply, an LSTM's stays
    flat. Steps that truncation cut off are shaded.
    """
    palette = [TRAIN_COLOR, TEST_COLOR, NEGATIVE]
    colors = {name: palette[k % len(palette)] for k, name in enumerate(flows)}
    dashes = {name: "dash" for name in list(flows)[1:]}
    traces, axes = _flow_traces(flows, panel=1, colors=colors, dashes=dashes)
    layout = _merged(_panels([1], spacing=0, titles=("Gradient reaching step t (÷ last step)",)), axes,
                     dict(legend=dict(orientation="h", x=0, y=-0.22, yanchor="top")))
    lengths = [len(flow) for flow in flows.values() if flow is not None]
    if truncation and lengths and truncation < max(lengths):
        layout = _merged(layout, _truncated(max(lengths), truncation, panel=1))
    if not lengths:
        layout["annotations"].append(dict(text="Step once to see the gradient flow", x=0.5, y=0.5, xref="paper",
                                          yref="paper", showarrow=False))
    return _figure(traces, layout, height, "recurrent-flow", scale=scale)


def _truncated(length: int, truncation: int, *, panel: int) -> dict:
    """A grey band over the steps that truncation to ``truncation`` steps cuts off, labelled."""
    x, y = _axis_names(panel)
    return dict(
        shapes=[dict(type="rect", xref=x, x0=-0.5, x1=length - truncation - 0.5, yref=f"{y} domain", y0=0, y1=1,
                     fillcolor=BASELINE_COLOR, opacity=0.15, line=dict(width=0))],
        annotations=[dict(text=f"cut by truncation (k = {truncation})", xref=x, x=-0.5, xanchor="left",
                          yref=f"{y} domain", y=1, yanchor="top", showarrow=False)])


def gradient_flow_alt_text(flows: Mapping[str, np.ndarray | None]) -> str:
    parts = []
    for name, flow in flows.items():
        if flow is not None:
            first = float(_relative_flow(flow)[0])
            parts.append(f"{name}: the first step gets {first:.2g} of the last step's gradient"
                         if math.isfinite(first) else f"{name}: no gradient reaches the first step")
    return "Gradient flow. " + ("; ".join(parts) if parts else "No backward pass yet.")


# -- the cell unrolled ------------------------------------------------------------------------------
def unrolled_figure(cell: str, *, many_to_many: bool = False, height: int = 260) -> go.Figure:
    """The cell unrolled through time: steps 1, 2, ..., T side by side, x_t -> cell -> h_t.

    The hidden state h_t is carried to the right; the LSTM also carries its cell state c_t
    along a lane of its own (the "constant error carousel"). Outputs y_t are drawn at every
    step (many-to-many) or only the last (many-to-one).
    """
    if cell not in CELL_NAMES:
        raise ValueError(f"unknown cell {cell!r}; choose one of: {', '.join(CELL_NAMES)}")
    is_lstm = cell == "lstm"
    color = CELL_COLORS[cell]
    width, gap = 1.3, 1.5
    labels = ["1", "2", "…", "T"]
    carried = {"1": "1", "2": "2", "…": "T−1"}      # the state an arrow leaving each column carries
    shapes, annotations = [], []

    def arrow(x0, y0, x1, y1, text="", shift=0, arrow_color=BASELINE_COLOR):
        annotations.append(dict(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                                showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2,
                                arrowcolor=arrow_color, text=""))
        if text:
            annotations.append(dict(x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=text, showarrow=False, yshift=shift,
                                    font=dict(color=arrow_color)))

    def lanes(x0, x1, step):
        arrow(x0, 1.3, x1, 1.3, text=f"h<sub>{step}</sub>", shift=-12)
        if is_lstm:
            arrow(x0, 1.9, x1, 1.9, text=f"c<sub>{step}</sub>", shift=12, arrow_color=POSITIVE)

    def label(x, y, text, **font):
        annotations.append(dict(x=x, y=y, text=text, showarrow=False, font=dict(size=14, **font)))

    lanes(-gap, 0, "0")
    for k, step in enumerate(labels):
        left = k * (width + gap)
        center = left + width / 2
        if step == "…":
            label(center, 1.6, "⋯")
        else:
            shapes.append(dict(type="rect", x0=left, x1=left + width, y0=1.0, y1=2.2,
                               line=dict(color=color, width=2), fillcolor=color, opacity=0.3))
            label(center, 1.6, f"<b>{CELL_NAMES[cell]}</b>")
            label(center, 0.1, f"x<sub>{step}</sub>")
            arrow(center, 0.35, center, 1.0)
            if many_to_many or step == "T":
                label(center, 3.35, f"ŷ<sub>{step}</sub>", color=TEST_COLOR)
                arrow(center, 2.2, center, 3.1)
        if step in carried:
            lanes(left + width, left + width + gap, carried[step])
    total = len(labels) * (width + gap) - gap
    formula = ("c<sub>t</sub> = f ⊙ c<sub>t−1</sub> + i ⊙ g,   h<sub>t</sub> = o ⊙ tanh(c<sub>t</sub>)"
               if is_lstm else
               "h<sub>t</sub> = tanh(x<sub>t</sub> W<sub>x</sub> + h<sub>t−1</sub> W<sub>h</sub> + b)")
    label(total / 2, 4.0, formula)
    layout = dict(shapes=shapes, annotations=annotations, showlegend=False,
                  xaxis=dict(visible=False, range=[-gap - 0.1, total + 0.1]),
                  yaxis=dict(visible=False, range=[-0.3, 4.3]))
    return _figure([], layout, height, f"recurrent-unrolled-{cell}", margin=dict(l=4, r=4, t=4, b=4))


# -- RNN and LSTM side by side ------------------------------------------------------------------------
def side_by_side_figure(result, task: SequenceTask, *, height: int = 300, scale: float = 1.0) -> go.Figure:
    """Losses (and accuracies) of the RNN and the LSTM together, then their gradient flows.

    ``result`` is a ``playground.training.recurrent_trainer.SideBySide``: both models saw the same
    batches and are scored on the same validation set.
    """
    classification = _is_classification(task)
    titles = ["Loss (validation bold, training faint)"]
    if classification:
        titles.append("Validation accuracy")
    titles.append("Gradient reaching step t (÷ last step)")
    traces = []
    for cell, (history, validation) in result.histories.items():
        name = CELL_NAMES[cell]
        traces += _loss_traces(history, validation, name=f"{name} ", color=CELL_COLORS[cell],
                               train_color=CELL_COLORS[cell], panel=1, show_legend=True, faint=True)
        if classification:
            traces.append(_accuracy_trace(validation, name=f"{name} ", color=CELL_COLORS[cell], panel=2))
    losses = [trace["y"] for trace in traces if trace["yaxis"] == "y"]
    flow_panel = len(titles)
    flows = {CELL_NAMES[cell]: flow for cell, flow in result.gradient_flows.items()}
    flow_traces, flow_axes = _flow_traces(flows, panel=flow_panel, show_legend=False,
                                          colors={CELL_NAMES[cell]: color for cell, color in CELL_COLORS.items()})
    layout = _merged(_panels([1] * len(titles), spacing=0.08, titles=titles),
                     _loss_axes(task, classification, losses,
                                np.concatenate([h.iterations for h, _ in result.histories.values()])), flow_axes,
                     dict(legend=dict(orientation="h", x=0, y=-0.2, yanchor="top")))
    if result.settings.truncation and result.settings.truncation < result.settings.length:
        layout = _merged(layout, _truncated(result.settings.length, result.settings.truncation, panel=flow_panel))
    return _figure(traces + flow_traces, layout, height, "recurrent-side-by-side", scale=scale)


def side_by_side_alt_text(result, task: SequenceTask) -> str:
    parts = []
    for cell, (_, validation) in result.histories.items():
        last = validation.last()
        score = f"validation loss {last['validation_loss']:.3g}"
        if "validation_accuracy" in last:
            score += f", accuracy {last['validation_accuracy']:.0%}"
        parts.append(f"{CELL_NAMES[cell]} {score}")
    return (f"RNN and LSTM after {result.iterations} iterations on the same data: " + "; ".join(parts)
            + f". The trivial predictor scores {task.baseline:.3g} ({task.baseline_label}).")


# -- text coloured by a hidden unit --------------------------------------------------------------------
def text_units_figure(text: str, values: Sequence[float], unit: int, *, columns: int = 60,
                      height: int = 220) -> go.Figure:
    """Characters laid out in rows of ``columns``, each cell coloured by ``values`` (one per
    character: a hidden unit's value after reading it, in [-1, 1], orange negative, blue positive).

    A heatmap with the characters as its text: no HTML is involved.
    """
    values = np.asarray(values, dtype=np.float64)
    if len(values) != len(text):
        raise ValueError(f"need one value per character: {len(text)} characters, {len(values)} values")
    rows = max(1, math.ceil(len(text) / columns))
    grid = np.full(rows * columns, np.nan)
    grid[:len(text)] = values
    characters = np.full(rows * columns, "", dtype=object)
    characters[:len(text)] = [_visible(ch) for ch in text]
    heatmap = dict(
        type="heatmap", z=float32_or_gap(grid.reshape(rows, columns)), text=characters.reshape(rows, columns).tolist(),
        texttemplate="%{text}", textfont=dict(size=14, family="monospace"), colorscale=DIVERGING,
        zmin=-1, zmax=1, xgap=1, ygap=1,
        colorbar=dict(thickness=10, title=dict(text=f"unit {unit}", side="right")),
        hovertemplate=f"'%{{text}}': unit {unit} = %{{z:.3f}}<extra></extra>")
    layout = dict(xaxis=dict(visible=False), yaxis=dict(visible=False, autorange="reversed"))
    return _figure([heatmap], layout, height, "recurrent-text-units", margin=dict(l=4, r=4, t=4, b=4))
