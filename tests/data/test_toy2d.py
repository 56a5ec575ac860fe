"""Each 2-D generator's defining property, asserted with numbers."""

import numpy as np
import pytest

from playground.data import DATASETS, DataError, build_dataset, toy2d

TOY = [name for name, info in DATASETS.items() if info.kind == "toy2d"]
CLASSIFY = [name for name in TOY if DATASETS[name].task == "classification"]


def both(data):
    """All raw points and targets of a dataset, train and test together."""
    return np.vstack([data.raw_train, data.raw_test]), np.concatenate([data.y_train, data.y_test])


def test_menu_order():
    assert list(DATASETS) == [
        "circle",
        "xor",
        "gauss",
        "spiral",
        "moons",
        "blobs",
        "spiral_multi",
        "checkerboard",
        "plane",
        "multi_gaussian",
        "iris",
        "wine",
        "breast_cancer",
        "digits",
        "diabetes",
    ]
    assert TOY == list(DATASETS)[:10]
    assert [DATASETS[n].task for n in ("plane", "multi_gaussian")] == ["regression", "regression"]
    assert DATASETS["blobs"].n_classes_range == (3, 6)
    assert DATASETS["spiral_multi"].n_classes_range == (3, 5)


def test_default_sizes_follow_tensorflow_playground():
    assert build_dataset("circle", train_fraction=0.5).raw_train.shape == (250, 2)
    plane = build_dataset("plane")
    assert len(plane.y_train) + len(plane.y_test) == 1200


def test_circle_labels_follow_radius_rule_at_noise_0():
    points, labels = both(build_dataset("circle", n_points=1000, seed=5))
    radius = np.hypot(points[:, 0], points[:, 1])
    np.testing.assert_array_equal(labels, (radius < 2.5).astype(int))
    assert radius.max() <= 5.0
    # the gap between the classes: nothing between 2.5 and 3.5
    assert not np.any((radius > 2.5) & (radius < 3.5))


def test_circle_noise_flips_some_labels_but_not_points():
    points, labels = both(build_dataset("circle", n_points=2000, noise=0.5, seed=5))
    radius = np.hypot(points[:, 0], points[:, 1])
    disagree = np.mean(labels != (radius < 2.5))
    assert 0.05 < disagree < 0.6
    assert not np.any((radius > 2.5) & (radius < 3.5))


def test_xor_labels_are_sign_of_product_at_noise_0():
    points, labels = both(build_dataset("xor", n_points=1000, seed=2))
    np.testing.assert_array_equal(labels, (points[:, 0] * points[:, 1] >= 0).astype(int))
    assert np.abs(points).min() >= 0.3  # padding away from the axes
    assert np.abs(points).max() <= 5.3


def test_xor_noise_flips_labels():
    points, labels = both(build_dataset("xor", n_points=2000, noise=0.3, seed=2))
    flipped = np.mean(labels != (points[:, 0] * points[:, 1] >= 0))
    assert 0.05 < flipped < 0.5


def test_gauss_cluster_centres_and_variance_rule():
    points, labels = both(build_dataset("gauss", n_points=4000, seed=1))
    np.testing.assert_allclose(points[labels == 1].mean(axis=0), [2, 2], atol=0.1)
    np.testing.assert_allclose(points[labels == 0].mean(axis=0), [-2, -2], atol=0.1)
    np.testing.assert_allclose(points[labels == 1].var(axis=0), [0.5, 0.5], rtol=0.1)
    noisy_points, noisy_labels = both(build_dataset("gauss", n_points=4000, noise=0.5, seed=1))
    np.testing.assert_allclose(noisy_points[noisy_labels == 0].var(axis=0), [4.0, 4.0], rtol=0.1)
    assert toy2d.gauss_variance(0.25) == pytest.approx(2.25)


