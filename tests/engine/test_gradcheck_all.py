"""Central-difference gradient checks of the whole network (relative error < 1e-6, float64).

Every hidden activation, every valid head/loss pair, L1, L2 and dropout with a fixed mask.
Kinked activations (relu, leaky_relu, elu) are only checked where no weighted sum lies
within reach of the kink at 0, which each test asserts rather than assumes.
"""
import numpy as np
import pytest

from playground.engine import Network, check_network
from playground.engine.activations import ACTIVATIONS, Activation
from playground.engine.gradcheck import check_arrays, numerical_gradient, relative_error
from playground.engine.losses import VALID_LOSSES

TOLERANCE = 1e-6
STEP = 1e-5
VALID_PAIRS = [(output, loss) for output, losses in VALID_LOSSES.items() for loss in losses]
N_CLASSES = {"sigmoid": 2, "softmax": 3, "one_vs_rest": 3, "linear": 0}


def make_problem(output, loss, activation="tanh", hidden=(5, 4), seed=0, n=8, init="xavier"):
    rng = np.random.default_rng(100 + seed)
    n_out = {"sigmoid": 1, "softmax": 3, "one_vs_rest": 2, "linear": 2}[output]
    net = Network([3, *hidden, n_out], activation=activation, output=output, loss=loss, init=init, seed=seed)
    # non-zero biases, so that bias gradients are exercised away from the symmetric start
    net.biases = [rng.uniform(-0.5, 0.5, b.shape) for b in net.biases]
    X = rng.normal(0.0, 1.0, (n, 3))
    if output == "linear":
        y = rng.normal(0.0, 1.0, (n, n_out))
    else:
        y = np.arange(n) % N_CLASSES[output]  # every class present
    return net, X, y


def smallest_hidden_sum(net, X, dropout_masks=None):
    """min |z| over every hidden weighted sum, as the network computes them."""
    smallest = np.inf
    a = X
    for i, (W, b, act) in enumerate(zip(net.weights, net.biases, net.hidden_activations)):
        z = a @ W + b
        smallest = min(smallest, float(np.min(np.abs(z))))
        a = act.f(z)
        if dropout_masks is not None:
            a = a * dropout_masks[i]
    return smallest


def assert_gradients_check(net, X, y, **options):
    before = [p.copy() for p in net.weights + net.biases]
    with np.errstate(all="raise", under="ignore"):
        error = check_network(net, X, y, step=STEP, **options)
    assert error < TOLERANCE, f"relative error {error:.3g} for {net}"
    # the check restores every parameter it nudged
    for p, q in zip(before, net.weights + net.biases):
        np.testing.assert_array_equal(p, q)
    return error


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_every_activation_passes_the_gradient_check(activation):
    net, X, y = make_problem("softmax", "cross_entropy", activation=activation)
    if activation in {"relu", "leaky_relu", "elu"}:
        assert smallest_hidden_sum(net, X) > 1e-3
    assert_gradients_check(net, X, y)


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_every_valid_head_and_loss_passes_the_gradient_check(output, loss):
    net, X, y = make_problem(output, loss)
    assert_gradients_check(net, X, y)


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_heads_with_other_hidden_activations(output, loss, activation):
    net, X, y = make_problem(output, loss, activation=activation, seed=1)
    if activation == "relu":
        assert smallest_hidden_sum(net, X) > 1e-3
    assert_gradients_check(net, X, y)


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_network_without_hidden_layers(output, loss):
    net, X, y = make_problem(output, loss, hidden=())
    assert_gradients_check(net, X, y)


def test_one_activation_per_hidden_layer():
    names = ["sine", "swish", "softplus", "elu", "sigmoid"]
    net, X, y = make_problem("softmax", "cross_entropy", activation=names, hidden=(4, 4, 3, 3, 4), seed=5)
    assert net.activation == names
    assert smallest_hidden_sum(net, X) > 1e-3
    assert_gradients_check(net, X, y)


