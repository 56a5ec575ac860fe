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
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from playground.data.sequences import (
    TEMPORAL_ORDER_SYMBOLS,
    SequenceTask,
    load_corpus,
    temporal_order_classes,
)
from playground.history import History
from playground.viz.colors import DIVERGING, NEGATIVE, NEUTRAL, POSITIVE
from playground.viz.curves import TEST_COLOR, TRAIN_COLOR

MARK_COLOR = "#d946ef"          # fuchsia: the marked inputs, distinct from orange and blue
BASELINE_COLOR = "#8a8f98"
CELL_COLORS = {"rnn": NEGATIVE, "lstm": "#3b82c4"}
CELL_NAMES = {"rnn": "RNN", "lstm": "LSTM"}
GATE_SCALE = [[0.0, NEUTRAL], [1.0, POSITIVE]]
FLOW_FLOOR = 1e-30              # relative gradients below this are drawn at it (float32-safe)
TRANSPARENT = "rgba(0,0,0,0)"


def _float32(values) -> np.ndarray:
    """float32 copy; NaN where float32 cannot hold the value (so Plotly leaves a gap)."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.abs(values) <= np.finfo(np.float32).max, values, np.nan).astype(np.float32)


def _layout(figure: go.Figure, height: int, revision: str, *, margin: dict | None = None,
            **extra) -> go.Figure:
    figure.update_layout(height=height, margin=margin or dict(l=48, r=12, t=30, b=34), uirevision=revision,
                         paper_bgcolor=TRANSPARENT, plot_bgcolor=TRANSPARENT, **extra)
    figure.update_annotations(font_size=13)
    return figure


def _is_classification(task: SequenceTask) -> bool:
    return task.loss == "cross_entropy"


def _loss_baseline(task: SequenceTask) -> tuple[float, str]:
    """(value, label) of the trivial predictor on the loss axis.

    mse tasks and the characters task quote their baseline as a loss; the temporal-order
    task quotes chance accuracy, whose loss is that of the uniform guess, ln K.
    """
    if task.metric == "accuracy":
        guess = math.log(task.output_size)
        return guess, f"guessing: ln {task.output_size}"
    return task.baseline, f"baseline {task.baseline:.3g}"


# -- loss curves ----------------------------------------------------------------------------------
def _loss_traces(figure: go.Figure, history: History, validation: History, *, name: str, color: str,
                 train_color: str, col: int, show_legend: bool, faint: bool = False) -> None:
    figure.add_trace(go.Scatter(
        x=history.iterations, y=_float32(history.column("train_loss")), mode="lines",
        line=dict(color=train_color, width=1 if faint else 1.5), opacity=0.45 if faint else 0.9,
        name=f"{name}training loss", legendgroup=f"{name}train", showlegend=show_legend and not faint,
        hovertemplate=f"{name}training loss %{{y:.4g}} at iteration %{{x}}<extra></extra>"), row=1, col=col)
    figure.add_trace(go.Scatter(
        x=validation.iterations, y=_float32(validation.column("validation_loss")), mode="lines+markers",
        line=dict(color=color, width=2.5), marker=dict(size=4), name=f"{name}validation loss",
        legendgroup=f"{name}validation", showlegend=show_legend,
        hovertemplate=f"{name}validation loss %{{y:.4g}} at iteration %{{x}}<extra></extra>"), row=1, col=col)


def _accuracy_trace(figure: go.Figure, validation: History, *, name: str, color: str, col: int,
                    show_legend: bool) -> None:
    figure.add_trace(go.Scatter(
        x=validation.iterations, y=_float32(validation.column("validation_accuracy")), mode="lines+markers",
        line=dict(color=color, width=2.5), marker=dict(size=4), name=f"{name}validation accuracy",
        legendgroup=f"{name}validation", showlegend=show_legend,
        hovertemplate=f"{name}validation accuracy %{{y:.1%}} at iteration %{{x}}<extra></extra>"),
        row=1, col=col)


def _baseline_line(figure: go.Figure, value: float, label: str, col: int, *, log: bool = False) -> None:
    """A dashed horizontal line at ``value`` in panel ``col``, labelled just above its left end."""
    figure.add_hline(y=value, line=dict(color=BASELINE_COLOR, dash="dash", width=1.5), row=1, col=col)
    axis = "" if col == 1 else str(col)
    figure.add_annotation(text=label, x=0, xref=f"x{axis} domain", xanchor="left", yanchor="bottom",
                          y=math.log10(value) if log else value, yref=f"y{axis}", showarrow=False,
                          font=dict(color=BASELINE_COLOR, size=12))


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


def _log_axis(figure: go.Figure, values: np.ndarray, **where) -> None:
    """Make the y axis at ``where`` (row=, col=) a log axis labelled over ``values``."""
    ticks = _log_ticks(values)
    figure.update_yaxes(type="log", tickvals=ticks, ticktext=[_log_tick_label(t) for t in ticks], **where)


def _loss_axes(figure: go.Figure, task: SequenceTask, classification: bool) -> None:
    figure.update_xaxes(title=dict(text="iteration", standoff=2), rangemode="tozero")
    if classification:
        figure.update_yaxes(type="linear", row=1, col=1)
    else:
        losses = np.concatenate([np.asarray(trace.y, dtype=np.float64) for trace in figure.data
                                 if trace.xaxis in (None, "x") and trace.y is not None] + [[task.baseline]])
        _log_axis(figure, losses, row=1, col=1)
    if classification:
        figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
        if task.metric == "accuracy":
            _baseline_line(figure, task.baseline, f"chance {task.baseline:.0%}", col=2)


def loss_figure(history: History, validation: History, task: SequenceTask, *, height: int = 230) -> go.Figure:
    """Training loss (every iteration) and validation loss, with the task's baseline.

    Classification tasks get a second panel of validation accuracy (temporal order: with
    the chance line at 25 %). The loss axis is logarithmic for mean-squared-error tasks,
    whose loss falls by orders of magnitude.
    """
    classification = _is_classification(task)
    titles = ("Loss", "Validation accuracy") if classification else ("Loss",)
    figure = make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=0.12)
    _loss_traces(figure, history, validation, name="", color=TEST_COLOR, train_color=TRAIN_COLOR, col=1,
                 show_legend=True)
    if classification:
        _accuracy_trace(figure, validation, name="", color=TEST_COLOR, col=2, show_legend=False)
    _baseline_line(figure, *_loss_baseline(task), col=1, log=not classification)
    _loss_axes(figure, task, classification)
    return _layout(figure, height, "recurrent-loss",
                   legend=dict(orientation="h", x=0, y=-0.22, yanchor="top"))


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
def _sine_prediction(figure: go.Figure, view, task) -> None:
    steps = np.arange(len(view.marks))
    figure.add_trace(go.Scatter(x=steps, y=_float32(view.targets[:, 0]), mode="lines",
                                name="target: next value", line=dict(color=TEST_COLOR, width=3)),
                     row=1, col=1)
    figure.add_trace(go.Scatter(x=steps, y=_float32(view.outputs[:, 0]), mode="lines", name="prediction",
                                line=dict(color=TRAIN_COLOR, width=2, dash="dot")), row=1, col=1)
    figure.update_yaxes(range=[-1.3, 1.3], row=1, col=1)


def _adding_prediction(figure: go.Figure, view, task) -> None:
    steps = np.arange(len(view.marks))
    values = view.inputs[:, 0]
    figure.add_trace(go.Bar(x=steps, y=_float32(values), name="values",
                            marker_color=np.where(view.marks, MARK_COLOR, BASELINE_COLOR).tolist(),
                            hovertemplate="step %{x}: value %{y:.2f}<extra></extra>"), row=1, col=1)
    figure.add_trace(go.Bar(x=["target", "model"], y=_float32([view.targets[0], view.outputs[0]]),
                            marker_color=[TEST_COLOR, TRAIN_COLOR], name="sum",
                            text=[f"{view.targets[0]:.2f}", f"{view.outputs[0]:.2f}"], textposition="outside",
                            hovertemplate="%{x}: %{y:.3f}<extra></extra>"), row=1, col=2)
    figure.update_yaxes(range=[0, 1.05], row=1, col=1)
    answers = (float(view.targets[0]), float(view.outputs[0]))
    figure.update_yaxes(range=[min(0.0, *answers) - 0.1, max(2.0, *answers) * 1.2], row=1, col=2)


def _temporal_order_prediction(figure: go.Figure, view, task) -> None:
    codes = view.inputs.argmax(axis=1)
    steps = np.arange(len(codes))
    for marked, color, size in ((False, BASELINE_COLOR, 5), (True, MARK_COLOR, 11)):
        chosen = view.marks == marked
        figure.add_trace(go.Scatter(
            x=steps[chosen], y=[TEMPORAL_ORDER_SYMBOLS[c] for c in codes[chosen]], mode="markers",
            marker=dict(color=color, size=size), name="marked" if marked else "distractors",
            hovertemplate="step %{x}: %{y}<extra></extra>"), row=1, col=1)
    figure.update_yaxes(categoryorder="array", categoryarray=list(TEMPORAL_ORDER_SYMBOLS), row=1, col=1)
    classes = temporal_order_classes()
    truth = int(view.targets)
    colors = [TEST_COLOR if k == truth else TRAIN_COLOR for k in range(len(classes))]
    figure.add_trace(go.Bar(x=classes, y=_float32(view.outputs), marker_color=colors,
                            name="class probability", hovertemplate="P(%{x}) = %{y:.1%}<extra></extra>"),
                     row=1, col=2)
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%", row=1, col=2)
    figure.add_annotation(text=f"true: {classes[truth]}", x=classes[truth], y=1.0, showarrow=False, xref="x2",
                          yref="y2", font=dict(color=TEST_COLOR))


def _text_prediction(figure: go.Figure, view, task) -> None:
    vocabulary = load_corpus().vocabulary
    shown = [_visible(ch) for ch in vocabulary]
    inputs = view.inputs.argmax(axis=1)
    truth = np.asarray(view.targets)
    steps = np.arange(len(truth))
    p_true = view.outputs[steps, truth]
    best = view.outputs.argmax(axis=1)
    figure.add_trace(go.Bar(
        x=steps, y=_float32(p_true), marker_color=np.where(best == truth, TRAIN_COLOR, NEGATIVE).tolist(),
        customdata=np.array([[shown[i], shown[t], shown[b]] for i, t, b in zip(inputs, truth, best)]),
        hovertemplate="after '%{customdata[0]}': P(next = '%{customdata[1]}') = %{y:.1%}; "
                      "top guess '%{customdata[2]}'<extra></extra>", name="P(true next character)"),
        row=1, col=1)
    figure.update_xaxes(tickvals=steps, ticktext=[shown[i] for i in inputs], tickangle=0,
                        tickfont=dict(size=11), row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=1)


_PREDICTIONS = {"sine": (_sine_prediction, "Next value: target and prediction", None),
                "adding": (_adding_prediction, "Values (the two marked in pink)", "Their sum"),
                "temporal_order": (_temporal_order_prediction, "The symbols of one sequence (X/Y in pink)",
                                   "Answer"),
                "text": (_text_prediction, "P(the true next character); blue: top guess", None)}


def prediction_figure(view, task: SequenceTask, *, height: int = 260) -> go.Figure:
    """What the model answers on one validation sequence ``view`` (a ``SequenceView``)."""
    draw, left_title, right_title = _PREDICTIONS[task.name]
    if right_title:
        figure = make_subplots(rows=1, cols=2, column_widths=[0.72, 0.28], horizontal_spacing=0.1,
                               subplot_titles=(left_title, right_title))
    else:
        figure = make_subplots(rows=1, cols=1, subplot_titles=(left_title,))
    draw(figure, view, task)
    if task.name != "text":
        figure.update_xaxes(title=dict(text="time step t", standoff=2), row=1, col=1)
    return _layout(figure, height, "recurrent-prediction", showlegend=task.name == "sine",
                   legend=dict(orientation="h", x=0, y=-0.25, yanchor="top"), bargap=0.15)


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


def _draw_marks(figure: go.Figure, marks: list[tuple[int, str]], rows: int) -> None:
    for t, label in marks:
        for row in range(1, rows + 1):
            figure.add_vline(x=t, line=dict(color=MARK_COLOR, width=2, dash="dot"), row=row, col=1)
        if label:
            figure.add_annotation(x=t, y=1.0, xref="x", yref="paper", yanchor="bottom", text=label,
                                  showarrow=False, font=dict(color=MARK_COLOR, size=13))


def states_figure(view, task: SequenceTask, *, height: int = 300) -> go.Figure:
    """Heatmaps, unit by time step: hidden state h_t; for the LSTM also c_t and the gates.

    Rows (LSTM): h_t in [-1, 1]; c_t (orange negative, blue positive, range symmetric);
    input, forget and output gates in [0, 1] (grey closed, blue open). The marked inputs
    are dotted pink lines, labelled with their value (adding) or symbol (temporal order).
    """
    panels = [("hidden h<sub>t</sub>", view.hidden, "coloraxis")]
    if view.gates is not None:
        panels += [("cell c<sub>t</sub>", view.cell_states, "coloraxis2"),
                   ("input gate", view.gates["input"], "coloraxis3"),
                   ("forget gate", view.gates["forget"], "coloraxis3"),
                   ("output gate", view.gates["output"], "coloraxis3")]
    rows = len(panels)
    figure = make_subplots(rows=rows, cols=1, shared_xaxes=True, vertical_spacing=0.035 if rows > 1 else 0.0)
    steps = np.arange(len(view.marks))
    for row, (name, values, axis) in enumerate(panels, start=1):
        figure.add_trace(go.Heatmap(
            z=_float32(values.T), x=steps, coloraxis=axis, name=name,
            hovertemplate=f"{name}, unit %{{y}}, step %{{x}}: %{{z:.3f}}<extra></extra>"), row=row, col=1)
        if rows > 1:        # a label beside each short row; the unit numbers are in the hover text
            low, high = figure.layout[f"yaxis{row if row > 1 else ''}"].domain
            figure.add_annotation(text=name, x=0, y=(low + high) / 2, xref="paper", yref="paper",
                                  xanchor="right", xshift=-4, showarrow=False, font=dict(size=12))
            figure.update_yaxes(showticklabels=False, row=row, col=1)
        else:
            figure.update_yaxes(title=dict(text=f"{name}: hidden unit", standoff=2), row=row, col=1)
    _draw_marks(figure, _mark_labels(view, task), rows)
    figure.update_xaxes(title=dict(text="time step t", standoff=2), row=rows, col=1)
    colorbar = dict(thickness=10, len=1.0 / rows, x=1.01, xpad=2, tickfont=dict(size=10), yanchor="top")
    figure.update_layout(coloraxis=dict(colorscale=DIVERGING, cmin=-1, cmax=1, colorbar=dict(
        colorbar, y=1.0, tickvals=[-1, 0, 1] if rows > 1 else None)))
    if view.gates is not None:
        cell_range = max(float(np.max(np.abs(view.cell_states))), 1e-6)
        figure.update_layout(
            coloraxis2=dict(colorscale=DIVERGING, cmin=-cell_range, cmax=cell_range, colorbar=dict(
                colorbar, y=1.0 - 1.0 / rows, nticks=3)),
            coloraxis3=dict(colorscale=GATE_SCALE, cmin=0, cmax=1, colorbar=dict(
                colorbar, len=3.0 / rows, y=3.0 / rows, tickvals=[0, 0.5, 1],
                ticktext=["0 closed", "0.5", "1 open"])))
    return _layout(figure, height, "recurrent-states",
                   margin=dict(l=84 if rows > 1 else 48, r=60 if rows > 1 else 30, t=22, b=34))


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
    return _float32(np.maximum(relative, FLOW_FLOOR))


def _flow_traces(figure: go.Figure, flows: Mapping[str, np.ndarray | None], *, row: int, col: int,
                 colors: Mapping[str, str], dashes: Mapping[str, str] | None = None) -> None:
    for name, flow in flows.items():
        if flow is None:
            continue
        figure.add_trace(go.Scatter(
            x=np.arange(len(flow)), y=_relative_flow(flow), mode="lines", name=name,
            line=dict(color=colors[name], width=2.5, dash=(dashes or {}).get(name, "solid")),
            hovertemplate=f"{name}: step %{{x}} gets %{{y:.3g}} of the last step's gradient<extra></extra>"),
            row=row, col=col)
    drawn = [_relative_flow(flow) for flow in flows.values() if flow is not None]
    _log_axis(figure, np.concatenate(drawn).astype(np.float64) if drawn else np.empty(0), row=row, col=col)
    figure.update_xaxes(title=dict(text="time step t", standoff=2), row=row, col=col)


def gradient_flow_figure(flows: Mapping[str, np.ndarray | None], *, truncation: int = 0,
                         height: int = 230) -> go.Figure:
    """The size of the gradient reaching each time step, relative to the last step (log axis).

    ``flows`` maps a line's name to the (T,) norms |dL/dh_t| of the last backward pass
    (for an LSTM pass ``{"hidden state h": ..., "cell state c": ...}``). Each line is
    divided by its value at the last step, so 1 means "as large as at the end" and 1e-10
    "ten orders of magnitude smaller": a plain RNN's line falls steeply, an LSTM's stays
    flat. Steps that truncation cut off are shaded.
    """
    figure = make_subplots(rows=1, cols=1, subplot_titles=("Gradient reaching step t (÷ last step)",))
    palette = [TRAIN_COLOR, TEST_COLOR, NEGATIVE]
    colors = {name: palette[k % len(palette)] for k, name in enumerate(flows)}
    dashes = {name: "dash" for name in list(flows)[1:]}
    _flow_traces(figure, flows, row=1, col=1, colors=colors, dashes=dashes)
    lengths = [len(flow) for flow in flows.values() if flow is not None]
    if truncation and lengths and truncation < max(lengths):
        _shade_truncated(figure, max(lengths), truncation, row=1, col=1)
    if not lengths:
        figure.add_annotation(text="Step once to see the gradient flow", x=0.5, y=0.5, xref="paper",
                              yref="paper", showarrow=False)
    return _layout(figure, height, "recurrent-flow",
                   legend=dict(orientation="h", x=0, y=-0.22, yanchor="top"))


def _shade_truncated(figure: go.Figure, length: int, truncation: int, *, row: int, col: int) -> None:
    figure.add_vrect(x0=-0.5, x1=length - truncation - 0.5, fillcolor=BASELINE_COLOR, opacity=0.15,
                     line_width=0, annotation_text=f"cut by truncation (k = {truncation})",
                     annotation_position="top left", row=row, col=col)


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
    figure = go.Figure()
    is_lstm = cell == "lstm"
    color = CELL_COLORS[cell]
    width, gap = 1.3, 1.5
    labels = ["1", "2", "…", "T"]
    carried = {"1": "1", "2": "2", "…": "T−1"}      # the state an arrow leaving each column carries

    def arrow(x0, y0, x1, y1, text="", shift=0, arrow_color=BASELINE_COLOR):
        figure.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                              showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2,
                              arrowcolor=arrow_color, text="")
        if text:
            figure.add_annotation(x=(x0 + x1) / 2, y=(y0 + y1) / 2, text=text, showarrow=False, yshift=shift,
                                  font=dict(size=13, color=arrow_color))

    def lanes(x0, x1, step):
        arrow(x0, 1.3, x1, 1.3, text=f"h<sub>{step}</sub>", shift=-12)
        if is_lstm:
            arrow(x0, 1.9, x1, 1.9, text=f"c<sub>{step}</sub>", shift=12, arrow_color=POSITIVE)

    lanes(-gap, 0, "0")
    for k, label in enumerate(labels):
        left = k * (width + gap)
        center = left + width / 2
        if label == "…":
            figure.add_annotation(x=center, y=1.6, text="⋯", showarrow=False, font=dict(size=22))
        else:
            figure.add_shape(type="rect", x0=left, x1=left + width, y0=1.0, y1=2.2,
                             line=dict(color=color, width=2), fillcolor=color, opacity=0.3)
            figure.add_annotation(x=center, y=1.6, text=f"<b>{CELL_NAMES[cell]}</b>", showarrow=False,
                                  font=dict(size=14))
            figure.add_annotation(x=center, y=0.1, text=f"x<sub>{label}</sub>", showarrow=False,
                                  font=dict(size=14))
            arrow(center, 0.35, center, 1.0)
            if many_to_many or label == "T":
                figure.add_annotation(x=center, y=3.35, text=f"ŷ<sub>{label}</sub>", showarrow=False,
                                      font=dict(size=14, color=TEST_COLOR))
                arrow(center, 2.2, center, 3.1)
        if label in carried:
            lanes(left + width, left + width + gap, carried[label])
    total = len(labels) * (width + gap) - gap
    formula = ("c<sub>t</sub> = f ⊙ c<sub>t−1</sub> + i ⊙ g,   h<sub>t</sub> = o ⊙ tanh(c<sub>t</sub>)"
               if is_lstm else
               "h<sub>t</sub> = tanh(x<sub>t</sub> W<sub>x</sub> + h<sub>t−1</sub> W<sub>h</sub> + b)")
    figure.add_annotation(x=total / 2, y=4.0, text=formula, showarrow=False, font=dict(size=14))
    figure.update_xaxes(visible=False, range=[-gap - 0.1, total + 0.1])
    figure.update_yaxes(visible=False, range=[-0.3, 4.3])
    return _layout(figure, height, f"recurrent-unrolled-{cell}", showlegend=False,
                   margin=dict(l=4, r=4, t=4, b=4))


# -- RNN and LSTM side by side ------------------------------------------------------------------------
def side_by_side_figure(result, task: SequenceTask, *, height: int = 300) -> go.Figure:
    """Losses (and accuracies) of the RNN and the LSTM together, then their gradient flows.

    ``result`` is a ``playground.recurrent_trainer.SideBySide``: both models saw the same
    batches and are scored on the same validation set.
    """
    classification = _is_classification(task)
    titles = ["Loss (validation bold, training faint)"]
    if classification:
        titles.append("Validation accuracy")
    titles.append("Gradient reaching step t (÷ last step)")
    figure = make_subplots(rows=1, cols=len(titles), subplot_titles=titles, horizontal_spacing=0.08)
    for cell, (history, validation) in result.histories.items():
        name = CELL_NAMES[cell]
        _loss_traces(figure, history, validation, name=f"{name} ", color=CELL_COLORS[cell],
                     train_color=CELL_COLORS[cell], col=1, show_legend=True, faint=True)
        if classification:
            _accuracy_trace(figure, validation, name=f"{name} ", color=CELL_COLORS[cell], col=2,
                            show_legend=False)
    _baseline_line(figure, *_loss_baseline(task), col=1, log=not classification)
    _loss_axes(figure, task, classification)
    flow_col = len(titles)
    flows = {CELL_NAMES[cell]: flow for cell, flow in result.gradient_flows.items()}
    _flow_traces(figure, flows, row=1, col=flow_col,
                 colors={CELL_NAMES[cell]: color for cell, color in CELL_COLORS.items()})
    for trace in figure.data[-len(flows):]:
        trace.showlegend = False
    if result.settings.truncation and result.settings.truncation < result.settings.length:
        _shade_truncated(figure, result.settings.length, result.settings.truncation, row=1, col=flow_col)
    return _layout(figure, height, "recurrent-side-by-side",
                   legend=dict(orientation="h", x=0, y=-0.2, yanchor="top"))


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
    figure = go.Figure(go.Heatmap(
        z=_float32(grid.reshape(rows, columns)), text=characters.reshape(rows, columns).tolist(),
        texttemplate="%{text}", textfont=dict(size=14, family="monospace"), colorscale=DIVERGING,
        zmin=-1, zmax=1, xgap=1, ygap=1,
        colorbar=dict(thickness=10, title=dict(text=f"unit {unit}", side="right")),
        hovertemplate=f"'%{{text}}': unit {unit} = %{{z:.3f}}<extra></extra>"))
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False, autorange="reversed")
    return _layout(figure, height, "recurrent-text-units", margin=dict(l=4, r=4, t=4, b=4))
