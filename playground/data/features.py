"""Input features for the two-dimensional sets, as in TensorFlow Playground.

A raw point is ``(x1, x2)``; a feature is a function of one point. With ``raw`` an
``(m, 2)`` array, every entry of :data:`FEATURES` maps it to an ``(m,)`` array:

====================  =====================
name                  value
====================  =====================
``x1``, ``x2``        the coordinates
``x1^2``, ``x2^2``    their squares
``x1*x2``             their product
``sin(x1)`` ...       ``sin``/``cos`` of a coordinate (radians)
====================  =====================

:func:`compute_features` stacks a chosen subset into the network's input matrix
``X`` of shape ``(m, k)``, one column per name, in the order given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .errors import DataError


def _x1(raw: np.ndarray) -> np.ndarray:
    return raw[:, 0].copy()


def _x2(raw: np.ndarray) -> np.ndarray:
    return raw[:, 1].copy()


def _x1_squared(raw: np.ndarray) -> np.ndarray:
    return raw[:, 0] ** 2


def _x2_squared(raw: np.ndarray) -> np.ndarray:
    return raw[:, 1] ** 2


def _x1_times_x2(raw: np.ndarray) -> np.ndarray:
    return raw[:, 0] * raw[:, 1]


def _sin_x1(raw: np.ndarray) -> np.ndarray:
    return np.sin(raw[:, 0])


def _sin_x2(raw: np.ndarray) -> np.ndarray:
    return np.sin(raw[:, 1])


def _cos_x1(raw: np.ndarray) -> np.ndarray:
    return np.cos(raw[:, 0])


def _cos_x2(raw: np.ndarray) -> np.ndarray:
    return np.cos(raw[:, 1])


#: name -> function mapping raw points ``(m, 2)`` to one feature column ``(m,)``.
FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x1": _x1,
    "x2": _x2,
    "x1^2": _x1_squared,
    "x2^2": _x2_squared,
    "x1*x2": _x1_times_x2,
    "sin(x1)": _sin_x1,
    "sin(x2)": _sin_x2,
    "cos(x1)": _cos_x1,
    "cos(x2)": _cos_x2,
}


def check_feature_names(names: Sequence[str]) -> tuple[str, ...]:
    """Validate a choice of features and return it as a tuple (order kept).

    Raises
    ------
    DataError
        If ``names`` is empty, is a single string, repeats a name, or contains a name
        that is not in :data:`FEATURES`.
    """
    if isinstance(names, str):
        raise DataError(f"Features must be a list of names such as ['x1', 'x2'], not the string {names!r}.")
    chosen = tuple(names)
    if not chosen:
        raise DataError("Choose at least one input feature (for example x1 and x2).")
    unknown = [name for name in chosen if name not in FEATURES]
    if unknown:
        raise DataError(
            f"Unknown input feature(s): {', '.join(map(repr, unknown))}. Available: {', '.join(FEATURES)}."
        )
    repeated = sorted({name for name in chosen if chosen.count(name) > 1})
    if repeated:
        raise DataError(f"Input feature(s) chosen twice: {', '.join(map(repr, repeated))}.")
    return chosen


def compute_features(raw: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """Feature matrix of the points ``raw``.

    Parameters
    ----------
    raw : array of shape (m, 2)
        Points ``(x1, x2)``.
    names : sequence of k feature names from :data:`FEATURES`

    Returns
    -------
    X : float64 array of shape (m, k)
        ``X[i, j] = FEATURES[names[j]](raw)[i]``.
    """
    chosen = check_feature_names(names)
    points = np.asarray(raw, dtype=np.float64)
    if points.ndim != 2 or points.shape[1] != 2:
        raise DataError(f"Input features need points of shape (m, 2); got an array of shape {points.shape}.")
    X = np.empty((points.shape[0], len(chosen)), dtype=np.float64)
    for column, name in enumerate(chosen):
        X[:, column] = FEATURES[name](points)
    return X
