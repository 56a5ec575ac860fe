"""Bundled tables, the split, and standardisation fitted on the training part only."""

import numpy as np
import pytest

from playground.data import DATASETS, DataError, Dataset, build_dataset

TABLES = {
    # name: (rows, features, classes, first class name)
    "iris": (150, 4, 3, "setosa"),
    "wine": (178, 13, 3, "class_0"),
    "breast_cancer": (569, 30, 2, "malignant"),
    "digits": (1797, 64, 10, "0"),
    "diabetes": (442, 10, 0, None),
}


@pytest.mark.parametrize("name", TABLES)
def test_table_shapes_and_names(name):
    rows, n_features, n_classes, first_class = TABLES[name]
    data = build_dataset(name, train_fraction=0.7, seed=0)
    assert isinstance(data, Dataset)
    assert DATASETS[name].kind == "table" and DATASETS[name].n_inputs == n_features
    assert data.X_train.shape[0] + data.X_test.shape[0] == rows
    assert data.n_features == n_features == len(data.feature_names) == len(data.input_names)
    assert data.n_classes == n_classes
    assert data.domain is None
    assert data.X_train.dtype == np.float64
    if n_classes:
        assert data.task == "classification"
        assert data.class_names[0] == first_class
        assert data.y_train.dtype.kind == "i"
        assert set(np.unique(np.concatenate([data.y_train, data.y_test]))) == set(range(n_classes))
    else:
        assert data.task == "regression" and data.class_names == []
        assert data.y_train.dtype == np.float64


def test_iris_names():
    data = build_dataset("iris")
    assert data.feature_names == [
        "sepal length (cm)",
        "sepal width (cm)",
        "petal length (cm)",
        "petal width (cm)",
    ]
    assert data.class_names == ["setosa", "versicolor", "virginica"]


def test_diabetes_is_unscaled_raw_data():
    data = build_dataset("diabetes")
    raw = np.vstack([data.raw_train, data.raw_test])
    assert raw[:, 0].min() == 19 and raw[:, 0].max() == 79  # age in years
    assert np.concatenate([data.y_train, data.y_test]).min() == 25.0


def test_tables_standardized_by_default_and_toy_sets_not():
    assert build_dataset("wine").standardized
    assert not build_dataset("wine", standardize=False).standardized
    assert not build_dataset("circle").standardized
    assert build_dataset("circle", standardize=True).standardized


@pytest.mark.parametrize("name", ["wine", "breast_cancer", "diabetes"])
def test_scaling_fitted_on_train_only(name):
    data = build_dataset(name, train_fraction=0.6, seed=3)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1.0, rtol=1e-12)
    # the test part is scaled with the training statistics: close to, but not exactly, 0 and 1
    test_means = np.abs(data.X_test.mean(axis=0))
    assert test_means.max() > 1e-3 and test_means.max() < 1.0
    np.testing.assert_allclose(data.scaler_mean, data.raw_train.mean(axis=0))
    np.testing.assert_allclose(data.X_test, (data.raw_test - data.raw_train.mean(0)) / data.raw_train.std(0))


def test_constant_pixels_of_digits_are_centred_not_divided_by_zero():
    data = build_dataset("digits")
    constant = data.raw_train.std(axis=0) == 0
    assert constant.any()  # e.g. the top-left pixel is always 0
    assert np.all(np.isfinite(data.X_train)) and np.all(np.isfinite(data.X_test))
    np.testing.assert_array_equal(data.scaler_std[constant], 1.0)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("iris", {}),
        ("digits", {}),
        ("spiral", {"features": ["x1", "sin(x2)", "x1*x2"]}),
        ("plane", {"standardize": True}),
        ("blobs", {"standardize": True, "n_classes": 5}),
    ],
)
def test_transform_reproduces_training_matrix(name, kwargs):
    data = build_dataset(name, noise=0.1, seed=9, **kwargs)
    np.testing.assert_allclose(data.transform(data.raw_train), data.X_train, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(data.transform(data.raw_test), data.X_test, rtol=1e-13, atol=1e-13)


def test_transform_on_a_grid():
    data = build_dataset("circle", features=["x1^2", "x2^2"], standardize=True, seed=0)
    grid = np.array([[0.0, 0.0], [3.0, -4.0]])
    expected = (np.array([[0.0, 0.0], [9.0, 16.0]]) - data.scaler_mean) / data.scaler_std
    np.testing.assert_allclose(data.transform(grid), expected)
    with pytest.raises(DataError, match=r"shape \(m, 2\)"):
        data.transform(np.zeros((3, 3)))


@pytest.mark.parametrize(
    "name, fraction", [("iris", 0.7), ("breast_cancer", 0.3), ("digits", 0.5), ("blobs", 0.8)]
)
def test_split_is_stratified(name, fraction):
    data = build_dataset(name, train_fraction=fraction, n_classes=6, seed=4)
    k = data.n_classes
    train = np.bincount(data.y_train, minlength=k)
    test = np.bincount(data.y_test, minlength=k)
    total = train + test
    # every class keeps its share: n_train_c = round(f n_c) for each class c
    np.testing.assert_array_equal(train, np.floor(fraction * total + 0.5).astype(int))
    assert np.all(test > 0)


def test_split_is_seeded_and_is_a_partition():
    a = build_dataset("iris", seed=1)
    b = build_dataset("iris", seed=1)
    c = build_dataset("iris", seed=2)
    np.testing.assert_array_equal(a.raw_train, b.raw_train)
    assert not np.array_equal(a.raw_train, c.raw_train)
    rows = np.vstack([a.raw_train, a.raw_test])
    assert len(rows) == 150
    # both seeds split the same 150 rows: the columns hold the same values
    source = np.vstack([c.raw_train, c.raw_test])
    np.testing.assert_array_equal(np.sort(rows, axis=0), np.sort(source, axis=0))


def test_regression_split_uses_the_fraction():
    data = build_dataset("diabetes", train_fraction=0.25)
    assert len(data.y_train) == 111  # floor(0.25 * 442 + 1/2) = floor(111.0)


def test_train_fraction_does_not_change_the_points():
    a = build_dataset("moons", noise=0.3, train_fraction=0.2, seed=5)
    b = build_dataset("moons", noise=0.3, train_fraction=0.8, seed=5)
    points_a = np.sort(np.vstack([a.raw_train, a.raw_test]), axis=0)
    points_b = np.sort(np.vstack([b.raw_train, b.raw_test]), axis=0)
    np.testing.assert_array_equal(points_a, points_b)
    assert len(a.y_train) == 100 and len(b.y_train) == 400


def test_classes_are_interleaved_after_split():
    data = build_dataset("circle", n_points=400, seed=0)
    # not sorted by class: there are many label changes along the training order
    assert np.count_nonzero(np.diff(data.y_train)) > 50


def test_tables_ignore_points_and_features():
    data = build_dataset("iris", n_points=10_000, features=["sin(x1)"])
    assert data.n_features == 4
