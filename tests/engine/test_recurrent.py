"""Tests of the recurrent cells (RNN, LSTM), backpropagation through time and the sequence model."""
from __future__ import annotations

import numpy as np
import pytest

from playground.engine import LSTM, RNN, Adam
from playground.engine.gradcheck import check_arrays, numerical_gradient, relative_error
from playground.engine.recurrent import LSTM_GATES, clip_by_global_norm, make_cell
from playground.engine.sequence_model import SequenceModel, mse_loss, softmax_cross_entropy

CELLS = [RNN, LSTM]
TOLERANCE = 1e-6


def _random_case(cls, seed):
    """A cell of random shape, inputs, initial state(s) and a random weighting of every h_t."""
    rng = np.random.default_rng(seed)
    B, T, D, H = (int(rng.integers(1, 4)), int(rng.integers(1, 6)), int(rng.integers(1, 4)),
                  int(rng.integers(1, 5)))
    cell = cls(D, H, seed=seed)
    for p in cell.parameter_list():  # move away from the initial values (b = 0 etc.)
        p += rng.normal(0.0, 0.5, p.shape)
    X = rng.normal(size=(B, T, D))
    states = [rng.normal(size=(B, H))]
    if cls is LSTM:
        states.append(rng.normal(size=(B, H)))
    weights = rng.normal(size=(B, T, H))
    return cell, X, states, weights


# -- gradient checks ----------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("seed", range(6))
def test_gradients_match_central_differences(cls, seed):
    cell, X, states, weights = _random_case(cls, seed)

    def loss() -> float:  # L = sum_t sum_units weights * h_t, so dL/dH = weights
        return float(np.sum(weights * cell.forward(X, *states)))

    cell.forward(X, *states)
    grads, dX = cell.backward(weights)
    assert set(grads) == {"W_x", "W_h", "b"}
    params = cell.parameter_list()
    assert all(grads[name].shape == p.shape for name, p in zip(("W_x", "W_h", "b"), params))
    assert check_arrays(loss, params, [grads["W_x"], grads["W_h"], grads["b"]]) < TOLERANCE
    assert relative_error(dX, numerical_gradient(loss, X)) < TOLERANCE
    assert relative_error(cell.dh0, numerical_gradient(loss, states[0])) < TOLERANCE
    if cls is LSTM:
        assert relative_error(cell.dc0, numerical_gradient(loss, states[1])) < TOLERANCE


@pytest.mark.parametrize("cell_name", ["rnn", "lstm"])
@pytest.mark.parametrize("kind,loss", [("many_to_one", "mse"), ("many_to_many", "mse"),
                                       ("many_to_one", "cross_entropy"), ("many_to_many", "cross_entropy")])
def test_sequence_model_gradients_match_central_differences(cell_name, kind, loss):
    # (Entries of the gradient far smaller than the loss itself, ~1e-6 of it, are limited by
    # round-off in the central difference; this data set has none.)
    rng = np.random.default_rng(0)
    B, T, D, H, K = 3, 4, 2, 3, 3
    model = SequenceModel(cell_name, D, H, K, kind=kind, loss=loss, seed=1)
    X = rng.normal(size=(B, T, D))
    label_shape = (B,) if kind == "many_to_one" else (B, T)
    if loss == "cross_entropy":
        Y = rng.integers(0, K, size=label_shape)
    else:
        Y = rng.normal(size=label_shape + (K,))
    _, grads = model.loss_and_gradients(X, Y)
    params = model.parameters
    assert list(grads) == list(params) == ["W_x", "W_h", "b", "W_out", "b_out"]
    error = check_arrays(lambda: model.loss_and_gradients(X, Y)[0], list(params.values()),
                         [grads[name] for name in params])
    assert error < TOLERANCE


def test_loss_functions_by_hand_and_central_differences():
    # mse: predictions 1 and 3, targets 0 and 0 -> (1 + 9) / 2 = 5; dZ = 2 (Z - Y) / 2 = [1, 3].
    value, dZ = mse_loss(np.array([[1.0], [3.0]]), np.zeros((2, 1)))
    assert value == pytest.approx(5.0)
    np.testing.assert_allclose(dZ, [[1.0], [3.0]])
    # cross-entropy of equal logits over 4 classes is log 4, whatever the label.
    value, dZ = softmax_cross_entropy(np.zeros((1, 4)), np.array([2]))
    assert value == pytest.approx(np.log(4.0))
    np.testing.assert_allclose(dZ, [[0.25, 0.25, -0.75, 0.25]])
    rng = np.random.default_rng(0)
    Z, labels = rng.normal(size=(3, 2, 5)), rng.integers(0, 5, size=(3, 2))
    _, dZ = softmax_cross_entropy(Z, labels)
    assert relative_error(dZ, numerical_gradient(lambda: softmax_cross_entropy(Z, labels)[0], Z)) < TOLERANCE


