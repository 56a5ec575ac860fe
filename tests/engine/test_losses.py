"""Output heads and losses: hand-worked values, dL/dz by central differences, invalid pairs."""
import math

import numpy as np
import pytest

from playground.engine.losses import (
    LOSSES,
    OUTPUTS,
    VALID_LOSSES,
    make_output_layer,
    one_hot,
    softmax,
)

VALID_PAIRS = [(output, loss) for output, losses in VALID_LOSSES.items() for loss in losses]
NO_WARNINGS = {"over": "raise", "invalid": "raise", "divide": "raise", "under": "ignore"}


def test_documented_heads_and_losses():
    assert set(OUTPUTS) == {"sigmoid", "softmax", "linear", "one_vs_rest"}
    assert set(LOSSES) == {"cross_entropy", "squared_error"}
    assert len(VALID_PAIRS) == 7
    assert VALID_LOSSES["linear"] == ("squared_error",)


def test_softmax_known_values():
    # e^0 : e^ln2 : e^ln3 = 1 : 2 : 3, so the probabilities are 1/6, 2/6, 3/6
    z = np.array([[0.0, math.log(2.0), math.log(3.0)], [5.0, 5.0, 5.0]])
    np.testing.assert_allclose(softmax(z), [[1 / 6, 2 / 6, 3 / 6], [1 / 3, 1 / 3, 1 / 3]], rtol=1e-14)


def test_softmax_is_shift_invariant_and_safe_for_huge_inputs():
    z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [1e300, 0.0, -1e300], [710.0, 709.0, -710.0]])
    with np.errstate(**NO_WARNINGS):
        p = softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3, 1 / 3, 1 / 3])
    np.testing.assert_allclose(p[2], [1.0, 0.0, 0.0])
    e = 1.0 / (1.0 + math.e)
    np.testing.assert_allclose(p[3], [1.0 - e, e, 0.0], rtol=1e-14)


def test_one_hot_rows_and_the_zero_row_for_labels_past_the_last_column():
    T = one_hot(np.array([0, 2, 1, 3]), 3)
    np.testing.assert_array_equal(T, [[1, 0, 0], [0, 0, 1], [0, 1, 0], [0, 0, 0]])
    assert T.dtype == np.float64


def test_targets_for_each_head():
    y = np.array([0, 1, 2, 1])
    ovr = make_output_layer("one_vs_rest", "squared_error")
    # the blog's head: one-hot on the first K - 1 classes, the last class is an all-zero row
    np.testing.assert_array_equal(ovr.targets(y, 2), [[1, 0], [0, 1], [0, 0], [0, 1]])
    sm = make_output_layer("softmax", "cross_entropy")
    np.testing.assert_array_equal(sm.targets(y, 3), np.eye(3)[y])
    sig = make_output_layer("sigmoid", "cross_entropy")
    np.testing.assert_array_equal(sig.targets(np.array([0, 1, 1, 0]), 1), [[0], [1], [1], [0]])
    lin = make_output_layer("linear", "squared_error")
    np.testing.assert_array_equal(lin.targets(np.array([0.5, -2.0]), 1), [[0.5], [-2.0]])
    np.testing.assert_array_equal(lin.targets(np.array([[0.5, 1.0]]), 2), [[0.5, 1.0]])


def test_n_outputs_per_head():
    assert make_output_layer("sigmoid", "cross_entropy").n_outputs(2) == 1
    assert make_output_layer("softmax", "cross_entropy").n_outputs(4) == 4
    assert make_output_layer("one_vs_rest", "squared_error").n_outputs(3) == 2
    assert make_output_layer("linear", "squared_error").n_outputs(2) == 2


def test_sigmoid_head_refuses_more_than_two_classes():
    with pytest.raises(ValueError, match="softmax or one_vs_rest"):
        make_output_layer("sigmoid", "cross_entropy").n_outputs(3)


@pytest.mark.parametrize("output", ["linear"])
def test_cross_entropy_on_a_linear_head_names_the_valid_loss(output):
    with pytest.raises(ValueError) as info:
        make_output_layer(output, "cross_entropy")
    assert "squared_error" in str(info.value)


def test_unknown_output_and_loss_name_the_valid_choices():
    with pytest.raises(ValueError) as info:
        make_output_layer("relu", "squared_error")
    for name in OUTPUTS:
        assert name in str(info.value)
    with pytest.raises(ValueError) as info:
        make_output_layer("softmax", "hinge")
    for name in LOSSES:
        assert name in str(info.value)


def test_class_scores():
    sig = make_output_layer("sigmoid", "cross_entropy")
    np.testing.assert_allclose(sig.class_scores(np.array([[0.25], [0.9]])), [[0.75, 0.25], [0.1, 0.9]])
    ovr = make_output_layer("one_vs_rest", "squared_error")
    np.testing.assert_allclose(ovr.class_scores(np.array([[0.5, 0.25]])), [[0.5, 0.25, 0.25]])


