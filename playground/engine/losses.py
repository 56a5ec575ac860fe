"""Output heads and the losses measured on them.

Shapes: ``z`` is the output layer's weighted sum, (n_samples, n_outputs); ``y_hat`` its
activation, same shape; ``T`` the targets, same shape. Every loss is a mean over samples:

* squared error  L = 1/n sum_i 1/2 sum_k (t_ik - y_hat_ik)^2
* cross-entropy  L = 1/n sum_i -sum_k t_ik log y_hat_ik               (softmax head)
                 L = 1/n sum_i -sum_k [t log y_hat + (1 - t) log(1 - y_hat)]_ik
                                          (sigmoid outputs: the binary form, per output)

Cross-entropy is evaluated from the weighted sums (log-sum-exp, softplus) so that a
saturated output costs a large finite number instead of log(0).

The heads:

* ``sigmoid``      one sigmoid output for two classes; y_hat = P(class 1).
* ``softmax``      K outputs for K classes, y_hat_k = e^z_k / sum_j e^z_j.
* ``linear``       y_hat = z, for regression (squared error only).
* ``one_vs_rest``  the source post's "1 vs all" head: K - 1 sigmoid outputs for K classes,
                   targets one-hot on the first K - 1 classes, the last class scored
                   1 - sum(outputs).
"""
from __future__ import annotations

import numpy as np

from playground.engine.activations import sigmoid

VALID_LOSSES: dict[str, tuple[str, ...]] = {
    "sigmoid": ("cross_entropy", "squared_error"),
    "softmax": ("cross_entropy", "squared_error"),
    "one_vs_rest": ("squared_error", "cross_entropy"),
    "linear": ("squared_error",),
}
OUTPUTS = tuple(VALID_LOSSES)
LOSSES = ("cross_entropy", "squared_error")


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis (K classes), shifted by the maximum first (no overflow).

    (n, K) weighted sums give (n, K) probabilities; any leading shape (batch, T, K) works.
    """
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def one_hot(y: np.ndarray, n_columns: int) -> np.ndarray:
    """(n,) integer labels -> (n, n_columns) float64 one-hot rows; labels >= n_columns give a zero row."""
    T = np.zeros((len(y), n_columns))
    rows = np.flatnonzero(y < n_columns)
    T[rows, y[rows]] = 1.0
    return T


class OutputLayer:
    """An output head paired with its loss.

    ``make_output_layer(output, loss)`` builds one and rejects pairs that make no sense.
    """

    def __init__(self, output: str, loss: str):
        self.output = output
        self.loss = loss
        self.is_classifier = output != "linear"

    # -- sizes and targets -------------------------------------------------------------
    def n_outputs(self, n_classes: int) -> int:
        """Output neurons needed for ``n_classes`` classes (or targets, for ``linear``)."""
        if self.output == "sigmoid":
            if n_classes != 2:
                raise ValueError(
                    f"the sigmoid head has one output and separates 2 classes, not {n_classes}; "
                    "use softmax or one_vs_rest for more classes"
                )
            return 1
        if self.output == "one_vs_rest":
            return n_classes - 1
        return n_classes

    def targets(self, y: np.ndarray, n_outputs: int) -> np.ndarray:
        """Labels -> target matrix T of shape (n, n_outputs), float64.

        Classification: ``y`` holds integer labels 0..K-1. Regression: ``y`` holds floats,
        shape (n,) or (n, n_outputs).
        """
        if not self.is_classifier:
            return np.asarray(y, dtype=np.float64).reshape(len(y), n_outputs)
        labels = np.asarray(y).astype(np.intp, copy=False)
        n_classes = {"sigmoid": 2, "one_vs_rest": n_outputs + 1}.get(self.output, n_outputs)
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            hint = "; use softmax or one_vs_rest for more classes" if self.output == "sigmoid" else ""
            raise ValueError(f"labels must be 0..{n_classes - 1} for the {self.output!r} head with "
                             f"{n_outputs} output(s); got {labels.min()}..{labels.max()}{hint}")
        if self.output == "sigmoid":
            return (labels == 1).astype(np.float64).reshape(-1, 1)
        return one_hot(labels, n_outputs)

    # -- forward -----------------------------------------------------------------------
    def activate(self, z: np.ndarray) -> np.ndarray:
        """Weighted sums (n, n_outputs) -> output activations y_hat, same shape."""
        if self.output == "linear":
            return z
        if self.output == "softmax":
            return softmax(z)
        return sigmoid(z)

    def class_scores(self, y_hat: np.ndarray) -> np.ndarray:
        """Output activations -> one score per class, (n, K); the prediction is the argmax.

        ``sigmoid``: [1 - p, p]; ``one_vs_rest``: the outputs and 1 - their sum.
        """
        if self.output == "sigmoid":
            return np.hstack([1.0 - y_hat, y_hat])
        if self.output == "one_vs_rest":
            return np.hstack([y_hat, 1.0 - y_hat.sum(axis=1, keepdims=True)])
        return y_hat

    def predicted_classes(self, y_hat: np.ndarray) -> np.ndarray:
        """The predicted class of each row, (n,) ints: the argmax of ``class_scores``."""
        if self.output == "sigmoid":
            return (y_hat[:, 0] > 0.5).astype(np.intp)
        return np.argmax(self.class_scores(y_hat), axis=1)

    # -- loss --------------------------------------------------------------------------
    def value(self, z: np.ndarray, y_hat: np.ndarray, T: np.ndarray) -> float:
        """Mean loss over the n samples (no gradient)."""
        n = z.shape[0]
        if self.loss == "squared_error":
            error = y_hat - T
            return 0.5 * float(np.vdot(error, error)) / n
        if self.output == "softmax":
            shifted = z - z.max(axis=1, keepdims=True)
            return float(np.sum(np.log(np.exp(shifted).sum(axis=1))) - np.vdot(T, shifted)) / n
        # -[t log s(z) + (1 - t) log(1 - s(z))] = softplus(z) - t z
        return float(np.sum(np.logaddexp(0.0, z)) - np.vdot(T, z)) / n

    def value_and_gradient(self, z: np.ndarray, y_hat: np.ndarray, T: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss over the n samples and its gradient dL/dz, shape (n, n_outputs)."""
        n = z.shape[0]
        if self.loss == "cross_entropy":
            # For softmax with cross-entropy and for sigmoid outputs with their binary
            # cross-entropy, dL/dz simplifies to (y_hat - t) / n.
            return self.value(z, y_hat, T), (y_hat - T) / n
        error = y_hat - T
        value = 0.5 * float(np.vdot(error, error)) / n  # vdot: one pass, no temporary array
        d_y_hat = error / n
        if self.output == "linear":
            return value, d_y_hat
        if self.output == "softmax":  # Jacobian-vector product of softmax
            return value, y_hat * (d_y_hat - np.sum(d_y_hat * y_hat, axis=1, keepdims=True))
        return value, d_y_hat * y_hat * (1.0 - y_hat)


def make_output_layer(output: str, loss: str) -> OutputLayer:
    """Validate an (output head, loss) pair; a pair that makes no sense raises ValueError."""
    if output not in VALID_LOSSES:
        raise ValueError(f"unknown output {output!r}; choose one of: {', '.join(OUTPUTS)}")
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSSES)}")
    if loss not in VALID_LOSSES[output]:
        raise ValueError(
            f"loss {loss!r} does not fit the {output!r} output; "
            f"valid losses for it: {', '.join(VALID_LOSSES[output])}"
        )
    return OutputLayer(output, loss)