def test_the_blog_network_shape():
    """4-10-2, sigmoid hidden, one_vs_rest head, squared error, U[-1, 1) initialisation."""
    rng = np.random.default_rng(5)
    net = Network([4, 10, 2], activation="sigmoid", output="one_vs_rest", loss="squared_error",
                  init="uniform", seed=0)
    X = rng.normal(0.0, 1.0, (9, 4))
    assert_gradients_check(net, X, np.arange(9) % 3)


@pytest.mark.parametrize("regularization", [{"l1": 0.03}, {"l2": 0.05}, {"l1": 0.01, "l2": 0.2}])
@pytest.mark.parametrize(("output", "loss"), [("softmax", "cross_entropy"), ("linear", "squared_error")])
def test_l1_and_l2_pass_the_gradient_check(regularization, output, loss):
    net, X, y = make_problem(output, loss, seed=3)
    # |w| is not differentiable at 0: keep every weight away from it
    assert min(float(np.min(np.abs(W))) for W in net.weights) > 10 * STEP
    error_plain = check_network(net, X, y, step=STEP)
    assert error_plain < TOLERANCE
    assert_gradients_check(net, X, y, **regularization)
    # and the penalty really is part of the loss being checked
    plain, _ = net.loss_and_gradients(X, y)
    penalised, _ = net.loss_and_gradients(X, y, **regularization)
    assert penalised > plain


@pytest.mark.parametrize("activation", ["tanh", "relu", "sigmoid"])
def test_dropout_with_a_fixed_mask_passes_the_gradient_check(activation):
    net, X, y = make_problem("softmax", "cross_entropy", activation=activation, hidden=(6, 5), seed=4)
    masks = net.draw_dropout_masks(len(X), 0.4, np.random.default_rng(11))
    assert any(np.any(m == 0.0) for m in masks)  # some neurons really are dropped
    if activation == "relu":
        assert smallest_hidden_sum(net, X, masks) > 1e-3
    assert_gradients_check(net, X, y, dropout_masks=masks)


def test_dropout_and_l2_together():
    net, X, y = make_problem("one_vs_rest", "squared_error", activation="swish", seed=6)
    masks = net.draw_dropout_masks(len(X), 0.3, np.random.default_rng(1))
    assert_gradients_check(net, X, y, dropout_masks=masks, l2=0.1)


# -- the checker itself can fail -------------------------------------------------------

def test_a_wrong_derivative_is_caught():
    net, X, y = make_problem("softmax", "cross_entropy", activation="tanh")
    tanh = net.hidden_activations[0]
    net.hidden_activations = [Activation("wrong_tanh", tanh.f, lambda z, a: 1.0 - 0.9 * a * a)] * 2
    assert check_network(net, X, y, step=STEP) > 1e-3


def test_a_forgotten_bias_gradient_is_caught():
    net, X, y = make_problem("linear", "squared_error")
    _, grads = net.loss_and_gradients(X, y)
    wrong = [g * 0.0 for g in grads["biases"]]

    def loss_fn():
        return net.loss_and_gradients(X, y)[0]

    assert check_arrays(loss_fn, net.biases, wrong) == pytest.approx(1.0)
    assert check_arrays(loss_fn, net.biases, grads["biases"]) < TOLERANCE


def test_numerical_gradient_of_a_known_function():
    # L(p) = p0^2 + 3 p0 p1 -> gradient (2 p0 + 3 p1, 3 p0) = (2 + 6, 3) at (1, 2)
    p = np.array([1.0, 2.0])
    grad = numerical_gradient(lambda: p[0] ** 2 + 3.0 * p[0] * p[1], p)
    np.testing.assert_allclose(grad, [8.0, 3.0], rtol=1e-9)
    np.testing.assert_array_equal(p, [1.0, 2.0])


def test_relative_error_definition():
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    # |1 - 3| / (1 + 3) = 0.5
    assert relative_error(np.array([1.0]), np.array([3.0])) == 0.5
    assert relative_error(np.array([]), np.array([])) == 0.0
