"""Recurrent cells written with numpy alone: a plain (Elman) RNN and an LSTM, with BPTT.

Shapes: a batch of ``B`` sequences of ``T`` time steps, each step a vector of ``I`` inputs,
is an array ``X`` of shape (B, T, I). ``H`` is the hidden size. Both cells keep their
parameters as three float64 arrays, so that one weighted sum gives every gate at once:

    W_x  (I, G*H)   input -> gates
    W_h  (H, G*H)   previous hidden state -> gates
    b    (G*H,)     bias

with G = 1 for the RNN and G = 4 for the LSTM, whose gate blocks come in the order
input, forget, cell candidate, output (the order PyTorch uses). For step t (x_t is (B, I)):

    a_t = x_t W_x + h_{t-1} W_h + b                       weighted sums, (B, G*H)

RNN:   h_t = tanh(a_t)

LSTM:  i_t = sigmoid(a_t[input])     f_t = sigmoid(a_t[forget])
       g_t = tanh(a_t[candidate])    o_t = sigmoid(a_t[output])
       c_t = f_t * c_{t-1} + i_t * g_t                     cell state, (B, H)
       h_t = o_t * tanh(c_t)                               hidden state, (B, H)

``forward(X, h0)`` returns every h_t as (B, T, H). ``backward(dH)`` takes dL/dh_t for every
step as given by whatever sits on top (a read-out layer; zero where no loss looks) and runs
backpropagation through time: going from t = T-1 down to 0,

    dh_t  = dH[:, t] + dh_next                 total gradient reaching h_t
    da_t  = dh_t * (1 - h_t^2)                 (RNN)
    dh_next = da_t W_h^T                       what flows on to h_{t-1}

(the LSTM adds the cell-state path, see :class:`LSTM`), and then in one product each

    dW_x = sum_t x_t^T da_t     dW_h = sum_t h_{t-1}^T da_t     db = sum_t sum_batch da_t
    dX[:, t] = da_t W_x^T

Truncation to k steps cuts the recurrent path every k steps counted back from the last
step (time steps are grouped into blocks [T-k, T), [T-2k, T-k), ... and no gradient
crosses from one block into the earlier one), so the loss at the last step reaches exactly
k hidden states. ``gradient_flow`` records the norm of dh_t for each t: the size of the
gradient that reaches each earlier time step (zero where truncation has cut it off).

Every nonlinearity is a tanh or the tanh-based sigmoid of
:mod:`playground.engine.activations`, so no input, however large, makes an overflow warning
or a NaN.
"""
from __future__ import annotations

import numpy as np

from playground.engine.activations import sigmoid

PARAMETER_NAMES = ("W_x", "W_h", "b")
LSTM_GATES = ("input", "forget", "cell_candidate", "output")


def clip_by_global_norm(grads: list[np.ndarray], max_norm: float | None) -> float:
    """Scale ``grads`` in place so that their joint Euclidean norm is at most ``max_norm``.

    The global norm is ``sqrt(sum over every array of sum g^2)``; when it exceeds
    ``max_norm`` every array is multiplied by ``max_norm / norm`` (so the direction of the
    step is kept). ``max_norm=None`` (or 0) only measures.

    Returns
    -------
    float
        The global norm before clipping.
    """
    norm = float(np.sqrt(sum(float(np.vdot(g, g)) for g in grads)))
    if max_norm and np.isfinite(norm) and norm > max_norm:
        scale = max_norm / norm
        for g in grads:
            g *= scale
    return norm


def _check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive whole number, got {value!r}")
    return int(value)


