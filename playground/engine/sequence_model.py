"""A recurrent cell, a linear read-out and a loss: the model the recurrent lab trains.

Shapes: inputs X (B, T, I); hidden states from the cell (B, T, H); the read-out maps each
hidden state it looks at to K outputs with one weighted sum

    z = h W_out + b_out            W_out (H, K), b_out (K,)

* many-to-one tasks (adding problem, temporal order) read only the last state h_T:
  z has shape (B, K) and so do the targets (or (B,) integer labels);
* many-to-many tasks (sine next-step, characters) read every state: z has shape
  (B, T, K) and the targets (B, T, K) (or (B, T) integer labels).

Losses are means over every prediction made (samples, and time steps for many-to-many):

* ``mse``            L = mean over predictions and outputs of (z - y)^2 (no factor 1/2,
                     so that it is the mean squared error a baseline is quoted in: always
                     predicting the mean scores the target variance);
* ``cross_entropy``  L = mean over predictions of -log softmax(z)[label], evaluated with
                     log-sum-exp so that no logit, however large, overflows.

``SequenceModel.train_step`` is forward, backward through the read-out and the cell (full
or truncated BPTT), clipping of all gradients together by global norm, and one step of an
optimizer from :mod:`playground.engine.optimizers`.
"""
from __future__ import annotations

import numpy as np

from playground.engine.losses import softmax
from playground.engine.optimizers import make_optimizer
from playground.engine.recurrent import CELLS, LSTM, RecurrentCell, clip_by_global_norm, make_cell

KINDS = ("many_to_one", "many_to_many")
LOSS_KINDS = ("mse", "cross_entropy")
EVALUATION_CHUNK = 256


