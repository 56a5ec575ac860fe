"""Decision regions: the network's output over the input plane, with the data on top.

For 2-D sets the plane is the data's domain in (x1, x2). For tables with more inputs the
user picks the two inputs drawn across and up; every other input is held at its
training-set mean. Grid points go through the dataset's own feature map and scaling
(``Dataset.transform``) before they reach the network, exactly as the training data did.
A table with a single input has no plane: its output is drawn as a graph against that
input instead (``output_curve``), through the same functions.

What the colour means:
* two classes: 2 P(class 1) - 1 in [-1, 1], orange for class 0, blue for class 1;
* more classes: the predicted class's colour, lighter where the network is less sure
  (confidence (p_max - 1/K) / (1 - 1/K));
* regression: the predicted value on the orange-blue scale of the training targets.

The heatmap goes to the browser as one byte a cell (``colors.quantize``). ``scale`` (1
normally, about 1.6 on a projector) multiplies the points' size, the text and the margins.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from playground.viz.colors import (
    DIVERGING,
    LEVELS,
    NEGATIVE,
    POSITIVE,
    class_colors,
    class_colorscale,
    quantize,
    quantized_colorscale,
)
from playground.viz.figure import as_figure, figure_dict
from playground.viz.model import TrainedModel
from playground.viz.output_curve import curve_traces, point_heights, value_axis

RESOLUTION = 100
#: Grid points times hidden neurons allowed for one picture: bigger networks get a coarser grid.
GRID_BUDGET = 2_000_000
#: Grids kept by ``grid_inputs`` for all visitors of the process together.
GRIDS_KEPT = 8


@dataclass
class PlaneView:
    """Which two raw inputs are drawn and over what box; the rest held at their means."""

    x_axis: int
    y_axis: int
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    held: np.ndarray          # (n_inputs,) raw values for the inputs not drawn
    x_label: str
    y_label: str

    @property
    def holds_others(self) -> bool:
        return len(self.held) > 2

    @property
    def one_input(self) -> bool:
        """The data has a single input: the view is a graph of the output against it."""
        return len(self.held) == 1


def plane_view(dataset, x_axis: int = 0, y_axis: int = 1) -> PlaneView:
    """The plane to draw for ``dataset``; axis indices out of range fall back to 0 and 1."""
    n_inputs = dataset.raw_train.shape[1]
    if n_inputs == 1:
        x_axis = y_axis = 0
    elif not (0 <= x_axis < n_inputs and 0 <= y_axis < n_inputs and x_axis != y_axis):
        x_axis, y_axis = 0, 1
    if dataset.domain is not None:
        x_range, y_range = tuple(dataset.domain[:2]), tuple(dataset.domain[2:])
    else:
        raw = np.vstack([dataset.raw_train, dataset.raw_test])

        def padded(column):
            low, high = float(raw[:, column].min()), float(raw[:, column].max())
            margin = 0.05 * (high - low) or 1.0
            return low - margin, high + margin
        x_range, y_range = padded(x_axis), padded(y_axis)
    return PlaneView(x_axis, y_axis, x_range, y_range, dataset.raw_train.mean(axis=0),
                     dataset.input_names[x_axis], dataset.input_names[y_axis])


def grid_inputs(view: PlaneView, resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Axis coordinates (resolution,) each, and the raw grid points (resolution^2, n_inputs).

    Row r of the grid holds y = ys[r]; the point (r, c) is at flat index r * resolution + c.
    The arrays are read-only and shared: a playing page draws the same grid 20 times a second,
    and a class on one link shares one. ``GRIDS_KEPT`` bounds the memory: 160 kB a grid of two
    inputs, 1.7 MB of 21 (a wide table), two grids a view (the regions and the neuron pictures).
    """
    return _grid(view.x_axis, view.y_axis, view.x_range, view.y_range, tuple(view.held.tolist()), resolution)


