"""Building Plotly figures fast.

``go.Figure`` validates every property on construction, which costs more than the whole
frame may take when the page draws ten or more frames a second. The views therefore
write their traces and layout as plain dicts and wrap them with validation switched off.
The tests rebuild every view's figure *with* validation (``go.Figure(figure.to_dict())``),
so a misspelt property still fails a test.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go


def fast_figure(traces: Sequence[dict[str, Any]], layout: dict[str, Any]) -> go.Figure:
    """A ``go.Figure`` from trace dicts (each with its ``type``) and a layout dict, unvalidated."""
    return go.Figure(data=list(traces), layout=layout, _validate=False)


def float32_or_gap(values) -> np.ndarray:
    """``values`` as float32, NaN (a gap in a Plotly line, never NaN text) where float32
    cannot hold them: infinities, NaN and magnitudes beyond float32's largest."""
    values = np.asarray(values, dtype=np.float64)
    return np.where(np.abs(values) <= np.finfo(np.float32).max, values, np.nan).astype(np.float32)
