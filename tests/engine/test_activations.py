"""Hidden activations: known values, derivatives against central differences, huge inputs."""
import math

import numpy as np
import pytest

from playground.engine.activations import ACTIVATIONS, LEAKY_RELU_SLOPE, get_activation, sigmoid

ALL_NAMES = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "swish", "sine"]
KINKED = {"relu", "leaky_relu", "elu"}  # derivative (or its derivative) jumps at z = 0

LN2, LN3 = math.log(2.0), math.log(3.0)


def test_registry_holds_exactly_the_documented_activations():
    assert list(ACTIVATIONS) == ALL_NAMES
    for name in ALL_NAMES:
        assert get_activation(name).name == name


@pytest.mark.parametrize("bad", ["Sigmoid", "softmax", "", None, "logistic"])
def test_unknown_activation_raises_value_error_listing_the_valid_names(bad):
    with pytest.raises(ValueError) as info:
        get_activation(bad)
    message = str(info.value)
    for name in ALL_NAMES:
        assert name in message


# (name, z, f(z), f'(z)): each worked out by hand.
KNOWN_VALUES = [
    ("linear", -3.5, -3.5, 1.0),
    ("linear", 2.0, 2.0, 1.0),
    # sigmoid(0) = 1/2, sigmoid' = s(1 - s) = 1/4
    ("sigmoid", 0.0, 0.5, 0.25),
    # sigmoid(ln 3) = 1 / (1 + 1/3) = 3/4; s(1 - s) = 3/16
    ("sigmoid", LN3, 0.75, 3.0 / 16.0),
    # sigmoid(-ln 3) = 1 / (1 + 3) = 1/4
    ("sigmoid", -LN3, 0.25, 3.0 / 16.0),
    ("tanh", 0.0, 0.0, 1.0),
    # tanh(ln 2) = (2 - 1/2) / (2 + 1/2) = 3/5; 1 - tanh^2 = 16/25
    ("tanh", LN2, 0.6, 0.64),
    ("tanh", -LN2, -0.6, 0.64),
    ("relu", 2.5, 2.5, 1.0),
    ("relu", -2.5, 0.0, 0.0),
    ("leaky_relu", 2.5, 2.5, 1.0),
    ("leaky_relu", -2.0, -0.02, 0.01),
    ("elu", 1.5, 1.5, 1.0),
    # elu(-ln 2) = e^(-ln 2) - 1 = -1/2; derivative e^z = 1/2
    ("elu", -LN2, -0.5, 0.5),
    # softplus(0) = ln 2, derivative sigmoid(0) = 1/2
    ("softplus", 0.0, LN2, 0.5),
    # softplus(ln 3) = ln(1 + 3) = 2 ln 2; derivative sigmoid(ln 3) = 3/4
    ("softplus", LN3, 2.0 * LN2, 0.75),
    # swish(0) = 0; swish' = s + z s (1 - s) = 1/2 at 0
    ("swish", 0.0, 0.0, 0.5),
    # swish(ln 3) = (3/4) ln 3; swish' = 3/4 + ln3 * 3/16
    ("swish", LN3, 0.75 * LN3, 0.75 + LN3 * 3.0 / 16.0),
    # sin(pi/6) = 1/2, cos(pi/6) = sqrt(3)/2
    ("sine", math.pi / 6.0, 0.5, math.sqrt(3.0) / 2.0),
    ("sine", -math.pi / 2.0, -1.0, 0.0),
]


@pytest.mark.parametrize(("name", "z", "value", "slope"), KNOWN_VALUES)
def test_known_values_and_derivatives(name, z, value, slope):
    act = get_activation(name)
    z_arr = np.array([z])
    a = act.f(z_arr)
    assert a[0] == pytest.approx(value, rel=1e-14, abs=1e-15)
    assert act.derivative(z_arr, a)[0] == pytest.approx(slope, rel=1e-14, abs=1e-15)


def test_leaky_relu_slope_is_the_documented_constant():
    assert LEAKY_RELU_SLOPE == 0.01


def test_sigmoid_matches_the_textbook_formula_on_moderate_inputs():
    z = np.linspace(-30.0, 30.0, 601)
    np.testing.assert_allclose(sigmoid(z), 1.0 / (1.0 + np.exp(-z)), rtol=1e-13, atol=1e-16)
    # symmetry s(-z) = 1 - s(z)
    np.testing.assert_allclose(sigmoid(-z), 1.0 - sigmoid(z), atol=1e-15)