@pytest.mark.parametrize(
    "name, n_arms, turns", [("spiral", 2, 1.75), ("spiral_multi", 3, 1.25), ("spiral_multi", 5, 1.25)]
)
def test_spiral_arms_at_noise_0(name, n_arms, turns):
    points, labels = both(build_dataset(name, n_points=600, n_classes=n_arms, seed=4))
    radius = np.hypot(points[:, 0], points[:, 1])
    angle = np.arctan2(points[:, 0], points[:, 1])  # p = r (sin t, cos t)
    assert set(labels) == set(range(n_arms))
    for arm in range(n_arms):
        on_arm = (labels == arm) & (radius > 1e-9)
        # t = 2 pi turns r / 5 + pi + 2 pi arm / n_arms  (mod 2 pi)
        offset = angle[on_arm] - 2 * np.pi * turns * radius[on_arm] / 5.0
        residual = np.angle(np.exp(1j * (offset - np.pi - 2 * np.pi * arm / n_arms)))
        np.testing.assert_allclose(residual, 0.0, atol=1e-9)
        # radii evenly spaced from 0 to 5 (1 - 1/n)
        np.testing.assert_allclose(
            np.sort(radius[labels == arm]), 5 * np.arange(600 // n_arms) / (600 // n_arms)
        )


def test_spiral_noise_jitters_each_coordinate_by_at_most_noise():
    clean, clean_labels = toy2d.spiral(400, 0.0, np.random.default_rng(0))
    noisy, noisy_labels = toy2d.spiral(400, 0.4, np.random.default_rng(0))
    np.testing.assert_array_equal(clean_labels, noisy_labels)
    jitter = np.abs(noisy - clean)
    assert jitter.max() <= 0.4
    assert jitter.max() > 0.35 and jitter.mean() > 0.15  # U(-0.4, 0.4): mean |e| = 0.2


def test_moons_lie_on_their_half_circles_at_noise_0():
    points, labels = both(build_dataset("moons", n_points=800, seed=3))
    upper, lower = points[labels == 0], points[labels == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0] + 1.5, upper[:, 1] + 0.75), 3.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.5, lower[:, 1] - 0.75), 3.0)
    assert upper[:, 1].min() >= -0.75 - 1e-12
    assert lower[:, 1].max() <= 0.75 + 1e-12


@pytest.mark.parametrize("n_classes", [3, 4, 5, 6])
def test_blobs_centres_per_class(n_classes):
    points, labels = both(build_dataset("blobs", n_points=3000, n_classes=n_classes, seed=8))
    centers = toy2d.blob_centers(n_classes)
    np.testing.assert_allclose(np.hypot(*centers.T), 3.5)
    for k in range(n_classes):
        np.testing.assert_allclose(points[labels == k].mean(axis=0), centers[k], atol=0.1)


def test_checkerboard_rule_at_noise_0():
    points, labels = both(build_dataset("checkerboard", n_points=2000, seed=6))
    expected = (np.floor(points[:, 0] / 3) + np.floor(points[:, 1] / 3)) % 2
    np.testing.assert_array_equal(labels, expected)
    assert 0.4 < labels.mean() < 0.6
    # hand-worked: (1, 1) is in cell (0, 0) -> even (0); (4, 1) in cell (1, 0) -> odd (1);
    # (-1, -4) in cell (-1, -2) -> odd (1)
    hand = np.array([[1.0, 1.0], [4.0, 1.0], [-1.0, -4.0]])
    near = np.abs(points[:, None, :] - hand[None, :, :]).max(axis=2) < 0.5
    for j, expected_label in enumerate([0, 1, 1]):
        assert near[:, j].any() and np.all(labels[near[:, j]] == expected_label)


def test_checkerboard_noise_flips_labels():
    points, labels = both(build_dataset("checkerboard", n_points=2000, noise=0.5, seed=6))
    expected = (np.floor(points[:, 0] / 3) + np.floor(points[:, 1] / 3)) % 2
    assert 0.05 < np.mean(labels != expected) < 0.5


def test_plane_target_at_noise_0():
    points, target = both(build_dataset("plane", seed=7))
    np.testing.assert_allclose(target, (points[:, 0] + points[:, 1]) / 10)
    assert target.dtype == np.float64
    assert -1.2 <= target.min() and target.max() <= 1.2


def test_plane_noise_moves_target():
    points, target = both(build_dataset("plane", noise=0.5, seed=7))
    error = target - (points[:, 0] + points[:, 1]) / 10
    assert 0.1 < np.abs(error).mean() and np.abs(error).max() <= 0.6 + 1e-12


def test_multi_gaussian_values_by_hand():
    grid = np.array([[-4.0, 2.5], [0.0, 2.5], [0.0, -1.5], [1.0, 2.5], [6.0, 6.0], [-4.0, 0.0]])
    # at a centre: its sign; 1 away from (0,-2.5) (+): 1 - 1/2; 1 away from (0,2.5) (-): -(1/2);
    # far away: 0; (-4,0) is 2.5 from both (-4,2.5) and (-4,-2.5): clipped to 0
    np.testing.assert_allclose(toy2d.multi_gaussian_value(grid), [1.0, -1.0, 0.5, -0.5, 0.0, 0.0])
    points, target = both(build_dataset("multi_gaussian", seed=2))
    np.testing.assert_allclose(target, toy2d.multi_gaussian_value(points))
    assert -1 <= target.min() < -0.9 and 0.9 < target.max() <= 1