def _orthogonal(rng: np.random.Generator, n: int) -> np.ndarray:
    """A random n x n orthogonal matrix (QR of a Gaussian matrix, signs made unique)."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.where(np.diag(r) < 0, -1.0, 1.0)


class RecurrentCell:
    """What the RNN and the LSTM share: parameters, shape checks, truncation, clipping.

    Parameters
    ----------
    input_size : int
        I, the number of inputs at each time step.
    hidden_size : int
        H, the number of hidden units.
    seed : int or numpy.random.Generator
        Seed of the generator that draws the initial parameters.

    Initial parameters: ``W_x ~ U[-r, r)`` with ``r = sqrt(6 / (I + G*H))`` (Xavier), each
    gate's (H, H) block of ``W_h`` a random orthogonal matrix, ``b = 0`` (the LSTM then sets
    its forget-gate bias).
    """

    gate_count = 1
    name = "cell"

    def __init__(self, input_size: int, hidden_size: int, seed: int | np.random.Generator = 0):
        self.input_size = _check_size("input_size", input_size)
        self.hidden_size = _check_size("hidden_size", hidden_size)
        rng = np.random.default_rng(seed)
        G, H, n_in = self.gate_count, self.hidden_size, self.input_size
        r = np.sqrt(6.0 / (n_in + G * H))
        self.W_x = rng.uniform(-r, r, (n_in, G * H))
        self.W_h = np.hstack([_orthogonal(rng, H) for _ in range(G)])
        self.b = np.zeros(G * H)
        self._cache: dict | None = None
        self.gradient_flow: np.ndarray | None = None
        self.gradient_norm: float | None = None
        self.dh0: np.ndarray | None = None

    # -- parameters --------------------------------------------------------------------
    @property
    def parameters(self) -> dict[str, np.ndarray]:
        """The parameter arrays by name (the arrays themselves: updating them in place trains)."""
        return {"W_x": self.W_x, "W_h": self.W_h, "b": self.b}

    def parameter_list(self) -> list[np.ndarray]:
        """``[W_x, W_h, b]``, in the order optimizers and gradient lists use."""
        return [self.W_x, self.W_h, self.b]

    @property
    def n_parameters(self) -> int:
        return int(self.W_x.size + self.W_h.size + self.b.size)

    # -- helpers -----------------------------------------------------------------------
    def _inputs(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 3 or X.shape[2] != self.input_size or X.shape[1] < 1:
            raise ValueError(
                f"X must have shape (batch, T, {self.input_size}) with T >= 1, got {X.shape}"
            )
        return X

    def _state(self, state, B: int, what: str) -> np.ndarray:
        if state is None:
            return np.zeros((B, self.hidden_size))
        state = np.asarray(state, dtype=np.float64)
        if state.shape != (B, self.hidden_size):
            raise ValueError(f"{what} must have shape ({B}, {self.hidden_size}), got {state.shape}")
        return state.copy()

    def _grad_hidden(self, dH) -> np.ndarray:
        if self._cache is None:
            raise ValueError("call forward(X) before backward(dH)")
        dH = np.asarray(dH, dtype=np.float64)
        B, T = self._cache["B"], self._cache["T"]
        if dH.shape != (B, T, self.hidden_size):
            raise ValueError(f"dH must have shape ({B}, {T}, {self.hidden_size}), got {dH.shape}")
        return np.ascontiguousarray(dH.transpose(1, 0, 2))  # time-major (T, B, H)

    @staticmethod
    def _cut_after(T: int, truncation: int | None) -> np.ndarray:
        """cut[t] is True when no gradient may flow from step t back into step t - 1.

        Index t = 0 stands for the path from step 0 into the initial state h0.
        """
        cut = np.zeros(T, dtype=bool)
        if truncation is not None:
            k = _check_size("truncation", truncation)
            # Step t - 1 is the last of its block when (T - t) is a multiple of k.
            t = np.arange(T)
            cut = (T - t) % k == 0
        return cut

    def _finish_backward(self, dA_tm: np.ndarray, clip_norm: float | None
                         ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Parameter gradients and dX from the weighted-sum gradients da_t, time-major (T, B, G*H)."""
        c = self._cache
        T, B = c["T"], c["B"]
        GH = dA_tm.shape[2]
        dA = dA_tm.reshape(T * B, GH)
        X_tm = c["X_tm"].reshape(T * B, self.input_size)
        H_prev = np.concatenate([c["h0"][None], c["H_tm"][:-1]]).reshape(T * B, self.hidden_size)
        grads = {"W_x": X_tm.T @ dA, "W_h": H_prev.T @ dA, "b": dA.sum(axis=0)}
        dX = (dA @ self.W_x.T).reshape(T, B, self.input_size).transpose(1, 0, 2)
        self.gradient_norm = clip_by_global_norm(list(grads.values()), clip_norm)
        return grads, np.ascontiguousarray(dX)

    # -- the recurrence, implemented by each cell ----------------------------------------
    def forward(self, X, h0=None):  # pragma: no cover - implemented by the subclasses
        raise NotImplementedError

    def backward(self, dH, truncation: int | None = None, clip_norm: float | None = None):
        raise NotImplementedError  # pragma: no cover

    # -- what the pictures read ------------------------------------------------------------
    @property
    def hidden_states(self) -> np.ndarray:
        """h_t from the last forward pass, (B, T, H)."""
        return self._cache["H_tm"].transpose(1, 0, 2)

    @property
    def weighted_sums_size(self) -> int:
        return self.gate_count * self.hidden_size

    def __repr__(self) -> str:
        return f"{type(self).__name__}(input_size={self.input_size}, hidden_size={self.hidden_size})"


