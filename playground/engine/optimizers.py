"""Gradient-descent optimizers and weight regularization.

An optimizer updates a list of parameter arrays in place from a list of gradient arrays of
the same shapes: ``optimizer.step(params, grads)``. Its state (velocities, moment estimates)
is kept per position in that list, so always pass the parameters in the same order.
``learning_rate`` and the other settings are plain attributes: changing them applies to
the next step without losing the state.

With g the gradient, eta the learning rate and t the step count (from 1):

* SGD       p <- p - eta g
* momentum  v <- mu v - eta g;                  p <- p + v
* RMSProp   s <- rho s + (1 - rho) g^2;         p <- p - eta g / (sqrt(s) + eps)
* Adam      m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;
            p <- p - eta (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)

Regularization adds to the loss a penalty on the weights (never on the biases):
L1: l1 sum |w|, gradient l1 sign(w); L2: l2/2 sum w^2, gradient l2 w.
"""
from __future__ import annotations

import numpy as np


class Optimizer:
    """Base class: subclasses implement ``step(params, grads)``."""

    name = "sgd"

    def __init__(self, learning_rate: float = 0.03):
        self.learning_rate = float(learning_rate)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        raise NotImplementedError

    def reset_state(self) -> None:
        """Forget accumulated state (velocities, moments); settings are kept."""

    def settings(self) -> dict[str, float]:
        """The optimizer's tunable settings by name (for display and serialisation)."""
        return {"learning_rate": self.learning_rate}

    def state(self, params: list[np.ndarray]) -> dict[str, list[np.ndarray] | int]:
        """Copies of the accumulated state, one array per entry of ``params`` for each kind
        (zeros before the first step), and Adam's step count ``t``; SGD has none."""
        return {}


class SGD(Optimizer):
    """Plain gradient descent: p <- p - eta g."""

    name = "sgd"

    def step(self, params, grads):
        eta = self.learning_rate
        for p, g in zip(params, grads):
            p -= eta * g


class Momentum(Optimizer):
    """Gradient descent with (heavy-ball) momentum mu: v <- mu v - eta g; p <- p + v."""

    name = "momentum"

    def __init__(self, learning_rate: float = 0.03, momentum: float = 0.9):
        super().__init__(learning_rate)
        self.momentum = float(momentum)
        self._velocity: list[np.ndarray] | None = None

    def reset_state(self):
        self._velocity = None

    def settings(self):
        return {"learning_rate": self.learning_rate, "momentum": self.momentum}

    def state(self, params):
        velocity = self._velocity or [np.zeros_like(p) for p in params]
        return {"velocity": [v.copy() for v in velocity]}

    def step(self, params, grads):
        if self._velocity is None:
            self._velocity = [np.zeros_like(p) for p in params]
        eta, mu = self.learning_rate, self.momentum
        for p, g, v in zip(params, grads, self._velocity):
            v *= mu
            v -= eta * g
            p += v


class RMSProp(Optimizer):
    """Divide each step by a running root mean square of the gradient."""

    name = "rmsprop"

    def __init__(self, learning_rate: float = 0.001, decay: float = 0.9, epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.decay = float(decay)
        self.epsilon = float(epsilon)
        self._mean_square: list[np.ndarray] | None = None

    def reset_state(self):
        self._mean_square = None

    def settings(self):
        return {"learning_rate": self.learning_rate, "decay": self.decay, "epsilon": self.epsilon}

    def state(self, params):
        mean_square = self._mean_square or [np.zeros_like(p) for p in params]
        return {"mean_square": [s.copy() for s in mean_square]}

    def step(self, params, grads):
        if self._mean_square is None:
            self._mean_square = [np.zeros_like(p) for p in params]
        eta, rho, eps = self.learning_rate, self.decay, self.epsilon
        for p, g, s in zip(params, grads, self._mean_square):
            s *= rho
            s += (1.0 - rho) * g * g
            p -= eta * g / (np.sqrt(s) + eps)


class Adam(Optimizer):
    """Adaptive moment estimation with bias-corrected first and second moments."""

    name = "adam"

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8):
        super().__init__(learning_rate)
        self.beta1 = float(beta1)
        self.beta2 = float(beta2)
        self.epsilon = float(epsilon)
        self._moments: list[tuple[np.ndarray, np.ndarray]] | None = None
        self._t = 0

    def reset_state(self):
        self._moments = None
        self._t = 0

    def settings(self):
        return {"learning_rate": self.learning_rate, "beta1": self.beta1, "beta2": self.beta2,
                "epsilon": self.epsilon}

    def state(self, params):
        moments = self._moments or [(np.zeros_like(p), np.zeros_like(p)) for p in params]
        return {"first_moment": [m.copy() for m, _ in moments], "second_moment": [v.copy() for _, v in moments],
                "t": self._t}

    def step(self, params, grads):
        if self._moments is None:
            self._moments = [(np.zeros_like(p), np.zeros_like(p)) for p in params]
        self._t += 1
        b1, b2, eps = self.beta1, self.beta2, self.epsilon
        # Fold both bias corrections into one step size.
        step_size = self.learning_rate * np.sqrt(1.0 - b2**self._t) / (1.0 - b1**self._t)
        eps_hat = eps * np.sqrt(1.0 - b2**self._t)
        for p, g, (m, v) in zip(params, grads, self._moments):
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            p -= step_size * m / (np.sqrt(v) + eps_hat)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, RMSProp, Adam)
}


def make_optimizer(name: str, learning_rate: float, **settings: float) -> Optimizer:
    """Build an optimizer by name ("sgd", "momentum", "rmsprop", "adam")."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of: {', '.join(OPTIMIZERS)}")
    return OPTIMIZERS[name](learning_rate, **settings)


def regularization_penalty(weights: list[np.ndarray], l1: float = 0.0, l2: float = 0.0) -> float:
    """l1 sum|w| + l2/2 sum w^2 over every weight matrix (biases are not penalised)."""
    penalty = 0.0
    if l1:
        penalty += l1 * sum(float(np.abs(W).sum()) for W in weights)
    if l2:
        penalty += 0.5 * l2 * sum(float(np.sum(W * W)) for W in weights)
    return penalty


def add_regularization_gradient(weights: list[np.ndarray], weight_grads: list[np.ndarray],
                                l1: float = 0.0, l2: float = 0.0) -> None:
    """Add the penalty's gradient, l1 sign(w) + l2 w, to ``weight_grads`` in place."""
    for W, dW in zip(weights, weight_grads):
        if l1:
            dW += l1 * np.sign(W)
        if l2:
            dW += l2 * W
