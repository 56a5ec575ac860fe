"""Huge inputs, a huge learning rate, an all-zero start: no warnings, no NaN.

Engine calls run under ``np.errstate(all="raise", under="ignore")``: overflow, invalid
operations and division by zero raise FloatingPointError. Underflow (exp(-2e4) -> 0) is
exact and numpy never warns about it by default, so it is left alone.

What cannot be promised is promised nowhere here: gradient descent at learning rate 100
on unbounded units (linear or leaky-ReLU hidden layers with cross-entropy, or any linear
output with squared error) really diverges, and a weighted sum past 1e308 overflows.
``test_divergence_shows_in_the_loss_first`` pins what the trainer can rely on instead.
"""
import numpy as np
import pytest

from playground.engine import SGD, Network

RAISE = {"all": "raise", "under": "ignore"}
CLASSIFICATION = [("sigmoid", "cross_entropy"), ("sigmoid", "squared_error"), ("softmax", "cross_entropy"),
                  ("softmax", "squared_error"), ("one_vs_rest", "squared_error"),
                  ("one_vs_rest", "cross_entropy")]
N_OUT = {"sigmoid": 1, "softmax": 3, "one_vs_rest": 2, "linear": 1}
N_CLASSES = {"sigmoid": 2, "softmax": 3, "one_vs_rest": 3}


def huge_inputs(n=40, seed=0):
    X = np.random.default_rng(seed).uniform(-1e4, 1e4, (n, 3))
    X[0] = [1e4, -1e4, 1e4]
    return X


def params_finite(net):
    return all(np.all(np.isfinite(p)) for p in net.weights + net.biases)


@pytest.mark.parametrize("init", ["zeros", "xavier"])
@pytest.mark.parametrize(("output", "loss"), CLASSIFICATION)
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "sine", "relu", "elu", "softplus", "swish"])
def test_training_at_learning_rate_100_on_inputs_of_1e4_stays_finite(activation, output, loss, init):
    X = huge_inputs()
    y = np.arange(len(X)) % N_CLASSES[output]
    net = Network([3, 6, 5, N_OUT[output]], activation=activation, output=output, loss=loss, init=init)
    T = net.targets(y)
    optimizer = SGD(learning_rate=100.0)
    losses = []
    with np.errstate(**RAISE):
        for _ in range(100):
            value, grads = net.loss_and_gradients_for_targets(X, T)
            optimizer.step(net.weights + net.biases, grads["weights"] + grads["biases"])
            losses.append(value)
        forward = net.forward(X)
        scores = net.predict_proba(X)
    assert np.all(np.isfinite(losses))
    assert params_finite(net)
    assert np.all(np.isfinite(forward)) and np.all(np.isfinite(scores))
    if init == "zeros":
        assert losses[0] == pytest.approx(_zero_network_loss(output, loss, T), rel=1e-12)


def _zero_network_loss(output, loss, T):
    """All-zero parameters: every output is sigmoid(0) = 1/2, or softmax(0) = 1/K."""
    if output == "softmax":
        y_hat = np.full(T.shape, 1.0 / T.shape[1])
    else:
        y_hat = np.full(T.shape, 0.5)
    if loss == "squared_error":
        return np.mean(0.5 * np.sum((T - y_hat) ** 2, axis=1))
    if output == "softmax":
        return np.log(T.shape[1])
    return T.shape[1] * np.log(2.0)


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu",
                                        "softplus", "swish", "sine"])
def test_all_zero_start_with_huge_inputs_gives_exact_first_loss_and_no_warning(activation):
    X = huge_inputs()
    net = Network([3, 4, 3], activation=activation, output="softmax", loss="cross_entropy", init="zeros")
    with np.errstate(**RAISE):
        value, grads = net.loss_and_gradients(X, np.arange(len(X)) % 3)
    assert value == pytest.approx(np.log(3.0), rel=1e-14)
    assert all(np.all(np.isfinite(g)) for g in grads["weights"] + grads["biases"])


