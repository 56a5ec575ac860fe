"""Network: a hand-worked example, agreement with scikit-learn, validation, initialisation."""
import math
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from playground.engine import ACTIVATIONS, INITIALISATIONS, SGD, Network
from playground.engine.losses import OUTPUTS, VALID_LOSSES

LN3 = math.log(3.0)


# -- one example worked out by hand ----------------------------------------------------

def test_hand_worked_2_2_1_sigmoid_network_forward_gradients_and_one_sgd_update():
    """2 inputs, 2 sigmoid hidden neurons, 1 sigmoid output, squared error, one sample.

    x = (1, 2), label 1 (target t = 1).
    W1 = [[ln 3, 1], [0, -1/2]], b1 = (0, 0);  W2 = [[2], [-2]], b2 = -1/2.

    Forward:
      z1 = x W1 + b1 = (1 ln3 + 2 * 0,  1 * 1 + 2 * (-1/2)) = (ln 3, 0)
      h  = sigmoid(z1) = (1 / (1 + 1/3), 1 / (1 + 1)) = (3/4, 1/2)
      z2 = h W2 + b2 = 3/4 * 2 + 1/2 * (-2) - 1/2 = 3/2 - 1 - 1/2 = 0
      y_hat = sigmoid(0) = 1/2
      loss = 1/n * 1/2 (t - y_hat)^2 = 1/2 * (1/2)^2 = 1/8          (n = 1)

    Backward:
      delta2 = (y_hat - t) * y_hat (1 - y_hat) = (-1/2)(1/4) = -1/8
      dW2 = h^T delta2 = (3/4 * -1/8, 1/2 * -1/8) = (-3/32, -1/16);  db2 = -1/8
      delta2 W2^T = (-1/8 * 2, -1/8 * -2) = (-1/4, 1/4)
      sigmoid'(z1) = h (1 - h) = (3/4 * 1/4, 1/2 * 1/2) = (3/16, 1/4)
      delta1 = (-1/4 * 3/16, 1/4 * 1/4) = (-3/64, 1/16)
      dW1 = x^T delta1 = [[1 * -3/64, 1 * 1/16], [2 * -3/64, 2 * 1/16]]
                       = [[-3/64, 1/16], [-3/32, 1/8]]
      db1 = delta1 = (-3/64, 1/16)

    One SGD update, learning rate 1/2 (p <- p - 1/2 g):
      W1 <- [[ln3 + 3/128, 1 - 1/32], [0 + 3/64, -1/2 - 1/16]]
          = [[ln3 + 0.0234375, 0.96875], [0.046875, -0.5625]]
      b1 <- (0 + 3/128, 0 - 1/32) = (0.0234375, -0.03125)
      W2 <- [[2 + 3/64], [-2 + 1/32]] = [[2.046875], [-1.96875]]
      b2 <- -1/2 + 1/16 = -0.4375
    """
    net = Network([2, 2, 1], activation="sigmoid", output="sigmoid", loss="squared_error", init="zeros")
    net.weights = [np.array([[LN3, 1.0], [0.0, -0.5]]), np.array([[2.0], [-2.0]])]
    net.biases = [np.array([0.0, 0.0]), np.array([-0.5])]
    X, y = np.array([[1.0, 2.0]]), np.array([1])

    outputs = net.layer_outputs(X)
    np.testing.assert_allclose(outputs[1], [[0.75, 0.5]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(outputs[2], [[0.5]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.forward(X), [[0.5]], rtol=0, atol=1e-12)

    loss, grads = net.loss_and_gradients(X, y)
    assert loss == pytest.approx(1 / 8, abs=1e-12)
    np.testing.assert_allclose(grads["weights"][1], [[-3 / 32], [-1 / 16]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(grads["biases"][1], [-1 / 8], rtol=0, atol=1e-12)
    np.testing.assert_allclose(grads["weights"][0], [[-3 / 64, 1 / 16], [-3 / 32, 1 / 8]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(grads["biases"][0], [-3 / 64, 1 / 16], rtol=0, atol=1e-12)

    SGD(learning_rate=0.5).step(net.weights + net.biases, grads["weights"] + grads["biases"])
    np.testing.assert_allclose(net.weights[0], [[LN3 + 0.0234375, 0.96875], [0.046875, -0.5625]],
                               rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.biases[0], [0.0234375, -0.03125], rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.weights[1], [[2.046875], [-1.96875]], rtol=0, atol=1e-12)
    np.testing.assert_allclose(net.biases[1], [-0.4375], rtol=0, atol=1e-12)
    # and the update helped
    assert net.loss_and_gradients(X, y)[0] < 1 / 8


def test_loss_is_a_mean_over_samples():
    """The same sample twice has the same loss and gradients as once."""
    net = Network([3, 4, 2], activation="tanh", output="softmax", loss="cross_entropy", seed=1)
    X = np.array([[0.3, -1.0, 2.0]])
    once = net.loss_and_gradients(X, np.array([1]))
    twice = net.loss_and_gradients(np.vstack([X, X]), np.array([1, 1]))
    assert twice[0] == pytest.approx(once[0], rel=1e-14)
    for a, b in zip(once[1]["weights"] + once[1]["biases"], twice[1]["weights"] + twice[1]["biases"]):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_loss_matches_the_forward_pass():
    rng = np.random.default_rng(0)
    net = Network([3, 5, 2], activation="relu", output="one_vs_rest", loss="squared_error", seed=3)
    X, y = rng.normal(size=(10, 3)), np.arange(10) % 3
    y_hat = net.forward(X)
    T = np.eye(3)[y][:, :2]  # one-hot on the first K - 1 classes
    expected = np.mean(0.5 * np.sum((T - y_hat) ** 2, axis=1))
    assert net.loss_and_gradients(X, y)[0] == pytest.approx(expected, rel=1e-14)
    np.testing.assert_array_equal(net.targets(y), T)


# -- scikit-learn holds the same weights: the same outputs -----------------------------

SKLEARN_ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}


def _fitted(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _copy_weights(net, model):
    assert [c.shape for c in model.coefs_] == [W.shape for W in net.weights]
    model.coefs_ = [W.copy() for W in net.weights]
    model.intercepts_ = [b.copy() for b in net.biases]


def _data(n_features=4, n=60, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0.0, 1.5, (n, n_features))


@pytest.mark.parametrize("sk_activation", list(SKLEARN_ACTIVATIONS))
def test_multiclass_softmax_equals_sklearn_predict_proba(sk_activation):
    X = _data()
    y = np.arange(len(X)) % 3
    net = Network([4, 7, 5, 3], activation=SKLEARN_ACTIVATIONS[sk_activation], output="softmax",
                  loss="cross_entropy", init="uniform", seed=4)
    model = _fitted(MLPClassifier(hidden_layer_sizes=(7, 5), activation=sk_activation, max_iter=2,
                                  random_state=0), X, y)
    assert model.out_activation_ == "softmax"
    _copy_weights(net, model)
    np.testing.assert_allclose(net.forward(X), model.predict_proba(X), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(net.predict_proba(X), model.predict_proba(X), rtol=1e-12, atol=1e-14)
    np.testing.assert_array_equal(net.predict(X), model.predict(X))


@pytest.mark.parametrize("sk_activation", list(SKLEARN_ACTIVATIONS))
def test_binary_sigmoid_head_equals_sklearn_predict_proba(sk_activation):
    X = _data(seed=1)
    y = np.arange(len(X)) % 2
    net = Network([4, 6, 1], activation=SKLEARN_ACTIVATIONS[sk_activation], output="sigmoid",
                  loss="cross_entropy", init="uniform", seed=5)
    model = _fitted(MLPClassifier(hidden_layer_sizes=(6,), activation=sk_activation, max_iter=2,
                                  random_state=0), X, y)
    assert model.out_activation_ == "logistic"
    _copy_weights(net, model)
    proba = model.predict_proba(X)
    np.testing.assert_allclose(net.forward(X)[:, 0], proba[:, 1], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(net.predict_proba(X), proba, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("sk_activation", list(SKLEARN_ACTIVATIONS))
@pytest.mark.parametrize("n_targets", [1, 2])
def test_linear_head_equals_sklearn_regressor_predict(sk_activation, n_targets):
    X = _data(n_features=3, seed=2)
    Y = np.random.default_rng(9).normal(size=(len(X), n_targets))
    net = Network([3, 8, 4, n_targets], activation=SKLEARN_ACTIVATIONS[sk_activation], output="linear",
                  loss="squared_error", init="uniform", seed=6)
    model = _fitted(MLPRegressor(hidden_layer_sizes=(8, 4), activation=sk_activation, max_iter=2,
                                 random_state=0), X, Y.ravel() if n_targets == 1 else Y)
    _copy_weights(net, model)
    expected = model.predict(X).reshape(len(X), n_targets)
    np.testing.assert_allclose(net.forward(X), expected, rtol=1e-12, atol=1e-12)


# -- validation ----------------------------------------------------------------------

def test_cross_entropy_on_a_linear_head_is_refused_naming_the_valid_loss():
    with pytest.raises(ValueError) as info:
        Network([2, 3, 1], output="linear", loss="cross_entropy")
    assert "squared_error" in str(info.value)


@pytest.mark.parametrize(("kwargs", "choices"), [
    ({"activation": "logistic"}, ["linear", "sigmoid", "tanh", "relu", "sine"]),
    ({"activation": ["tanh", "nope"]}, ["linear", "sigmoid", "tanh", "relu", "sine"]),
    ({"output": "identity"}, list(OUTPUTS)),
    ({"loss": "log_loss"}, ["cross_entropy", "squared_error"]),
    ({"init": "glorot"}, list(INITIALISATIONS)),
])
def test_unknown_names_are_refused_naming_the_valid_choices(kwargs, choices):
    with pytest.raises(ValueError) as info:
        Network([2, 3, 3, 1], **kwargs)
    for choice in choices:
        assert choice in str(info.value)


def test_sigmoid_head_with_more_than_two_classes_is_refused():
    with pytest.raises(ValueError, match="one output.*softmax or one_vs_rest"):
        Network([2, 3, 3], output="sigmoid", loss="cross_entropy")
    # labels of a third class given to a one-output sigmoid head
    net = Network([2, 3, 1], output="sigmoid", loss="cross_entropy")
    with pytest.raises(ValueError, match="softmax or one_vs_rest"):
        net.loss_and_gradients(np.zeros((3, 2)), np.array([0, 1, 2]))


@pytest.mark.parametrize(("output", "n_out", "bad_label"), [
    ("softmax", 3, 3), ("softmax", 3, -1), ("one_vs_rest", 2, 3), ("sigmoid", 1, -1),
])
def test_labels_outside_the_heads_classes_are_refused(output, n_out, bad_label):
    net = Network([2, n_out], output=output, loss="cross_entropy")
    with pytest.raises(ValueError, match="labels"):
        net.targets(np.array([0, bad_label]))


def test_every_valid_head_loss_pair_builds():
    for output, losses in VALID_LOSSES.items():
        for loss in losses:
            n_out = 1 if output == "sigmoid" else 2
            assert Network([2, n_out], output=output, loss=loss).loss == loss


@pytest.mark.parametrize("sizes", [[3], [], [2, 0, 1], [0, 1]])
def test_bad_layer_sizes(sizes):
    with pytest.raises(ValueError, match="layer_sizes"):
        Network(sizes)


def test_activation_list_must_have_one_name_per_hidden_layer():
    with pytest.raises(ValueError, match="2 hidden layers need 2 activations, got 3"):
        Network([2, 3, 3, 1], activation=["tanh", "relu", "tanh"])
    net = Network([2, 3, 3, 1], activation=["relu", "sine"])
    assert net.activation == ["relu", "sine"]
    assert Network([2, 3, 3, 1], activation="elu").activation == ["elu", "elu"]


def test_n_classes_per_head():
    assert Network([2, 1], output="sigmoid").n_classes == 2
    assert Network([2, 4], output="softmax").n_classes == 4
    assert Network([2, 2], output="one_vs_rest", loss="squared_error").n_classes == 3
    assert Network([2, 2], output="linear", loss="squared_error").n_classes == 0


# -- parameters ------------------------------------------------------------------------

def test_parameter_shapes_and_dtypes():
    net = Network([4, 10, 3, 2], activation="tanh", output="softmax")
    assert [W.shape for W in net.weights] == [(4, 10), (10, 3), (3, 2)]
    assert [b.shape for b in net.biases] == [(10,), (3,), (2,)]
    assert all(p.dtype == np.float64 for p in net.parameters())
    assert len(net.parameters()) == 6


def test_set_and_copy_parameters():
    net = Network([2, 3, 1])
    weights, biases = net.copy_parameters()
    weights[0][0, 0] = 123.0
    assert net.weights[0][0, 0] != 123.0
    net.set_parameters(weights, biases)
    assert net.weights[0][0, 0] == 123.0
    weights[0][0, 0] = 7.0  # set_parameters copied
    assert net.weights[0][0, 0] == 123.0
    with pytest.raises(ValueError, match="does not match"):
        net.set_parameters([np.zeros((3, 2)), np.zeros((3, 1))], biases)
    with pytest.raises(ValueError, match="does not match"):
        net.set_parameters(weights, [np.zeros(3), np.zeros(2)])


def test_forward_equals_the_last_layer_output_and_accepts_integer_input():
    net = Network([2, 4, 3], activation="sine", output="softmax", seed=2)
    X = np.array([[1, 2], [-3, 0]])
    np.testing.assert_array_equal(net.forward(X), net.layer_outputs(X)[-1])
    np.testing.assert_allclose(net.forward(X).sum(axis=1), 1.0)
    loss_int, _ = net.loss_and_gradients(X, np.array([0, 2]))
    loss_float, _ = net.loss_and_gradients(X.astype(float), np.array([0, 2]))
    assert loss_int == loss_float


# -- initialisation ------------------------------------------------------------------

def test_xavier_bound():
    net = Network([400, 600, 1], init="xavier", seed=0)
    W = net.weights[0]
    r = math.sqrt(6.0 / (400 + 600))
    assert np.all(W >= -r) and np.all(W < r)
    assert W.max() > 0.999 * r and W.min() < -0.999 * r
    # U[-r, r) has variance r^2 / 3 = 2 / (fan_in + fan_out)
    assert W.std() == pytest.approx(math.sqrt(2.0 / 1000), rel=0.01)
    assert abs(W.mean()) < 4 * W.std() / math.sqrt(W.size)
    assert all(np.all(b == 0.0) for b in net.biases)


def test_he_standard_deviation():
    net = Network([500, 800, 1], init="he", seed=1)
    W = net.weights[0]
    std = math.sqrt(2.0 / 500)
    # 400,000 draws: the sample std is within 0.5 % with overwhelming probability
    assert W.std() == pytest.approx(std, rel=0.005)
    assert abs(W.mean()) < 4 * std / math.sqrt(W.size)
    # normal, not uniform: about 68.3 % within one standard deviation
    assert np.mean(np.abs(W) < std) == pytest.approx(0.6827, abs=0.005)
    assert net.weights[1].std() == pytest.approx(math.sqrt(2.0 / 800), rel=0.1)
    assert all(np.all(b == 0.0) for b in net.biases)


def test_uniform_draws_weights_and_biases_in_minus_one_one():
    net = Network([300, 1000, 2], init="uniform", output="softmax", seed=2)
    for p in net.weights + net.biases:
        assert np.all(p >= -1.0) and np.all(p < 1.0)
    W, b = net.weights[0], net.biases[0]
    assert W.min() < -0.999 and W.max() > 0.999
    assert b.min() < -0.99 and b.max() > 0.99
    assert W.std() == pytest.approx(1 / math.sqrt(3), rel=0.01)
    assert b.std() == pytest.approx(1 / math.sqrt(3), rel=0.1)


def test_tf_playground_init():
    net = Network([300, 1000, 2], init="tf_playground", output="softmax", seed=3)
    W = net.weights[0]
    assert np.all(W >= -0.5) and np.all(W < 0.5)
    assert W.min() < -0.499 and W.max() > 0.499
    assert all(np.all(b == 0.1) for b in net.biases)


def test_zeros_init():
    net = Network([3, 5, 2], init="zeros", output="softmax")
    assert all(np.all(p == 0.0) for p in net.parameters())


@pytest.mark.parametrize("init", INITIALISATIONS)
def test_same_seed_same_weights_different_seed_different_weights(init):
    a = Network([3, 5, 4, 2], init=init, seed=42, output="softmax")
    b = Network([3, 5, 4, 2], init=init, seed=42, output="softmax")
    c = Network([3, 5, 4, 2], init=init, seed=43, output="softmax")
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(p, q)
    if init not in ("zeros",):
        assert any(not np.array_equal(p, q) for p, q in zip(a.weights, c.weights))


def _global_state():
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return name, keys.copy(), pos, has_gauss, cached


def test_the_global_numpy_random_state_is_never_touched():
    np.random.seed(12345)
    before = _global_state()
    X = np.random.default_rng(0).normal(size=(6, 3))
    for init in INITIALISATIONS:
        net = Network([3, 4, 3], activation="tanh", output="softmax", init=init, seed=7)
        net.forward(X)
        net.loss_and_gradients(X, np.arange(6) % 3, dropout=0.5)          # generator made inside
        net.loss_and_gradients(X, np.arange(6) % 3, dropout=0.5, rng=np.random.default_rng(1))
        net.draw_dropout_masks(6, 0.2, np.random.default_rng(2))
    after = _global_state()
    assert before[0] == after[0]
    np.testing.assert_array_equal(before[1], after[1])
    assert before[2:] == after[2:]
    # and the global stream continues exactly where it was
    np.random.seed(12345)
    expected = np.random.random()
    np.random.seed(12345)
    Network([3, 4, 3], init="uniform", output="softmax", seed=1)
    assert np.random.random() == expected


# -- dropout ---------------------------------------------------------------------------

def test_dropout_masks_are_inverted_and_reproducible():
    net = Network([3, 200, 100, 2], output="softmax")
    masks = net.draw_dropout_masks(500, 0.25, np.random.default_rng(0))
    assert [m.shape for m in masks] == [(500, 200), (500, 100)]
    for m in masks:
        assert set(np.unique(m)) == {0.0, 1.0 / 0.75}
        assert np.mean(m == 0.0) == pytest.approx(0.25, abs=0.01)
        assert m.mean() == pytest.approx(1.0, abs=0.02)  # the expected activation is kept
    again = net.draw_dropout_masks(500, 0.25, np.random.default_rng(0))
    for m, n in zip(masks, again):
        np.testing.assert_array_equal(m, n)


def test_dropout_with_a_seeded_generator_equals_the_same_explicit_masks():
    net = Network([3, 6, 5, 3], activation="relu", output="softmax", seed=0)
    X = np.random.default_rng(1).normal(size=(8, 3))
    y = np.arange(8) % 3
    loss, grads = net.loss_and_gradients(X, y, dropout=0.5, rng=np.random.default_rng(3))
    masks = net.draw_dropout_masks(8, 0.5, np.random.default_rng(3))
    loss2, grads2 = net.loss_and_gradients(X, y, dropout_masks=masks)
    assert loss == loss2
    for a, b in zip(grads["weights"], grads2["weights"]):
        np.testing.assert_array_equal(a, b)
    # dropout really changes the training loss, and never the forward pass
    assert loss != net.loss_and_gradients(X, y)[0]
    np.testing.assert_array_equal(net.forward(X), net.layer_outputs(X)[-1])


def test_zero_dropout_changes_nothing():
    net = Network([3, 6, 3], output="softmax", seed=0)
    X = np.random.default_rng(1).normal(size=(8, 3))
    y = np.arange(8) % 3
    assert net.loss_and_gradients(X, y, dropout=0.0)[0] == net.loss_and_gradients(X, y)[0]


# -- regularization in the loss ----------------------------------------------------------

def test_regularization_penalty_is_added_to_the_loss_on_weights_only():
    net = Network([2, 2, 1], activation="tanh", output="linear", loss="squared_error", init="zeros")
    net.weights = [np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([[3.0], [-1.0]])]
    net.biases = [np.array([10.0, -10.0]), np.array([100.0])]
    X, y = np.array([[0.1, 0.2]]), np.array([0.3])
    plain, g_plain = net.loss_and_gradients(X, y)
    # sum |w| = 1 + 2 + 0.5 + 0 + 3 + 1 = 7.5; sum w^2 = 1 + 4 + 0.25 + 0 + 9 + 1 = 15.25
    l1_loss, g_l1 = net.loss_and_gradients(X, y, l1=0.1)
    assert l1_loss == pytest.approx(plain + 0.75, rel=1e-14)
    l2_loss, g_l2 = net.loss_and_gradients(X, y, l2=0.2)
    assert l2_loss == pytest.approx(plain + 0.5 * 0.2 * 15.25, rel=1e-14)
    np.testing.assert_allclose(g_l1["weights"][0] - g_plain["weights"][0], 0.1 * np.array([[1, -1], [1, 0]]))
    np.testing.assert_allclose(g_l2["weights"][1] - g_plain["weights"][1], 0.2 * np.array([[3.0], [-1.0]]))
    for a, b, c in zip(g_plain["biases"], g_l1["biases"], g_l2["biases"]):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(a, c)


@pytest.mark.parametrize("options, message", [
    (dict(seed=-1), "seed must be a whole number"),
    (dict(seed=1.5), "seed must be a whole number"),
    (dict(activation=None), "activation must be a name or a list"),
])
def test_bad_constructor_arguments_raise_clear_value_errors(options, message):
    with pytest.raises(ValueError, match=message):
        Network([2, 3, 1], **options)


def test_set_parameters_with_the_wrong_number_of_arrays():
    net = Network([2, 3, 1])
    with pytest.raises(ValueError, match="expected 2 weight matrices"):
        net.set_parameters(net.weights[:1], net.biases)


# -- single precision for pictures ------------------------------------------------------

@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("output", OUTPUTS)
def test_float32_forward_stays_float32_and_agrees_with_float64(activation, output):
    """``forward(X, np.float32)`` (the pictures' forward pass) is the same computation in
    single precision: float32 out, within float32's rounding of the float64 result."""
    net = Network([3, 300, 2, 1 if output == "sigmoid" else 3], activation=activation, output=output,
                  loss=VALID_LOSSES[output][0], seed=5)
    X = np.random.default_rng(6).normal(size=(1000, 3))
    exact = net.forward(X)
    single = net.forward(X, np.float32)
    assert exact.dtype == np.float64 and single.dtype == np.float32
    np.testing.assert_allclose(single, exact, rtol=1e-4, atol=1e-5)
    # ... and it is not the float64 result cast at the end
    assert np.abs(single - exact).max() > 0
