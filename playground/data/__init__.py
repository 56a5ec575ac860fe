"""Datasets as plain numpy arrays: 2-D toy sets, real tables, the user's CSV file.

numpy, pandas and scikit-learn only (no streamlit, no plotly); all randomness comes
from ``numpy.random.Generator``s built from explicit seeds.

>>> from playground.data import build_dataset
>>> data = build_dataset("circle", noise=0.1, features=["x1", "x2", "x1^2"], seed=3)
>>> data.X_train.shape, data.n_classes
((250, 3), 2)
"""

from __future__ import annotations

from .catalog import DATASETS, DatasetInfo, build_dataset
from .dataset import Dataset
from .errors import DataError
from .features import FEATURES, compute_features
from .tabular import load_csv, read_csv_table, sample_table

__all__ = [
    "DATASETS",
    "FEATURES",
    "DataError",
    "Dataset",
    "DatasetInfo",
    "build_dataset",
    "compute_features",
    "load_csv",
    "read_csv_table",
    "sample_table",
]
