"""The maths of one step written out with its numbers, for the "Inside the step" panel.

Every function turns the engine's numbers into text: an ``explain_step`` record
(``playground.engine.explain.StepExplanation``) for the Forward, Loss and Backward stages,
a ``playground.training.step_record.ParameterUpdate`` for the Update stage. Layers are
numbered as in the docs: layer l = 1..L has weights W_l (fan_in, fan_out), weighted sums
z_l and deltas delta_l; neurons and inputs are 0-based indices. Numbers are written with
``SIGNIFICANT`` significant digits, negative factors in parentheses.

Also the small chart of each layer's gradient norm over the iterations (log scale).
"""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from playground.engine.activations import get_activation
from playground.viz.figure import fast_figure, float32_or_gap, iteration_ticks

SIGNIFICANT = 4
#: A sum of more terms than this shows only its largest terms, then how many more.
MAX_TERMS = 16


def number(value: float) -> str:
    """``value`` with ``SIGNIFICANT`` significant digits: 0.3775, -0.04645, 1.2e+04."""
    return f"{value:.{SIGNIFICANT}g}"


def factor(value: float) -> str:
    """A number to multiply by: negative ones in parentheses, 0.4·(-0.2)."""
    return f"({number(value)})" if value < 0 else number(value)


def _sum_of_products(left: np.ndarray, right: np.ndarray, max_terms: int) -> str:
    """"l1·r1 + l2·r2 + ..."; past ``max_terms`` the largest |l·r| terms in their order, then
    "+ N more terms (together S)"."""
    products = left * right
    shown = np.arange(len(products))
    if len(products) > max_terms:
        shown = np.sort(np.argsort(-np.abs(products), kind="stable")[:max_terms])
    text = " + ".join(f"{factor(left[i])}·{factor(right[i])}" for i in shown)
    hidden = len(products) - len(shown)
    if hidden:
        rest = float(products.sum() - products[shown].sum())
        text += f" + {hidden} more terms (together {number(rest)})"
    return text


def _check_layer(record, layer: int, neuron: int | None = None) -> None:
    n_layers = len(record.weighted_sums)
    if not 1 <= layer <= n_layers:
        raise ValueError(f"layer must be 1 to {n_layers}, got {layer}")
    if neuron is not None and not 0 <= neuron < len(record.weighted_sums[layer - 1]):
        raise ValueError(f"layer {layer} has {len(record.weighted_sums[layer - 1])} neurons, no neuron {neuron + 1}")


def weighted_sum_formula(network, record, layer: int, neuron: int, max_terms: int = MAX_TERMS) -> str:
    """The weighted sum of one neuron: "z = w1·a1 + w2·a2 + … + b = value"."""
    _check_layer(record, layer, neuron)
    W, b = network.weights[layer - 1], network.biases[layer - 1]
    terms = _sum_of_products(W[:, neuron], record.activations[layer - 1], max_terms)
    return f"z = {terms} + {factor(b[neuron])} = {number(record.weighted_sums[layer - 1][neuron])}"


def activation_formula(network, record, layer: int, neuron: int) -> str:
    """The neuron's activation by name: "a = tanh(z) = tanh(0.3775) = 0.3606"; for the
    output layer the head's activation ŷ (softmax over all outputs)."""
    _check_layer(record, layer, neuron)
    z, a = record.weighted_sums[layer - 1], record.activations[layer][neuron]
    if layer < len(record.weighted_sums):
        name = network.activation[layer - 1]
        return f"a = {name}(z) = {name}({number(z[neuron])}) = {number(a)}"
    head = network.output
    if head == "linear":
        return f"ŷ = z = {number(a)} (linear output)"
    if head == "softmax":
        exps = " + ".join(f"e^{factor(v)}" for v in z)
        return f"ŷ = softmax(z) = e^{factor(z[neuron])} / ({exps}) = {number(a)}"
    return f"ŷ = sigmoid(z) = sigmoid({number(z[neuron])}) = {number(a)}"


