"""Learning curves: training and test loss, and accuracy (or RMSE), against iteration.

The trainer's history is already bounded (a few thousand rows however long it ran), so
these figures stay cheap after a million iterations.
"""
from __future__ import annotations

import plotly.graph_objects as go

from playground.viz.figure import as_figure, figure_dict, float32_or_gap, iteration_ticks

TRAIN_COLOR = "#3b82c4"     # readable on light and dark backgrounds
TEST_COLOR = "#f59322"
#: The x axes' title and the legend in one line under both panels: a legend box would cover the
#: small panels, and beside the loss panel's title it ran into the other title when the chart was
#: narrow (the presenter view with a lesson box).
BOTTOM_LINE = (f"iteration    <span style='color:{TRAIN_COLOR}'>━ training</span>  "
               f"<span style='color:{TEST_COLOR}'>┅ test</span>")
#: Each panel's (x axis, y axis) as plotly.js names them: the first is "x", never "x1" (plotly.py
#: renames "x1" in a go.Figure, plotly.js ignores it in the plain dicts the live chart sends).
AXES = {1: ("x", "y"), 2: ("x2", "y2")}


def curves_figure(history, task: str, *, log_scale: bool = False, height: int = 250,
                  scale: float = 1.0) -> go.Figure:
    """Two panels side by side: loss, then accuracy (classification) or RMSE (regression);
    ``curves_frame`` as a ``go.Figure``."""
    return as_figure(curves_frame(history, task, log_scale=log_scale, height=height, scale=scale))


def curves_frame(history, task: str, *, log_scale: bool = False, height: int = 250,
                 scale: float = 1.0) -> dict:
    """The curves as a plain ``figure_dict`` (what the live chart takes, without building a figure).

    ``scale`` multiplies the text sizes, the lines' widths, the markers and the margins that
    hold the tick labels (the presenter view).
    """
    score, score_title = ("accuracy", "Accuracy") if task == "classification" else ("rmse", "RMSE")
    iterations = history.iterations
    # A line needs two points: before the first step each curve is drawn as its one point.
    mode = "lines" if len(iterations) > 1 else "markers"
    traces = []
    for panel, (metric, title) in enumerate((("loss", "Loss"), (score, score_title)), start=1):
        for part, color, dash in (("train", TRAIN_COLOR, "solid"), ("test", TEST_COLOR, "dot")):
            traces.append(dict(
                type="scatter", x=iterations, y=float32_or_gap(history.column(f"{part}_{metric}")),
                xaxis=AXES[panel][0], yaxis=AXES[panel][1], mode=mode,
                line=dict(color=color, width=2 * scale, dash=dash),
                marker=dict(color=color, size=7 * scale), name="training" if part == "train" else "test",
                legendgroup=part,
                hovertemplate=f"{part} {title.lower()} %{{y:.4g}} at iteration %{{x}}<extra></extra>",
            ))
    layout = dict(
        height=height, margin=dict(l=40 * scale, r=10, t=17 * scale, b=31 * scale), uirevision="curves",
        font=dict(size=12 * scale),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
        xaxis=dict(domain=[0, 0.44], rangemode="tozero", anchor="y", **iteration_ticks(iterations)),
        xaxis2=dict(domain=[0.56, 1], rangemode="tozero", anchor="y2", **iteration_ticks(iterations)),
        yaxis=dict(type="log" if log_scale else "linear", anchor="x"),
        yaxis2=dict(anchor="x2", **(dict(range=[0, 1.02], tickformat=".0%") if task == "classification" else {})),
        annotations=[*(dict(text=text, x=x, xref="paper", xanchor="left", y=1.0, yref="paper", yanchor="bottom",
                            showarrow=False, font=dict(size=14 * scale))
                       for text, x in (("Loss", 0), (score_title, 0.56))),
                     # under the tick labels, in the bottom margin
                     dict(text=BOTTOM_LINE, x=0.5, xref="paper", xanchor="center", y=0, yref="paper",
                          yanchor="top", yshift=-15 * scale, showarrow=False, font=dict(size=11 * scale))],
    )
    return figure_dict(traces, layout)


def curves_alt_text(history, task: str) -> str:
    """A sentence for screen readers: where the curves start and end."""
    if not len(history):
        return "Learning curves: no iteration yet."
    last = history.last()
    first_loss = float(history.column("train_loss")[0])
    score = (f"training accuracy {last['train_accuracy']:.0%}, test accuracy {last['test_accuracy']:.0%}"
             if task == "classification" else f"training RMSE {last['train_rmse']:.3g}")
    return (f"Learning curves over {last['iteration']} iterations: training loss from {first_loss:.3g} "
            f"to {last['train_loss']:.3g}, test loss {last['test_loss']:.3g}; {score}.")
