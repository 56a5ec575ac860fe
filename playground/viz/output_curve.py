"""The view for data with one input column: the network's output drawn against that input.

With one input there is no plane to colour, so the picture is a graph, x = the input:

* regression: the predicted value, a curve over the data's points (x, target);
* two classes: P(second class | x), a curve from 0 to 1 in the second class's colour, with
  the points at height 0 (first class) and 1 (second class), where the curve should go;
* three or more classes: one curve P(k | x) per class in its colour, with the points in a
  strip above the curves, one lane per class.

"Discretize" turns probabilities into the decision: 0 or 1 for the chosen class.
``regions`` draws these traces in place of the heatmap (the frames) and uses
:func:`point_heights` for the points (the overlay), so the live chart works as for 2-D data.
"""
from __future__ import annotations

import numpy as np

from playground.viz.colors import POSITIVE, class_colors
from playground.viz.figure import float32_or_gap
from playground.viz.model import TrainedModel

#: Points along the input axis at which the curve is computed.
CURVE_POINTS = 200
#: Height of the strip above the probabilities that holds the points of 3+ classes.
STRIP = 0.3
#: Empty room below 0 and above the top of the value axis, as a share of its span.
PAD = 0.06
REGRESSION_CURVE = "#808080"      # mid grey: visible on the light and the dark theme


def curve_inputs(x_range: tuple[float, float], held: np.ndarray,
                 n: int = CURVE_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The input values (n,) spread over ``x_range`` and the raw rows (n, 1) that hold them.

    ``held`` is the one-element row of input means, the same row type as ``PlaneView.held``.
    """
    xs = np.linspace(*x_range, n)
    raw = np.tile(np.asarray(held, dtype=np.float64), (n, 1))
    raw[:, 0] = xs
    return xs, raw


def curve_values(model: TrainedModel, raw: np.ndarray, discretize: bool = False) -> np.ndarray:
    """What the curves show at the raw inputs ``raw`` (m, 1).

    Regression: the predicted values (m,) in the target's units. Classification: the
    class scores (m, K) clipped to [0, 1] (probabilities for the sigmoid and softmax
    heads); with ``discretize``, 1 for the predicted class and 0 for the others.
    """
    with np.errstate(all="ignore"):
        predictions = model.predict(model.dataset.transform(raw))
    if model.task == "regression":
        return predictions
    if discretize:
        chosen = np.argmax(predictions, axis=1)
        return (np.arange(predictions.shape[1]) == chosen[:, None]).astype(np.float64)
    return np.clip(predictions, 0.0, 1.0)


def _lane(n_classes: int, k: np.ndarray | int) -> np.ndarray:
    """Height of class k's lane in the strip above 1 (3+ classes)."""
    return 1.0 + PAD + (np.asarray(k) + 0.5) * STRIP / n_classes


def point_heights(model: TrainedModel, y: np.ndarray) -> np.ndarray:
    """Height of each data point (n,): the target (regression), the label 0 or 1 (two
    classes), or its class's lane in the strip above the curves (more classes)."""
    n_classes = model.dataset.n_classes
    if model.task == "regression" or n_classes == 2:
        return np.asarray(y, dtype=np.float32)
    return _lane(n_classes, np.asarray(y)).astype(np.float32)


def _target_range(model: TrainedModel) -> tuple[float, float]:
    data = model.dataset
    y = np.concatenate([data.y_train, data.y_test])
    low, high = float(np.min(y)), float(np.max(y))
    margin = PAD * (high - low) or 1.0
    return low - margin, high + margin


def value_axis(model: TrainedModel) -> dict:
    """The vertical axis: its title and fixed range (fixed, so the overlay stays aligned)."""
    data = model.dataset
    if model.task == "regression":
        return dict(title=dict(text=data.target_name, standoff=4), range=list(_target_range(model)))
    top = 1.0 + PAD if data.n_classes == 2 else 1.0 + 2 * PAD + STRIP
    title = f"P({data.class_names[1]})" if data.n_classes == 2 else "probability; the data above"
    return dict(title=dict(text=title, standoff=4), range=[-PAD, top], tickvals=[0, 0.5, 1])


def curve_traces(model: TrainedModel, x_range: tuple[float, float], held: np.ndarray,
                 discretize: bool = False) -> list[dict]:
    """The curve(s) over ``x_range`` as line traces, with hover values."""
    data = model.dataset
    xs, raw = curve_inputs(x_range, held)
    values = curve_values(model, raw, discretize)
    x = xs.astype(np.float32)
    if model.task == "regression":
        return [dict(type="scatter", mode="lines", x=x, y=float32_or_gap(values), name="prediction",
                     line=dict(color=REGRESSION_CURVE, width=3), showlegend=False,
                     hovertemplate=f"{data.input_names[0]} %{{x:.3g}}: predicted %{{y:.3g}}<extra></extra>")]
    if data.n_classes == 2:
        curves = [(1, POSITIVE)]
    else:
        curves = list(enumerate(class_colors(data.n_classes)))
    return [dict(type="scatter", mode="lines", x=x, y=values[:, k].astype(np.float32), name=data.class_names[k],
                 line=dict(color=color, width=2.5), showlegend=False,
                 hovertemplate=f"{data.input_names[0]} %{{x:.3g}}: P({data.class_names[k]}) %{{y:.2f}}<extra></extra>")
            for k, color in curves]
