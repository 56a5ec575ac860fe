"""``explain_step``: one sample's every number, against a hand-worked example, finite
differences for every activation and head/loss pair, and ``loss_and_gradients``."""
import numpy as np
import pytest

from playground.engine import Network, explain_step
from playground.engine.activations import ACTIVATIONS
from playground.engine.gradcheck import numerical_gradient
from playground.engine.losses import VALID_LOSSES

VALID_PAIRS = [(output, loss) for output, losses in VALID_LOSSES.items() for loss in losses]
N_OUTPUTS = {"sigmoid": 1, "softmax": 3, "one_vs_rest": 2, "linear": 2}
#: A class label for each classification head that exercises a non-trivial target (for
#: one-vs-all: the last class, scored 1 - sum, whose target row is all zeros).
LABELS = {"sigmoid": 1, "softmax": 2, "one_vs_rest": 2}
KINKED = {"relu", "leaky_relu", "elu"}


def test_hand_worked_two_two_one_sigmoid_network():
    """The classic 2-2-1 sigmoid example, squared error, target class 1 (t = 1).

    z1 = x W1 + b1:  0.05*0.15 + 0.10*0.20 + 0.35 = 0.3775;  0.05*0.25 + 0.10*0.30 + 0.35 = 0.3925
    a1 = sigmoid(z1) = (0.593269992107, 0.596884378260)
    z2 = 0.40*0.593269992107 + 0.45*0.596884378260 + 0.60 = 1.105905967060
    a2 = sigmoid(z2) = 0.751365069552
    L = 1/2 (a2 - t)^2 = 1/2 (0.751365069552 - 1)^2 = 0.030909664319
    delta2 = (a2 - t) a2 (1 - a2) = -0.248634930448 * 0.751365069552 * 0.248634930448 = -0.046448884162
    delta1_j = a1_j (1 - a1_j) W2_j delta2 = (-0.004483259464, -0.005029301136)
    dL/dW2 = a1 delta2 = (-0.027556729140, -0.027724613344);  dL/dW1_ij = x_i delta1_j
    """
    net = Network([2, 2, 1], activation="sigmoid", output="sigmoid", loss="squared_error")
    net.set_parameters([np.array([[0.15, 0.25], [0.20, 0.30]]), np.array([[0.40], [0.45]])],
                       [np.array([0.35, 0.35]), np.array([0.60])])
    record = explain_step(net, np.array([0.05, 0.10]), 1)

    close = dict(rtol=1e-10, atol=0)
    np.testing.assert_allclose(record.weighted_sums[0], [0.3775, 0.3925], **close)
    np.testing.assert_allclose(record.activations[0], [0.05, 0.10], **close)
    np.testing.assert_allclose(record.activations[1], [0.593269992107, 0.596884378260], **close)
    np.testing.assert_allclose(record.weighted_sums[1], [1.105905967060], **close)
    np.testing.assert_allclose(record.activations[2], [0.751365069552], **close)
    np.testing.assert_allclose(record.target, [1.0])
    assert record.loss == pytest.approx(0.030909664319, rel=1e-10)
    np.testing.assert_allclose(record.deltas[1], [-0.046448884162], **close)
    np.testing.assert_allclose(record.deltas[0], [-0.004483259464, -0.005029301136], rtol=1e-9)
    np.testing.assert_allclose(record.weight_gradients[1], [[-0.027556729140], [-0.027724613344]], **close)
    np.testing.assert_allclose(record.weight_gradients[0], [[-2.241629732152e-4, -2.514650567784e-4],
                                                            [-4.483259464304e-4, -5.029301135568e-4]], **close)
    np.testing.assert_allclose(record.bias_gradients[1], [-0.046448884162], **close)
    np.testing.assert_allclose(record.bias_gradients[0], [-0.004483259464, -0.005029301136], rtol=1e-9)


