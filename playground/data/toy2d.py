"""Two-dimensional sets drawn on the domain [-6, 6]^2.

The first six follow TensorFlow Playground's generators (``dataset.ts``), including
each one's noise rule; ``noise`` is a fraction in [0, 0.5] (TF's 0-50 %). The
others go beyond it. Every generator has the signature
``(n_points, noise, rng, n_classes) -> (points, target)`` with

* ``points`` a float64 array of shape ``(n_points, 2)``, columns ``(x1, x2)``;
* ``target`` an int array of shape ``(n_points,)`` with labels ``0..K-1``
  (classification) or a float64 array of shape ``(n_points,)`` (regression).

Class sizes are as equal as possible: class ``k`` of ``K`` gets ``n // K`` points,
plus one for the first ``n % K`` classes (:func:`class_counts`). TF's labels -1/+1
are 0/1 here. ``U(a, b)`` below is a uniform draw from ``rng``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

DOMAIN: tuple[float, float, float, float] = (-6.0, 6.0, -6.0, 6.0)
INPUT_NAMES = ["x1", "x2"]

CIRCLE_RADIUS = 5.0  # points lie within this radius; the class boundary is at half of it
XOR_PADDING = 0.3  # gap pushed between the quadrants
SPIRAL_TURNS = 1.75  # TF's two-arm spiral
SPIRAL_MULTI_TURNS = 1.25  # fewer turns so 5 arms stay apart
GAUSS_CENTER = 2.0
BLOB_RING_RADIUS = 3.5
MOON_SCALE = 3.0
CHECKER_CELL = 3.0  # a 4 x 4 board on [-6, 6]^2

Generator = Callable[[int, float, np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


def class_counts(n_points: int, n_classes: int) -> np.ndarray:
    """Sizes of ``n_classes`` classes summing to ``n_points``, differing by at most 1."""
    counts = np.full(n_classes, n_points // n_classes, dtype=np.int64)
    counts[: n_points % n_classes] += 1
    return counts


def gauss_variance(noise: float) -> float:
    """TF's variance of the Gaussian clusters: linear from 0.5 (noise 0) to 4 (noise 0.5)."""
    return 0.5 + 7.0 * noise


def _labels_from_counts(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts)


def circle(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 2):
    """A disc inside a ring (TF "circle").

    Class 1 ("inside"): radius ``r ~ U(0, 2.5)``; class 0 ("outside"): ``r ~ U(3.5, 5)``;
    angle ``a ~ U(0, 2 pi)`` and ``p = r (sin a, cos a)``. The label is then taken
    from a shifted copy of the point, ``label = [ |p + e| < 2.5 ]`` with
    ``e ~ noise * U(-5, 5)^2``, so noise flips labels near the boundary while the
    points stay where they are. At noise 0 the label is exactly ``[ |p| < 2.5 ]``.
    """
    counts = class_counts(n_points, 2)
    inside = rng.uniform(0.0, CIRCLE_RADIUS * 0.5, counts[1])
    outside = rng.uniform(CIRCLE_RADIUS * 0.7, CIRCLE_RADIUS, counts[0])
    radius = np.concatenate([outside, inside])
    angle = rng.uniform(0.0, 2.0 * np.pi, n_points)
    points = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    shift = rng.uniform(-CIRCLE_RADIUS, CIRCLE_RADIUS, (n_points, 2)) * noise
    labels = (np.hypot(*(points + shift).T) < CIRCLE_RADIUS * 0.5).astype(np.int64)
    return points, labels


def xor(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 2):
    """Four quadrants (TF "exclusive or").

    Each coordinate ``u ~ U(-5, 5)`` is pushed 0.3 away from 0 (``u + 0.3 sign(u)``).
    ``label = [ (x1 + e1)(x2 + e2) >= 0 ]`` with ``e ~ noise * U(-5, 5)^2``: class 1
    in the first and third quadrant. At noise 0 the label is the sign of ``x1 x2``.
    """
    points = rng.uniform(-5.0, 5.0, (n_points, 2))
    points += np.where(points > 0, XOR_PADDING, -XOR_PADDING)
    shift = rng.uniform(-5.0, 5.0, (n_points, 2)) * noise
    noisy = points + shift
    labels = (noisy[:, 0] * noisy[:, 1] >= 0).astype(np.int64)
    return points, labels


