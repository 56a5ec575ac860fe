"""The live chart component: its frame payload, and a page using it under AppTest."""

from __future__ import annotations

import base64
import json
import math
import textwrap
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from playground.ui import live_chart as lc

REPO = Path(__file__).resolve().parents[2]


def decode_typed_array(spec: dict) -> np.ndarray:
    values = np.frombuffer(base64.b64decode(spec["bdata"]), dtype=np.dtype(spec["dtype"]).newbyteorder("<"))
    if "shape" in spec:
        values = values.reshape([int(n) for n in spec["shape"].split(",")])
    return values


def heatmap(offset: float) -> go.Figure:
    z = np.arange(12.0).reshape(3, 4) / 10 + offset  # float64 on purpose
    return go.Figure(go.Heatmap(z=z, x=[0.0, 1.0, 2.0, 3.0], y=[0.0, 1.0, 2.0]), layout={"title": "t"})


def payload_for(figures, **overrides):
    arguments = dict(frame_interval_ms=50, height=300, alt="regions", plotly_url="/component/x/plotly.min.js")
    arguments.update(overrides)
    return lc.frame_payload(figures, **arguments)


def test_payload_is_a_frame_list_in_order_with_float32_arrays():
    payload = payload_for([heatmap(0.0), heatmap(1.0)])

    assert [frame["layout"]["title"]["text"] for frame in payload["frames"]] == ["t", "t"]
    first, second = (frame["data"][0]["z"] for frame in payload["frames"])
    assert first["dtype"] == "f4" and second["dtype"] == "f4"
    np.testing.assert_array_equal(
        decode_typed_array(first), (np.arange(12.0).reshape(3, 4) / 10).astype(np.float32)
    )
    np.testing.assert_array_equal(
        decode_typed_array(second), (np.arange(12.0).reshape(3, 4) / 10 + 1).astype(np.float32)
    )
    assert payload["interval_ms"] == 50
    assert payload["height"] == 300
    assert payload["alt"] == "regions"
    assert payload["plotly_url"] == "/component/x/plotly.min.js"


def test_payload_is_json_with_no_template_and_nan_as_null():
    figure = go.Figure(go.Scatter(x=[0.0, 1.0], y=[1.0, math.nan]))
    raw = lc.encode_payload(payload_for([figure]))

    decoded = json.loads(raw.decode("utf-8"))  # strict JSON: no NaN literal
    assert decoded["frames"][0]["data"][0]["y"] == [1.0, None]
    assert "template" not in decoded["frames"][0]["layout"]
    kept = payload_for([figure], theme=None)
    assert "template" in kept["frames"][0]["layout"]


def test_large_float_lists_and_arrays_become_float32_small_ones_stay():
    long_list = [0.5 * i for i in range(lc.FLOAT32_MIN_SIZE)]
    converted = lc._to_float32({"y": long_list, "x": [1.0, 2.0], "z": np.ones((4, 5))})

    assert converted["x"] == [1.0, 2.0]
    np.testing.assert_array_equal(decode_typed_array(converted["y"]), np.float32(long_list))
    assert converted["z"]["dtype"] == "f4" and converted["z"]["shape"] == "4, 5"


def test_an_overlay_travels_once_with_its_own_digest():
    points = go.Figure(go.Scatter(x=[0.0, 1.0], y=[1.0, 2.0], mode="markers"))
    payload = payload_for([heatmap(0.0), heatmap(1.0)], overlay=points)

    assert payload["overlay"]["data"][0]["y"] == [1.0, 2.0]
    assert "template" not in payload["overlay"]["layout"]
    assert payload["overlay_digest"] == payload_for([heatmap(0.5)], overlay=points)["overlay_digest"]
    moved = go.Figure(go.Scatter(x=[0.0, 1.0], y=[1.0, 3.0], mode="markers"))
    assert payload["overlay_digest"] != payload_for([heatmap(0.0)], overlay=moved)["overlay_digest"]
    assert payload["batch"] == payload_for([heatmap(0.0), heatmap(1.0)])["batch"]
    without = payload_for([heatmap(0.0)])
    assert without["overlay"] is None and without["overlay_digest"] is None


