"""Optimizers: the first two updates worked out by hand, state, live settings, convergence.

Every hand-worked case minimises f(p) = p1^2 + 2 p2^2 from p = (1, -2); its gradient is
g(p) = (2 p1, 4 p2), so g0 = g(1, -2) = (2, -8).
"""
import math

import numpy as np
import pytest

from playground.engine import OPTIMIZERS, SGD, Adam, Momentum, RMSProp, make_optimizer
from playground.engine.optimizers import add_regularization_gradient, regularization_penalty


def gradient(p):
    return np.array([2.0 * p[0], 4.0 * p[1]])


def run(optimizer, n_steps, p=None):
    """Apply ``n_steps`` updates in place; return the parameter after each step."""
    p = np.array([1.0, -2.0]) if p is None else p
    history = []
    for _ in range(n_steps):
        optimizer.step([p], [gradient(p)])
        history.append(p.copy())
    return history


def test_sgd_first_two_updates():
    # eta = 0.1: p1 = (1, -2) - 0.1 (2, -8) = (0.8, -1.2)
    #            g1 = (1.6, -4.8); p2 = (0.8 - 0.16, -1.2 + 0.48) = (0.64, -0.72)
    p1, p2 = run(SGD(learning_rate=0.1), 2)
    np.testing.assert_allclose(p1, [0.8, -1.2], rtol=0, atol=1e-15)
    np.testing.assert_allclose(p2, [0.64, -0.72], rtol=0, atol=1e-15)


def test_momentum_first_two_updates():
    # eta = 0.1, mu = 0.9:
    #   v1 = -0.1 (2, -8) = (-0.2, 0.8);                 p1 = (0.8, -1.2)
    #   g1 = (1.6, -4.8); v2 = 0.9 (-0.2, 0.8) - 0.1 (1.6, -4.8)
    #      = (-0.18 - 0.16, 0.72 + 0.48) = (-0.34, 1.2); p2 = (0.8 - 0.34, -1.2 + 1.2) = (0.46, 0)
    p1, p2 = run(Momentum(learning_rate=0.1, momentum=0.9), 2)
    np.testing.assert_allclose(p1, [0.8, -1.2], rtol=0, atol=1e-15)
    np.testing.assert_allclose(p2, [0.46, 0.0], rtol=0, atol=1e-15)


