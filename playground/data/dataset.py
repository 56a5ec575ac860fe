"""The dataset object every set produces, with the seeded split and the scaler.

Every source (a 2-D generator, a bundled table, the user's CSV) ends in
:func:`assemble`, which

1. splits the rows into a training and a test part (stratified by class for
   classification, so every class keeps its share in both parts);
2. maps the raw inputs to features (2-D sets) and, if asked, standardises every
   feature with the mean and standard deviation of the *training* part only:
   ``X = (F - mean_train) / std_train``.

The same map is kept on the :class:`Dataset`, so :meth:`Dataset.transform` can send
any new raw points (a decision-region grid) through exactly the pipeline the network
was trained on.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .errors import DataError
from .features import compute_features

MIN_TRAIN_FRACTION = 0.1
MAX_TRAIN_FRACTION = 0.9


@dataclass
class Dataset:
    """Training and test arrays plus everything needed to read and redo them.

    Attributes
    ----------
    name : str
        Key of the set (``"circle"``, ``"iris"``) or the uploaded file's name.
    task : str
        ``"classification"`` or ``"regression"``.
    X_train, X_test : float64 arrays of shape (n_train, n_features), (n_test, n_features)
        Network inputs: features computed and (if enabled) standardised.
    y_train, y_test : arrays of shape (n_train,), (n_test,)
        Integer labels ``0..K-1`` (classification) or float64 targets (regression).
    feature_names : list of str
        Names of the columns of ``X``.
    class_names : list of str
        ``class_names[k]`` names label ``k``; empty for regression.
    raw_train, raw_test : float64 arrays of shape (n_train, n_inputs), (n_test, n_inputs)
        Inputs before features and scaling (for the 2-D sets the points ``(x1, x2)``).
    input_names : list of str
        Names of the raw columns.
    domain : (x1_min, x1_max, x2_min, x2_max) or None
        Plotting box of the 2-D sets; ``None`` for tables.
    feature_map : tuple of str or None
        Names in :data:`~playground.data.features.FEATURES` that turn raw points into
        ``X`` (2-D sets); ``None`` means ``X`` uses the raw columns as they are (tables).
    scaler_mean, scaler_std : float64 arrays of shape (n_features,) or None
        Standardisation fitted on the training part; ``None`` when it is off.
    target_name : str
        Name of the predicted column (``"label"`` for the 2-D sets).
    description : str
        One sentence about the set (built-in sets).
    notices : list of str
        What loading changed in the user's file (columns or rows left out), one
        sentence each, for the page to show; empty for the built-in sets.
    """

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    class_names: list[str]
    raw_train: np.ndarray
    raw_test: np.ndarray
    input_names: list[str]
    domain: tuple[float, float, float, float] | None
    feature_map: tuple[str, ...] | None = None
    scaler_mean: np.ndarray | None = None
    scaler_std: np.ndarray | None = None
    target_name: str = "label"
    description: str = field(default="")
    notices: list[str] = field(default_factory=list)

    @property
    def n_classes(self) -> int:
        """Number of classes K (0 for regression)."""
        return len(self.class_names) if self.task == "classification" else 0

    @property
    def n_features(self) -> int:
        """Number of network inputs (columns of ``X``)."""
        return int(self.X_train.shape[1])

    @property
    def standardized(self) -> bool:
        """Whether the features were standardised."""
        return self.scaler_mean is not None

    def transform(self, raw: np.ndarray) -> np.ndarray:
        """Send raw inputs through the same feature map and scaling as the training data.

        Parameters
        ----------
        raw : array of shape (m, n_inputs)

        Returns
        -------
        X : float64 array of shape (m, n_features)
            ``(features(raw) - scaler_mean) / scaler_std``, or ``features(raw)`` when
            standardisation is off. ``transform(raw_train)`` equals ``X_train``.
        """
        points = np.asarray(raw, dtype=np.float64)
        n_inputs = len(self.input_names)
        if points.ndim != 2 or points.shape[1] != n_inputs:
            raise DataError(
                f"Expected raw inputs of shape (m, {n_inputs}) ({', '.join(self.input_names)}); "
                f"got an array of shape {points.shape}."
            )
        X = compute_features(points, self.feature_map) if self.feature_map is not None else points.copy()
        if self.scaler_mean is not None and self.scaler_std is not None:
            X = (X - self.scaler_mean) / self.scaler_std
        return X


def check_train_fraction(train_fraction: float) -> float:
    """Validate the share of rows used for training (0.1 to 0.9)."""
    if isinstance(train_fraction, bool) or not isinstance(train_fraction, numbers.Real):
        raise DataError(f"The training share must be a number between 0.1 and 0.9, not {train_fraction!r}.")
    value = float(train_fraction)
    if not MIN_TRAIN_FRACTION - 1e-12 <= value <= MAX_TRAIN_FRACTION + 1e-12:
        raise DataError(
            f"The training share must be between 10 % and 90 % of the data; got {value * 100:g} %."
        )
    return value


def check_seed(seed: int) -> int:
    """Validate a random seed (a non-negative integer)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise DataError(f"The random seed must be a whole number 0 or larger, not {seed!r}.")
    return int(seed)


