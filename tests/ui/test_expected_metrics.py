"""The metrics a student expects, as the page shows them (AppTest on the real ``app.py``).

The confusion matrix the page draws equals scikit-learn's ``confusion_matrix`` of the same
network's predictions, for the test and the training data; the page's "Test R²" equals
scikit-learn's ``r2_score``. The training level is tested in ``tests/test_evaluation.py``; this
checks what reaches the page.
"""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, r2_score

from playground.training import config as cfg
from playground.ui import confusion_view
from testkit.app_test import open_app


def opened_and_stepped(config: cfg.Config, steps: int):
    at = open_app(config.to_query())
    for _ in range(steps):
        at.button(key="step").click().run()
        assert not at.exception, at.exception
    return at


def shown_matrix(at) -> tuple[str, np.ndarray]:
    """The split and the counts of the confusion matrix the page drew last."""
    _, _, _, split, counts = at.session_state[confusion_view.SHOWN]
    return split, counts


@pytest.mark.parametrize("dataset", ["iris", "spiral_multi"])
def test_the_confusion_matrix_drawn_equals_scikit_learns(dataset):
    at = opened_and_stepped(cfg.DEFAULT.with_changes(dataset=dataset, learning_rate=0.1), steps=5)
    trainer = at.session_state["trainer"]
    data, network = trainer.dataset, trainer.network
    labels = list(range(data.n_classes))

    split, counts = shown_matrix(at)
    assert split == "test"
    predicted = np.argmax(network.predict_proba(data.X_test), axis=1)
    np.testing.assert_array_equal(counts, confusion_matrix(data.y_test, predicted, labels=labels))
    assert counts.sum() == len(data.y_test) and counts.shape == (data.n_classes, data.n_classes)

    at.segmented_control(key=confusion_view.SPLIT).set_value("training").run()
    assert not at.exception, at.exception
    split, counts = shown_matrix(at)
    assert split == "training"
    predicted = np.argmax(network.predict_proba(data.X_train), axis=1)
    np.testing.assert_array_equal(counts, confusion_matrix(data.y_train, predicted, labels=labels))


def test_the_test_r2_shown_equals_scikit_learns():
    at = opened_and_stepped(cfg.DEFAULT.with_changes(dataset="plane", learning_rate=0.03), steps=20)
    trainer = at.session_state["trainer"]
    data, network = trainer.dataset, trainer.network
    # The page's R² comes from the trainer's own measure; here it is recomputed by scikit-learn on
    # the original scale, from the network's outputs mapped back from standardised targets.
    predicted = trainer.target_mean + trainer.target_scale * network.forward(data.X_test)[:, 0]
    expected = r2_score(data.y_test, predicted)
    shown = next(m.value for m in at.metric if m.label == "Test R²")
    assert shown == f"{expected:.3f}"
    assert 0.0 < expected < 1.0          # trained some, not yet perfect: the digits mean something
    assert not any(m.label == "Test accuracy" for m in at.metric)