@functools.lru_cache(maxsize=GRIDS_KEPT)
def _grid(x_axis: int, y_axis: int, x_range: tuple[float, float], y_range: tuple[float, float],
          held: tuple[float, ...], resolution: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    xs = np.linspace(*x_range, resolution)
    ys = np.linspace(*y_range, resolution)
    raw = np.tile(held, (resolution * resolution, 1))
    grid_x, grid_y = np.meshgrid(xs, ys)
    raw[:, x_axis] = grid_x.ravel()
    raw[:, y_axis] = grid_y.ravel()
    for array in (xs, ys, raw):
        array.setflags(write=False)
    return xs, ys, raw


def grid_resolution(network, largest: int = RESOLUTION) -> int:
    """Grid points per side: ``largest``, or fewer (at least 40) so that a big network's
    picture still costs about ``GRID_BUDGET`` neuron evaluations (10 x 64: 56 x 56)."""
    hidden = max(sum(network.layer_sizes[1:-1]), 1)
    return int(np.clip(np.sqrt(GRID_BUDGET / hidden), 40, largest))


#: Weights beyond this are computed in float64 even for a picture: float32 stops at 3.4e38,
#: and a diverged run's weights can pass it while its loss is still finite.
FLOAT32_SAFE_WEIGHT = 1e30


def picture_dtype(network) -> type:
    """float32 for the pictures' forward pass (see ``Network.output_sums``), float64 when
    some weight or bias is too large for float32 to hold its products."""
    largest = max(max(np.max(np.abs(W), initial=0.0), np.max(np.abs(b), initial=0.0))
                  for W, b in zip(network.weights, network.biases))
    return np.float32 if largest < FLOAT32_SAFE_WEIGHT else np.float64


def region_values(model: TrainedModel, raw_points: np.ndarray, discretize: bool = False) -> np.ndarray:
    """The colour value of each raw point (see the module docstring), float32 (m,)."""
    with np.errstate(all="ignore"):
        predictions = model.predict(model.dataset.transform(raw_points), picture_dtype(model.network))
    if model.task == "regression":
        return np.clip(predictions, np.finfo(np.float32).min, np.finfo(np.float32).max).astype(np.float32)
    n_classes = predictions.shape[1]
    if n_classes == 2:
        value = 2.0 * predictions[:, 1] - 1.0
        return (np.where(value >= 0, 1.0, -1.0) if discretize else np.clip(value, -1, 1)).astype(np.float32)
    predicted = np.argmax(predictions, axis=1)
    if discretize:
        confidence = np.ones(len(predicted))
    else:
        top = predictions[np.arange(len(predicted)), predicted]
        confidence = np.clip((top - 1.0 / n_classes) / (1.0 - 1.0 / n_classes), 0.0, 1.0)
    return (predicted + 0.999 * confidence).astype(np.float32)


def _value_scale(model: TrainedModel) -> dict:
    if model.task == "regression":
        y = model.dataset.y_train
        return {"colorscale": DIVERGING, "zmin": float(np.min(y)), "zmax": float(np.max(y))}
    n_classes = model.dataset.n_classes
    if n_classes == 2:
        return {"colorscale": DIVERGING, "zmin": -1.0, "zmax": 1.0}
    return {"colorscale": class_colorscale(n_classes), "zmin": 0.0, "zmax": float(n_classes)}


def _point_traces(model: TrainedModel, view: PlaneView, show_test: bool, scale: float = 1.0) -> list[dict]:
    data = model.dataset
    sets = [("training", data.raw_train, data.y_train, "white", 1)]
    if show_test:
        sets.append(("test", data.raw_test, data.y_test, "black", 1.2))
    traces = []
    for label, raw, y, outline, width in sets:
        x = raw[:, view.x_axis].astype(np.float32)
        yy = point_heights(model, y) if view.one_input else raw[:, view.y_axis].astype(np.float32)
        if model.task == "regression":
            marker = dict(color=np.asarray(y, np.float32), colorscale=DIVERGING, cmin=float(np.min(data.y_train)),
                          cmax=float(np.max(data.y_train)))
        else:
            palette = [NEGATIVE, POSITIVE] if data.n_classes == 2 else class_colors(data.n_classes)
            marker = dict(color=np.array(palette)[np.asarray(y, dtype=np.intp)])
        marker.update(size=(6 if len(x) < 1500 else 4) * scale, line=dict(color=outline, width=width * scale))
        traces.append(dict(type="scattergl", x=x, y=yy, mode="markers", marker=marker, name=f"{label} data",
                           hoverinfo="skip", showlegend=show_test))
    return traces


def _layout(model: TrainedModel, view: PlaneView, height: int, show_test: bool, axes_visible: bool = True,
            scale: float = 1.0) -> dict:
    """The regions chart's layout. Margins are fixed, so a figure with the same layout and
    hidden axes has exactly the same plot area and lies over it: nothing may push them, so
    the legend (shown with the test points) sits in a top margin kept for it, placed
    relative to the whole chart (``yref="container"``: a legend placed on the plot area
    grows the top margin of the figure that has it, and only the points' figure has it)."""
    layout = dict(
        height=height, margin=dict(l=40 * scale, r=10, t=(30 if show_test else 10) * scale, b=36 * scale),
        uirevision="regions", font=dict(size=12 * scale),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        legend=dict(orientation="h", x=0, y=1, yanchor="top", yref="container"),
        xaxis=dict(title=dict(text=view.x_label, standoff=4), range=list(view.x_range), constrain="domain",
                   visible=axes_visible),
        yaxis=dict(title=dict(text=view.y_label, standoff=4), range=list(view.y_range), visible=axes_visible),
    )
    if view.one_input:
        layout["yaxis"] = dict(value_axis(model), visible=axes_visible)
    if model.dataset.domain is not None:
        layout["yaxis"]["scaleanchor"] = "x"
    return layout


def regions_figure(model: TrainedModel, *, show_test: bool = False, discretize: bool = False, x_axis: int = 0,
                   y_axis: int = 1, resolution: int = RESOLUTION, height: int = 360,
                   points: bool = True, scale: float = 1.0) -> go.Figure:
    """Heatmap of the network's output over the plane, training (and test) points on top;
    for one input, the output's curves against it (``output_curve``).

    ``points`` False leaves the points out: the live chart draws them once as an overlay
    (``points_figure``) instead of in every frame.
    """
    return as_figure(regions_frame(model, show_test=show_test, discretize=discretize, x_axis=x_axis,
                                   y_axis=y_axis, resolution=resolution, height=height, points=points,
                                   scale=scale))


def regions_frame(model: TrainedModel, *, show_test: bool = False, discretize: bool = False, x_axis: int = 0,
                  y_axis: int = 1, resolution: int = RESOLUTION, height: int = 360,
                  points: bool = True, scale: float = 1.0) -> dict:
    """``regions_figure`` as a plain ``figure_dict``: a playing frame for the live chart."""
    view = plane_view(model.dataset, x_axis, y_axis)
    if view.one_input:
        curves = curve_traces(model, view.x_range, view.held, discretize)
        traces = [*curves, *_point_traces(model, view, show_test, scale)] if points else curves
        return figure_dict(traces, _layout(model, view, height, show_test, scale=scale))
    resolution = grid_resolution(model.network, resolution)
    xs, ys, raw = grid_inputs(view, resolution)
    values = region_values(model, raw, discretize).reshape(resolution, resolution)
    colours = _value_scale(model)
    heatmap = dict(type="heatmap", x=xs.astype(np.float32), y=ys.astype(np.float32), showscale=False,
                   # "none", not "skip": no hover label, but a click still reports the cell
                   hoverinfo="none", z=quantize(values, colours["zmin"], colours["zmax"]),
                   colorscale=quantized_colorscale(colours["colorscale"]), zmin=0, zmax=LEVELS)
    traces = [heatmap, *_point_traces(model, view, show_test, scale)] if points else [heatmap]
    return figure_dict(traces, _layout(model, view, height, show_test, scale=scale))


def points_figure(model: TrainedModel, *, show_test: bool = False, x_axis: int = 0, y_axis: int = 1,
                  height: int = 360, marked: int | None = None, scale: float = 1.0) -> go.Figure:
    """``points_frame`` as a ``go.Figure``."""
    return as_figure(points_frame(model, show_test=show_test, x_axis=x_axis, y_axis=y_axis, height=height,
                                  marked=marked, scale=scale))


def points_frame(model: TrainedModel, *, show_test: bool = False, x_axis: int = 0, y_axis: int = 1,
                 height: int = 360, marked: int | None = None, scale: float = 1.0) -> dict:
    """The training (and test) points alone, with the layout of ``regions_figure`` and its
    axes hidden: drawn over a regions figure made without points, the two look as one (a
    ``figure_dict``, the live chart's overlay). ``marked`` rings one training point (the
    sample the Inside the step panel explains)."""
    view = plane_view(model.dataset, x_axis, y_axis)
    traces = _point_traces(model, view, show_test, scale)
    if marked is not None and 0 <= marked < len(model.dataset.raw_train):
        traces.append(_marked_trace(model, view, marked))
    return figure_dict(traces, _layout(model, view, height, show_test, axes_visible=False, scale=scale))


def _marked_trace(model: TrainedModel, view: PlaneView, row: int) -> dict:
    """A black ring, and the row's number, around one training point."""
    data = model.dataset
    x = float(data.raw_train[row, view.x_axis])
    y = float(point_heights(model, data.y_train[row:row + 1])[0]) if view.one_input \
        else float(data.raw_train[row, view.y_axis])
    return dict(type="scatter", x=[x], y=[y], mode="markers+text", text=[f"sample {row}"],
                textposition="top center", textfont=dict(size=12, color="#111111"), showlegend=False,
                hoverinfo="skip", marker=dict(size=16, color="rgba(0,0,0,0)", line=dict(color="#111111", width=2.5)))


def regions_alt_text(model: TrainedModel, x_axis: int = 0, y_axis: int = 1) -> str:
    """A sentence for screen readers describing the decision-region chart."""
    view = plane_view(model.dataset, x_axis, y_axis)
    metrics = model.metrics
    score = (f"training accuracy {metrics['train_accuracy']:.0%}" if model.task == "classification"
             else f"training RMSE {metrics['train_rmse']:.3g}")
    if view.one_input:
        what = "predicted value" if model.task == "regression" else "class probabilities"
        return (f"Output curve: the network's {what} against {view.x_label} after {metrics['iteration']} "
                f"iterations, with the training points; {score}.")
    what = "predicted value" if model.task == "regression" else "predicted class"
    held = " Other inputs are held at their mean." if view.holds_others else ""
    return (f"Decision regions: the network's {what} over {view.x_label} (across) and {view.y_label} (up) "
            f"after {metrics['iteration']} iterations, with the training points drawn on top; {score}.{held}")
