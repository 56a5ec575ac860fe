"""What a first-time visitor reads before pressing anything: what Step and Play do, and a colour key.

The key says what the colours of the decision-regions chart mean for the data set shown
(the same palette as ``playground.viz.regions`` and ``playground.viz.output_curve``):

* two classes: orange is the first class, blue the second, for the points and for the
  background, which is paler where the network is unsure;
* more classes: one colour per class, in the order of ``Dataset.class_names``;
* regression: orange is the lowest training target, blue the highest.

It is shown only at iteration 0, so it leaves once the visitor has trained.
"""
from __future__ import annotations

import streamlit as st

from playground.ui.markdown_text import literal
from playground.viz.colors import NEGATIVE, POSITIVE, class_colors

ACTIONS_LINE = "**Step** = one update of the weights; **Play** = watch it learn."


def colour_key(dataset, task: str, one_input: bool) -> tuple[list[tuple[str, str]], str]:
    """The chart's colours for ``dataset``: ([(colour, what it stands for)], what the
    background (or, for one input, the curve) shows)."""
    if task == "regression":
        low, high = float(dataset.y_train.min()), float(dataset.y_train.max())
        swatches = [(NEGATIVE, f"low {dataset.target_name} ({low:.3g})"),
                    (POSITIVE, f"high {dataset.target_name} ({high:.3g})")]
        drawn = "the curve: the network's prediction" if one_input else \
            "background: the network's prediction on the same scale"
        return swatches, drawn
    names = dataset.class_names
    colours = [NEGATIVE, POSITIVE] if len(names) == 2 else class_colors(len(names))
    drawn = "curves: the network's probability of each class" if one_input else \
        "background: the class the network predicts there, paler where it is unsure"
    return list(zip(colours, names)), drawn


def colour_key_html(swatches: list[tuple[str, str]], drawn: str) -> str:
    """The key as one line of HTML: a coloured dot before each name (shown literally: names come from
    visitors' files)."""
    entries = " ".join(f"<span style='color:{colour};font-size:1.3em'>●</span>&nbsp;{literal(name)}"
                       for colour, name in swatches)
    return f"Points: {entries}. {drawn[0].upper()}{drawn[1:]}."


def first_view_guide(trainer, one_input: bool) -> None:
    """At iteration 0: the actions line and the colour key, as a caption."""
    if trainer.iteration:
        return
    swatches, drawn = colour_key(trainer.dataset, trainer.task, one_input)
    with st.container(key="first_view_guide"):
        st.markdown(ACTIONS_LINE)
        st.caption(colour_key_html(swatches, drawn), unsafe_allow_html=True)
