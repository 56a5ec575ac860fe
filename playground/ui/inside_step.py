"""The "Inside the step" panel: one sample's forward pass, loss, backward pass and the last update.

The numbers come from the engine (``Trainer.explain_sample``, ``Trainer.last_step``) and are
written out by ``playground.viz.step_maths``. The panel keeps its choices in
``st.session_state`` under the ``STEP_*`` keys below; the page may set ``STEP_SAMPLE`` (a
training row, from a click on the regions chart) and ``STEP_NEURON`` (a neuron name such as
"h1.2", from a click on the diagram) before calling ``inside_step_panel``. A choice that no
longer exists (other data, other layers) falls back to the first valid one with a note.
"""
from __future__ import annotations

import streamlit as st

from playground.training.gradient_check import check_last_batch
from playground.training.health import health_sentences, layer_health, stuck_hint
from playground.training.step_record import parameter_update
from playground.ui.live_chart import live_chart
from playground.ui.markdown_text import literal
from playground.viz.network_diagram import LINK_COLOURINGS, layer_names, link_values
from playground.viz.step_maths import (
    activation_formula,
    bias_gradient_formula,
    delta_formula,
    gradient_norm_figure,
    loss_formula,
    update_formula,
    weight_gradient_formula,
    weighted_sum_formula,
)

STEP_STAGE = "step_stage"
STEP_SAMPLE = "step_sample"
STEP_NEURON = "step_neuron"
STEP_LINK = "step_link"
STEP_LINK_COLOURING = "step_link_colouring"
STEP_CHECK = "step_check"
STEP_EDIT_VALUE = "step_edit_value"
STEP_EDIT_FOR = "step_edit_for"        # (link label, its value) the edit box was filled from
STEP_EDIT_ERROR = "step_edit_error"

GRADIENT_NORMS_HEIGHT = 220
STAGES = ("Forward", "Loss", "Backward", "Update")
CHECK_MEANING = ("A small error (below about 1e-6) shows that backpropagation's gradients equal the slopes "
                 "measured by nudging each parameter up and down by 0.00001, so every update follows the "
                 "true downhill direction of the loss.")
HAND_EDIT_NOTE = ("A shared link does not carry hand edits: it rebuilds the network from its settings. "
                  "Go back one iteration to undo an edit.")


def link_colouring(trainer):
    """The diagram's ``colour_links`` argument for the "Colour links by" choice, or None
    (weights, or no Step recorded yet): ``network_figure(trainer, colour_links=link_colouring(trainer))``."""
    by = st.session_state.get(STEP_LINK_COLOURING) or "weight"
    values = link_values(trainer, by) if by in LINK_COLOURINGS else None
    return None if values is None or by == "weight" else (by, values)


def _keep_valid(key: str, options: list, what: str) -> None:
    """Replace a stored choice that is no longer among ``options`` by the first one, with a note."""
    chosen = st.session_state.get(key)
    if chosen is not None and chosen not in options:
        st.session_state[key] = options[0]
        st.caption(f"{what} {chosen} no longer exists: showing {options[0]} instead.")


def _choose_sample(trainer) -> int:
    data = trainer.dataset
    n = len(data.X_train)
    stored = st.session_state.get(STEP_SAMPLE)
    if stored is not None and not (isinstance(stored, int) and 0 <= stored < n):
        st.session_state[STEP_SAMPLE] = 0
        st.caption(f"Sample {stored} no longer exists (the training set has {n:,} points): showing sample 0.")
    index = int(st.number_input(f"Training sample (0 to {n - 1:,})", min_value=0, max_value=n - 1, step=1,
                                key=STEP_SAMPLE, help="Or click a training point on the decision regions"))
    inputs = ", ".join(f"{literal(name)} = {value:.4g}" for name, value in zip(data.input_names, data.raw_train[index]))
    y = data.y_train[index]
    target = literal(data.class_names[int(y)]) if trainer.task == "classification" else f"{float(y):.4g}"
    st.markdown(f"**Sample {index}**: {inputs}; {literal(data.target_name)}: **{target}**")
    return index


