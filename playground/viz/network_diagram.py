"""The network diagram: one column per layer, a node per neuron, links coloured by weight.

Coordinates are in "cells": every node is a square tile of ``TILE`` x ``TILE`` cells,
nodes in a column sit ``NODE_PITCH`` cells apart and columns ``column_pitch(n)`` cells apart;
one cell is ``CELL`` plot units. For 2-D data every tile is a small picture: the neuron's
output over the input plane on a ``TILE`` x ``TILE`` grid, drawn as one shared heatmap
(the "mosaic": NaN, hence transparent, between tiles), so the whole picture costs one trace.
It is drawn with ``zsmooth="fast"`` (one pixel a cell, scaled by the browser): smooth
pictures, and about 5 ms less per Plotly.react than cell-by-cell drawing in headless Chromium.

Links are SVG path shapes, one per sign and magnitude bucket (a path of ``M x0,y0 L x1,y1``
pieces), never a trace per link: a 10 x 64 network stays a dozen paths. Their geometry
depends only on the layer sizes and is cached; each frame only sorts links into buckets.
Hover comes from invisible ``mode="none"`` traces (no SVG element per point). Measured in
headless Chromium without a GPU, one Plotly.react of TensorFlow Playground's largest network
(7 inputs, six layers of 8) took ~100 ms with links as line traces and hover markers, ~34 ms
this way; WebGL traces looked cheaper inside Plotly.react but every redraw then blocked the
page's main thread reading the software-rendered canvas back for compositing.
Orange is negative, blue positive (TensorFlow Playground's scale); thicker is larger |w|.
Each bias is a small square at its node's lower-left corner on the same colour scale.

``scale`` (1 normally, about 1.6 on a projector) multiplies the text sizes, the links'
widths and the bias squares; the geometry in cells stays the same.
"""
from __future__ import annotations

import functools

import numpy as np
import plotly.graph_objects as go

from playground.viz.colors import DIVERGING, LEVELS, NEGATIVE, POSITIVE, quantize, quantized_colorscale
from playground.viz.figure import fast_figure
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
LABEL_PX_PER_CHAR = 7.5
#: Pixels above the top row of nodes kept for the column headers (13 px text).
HEADER_PX = 18
#: The chart's margin on every side, in pixels.
MARGIN_PX = 8
ASSUMED_WIDTH_PX = 520


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


def _link_shapes(network, scale: float = 1.0) -> list[dict]:
    """The links as a few SVG path shapes, one per (sign, width bucket), drawn below the nodes;
    a bucket's width is ``WIDTHS[bucket] * scale`` pixels."""
    segments, _ = _geometry(tuple(network.layer_sizes))
    pieces: dict[int, list[np.ndarray]] = {}
    for W, layer_segments in zip(network.weights, segments):
        flat = W.ravel()
        key = 2 * np.searchsorted(WIDTH_THRESHOLDS, np.abs(flat)) + (flat >= 0)
        for k in np.unique(key):
            pieces.setdefault(int(k), []).append(layer_segments[key == k])
    shapes = []
    for k in sorted(pieces):
        bucket, positive = divmod(k, 2)
        shapes.append(dict(type="path", path="".join(np.concatenate(pieces[k])), layer="below", opacity=0.85,
                           line=dict(color=POSITIVE if positive else NEGATIVE, width=WIDTHS[bucket] * scale)))
    return shapes


def _link_hover_trace(network, positions, names) -> dict | None:
    """Invisible hover points at every link's midpoint (``mode="none"``: no SVG per point)."""
    if sum(W.size for W in network.weights) > MAX_HOVER_LINKS:
        return None
    xs, ys, text = [], [], []
    for layer, W in enumerate(network.weights):
        (x0, y0), (x1, y1) = positions[layer], positions[layer + 1]
        fan_in, fan_out = W.shape
        xs.append(np.full(W.size, (x0[0] + x1[0]) / 2))
        ys.append((np.repeat(y0, fan_out) + np.tile(y1, fan_in)) / 2)
        source, target = np.repeat(names[layer], fan_out), np.tile(names[layer + 1], fan_in)
        text.extend(f"{s} → {t}: weight {w:+.3f}" for s, t, w in zip(source, target, W.ravel()))
    return dict(type="scatter", x=np.concatenate(xs).astype(np.float32), y=np.concatenate(ys).astype(np.float32),
                mode="none", text=text, hoverinfo="text", showlegend=False)


def neuron_pictures(trainer, resolution: int = TILE) -> list[np.ndarray]:
    """Every neuron's output over the input plane: per layer an array (size, res, res) in [-1, 1].

    Inputs show their feature value scaled to [-1, 1]; hidden neurons their activation
    clipped to [-1, 1]; outputs 2 y_hat - 1 (classification) or the scaled value.
    """
    view = plane_view(trainer.dataset, 0, 1)
    _, _, raw = grid_inputs(view, resolution)
    with np.errstate(all="ignore"):
        outputs = trainer.network.layer_outputs(trainer.dataset.transform(raw))
    pictures = []
    for index, values in enumerate(outputs):
        if index == 0:
            scale = np.max(np.abs(values), axis=0)
            values = values / np.where(scale > 0, scale, 1.0)
        elif index == len(outputs) - 1 and trainer.task == "classification":
            values = 2.0 * values - 1.0
        pictures.append(np.clip(values, -1.0, 1.0).T.reshape(-1, resolution, resolution)[:, ::-1, :])
    return pictures