def _set_up(output, loss, activation, seed=0):
    """A 3-4-3-out network with non-zero biases and one sample (x, y) for it."""
    rng = np.random.default_rng(10 + seed)
    net = Network([3, 4, 3, N_OUTPUTS[output]], activation=activation, output=output, loss=loss, seed=seed)
    net.biases = [rng.uniform(-0.5, 0.5, b.shape) for b in net.biases]
    x = rng.normal(0.0, 1.0, 3)
    y = rng.normal(0.0, 1.0, N_OUTPUTS[output]) if output == "linear" else LABELS[output]
    return net, x, y


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_gradients_and_deltas_match_finite_differences(activation, output, loss):
    net, x, y = _set_up(output, loss, activation)
    record = explain_step(net, x, y)
    if activation in KINKED:   # a finite difference across the kink at 0 would be meaningless
        assert min(float(np.min(np.abs(z))) for z in record.weighted_sums[:-1]) > 1e-3

    def sample_loss() -> float:
        return explain_step(net, x, y).loss

    # Central differences with h = 1e-5 carry about 1e-11 of rounding: entries far smaller than
    # the rest (leaky ReLU's slope 0.01 makes some) are compared absolutely, to 1e-9.
    for W, dW in zip(net.weights, record.weight_gradients):
        np.testing.assert_allclose(dW, numerical_gradient(sample_loss, W), rtol=1e-6, atol=1e-9)
    for b, db, delta in zip(net.biases, record.bias_gradients, record.deltas):
        # dLoss/db_l is delta_l itself, so this also checks every delta
        np.testing.assert_allclose(db, numerical_gradient(sample_loss, b), rtol=1e-6, atol=1e-9)
        np.testing.assert_array_equal(db, delta)
    for a_before, delta, dW in zip(record.activations, record.deltas, record.weight_gradients):
        np.testing.assert_allclose(dW, np.outer(a_before, delta), rtol=1e-14, atol=1e-300)


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_forward_numbers_follow_the_definitions(output, loss):
    net, x, y = _set_up(output, loss, "tanh", seed=3)
    record = explain_step(net, x, y)
    assert len(record.weighted_sums) == len(record.deltas) == len(net.weights) == 3
    assert len(record.activations) == 4
    a = x
    for layer, (W, b) in enumerate(zip(net.weights, net.biases)):
        z = a @ W + b
        np.testing.assert_allclose(record.weighted_sums[layer], z, rtol=1e-14)
        a = np.tanh(z) if layer < 2 else net.output_layer.activate(z[None])[0]
        np.testing.assert_allclose(record.activations[layer + 1], a, rtol=1e-14)
    assert record.loss == pytest.approx(net.loss_and_outputs(x[None], net.targets(np.atleast_1d(y)
                                                                                  if output != "linear"
                                                                                  else y[None]))[0])


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_agrees_with_loss_and_gradients_on_a_batch_of_one(output, loss):
    net, x, y = _set_up(output, loss, "relu", seed=5)
    record = explain_step(net, x, y)
    batch_loss, grads = net.loss_and_gradients(x[None], np.atleast_1d(y) if output != "linear" else y[None])
    assert record.loss == batch_loss
    for mine, theirs in zip(record.weight_gradients + record.bias_gradients, grads["weights"] + grads["biases"]):
        np.testing.assert_array_equal(mine, theirs)


def test_one_vs_all_target_of_the_last_class_is_all_zeros():
    """The blog's head: K - 1 outputs; the last class is the one whose target row is zero."""
    net, x, _ = _set_up("one_vs_rest", "squared_error", "sigmoid")
    np.testing.assert_array_equal(explain_step(net, x, 2).target, [0.0, 0.0])
    np.testing.assert_array_equal(explain_step(net, x, 0).target, [1.0, 0.0])


def test_bad_input_shape_says_what_was_expected():
    net = Network([3, 2, 1])
    with pytest.raises(ValueError, match="3 input values"):
        explain_step(net, np.zeros(2), 1)