def _neuron_options(trainer) -> tuple[list[str], dict[str, tuple[int, int]]]:
    """Names of every hidden and output neuron, and name -> (layer 1..L, neuron index)."""
    names = layer_names(trainer.network.layer_sizes, trainer.dataset.feature_names)
    where = {name: (layer, j) for layer, layer_names_ in enumerate(names[1:], start=1)
             for j, name in enumerate(layer_names_)}
    return list(where), where


def _link_options(trainer, names, layer: int, neuron: int) -> dict[str, tuple[str, int, object]]:
    """The chosen neuron's incoming links and bias: label -> (kind, layer 0-based, index)."""
    target = names[layer][neuron]
    links = {f"{source} → {target}": ("weight", layer - 1, (i, neuron)) for i, source in enumerate(names[layer - 1])}
    links[f"bias of {target}"] = ("bias", layer - 1, neuron)
    return links


def _stage_text(trainer, stage: str, record, layer: int, neuron: int, link) -> None:
    network = trainer.network
    if stage == "Forward":
        st.markdown("The **weighted sum** of its inputs, then the **activation**:")
        st.code(weighted_sum_formula(network, record, layer, neuron) + "\n"
                + activation_formula(network, record, layer, neuron), language=None)
    elif stage == "Loss":
        outputs = ", ".join(f"{v:.4g}" for v in record.activations[-1])
        targets = ", ".join(f"{v:.4g}" for v in record.target)
        st.markdown(f"Output ({outputs}) against the target ({targets}):")
        st.code("\n".join(loss_formula(network, record, trainer.dataset.class_names or None)), language=None)
        if trainer.task == "regression":
            st.caption("Regression targets are trained standardised (mean 0, standard deviation 1).")
    elif stage == "Backward":
        kind, link_layer, index = link
        st.markdown("The error travels back: the neuron's **delta** by the chain rule, then the link's gradient:")
        gradient = weight_gradient_formula(record, link_layer + 1, index[0], neuron) if kind == "weight" \
            else bias_gradient_formula(record, link_layer + 1, neuron)
        st.code(delta_formula(network, record, layer, neuron) + "\n" + gradient, language=None)
    else:
        step = trainer.last_step
        if step is None:
            st.info("Press Step to see what one update does to this weight: the last change was not recorded.")
            return
        kind, link_layer, index = link
        update = parameter_update(step, kind, link_layer, index)
        rows = ", ".join(str(i) for i in step.batch_indices[:12]) + (" …" if len(step.batch_indices) > 12 else "")
        st.markdown(f"Iteration {step.iteration:,} used a mini-batch of {len(step.batch_indices):,} samples "
                    f"(rows {rows}) and the {step.optimizer} optimizer:")
        st.code("\n".join(update_formula(update)), language=None)


def _run_check(trainer) -> None:
    st.session_state[STEP_CHECK] = (id(trainer), trainer.iteration, check_last_batch(trainer))


def _gradient_check(trainer) -> None:
    st.button("Check the gradients", key="step_check_button", on_click=_run_check, args=(trainer,),
              help="Central differences on the current network and the last mini-batch")
    stored = st.session_state.get(STEP_CHECK)
    if not stored or stored[:2] != (id(trainer), trainer.iteration):
        return
    result = stored[2]
    checked = f"all {result.n_parameters:,} parameters" if result.n_checked == result.n_parameters else \
        f"{result.n_checked:,} of {result.n_parameters:,} parameters (chosen at random)"
    st.markdown(f"**max relative error {result.max_relative_error:.1e}** over {checked}, "
                f"on a mini-batch of {result.batch_size:,} samples.")
    notes = [CHECK_MEANING]
    if not result.complete:
        notes.append(f"The time limit stopped it after {result.n_checked:,} of the {result.n_planned:,} planned.")
    if result.at_a_kink:
        notes.append("A ReLU-like weighted sum sits at its kink (|z| below 1e-4), where the slope jumps: "
                     "a large error there is expected, not a bug.")
    st.caption(" ".join(notes))


