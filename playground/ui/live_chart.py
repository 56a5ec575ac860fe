"""A flicker-free live Plotly chart: one plotly.js chart kept alive, updated in place.

``st.plotly_chart`` remounts its chart whenever it is given a new figure, so a chart
redrawn every frame vanishes and redraws (docs/performance.md has the measurements).
This module's ``st.components.v2`` component keeps one plotly.js chart in the page
and calls ``Plotly.react`` with each figure's JSON, so the chart is updated in place.
It can be handed several frames per rerun and plays them ``frame_interval_ms`` apart,
then holds the last one, so a fragment that reruns a few times a second shows many frames.

An ``overlay`` figure is drawn in a second plotly.js chart laid over the first (same
layout geometry, transparent, not clickable) and redrawn only when it changes: the decision
regions' data points, which stay put while the picture under them changes every frame:
drawing them (WebGL) in every frame cost the browser more than the picture under them.

plotly.js itself is the file shipped in the installed ``plotly`` package
(``plotly/package_data/plotly.min.js``). Sending it as the component's JavaScript
would put 4.8 MB into every rerun's message, so it is served over HTTP instead:
the package directory is declared as a (never mounted) ``st.components.v1``
component path, which makes Streamlit serve its files at
``<baseUrlPath>/component/<name>/plotly.min.js``. The component's JavaScript loads
that URL once per page and keeps it in the browser's Cache Storage, so later page
loads do not download it again.

Usage::

    live_chart([figure_a, figure_b, figure_c], key="regions", height=420,
               alt="Decision regions of the network over the input plane")
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st
import streamlit.components.v1 as components_v1
from streamlit import runtime
from streamlit.runtime import Runtime

COMPONENT_NAME = "neural_playground.live_chart"
PLOTLY_JS_FILENAME = "plotly.min.js"
PLOTLY_PACKAGE_DATA = Path(plotly.__file__).parent / "package_data"
DEFAULT_CONFIG: dict[str, Any] = {"displayModeBar": False, "responsive": True}
# Lists of at least this many floats are sent as float32 typed arrays (numpy float arrays always are).
FLOAT32_MIN_SIZE = 16


def _compact_js(source: str) -> str:
    """Drop comment lines and indentation: the component's JS travels with every rerun."""
    lines = (line.strip() for line in source.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


_JS = _compact_js(Path(__file__).with_name("live_chart.js").read_text(encoding="utf-8"))
_CSS = ".np-live-chart { width: 100%; }\n"

# isolate_styles=False: plotly.js injects its stylesheet into document.head, which
# would not reach a chart inside a shadow root.
_mount_live_chart = st.components.v2.component(COMPONENT_NAME, js=_JS, css=_CSS, isolate_styles=False)

Figure = go.Figure | Mapping[str, Any]


def _float32_typed_array(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Turn plotly's float64 typed-array spec ``{"dtype": "f8", "bdata": ...}`` into float32."""
    values = np.frombuffer(base64.b64decode(spec["bdata"]), dtype="<f8")
    converted = dict(spec)
    converted["dtype"] = "f4"
    converted["bdata"] = base64.b64encode(values.astype("<f4").tobytes()).decode("ascii")
    return converted


#: plotly.js's typed-array names for the numpy integer types it can decode.
_INTEGER_CODES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4"}


def _typed_array_spec(array: np.ndarray, code: str) -> dict[str, Any]:
    """A plotly.js typed-array spec ``{"dtype", "bdata", "shape"}`` for ``array``, already of the
    little-endian type ``code`` names. (Plotly's own ``to_typed_array_spec`` does the same for
    integers but first asks every dataframe library whether the array is theirs: half a
    playing frame's conversion time.)"""
    spec: dict[str, Any] = {"dtype": code, "bdata": base64.b64encode(array.tobytes()).decode("ascii")}
    if array.ndim > 1:
        spec["shape"] = ", ".join(str(n) for n in array.shape)
    return spec


def _ndarray_spec(array: np.ndarray) -> dict[str, Any]:
    """A plotly.js typed-array spec for a float array, sent as float32."""
    return _typed_array_spec(np.ascontiguousarray(array, dtype="<f4"), "f4")


def _integer_spec(array: np.ndarray) -> dict[str, Any] | list:
    """An integer array as the narrowest typed array plotly.js decodes that holds it (int64
    becomes int32 when its values fit), else as a list."""
    if array.dtype.name not in _INTEGER_CODES:
        if array.min() < np.iinfo(np.int32).min or array.max() > np.iinfo(np.int32).max:
            return array.tolist()
        array = array.astype(np.int32)
    code = _INTEGER_CODES[array.dtype.name]
    return _typed_array_spec(np.ascontiguousarray(array, dtype=f"<{code}"), code)


def _to_float32(value: Any) -> Any:
    """Recursively send float arrays as float32 typed arrays (plotly.js >= 2.28 decodes them):
    every numpy float array, and lists of at least ``FLOAT32_MIN_SIZE`` floats. Numpy
    integer arrays go as typed arrays of their own width (``_integer_spec``).

    Builds new containers: ``value`` itself is never modified.
    """
    if isinstance(value, np.ndarray):
        if value.size and value.dtype.kind == "f":
            return _ndarray_spec(value)
        if value.size and value.dtype.kind in "iu":
            return _integer_spec(value)
        return value.tolist()
    if isinstance(value, Mapping):
        if value.get("dtype") == "f8" and isinstance(value.get("bdata"), str):
            return _float32_typed_array(value)
        return {key: _to_float32(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if len(value) >= FLOAT32_MIN_SIZE and all(isinstance(item, float) for item in value):
            return _ndarray_spec(np.asarray(value, dtype=np.float64))
        return [_to_float32(item) for item in value]
    return value


def figure_to_frame(figure: Figure, *, keep_template: bool = False) -> dict[str, Any]:
    """One frame for the browser: ``{"data": [...], "layout": {...}}`` with float32 arrays.

    The Plotly template is dropped unless ``keep_template`` (it is ~10 kB per frame,
    and the component applies the page theme instead, as ``st.plotly_chart`` does).
    """
    data, layout = _figure_parts(figure)
    layout = dict(layout)
    if not keep_template:
        layout.pop("template", None)
    return {"data": _to_float32(list(data)), "layout": _to_float32(layout)}


def _figure_parts(figure: Figure) -> tuple[list, Mapping[str, Any]]:
    """A figure's traces and layout as plain dicts, numpy arrays left as they are.

    ``go.Figure.to_plotly_json()`` deep-copies the whole figure and encodes every array as
    float64 base64, which ``_to_float32`` would then decode and encode again as float32, a
    cost paid by every frame of a playing rerun. A ``go.Figure``
    keeps its traces and layout as dicts in ``_data`` and ``_layout`` (plotly's own storage,
    the source of ``to_dict``); they are only read here.
    """
    if isinstance(figure, go.Figure):
        return figure._data, figure._layout          # noqa: SLF001 (read only, see above)
    return list(figure.get("data") or []), figure.get("layout") or {}


def _digest(value: Any) -> str:
    return hashlib.blake2b(pio.json.to_json_plotly(value).encode("utf-8"), digest_size=8).hexdigest()


def frame_payload(
    figures: Sequence[Figure],
    *,
    frame_interval_ms: int,
    height: int,
    alt: str,
    plotly_url: str,
    theme: Literal["streamlit"] | None = "streamlit",
    config: Mapping[str, Any] | None = None,
    overlay: Figure | None = None,
) -> dict[str, Any]:
    """The JSON-serialisable message the component receives for one rerun.

    ``batch`` is a digest of the frames, so that a rerun which hands over the same
    frames again (say, after an unrelated widget change) does not replay them;
    ``overlay_digest`` does the same for the overlay (None when there is none).
    """
    if isinstance(figures, go.Figure | Mapping):
        raise TypeError("figures must be a list of figures, not a single figure")
    frames = [figure_to_frame(figure, keep_template=theme is None) for figure in figures]
    overlay_frame = None if overlay is None else figure_to_frame(overlay, keep_template=theme is None)
    return {
        "frames": frames,
        "batch": _digest(frames),
        "overlay": overlay_frame,
        "overlay_digest": None if overlay_frame is None else _digest(overlay_frame),
        "interval_ms": max(1, int(frame_interval_ms)),
        "height": int(height),
        "alt": alt,
        "theme": theme,
        "config": dict(DEFAULT_CONFIG if config is None else config),
        "plotly_url": plotly_url,
    }


def encode_payload(payload: Mapping[str, Any]) -> bytes:
    """UTF-8 JSON bytes (NaN becomes null), sent to the browser as the component's data."""
    return pio.json.to_json_plotly(payload).encode("utf-8")


@functools.lru_cache(maxsize=1)
def _served_plotly_package(server: Runtime) -> str:
    """Register the plotly package's data directory with ``server`` for serving, once (the
    registration inspects the calling module and the directory); its component name."""
    return components_v1.declare_component("plotlyjs", path=str(PLOTLY_PACKAGE_DATA)).name


def plotly_js_url() -> str:
    """The URL of the plotly.js script, served from the plotly package's data directory."""
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base}" if base else ""
    served = _served_plotly_package(runtime.get_instance())
    return f"{prefix}/component/{served}/{PLOTLY_JS_FILENAME}?v={plotly.__version__}"


def live_chart(
    figures: Sequence[Figure],
    *,
    key: str,
    height: int,
    frame_interval_ms: int = 66,
    alt: str = "",
    theme: Literal["streamlit"] | None = "streamlit",
    config: Mapping[str, Any] | None = None,
    overlay: Figure | None = None,
    on_click: Callable[[], None] | None = None,
) -> None:
    """Show ``figures`` in one live chart, ``frame_interval_ms`` apart, and hold the last.

    Parameters
    ----------
    figures
        Frames to play in order (``go.Figure`` or plotly dicts); usually built by
        ``playground.viz``. One figure simply updates the chart.
    key
        Widget key; the same key keeps the same chart across reruns.
    height
        Chart height in pixels (the width stretches to the container).
    frame_interval_ms
        Time between frames; 66 ms is ~15 frames/s.
    alt
        Text for screen readers (the chart's ``aria-label``).
    theme
        ``"streamlit"`` drops the figure's template and uses the page theme
        (transparent backgrounds, theme text and grid colours); ``None`` keeps it.
    config
        plotly.js config; default hides the mode bar and resizes with the page.
    overlay
        A figure drawn over every frame and redrawn only when it changes. It must have
        the frames' layout geometry (height, fixed margins, axis ranges and constraints)
        and transparent backgrounds; it takes no pointer events.
    on_click
        Called (as a widget callback) when the visitor clicks the chart; ``clicked(key)``
        then gives the clicked point's ``x``, ``y`` and ``customdata``, and where the pointer
        was in the axes' units (``pointer_x``, ``pointer_y``).
    """
    payload = frame_payload(
        figures,
        frame_interval_ms=frame_interval_ms,
        height=height,
        alt=alt,
        plotly_url=plotly_js_url(),
        theme=theme,
        config=config,
        overlay=overlay,
    )
    payload["clickable"] = on_click is not None
    callbacks = {"on_click_change": on_click} if on_click is not None else {}
    _mount_live_chart(key=key, data=encode_payload(payload), height=height, width="stretch", **callbacks)


def clicked(key: str) -> Mapping[str, Any] | None:
    """The last click on the live chart ``key`` (``x``, ``y``, ``customdata``, ``pointer_x``,
    ``pointer_y``), or None."""
    result = st.session_state.get(key)
    value = getattr(result, "click", None) if result is not None else None
    if value is None and isinstance(result, Mapping):
        value = result.get("click")
    return value if isinstance(value, Mapping) else None