class RNN(RecurrentCell):
    """A plain recurrent layer with tanh units: h_t = tanh(x_t W_x + h_{t-1} W_h + b).

    Parameters
    ----------
    input_size : int
        I, inputs per time step.
    hidden_size : int
        H, hidden units.
    seed : int or numpy.random.Generator
        Seed for the initial parameters.

    Attributes
    ----------
    W_x : ndarray, shape (I, H)
    W_h : ndarray, shape (H, H)
    b : ndarray, shape (H,)
    gradient_flow : ndarray, shape (T,)
        After ``backward``: the Euclidean norm, over the batch and the hidden units, of the
        total gradient dL/dh_t reaching each time step t.
    gradient_norm : float
        After ``backward``: the global norm of the parameter gradients before clipping.
    dh0 : ndarray, shape (B, H)
        After ``backward``: dL/dh0, the gradient with respect to the initial state.
    """

    gate_count = 1
    name = "rnn"

    def forward(self, X, h0=None) -> np.ndarray:
        """Run the recurrence over every time step.

        Parameters
        ----------
        X : array_like, shape (B, T, I)
        h0 : array_like, shape (B, H), optional
            Initial hidden state; zeros when omitted.

        Returns
        -------
        ndarray, shape (B, T, H)
            The hidden states h_1 ... h_T (index t holds the state after reading x_t).
        """
        X = self._inputs(X)
        B, T, _ = X.shape
        h = self._state(h0, B, "h0")
        X_tm = np.ascontiguousarray(X.transpose(1, 0, 2))
        A = (X_tm.reshape(T * B, self.input_size) @ self.W_x).reshape(T, B, self.hidden_size)
        A += self.b
        H_tm = np.empty((T, B, self.hidden_size))
        h_prev = h
        W_h = self.W_h
        for t in range(T):
            a = A[t]
            a += h_prev @ W_h
            h_prev = np.tanh(a, out=H_tm[t])
        self._cache = {"B": B, "T": T, "X_tm": X_tm, "h0": h, "H_tm": H_tm}
        self.h_last = H_tm[-1].copy()
        return np.ascontiguousarray(H_tm.transpose(1, 0, 2))

    def backward(self, dH, truncation: int | None = None, clip_norm: float | None = None
                 ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Backpropagation through time.

        Parameters
        ----------
        dH : array_like, shape (B, T, H)
            dL/dh_t for every time step, from the layer on top (zeros where no loss looks).
        truncation : int, optional
            Let the gradient cross at most ``truncation`` steps (see the module notes);
            ``None`` for full backpropagation through time.
        clip_norm : float, optional
            Clip the parameter gradients to this global norm.

        Returns
        -------
        grads : dict of str to ndarray
            ``{"W_x": (I, H), "W_h": (H, H), "b": (H,)}``.
        dX : ndarray, shape (B, T, I)
            dL/dx_t for every step.
        """
        dH_tm = self._grad_hidden(dH)
        c = self._cache
        T, H_tm = c["T"], c["H_tm"]
        cut = self._cut_after(T, truncation)
        W_hT = self.W_h.T
        dA = np.empty_like(H_tm)
        flow = np.empty(T)
        dh_next = np.zeros_like(H_tm[0])
        for t in range(T - 1, -1, -1):
            dh = dH_tm[t] + dh_next
            flow[t] = np.sqrt(np.vdot(dh, dh))
            h = H_tm[t]
            da = dA[t]
            np.multiply(h, h, out=da)
            np.subtract(1.0, da, out=da)
            da *= dh
            dh_next = da @ W_hT
            if cut[t]:
                dh_next[:] = 0.0
        self.gradient_flow = flow
        self.dh0 = dh_next
        return self._finish_backward(dA, clip_norm)


class LSTM(RecurrentCell):
    """Long short-term memory (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000).

    With a_t = x_t W_x + h_{t-1} W_h + b split into four (B, H) blocks in the order
    input, forget, cell candidate, output:

        i = sigmoid(a_i)   f = sigmoid(a_f)   g = tanh(a_g)   o = sigmoid(a_o)
        c_t = f * c_{t-1} + i * g
        h_t = o * tanh(c_t)

    Backward, with dh the total gradient reaching h_t and dc_next the one reaching c_t from
    step t + 1:

        dc   = dc_next + dh * o * (1 - tanh(c_t)^2)
        da_i = dc * g * i (1 - i)           da_f = dc * c_{t-1} * f (1 - f)
        da_g = dc * i * (1 - g^2)           da_o = dh * tanh(c_t) * o (1 - o)
        dc_next <- dc * f                   dh_next <- da W_h^T

    The path dc_next = dc * f is the "constant error carousel": while the forget gate stays
    near 1 the gradient reaches early time steps without shrinking.

    Parameters
    ----------
    input_size : int
        I, inputs per time step.
    hidden_size : int
        H, hidden units (and cell-state units).
    seed : int or numpy.random.Generator
        Seed for the initial parameters.
    forget_bias : float
        Initial bias of the forget gate (1.0 makes f start near 0.73, remembering by default).

    Attributes
    ----------
    W_x : ndarray, shape (I, 4H)
    W_h : ndarray, shape (H, 4H)
    b : ndarray, shape (4H,)
    cell_states : ndarray, shape (B, T, H)
        c_t from the last forward pass.
    gates : dict of str to ndarray, each (B, T, H)
        ``input``, ``forget``, ``cell_candidate``, ``output`` values from the last forward pass.
    gradient_flow : ndarray, shape (T,)
        After ``backward``: the norm of the total gradient dL/dh_t reaching each step.
    cell_gradient_flow : ndarray, shape (T,)
        After ``backward``: the norm of dL/dc_t reaching each step.
    gradient_norm : float
        After ``backward``: the global norm of the parameter gradients before clipping.
    dh0, dc0 : ndarray, shape (B, H)
        After ``backward``: the gradients with respect to the initial states.
    """

    gate_count = 4
    name = "lstm"

    def __init__(self, input_size: int, hidden_size: int, seed: int | np.random.Generator = 0,
                 forget_bias: float = 1.0):
        super().__init__(input_size, hidden_size, seed)
        self.forget_bias = float(forget_bias)
        H = self.hidden_size
        self.b[H:2 * H] = self.forget_bias
        self.dc0: np.ndarray | None = None
        self.cell_gradient_flow: np.ndarray | None = None

    def forward(self, X, h0=None, c0=None) -> np.ndarray:
        """Run the LSTM over every time step.

        Parameters
        ----------
        X : array_like, shape (B, T, I)
        h0, c0 : array_like, shape (B, H), optional
            Initial hidden and cell states; zeros when omitted.

        Returns
        -------
        ndarray, shape (B, T, H)
            The hidden states h_t; the cell states and gate values are kept as
            ``cell_states`` and ``gates``.
        """
        X = self._inputs(X)
        B, T, _ = X.shape
        H = self.hidden_size
        h = self._state(h0, B, "h0")
        c = self._state(c0, B, "c0")
        X_tm = np.ascontiguousarray(X.transpose(1, 0, 2))
        Z = (X_tm.reshape(T * B, self.input_size) @ self.W_x).reshape(T, B, 4 * H)
        Z += self.b
        C_tm = np.empty((T, B, H))
        TC_tm = np.empty((T, B, H))
        H_tm = np.empty((T, B, H))
        W_h = self.W_h
        h_prev, c_prev = h, c
        for t in range(T):
            z = Z[t]  # weighted sums, replaced in place by the gate values
            z += h_prev @ W_h
            z[:, :2 * H] = sigmoid(z[:, :2 * H])
            np.tanh(z[:, 2 * H:3 * H], out=z[:, 2 * H:3 * H])
            z[:, 3 * H:] = sigmoid(z[:, 3 * H:])
            i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
            c_t = C_tm[t]
            np.multiply(f, c_prev, out=c_t)
            c_t += i * g
            tc = np.tanh(c_t, out=TC_tm[t])
            h_prev = np.multiply(o, tc, out=H_tm[t])
            c_prev = c_t
        self._cache = {"B": B, "T": T, "X_tm": X_tm, "h0": h, "c0": c, "H_tm": H_tm,
                       "C_tm": C_tm, "TC_tm": TC_tm, "gates_tm": Z}
        self.h_last = H_tm[-1].copy()
        self.c_last = C_tm[-1].copy()
        return np.ascontiguousarray(H_tm.transpose(1, 0, 2))

    @property
    def cell_states(self) -> np.ndarray:
        """c_t from the last forward pass, (B, T, H)."""
        return self._cache["C_tm"].transpose(1, 0, 2)

    @property
    def gates(self) -> dict[str, np.ndarray]:
        """Gate values from the last forward pass, each (B, T, H), in the order of LSTM_GATES."""
        Z, H = self._cache["gates_tm"], self.hidden_size
        return {name: Z[:, :, k * H:(k + 1) * H].transpose(1, 0, 2) for k, name in enumerate(LSTM_GATES)}

    def backward(self, dH, truncation: int | None = None, clip_norm: float | None = None
                 ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Backpropagation through time through both the hidden and the cell state.

        Parameters
        ----------
        dH : array_like, shape (B, T, H)
            dL/dh_t for every time step (zeros where no loss looks).
        truncation : int, optional
            Let the gradient cross at most ``truncation`` steps; ``None`` for full BPTT.
        clip_norm : float, optional
            Clip the parameter gradients to this global norm.

        Returns
        -------
        grads : dict of str to ndarray
            ``{"W_x": (I, 4H), "W_h": (H, 4H), "b": (4H,)}``.
        dX : ndarray, shape (B, T, I)
        """
        dH_tm = self._grad_hidden(dH)
        c = self._cache
        T, H = c["T"], self.hidden_size
        Z, C_tm, TC_tm = c["gates_tm"], c["C_tm"], c["TC_tm"]
        cut = self._cut_after(T, truncation)
        W_hT = self.W_h.T
        dA = np.empty_like(Z)
        flow = np.empty(T)
        cell_flow = np.empty(T)
        dh_next = np.zeros_like(C_tm[0])
        dc_next = np.zeros_like(C_tm[0])
        for t in range(T - 1, -1, -1):
            z = Z[t]
            i, f, g, o = z[:, :H], z[:, H:2 * H], z[:, 2 * H:3 * H], z[:, 3 * H:]
            tc = TC_tm[t]
            c_prev = C_tm[t - 1] if t > 0 else c["c0"]
            dh = dH_tm[t] + dh_next
            flow[t] = np.sqrt(np.vdot(dh, dh))
            dc = dh * o
            dc *= 1.0 - tc * tc
            dc += dc_next
            cell_flow[t] = np.sqrt(np.vdot(dc, dc))
            da = dA[t]
            np.multiply(dc * g, i * (1.0 - i), out=da[:, :H])
            np.multiply(dc * c_prev, f * (1.0 - f), out=da[:, H:2 * H])
            np.multiply(dc * i, 1.0 - g * g, out=da[:, 2 * H:3 * H])
            np.multiply(dh * tc, o * (1.0 - o), out=da[:, 3 * H:])
            dh_next = da @ W_hT
            dc_next = dc * f
            if cut[t]:
                dh_next[:] = 0.0
                dc_next[:] = 0.0
        self.gradient_flow = flow
        self.cell_gradient_flow = cell_flow
        self.dh0, self.dc0 = dh_next, dc_next
        return self._finish_backward(dA, clip_norm)


CELLS: dict[str, type[RecurrentCell]] = {"rnn": RNN, "lstm": LSTM}


def make_cell(name: str, input_size: int, hidden_size: int, seed: int | np.random.Generator = 0,
              **options) -> RecurrentCell:
    """Build a cell by name ("rnn" or "lstm")."""
    if name not in CELLS:
        raise ValueError(f"unknown cell {name!r}; choose one of: {', '.join(CELLS)}")
    return CELLS[name](input_size, hidden_size, seed, **options)