def mse_loss(Z: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over every entry and its gradient.

    Parameters
    ----------
    Z : ndarray, shape (..., K)
        Predictions.
    Y : ndarray, same shape
        Targets.

    Returns
    -------
    value : float
        ``mean((Z - Y)^2)``.
    dZ : ndarray, same shape
        ``2 (Z - Y) / Z.size``.
    """
    error = Z - Y
    return float(np.mean(error * error)), error * (2.0 / error.size)


def softmax_cross_entropy(Z: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean of -log softmax(z)[label] over every prediction, and its gradient.

    Parameters
    ----------
    Z : ndarray, shape (..., K)
        Logits.
    labels : ndarray of int, shape (...)
        Class labels 0..K-1.

    Returns
    -------
    value : float
    dZ : ndarray, shape (..., K)
        ``(softmax(Z) - onehot(labels)) / n`` with n the number of predictions.
    """
    K = Z.shape[-1]
    Z2 = Z.reshape(-1, K)
    labels = np.asarray(labels).reshape(-1).astype(np.intp, copy=False)
    n = Z2.shape[0]
    shifted = Z2 - Z2.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    value = float(np.mean(np.log(total[:, 0]) - shifted[rows, labels]))
    dZ = e / total
    dZ[rows, labels] -= 1.0
    dZ /= n
    return value, dZ.reshape(Z.shape)


class Readout:
    """A linear read-out layer: z = h W + b on the last axis.

    Parameters
    ----------
    hidden_size : int
        H, the size of each hidden state it reads.
    output_size : int
        K, the number of outputs.
    rng : numpy.random.Generator
        Draws ``W ~ U[-r, r)`` with ``r = sqrt(6 / (H + K))``; ``b = 0``.
    """

    def __init__(self, hidden_size: int, output_size: int, rng: np.random.Generator):
        r = np.sqrt(6.0 / (hidden_size + output_size))
        self.W = rng.uniform(-r, r, (hidden_size, output_size))
        self.b = np.zeros(output_size)

    def forward(self, Hs: np.ndarray) -> np.ndarray:
        """(..., H) -> (..., K)."""
        return Hs @ self.W + self.b

    def backward(self, Hs: np.ndarray, dZ: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """From dL/dz (..., K): ``{"W_out": (H, K), "b_out": (K,)}`` and dL/dh (..., H)."""
        H2 = Hs.reshape(-1, self.W.shape[0])
        dZ2 = dZ.reshape(-1, self.W.shape[1])
        return {"W_out": H2.T @ dZ2, "b_out": dZ2.sum(axis=0)}, dZ @ self.W.T


class SequenceModel:
    """Recurrent cell + linear read-out + loss, trained with an engine optimizer.

    Parameters
    ----------
    cell : {"rnn", "lstm"}
    input_size, hidden_size, output_size : int
        I, H and K.
    kind : {"many_to_one", "many_to_many"}
        Read only the last hidden state, or every one.
    loss : {"mse", "cross_entropy"}
    seed : int
        Seeds the cell's and the read-out's initial parameters.
    optimizer : str
        A name from :data:`playground.engine.optimizers.OPTIMIZERS` ("adam", "sgd", ...).
    learning_rate : float
    clip_norm : float or None
        Clip every gradient together to this global norm; None for no clipping.
    truncation : int or None
        Truncate backpropagation through time to this many steps; None for full BPTT.
    forget_bias : float
        The LSTM's initial forget-gate bias (ignored by the RNN).

    ``learning_rate`` (through ``optimizer.learning_rate``), ``clip_norm`` and ``truncation``
    may be changed between steps; the training goes on from where it is.
    """

    def __init__(self, cell: str, input_size: int, hidden_size: int, output_size: int,
                 kind: str = "many_to_one", loss: str = "mse", seed: int = 0, optimizer: str = "adam",
                 learning_rate: float = 0.01, clip_norm: float | None = None,
                 truncation: int | None = None, forget_bias: float = 1.0):
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; choose one of: {', '.join(KINDS)}")
        if loss not in LOSS_KINDS:
            raise ValueError(f"unknown loss {loss!r}; choose one of: {', '.join(LOSS_KINDS)}")
        if cell not in CELLS:
            raise ValueError(f"unknown cell {cell!r}; choose one of: {', '.join(CELLS)}")
        rng = np.random.default_rng(seed)
        options = {"forget_bias": forget_bias} if cell == "lstm" else {}
        self.cell: RecurrentCell = make_cell(cell, input_size, hidden_size, rng, **options)
        self.readout = Readout(self.cell.hidden_size, int(output_size), rng)
        self.kind = kind
        self.loss = loss
        self.optimizer = make_optimizer(optimizer, learning_rate)
        self.clip_norm = clip_norm
        self.truncation = truncation
        self.iteration = 0
        self.gradient_norm: float | None = None
        self.diverged = False

    @classmethod
    def for_task(cls, task, cell: str, hidden_size: int, **options) -> SequenceModel:
        """Build a model sized for a task description with ``input_size``, ``output_size``,
        ``kind`` and ``loss`` attributes (such as ``playground.data.sequences.SEQUENCE_TASKS``)."""
        return cls(cell, task.input_size, hidden_size, task.output_size, kind=task.kind,
                   loss=task.loss, **options)

    # -- parameters ------------------------------------------------------------------------
    @property
    def parameters(self) -> dict[str, np.ndarray]:
        """Every parameter array by name: W_x, W_h, b (the cell), W_out, b_out (the read-out)."""
        return {**self.cell.parameters, "W_out": self.readout.W, "b_out": self.readout.b}

    @property
    def learning_rate(self) -> float:
        return self.optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.optimizer.learning_rate = float(value)

    # -- forward and loss ----------------------------------------------------------------
    def _outputs(self, X) -> tuple[np.ndarray, np.ndarray]:
        Hs = self.cell.forward(X)
        read = Hs[:, -1] if self.kind == "many_to_one" else Hs
        return read, self.readout.forward(read)

    def _loss(self, Z: np.ndarray, Y) -> tuple[float, np.ndarray]:
        if self.loss == "mse":
            Y = np.asarray(Y, dtype=np.float64)
            if Y.shape != Z.shape:
                raise ValueError(f"targets must have shape {Z.shape}, got {Y.shape}")
            return mse_loss(Z, Y)
        labels = np.asarray(Y)
        if labels.shape != Z.shape[:-1]:
            raise ValueError(f"labels must have shape {Z.shape[:-1]}, got {labels.shape}")
        return softmax_cross_entropy(Z, labels)

    def predict(self, X) -> np.ndarray:
        """Outputs for X: values for ``mse``, class probabilities for ``cross_entropy``.

        Shape (B, K) for many-to-one, (B, T, K) for many-to-many. An ordinary forward
        pass: afterwards the cell holds the hidden states (and gates) of X, for pictures.
        """
        _, Z = self._outputs(X)
        return softmax(Z) if self.loss == "cross_entropy" else Z

    def loss_and_gradients(self, X, Y) -> tuple[float, dict[str, np.ndarray]]:
        """Loss on (X, Y) and the gradient of every parameter (before clipping), keyed as ``parameters``."""
        read, Z = self._outputs(X)
        value, dZ = self._loss(Z, Y)
        readout_grads, d_read = self.readout.backward(read, dZ)
        B, T = np.shape(X)[:2]
        if self.kind == "many_to_one":
            dH = np.zeros((B, T, self.cell.hidden_size))
            dH[:, -1] = d_read
        else:
            dH = d_read
        cell_grads, _ = self.cell.backward(dH, truncation=self.truncation)
        return value, {**cell_grads, **readout_grads}

    # -- training --------------------------------------------------------------------------
    def train_step(self, X, Y) -> float:
        """One iteration: forward, BPTT, clipping by global norm, optimizer step.

        Returns the training loss before the update. If the loss or the gradients are not
        finite the parameters are left unchanged and ``diverged`` is set.
        """
        value, grads = self.loss_and_gradients(X, Y)
        names = list(self.parameters)
        grad_list = [grads[name] for name in names]
        self.gradient_norm = clip_by_global_norm(grad_list, self.clip_norm)
        if not (np.isfinite(value) and np.isfinite(self.gradient_norm)):
            self.diverged = True
            return value
        self.optimizer.step(list(self.parameters.values()), grad_list)
        self.iteration += 1
        return value

    @property
    def gradient_flow(self) -> np.ndarray | None:
        """Norm of dL/dh_t for each time step t, from the last backward pass (see the cells)."""
        return self.cell.gradient_flow

    def evaluate(self, X, Y) -> dict[str, float]:
        """Loss (and accuracy for ``cross_entropy``, mse for ``mse``) on a data set, in chunks.

        The cell's stored forward pass (hidden states, gates) is left as it was, so that the
        pictures still show the last training batch.
        """
        X = np.asarray(X, dtype=np.float64)
        Y = np.asarray(Y)
        saved = (self.cell._cache, getattr(self.cell, "h_last", None), getattr(self.cell, "c_last", None))
        total_loss, total_correct, total_count = 0.0, 0, 0
        try:
            for start in range(0, len(X), EVALUATION_CHUNK):
                Xc, Yc = X[start:start + EVALUATION_CHUNK], Y[start:start + EVALUATION_CHUNK]
                _, Z = self._outputs(Xc)
                value, _ = self._loss(Z, Yc)
                count = int(np.prod(Z.shape[:-1]))
                total_loss += value * count
                total_count += count
                if self.loss == "cross_entropy":
                    total_correct += int(np.sum(Z.argmax(axis=-1) == Yc))
        finally:
            self.cell._cache, self.cell.h_last = saved[0], saved[1]
            if saved[2] is not None:
                self.cell.c_last = saved[2]
        result = {"loss": total_loss / total_count}
        if self.loss == "cross_entropy":
            result["accuracy"] = total_correct / total_count
        else:
            result["mse"] = result["loss"]
        return result

    def sample(self, first: int, steps: int, rng: np.random.Generator, temperature: float = 1.0) -> list[int]:
        """Generate ``steps`` class indices, feeding each one back in as a one-hot input.

        For many-to-many ``cross_entropy`` models whose inputs are one-hot over the same
        classes (the characters task). ``first`` is the index of the first input.
        """
        if self.loss != "cross_entropy" or self.cell.input_size != self.readout.W.shape[1]:
            raise ValueError("sampling needs a cross-entropy model whose inputs and outputs are the same "
                             "classes")
        if temperature <= 0:
            raise ValueError("temperature must be positive")
        saved = (self.cell._cache, getattr(self.cell, "h_last", None), getattr(self.cell, "c_last", None))
        K = self.cell.input_size
        h = c = None
        current, out = int(first), []
        try:
            for _ in range(int(steps)):
                x = np.zeros((1, 1, K))
                x[0, 0, current] = 1.0
                if isinstance(self.cell, LSTM):
                    self.cell.forward(x, h, c)
                    c = self.cell.c_last
                else:
                    self.cell.forward(x, h)
                h = self.cell.h_last
                p = softmax(self.readout.forward(h)[0] / temperature)
                current = int(rng.choice(K, p=p))
                out.append(current)
        finally:
            self.cell._cache, self.cell.h_last = saved[0], saved[1]
            if saved[2] is not None:
                self.cell.c_last = saved[2]
        return out