def _health(trainer) -> None:
    st.markdown("**Health**")
    if len(trainer.gradient_norms):
        # The live chart updates in place; st.plotly_chart re-created its chart on every Step, about
        # 60-100 ms of the browser's work before the Step's counters and charts settled.
        live_chart([gradient_norm_figure(trainer.gradient_norms, height=GRADIENT_NORMS_HEIGHT)],
                   key="step_gradient_norms", height=GRADIENT_NORMS_HEIGHT,
                   config={"displayModeBar": False},
                   alt="Gradient norm of each layer per iteration, log scale")
        st.caption("Gradient norm of each layer per iteration (log scale): lines sinking towards 0 are "
                   "vanishing gradients, lines shooting up are exploding ones.")
    layers = layer_health(trainer.network, trainer.dataset.X_train)
    for sentence in health_sentences(layers):
        st.markdown(sentence)
    hint = stuck_hint(trainer, layers)
    if hint:
        st.warning(hint)
    if trainer.diverged:
        st.error(trainer.diverged)


def _edit(trainer, kind: str, layer: int, index) -> None:
    try:
        trainer.set_parameter(kind, layer, index, st.session_state[STEP_EDIT_VALUE])
        st.session_state[STEP_EDIT_ERROR] = None
    except (ValueError, TypeError) as error:
        st.session_state[STEP_EDIT_ERROR] = str(error)


def _hand_edit(trainer, label: str, link) -> None:
    kind, layer, index = link
    current = float((trainer.network.weights if kind == "weight" else trainer.network.biases)[layer][index])
    st.markdown(f"**Edit by hand**: {label} is now {current:.4g}.")
    if st.session_state.get(STEP_EDIT_FOR) != (label, current):    # another link, or it changed: refill
        st.session_state[STEP_EDIT_FOR] = (label, current)
        st.session_state[STEP_EDIT_VALUE] = current
    st.number_input("New value", format="%.6g", key=STEP_EDIT_VALUE)
    st.button("Set it", key="step_edit_button", on_click=_edit, args=(trainer, kind, layer, index))
    if st.session_state.get(STEP_EDIT_ERROR):
        st.error(st.session_state[STEP_EDIT_ERROR])
    st.caption(HAND_EDIT_NOTE)


def inside_step_panel(trainer) -> None:
    """The panel: choices, the four stages, the gradient check, health and the hand edit."""
    if trainer is None:
        return
    st.subheader("Inside the step")
    sample = _choose_sample(trainer)
    options, where = _neuron_options(trainer)
    _keep_valid(STEP_NEURON, options, "Neuron")
    name = st.selectbox("Neuron", options, key=STEP_NEURON, help="Or click a neuron in the diagram")
    layer, neuron = where[name]
    names = layer_names(trainer.network.layer_sizes, trainer.dataset.feature_names)
    links = _link_options(trainer, names, layer, neuron)
    if st.session_state.get(STEP_LINK) not in links:
        st.session_state[STEP_LINK] = next(iter(links))
    link_label = st.selectbox("Link into it (or its bias)", list(links), key=STEP_LINK)
    # A default only on first use: the page may have set these keys (a default as well would warn).
    st.segmented_control("Colour links by", LINK_COLOURINGS, key=STEP_LINK_COLOURING,
                         default=None if STEP_LINK_COLOURING in st.session_state else "weight")
    stage = st.segmented_control("Stage", STAGES, key=STEP_STAGE,
                                 default=None if STEP_STAGE in st.session_state else STAGES[0]) or STAGES[0]
    record = trainer.explain_sample(sample)
    _stage_text(trainer, stage, record, layer, neuron, links[link_label])
    _gradient_check(trainer)
    _hand_edit(trainer, link_label, links[link_label])
    _health(trainer)
