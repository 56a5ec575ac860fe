"""What a trained classifier gets right and wrong, class by class: the confusion matrix.

``C[i, j]`` counts the rows of true class ``i`` that the network puts in class ``j`` (rows:
true class, columns: predicted class; scikit-learn's ``confusion_matrix`` layout). Its
diagonal holds the right answers, so ``trace(C) / C.sum()`` is the accuracy the trainer
records, and row ``i`` divided by its sum gives how the rows of class ``i`` are shared out
(the diagonal entry is that class's recall).

The predictions come from the network's own output head (``predicted_classes``), the code
path the trainer's accuracy uses. Regression needs nothing here: the trainer already records
R^2 beside RMSE (``train_r2`` and ``test_r2`` in ``Trainer.metrics``).
"""
from __future__ import annotations

import numpy as np

#: The two parts of the data a matrix can be drawn for.
SPLITS = ("training", "test")


def confusion_counts(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """The (K, K) int64 matrix ``C[i, j] = #{rows r : y_true[r] = i and y_pred[r] = j}``.

    Parameters
    ----------
    y_true, y_pred : int arrays of shape (n,) with labels in 0..K-1
    n_classes : K; classes that occur in neither array get a row and column of zeros

    Each pair (i, j) is numbered ``i K + j``, and one ``bincount`` counts them all.
    """
    y_true = np.asarray(y_true, dtype=np.int64).ravel()
    y_pred = np.asarray(y_pred, dtype=np.int64).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {len(y_true)} and {len(y_pred)}")
    for labels in (y_true, y_pred):
        if labels.size and not (0 <= labels.min() and labels.max() < n_classes):
            raise ValueError(f"labels must be 0 to {n_classes - 1}; got {labels.min()} to {labels.max()}")
    pairs = y_true * n_classes + y_pred
    return np.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def _split_data(trainer, split: str) -> tuple[np.ndarray, np.ndarray]:
    """The network inputs (n, n_features) and labels (n,) of the training or test part."""
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, not {split!r}")
    data = trainer.dataset
    return (data.X_train, data.y_train) if split == "training" else (data.X_test, data.y_test)


def predicted_classes(trainer, split: str) -> np.ndarray:
    """The class the network gives every row of ``split``, (n,) ints, as its accuracy counts them."""
    if trainer.task != "classification":
        raise ValueError("class predictions need a classification task; this one is regression")
    X, _ = _split_data(trainer, split)
    network = trainer.network
    with np.errstate(all="ignore"):
        return network.output_layer.predicted_classes(network.forward(X))


def confusion_matrix(trainer, split: str) -> np.ndarray:
    """The confusion matrix (K, K) of ``trainer``'s network on its training or test part."""
    _, y = _split_data(trainer, split)
    return confusion_counts(y, predicted_classes(trainer, split), trainer.dataset.n_classes)
