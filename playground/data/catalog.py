"""The menu of datasets and the one function that builds any of them."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from . import toy2d
from .dataset import Dataset, assemble, check_seed, check_train_fraction
from .errors import DataError
from .features import check_feature_names
from .tabular import load_table

MIN_POINTS = 50
MAX_POINTS = 5000
MAX_NOISE = 0.5


@dataclass(frozen=True)
class DatasetInfo:
    """What the UI needs to know about a set before building it.

    ``kind`` is ``"toy2d"`` or ``"table"``. The ``has_*`` flags say which settings of
    :func:`build_dataset` the set uses; ``default_points`` is the number of points a
    2-D set gets when ``n_points`` is not given (TF: 500 to classify, 1,200 to
    regress; 0 for tables); ``n_classes_range`` is (min, max) for sets with a
    class-count setting.
    """

    name: str
    label: str
    kind: str
    task: str
    description: str
    has_noise: bool = False
    has_n_points: bool = False
    has_n_classes: bool = False
    default_points: int = 0
    n_classes_range: tuple[int, int] | None = None
    n_inputs: int = 2
    n_classes: int = 0  # fixed number of classes (0: regression, or set by the n_classes setting)


def _toy(name, label, task, description, n_classes=2, default_points=500, n_classes_range=None):
    return DatasetInfo(
        name=name,
        label=label,
        kind="toy2d",
        task=task,
        description=description,
        has_noise=True,
        has_n_points=True,
        has_n_classes=n_classes_range is not None,
        default_points=default_points,
        n_classes_range=n_classes_range,
        n_classes=0 if (task == "regression" or n_classes_range) else n_classes,
    )


def _table(name, label, task, description, n_inputs, n_classes):
    return DatasetInfo(
        name=name,
        label=label,
        kind="table",
        task=task,
        description=description,
        n_inputs=n_inputs,
        n_classes=n_classes,
    )


#: Every built-in set, in menu order.
DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in [
        _toy("circle", "Circle", "classification", "A disc of one class inside a ring of the other."),
        _toy("xor", "Exclusive or", "classification", "Opposite quadrants share a class: the sign of x1*x2."),
        _toy(
            "gauss",
            "Gaussian",
            "classification",
            "Two Gaussian clusters; noise widens them until they overlap.",
        ),
        _toy("spiral", "Spiral", "classification", "Two interleaved spiral arms, the hardest of the four."),
        _toy("moons", "Two moons", "classification", "Two interleaving half circles."),
        _toy(
            "blobs",
            "Blobs",
            "classification",
            "3 to 6 Gaussian clusters, one class each.",
            n_classes_range=(3, 6),
        ),
        _toy(
            "spiral_multi",
            "Spiral, 3-5 arms",
            "classification",
            "3 to 5 spiral arms, one class each: a job for the softmax head.",
            n_classes_range=(3, 5),
        ),
        _toy("checkerboard", "Checkerboard", "classification", "A 4 x 4 board of alternating squares."),
        _toy(
            "plane",
            "Plane",
            "regression",
            "Regression: the target rises linearly, (x1 + x2) / 10.",
            default_points=1200,
        ),
        _toy(
            "multi_gaussian",
            "Multi-Gaussian",
            "regression",
            "Regression: six bumps, three up and three down.",
            default_points=1200,
        ),
        _table(
            "iris",
            "Iris flowers",
            "classification",
            "150 flowers, 4 measurements, 3 species (the blog's data set).",
            4,
            3,
        ),
        _table("wine", "Wine", "classification", "178 wines, 13 chemical measurements, 3 cultivars.", 13, 3),
        _table(
            "breast_cancer",
            "Breast cancer",
            "classification",
            "569 tumours, 30 measurements, malignant or benign.",
            30,
            2,
        ),
        _table(
            "digits",
            "Handwritten digits",
            "classification",
            "1,797 images of 8 x 8 pixels (64 inputs), digits 0 to 9.",
            64,
            10,
        ),
        _table(
            "diabetes",
            "Diabetes",
            "regression",
            "442 patients, 10 measurements; predict disease progression after a year.",
            10,
            0,
        ),
    ]
}


def _check_int(value, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise DataError(f"The {what} must be a whole number from {low} to {high}, not {value!r}.")
    if not low <= value <= high:
        raise DataError(f"The {what} must be from {low:,} to {high:,}; got {value:,}.")
    return int(value)


def _check_noise(noise) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not np.isfinite(float(noise)):
        raise DataError(f"The noise must be a number from 0 to 0.5 (0 to 50 %), not {noise!r}.")
    if not 0.0 <= float(noise) <= MAX_NOISE + 1e-12:
        raise DataError(f"The noise must be from 0 to 50 %; got {float(noise) * 100:g} %.")
    return min(float(noise), MAX_NOISE)


def build_dataset(
    name: str,
    *,
    n_points: int | None = None,
    noise: float = 0.0,
    n_classes: int = 3,
    seed: int = 0,
    train_fraction: float = 0.5,
    features: Sequence[str] = ("x1", "x2"),
    standardize: bool | None = None,
) -> Dataset:
    """Build the set ``name`` of :data:`DATASETS`.

    Parameters
    ----------
    name : key of :data:`DATASETS`
    n_points : 50 to 5,000 points for 2-D sets; ``None`` = the set's ``default_points``
        (500, or 1,200 for plane and multi-Gaussian); ignored for tables
    noise : 0 to 0.5, the set's noise rule (see :mod:`playground.data.toy2d`); ignored for tables
    n_classes : classes of ``blobs`` (3 to 6) and arms of ``spiral_multi`` (3 to 5)
    seed : one seed for the points and the split ("regenerate" = another seed). The
        points and the split use independent streams, so changing ``train_fraction``
        keeps the points.
    train_fraction : 0.1 to 0.9, stratified by class for classification
    features : input features of 2-D sets (any subset of :data:`FEATURES`, in the
        order given); ignored for tables
    standardize : ``None`` = on for tables, off for 2-D sets

    Returns
    -------
    Dataset
        For 2-D sets ``raw_*`` are the points (n, 2), ``X_*`` their features (n, k),
        ``domain = (-6, 6, -6, 6)``.
    """
    if name not in DATASETS:
        raise DataError(f"Unknown data set {name!r}. Available: {', '.join(DATASETS)}.")
    info = DATASETS[name]
    seed = check_seed(seed)
    train_fraction = check_train_fraction(train_fraction)
    noise = _check_noise(noise)
    if info.kind == "table":
        return load_table(
            name,
            train_fraction=train_fraction,
            seed=seed,
            standardize=True if standardize is None else bool(standardize),
        )
    n_points = info.default_points if n_points is None else n_points
    n_points = _check_int(n_points, "number of points", MIN_POINTS, MAX_POINTS)
    if info.n_classes_range is not None:
        low, high = info.n_classes_range
        n_classes = _check_int(
            n_classes, f"number of {'arms' if name == 'spiral_multi' else 'classes'}", low, high
        )
    else:
        n_classes = info.n_classes
    feature_map = check_feature_names(features)
    points_rng, split_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    points, target = toy2d.generate(name, n_points, noise, points_rng, n_classes)
    return assemble(
        name=name,
        task=info.task,
        raw=points,
        y=target,
        input_names=list(toy2d.INPUT_NAMES),
        class_names=toy2d.class_names(name, n_classes),
        feature_map=feature_map,
        domain=toy2d.DOMAIN,
        train_fraction=train_fraction,
        rng=split_rng,
        standardize=False if standardize is None else bool(standardize),
        description=info.description,
    )
