"""The confusion matrix as a heatmap: true classes down, predicted classes across.

Every cell shows its count; the colour runs from the neutral grey (0) to blue (the largest
count). Hovering a cell gives its row share: of the rows of that true class, the part the
network put in that column (so the diagonal's shares are the classes' recalls). A class
with no rows in the split shows "no rows" instead of a share.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from playground.viz.colors import NEUTRAL, POSITIVE
from playground.viz.figure import as_figure, figure_dict
from playground.viz.labels import short_label

#: Longest class name written on an axis (longer ones end with an ellipsis; hover has the full name).
AXIS_LABEL_CHARS = 14
#: Pixels per character of the axis labels (12 px text), to size the left margin.
LABEL_PX_PER_CHAR = 7.0


def _checked(counts: np.ndarray, class_names: Sequence[str], split: str) -> np.ndarray:
    counts = np.asarray(counts)
    k = len(class_names)
    if counts.shape != (k, k):
        raise ValueError(f"counts must be ({k}, {k}) for {k} class names; got shape {counts.shape}")
    if split not in ("training", "test"):
        raise ValueError(f"split must be 'training' or 'test', not {split!r}")
    return counts.astype(np.int64)


def row_shares(counts: np.ndarray) -> np.ndarray:
    """``counts[i, j] / sum_j counts[i, j]``, float64 (K, K); NaN in the rows of a class with no rows."""
    counts = np.asarray(counts, dtype=np.float64)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / totals, np.nan)


def _hover_text(counts: np.ndarray, shares: np.ndarray, names: Sequence[str]) -> list[list[str]]:
    text = []
    for i, true in enumerate(names):
        row = []
        for j, predicted in enumerate(names):
            share = "no rows of this class" if np.isnan(shares[i, j]) else \
                f"{shares[i, j]:.0%} of the {int(counts[i].sum()):,} {true} rows"
            row.append(f"true {true}, predicted {predicted}<br>{int(counts[i, j]):,} rows: {share}")
        text.append(row)
    return text


def confusion_figure(counts: np.ndarray, class_names: Sequence[str], split: str, height: int = 300) -> go.Figure:
    """``confusion_frame`` as a ``go.Figure``."""
    return as_figure(confusion_frame(counts, class_names, split, height))


def confusion_frame(counts: np.ndarray, class_names: Sequence[str], split: str, height: int = 300) -> dict:
    """Heatmap of the (K, K) ``counts`` (rows: true class, columns: predicted class), a ``figure_dict``.

    ``split`` ("training" or "test") names the rows counted in the title, with how many of
    them were right: ``trace(counts)`` of ``counts.sum()``.
    """
    counts = _checked(counts, class_names, split)
    names = [str(name) for name in class_names]
    labels = [short_label(name, AXIS_LABEL_CHARS) for name in names]
    total, right = int(counts.sum()), int(np.trace(counts))
    title = f"{split.capitalize()} data: {right:,} of {total:,} right" + (f" ({right / total:.0%})" if total else "")
    font_size = 14 if len(names) <= 6 else 11 if len(names) <= 12 else 9
    # Numbered cells with the names as tick labels: two names shortened alike stay two classes.
    positions = list(range(len(names)))
    heatmap = dict(
        type="heatmap", z=counts, x=positions, y=positions, zmin=0, zmax=max(int(counts.max()), 1),
        colorscale=[[0.0, NEUTRAL], [1.0, POSITIVE]], showscale=False, xgap=1, ygap=1,
        text=_hover_text(counts, row_shares(counts), names), hoverinfo="text",
        texttemplate="%{z}", textfont=dict(size=font_size),
    )
    left = int(LABEL_PX_PER_CHAR * max(len(label) for label in labels)) + 30
    layout = dict(
        height=height, margin=dict(l=left, r=10, t=30, b=44),
        title=dict(text=title, font=dict(size=14), x=0, xref="paper", y=1, yref="container", yanchor="top",
                   pad=dict(t=6)),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        xaxis=dict(title=dict(text="Predicted class", standoff=4), tickvals=positions, ticktext=labels,
                   showgrid=False, zeroline=False, fixedrange=True),
        yaxis=dict(title=dict(text="True class", standoff=4), tickvals=positions, ticktext=labels,
                   autorange="reversed", showgrid=False, zeroline=False, fixedrange=True),
    )
    return figure_dict([heatmap], layout)


def confusion_alt_text(counts: np.ndarray, class_names: Sequence[str], split: str) -> str:
    """A sentence for screen readers: the matrix's total and each class's share put right."""
    counts = _checked(counts, class_names, split)
    shares = row_shares(counts)
    per_class = "; ".join(
        f"{name}: {'no rows' if np.isnan(shares[k, k]) else f'{shares[k, k]:.0%} right'}"
        for k, name in enumerate(class_names))
    return (f"Confusion matrix of the {split} data, true classes down and predicted classes across: "
            f"{int(np.trace(counts)):,} of {int(counts.sum()):,} rows right. {per_class}.")