# -- batched forward == stepping ----------------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
def test_batched_forward_equals_stepping_one_step_at_a_time(cls):
    rng = np.random.default_rng(3)
    B, T, D, H = 4, 7, 3, 5
    cell = cls(D, H, seed=2)
    X = rng.normal(size=(B, T, D))
    h0 = rng.normal(size=(B, H))
    full = cell.forward(X, h0)
    full_cells = cell.cell_states.copy() if cls is LSTM else None

    h, c = h0, None
    for t in range(T):
        step = cell.forward(X[:, t:t + 1], h) if cls is RNN else cell.forward(X[:, t:t + 1], h, c)
        np.testing.assert_allclose(step[:, 0], full[:, t], rtol=1e-12, atol=1e-14)
        h = cell.h_last
        if cls is LSTM:
            c = cell.c_last
            np.testing.assert_allclose(c, full_cells[:, t], rtol=1e-12, atol=1e-14)
    # ... and each sequence alone gives the same states as in the batch.
    for i in range(B):
        np.testing.assert_allclose(cell.forward(X[i:i + 1], h0[i:i + 1])[0], full[i], rtol=1e-12, atol=1e-14)


def test_lstm_exposes_cell_states_and_gates():
    rng = np.random.default_rng(0)
    cell = LSTM(2, 3, seed=0)
    X = rng.normal(size=(2, 5, 2))
    H = cell.forward(X)
    gates = cell.gates
    assert list(gates) == list(LSTM_GATES) == ["input", "forget", "cell_candidate", "output"]
    for name in ("input", "forget", "output"):
        assert gates[name].shape == (2, 5, 3)
        assert np.all((gates[name] > 0) & (gates[name] < 1))
    assert np.all(np.abs(gates["cell_candidate"]) < 1)
    # The stored values satisfy the cell's equations.
    c = cell.cell_states
    np.testing.assert_allclose(c[:, 0], gates["input"][:, 0] * gates["cell_candidate"][:, 0])
    np.testing.assert_allclose(c[:, 1], gates["forget"][:, 1] * c[:, 0]
                               + gates["input"][:, 1] * gates["cell_candidate"][:, 1])
    np.testing.assert_allclose(H, gates["output"] * np.tanh(c))
    np.testing.assert_allclose(cell.hidden_states, H)


def test_parameter_shapes_gate_order_and_forget_bias():
    rnn, lstm = RNN(3, 5, seed=0), LSTM(3, 5, seed=0, forget_bias=2.0)
    assert (rnn.W_x.shape, rnn.W_h.shape, rnn.b.shape) == ((3, 5), (5, 5), (5,))
    assert (lstm.W_x.shape, lstm.W_h.shape, lstm.b.shape) == ((3, 20), (5, 20), (20,))
    assert all(p.dtype == np.float64 for p in lstm.parameter_list())
    # Only the forget block (the second of input, forget, candidate, output) starts non-zero.
    np.testing.assert_array_equal(lstm.b, np.r_[np.zeros(5), np.full(5, 2.0), np.zeros(10)])
    # The same seed gives the same parameters; another seed does not.
    np.testing.assert_array_equal(LSTM(3, 5, seed=0).W_h, LSTM(3, 5, seed=0).W_h)
    assert not np.allclose(LSTM(3, 5, seed=1).W_x, lstm.W_x)
    with pytest.raises(ValueError, match="hidden_size"):
        RNN(3, 0)
    with pytest.raises(ValueError, match="shape"):
        rnn.forward(np.zeros((2, 4, 2)))
    with pytest.raises(ValueError, match="unknown cell"):
        make_cell("gru", 1, 1)


