"""Neural Playground: a from-scratch numpy neural network you can watch learn.

``import playground`` is cheap: it imports nothing. The notebook-facing names load on
first use (PEP 562), so the app's modules never pay for scikit-learn and the engine
never pulls in streamlit or plotly.

* ``PlaygroundClassifier``, ``PlaygroundRegressor``: the engine as scikit-learn
  estimators (``playground.notebook.estimator``).
* ``model_to_json``, ``model_from_json``, ``ModelFormatError``: the app's model file
  (``playground.notebook.model_io``).
"""
from __future__ import annotations

import importlib

_LAZY = {
    "PlaygroundClassifier": "playground.notebook.estimator",
    "PlaygroundRegressor": "playground.notebook.estimator",
    "estimator_from_model_json": "playground.notebook.estimator",
    "model_to_json": "playground.notebook.model_io",
    "model_from_json": "playground.notebook.model_io",
    "LoadedModel": "playground.notebook.model_io",
    "ModelFormatError": "playground.notebook.model_io",
}

__all__ = sorted(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'playground' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
