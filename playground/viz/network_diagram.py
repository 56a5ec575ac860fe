"""The network diagram: one column per layer, a node per neuron, links coloured by weight.

Coordinates are in "cells": every node is a square tile of ``TILE`` x ``TILE`` cells,
nodes in a column sit ``NODE_PITCH`` cells apart and columns ``column_pitch(n)`` cells apart;
one cell is ``CELL`` plot units. For 2-D data every tile is a small picture: the neuron's
output over the input plane on a ``TILE`` x ``TILE`` grid, drawn as one shared heatmap
(the "mosaic": NaN, hence transparent, between tiles), so the whole picture costs one trace.
It is drawn with ``zsmooth="fast"`` (one pixel a cell, scaled by the browser): smooth
pictures, and a cheaper redraw for the browser than cell-by-cell drawing.

Links are SVG path shapes, one per sign and magnitude bucket (a path of ``M x0,y0 L x1,y1``
pieces), never a trace per link: a 10 x 64 network stays a dozen paths. Their geometry
depends only on the layer sizes and is cached; each frame only sorts links into buckets.
Hover comes from invisible ``mode="none"`` traces (no SVG element per point). Links as line
traces with hover markers make every redraw several times costlier for the browser. WebGL
traces look cheaper inside Plotly.react, but on a machine without a GPU every redraw then
blocks the page's main thread while the software-rendered canvas is read back for
compositing (the figures are in ``docs/performance.md``).
Orange is negative, blue positive (TensorFlow Playground's scale); thicker is larger |w|.
Each bias is a small square at its node's lower-left corner on the same colour scale.

Input names are written left of the input column in the chart's left margin, sized in
pixels, so they are never cut off whatever the chart's width: names longer than
``INPUT_LABEL_CHARS`` are shortened around an ellipsis (the full name is on hover), and
when the inputs sit closer than a line of ``LABEL_FONT_PX`` text, only every k-th is named.

``scale`` (1 normally, about 1.6 on a projector) multiplies the text sizes, the links'
widths and the bias squares; the geometry in cells stays the same.
"""
from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from playground.viz.colors import DIVERGING, LEVELS, NEGATIVE, POSITIVE, quantize, quantized_colorscale
from playground.viz.figure import as_figure, figure_dict
from playground.viz.labels import short_label
from playground.viz.model import TrainedModel
from playground.viz.regions import grid_inputs, plane_view

TILE = 10
NODE_PITCH = 13
#: Cells between columns: wide apart for a few layers, closer for many, so that a deep network
#: still fills the chart's height instead of shrinking to keep its tiles square.
WIDE_COLUMN_PITCH, NARROW_COLUMN_PITCH = 26, 18
CELL = 0.1
#: |w| thresholds separating the line-width buckets, and the widths (px) of the buckets.
WIDTH_THRESHOLDS = (0.1, 0.5, 1.0, 2.0)
WIDTHS = (0.4, 1.0, 2.0, 3.2, 4.5)
#: Largest network whose every link gets its own hover point; larger ones hover on nodes only.
MAX_HOVER_LINKS = 3000
#: Largest layer (neurons) for which the neuron pictures are drawn.
MAX_PICTURE_LAYER = 16
#: Size of the input names and column headers (px): never smaller, however many inputs.
LABEL_FONT_PX = 13
#: Longest input name written whole; longer ones are shortened around an ellipsis.
INPUT_LABEL_CHARS = 14
#: Width of a character of LABEL_FONT_PX text, generous (digits and most letters are narrower).
LABEL_PX_PER_CHAR = 7.5
#: Least distance (px) between the baselines of two input names.
LABEL_LINE_PX = LABEL_FONT_PX + 2
#: Pixels above the top row of nodes kept for the column headers.
HEADER_PX = 18
#: The chart's margin on every side but the left (which holds the input names), in pixels.
MARGIN_PX = 8
#: What the links can be coloured by (see ``link_values``).
LINK_COLOURINGS = ("weight", "gradient", "change")


def column_pitch(n_columns: int) -> int:
    """Cells from one column of nodes to the next."""
    return WIDE_COLUMN_PITCH if n_columns <= 5 else NARROW_COLUMN_PITCH


