"""Building Plotly figures fast.

``go.Figure`` validates every property on construction, which costs more than the whole
frame may take when the page draws ten or more frames a second. The views therefore
write their traces and layout as plain dicts and wrap them with validation switched off.
The tests rebuild every view's figure *with* validation (``go.Figure(figure.to_dict())``),
so a misspelt property still fails a test.

Even unvalidated, a ``go.Figure`` costs about a millisecond to build (it sets up its layout
object), as much as the decision regions' whole forward pass. The frames a playing rerun
hands to the live chart therefore stay plain dicts (``figure_dict``, the ``*_frame``
functions of the views); ``as_figure`` wraps one for everything else.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go


def fast_figure(traces: Sequence[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A ``go.Figure`` from trace dicts (each with its ``type``) and a layout dict, unvalidated."""
    return go.Figure(data=list(traces), layout=layout, _validate=False)


def figure_dict(traces: Sequence[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A figure as plotly.js takes it, ``{"data": [trace dicts], "layout": layout dict}``."""
    return {"data": list(traces), "layout": layout}


def as_figure(figure: dict[str, Any]) -> go.Figure:
    """A ``figure_dict`` as an unvalidated ``go.Figure``."""
    return fast_figure(figure["data"], figure["layout"])


def float32_or_gap(values) -> np.ndarray:
    """``values`` as float32, NaN (a gap in a Plotly line, never NaN text) where float32
    cannot hold them: infinities, NaN and magnitudes beyond float32's largest."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.abs(values) <= np.finfo(np.float32).max, values, np.nan).astype(np.float32)


def iteration_ticks(iterations) -> dict[str, Any]:
    """Axis settings that keep an iteration axis on whole numbers: over a short span Plotly's
    automatic ticks would fall between iterations (0.5, 1.5), so every iteration gets one."""
    span = float(np.ptp(iterations)) if len(iterations) else 0.0
    return {"dtick": 1} if span <= 10 else {}