@pytest.mark.parametrize("scale", [1e4, 1e300])
@pytest.mark.parametrize(("output", "loss"), CLASSIFICATION)
def test_huge_weighted_sums_at_every_classification_head(output, loss, scale):
    """Output weighted sums of +-1e4 and +-1e300: finite loss and gradients, no warning."""
    net = Network([2, N_OUT[output]], output=output, loss=loss, init="zeros")
    net.weights = [np.vstack([np.linspace(-1.0, 1.0, N_OUT[output]) * scale, np.zeros(N_OUT[output])])]
    X = np.array([[1.0, 0.0], [-1.0, 0.0], [0.5, 3.0]])
    y = np.array([0, 1, 1])
    with np.errstate(**RAISE):
        y_hat = net.forward(X)
        value, grads = net.loss_and_gradients(X, y)
        scores = net.predict_proba(X)
    assert np.all(np.isfinite(y_hat)) and np.all((y_hat >= 0) & (y_hat <= 1))
    assert np.all(np.isfinite(scores))
    assert np.isfinite(value)
    assert all(np.all(np.isfinite(g)) for g in grads["weights"] + grads["biases"])
    if loss == "cross_entropy":
        # a confidently wrong output costs about the size of its weighted sum
        assert value > scale / 10


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "elu", "softplus", "swish", "sine"])
def test_huge_hidden_weighted_sums_forward_and_backward(activation):
    net = Network([3, 5, 3], activation=activation, output="softmax", loss="cross_entropy", seed=0)
    net.weights[0] *= 1e300  # hidden sums up to ~1e304
    X = np.array([[1.0, -2.0, 3.0], [-1.0, 0.5, 0.0]])
    with np.errstate(**RAISE):
        hidden = net.layer_outputs(X)[1]
        if activation in {"sigmoid", "tanh", "sine"}:  # bounded hidden units: the rest is ordinary
            value, grads = net.loss_and_gradients(X, np.array([0, 2]))
            assert np.isfinite(value)
            assert all(np.all(np.isfinite(g)) for g in grads["weights"] + grads["biases"])
    assert np.all(np.isfinite(hidden))


def test_linear_head_squared_error_of_huge_errors_is_an_infinite_loss():
    """Documented limit: 1/2 (1e200)^2 is past float64, so the loss is inf.

    The squared error of a linear head is the one place where a finite weighted sum gives an
    infinite loss. The sum of squares is a BLAS dot product, which reports no floating-point
    flag, so this inf arrives without a warning (an elementwise ``error * error`` would warn
    "overflow encountered in multiply"); the trainer stops on a non-finite loss. Below
    about 1e154 the loss stays finite.
    """
    net = Network([1, 1], output="linear", loss="squared_error", init="zeros")
    net.weights = [np.array([[1e200]])]
    X, y = np.array([[1.0]]), np.array([0.0])
    with np.errstate(**RAISE):
        assert np.all(np.isfinite(net.forward(X)))
        value, grads = net.loss_and_gradients(X, y)
    assert value == np.inf
    assert np.all(np.isfinite(grads["weights"][0]))  # (y_hat - t) / n = 1e200: still finite
    net.weights = [np.array([[1e150]])]
    with np.errstate(**RAISE):
        assert net.loss_and_gradients(X, y)[0] == pytest.approx(0.5e300, rel=1e-14)


@pytest.mark.parametrize(("activation", "output", "loss"), [
    ("linear", "softmax", "cross_entropy"), ("leaky_relu", "sigmoid", "cross_entropy"),
    ("relu", "linear", "squared_error"), ("tanh", "linear", "squared_error"),
    ("sigmoid", "linear", "squared_error"),
])
def test_divergence_shows_in_the_loss_first(activation, output, loss):
    """Where lr 100 really diverges, the loss turns non-finite no later than the gradients.

    So a trainer that checks the loss before applying the update never writes a NaN or
    inf into the parameters.
    """
    X = huge_inputs()
    net = Network([3, 6, 5, N_OUT[output]], activation=activation, output=output, loss=loss, init="xavier")
    y = np.random.default_rng(1).normal(size=len(X)) if output == "linear" else np.arange(len(X)) % 2
    T = net.targets(y)
    optimizer = SGD(learning_rate=100.0)
    with np.errstate(all="ignore"):
        for _ in range(400):
            value, grads = net.loss_and_gradients_for_targets(X, T)
            if not np.isfinite(value):
                break
            assert all(np.all(np.isfinite(g)) for g in grads["weights"] + grads["biases"])
            optimizer.step(net.weights + net.biases, grads["weights"] + grads["biases"])
        else:
            pytest.fail("expected this set-up to diverge within 400 iterations")
    assert params_finite(net)
