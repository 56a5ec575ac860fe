"""The confusion matrix and R^2 against scikit-learn on the same predictions."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix
from sklearn.metrics import r2_score

from playground.data import load_csv
from playground.training.config import DEFAULT
from playground.training.evaluation import confusion_counts, confusion_matrix, predicted_classes
from playground.training.trainer import Trainer


def test_counts_by_hand():
    # true 0 0 1 1 1 2, predicted 0 1 1 1 2 2 -> row 0: [1, 1, 0], row 1: [0, 2, 1], row 2: [0, 0, 1]
    counts = confusion_counts([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 2, 2], 3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 2, 1], [0, 0, 1]])
    assert counts.dtype == np.int64
    np.testing.assert_array_equal(confusion_counts([1, 1], [1, 1], 4)[1], [0, 2, 0, 0])   # unseen classes: zeros
    np.testing.assert_array_equal(confusion_counts([], [], 2), np.zeros((2, 2)))


def test_counts_equal_scikit_learn_on_random_labels():
    rng = np.random.default_rng(5)
    for k in (2, 3, 7, 20):
        y_true, y_pred = rng.integers(0, k, 500), rng.integers(0, k, 500)
        np.testing.assert_array_equal(confusion_counts(y_true, y_pred, k),
                                      sklearn_confusion_matrix(y_true, y_pred, labels=range(k)))


def test_bad_labels_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        confusion_counts([0, 1], [0], 2)
    with pytest.raises(ValueError, match="labels must be 0 to 1; got 0 to 2"):
        confusion_counts([0, 1], [0, 2], 2)


@pytest.mark.parametrize("changes", [
    dict(dataset="iris", hidden_layers=(5,)),                              # softmax, 3 classes
    dict(dataset="iris", hidden_layers=(5,), output="one_vs_rest"),        # the blog's head
    dict(dataset="breast_cancer", hidden_layers=(4,)),                     # sigmoid, 2 classes
    dict(dataset="blobs", n_classes=5, hidden_layers=(6,)),
])
@pytest.mark.parametrize("split", ["training", "test"])
def test_a_trainers_matrix_is_scikit_learns_on_its_predictions_and_its_accuracy(changes, split):
    trainer = Trainer(DEFAULT.with_changes(learning_rate=0.1, **changes))
    trainer.step(60)
    data = trainer.dataset
    y = data.y_train if split == "training" else data.y_test
    predicted = predicted_classes(trainer, split)
    counts = confusion_matrix(trainer, split)
    np.testing.assert_array_equal(counts, sklearn_confusion_matrix(y, predicted, labels=range(data.n_classes)))
    # The same predictions as the trainer's scores, and the diagonal is the recorded accuracy.
    np.testing.assert_array_equal(predicted, np.argmax(trainer.predict(data.X_train if split == "training"
                                                                       else data.X_test), axis=1))
    assert counts.sum() == len(y) and counts.sum(axis=1).tolist() == np.bincount(y, minlength=data.n_classes).tolist()
    recorded = trainer.metrics["train_accuracy" if split == "training" else "test_accuracy"]
    assert np.trace(counts) / counts.sum() == pytest.approx(recorded)


def test_regression_has_no_confusion_matrix_and_a_bad_split_is_named():
    trainer = Trainer(DEFAULT.with_changes(dataset="plane", n_points=100))
    with pytest.raises(ValueError, match="classification"):
        confusion_matrix(trainer, "training")
    with pytest.raises(ValueError, match="split must be one of"):
        confusion_matrix(Trainer(DEFAULT), "validation")


YEARS = np.arange(1947, 1967)


@pytest.mark.parametrize("make", [
    lambda: Trainer(DEFAULT.with_changes(dataset="diabetes", hidden_layers=(6,), learning_rate=0.05)),
    lambda: Trainer(DEFAULT.with_changes(dataset="multi_gaussian", n_points=300, learning_rate=0.05)),
    lambda: Trainer(DEFAULT.with_changes(dataset="csv", hidden_layers=(3,)), dataset=load_csv(
        ("year,output\n" + "".join(f"{y},{100 + 2.5 * (y - 1947) + 3 * np.sin(y)}\n" for y in YEARS)).encode())),
])
def test_recorded_r2_is_scikit_learns_r2_score(make):
    """R^2 = 1 - SS_res / SS_tot is recorded beside RMSE for both parts, in the target's units."""
    trainer = make()
    trainer.step(150)
    data = trainer.dataset
    metrics = trainer.metrics
    for part, X, y in (("train", data.X_train, data.y_train), ("test", data.X_test, data.y_test)):
        predicted = trainer.predict(X)
        assert metrics[f"{part}_r2"] == pytest.approx(r2_score(y, predicted), rel=1e-9, abs=1e-12)
        assert metrics[f"{part}_rmse"] == pytest.approx(np.sqrt(np.mean((y - predicted) ** 2)), rel=1e-9)
    assert metrics["train_r2"] > 0.1          # it learned something: not a check of a trivial 0
