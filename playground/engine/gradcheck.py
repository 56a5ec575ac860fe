"""Central-difference gradient checks.

For every parameter entry p the numerical derivative is

    (L(p + h) - L(p - h)) / (2 h)

and it is compared with the analytic gradient by the relative error

    |analytic - numeric| / max(|analytic| + |numeric|, tiny)

taken as the largest over all entries. In float64 with h = 1e-5 a correct gradient gives
about 1e-9 or less for smooth functions.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np


def relative_error(analytic: np.ndarray, numeric: np.ndarray, floor: float = 1e-12) -> float:
    """Largest entry-wise |a - n| / max(|a| + |n|, floor)."""
    analytic, numeric = np.asarray(analytic, float), np.asarray(numeric, float)
    if analytic.size == 0:
        return 0.0
    return float(np.max(np.abs(analytic - numeric) / np.maximum(np.abs(analytic) + np.abs(numeric), floor)))


def numerical_gradient(loss_fn: Callable[[], float], param: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Central differences of ``loss_fn()`` with respect to ``param``, changed in place and restored."""
    return numerical_gradient_at(loss_fn, param, np.arange(param.size), step).reshape(param.shape)


def numerical_gradient_at(loss_fn: Callable[[], float], param: np.ndarray, flat_indices: np.ndarray,
                          step: float = 1e-5) -> np.ndarray:
    """Central differences with respect to the entries ``param.reshape(-1)[flat_indices]`` only,
    (len(flat_indices),); each entry is changed in place and restored."""
    flat = param.reshape(-1)
    grad = np.zeros(len(flat_indices))
    for k, i in enumerate(flat_indices):
        original = flat[i]
        flat[i] = original + step
        plus = loss_fn()
        flat[i] = original - step
        minus = loss_fn()
        flat[i] = original
        grad[k] = (plus - minus) / (2.0 * step)
    return grad


def check_arrays(loss_fn: Callable[[], float], params: list[np.ndarray], grads: list[np.ndarray],
                 step: float = 1e-5) -> float:
    """Largest relative error between ``grads`` and central differences over ``params``."""
    return max(relative_error(g, numerical_gradient(loss_fn, p, step)) for p, g in zip(params, grads))


def check_network(network, X: np.ndarray, y: np.ndarray, step: float = 1e-5, **loss_options) -> float:
    """Gradient check of ``network.loss_and_gradients(X, y, **loss_options)``.

    Pass ``dropout_masks=`` (not ``dropout=``) so that every evaluation uses the same mask.
    Returns the largest relative error over every weight and bias.
    """
    _, grads = network.loss_and_gradients(X, y, **loss_options)

    def loss_fn() -> float:
        return network.loss_and_gradients(X, y, **loss_options)[0]

    return check_arrays(loss_fn, network.weights + network.biases, grads["weights"] + grads["biases"], step)