def test_rmsprop_first_two_updates():
    # eta = 0.01, rho = 0.9, eps = 1e-8:
    #   s1 = 0.1 g0^2 = (0.4, 6.4); sqrt(s1) = (0.632456, 2.529822)
    #   step = 0.01 (2 / 0.632456, -8 / 2.529822) = 0.01 (sqrt(10), -sqrt(10)) = (0.0316228, -0.0316228)
    #   p1 = (1 - 0.0316228, -2 + 0.0316228) = (0.9683772, -1.9683772)
    #   g1 = (1.9367544, -7.8735089); s2 = 0.9 s1 + 0.1 g1^2 = (0.36 + 0.3751018, 5.76 + 6.1992142)
    #      = (0.7351018, 11.9592142); step = 0.01 g1 / sqrt(s2) = (0.0225892, -0.0227676)
    #   p2 = (0.9457880, -1.9456096)
    # The 16-digit values below are the same two steps in 40-digit decimal arithmetic, eps included.
    p1, p2 = run(RMSProp(learning_rate=0.01, decay=0.9, epsilon=1e-8), 2)
    step1 = 0.01 * 2 / (math.sqrt(0.4) + 1e-8), 0.01 * 8 / (math.sqrt(6.4) + 1e-8)
    np.testing.assert_allclose(p1, [1.0 - step1[0], -2.0 + step1[1]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(p1, [0.9683772238983162, -1.9683772235233162], rtol=0, atol=1e-14)
    np.testing.assert_allclose(p2, [0.9457880254881012, -1.9456096368619424], rtol=0, atol=1e-14)


def test_adam_first_two_updates():
    # eta = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8:
    #   m1 = 0.1 g0 = (0.2, -0.8);  v1 = 0.001 g0^2 = (0.004, 0.064)
    #   m_hat = m1 / 0.1 = g0;  v_hat = v1 / 0.001 = g0^2  -> step = eta sign(g0) = (0.1, -0.1)
    #   p1 = (0.9, -1.9)                                    (eps shifts it by ~5e-10)
    #   g1 = (1.8, -7.6)
    #   m2 = 0.9 (0.2, -0.8) + 0.1 (1.8, -7.6) = (0.36, -1.48);  m_hat = m2 / (1 - 0.81) = m2 / 0.19
    #      = (1.8947368, -7.7894737)
    #   v2 = 0.999 (0.004, 0.064) + 0.001 (3.24, 57.76) = (0.007236, 0.121696)
    #   v_hat = v2 / (1 - 0.999^2) = v2 / 0.001999 = (3.6198099, 60.8784392)
    #   step = 0.1 m_hat / sqrt(v_hat) = (0.1 * 1.8947368 / 1.9025798, 0.1 * -7.7894737 / 7.8024637)
    #        = (0.0995878, -0.0998335);  p2 = (0.8004122, -1.8001665)
    # The 16-digit values below are the same two steps in 40-digit decimal arithmetic, eps included.
    p1, p2 = run(Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8), 2)
    np.testing.assert_allclose(p1, [0.9, -1.9], rtol=0, atol=1e-8)
    np.testing.assert_allclose(p1, [0.9000000005, -1.900000000125], rtol=0, atol=1e-14)
    m_hat = np.array([0.36, -1.48]) / 0.19
    v_hat = np.array([0.007236, 0.121696]) / 0.001999
    expected = np.array([0.9, -1.9]) - 0.1 * m_hat / (np.sqrt(v_hat) + 1e-8)
    np.testing.assert_allclose(p2, expected, rtol=0, atol=1e-8)
    np.testing.assert_allclose(p2, [0.8004122286917921, -1.8001664858630046], rtol=0, atol=1e-14)


def test_momentum_state_persists_and_reset_forgets_it():
    opt = Momentum(learning_rate=0.1, momentum=0.9)
    p = np.array([1.0, -2.0])
    run(opt, 1, p)
    # a zero gradient still moves p by the stored velocity (-0.2, 0.8) * 0.9
    opt.step([p], [np.zeros(2)])
    np.testing.assert_allclose(p, [0.8 - 0.18, -1.2 + 0.72], atol=1e-15)
    opt.reset_state()
    opt.step([p], [np.zeros(2)])
    np.testing.assert_allclose(p, [0.62, -0.48], atol=1e-15)


def test_adam_state_persists_and_reset_restarts_the_bias_correction():
    opt = Adam(learning_rate=0.1)
    p = np.array([1.0, -2.0])
    run(opt, 2, p)
    assert opt._t == 2
    opt.reset_state()
    q = p.copy()
    opt.step([p], [gradient(p)])
    # a fresh first step is eta sign(g) again
    np.testing.assert_allclose(p, q - 0.1 * np.sign(gradient(q)), atol=1e-8)


def test_rmsprop_state_persists():
    opt = RMSProp(learning_rate=0.01)
    p = np.array([1.0, -2.0])
    run(opt, 1, p)
    before = p.copy()
    # with the stored s1 = (0.4, 6.4): s = 0.9 s1 + 0.1 * 1 = (0.46, 5.86)
    opt.step([p], [np.ones(2)])
    np.testing.assert_allclose(p, before - 0.01 / (np.sqrt([0.46, 5.86]) + 1e-8), atol=1e-15)


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam"])
def test_changing_the_learning_rate_applies_to_the_next_step(name):
    """Two runs agree on the first step; after halving eta in one of them, its second step is half as long."""
    a, b = make_optimizer(name, 0.1), make_optimizer(name, 0.1)
    pa, pb = np.array([1.0, -2.0]), np.array([1.0, -2.0])
    run(a, 1, pa)
    run(b, 1, pb)
    np.testing.assert_array_equal(pa, pb)
    start = pa.copy()
    b.learning_rate = 0.05
    run(a, 1, pa)
    run(b, 1, pb)
    # every optimizer's step is proportional to eta given the same state and gradient
    np.testing.assert_allclose(pb - start, 0.5 * (pa - start), rtol=1e-12)


def test_changing_the_learning_rate_of_momentum_applies_to_the_next_step():
    opt = Momentum(learning_rate=0.1, momentum=0.9)
    p = np.array([1.0, -2.0])
    run(opt, 1, p)                      # v1 = (-0.2, 0.8), p1 = (0.8, -1.2)
    opt.learning_rate = 0.05
    run(opt, 1, p)                      # v2 = 0.9 v1 - 0.05 (1.6, -4.8) = (-0.26, 0.96)
    np.testing.assert_allclose(p, [0.54, -0.24], atol=1e-15)


def test_changing_momentum_mid_way_applies():
    opt = Momentum(learning_rate=0.1, momentum=0.9)
    p = np.array([1.0, -2.0])
    run(opt, 1, p)                      # v1 = (-0.2, 0.8), p1 = (0.8, -1.2)
    opt.momentum = 0.5
    opt.step([p], [np.zeros(2)])        # v2 = 0.5 v1 = (-0.1, 0.4)
    np.testing.assert_allclose(p, [0.7, -0.8], atol=1e-15)


@pytest.mark.parametrize(("name", "learning_rate", "steps"), [
    ("sgd", 0.1, 200), ("momentum", 0.05, 300), ("rmsprop", 0.01, 1000), ("adam", 0.05, 1000),
])
def test_each_optimizer_minimises_a_quadratic(name, learning_rate, steps):
    opt = make_optimizer(name, learning_rate)
    history = run(opt, steps)
    start = math.sqrt(1 + 2 * 4)
    assert math.sqrt(history[0][0] ** 2 + 2 * history[0][1] ** 2) < start
    assert np.linalg.norm(history[-1]) < 1e-2


def test_several_parameter_arrays_are_updated_in_place_with_their_own_state():
    opt = Adam(learning_rate=0.01)
    W, b = np.ones((2, 3)), np.zeros(3)
    ids = id(W), id(b)
    for _ in range(3):
        opt.step([W, b], [np.full((2, 3), 0.5), np.full(3, -2.0)])
    assert (id(W), id(b)) == ids
    # constant gradients: Adam moves each entry by eta per step, against the gradient's sign
    np.testing.assert_allclose(W, 1.0 - 0.03, atol=1e-7)
    np.testing.assert_allclose(b, 0.03, atol=1e-7)


def test_make_optimizer_and_settings():
    assert set(OPTIMIZERS) == {"sgd", "momentum", "rmsprop", "adam"}
    opt = make_optimizer("momentum", 0.2, momentum=0.5)
    assert isinstance(opt, Momentum)
    assert opt.settings() == {"learning_rate": 0.2, "momentum": 0.5}
    assert make_optimizer("adam", 0.001).settings() == {"learning_rate": 0.001, "beta1": 0.9,
                                                        "beta2": 0.999, "epsilon": 1e-8}
    assert make_optimizer("sgd", 3).settings() == {"learning_rate": 3.0}
    with pytest.raises(ValueError) as info:
        make_optimizer("adagrad", 0.1)
    for name in OPTIMIZERS:
        assert name in str(info.value)


def test_regularization_penalty_and_gradient_by_hand():
    weights = [np.array([[1.0, -2.0]]), np.array([[0.0], [3.0]])]
    # L1: 0.1 (1 + 2 + 0 + 3) = 0.6;  L2: 0.2 / 2 (1 + 4 + 0 + 9) = 1.4
    assert regularization_penalty(weights, l1=0.1) == pytest.approx(0.6, rel=1e-15)
    assert regularization_penalty(weights, l2=0.2) == pytest.approx(1.4, rel=1e-15)
    assert regularization_penalty(weights, l1=0.1, l2=0.2) == pytest.approx(2.0, rel=1e-15)
    assert regularization_penalty(weights) == 0.0
    grads = [np.zeros((1, 2)), np.zeros((2, 1))]
    add_regularization_gradient(weights, grads, l1=0.1, l2=0.2)
    np.testing.assert_allclose(grads[0], [[0.1 + 0.2, -0.1 - 0.4]])
    np.testing.assert_allclose(grads[1], [[0.0], [0.1 + 0.6]])