def loss_formula(network, record, class_names: list[str] | None = None) -> list[str]:
    """The head's loss for this sample with its numbers, a line or two.

    * squared error: L = ½ Σ_k (ŷ_k - t_k)²
    * cross-entropy, softmax: L = -Σ_k t_k log ŷ_k = -log ŷ_c for the target class c
    * cross-entropy, sigmoid outputs: L = -Σ_k [t_k log ŷ_k + (1 - t_k) log(1 - ŷ_k)]
    * one-vs-all (the blog's head): K - 1 outputs, the last class scored 1 - Σ_k ŷ_k
    """
    y_hat, t = record.activations[-1], record.target
    head, value = network.output, number(record.loss)
    lines = []
    if head == "one_vs_rest":
        k = len(y_hat) + 1
        last = class_names[-1] if class_names else f"class {k}"
        score = 1.0 - float(y_hat.sum())
        lines.append(f"One-vs-all: {k - 1} outputs for {k} classes; {last} (the last) is scored "
                     f"1 - ({' + '.join(number(v) for v in y_hat)}) = {number(score)}")
    if network.loss == "squared_error":
        squares = " + ".join(f"({number(a)} - {number(b)})²" for a, b in zip(y_hat, t))
        lines.append(f"L = ½ Σ_k (ŷ_k - t_k)² = ½ [{squares}] = {value}")
    elif head == "softmax":
        c = int(np.argmax(t))
        name = class_names[c] if class_names else f"class {c + 1}"
        lines.append(f"L = -Σ_k t_k log ŷ_k = -log ŷ_{c + 1} (target {name}) = -log({number(y_hat[c])}) = {value}")
    else:
        parts = " + ".join(f"-log({number(a if b == 1 else 1 - a)})" for a, b in zip(y_hat, t))
        lines.append(f"L = -Σ_k [t_k log ŷ_k + (1 - t_k) log(1 - ŷ_k)] = {parts} = {value}")
    return lines


def delta_formula(network, record, layer: int, neuron: int, max_terms: int = MAX_TERMS) -> str:
    """δ of one neuron: the head's δ for an output, the chain rule for a hidden neuron,
    "δ_j = f'(z_j) · Σ_k w_jk δ_k = f'(0.3775)·(…) = value"."""
    _check_layer(record, layer, neuron)
    delta = number(record.deltas[layer - 1][neuron])
    if layer == len(record.weighted_sums):
        y_hat, t = record.activations[-1][neuron], record.target[neuron]
        if network.loss == "cross_entropy" or network.output == "linear":
            return f"δ = ∂L/∂z = ŷ - t = {number(y_hat)} - {number(t)} = {delta}"
        if network.output == "softmax":
            error = record.activations[-1] - record.target
            dot = float(error @ record.activations[-1])
            return (f"δ = ŷ_k ((ŷ_k - t_k) - Σ_j (ŷ_j - t_j) ŷ_j) = {number(y_hat)}·({number(y_hat - t)} - "
                    f"{factor(dot)}) = {delta}")
        return f"δ = (ŷ - t)·ŷ(1 - ŷ) = {factor(y_hat - t)}·{number(y_hat)}·{number(1 - y_hat)} = {delta}"
    activation = get_activation(network.activation[layer - 1])
    z, a = record.weighted_sums[layer - 1][neuron], record.activations[layer][neuron]
    slope = float(activation.derivative(np.array([z]), np.array([a]))[0])
    weights = network.weights[layer][neuron]
    back = float(weights @ record.deltas[layer])
    terms = _sum_of_products(weights, record.deltas[layer], max_terms)
    return (f"δ_j = f'(z_j) · Σ_k w_jk δ_k = {activation.name}'({number(z)})·({terms}) "
            f"= {number(slope)}·{factor(back)} = {delta}")


def weight_gradient_formula(record, layer: int, source: int, neuron: int) -> str:
    """∂L/∂w for the link from ``source`` (in layer - 1) to ``neuron``: "∂L/∂w = a · δ = …"."""
    _check_layer(record, layer, neuron)
    a, delta = record.activations[layer - 1][source], record.deltas[layer - 1][neuron]
    gradient = record.weight_gradients[layer - 1][source, neuron]
    return f"∂L/∂w = a · δ = {factor(a)}·{factor(delta)} = {number(gradient)}"


