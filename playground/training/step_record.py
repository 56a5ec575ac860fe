"""What one Step did to every parameter: the numbers behind the "Update" stage.

Parameters are listed as the optimizer sees them: the L weight matrices W_l (fan_in, fan_out),
then the L bias vectors b_l (fan_out,). With g = g_data + g_reg, where g_data is the gradient
of the mini-batch's mean loss and g_reg that of the penalty l1 sum|w| + l2/2 sum w^2
(l1 sign(w) + l2 w on weights, 0 on biases), and eta the learning rate, the change applied
to one parameter w is

* SGD       -eta g
* momentum  v = mu v_old - eta g;  change = v
* RMSProp   s = rho s_old + (1 - rho) g^2;  change = -eta g / (sqrt(s) + eps)
* Adam      m = b1 m_old + (1 - b1) g;  v = b2 v_old + (1 - b2) g^2;  t = t_old + 1;
            change = -eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

``parameter_update`` evaluates that formula for one parameter from the record's numbers, so
the page can show it, and the tests check it against the change the optimizer applied.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from playground.engine.optimizers import add_regularization_gradient

PARAMETER_KINDS = ("weight", "bias")


@dataclass(frozen=True)
class StepRecord:
    """One iteration's update of every parameter (lists: weights, then biases)."""

    iteration: int                          # the iteration this update produced
    batch_indices: np.ndarray               # (batch,) rows of the training set in the mini-batch
    optimizer: str                          # "sgd", "momentum", "rmsprop" or "adam"
    settings: dict[str, float]              # learning_rate and the optimizer's other settings
    l1: float
    l2: float
    data_gradients: list[np.ndarray]        # d(mean batch loss)/dp
    regularization_gradients: list[np.ndarray]  # d(penalty)/dp
    state_before: dict                      # Optimizer.state before the update
    state_after: dict                       # ... and after it
    old_parameters: list[np.ndarray]
    changes: list[np.ndarray]               # new - old, as applied

    @property
    def n_layers(self) -> int:
        return len(self.old_parameters) // 2

    def position(self, kind: str, layer: int) -> int:
        """Index in the parameter lists of layer ``layer``'s (0-based) weights or biases."""
        if kind not in PARAMETER_KINDS:
            raise ValueError(f"kind must be one of {PARAMETER_KINDS}, got {kind!r}")
        if not 0 <= layer < self.n_layers:
            raise ValueError(f"layer must be 0..{self.n_layers - 1}, got {layer}")
        return layer + (self.n_layers if kind == "bias" else 0)


def record_step(iteration: int, batch_indices: np.ndarray, optimizer, l1: float, l2: float,
                data_gradients: list[np.ndarray], old_parameters: list[np.ndarray], state_before: dict,
                new_parameters: list[np.ndarray]) -> StepRecord:
    """Assemble the record of an update that took ``old_parameters`` to ``new_parameters``.

    ``old_parameters`` and ``data_gradients`` are kept as given (pass copies);
    ``new_parameters`` are only read.
    """
    n_layers = len(old_parameters) // 2
    regularization = [np.zeros_like(p) for p in old_parameters]
    add_regularization_gradient(old_parameters[:n_layers], regularization[:n_layers], l1, l2)
    return StepRecord(
        iteration=iteration, batch_indices=batch_indices, optimizer=optimizer.name,
        settings=optimizer.settings(), l1=l1, l2=l2, data_gradients=data_gradients,
        regularization_gradients=regularization, state_before=state_before,
        state_after=optimizer.state(new_parameters), old_parameters=old_parameters,
        changes=[new - old for new, old in zip(new_parameters, old_parameters)],
    )


@dataclass(frozen=True)
class ParameterUpdate:
    """One parameter's update in numbers: the inputs of the optimizer's formula and its result."""

    old: float
    data_gradient: float
    regularization: float
    learning_rate: float
    optimizer: str
    settings: dict[str, float]
    state_before: dict[str, float]          # e.g. {"velocity": v_old}; Adam also has "t"
    state_after: dict[str, float]
    step: float                             # the change the formula gives from these numbers
    change: float                           # the change the optimizer applied

    @property
    def gradient(self) -> float:
        return self.data_gradient + self.regularization

    @property
    def new(self) -> float:
        return self.old + self.change


def _scalar_state(state: dict, position: int, index) -> dict[str, float]:
    return {name: (value if name == "t" else float(value[position][index])) for name, value in state.items()}


def parameter_update(record: StepRecord, kind: str, layer: int, index) -> ParameterUpdate:
    """The update of one weight ``index = (i, j)`` or bias ``index = j`` of layer ``layer``."""
    position = record.position(kind, layer)
    index = tuple(np.atleast_1d(index)) if kind == "weight" else int(index)
    old = record.old_parameters[position]
    if len(np.atleast_1d(index)) != old.ndim or any(not 0 <= i < n for i, n in zip(np.atleast_1d(index), old.shape)):
        raise ValueError(f"no {kind} {index} in layer {layer + 1} (shape {old.shape})")
    old_value = float(old[index])
    before = _scalar_state(record.state_before, position, index)
    after = _scalar_state(record.state_after, position, index)
    g = float(record.data_gradients[position][index]) + float(record.regularization_gradients[position][index])
    settings, eta = record.settings, record.settings["learning_rate"]
    if record.optimizer == "momentum":
        step = settings["momentum"] * before["velocity"] - eta * g
    elif record.optimizer == "rmsprop":
        mean_square = settings["decay"] * before["mean_square"] + (1.0 - settings["decay"]) * g * g
        step = -eta * g / (math.sqrt(mean_square) + settings["epsilon"])
    elif record.optimizer == "adam":
        b1, b2, t = settings["beta1"], settings["beta2"], after["t"]
        m = b1 * before["first_moment"] + (1.0 - b1) * g
        v = b2 * before["second_moment"] + (1.0 - b2) * g * g
        step = -eta * (m / (1.0 - b1 ** t)) / (math.sqrt(v / (1.0 - b2 ** t)) + settings["epsilon"])
    else:
        step = -eta * g
    return ParameterUpdate(
        old=old_value, data_gradient=float(record.data_gradients[position][index]),
        regularization=float(record.regularization_gradients[position][index]), learning_rate=eta,
        optimizer=record.optimizer, settings=settings, state_before=before, state_after=after, step=step,
        change=float(record.changes[position][index]),
    )