def _mosaic_trace(trainer, layer_sizes) -> dict:
    tallest = max(layer_sizes)
    pitch = column_pitch(len(layer_sizes))
    mosaic = np.full((tallest * NODE_PITCH, (len(layer_sizes) - 1) * pitch + TILE), np.nan, np.float32)
    for column, (tops, tiles) in enumerate(zip(tile_rows(layer_sizes), neuron_pictures(trainer))):
        left = column * pitch
        for row, tile in zip(tops, tiles):
            mosaic[row:row + TILE, left:left + TILE] = tile
    rows, cols = mosaic.shape
    return dict(type="heatmap", z=quantize(mosaic, -1.0, 1.0), x=(np.arange(cols) * CELL).astype(np.float32),
                y=(-np.arange(rows) * CELL).astype(np.float32), colorscale=quantized_colorscale(DIVERGING),
                zmin=0, zmax=LEVELS, showscale=False, hoverinfo="skip", zsmooth="fast")


def network_figure(trainer, *, height: int = 360, pictures: bool | None = None, hover: bool = True,
                   scale: float = 1.0) -> go.Figure:
    """The diagram of ``trainer.network`` with its current weights and biases.

    ``pictures`` None draws neuron pictures when the data is 2-D and no layer has more
    than ``MAX_PICTURE_LAYER`` neurons. ``hover`` False leaves out the hover values (for
    frames shown while playing, which replace each other faster than a pointer can read
    them; they cost the browser about a third of a redraw of TF Playground's largest network).
    ``scale`` enlarges text, links and bias squares (the presenter view).
    """
    network, data = trainer.network, trainer.dataset
    sizes = network.layer_sizes
    if pictures is None:
        pictures = data.domain is not None and max(sizes) <= MAX_PICTURE_LAYER
    positions = node_positions(sizes)
    names = layer_names(sizes, data.feature_names)
    half = (TILE / 2) * CELL
    _, outlines = _geometry(tuple(sizes))
    # Links below everything; tile outlines above the pictures, or grey tiles without them.
    shapes = _link_shapes(network, scale) + [dict(
        type="path", path=outlines, line=dict(color="#666666", width=scale),
        **(dict(layer="above") if pictures else dict(layer="below", fillcolor="#d9d9d9")))]
    link_hover = _link_hover_trace(network, positions, names) if hover else None
    traces = [link_hover] if link_hover is not None else []
    if pictures:
        traces.append(_mosaic_trace(trainer, sizes))
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
    # Text, as one trace (cheaper to redraw than annotations): input names to the left of
    # the input column, and a header above every column.
    crowded = len(sizes) > 5
    headers = ["Input"] + [f"{s}" if crowded else f"{s} neuron{'s' if s > 1 else ''}" for s in sizes[1:-1]] \
        + ["Out" if crowded else "Output"]
    top_y = float(max(p[1].max() for p in positions)) + half + 0.6
    label_size = (13 if sizes[0] <= 16 else 9) * scale
    traces.append(dict(
        type="scatter", mode="text", hoverinfo="skip", showlegend=False,
        x=np.concatenate([positions[0][0] - half - 0.15, [p[0][0] for p in positions]]).astype(np.float32),
        y=np.concatenate([positions[0][1], np.full(len(positions), top_y)]).astype(np.float32),
        text=[*names[0], *headers],
        textposition=["middle left"] * sizes[0] + ["top center"] * len(positions),
        textfont=dict(size=[label_size] * sizes[0] + [13 * scale] * len(positions)),
    ))
    width_units = (len(sizes) - 1) * column_pitch(len(sizes)) * CELL + TILE * CELL
    # Room for the input labels: about LABEL_PX_PER_CHAR px a character on a chart about
    # ASSUMED_WIDTH_PX wide, converted to plot units.
    label_px = LABEL_PX_PER_CHAR * scale * max(len(n) for n in names[0]) + 12
    left_units = max(1.0, label_px * width_units / max(ASSUMED_WIDTH_PX - label_px, 100))
    # Room above top_y for the column headers: HEADER_PX pixels, whatever the plot's scale.
    bottom_y = -(max(sizes) * NODE_PITCH) * CELL - 0.2
    plot_px = max(height - 2 * MARGIN_PX - HEADER_PX * scale, 40)
    header_units = max(0.4, HEADER_PX * scale * (top_y - bottom_y) / plot_px)
    layout = dict(
        height=height, margin=dict(l=MARGIN_PX, r=MARGIN_PX, t=MARGIN_PX, b=MARGIN_PX), uirevision="network",
        shapes=shapes,
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", hovermode="closest",
        xaxis=dict(visible=False, range=[-left_units, width_units + 0.5], fixedrange=True),
        yaxis=dict(visible=False, range=[bottom_y, top_y + header_units], fixedrange=True),
    )
    if pictures:
        layout["yaxis"]["scaleanchor"] = "x"
    return fast_figure(traces, layout)


def network_alt_text(network, feature_names: list[str]) -> str:
    """A sentence for screen readers describing the diagram."""
    hidden = network.layer_sizes[1:-1]
    layers = ", ".join(f"{s} {a}" for s, a in zip(hidden, network.activation)) or "no hidden layer"
    largest = max((float(np.abs(W).max()) for W in network.weights), default=0.0)
    return (f"Network diagram: inputs {', '.join(feature_names)}; hidden layers: {layers}; "
            f"{network.layer_sizes[-1]} {network.output} output(s). Largest weight magnitude {largest:.2f}.")