def bias_gradient_formula(record, layer: int, neuron: int) -> str:
    """∂L/∂b = δ for one neuron's bias."""
    _check_layer(record, layer, neuron)
    return f"∂L/∂b = δ = {number(record.bias_gradients[layer - 1][neuron])}"


def update_formula(update) -> list[str]:
    """The Update stage for one parameter, from a ``ParameterUpdate``: the gradient's two parts,
    the optimizer's state and formula with numbers, and the new value."""
    g, eta, s = update.gradient, update.learning_rate, update.settings
    before, after = update.state_before, update.state_after
    lines = [f"g = batch-mean ∂L/∂w + regularisation = {number(update.data_gradient)} + "
             f"{factor(update.regularization)} = {number(g)}"]
    old, new = number(update.old), number(update.new)
    if update.optimizer == "momentum":
        lines.append(f"v = μ·v_old - η·g = {number(s['momentum'])}·{factor(before['velocity'])} - "
                     f"{number(eta)}·{factor(g)} = {number(after['velocity'])}")
        lines.append(f"w_new = w + v = {old} + {factor(update.step)} = {new}")
    elif update.optimizer == "rmsprop":
        lines.append(f"s = ρ·s_old + (1 - ρ)·g² = {number(s['decay'])}·{number(before['mean_square'])} + "
                     f"{number(1 - s['decay'])}·{factor(g)}² = {number(after['mean_square'])}")
        lines.append(f"w_new = w - η·g / (√s + ε) = {old} - {number(eta)}·{factor(g)} / "
                     f"(√{number(after['mean_square'])} + {number(s['epsilon'])}) = {new}")
    elif update.optimizer == "adam":
        b1, b2, t = s["beta1"], s["beta2"], after["t"]
        lines.append(f"m = β1·m_old + (1 - β1)·g = {number(b1)}·{factor(before['first_moment'])} + "
                     f"{number(1 - b1)}·{factor(g)} = {number(after['first_moment'])}")
        lines.append(f"v = β2·v_old + (1 - β2)·g² = {number(b2)}·{number(before['second_moment'])} + "
                     f"{number(1 - b2)}·{factor(g)}² = {number(after['second_moment'])}")
        lines.append(f"w_new = w - η·(m / (1 - β1^t)) / (√(v / (1 - β2^t)) + ε), t = {t}: "
                     f"{old} - {number(eta)}·({number(after['first_moment'])} / {number(1 - b1 ** t)}) / "
                     f"(√({number(after['second_moment'])} / {number(1 - b2 ** t)}) + {number(s['epsilon'])}) = {new}")
    else:
        lines.append(f"w_new = w - η·g = {old} - {number(eta)}·{factor(g)} = {new}")
    lines.append(f"change {number(update.change)} (the optimizer's formula gives {number(update.step)})")
    return lines


def gradient_norm_figure(gradient_norms, height: int = 220) -> go.Figure:
    """Each layer's gradient norm over the iterations, log y: vanishing gradients sink, exploding ones soar.

    ``gradient_norms`` is a ``History`` with one column per layer ("layer 1" … "layer L").
    Zero norms (a dead layer) have no logarithm and leave a gap.
    """
    iterations = gradient_norms.iterations.astype(np.float32)
    n_layers = len(gradient_norms.columns)
    traces = []
    for column in gradient_norms.columns:
        norms = gradient_norms.column(column)
        layer = int(column.split()[-1])
        traces.append(dict(type="scatter", mode="lines", x=iterations,
                           y=float32_or_gap(np.where(norms > 0, norms, np.nan)),
                           name="output layer" if layer == n_layers else f"hidden layer {layer}",
                           hovertemplate="iteration %{x}: %{y:.3g}<extra>%{fullData.name}</extra>"))
    layout = dict(height=height, margin=dict(l=50, r=10, t=10, b=35), showlegend=True,
                  legend=dict(orientation="h", y=-0.25),
                  xaxis=dict(title=dict(text="iteration"), **iteration_ticks(iterations)),
                  yaxis=dict(type="log", title=dict(text="gradient norm"), exponentformat="power"))
    return fast_figure(traces, layout)
