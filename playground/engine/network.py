"""A fully connected feed-forward network: forward pass, backpropagation, parameters.

Notation (one mini-batch of n samples; layer l = 1..L, layer 0 is the input):

    a_0 = X                                  (n, layer_sizes[0])
    z_l = a_{l-1} W_l + b_l                  weighted sum, (n, layer_sizes[l])
    a_l = f_l(z_l)                           hidden activation (times a dropout mask)
    y_hat = head(z_L)                        output activation

Backpropagation, from delta_L = dLoss/dz_L given by the output head and loss:

    dLoss/dW_l = a_{l-1}^T delta_l           (fan_in, fan_out)
    dLoss/db_l = sum over samples of delta_l (fan_out,)
    delta_{l-1} = (delta_l W_l^T) * f'_{l-1}(z_{l-1})

``weights[l]`` has shape (fan_in, fan_out) and ``biases[l]`` shape (fan_out,), both
float64, so that the weighted sum is a row-vector product as in the source post.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from playground.engine.activations import Activation, get_activation
from playground.engine.losses import OutputLayer, make_output_layer
from playground.engine.optimizers import add_regularization_gradient, regularization_penalty

INITIALISATIONS = ("xavier", "he", "uniform", "tf_playground", "zeros")

_ONES: dict[int, np.ndarray] = {}


def _ones(n: int) -> np.ndarray:
    """A read-only vector of n ones, cached (bias gradients are ones @ delta)."""
    ones = _ONES.get(n)
    if ones is None:
        if len(_ONES) > 64:
            _ONES.clear()
        ones = np.ones(n)
        ones.flags.writeable = False
        _ONES[n] = ones
    return ones


def initial_parameters(layer_sizes: Sequence[int], init: str, rng: np.random.Generator
                       ) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Draw weights and biases for each layer.

    * ``xavier``         W ~ U[-r, r), r = sqrt(6 / (fan_in + fan_out)); b = 0
    * ``he``             W ~ N(0, 2 / fan_in); b = 0
    * ``uniform``        W, b ~ U[-1, 1) (the source post's 2 (rand - 0.5))
    * ``tf_playground``  W ~ U[-0.5, 0.5); b = 0.1 (TensorFlow Playground)
    * ``zeros``          W = 0; b = 0
    """
    if init not in INITIALISATIONS:
        raise ValueError(f"unknown init {init!r}; choose one of: {', '.join(INITIALISATIONS)}")
    weights, biases = [], []
    for fan_in, fan_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        shape = (fan_in, fan_out)
        if init == "xavier":
            r = np.sqrt(6.0 / (fan_in + fan_out))
            W, b = rng.uniform(-r, r, shape), np.zeros(fan_out)
        elif init == "he":
            W, b = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape), np.zeros(fan_out)
        elif init == "uniform":
            W, b = rng.uniform(-1.0, 1.0, shape), rng.uniform(-1.0, 1.0, fan_out)
        elif init == "tf_playground":
            W, b = rng.uniform(-0.5, 0.5, shape), np.full(fan_out, 0.1)
        else:
            W, b = np.zeros(shape), np.zeros(fan_out)
        weights.append(W)
        biases.append(b)
    return weights, biases


@dataclass
class ForwardPass:
    """What one forward pass on n samples computed, kept for the backward pass.

    ``layer_inputs[l]`` is what W_{l+1} multiplied: a_l after dropout, (n, layer_sizes[l]),
    for l = 0..L-1; ``sums[l]`` is z_{l+1}, (n, layer_sizes[l+1]), for the L layers;
    ``hidden_outputs[l]`` is f_{l+1}(z_{l+1}) before dropout, for the L-1 hidden layers;
    ``outputs`` is y_hat = head(z_L), (n, n_outputs).
    """

    layer_inputs: list[np.ndarray]
    sums: list[np.ndarray]
    hidden_outputs: list[np.ndarray]
    outputs: np.ndarray