# -- the hand-worked case ---------------------------------------------------------------------
def test_rnn_by_hand_h1_t2():
    # One sequence, one input, one hidden unit, two steps: x = (1, -1), h0 = 0,
    # W_x = 0.5, W_h = -1, b = 0, and the loss L = h_2 (so dH = (0, 1)).
    #
    #   a_1 = 0.5 * 1                 = 0.5        h_1 = tanh(0.5)          = 0.4621171573
    #   a_2 = 0.5 * (-1) - 1 * h_1    = -0.9621171573
    #                                              h_2 = tanh(a_2)          = -0.7452197423
    # Backward:
    #   da_2 = 1 * (1 - h_2^2)        = 0.4446475356
    #   dh_1 = da_2 * W_h             = -0.4446475356
    #   da_1 = dh_1 * (1 - h_1^2)     = -0.3496920464
    #   dW_x = x_1 da_1 + x_2 da_2    = -0.3496920464 - 0.4446475356 = -0.7943395820
    #   dW_h = h_0 da_1 + h_1 da_2    = 0 + 0.4621171573 * 0.4446475356 = 0.2054792552
    #   db   = da_1 + da_2            = 0.0949554893
    #   dx_1 = da_1 W_x = -0.1748460232,   dx_2 = da_2 W_x = 0.2223237678
    #   dh_0 = da_1 W_h = 0.3496920464
    cell = RNN(1, 1)
    cell.W_x[:] = 0.5
    cell.W_h[:] = -1.0
    cell.b[:] = 0.0
    H = cell.forward(np.array([[[1.0], [-1.0]]]))
    np.testing.assert_allclose(H.ravel(), [0.4621171573, -0.7452197423], rtol=1e-9)
    grads, dX = cell.backward(np.array([[[0.0], [1.0]]]))
    np.testing.assert_allclose(grads["W_x"].ravel(), [-0.7943395820], rtol=1e-9)
    np.testing.assert_allclose(grads["W_h"].ravel(), [0.2054792552], rtol=1e-9)
    np.testing.assert_allclose(grads["b"].ravel(), [0.0949554893], rtol=1e-9)
    np.testing.assert_allclose(dX.ravel(), [-0.1748460232, 0.2223237678], rtol=1e-9)
    np.testing.assert_allclose(cell.dh0.ravel(), [0.3496920464], rtol=1e-9)
    np.testing.assert_allclose(cell.gradient_flow, [0.4446475356, 1.0], rtol=1e-9)


def test_lstm_by_hand_h1_t2():
    # One unit, x = (1, 0), h0 = c0 = 0, W_h = 0, b = 0 and W_x = [0, 0, 1, 0], so only the
    # candidate sees the input: every gate is sigmoid(0) = 0.5 and g_t = tanh(x_t).
    #
    #   g_1 = tanh(1) = 0.7615941560     c_1 = 0.5 * 0 + 0.5 * g_1 = 0.3807970780
    #   h_1 = 0.5 * tanh(c_1) = 0.5 * 0.3633...                    = 0.1816997422
    #   g_2 = tanh(0) = 0                c_2 = 0.5 * c_1 + 0.5 * 0 = 0.1903985390
    #   h_2 = 0.5 * tanh(c_2)                                      = 0.0940653341
    # Loss L = h_2. Backward:
    #   dc_2 = dh_2 * o_2 * (1 - tanh(c_2)^2) = 0.5 * (1 - 0.0353...)  = 0.4823034259
    #   dc_1 = dc_2 * f_2 (h_1 reaches nothing, W_h = 0)              = 0.2411517129
    #   dx_1 = da_g1 * W_x[g] = dc_1 * i_1 * (1 - g_1^2)              = 0.0506387659
    #   dx_2 = dc_2 * i_2 * (1 - g_2^2) = 0.4823034259 * 0.5           = 0.2411517129
    #   db[forget] = da_f1 + da_f2 = dc_1 c_0 f(1-f) + dc_2 c_1 f(1-f)
    #              = 0 + 0.4823034259 * 0.3807970780 * 0.25            = 0.0459149338
    #   dW_h[forget] = h_0 da_f1 + h_1 da_f2 = 0.1816997422 * 0.0459149338 = 0.0083427316
    cell = LSTM(1, 1, forget_bias=0.0)
    cell.W_x[:] = [[0.0, 0.0, 1.0, 0.0]]
    cell.W_h[:] = 0.0
    H = cell.forward(np.array([[[1.0], [0.0]]]))
    np.testing.assert_allclose(H.ravel(), [0.1816997422, 0.0940653341], rtol=1e-9)
    np.testing.assert_allclose(cell.cell_states.ravel(), [0.3807970780, 0.1903985390], rtol=1e-9)
    np.testing.assert_allclose(cell.gates["forget"].ravel(), [0.5, 0.5])
    grads, dX = cell.backward(np.array([[[0.0], [1.0]]]))
    np.testing.assert_allclose(dX.ravel(), [0.0506387659, 0.2411517129], rtol=1e-9)
    np.testing.assert_allclose(grads["b"][1], 0.0459149338, rtol=1e-9)
    np.testing.assert_allclose(grads["W_h"][0, 1], 0.0083427316, rtol=1e-8)