def split_indices(
    y: np.ndarray, train_fraction: float, rng: np.random.Generator, *, stratify: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/test split of ``n`` rows.

    Without stratification ``floor(f n + 1/2)`` random rows (at least 1, at most ``n - 1``)
    go to training. With stratification the same rule is applied inside each class
    ``c`` with ``n_c`` rows, so both parts keep the class shares up to one row per
    class. Both index arrays are shuffled, so classes are interleaved.

    Parameters
    ----------
    y : array of shape (n,)
        Labels (used only when ``stratify``).
    train_fraction : float in [0.1, 0.9]
    rng : numpy.random.Generator

    Returns
    -------
    train_idx, test_idx : int arrays partitioning ``range(n)``
    """
    n = len(y)
    groups = [np.flatnonzero(y == label) for label in np.unique(y)] if stratify else [np.arange(n)]
    train_parts, test_parts = [], []
    for group in groups:
        shuffled = rng.permutation(group)
        if len(group) < 2:
            raise DataError("Every class needs at least 2 rows, one for training and one for testing.")
        n_train = int(np.clip(np.floor(train_fraction * len(group) + 0.5), 1, len(group) - 1))
        train_parts.append(shuffled[:n_train])
        test_parts.append(shuffled[n_train:])
    train_idx = rng.permutation(np.concatenate(train_parts))
    test_idx = rng.permutation(np.concatenate(test_parts))
    return train_idx, test_idx


def fit_scaler(X_train: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column means and standard deviations (ddof 0) of the training features.

    A column that is constant in the training part gets ``std = 1`` so that it is only
    centred (it carries no information, and dividing by 0 would give NaN).

    Returns
    -------
    mean, std : float64 arrays of shape (n_features,)
    """
    mean = X_train.mean(axis=0)
    std = X_train.std(axis=0)
    std = np.where(std > 1e-12 * np.maximum(1.0, np.abs(mean)), std, 1.0)
    return mean, std


def assemble(
    *,
    name: str,
    task: str,
    raw: np.ndarray,
    y: np.ndarray,
    input_names: list[str],
    class_names: list[str],
    feature_map: tuple[str, ...] | None,
    domain: tuple[float, float, float, float] | None,
    train_fraction: float,
    rng: np.random.Generator,
    standardize: bool,
    target_name: str = "label",
    description: str = "",
    notices: Sequence[str] = (),
) -> Dataset:
    """Split, compute features, scale on the training part, and build the :class:`Dataset`.

    Parameters
    ----------
    raw : float64 array of shape (n, n_inputs)
    y : array of shape (n,)
        Integer labels (classification) or float targets (regression).
    feature_map : names of 2-D features, or None to use the raw columns
    rng : generator used for the split only
    """
    classification = task == "classification"
    train_idx, test_idx = split_indices(y, train_fraction, rng, stratify=classification)
    raw = np.asarray(raw, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64 if classification else np.float64)
    raw_train, raw_test = raw[train_idx], raw[test_idx]
    if feature_map is not None:
        F_train, F_test = compute_features(raw_train, feature_map), compute_features(raw_test, feature_map)
        feature_names = list(feature_map)
    else:
        F_train, F_test = raw_train.copy(), raw_test.copy()
        feature_names = list(input_names)
    mean = std = None
    if standardize:
        mean, std = fit_scaler(F_train)
        F_train = (F_train - mean) / std
        F_test = (F_test - mean) / std
    return Dataset(
        name=name,
        task=task,
        X_train=F_train,
        y_train=y[train_idx],
        X_test=F_test,
        y_test=y[test_idx],
        feature_names=feature_names,
        class_names=list(class_names) if classification else [],
        raw_train=raw_train,
        raw_test=raw_test,
        input_names=list(input_names),
        domain=domain,
        feature_map=feature_map,
        scaler_mean=mean,
        scaler_std=std,
        target_name=target_name,
        description=description,
        notices=list(notices),
    )