def _grid_avoiding_zero():
    """Points in [-6, 6] none closer to 0 than 0.03 (relu-type kinks sit at 0)."""
    z = np.linspace(-6.0, 6.0, 241) + 0.0123
    z = z[np.abs(z) > 0.03]
    assert z.size == 240
    return z.reshape(-1, 4)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_derivative_matches_central_difference(name):
    act = get_activation(name)
    z = _grid_avoiding_zero()
    h = 1e-6
    with np.errstate(all="raise"):
        a = act.f(z)
        analytic = act.derivative(z, a)
        numeric = (act.f(z + h) - act.f(z - h)) / (2.0 * h)
    assert analytic.shape == z.shape
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(KINKED))
def test_kinked_derivatives_take_the_expected_side_away_from_zero(name):
    act = get_activation(name)
    z = np.array([-1e-3, 1e-3])
    d = act.derivative(z, act.f(z))
    assert d[1] == 1.0
    expected_left = {"relu": 0.0, "leaky_relu": LEAKY_RELU_SLOPE, "elu": math.exp(-1e-3)}[name]
    assert d[0] == pytest.approx(expected_left, rel=1e-12)


HUGE = np.array([-1e308, -1e300, -1e4, -800.0, -710.0, -40.0, -1.0, 0.0, 1.0, 40.0,
                 710.0, 800.0, 1e4, 1e300, 1e308])


@pytest.mark.parametrize("name", ALL_NAMES)
def test_huge_inputs_give_finite_values_and_derivatives_without_warnings(name):
    act = get_activation(name)
    # Underflow to 0 (e.g. exp(-1e4)) is exact and numpy never warns about it by default;
    # overflow, invalid operations and division by zero are errors here.
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        a = act.f(HUGE)
        d = act.derivative(HUGE, a)
    assert np.all(np.isfinite(a)), a
    assert np.all(np.isfinite(d)), d


def test_saturated_values_at_huge_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        assert sigmoid(np.array([1e308]))[0] == 1.0
        assert sigmoid(np.array([-1e308]))[0] == 0.0
        assert sigmoid(np.array([-1e4]))[0] == 0.0
        assert sigmoid(np.array([1e4]))[0] == 1.0
        assert np.tanh(np.array([-1e4]))[0] == -1.0
    elu = get_activation("elu")
    softplus = get_activation("softplus")
    swish = get_activation("swish")
    with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
        assert elu.f(np.array([-1e4]))[0] == -1.0
        assert elu.f(np.array([1e308]))[0] == 1e308
        assert softplus.f(np.array([1e4]))[0] == 1e4
        assert softplus.f(np.array([-1e4]))[0] == 0.0
        assert softplus.f(np.array([1e308]))[0] == 1e308
        assert swish.f(np.array([1e4]))[0] == 1e4
        assert swish.f(np.array([-1e4]))[0] == 0.0
        z = np.array([-1e4, 1e4])
        np.testing.assert_array_equal(swish.derivative(z, swish.f(z)), [0.0, 1.0])


@pytest.mark.parametrize("name", ALL_NAMES)
def test_activation_does_not_modify_its_input(name):
    act = get_activation(name)
    z = np.linspace(-3.0, 3.0, 12).reshape(3, 4) + 0.01
    before = z.copy()
    a = act.f(z)
    act.derivative(z, a)
    np.testing.assert_array_equal(z, before)
    assert a.shape == z.shape and a.dtype == np.float64


def test_sigmoid_tails_are_accurate_and_quiet_even_when_every_flag_raises():
    z = np.array([-1e308, -800.0, -40.0, -1.0, 0.0, 1.0, 40.0, 800.0, 1e308])
    with np.errstate(all="raise"):  # underflow too: sigmoid silences only its own exact limits
        s = sigmoid(z)
        t = np.tanh(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(t))
    assert s[0] == 0.0 and s[1] == 0.0 and s[-1] == 1.0 and s[-2] == 1.0
    # e^-40 / (1 + e^-40): a tiny value, not rounded away to 0
    assert s[2] == pytest.approx(math.exp(-40.0) / (1.0 + math.exp(-40.0)), rel=1e-14)
    assert s[3] == pytest.approx(1.0 / (1.0 + math.e), rel=1e-15)


def test_sigmoid_keeps_float_dtypes_and_accepts_integers():
    assert sigmoid(np.array([0.0, 2.0], dtype=np.float32)).dtype == np.float32
    ints = sigmoid(np.array([0, 1, -2]))
    assert ints.dtype == np.float64
    np.testing.assert_allclose(ints, [0.5, 1 / (1 + math.exp(-1)), 1 / (1 + math.exp(2))], rtol=1e-15)
    assert np.isnan(sigmoid(np.array([np.nan]))[0])


def test_tanh_exp_form_for_large_arrays_matches_numpy():
    from playground.engine.activations import SMALL_ARRAY, tanh
    z = np.linspace(-30, 30, 4 * SMALL_ARRAY + 1)
    z = np.concatenate([z, [-1e308, -800.0, 0.0, 1e-300, 800.0, 1e308]])
    assert z.size > SMALL_ARRAY
    np.testing.assert_allclose(tanh(z), np.tanh(z), rtol=0, atol=3e-16)
    assert tanh(-z[:10]).tolist() == (-tanh(z[:10])).tolist()          # odd, exactly
