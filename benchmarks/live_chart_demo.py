"""Demo for benchmarks/flicker.py: a heatmap that changes every frame, while "playing".

    streamlit run benchmarks/live_chart_demo.py -- --mode component --frames 4 --interval-ms 66
    streamlit run benchmarks/live_chart_demo.py -- --mode plotly_chart --interval-ms 66

``component``: a fragment reruns every ``frames * interval_ms`` and hands ``frames``
new figures to ``live_chart``, which plays them ``interval_ms`` apart.
``plotly_chart``: a fragment reruns every ``interval_ms`` and draws one new figure
with ``st.plotly_chart`` (the design the issue measured as flickering).
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from playground.ui.live_chart import live_chart

GRID = np.linspace(-6.0, 6.0, 100)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["component", "plotly_chart"], default="component")
    parser.add_argument("--frames", type=int, default=4, help="frames handed over per rerun (component)")
    parser.add_argument("--interval-ms", type=int, default=66)
    return parser.parse_args(sys.argv[1:])


def heatmap_figure(frame: int) -> go.Figure:
    """A 100 x 100 decision-region-like heatmap whose boundary rotates with ``frame``."""
    angle = 0.08 * frame
    xx, yy = np.meshgrid(GRID, GRID)
    u = xx * np.cos(angle) + yy * np.sin(angle)
    v = -xx * np.sin(angle) + yy * np.cos(angle)
    z = np.tanh(np.sin(u) * np.cos(0.5 * v) + 0.1 * u)
    figure = go.Figure(
        go.Heatmap(
            x=GRID, y=GRID, z=z.astype(np.float32), zmin=-1, zmax=1, colorscale="RdBu", showscale=False
        )
    )
    figure.update_layout(
        title=f"frame {frame}",
        margin=dict(l=30, r=10, t=30, b=30),
        uirevision="regions",
        xaxis=dict(range=[-6, 6]),
        yaxis=dict(range=[-6, 6], scaleanchor="x"),
    )
    return figure


args = parse_args()
st.set_page_config(page_title="live chart demo", layout="centered")
st.session_state.setdefault("frame", 0)
run_every = (args.frames if args.mode == "component" else 1) * args.interval_ms / 1000


@st.fragment(run_every=run_every)
def playing() -> None:
    if args.mode == "component":
        first = st.session_state.frame
        figures = [heatmap_figure(first + i) for i in range(args.frames)]
        st.session_state.frame = first + args.frames
        live_chart(
            figures,
            key="regions",
            height=420,
            frame_interval_ms=args.interval_ms,
            alt="Demo heatmap: a rotating decision boundary",
        )
    else:
        st.session_state.frame += 1
        st.plotly_chart(heatmap_figure(st.session_state.frame), key="regions", height=420)
    st.caption(f"frames built: {st.session_state.frame}")


st.title(f"live chart demo: {args.mode}")
playing()
