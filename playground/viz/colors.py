"""The playground's colours: TensorFlow Playground's orange-to-blue scale and a class palette."""
from __future__ import annotations

import numpy as np

NEGATIVE = "#f59322"   # orange: negative weights, values and the first of two classes
NEUTRAL = "#e8eaeb"
POSITIVE = "#0877bd"   # blue: positive weights, values and the second of two classes

#: Diverging scale for values in [-1, 1] (or [0, 1]): orange, light grey, blue.
DIVERGING = [[0.0, NEGATIVE], [0.5, NEUTRAL], [1.0, POSITIVE]]

#: One colour per class for multi-class data (two-class data uses orange and blue).
CLASS_COLORS = ("#f59322", "#0877bd", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                "#e377c2", "#7f7f7f", "#bcbd22", "#17becf")
#: Lighter versions used for low-confidence regions.
LIGHT = "#f7f7f7"


def class_colors(n_classes: int) -> list[str]:
    """The colour of each class (cycling past ten classes)."""
    return [CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(n_classes)]


def class_colorscale(n_classes: int) -> list[list]:
    """A colorscale for z = class + confidence in [0, n_classes): light -> full class colour.

    Each class k owns the band [k / K, (k + 1) / K) of the scale.
    """
    scale = []
    for k, color in enumerate(class_colors(n_classes)):
        scale.append([k / n_classes, LIGHT])
        scale.append([(k + 1) / n_classes - 1e-9 if k + 1 < n_classes else 1.0, color])
    return scale


#: Heatmaps are sent to the browser as one byte a cell: 0 is transparent (no data), 1-255
#: cover the colour scale. 255 levels look continuous and weigh a quarter of float32.
LEVELS = 255
TRANSPARENT = "rgba(0,0,0,0)"


def quantize(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Values in [low, high] -> uint8 levels 1..255 (clipped); NaN -> 0 (drawn transparent)."""
    values = np.asarray(values, dtype=np.float64)
    span = high - low if high > low else 1.0
    levels = 1 + np.rint((np.clip(values, low, high) - low) / span * (LEVELS - 1))
    return np.where(np.isnan(values), 0, levels).astype(np.uint8)


def quantized_colorscale(colorscale: list[list]) -> list[list]:
    """``colorscale`` moved onto the levels of ``quantize``: level 0 transparent, 1..255 the scale.

    Use with ``zmin=0, zmax=LEVELS``.
    """
    first = 1 / LEVELS
    return [[0.0, TRANSPARENT], [first * 0.999, TRANSPARENT]] + [
        [first + position * (1 - first), color] for position, color in colorscale]