def gauss(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 2):
    """Two Gaussian clusters (TF "Gaussian").

    Class 1 around (2, 2), class 0 around (-2, -2), each coordinate normal with
    variance ``0.5 + 7 noise`` (0.5 to 4). Points are not clipped (as in TF), so at
    high noise a few can fall outside the plotting domain.
    """
    counts = class_counts(n_points, 2)
    std = np.sqrt(gauss_variance(noise))
    centers = np.array([[-GAUSS_CENTER, -GAUSS_CENTER], [GAUSS_CENTER, GAUSS_CENTER]])
    labels = _labels_from_counts(counts)
    points = centers[labels] + rng.normal(0.0, std, (n_points, 2))
    return points, labels


def _spiral_arms(n_points: int, n_arms: int, turns: float, noise: float, rng: np.random.Generator):
    """Points on ``n_arms`` interleaved spiral arms.

    Arm ``k`` with ``n_k`` points, ``i = 0..n_k-1``: ``r = 5 i / n_k``,
    ``t = 2 pi turns i / n_k + pi + 2 pi k / n_arms`` and
    ``p = r (sin t, cos t) + noise * U(-1, 1)^2``. For two arms this is TF's spiral
    (its positive arm, offset 0, is label 1 here). At noise 0 the positions do not
    depend on the seed.
    """
    counts = class_counts(n_points, n_arms)
    points, labels = [], []
    for arm, count in enumerate(counts):
        step = np.arange(count) / count
        radius = 5.0 * step
        angle = 2.0 * np.pi * turns * step + np.pi + 2.0 * np.pi * arm / n_arms
        jitter = rng.uniform(-1.0, 1.0, (count, 2)) * noise
        points.append(np.column_stack([radius * np.sin(angle), radius * np.cos(angle)]) + jitter)
        labels.append(np.full(count, arm, dtype=np.int64))
    return np.concatenate(points), np.concatenate(labels)


def spiral(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 2):
    """Two interleaved spiral arms of 1.75 turns (TF "spiral"); see :func:`_spiral_arms`."""
    return _spiral_arms(n_points, 2, SPIRAL_TURNS, noise, rng)


def spiral_multi(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 3):
    """``n_classes`` (3 to 5) spiral arms of 1.25 turns, one class per arm."""
    return _spiral_arms(n_points, n_classes, SPIRAL_MULTI_TURNS, noise, rng)


def moons(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 2):
    """Two interleaving half circles.

    With ``t ~ U(0, pi)``: class 0 is ``(cos t, sin t)``, class 1 is
    ``(1 - cos t, 1/2 - sin t)``; both are centred and scaled by 3,
    ``p = 3 (u - (1/2, 1/4))``, so class 0 lies on the circle of radius 3 around
    (-1.5, -0.75) with ``x2 >= -0.75`` and class 1 on the circle of radius 3 around
    (1.5, 0.75) with ``x2 <= 0.75``. Noise moves each point by
    ``3 noise U(-1, 1)`` per coordinate (at most 1.5), keeping it in the domain.
    """
    counts = class_counts(n_points, 2)
    labels = _labels_from_counts(counts)
    t = rng.uniform(0.0, np.pi, n_points)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    unit = np.where(labels[:, None] == 0, upper, lower)
    points = MOON_SCALE * (unit - np.array([0.5, 0.25]))
    points += rng.uniform(-1.0, 1.0, (n_points, 2)) * noise * MOON_SCALE
    return points, labels


def blob_centers(n_classes: int) -> np.ndarray:
    """Centres of the blobs, shape (K, 2): evenly spaced on a circle of radius 3.5,
    ``c_k = 3.5 (cos(pi/2 + 2 pi k / K), sin(pi/2 + 2 pi k / K))``."""
    angle = np.pi / 2 + 2.0 * np.pi * np.arange(n_classes) / n_classes
    return BLOB_RING_RADIUS * np.column_stack([np.cos(angle), np.sin(angle)])


def blobs(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 3):
    """``n_classes`` (3 to 6) Gaussian blobs around :func:`blob_centers`.

    Each coordinate is normal with TF's Gaussian variance ``0.5 + 7 noise``; draws
    falling outside [-6, 6]^2 are drawn again, so every point is in the domain.
    """
    counts = class_counts(n_points, n_classes)
    labels = _labels_from_counts(counts)
    centers = blob_centers(n_classes)[labels]
    std = np.sqrt(gauss_variance(noise))
    points = centers + rng.normal(0.0, std, (n_points, 2))
    outside = np.flatnonzero(np.any(np.abs(points) > 6.0, axis=1))
    while outside.size:
        points[outside] = centers[outside] + rng.normal(0.0, std, (outside.size, 2))
        outside = outside[np.any(np.abs(points[outside]) > 6.0, axis=1)]
    return points, labels


