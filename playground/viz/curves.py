"""Learning curves: training and test loss, and accuracy (or RMSE), against iteration.

The trainer's history is already bounded (a few thousand rows however long it ran), so
these figures stay cheap after a million iterations.
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

TRAIN_COLOR = "#3b82c4"     # readable on light and dark backgrounds
TEST_COLOR = "#f59322"


def _finite_or_none(values: np.ndarray) -> np.ndarray:
    return np.where(np.abs(values) <= np.finfo(np.float32).max, values, np.nan).astype(np.float32)


def curves_figure(history, task: str, *, log_scale: bool = False, height: int = 250) -> go.Figure:
    """Two panels side by side: loss, then accuracy (classification) or RMSE (regression)."""
    score, score_title = ("accuracy", "Accuracy") if task == "classification" else ("rmse", "RMSE")
    figure = make_subplots(rows=1, cols=2, horizontal_spacing=0.12,
                           subplot_titles=("Loss", score_title))
    iterations = history.iterations
    for column, (metric, title) in enumerate((("loss", "loss"), (score, score_title)), start=1):
        for part, color, dash in (("train", TRAIN_COLOR, "solid"), ("test", TEST_COLOR, "dot")):
            figure.add_trace(go.Scattergl(
                x=iterations, y=_finite_or_none(history.column(f"{part}_{metric}")), mode="lines",
                line=dict(color=color, width=2, dash=dash), name=f"{part} {title.lower()}",
                legendgroup=part, showlegend=column == 1,
                hovertemplate=f"{part} {title.lower()} %{{y:.4g}} at iteration %{{x}}<extra></extra>",
            ), row=1, col=column)
    figure.update_xaxes(title=dict(text="iteration", standoff=2), rangemode="tozero")
    figure.update_yaxes(type="log" if log_scale else "linear", row=1, col=1)
    if task == "classification":
        figure.update_yaxes(range=[0, 1.02], tickformat=".0%", row=1, col=2)
    figure.update_layout(
        height=height, margin=dict(l=40, r=10, t=24, b=30), uirevision="curves",
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        legend=dict(orientation="h", x=0, y=-0.3, yanchor="top"),
    )
    figure.update_annotations(font_size=14)
    return figure


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