@pytest.mark.parametrize(
    "name, noise", [(name, noise) for name in TOY for noise in (0.0, 0.5) if (name, noise) != ("gauss", 0.5)]
)
def test_points_within_domain(name, noise):
    data = build_dataset(name, n_points=2000, noise=noise, seed=11)
    points, _ = both(data)
    assert data.domain == (-6.0, 6.0, -6.0, 6.0)
    assert np.abs(points).max() <= 6.0
    assert points.dtype == np.float64 and points.shape == (2000, 2)


def test_gauss_is_not_clipped_like_tensorflow_playground():
    points, _ = both(build_dataset("gauss", n_points=5000, noise=0.5, seed=11))
    assert np.abs(points).max() > 6.0  # about 2 % of points at variance 4


@pytest.mark.parametrize(
    "name, n_classes",
    [
        ("circle", 2),
        ("gauss", 2),
        ("spiral", 2),
        ("moons", 2),
        ("blobs", 3),
        ("blobs", 6),
        ("spiral_multi", 3),
        ("spiral_multi", 5),
    ],
)
def test_each_class_gets_its_share(name, n_classes):
    _, labels = both(build_dataset(name, n_points=301, n_classes=n_classes, noise=0.0, seed=0))
    counts = np.bincount(labels, minlength=n_classes)
    assert counts.sum() == 301
    assert counts.max() - counts.min() <= 1
    assert len(counts) == n_classes


@pytest.mark.parametrize("name", TOY)
def test_same_seed_same_points_other_seed_different(name):
    first = build_dataset(name, noise=0.2, seed=42)
    again = build_dataset(name, noise=0.2, seed=42)
    other = build_dataset(name, noise=0.2, seed=43)
    np.testing.assert_array_equal(first.raw_train, again.raw_train)
    np.testing.assert_array_equal(first.y_test, again.y_test)
    assert not np.array_equal(np.sort(both(first)[0], axis=0), np.sort(both(other)[0], axis=0))


def test_spiral_at_noise_0_only_split_changes_with_seed():
    first, other = build_dataset("spiral", seed=1), build_dataset("spiral", seed=2)
    np.testing.assert_array_equal(np.sort(both(first)[0], axis=0), np.sort(both(other)[0], axis=0))
    assert not np.array_equal(first.raw_train, other.raw_train)


def test_generators_leave_global_random_state_alone():
    np.random.seed(123)
    expected = np.random.random()
    np.random.seed(123)
    for name in TOY:
        build_dataset(name, noise=0.1)
    assert np.random.random() == expected


def test_class_names():
    assert build_dataset("circle").class_names == ["outside", "inside"]
    assert build_dataset("blobs", n_classes=4).class_names == ["blob 1", "blob 2", "blob 3", "blob 4"]
    assert build_dataset("spiral_multi", n_classes=5).n_classes == 5
    assert build_dataset("plane").class_names == [] and build_dataset("plane").n_classes == 0


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"n_points": 49}, "from 50 to 5,000"),
        ({"n_points": 5001}, "from 50 to 5,000"),
        ({"n_points": 100.5}, "whole number"),
        ({"noise": 0.51}, "0 to 50 %"),
        ({"noise": -0.1}, "0 to 50 %"),
        ({"noise": float("nan")}, "noise"),
        ({"seed": -1}, "seed"),
        ({"train_fraction": 0.05}, "between 10 % and 90 %"),
        ({"train_fraction": 0.95}, "between 10 % and 90 %"),
    ],
)
def test_out_of_range_arguments(kwargs, fragment):
    with pytest.raises(DataError, match=fragment):
        build_dataset("circle", **kwargs)


@pytest.mark.parametrize(
    "name, n_classes", [("blobs", 2), ("blobs", 7), ("spiral_multi", 6), ("spiral_multi", 2)]
)
def test_class_count_range(name, n_classes):
    with pytest.raises(DataError, match="number of"):
        build_dataset(name, n_classes=n_classes)


def test_n_classes_ignored_where_it_does_not_apply():
    assert build_dataset("circle", n_classes=99).n_classes == 2


def test_unknown_dataset():
    with pytest.raises(DataError, match="Unknown data set 'cirlce'"):
        build_dataset("cirlce")