def checkerboard(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 2):
    """A 4 x 4 board of 3 x 3 squares on [-6, 6]^2.

    ``p ~ U(-6, 6)^2``; ``label = (floor((x1 + e1) / 3) + floor((x2 + e2) / 3)) mod 2``
    with ``e ~ noise * U(-3, 3)^2`` (the XOR noise rule: labels flip near edges).
    """
    points = rng.uniform(-6.0, 6.0, (n_points, 2))
    shift = rng.uniform(-CHECKER_CELL, CHECKER_CELL, (n_points, 2)) * noise
    cells = np.floor((points + shift) / CHECKER_CELL).astype(np.int64)
    labels = (cells.sum(axis=1) % 2).astype(np.int64)
    return points, labels


def plane(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 0):
    """Regression on a tilted plane (TF "plane").

    ``p ~ U(-6, 6)^2``, ``y = ((x1 + e1) + (x2 + e2)) / 10`` with
    ``e ~ noise * U(-6, 6)^2``: TF's linear map of [-10, 10] to [-1, 1], not clipped,
    so at noise 0 ``y = (x1 + x2) / 10`` in [-1.2, 1.2].
    """
    points = rng.uniform(-6.0, 6.0, (n_points, 2))
    shift = rng.uniform(-6.0, 6.0, (n_points, 2)) * noise
    target = (points + shift).sum(axis=1) / 10.0
    return points, target


#: (x, y, sign) of TF's six Gaussian bumps.
GAUSSIAN_BUMPS = np.array(
    [
        [-4.0, 2.5, 1.0],
        [0.0, 2.5, -1.0],
        [4.0, 2.5, 1.0],
        [-4.0, -2.5, -1.0],
        [0.0, -2.5, 1.0],
        [4.0, -2.5, -1.0],
    ]
)


def multi_gaussian_value(points: np.ndarray) -> np.ndarray:
    """TF's multi-Gaussian surface at ``points`` (m, 2) -> (m,).

    Bump ``j`` contributes ``s_j clip(1 - d_j / 2, 0, 1)``, with ``d_j`` the distance
    to its centre; the value is the contribution largest in absolute value (the first
    one on ties, 0 far from every bump).
    """
    d = np.hypot(points[:, None, 0] - GAUSSIAN_BUMPS[:, 0], points[:, None, 1] - GAUSSIAN_BUMPS[:, 1])
    values = GAUSSIAN_BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)
    best = np.argmax(np.abs(values), axis=1)
    return values[np.arange(len(points)), best]


def multi_gaussian(n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 0):
    """Regression on six signed bumps (TF "multi-Gaussian").

    ``p ~ U(-6, 6)^2``, ``y = multi_gaussian_value(p + e)`` with ``e ~ noise * U(-6, 6)^2``.
    """
    points = rng.uniform(-6.0, 6.0, (n_points, 2))
    shift = rng.uniform(-6.0, 6.0, (n_points, 2)) * noise
    return points, multi_gaussian_value(points + shift)


#: name -> generator, in the order of the dataset menu.
GENERATORS: dict[str, Generator] = {
    "circle": circle,
    "xor": xor,
    "gauss": gauss,
    "spiral": spiral,
    "moons": moons,
    "blobs": blobs,
    "spiral_multi": spiral_multi,
    "checkerboard": checkerboard,
    "plane": plane,
    "multi_gaussian": multi_gaussian,
}

#: name -> names of the labels 0..K-1 (blobs and spiral_multi depend on K).
_CLASS_NAMES: dict[str, list[str]] = {
    "circle": ["outside", "inside"],
    "xor": ["x1*x2 < 0", "x1*x2 >= 0"],
    "gauss": ["around (-2, -2)", "around (2, 2)"],
    "spiral": ["arm 1", "arm 2"],
    "moons": ["upper moon", "lower moon"],
    "checkerboard": ["even square", "odd square"],
}


def class_names(name: str, n_classes: int) -> list[str]:
    """Names of the classes of a 2-D set (empty for the regression sets)."""
    if name in _CLASS_NAMES:
        return list(_CLASS_NAMES[name])
    if name == "blobs":
        return [f"blob {k + 1}" for k in range(n_classes)]
    if name == "spiral_multi":
        return [f"arm {k + 1}" for k in range(n_classes)]
    return []


def generate(name: str, n_points: int, noise: float, rng: np.random.Generator, n_classes: int = 3):
    """Run the generator ``name``; returns ``(points (n, 2) float64, target (n,))``."""
    points, target = GENERATORS[name](n_points, noise, rng, n_classes)
    return np.asarray(points, dtype=np.float64), target