def test_squared_error_value_by_hand():
    # two samples, two outputs (linear head):
    # sample 1: errors (1 - 0.5, 0 - 0.5)   -> 1/2 (0.25 + 0.25) = 0.25
    # sample 2: errors (3 - 1,   -1 - -1)   -> 1/2 (4 + 0)       = 2
    # mean over samples: (0.25 + 2) / 2 = 1.125; dL/dz = (y_hat - t) / n
    head = make_output_layer("linear", "squared_error")
    z = np.array([[0.5, 0.5], [1.0, -1.0]])
    T = np.array([[1.0, 0.0], [3.0, -1.0]])
    value, grad = head.value_and_gradient(z, head.activate(z), T)
    assert value == pytest.approx(1.125, rel=1e-15)
    np.testing.assert_allclose(grad, [[-0.25, 0.25], [-1.0, 0.0]], rtol=1e-15)


def test_cross_entropy_values_by_hand():
    # softmax: z = (0, ln 2, ln 3) -> p = (1/6, 2/6, 3/6); label 2 -> -ln(1/2) = ln 2
    #          second row label 0 -> -ln(1/6) = ln 6; mean = (ln 2 + ln 6) / 2
    sm = make_output_layer("softmax", "cross_entropy")
    z = np.array([[0.0, math.log(2.0), math.log(3.0)]] * 2)
    T = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])
    value, grad = sm.value_and_gradient(z, sm.activate(z), T)
    assert value == pytest.approx((math.log(2.0) + math.log(6.0)) / 2.0, rel=1e-14)
    # dL/dz = (p - t) / n
    np.testing.assert_allclose(grad, [[1 / 12, 2 / 12, -3 / 12], [-5 / 12, 2 / 12, 3 / 12]], rtol=1e-13)
    # binary: z = ln 3 -> p = 3/4; t = 1 -> -ln(3/4); t = 0 -> -ln(1/4); mean of the two
    sig = make_output_layer("sigmoid", "cross_entropy")
    z = np.array([[math.log(3.0)], [math.log(3.0)]])
    value, grad = sig.value_and_gradient(z, sig.activate(z), np.array([[1.0], [0.0]]))
    assert value == pytest.approx((-math.log(0.75) - math.log(0.25)) / 2.0, rel=1e-14)
    np.testing.assert_allclose(grad, [[-0.125], [0.375]], rtol=1e-14)


def test_saturated_cross_entropy_is_large_and_finite():
    with np.errstate(**NO_WARNINGS):
        sig = make_output_layer("sigmoid", "cross_entropy")
        z = np.array([[1e4], [-1e4]])
        value, grad = sig.value_and_gradient(z, sig.activate(z), np.array([[0.0], [1.0]]))
        # each sample costs softplus(1e4) = 1e4 (wrong side by 1e4)
        assert value == pytest.approx(1e4, rel=1e-15)
        np.testing.assert_allclose(grad, [[0.5], [-0.5]])
        sm = make_output_layer("softmax", "cross_entropy")
        z = np.array([[1e4, -1e4, 0.0]])
        value, grad = sm.value_and_gradient(z, sm.activate(z), np.array([[0.0, 1.0, 0.0]]))
        # shifted = (0, -2e4, -1e4): log-sum-exp 0, minus the true class's -2e4
        assert value == pytest.approx(2e4, rel=1e-15)
        np.testing.assert_allclose(grad, [[1.0, -1.0, 0.0]])


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_loss_gradient_with_respect_to_weighted_sums_matches_central_differences(output, loss):
    rng = np.random.default_rng(7)
    n, k = 5, 3
    head = make_output_layer(output, loss)
    n_out = 1 if output == "sigmoid" else k
    z = rng.normal(0.0, 1.5, (n, n_out))
    if output == "linear":
        T = rng.normal(size=(n, n_out))
    else:
        n_classes = {"sigmoid": 2, "softmax": k, "one_vs_rest": k + 1}[output]
        T = head.targets(rng.integers(0, n_classes, n), n_out)

    def value(zz):
        return head.value_and_gradient(zz, head.activate(zz), T)[0]

    _, grad = head.value_and_gradient(z, head.activate(z), T)
    numeric = np.zeros_like(z)
    h = 1e-6
    for idx in np.ndindex(z.shape):
        zp, zm = z.copy(), z.copy()
        zp[idx] += h
        zm[idx] -= h
        numeric[idx] = (value(zp) - value(zm)) / (2.0 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize(("output", "loss"), VALID_PAIRS)
def test_loss_value_matches_its_definition(output, loss):
    """Squared error = mean 1/2 sum (t - y_hat)^2; cross-entropy = mean -sum t log y_hat.

    (Sigmoid outputs use the binary form per output.)
    """
    rng = np.random.default_rng(3)
    head = make_output_layer(output, loss)
    n_out = 1 if output == "sigmoid" else 3
    z = rng.normal(size=(6, n_out))
    T = rng.normal(size=(6, n_out)) if output == "linear" else (rng.random((6, n_out)) < 0.5).astype(float)
    if output == "softmax":
        T = np.eye(3)[rng.integers(0, 3, 6)]
    y_hat = head.activate(z)
    value, _ = head.value_and_gradient(z, y_hat, T)
    if loss == "squared_error":
        expected = np.mean(0.5 * np.sum((T - y_hat) ** 2, axis=1))
    elif output == "softmax":
        expected = np.mean(-np.sum(T * np.log(y_hat), axis=1))
    else:
        expected = np.mean(-np.sum(T * np.log(y_hat) + (1 - T) * np.log(1 - y_hat), axis=1))
    assert value == pytest.approx(expected, rel=1e-13)