def tile_rows(layer_sizes: list[int]) -> list[np.ndarray]:
    """The top row (in cells) of every node's tile, one (n_l,) int array per layer.

    Every column is centred on the tallest, whose nodes sit ``NODE_PITCH`` cells apart.
    When the tallest column has more than ``MAX_PICTURE_LAYER`` nodes its tiles are a few
    pixels tall, so the input column is spread evenly over the whole height (its node j in
    the middle of the j-th of n equal slices) and the input names beside it stay apart.
    """
    tallest = max(layer_sizes)
    span = tallest * NODE_PITCH
    rows = []
    for column, size in enumerate(layer_sizes):
        pitch = max(NODE_PITCH, span // size) if column == 0 and tallest > MAX_PICTURE_LAYER else NODE_PITCH
        top = (span - (size - 1) * pitch - NODE_PITCH) // 2
        rows.append(top + np.arange(size) * pitch)
    return rows


def node_positions(layer_sizes: list[int]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Centre (x, y) in plot units of every node, one pair of (n_l,) arrays per layer."""
    pitch = column_pitch(len(layer_sizes))
    positions = []
    for column, (size, tops) in enumerate(zip(layer_sizes, tile_rows(layer_sizes))):
        x = np.full(size, (column * pitch + (TILE - 1) / 2) * CELL)
        positions.append((x, -(tops + (TILE - 1) / 2) * CELL))
    return positions


def input_labels(input_names: list[str], pitch_px: float) -> list[str]:
    """The text written beside each input node: its name, shortened to ``INPUT_LABEL_CHARS``;
    when the nodes are ``pitch_px`` < ``LABEL_LINE_PX`` apart, only every k-th input is named
    (k = ceil(LABEL_LINE_PX / pitch_px), the first always), the others get "".
    """
    every = max(1, int(np.ceil(LABEL_LINE_PX / max(pitch_px, 1e-9) - 1e-9)))
    return [short_label(name, INPUT_LABEL_CHARS) if j % every == 0 else "" for j, name in enumerate(input_names)]


def layer_names(layer_sizes: list[int], input_names: list[str]) -> list[list[str]]:
    """Neuron names: input features, then h<layer>.<neuron>, then out<k>."""
    names = [list(input_names)]
    for layer, size in enumerate(layer_sizes[1:-1], start=1):
        names.append([f"h{layer}.{j + 1}" for j in range(size)])
    names.append([f"out{k + 1}" if layer_sizes[-1] > 1 else "output" for k in range(layer_sizes[-1])])
    return names


@functools.lru_cache(maxsize=8)
def _geometry(layer_sizes: tuple[int, ...]) -> tuple[tuple[np.ndarray, ...], str]:
    """SVG path pieces that depend only on the layer sizes, cached between frames.

    Returns, per weight matrix W_l of shape (n_l, n_{l+1}), an object array of n_l * n_{l+1}
    strings ``"M x0,y0L x1,y1"`` in ``W_l.ravel()`` order (link i -> j at i * n_{l+1} + j),
    and one path with a closed square per node (the tile outlines).
    """
    half = (TILE / 2) * CELL
    positions = node_positions(list(layer_sizes))
    links = []
    for (x0, y0), (x1, y1) in zip(positions, positions[1:]):
        starts = [f"M{x0[0] + half:.2f},{y:.2f}" for y in y0]
        ends = [f"L{x1[0] - half:.2f},{y:.2f}" for y in y1]
        links.append(np.array([start + end for start in starts for end in ends], dtype=object))
    outlines = "".join(f"M{x - half:.2f},{y - half:.2f}H{x + half:.2f}V{y + half:.2f}H{x - half:.2f}Z"
                       for xs, ys in positions for x, y in zip(xs, ys))
    return tuple(links), outlines


def _link_shapes(layer_sizes: list[int], values: list[np.ndarray], thresholds=WIDTH_THRESHOLDS,
                 scale: float = 1.0) -> list[dict]:
    """The links as a few SVG path shapes, one per (sign, width bucket), drawn below the nodes.

    ``values`` holds one (fan_in, fan_out) array per layer (the weights, or what the links
    are coloured by); ``thresholds`` separate the width buckets by |value|.
    """
    segments, _ = _geometry(tuple(layer_sizes))
    pieces: dict[int, list[np.ndarray]] = {}
    for W, layer_segments in zip(values, segments):
        flat = W.ravel()
        key = 2 * np.searchsorted(thresholds, np.abs(flat)) + (flat >= 0)
        for k in np.unique(key):
            pieces.setdefault(int(k), []).append(layer_segments[key == k])
    shapes = []
    for k in sorted(pieces):
        bucket, positive = divmod(k, 2)
        shapes.append(dict(type="path", path="".join(np.concatenate(pieces[k])), layer="below", opacity=0.85,
                           line=dict(color=POSITIVE if positive else NEGATIVE, width=WIDTHS[bucket] * scale)))
    return shapes


def _link_hover_trace(values: list[np.ndarray], positions, names, label: str = "weight") -> dict | None:
    """Invisible hover points at every link's midpoint (``mode="none"``: no SVG per point)."""
    if sum(W.size for W in values) > MAX_HOVER_LINKS:
        return None
    xs, ys, text = [], [], []
    for layer, W in enumerate(values):
        (x0, y0), (x1, y1) = positions[layer], positions[layer + 1]
        fan_in, fan_out = W.shape
        xs.append(np.full(W.size, (x0[0] + x1[0]) / 2))
        ys.append((np.repeat(y0, fan_out) + np.tile(y1, fan_in)) / 2)
        source, target = np.repeat(names[layer], fan_out), np.tile(names[layer + 1], fan_in)
        text.extend(f"{s} → {t}: {label} {w:+.3g}" for s, t, w in zip(source, target, W.ravel()))
    return dict(type="scatter", x=np.concatenate(xs).astype(np.float32), y=np.concatenate(ys).astype(np.float32),
                mode="none", text=text, hoverinfo="text", showlegend=False)


def neuron_pictures(model: TrainedModel, resolution: int = TILE) -> list[np.ndarray]:
    """Every neuron's output over the input plane: per layer an array (size, res, res) in [-1, 1].

    Inputs show their feature value scaled to [-1, 1]; hidden neurons their activation
    clipped to [-1, 1]; outputs 2 y_hat - 1 (classification) or the scaled value.
    """
    view = plane_view(model.dataset, 0, 1)
    _, _, raw = grid_inputs(view, resolution)
    with np.errstate(all="ignore"):
        outputs = model.network.layer_outputs(model.dataset.transform(raw))
    pictures = []
    for index, values in enumerate(outputs):
        if index == 0:
            scale = np.max(np.abs(values), axis=0)
            values = values / np.where(scale > 0, scale, 1.0)
        elif index == len(outputs) - 1 and model.task == "classification":
            values = 2.0 * values - 1.0
        pictures.append(np.clip(values, -1.0, 1.0).T.reshape(-1, resolution, resolution)[:, ::-1, :])
    return pictures


def _mosaic_trace(model: TrainedModel, layer_sizes) -> dict:
    tallest = max(layer_sizes)
    pitch = column_pitch(len(layer_sizes))
    mosaic = np.full((tallest * NODE_PITCH, (len(layer_sizes) - 1) * pitch + TILE), np.nan, np.float32)
    for column, (tops, tiles) in enumerate(zip(tile_rows(layer_sizes), neuron_pictures(model))):
        left = column * pitch
        for row, tile in zip(tops, tiles):
            mosaic[row:row + TILE, left:left + TILE] = tile
    rows, cols = mosaic.shape
    return dict(type="heatmap", z=quantize(mosaic, -1.0, 1.0), x=(np.arange(cols) * CELL).astype(np.float32),
                y=(-np.arange(rows) * CELL).astype(np.float32), colorscale=quantized_colorscale(DIVERGING),
                zmin=0, zmax=LEVELS, showscale=False, hoverinfo="skip", zsmooth="fast")


def link_values(model: TrainedModel, by: str) -> list[np.ndarray] | None:
    """What to colour the links by: "weight" (the weights), "gradient" (the last recorded
    Step's gradient, regularisation included) or "change" (that Step's change of each
    weight). None for "gradient" and "change" when no Step was recorded."""
    if by == "weight":
        return model.network.weights
    if by not in LINK_COLOURINGS:
        raise ValueError(f"colour links by one of {', '.join(LINK_COLOURINGS)}, not {by!r}")
    record = model.last_step
    if record is None:
        return None
    n_layers = record.n_layers
    if by == "gradient":
        return [d + r for d, r in zip(record.data_gradients[:n_layers], record.regularization_gradients[:n_layers])]
    return record.changes[:n_layers]


def _link_colorbar(values: list[np.ndarray], label: str) -> tuple[dict, tuple[float, ...]]:
    """A colourbar on a symmetric scale [-m, m], m the largest |value|, and width thresholds
    scaled to m: the weights' fixed ones shrunk so that the widest bucket starts at m / 2."""
    largest = max((float(np.max(np.abs(v))) for v in values if v.size), default=0.0)
    largest = largest if np.isfinite(largest) and largest > 0 else 1.0
    thresholds = tuple(largest * t / (2 * WIDTH_THRESHOLDS[-1]) for t in WIDTH_THRESHOLDS)
    trace = dict(type="scatter", x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
                 marker=dict(color=[0.0], colorscale=DIVERGING, cmin=-largest, cmax=largest, showscale=True,
                             colorbar=dict(title=dict(text=label), thickness=10, len=0.8, tickformat=".2g")))
    return trace, thresholds


def network_figure(model: TrainedModel, *, height: int = 360, pictures: bool | None = None, hover: bool = True,
                   colour_links: tuple[str, list[np.ndarray]] | None = None, scale: float = 1.0) -> go.Figure:
    """``network_frame`` as a ``go.Figure``."""
    return as_figure(network_frame(model, height=height, pictures=pictures, hover=hover, colour_links=colour_links,
                                   scale=scale))


def network_frame(model: TrainedModel, *, height: int = 360, pictures: bool | None = None, hover: bool = True,
                  colour_links: tuple[str, list[np.ndarray]] | None = None, scale: float = 1.0) -> dict:
    """The diagram of ``model.network`` with its current weights and biases.

    ``pictures`` None draws neuron pictures when the data is 2-D and no layer has more
    than ``MAX_PICTURE_LAYER`` neurons. ``hover`` False leaves out the hover values (for
    frames shown while playing, which replace each other faster than a pointer can read
    them, and which redraw noticeably faster without them).
    ``colour_links`` = (label, one array per layer shaped like the weights), for example
    ``("gradient", link_values(model, "gradient"))``, colours and thickens the links by those
    values on a symmetric scale and adds a colourbar legend; None draws the weights without one.
    ``scale`` enlarges text, links and bias squares (the presenter view).
    """
    network, data = model.network, model.dataset
    sizes = network.layer_sizes
    if pictures is None:
        pictures = data.domain is not None and max(sizes) <= MAX_PICTURE_LAYER
    positions = node_positions(sizes)
    names = layer_names(sizes, data.feature_names)
    half = (TILE / 2) * CELL
    _, outlines = _geometry(tuple(sizes))
    # Links below everything; tile outlines above the pictures, or grey tiles without them.
    label, values = colour_links if colour_links is not None else ("weight", network.weights)
    colorbar, thresholds = _link_colorbar(values, label) if colour_links is not None else (None, WIDTH_THRESHOLDS)
    shapes = _link_shapes(sizes, values, thresholds, scale) + [dict(
        type="path", path=outlines, line=dict(color="#666666", width=scale),
        **(dict(layer="above") if pictures else dict(layer="below", fillcolor="#d9d9d9")))]
    link_hover = _link_hover_trace(values, positions, names, label) if hover else None
    traces = [link_hover] if link_hover is not None else []
    if colorbar is not None:
        traces.append(colorbar)
    if pictures:
        traces.append(_mosaic_trace(model, sizes))
    pixels_per_unit = height / ((max(sizes) * NODE_PITCH + 8) * CELL)
    node_size = max(4.0, min(40.0, TILE * CELL * pixels_per_unit))
    if hover:
        node_x = np.concatenate([p[0] for p in positions])
        node_y = np.concatenate([p[1] for p in positions])
        activations = ["input"] * sizes[0] + [a for a, s in zip(network.activation, sizes[1:-1]) for _ in range(s)] \
            + [network.output] * sizes[-1]
        flat_names = [n for layer in names for n in layer]
        traces.append(dict(   # invisible: what the pointer hovers over
            type="scatter", x=node_x.astype(np.float32), y=node_y.astype(np.float32), mode="none", showlegend=False,
            text=[f"{n} ({a})" for n, a in zip(flat_names, activations)], hoverinfo="text",
            customdata=flat_names,      # a click on a node names it (the Inside the step panel)
        ))
    bias_x = np.concatenate([p[0] - half for p in positions[1:]])
    bias_y = np.concatenate([p[1] - half for p in positions[1:]])
    biases = np.concatenate(network.biases)
    traces.append(dict(
        type="scatter", x=bias_x.astype(np.float32), y=bias_y.astype(np.float32), mode="markers", showlegend=False,
        marker=dict(symbol="square", size=max(3.0, node_size / 4) * scale,
                    color=np.clip(biases, -1, 1).astype(np.float32), colorscale=DIVERGING, cmin=-1, cmax=1,
                    line=dict(color="#555555", width=0.5 * scale)),
        **(dict(text=[f"bias of {n}: {b:+.3f}" for n, b in zip([n for layer in names[1:] for n in layer], biases)],
                hoverinfo="text") if hover else dict(hoverinfo="skip")),
    ))
    # Room above top_y for the column headers: HEADER_PX pixels, whatever the plot's scale.
    top_y = float(max(p[1].max() for p in positions)) + half + 0.6
    bottom_y = -(max(sizes) * NODE_PITCH) * CELL - 0.2
    plot_px = max(height - 2 * MARGIN_PX - HEADER_PX * scale, 40)
    header_units = max(0.4, HEADER_PX * scale * (top_y - bottom_y) / plot_px)
    # Text, as one trace (cheaper to redraw than annotations): input names left of the input
    # column, drawn into the left margin (cliponaxis off), and a header above every column.
    crowded = len(sizes) > 5
    headers = ["Input"] + [f"{s}" if crowded else f"{s} neuron{'s' if s > 1 else ''}" for s in sizes[1:-1]] \
        + ["Out" if crowded else "Output"]
    input_pitch = float(positions[0][1][0] - positions[0][1][1]) if sizes[0] > 1 else 1.0
    labels = input_labels(names[0], input_pitch * (height - 2 * MARGIN_PX) / (top_y + header_units - bottom_y) / scale)
    hidden = zip(sizes[1:-1], network.activation)
    column_hover = ["inputs", *(f"hidden layer {i}: {s} {a}" for i, (s, a) in enumerate(hidden, start=1)),
                    f"{network.output} output"]
    traces.append(dict(
        type="scatter", mode="text", showlegend=False, cliponaxis=False,
        x=np.concatenate([positions[0][0] - half - 0.15, [p[0][0] for p in positions]]).astype(np.float32),
        y=np.concatenate([positions[0][1], np.full(len(positions), top_y)]).astype(np.float32),
        text=[*labels, *headers],
        textposition=["middle left"] * sizes[0] + ["top center"] * len(positions),
        textfont=dict(size=LABEL_FONT_PX * scale),
        **(dict(hovertext=[*names[0], *column_hover], hoverinfo="text") if hover else dict(hoverinfo="skip")),
    ))
    width_units = (len(sizes) - 1) * column_pitch(len(sizes)) * CELL + TILE * CELL
    left_px = int(LABEL_PX_PER_CHAR * scale * max(len(label) for label in labels) + 2 * MARGIN_PX)
    layout = dict(
        height=height, margin=dict(l=left_px, r=MARGIN_PX, t=MARGIN_PX, b=MARGIN_PX), uirevision="network",
        shapes=shapes,
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", hovermode="closest",
        xaxis=dict(visible=False, range=[-half, width_units + 0.5], fixedrange=True),
        yaxis=dict(visible=False, range=[bottom_y, top_y + header_units], fixedrange=True),
    )
    if pictures:
        layout["yaxis"]["scaleanchor"] = "x"
    return figure_dict(traces, layout)


def network_alt_text(network, feature_names: list[str]) -> str:
    """A sentence for screen readers describing the diagram."""
    hidden = network.layer_sizes[1:-1]
    layers = ", ".join(f"{s} {a}" for s, a in zip(hidden, network.activation)) or "no hidden layer"
    largest = max((float(np.abs(W).max()) for W in network.weights), default=0.0)
    return (f"Network diagram: inputs {', '.join(feature_names)}; hidden layers: {layers}; "
            f"{network.layer_sizes[-1]} {network.output} output(s). Largest weight magnitude {largest:.2f}.")