class Network:
    """A multilayer perceptron written with numpy alone.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_inputs, hidden_1, ..., hidden_m, n_outputs]``; no hidden layer is allowed.
    activation : str or list of str
        Hidden activation, one name for every hidden layer or one per hidden layer
        (see ``playground.engine.activations.ACTIVATIONS``).
    output : {"sigmoid", "softmax", "linear", "one_vs_rest"}
    loss : {"cross_entropy", "squared_error"}
    init : {"xavier", "he", "uniform", "tf_playground", "zeros"}
    seed : int
        Seed of the generator that draws the initial parameters.
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str | Sequence[str] = "tanh",
                 output: str = "sigmoid", loss: str = "cross_entropy", init: str = "xavier",
                 seed: int = 0):
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"layer_sizes needs an input and an output size, all >= 1; got {list(layer_sizes)}")
        n_hidden = len(sizes) - 2
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
        if not isinstance(activation, str) and not isinstance(activation, Sequence):
            raise ValueError(f"activation must be a name or a list of names, got {activation!r}")
        names = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(names) != n_hidden:
            raise ValueError(f"{n_hidden} hidden layers need {n_hidden} activations, got {len(names)}")
        self.layer_sizes = sizes
        self.hidden_activations: list[Activation] = [get_activation(n) for n in names]
        self.output_layer: OutputLayer = make_output_layer(output, loss)
        if output == "sigmoid" and sizes[-1] != 1:
            raise ValueError(f"the sigmoid head has exactly one output (2 classes), got {sizes[-1]}; "
                             "use softmax or one_vs_rest for more classes")
        self.init = init
        self.seed = seed
        self.weights, self.biases = initial_parameters(sizes, init, np.random.default_rng(seed))

    # -- descriptive -------------------------------------------------------------------
    @property
    def activation(self) -> list[str]:
        """Names of the hidden activations, one per hidden layer."""
        return [a.name for a in self.hidden_activations]

    @property
    def output(self) -> str:
        return self.output_layer.output

    @property
    def loss(self) -> str:
        return self.output_layer.loss

    @property
    def n_classes(self) -> int:
        """Classes the head separates (0 for a regression head)."""
        n_out = self.layer_sizes[-1]
        return {"sigmoid": 2, "one_vs_rest": n_out + 1, "softmax": n_out}.get(self.output, 0)

    def parameters(self) -> list[np.ndarray]:
        """The parameter arrays themselves (weights, then biases), for an optimizer."""
        return self.weights + self.biases

    def copy_parameters(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Independent copies of (weights, biases)."""
        return [W.copy() for W in self.weights], [b.copy() for b in self.biases]

    def set_parameters(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray]) -> None:
        """Copy ``weights`` and ``biases`` into the network, checking their shapes."""
        if len(weights) != len(self.weights) or len(biases) != len(self.biases):
            raise ValueError(f"expected {len(self.weights)} weight matrices and bias vectors, "
                             f"got {len(weights)} and {len(biases)}")
        for W, new in zip(self.weights, weights, strict=True):
            if np.shape(new) != W.shape:
                raise ValueError(f"weight shape {np.shape(new)} does not match {W.shape}")
        for b, new in zip(self.biases, biases, strict=True):
            if np.shape(new) != b.shape:
                raise ValueError(f"bias shape {np.shape(new)} does not match {b.shape}")
        self.weights = [np.array(W, dtype=np.float64) for W in weights]
        self.biases = [np.array(b, dtype=np.float64) for b in biases]

    # -- forward -----------------------------------------------------------------------
    def layer_outputs(self, X: np.ndarray) -> list[np.ndarray]:
        """Every layer's activation, ``[a_0 = X, a_1, ..., a_L = y_hat]`` (no dropout)."""
        X = np.asarray(X, dtype=np.float64)
        forward = self.forward_pass(X)
        return [X, *forward.hidden_outputs, forward.outputs]

    def output_sums(self, X: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        """The output layer's weighted sums z_L for X of shape (n, n_inputs): (n, n_outputs).

        ``dtype=np.float32`` computes in single precision (about 7 significant digits): the
        decision regions' 10,000 grid points in about half the time, for a picture whose
        colours have 255 levels. Training and every number on the page stay float64.
        """
        a = np.asarray(X, dtype=dtype)
        for W, b, act in zip(self.weights, self.biases, self.hidden_activations):
            a = act.f(a @ W.astype(dtype, copy=False) + b.astype(dtype, copy=False))
        return a @ self.weights[-1].astype(dtype, copy=False) + self.biases[-1].astype(dtype, copy=False)

    def forward(self, X: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        """Output activations for X of shape (n, n_inputs): (n, n_outputs), in ``dtype``
        (see ``output_sums``)."""
        return self.output_layer.activate(self.output_sums(X, dtype))

    def loss_and_outputs(self, X: np.ndarray, T: np.ndarray) -> tuple[float, np.ndarray]:
        """Mean loss (no regularization) on X against targets T, and the outputs y_hat."""
        z = self.output_sums(X)
        y_hat = self.output_layer.activate(z)
        return self.output_layer.value(z, y_hat, T), y_hat

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """One score per class, (n, K) (classification heads only)."""
        return self.output_layer.class_scores(self.forward(X))

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Class index (argmax of the class scores) or, for ``linear``, the outputs."""
        if not self.output_layer.is_classifier:
            return self.forward(X)
        return np.argmax(self.predict_proba(X), axis=1)

    def targets(self, y: np.ndarray) -> np.ndarray:
        """Labels (ints) or regression values -> target matrix T, (n, n_outputs)."""
        return self.output_layer.targets(y, self.layer_sizes[-1])

    # -- loss and gradients -------------------------------------------------------------
    def loss_and_gradients(self, X: np.ndarray, y: np.ndarray, *, l1: float = 0.0, l2: float = 0.0,
                           dropout: float = 0.0, rng: np.random.Generator | None = None,
                           dropout_masks: Sequence[np.ndarray] | None = None):
        """Mean loss on (X, y) plus the regularization penalty, and its gradients.

        Returns ``(loss, {"weights": [dL/dW_l], "biases": [dL/db_l]})``. ``dropout`` is
        the probability of dropping each hidden neuron (inverted dropout: kept neurons are
        scaled by 1 / (1 - dropout)); ``dropout_masks`` gives the masks explicitly, one
        (n, hidden_size) array per hidden layer, for reproducible checks.
        """
        X = np.asarray(X, dtype=np.float64)
        if dropout_masks is None and dropout > 0.0:
            dropout_masks = self.draw_dropout_masks(len(X), dropout, rng or np.random.default_rng())
        return self.loss_and_gradients_for_targets(X, self.targets(y), l1=l1, l2=l2,
                                                   dropout_masks=dropout_masks)

    def draw_dropout_masks(self, n_samples: int, dropout: float, rng: np.random.Generator
                           ) -> list[np.ndarray]:
        """Inverted-dropout masks: 0 with probability ``dropout``, else 1 / (1 - dropout)."""
        keep = 1.0 - dropout
        return [(rng.random((n_samples, size)) < keep) / keep for size in self.layer_sizes[1:-1]]

    def loss_and_gradients_for_targets(self, X: np.ndarray, T: np.ndarray, l1: float = 0.0,
                                       l2: float = 0.0, dropout_masks=None):
        """``loss_and_gradients`` with the target matrix already built (the trainer's hot path)."""
        forward = self.forward_pass(X, dropout_masks)
        loss, delta = self.output_layer.value_and_gradient(forward.sums[-1], forward.outputs, T)
        weight_grads, bias_grads, _ = self.backward_pass(forward, delta, dropout_masks)
        if l1 or l2:
            loss += regularization_penalty(self.weights, l1, l2)
            add_regularization_gradient(self.weights, weight_grads, l1, l2)
        return loss, {"weights": weight_grads, "biases": bias_grads}

    def forward_pass(self, X: np.ndarray, dropout_masks: Sequence[np.ndarray] | None = None) -> ForwardPass:
        """The forward pass on X (n, n_inputs), keeping every layer's weighted sum and input.

        The one forward pass behind training, ``layer_outputs`` and ``explain_step``.
        """
        weights, biases = self.weights, self.biases
        inputs, sums, activations = [], [], []
        a = X
        for i, act in enumerate(self.hidden_activations):
            z = a @ weights[i]
            z += biases[i]
            inputs.append(a)
            sums.append(z)
            a = act.f(z)
            activations.append(a)
            if dropout_masks is not None:
                a = a * dropout_masks[i]
        inputs.append(a)
        z = a @ weights[-1]
        z += biases[-1]
        sums.append(z)
        return ForwardPass(inputs, sums, activations, self.output_layer.activate(z))

    def backward_pass(self, forward: ForwardPass, delta: np.ndarray,
                      dropout_masks: Sequence[np.ndarray] | None = None
                      ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
        """Backpropagate ``delta`` = dLoss/dz_L (n, n_outputs) through the pass ``forward``.

        Returns ``(weight_grads, bias_grads, deltas)``: dLoss/dW_l (fan_in, fan_out),
        dLoss/db_l (fan_out,) and delta_l = dLoss/dz_l (n, fan_out), each for l = 1..L.
        """
        # Bias gradients are the column sums of delta, taken as ones @ delta: a BLAS
        # matrix-vector product, several times faster than delta.sum(axis=0) on small batches.
        ones = _ones(len(delta))
        weights, inputs = self.weights, forward.layer_inputs
        n_layers = len(weights)
        weight_grads = [None] * n_layers
        bias_grads = [None] * n_layers
        deltas = [None] * n_layers
        for i in range(n_layers - 1, -1, -1):
            deltas[i] = delta
            weight_grads[i] = inputs[i].T @ delta
            bias_grads[i] = ones @ delta
            if i:
                d_a = delta @ weights[i].T
                if dropout_masks is not None:
                    d_a *= dropout_masks[i - 1]
                delta = d_a * self.hidden_activations[i - 1].derivative(forward.sums[i - 1],
                                                                        forward.hidden_outputs[i - 1])
        return weight_grads, bias_grads, deltas

    def __repr__(self) -> str:
        return (f"Network(layer_sizes={self.layer_sizes}, activation={self.activation}, "
                f"output={self.output!r}, loss={self.loss!r}, init={self.init!r}, seed={self.seed})")
