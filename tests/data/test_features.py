"""Input features of the 2-D sets: values worked out by hand, names, validation."""

import numpy as np
import pytest

from playground.data import FEATURES, DataError, build_dataset, compute_features

POINTS = np.array([[1.0, 2.0], [-3.0, 0.5], [0.0, -np.pi / 2]])


def test_feature_names_and_order():
    assert list(FEATURES) == ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)", "cos(x1)", "cos(x2)"]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("x1", [1.0, -3.0, 0.0]),
        ("x2", [2.0, 0.5, -np.pi / 2]),
        ("x1^2", [1.0, 9.0, 0.0]),
        ("x2^2", [4.0, 0.25, np.pi**2 / 4]),
        ("x1*x2", [2.0, -1.5, 0.0]),
        ("sin(x1)", [0.8414709848078965, -0.1411200080598672, 0.0]),
        ("sin(x2)", [0.9092974268256817, 0.479425538604203, -1.0]),
        ("cos(x1)", [0.5403023058681398, -0.9899924966004454, 1.0]),
        ("cos(x2)", [-0.4161468365471424, 0.8775825618903728, 0.0]),
    ],
)
def test_each_feature_value(name, expected):
    values = FEATURES[name](POINTS)
    assert values.shape == (3,)
    np.testing.assert_allclose(values, expected, atol=1e-15)


def test_compute_features_stacks_in_given_order():
    X = compute_features(POINTS, ["x1*x2", "x1"])
    np.testing.assert_array_equal(X, [[2.0, 1.0], [-1.5, -3.0], [0.0, 0.0]])


def test_feature_does_not_alias_input():
    points = POINTS.copy()
    X = compute_features(points, ["x1"])
    X[0, 0] = 99.0
    assert points[0, 0] == 1.0


@pytest.mark.parametrize(
    "names, fragment",
    [([], "at least one"), (["x1", "x3"], "'x3'"), (["x1", "x1"], "chosen twice"), ("x1", "list of names")],
)
def test_bad_feature_choices(names, fragment):
    with pytest.raises(DataError, match=fragment):
        compute_features(POINTS, names)


def test_wrong_point_shape():
    with pytest.raises(DataError, match=r"shape \(m, 2\)"):
        compute_features(np.zeros((4, 3)), ["x1"])


def test_dataset_uses_chosen_features():
    data = build_dataset("circle", features=["x1^2", "x2^2", "sin(x1)"], seed=1)
    assert data.feature_names == ["x1^2", "x2^2", "sin(x1)"]
    assert data.input_names == ["x1", "x2"]
    np.testing.assert_allclose(data.X_train[:, 0], data.raw_train[:, 0] ** 2)
    np.testing.assert_allclose(data.X_test[:, 1], data.raw_test[:, 1] ** 2)
    np.testing.assert_allclose(data.X_train[:, 2], np.sin(data.raw_train[:, 0]))


def test_bad_features_in_build_dataset():
    with pytest.raises(DataError, match="Unknown input feature"):
        build_dataset("xor", features=["x1", "tan(x1)"])
