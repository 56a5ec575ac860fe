"""Every intermediate number of one sample's forward and backward pass.

For one sample x (n_inputs,) with target y, with layers l = 1..L:

    a_0 = x
    z_l = a_{l-1} W_l + b_l                  weighted sum, (fan_out,)
    a_l = f_l(z_l)                           activation; a_L = head(z_L)
    loss = the head's loss of a_L against y (no regularisation, no dropout)
    delta_L = dLoss/dz_L                     from the head and its loss
    delta_l = f_l'(z_l) * (W_{l+1} delta_{l+1})      for l < L
    dLoss/dW_l = outer(a_{l-1}, delta_l)     (fan_in, fan_out)
    dLoss/db_l = delta_l                     (fan_out,)

The numbers come from ``Network.forward_pass`` and ``Network.backward_pass`` on a batch of
one: the very code that trains the network, so what is shown is what training computes.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from playground.engine.network import Network


@dataclass(frozen=True)
class StepExplanation:
    """One sample's pass through the network; lists run over layers as the docstring says.

    ``weighted_sums[l - 1]`` is z_l, ``activations[l]`` is a_l (``activations[0]`` the
    input), ``deltas[l - 1]`` is dLoss/dz_l, ``weight_gradients[l - 1]`` dLoss/dW_l and
    ``bias_gradients[l - 1]`` dLoss/db_l. ``target`` is the row of the target matrix the
    loss compared a_L with (n_outputs,): one-hot, 0/1, or the regression value.
    """

    weighted_sums: list[np.ndarray]
    activations: list[np.ndarray]
    loss: float
    deltas: list[np.ndarray]
    weight_gradients: list[np.ndarray]
    bias_gradients: list[np.ndarray]
    target: np.ndarray


def explain_step(network: Network, x, y) -> StepExplanation:
    """Forward and backward pass of ``network`` on the single sample (x, y).

    ``x`` has shape (n_inputs,); ``y`` is a class label (classification heads) or a target
    value, or a vector of n_outputs values (the linear head), in the network's own units.
    """
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (network.layer_sizes[0],):
        raise ValueError(f"x must hold the {network.layer_sizes[0]} input values of one sample, "
                         f"got shape {x.shape}")
    X = x.reshape(1, -1)
    T = network.targets(np.asarray(y).reshape(1, -1) if np.ndim(y) else np.array([y]))
    forward = network.forward_pass(X)
    loss, delta = network.output_layer.value_and_gradient(forward.sums[-1], forward.outputs, T)
    weight_grads, bias_grads, deltas = network.backward_pass(forward, delta)
    return StepExplanation(
        weighted_sums=[z[0] for z in forward.sums],
        activations=[x, *(a[0] for a in forward.hidden_outputs), forward.outputs[0]],
        loss=float(loss),
        deltas=[d[0] for d in deltas],
        weight_gradients=weight_grads,
        bias_gradients=bias_grads,
        target=T[0],
    )
