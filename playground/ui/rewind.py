"""Going back in time: return to an earlier iteration's network and train on from there.

The trainer keeps snapshots at iteration 0, at powers of two and at recent multiples of
50 (``playground.training.history.SnapshotStore``); going back restores one of them exactly
(parameters, optimizer state, shuffling), so training on replays what happened before
unless a setting was changed in between.
"""
from __future__ import annotations

import streamlit as st

from playground.ui.session import PLAYGROUND as session


def _go_back(iteration: int) -> None:
    trainer = st.session_state.get(session.trainer_key)
    if trainer is None:
        return
    reached = trainer.resume_from(iteration)
    st.session_state[session.playing_key] = False
    st.session_state[session.previous_metrics_key] = None
    session.add_notice(f"Back at iteration {reached:,}: the network, optimizer and data order are as they were.",
                       good_news=True)


def rewind(trainer) -> None:
    """An expander to pick a kept iteration and go back to it."""
    if trainer is None:
        return
    with st.expander("Go back to an earlier iteration"):
        earlier = [i for i in trainer.snapshots.iterations if i < trainer.iteration]
        if not earlier:
            st.caption("Train a little first: the network is kept at iteration 0, 1, 2, 4, 8, ... "
                       "and every 50 iterations lately.")
            return
        choice = st.select_slider("Kept iterations", options=earlier, value=earlier[-1],
                                  key=f"rewind_to_{trainer.iteration}", format_func=lambda i: f"{i:,}")
        st.button(f"Go back to iteration {choice:,}", key="rewind", on_click=_go_back, args=(choice,),
                  help="Later iterations are forgotten; Play or Step trains on from there")