def test_same_frames_give_the_same_batch_and_new_frames_a_new_one():
    assert payload_for([heatmap(0.0)])["batch"] == payload_for([heatmap(0.0)])["batch"]
    assert payload_for([heatmap(0.0)])["batch"] != payload_for([heatmap(0.5)])["batch"]


def test_a_single_figure_instead_of_a_list_is_refused():
    with pytest.raises(TypeError):
        payload_for(heatmap(0.0))


def test_plotly_js_is_in_the_installed_package():
    assert (lc.PLOTLY_PACKAGE_DATA / lc.PLOTLY_JS_FILENAME).stat().st_size > 1_000_000


def test_a_page_using_the_live_chart_runs_under_apptest(tmp_path):
    script = tmp_path / "page.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import sys
            sys.path.insert(0, {str(REPO)!r})
            import numpy as np
            import plotly.graph_objects as go
            import streamlit as st
            from playground.ui.live_chart import live_chart

            figures = [go.Figure(go.Heatmap(z=np.full((20, 20), float(i)))) for i in range(3)]
            live_chart(figures, key="regions", height=320, frame_interval_ms=40, alt="Decision regions")
            st.write("after the chart")
            """
        )
    )
    app = AppTest.from_file(str(script), default_timeout=60).run()

    assert not app.exception
    assert [markdown.value for markdown in app.markdown] == ["after the chart"]
    (chart,) = app.get("bidi_component")
    assert chart.proto.component_name == lc.COMPONENT_NAME
    payload = json.loads(chart.proto.bytes.decode("utf-8"))
    assert len(payload["frames"]) == 3
    assert payload["frames"][2]["data"][0]["z"]["dtype"] == "f4"
    assert payload["alt"] == "Decision regions"
    assert payload["interval_ms"] == 40
    assert payload["plotly_url"].endswith("/plotly.min.js?v=" + __import__("plotly").__version__)
    assert "/component/" in payload["plotly_url"]
    assert "Plotly.react" in chart.proto.js_content
    assert len(chart.proto.js_content) < 20_000  # plotly.js itself is never inlined

    app.run()  # a rerun keeps working
    assert not app.exception


def _decoded(value):
    """A frame with every typed array decoded to a list of floats (to compare encodings)."""
    if isinstance(value, dict) and "bdata" in value:
        return decode_typed_array(value).astype(float).tolist()
    if isinstance(value, dict):
        return {key: _decoded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_decoded(item) for item in value]
    return value


def test_frames_read_from_the_figure_equal_plotly_s_own_serialisation():
    """``figure_to_frame`` reads a go.Figure's dicts directly (no deep copy); the frame must
    hold the same values as one made from ``to_plotly_json()``, arrays at float32 precision."""
    from playground.training.config import DEFAULT
    from playground.training.trainer import Trainer
    from playground.viz.curves import curves_figure
    from playground.viz.network_diagram import network_figure
    from playground.viz.regions import points_figure, regions_figure

    trainer = Trainer(DEFAULT.with_changes(dataset="iris", show_test=True))
    trainer.step(20)
    for figure in (regions_figure(trainer, show_test=True), points_figure(trainer, show_test=True),
                   network_figure(trainer), curves_figure(trainer.history, trainer.task), heatmap(0.5)):
        as_json = figure.to_plotly_json()
        layout = dict(as_json["layout"])
        layout.pop("template", None)
        expected = {"data": lc._to_float32(as_json["data"]), "layout": lc._to_float32(layout)}
        frame = lc.figure_to_frame(figure)
        assert json.dumps(_decoded(frame), sort_keys=True) == json.dumps(_decoded(expected), sort_keys=True)