# -- truncation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
def test_truncation_to_k_steps_on_a_many_to_one_loss(cls):
    # With the loss on the last state only, BPTT truncated to k steps is exactly the full
    # gradient of the last k steps run from the (then constant) state at step T-k-1.
    rng = np.random.default_rng(1)
    B, T, D, H, k = 3, 9, 2, 4, 3
    cell = cls(D, H, seed=4)
    X = rng.normal(size=(B, T, D))
    dH = np.zeros((B, T, H))
    dH[:, -1] = rng.normal(size=(B, H))

    cell.forward(X)
    start_states = [cell.hidden_states[:, T - k - 1].copy()]
    if cls is LSTM:
        start_states.append(cell.cell_states[:, T - k - 1].copy())
    grads, dX = cell.backward(dH, truncation=k)
    flow = cell.gradient_flow
    assert np.all(flow[:T - k] == 0.0) and np.all(flow[T - k:] > 0.0)
    assert np.all(dX[:, :T - k] == 0.0) and np.all(dX[:, T - k:] != 0.0)

    cell.forward(X[:, T - k:], *start_states)
    expected, expected_dX = cell.backward(dH[:, T - k:])
    for name in grads:
        np.testing.assert_allclose(grads[name], expected[name], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(dX[:, T - k:], expected_dX, rtol=1e-12, atol=1e-15)

    # A truncation at least as long as the sequence is full BPTT.
    cell.forward(X)
    full, _ = cell.backward(dH)
    longer, _ = cell.backward(dH, truncation=T)
    for name in full:
        np.testing.assert_array_equal(full[name], longer[name])
    assert np.all(cell.gradient_flow > 0)


@pytest.mark.parametrize("cls", CELLS)
def test_truncation_on_a_many_to_many_loss_cuts_blocks_counted_from_the_end(cls):
    # T = 7, k = 3: blocks [4, 7), [1, 4), [0, 1). The truncated gradient is the sum of
    # each block's full gradient, each block run from the state before it held constant.
    rng = np.random.default_rng(2)
    B, T, D, H, k = 2, 7, 2, 3, 3
    cell = cls(D, H, seed=0)
    X = rng.normal(size=(B, T, D))
    dH = rng.normal(size=(B, T, H))
    cell.forward(X)
    hidden = cell.hidden_states.copy()
    cells = cell.cell_states.copy() if cls is LSTM else None
    grads, dX = cell.backward(dH, truncation=k)

    total = {name: np.zeros_like(g) for name, g in grads.items()}
    for lo, hi in [(4, 7), (1, 4), (0, 1)]:
        states = [hidden[:, lo - 1]] if lo > 0 else [None]
        if cls is LSTM:
            states.append(cells[:, lo - 1] if lo > 0 else None)
        cell.forward(X[:, lo:hi], *states)
        block, block_dX = cell.backward(dH[:, lo:hi])
        for name in total:
            total[name] += block[name]
        np.testing.assert_allclose(dX[:, lo:hi], block_dX, rtol=1e-12, atol=1e-15)
    for name in grads:
        np.testing.assert_allclose(grads[name], total[name], rtol=1e-12, atol=1e-15)


# -- clipping ------------------------------------------------------------------------------------
def test_clip_by_global_norm():
    grads = [np.array([3.0, 0.0]), np.array([[4.0]])]  # global norm 5
    assert clip_by_global_norm(grads, 1.0) == pytest.approx(5.0)
    np.testing.assert_allclose(grads[0], [0.6, 0.0])
    np.testing.assert_allclose(grads[1], [[0.8]])
    small = [np.array([0.3, 0.4])]
    assert clip_by_global_norm(small, 1.0) == pytest.approx(0.5)
    np.testing.assert_array_equal(small[0], [0.3, 0.4])  # below the limit: unchanged
    unclipped = [np.array([30.0, 40.0])]
    assert clip_by_global_norm(unclipped, None) == pytest.approx(50.0)
    np.testing.assert_array_equal(unclipped[0], [30.0, 40.0])


@pytest.mark.parametrize("cls", CELLS)
def test_backward_clips_parameter_gradients_but_not_dx(cls):
    cell, X, states, weights = _random_case(cls, 11)
    cell.forward(X, *states)
    full, dX_full = cell.backward(weights)
    norm = np.sqrt(sum(np.sum(g * g) for g in full.values()))
    clipped, dX = cell.backward(weights, clip_norm=norm / 10)
    assert cell.gradient_norm == pytest.approx(norm)
    assert np.sqrt(sum(np.sum(g * g) for g in clipped.values())) == pytest.approx(norm / 10)
    for name in full:
        np.testing.assert_allclose(clipped[name], full[name] / 10)
    np.testing.assert_array_equal(dX, dX_full)


# -- numerics and gradient flow --------------------------------------------------------------
@pytest.mark.parametrize("cls", CELLS)
@pytest.mark.parametrize("scale", [1e3, 1e8, 1e150])
def test_huge_inputs_give_no_warning_and_no_nan(cls, scale):
    rng = np.random.default_rng(0)
    cell = cls(3, 4, seed=0)
    X = scale * rng.normal(size=(2, 6, 3))
    H = cell.forward(X)
    grads, dX = cell.backward(np.ones_like(H))
    assert np.all(np.isfinite(H)) and np.all(np.abs(H) <= 1.0)
    assert all(np.all(np.isfinite(g)) for g in grads.values()) and np.all(np.isfinite(dX))


def test_lstm_gradient_reaches_further_back_than_rnn():
    # With the loss on the last step of a long sequence, the RNN's gradient flow decays
    # fast while the LSTM's (forget gates near 1 at the start) decays much less.
    rng = np.random.default_rng(0)
    T = 60
    X = rng.normal(size=(8, T, 2))
    ratios = {}
    for cls in CELLS:
        cell = cls(2, 16, seed=0)
        for p in cell.parameter_list():
            p *= 0.5 if cls is RNN else 1.0
        H = cell.forward(X)
        dH = np.zeros_like(H)
        dH[:, -1] = 1.0
        cell.backward(dH)
        ratios[cls] = cell.gradient_flow[0] / cell.gradient_flow[-1]
    assert ratios[RNN] < 1e-6
    assert ratios[LSTM] > 100 * ratios[RNN]


# -- the model --------------------------------------------------------------------------------
def test_sequence_model_learns_to_sum_with_the_engine_optimizer():
    rng = np.random.default_rng(0)
    model = SequenceModel("lstm", 2, 8, 1, kind="many_to_one", loss="mse", seed=0, learning_rate=0.02,
                          clip_norm=1.0)
    assert isinstance(model.optimizer, Adam)

    def batch(n):  # the sum of both inputs over 5 steps
        X = rng.random((n, 5, 2))
        return X, X.sum(axis=(1, 2))[:, None]

    X_val, Y_val = batch(200)
    before = model.evaluate(X_val, Y_val)["mse"]
    for _ in range(300):
        model.train_step(*batch(32))
    after = model.evaluate(X_val, Y_val)
    assert model.iteration == 300
    assert after["mse"] == after["loss"]
    assert after["mse"] < before / 20
    assert model.gradient_flow.shape == (5,)
    assert model.gradient_norm > 0


def test_sequence_model_evaluate_and_train_step_details():
    rng = np.random.default_rng(1)
    model = SequenceModel("rnn", 3, 4, 3, kind="many_to_many", loss="cross_entropy", seed=0,
                          optimizer="sgd", learning_rate=0.1, clip_norm=1e-3, truncation=2)
    X = np.eye(3)[rng.integers(0, 3, size=(5, 6))]
    Y = rng.integers(0, 3, size=(5, 6))
    model.train_step(X, Y)
    before = {name: p.copy() for name, p in model.parameters.items()}
    model.train_step(X, Y)
    snapshot = model.cell.hidden_states.copy()
    step = np.sqrt(sum(np.sum((p - before[name]) ** 2) for name, p in model.parameters.items()))
    assert step == pytest.approx(0.1 * 1e-3)  # SGD step of a gradient clipped to norm 1e-3
    result = model.evaluate(X, Y)
    np.testing.assert_allclose(model.cell.hidden_states, snapshot)  # pictures keep the training batch
    accuracy = np.mean(model.predict(X).argmax(axis=-1) == Y)
    assert result["accuracy"] == pytest.approx(accuracy)
    probabilities = model.predict(X)  # an ordinary forward pass: the cell now holds it
    np.testing.assert_allclose(probabilities.sum(axis=-1), 1.0)
    snapshot = model.cell.hidden_states.copy()
    sampled = model.sample(0, 10, np.random.default_rng(0))
    assert len(sampled) == 10 and all(0 <= s < 3 for s in sampled)
    np.testing.assert_allclose(model.cell.hidden_states, snapshot)
    with pytest.raises(ValueError, match="labels must have shape"):
        model.train_step(X, Y[:, :3])
    with pytest.raises(ValueError, match="unknown kind"):
        SequenceModel("rnn", 1, 1, 1, kind="one_to_many")
