"""What the playground's pictures draw: a trained model, as a Protocol.

The pictures take this, not a trainer to reach into: a network, the data it learns, its
predictions and its latest numbers (and, for the diagram's "colour links by", the last
recorded step). ``playground.training.trainer.Trainer`` is one; a test or a notebook can pass
any object with these members.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from playground.data import Dataset
from playground.engine.network import Network


class TrainedModel(Protocol):
    """The members the pictures read.

    Attributes
    ----------
    network : the network, its weights as they are now.
    dataset : the data split (``raw_train`` (n, d) inputs as read, ``X_train`` scaled, labels).
    task : "classification" or "regression".
    metrics : the latest numbers ("train_accuracy", "test_loss", ...).
    last_step : what the last recorded Step did, or None.
    """

    network: Network
    dataset: Dataset
    task: str
    metrics: Mapping[str, float]
    last_step: Any

    def predict(self, X: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        """The network's output for scaled inputs ``X`` (n, n_inputs): class probabilities
        (n, K) or predicted values (n,), computed in ``dtype``."""
        ...
