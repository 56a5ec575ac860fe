"""The app's model file: one small JSON document holding a network and its weights.

A model saved from the app opens in a notebook and the other way round. The document
(version 1) is::

    {
      "format": "neural-playground-model",
      "version": 1,
      "network": {
        "layer_sizes": [n_0, n_1, ..., n_L],       inputs, hidden layers..., outputs
        "activation": ["tanh", ...],               one name per hidden layer (L - 1)
        "output": "softmax",                       sigmoid | softmax | linear | one_vs_rest
        "loss": "cross_entropy",                   cross_entropy | squared_error
        "init": "xavier",                          how the weights were first drawn
        "seed": 0                                  seed of that draw (an int >= 0)
      },
      "weights": [W_1, ..., W_L],     W_l nested lists of shape (n_{l-1}, n_l)
      "biases":  [b_1, ..., b_L],     b_l lists of length n_l
      "classes": [...] or null,       class labels (strings, or numbers, or booleans)
      "feature_names": [...] or null, one name per input, n_0 strings
      "config": {...} or null         the app's playground settings, an opaque JSON object
    }

Limits: at most MAX_TEXT_BYTES (10 MB) of text, MAX_LAYER_SIZES (100) entries in
layer_sizes, MAX_NEURONS_PER_LAYER (4096) neurons a layer, MAX_PARAMETERS (5 million)
weights and biases, each a finite float64 number. Keys that
version 1 does not define are refused (a later version will bump ``version``).

With these parameters the network computes, for a row vector x of n_0 inputs,
``a_0 = x``, ``a_l = f_l(a_{l-1} W_l + b_l)`` and ``y_hat = head(a_{L-1} W_L + b_L)``,
exactly as ``playground.engine.Network`` does (weights are stored (fan_in, fan_out), as
in the engine).

``model_from_json`` trusts nothing in the file: whatever is wrong with it (not UTF-8,
not JSON, another format, an unknown version, a missing or unknown key, a value of the
wrong type, a shape that does not match ``layer_sizes``, a NaN or infinite number, an
absurd size) raises ``ModelFormatError`` (a ``ValueError``) whose message says what and
where, before any numpy array is built from the file's numbers.

numpy and the engine only: this module never imports streamlit, plotly or scikit-learn.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from playground.engine.activations import ACTIVATIONS
from playground.engine.losses import LOSSES, OUTPUTS, VALID_LOSSES
from playground.engine.network import INITIALISATIONS, Network

FORMAT_NAME = "neural-playground-model"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = (1,)

#: Generous but finite limits; a file beyond them is refused before anything is built.
MAX_TEXT_BYTES = 10 * 1024 * 1024
MAX_LAYER_SIZES = 100          # entries of layer_sizes (inputs + hidden layers + outputs)
MAX_NEURONS_PER_LAYER = 4096
MAX_PARAMETERS = 5_000_000     # weights + biases in total
MAX_SEED = 2**63 - 1
MAX_ABS_PARAMETER = float(np.finfo(np.float64).max)   # any finite float64 (a diverged net is savable)
MAX_CLASSES = MAX_NEURONS_PER_LAYER + 1   # one_vs_rest has K - 1 outputs for K classes

TOP_LEVEL_KEYS = ("format", "version", "network", "weights", "biases", "classes", "feature_names",
                  "config")
NETWORK_KEYS = ("layer_sizes", "activation", "output", "loss", "init", "seed")


class ModelFormatError(ValueError):
    """A model file that cannot be read: the message says what is wrong and where."""


@dataclass
class LoadedModel:
    """What a model file holds.

    Attributes
    ----------
    network : Network
        The engine network with the file's weights and biases.
    classes : list or None
        Class labels in output order (index k of ``network.predict_proba`` is
        ``classes[k]``), or None (regression, or a classifier saved without labels).
    feature_names : list of str or None
        One name per input column, or None.
    config : dict or None
        The app's playground settings, as saved (an opaque JSON object with str keys).
    """

    network: Network
    classes: list | None = None
    feature_names: list[str] | None = None
    config: dict[str, Any] | None = None


# -- saving ------------------------------------------------------------------------------
def _plain_label(label: Any, where: str):
    """A class label as a JSON scalar (numpy scalars become Python ones)."""
    if isinstance(label, np.generic):
        label = label.item()
    if isinstance(label, (bool, str)):
        return label
    if isinstance(label, int):
        return label
    if isinstance(label, float):
        if not math.isfinite(label):
            raise ModelFormatError(f"{where}: a class label must be finite, got {label!r}")
        return label
    raise ModelFormatError(f"{where}: class labels must be strings, numbers or booleans to be saved; "
                           f"got {type(label).__name__} {label!r}")


def model_to_json(network: Network, *, classes=None, feature_names=None,
                  config: dict[str, Any] | None = None) -> str:
    """Serialise ``network`` (and optional labels, input names, app settings) to model JSON.

    Parameters
    ----------
    network : Network
        Its ``layer_sizes``, activations, head, loss, init and seed, plus every weight
        matrix (fan_in, fan_out) and bias vector (fan_out,), are written.
    classes : sequence of str, int, float or bool, optional
        Labels in output order; their number must be ``network.n_classes``.
    feature_names : sequence of str, optional
        ``layer_sizes[0]`` names.
    config : dict with str keys, optional
        Stored as is; it must be JSON-serialisable without NaN or infinity.

    Returns
    -------
    str
        The document; ``model_from_json`` reads it back to an equal network (floats
        round-trip exactly through ``repr``).

    Raises
    ------
    ModelFormatError
        If something cannot be written in the format (non-finite weights, labels of
        another type, a config that is not a JSON object...), so that every file
        written can also be read.
    """
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "network": {
            "layer_sizes": [int(n) for n in network.layer_sizes],
            "activation": list(network.activation),
            "output": network.output,
            "loss": network.loss,
            "init": network.init,
            "seed": int(network.seed),
        },
        "weights": [np.asarray(W, dtype=np.float64).tolist() for W in network.weights],
        "biases": [np.asarray(b, dtype=np.float64).tolist() for b in network.biases],
        "classes": None if classes is None else [_plain_label(c, "classes") for c in classes],
        "feature_names": None if feature_names is None else [
            n.item() if isinstance(n, np.generic) else n for n in feature_names],
        "config": config,
    }
    try:
        text = json.dumps(document, allow_nan=False, separators=(",", ":"))
    except ValueError as error:  # NaN or infinity somewhere
        raise ModelFormatError(f"cannot save the model: {error} (weights or config hold NaN or "
                               "infinity)") from None
    except TypeError as error:
        raise ModelFormatError(f"cannot save the model: {error}") from None
    # Whatever we write must be readable: validate it with the same rules as a load.
    model_from_json(text)
    return text


# -- loading -----------------------------------------------------------------------------
def _reject_constant(name: str):
    raise ModelFormatError(f"the file contains {name}, which is not a valid number in a model file")


def _parse(text_or_bytes: str | bytes | bytearray) -> Any:
    if isinstance(text_or_bytes, (bytes, bytearray, memoryview)):
        raw = bytes(text_or_bytes)
        if len(raw) > MAX_TEXT_BYTES:
            raise ModelFormatError(f"the file is {len(raw):,} bytes; a model file is at most "
                                   f"{MAX_TEXT_BYTES:,} bytes")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ModelFormatError(f"the file is not UTF-8 text (byte {error.start}: "
                                   f"{error.reason})") from None
    elif isinstance(text_or_bytes, str):
        text = text_or_bytes
        if len(text) > MAX_TEXT_BYTES:
            raise ModelFormatError(f"the text is {len(text):,} characters; a model file is at most "
                                   f"{MAX_TEXT_BYTES:,} bytes")
    else:
        raise ModelFormatError(f"a model file is read from str or bytes, not {type(text_or_bytes).__name__}")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ModelFormatError:
        raise
    except json.JSONDecodeError as error:
        raise ModelFormatError(f"the file is not valid JSON: {error.msg} at line {error.lineno}, "
                               f"column {error.colno}") from None
    except (ValueError, RecursionError) as error:  # e.g. an integer with too many digits, deep nesting
        raise ModelFormatError(f"the file is not a readable JSON document: {error}") from None


def _type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
            int: "an integer", float: "a number", type(None): "null"}.get(type(value), type(value).__name__)


def _require_keys(obj: dict, keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if k not in obj]
    if missing:
        raise ModelFormatError(f"{where} is missing the key(s): {', '.join(missing)}")
    unknown = [k for k in obj if k not in keys]
    if unknown:
        raise ModelFormatError(f"{where} has unknown key(s) for version {FORMAT_VERSION}: "
                               f"{', '.join(map(repr, sorted(unknown)))}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and (isinstance(value, int) or math.isfinite(value)))


def _is_parameter(value: Any) -> bool:
    """A number that is a finite float64 (an integer too large for float64 is not)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and (isinstance(value, int) or math.isfinite(value)) and abs(value) <= MAX_ABS_PARAMETER)


def _choice(value: Any, allowed, where: str) -> str:
    if not isinstance(value, str):
        raise ModelFormatError(f"{where} must be a string, got {_type_name(value)}")
    if value not in allowed:
        raise ModelFormatError(f"{where} is {value!r}; expected one of: {', '.join(allowed)}")
    return value


def _check_network_spec(spec: Any) -> dict[str, Any]:
    if not isinstance(spec, dict):
        raise ModelFormatError(f"'network' must be an object, got {_type_name(spec)}")
    _require_keys(spec, NETWORK_KEYS, "'network'")
    sizes = spec["layer_sizes"]
    if not isinstance(sizes, list):
        raise ModelFormatError(f"network.layer_sizes must be a list of integers, got {_type_name(sizes)}")
    if not 2 <= len(sizes) <= MAX_LAYER_SIZES:
        raise ModelFormatError(f"network.layer_sizes has {len(sizes)} entries; it needs between 2 "
                               f"(inputs, outputs) and {MAX_LAYER_SIZES}")
    for i, n in enumerate(sizes):
        if not _is_int(n):
            raise ModelFormatError(f"network.layer_sizes[{i}] must be an integer, got {_type_name(n)}")
        if not 1 <= n <= MAX_NEURONS_PER_LAYER:
            raise ModelFormatError(f"network.layer_sizes[{i}] is {n}; a layer has between 1 and "
                                   f"{MAX_NEURONS_PER_LAYER} neurons")
    n_parameters = sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))
    if n_parameters > MAX_PARAMETERS:
        raise ModelFormatError(f"network.layer_sizes {sizes} means {n_parameters:,} parameters; "
                               f"a model file holds at most {MAX_PARAMETERS:,}")
    activation = spec["activation"]
    if not isinstance(activation, list):
        raise ModelFormatError(f"network.activation must be a list of names (one per hidden layer), "
                               f"got {_type_name(activation)}")
    if len(activation) != len(sizes) - 2:
        raise ModelFormatError(f"network.activation has {len(activation)} names but layer_sizes has "
                               f"{len(sizes) - 2} hidden layers")
    for i, name in enumerate(activation):
        _choice(name, tuple(ACTIVATIONS), f"network.activation[{i}]")
    output = _choice(spec["output"], OUTPUTS, "network.output")
    loss = _choice(spec["loss"], LOSSES, "network.loss")
    if loss not in VALID_LOSSES[output]:
        raise ModelFormatError(f"network.loss {loss!r} does not fit the {output!r} output; valid: "
                               f"{', '.join(VALID_LOSSES[output])}")
    if output == "sigmoid" and sizes[-1] != 1:
        raise ModelFormatError(f"the sigmoid output has exactly 1 neuron, but layer_sizes ends in "
                               f"{sizes[-1]}")
    _choice(spec["init"], INITIALISATIONS, "network.init")
    seed = spec["seed"]
    if not _is_int(seed) or not 0 <= seed <= MAX_SEED:
        raise ModelFormatError(f"network.seed must be an integer between 0 and 2**63 - 1, got {seed!r}"
                               if _is_int(seed) else
                               f"network.seed must be an integer, got {_type_name(seed)}")
    return spec


def _check_vector(values: Any, length: int, where: str) -> None:
    if not isinstance(values, list):
        raise ModelFormatError(f"{where} must be a list of {length} numbers, got {_type_name(values)}")
    if len(values) != length:
        raise ModelFormatError(f"{where} has {len(values)} numbers; layer_sizes needs {length}")
    for j, v in enumerate(values):
        if not _is_parameter(v):
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                shown = repr(v) if isinstance(v, float) else f"an integer of {len(str(abs(v)))} digits"
                raise ModelFormatError(f"{where}[{j}] is {shown}; every weight and bias must be a finite "
                                       "float64 number")
            raise ModelFormatError(f"{where}[{j}] must be a number, got {_type_name(v)}")


def _check_parameters(document: dict, sizes: list[int]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    weights, biases = document["weights"], document["biases"]
    n_layers = len(sizes) - 1
    for key, value in (("weights", weights), ("biases", biases)):
        if not isinstance(value, list):
            raise ModelFormatError(f"'{key}' must be a list with one entry per layer, "
                                   f"got {_type_name(value)}")
        if len(value) != n_layers:
            raise ModelFormatError(f"'{key}' has {len(value)} entries, but layer_sizes {sizes} has "
                                   f"{n_layers} layers of {key}")
    for layer, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        W = weights[layer]
        if not isinstance(W, list) or len(W) != fan_in:
            got = f"{len(W)} rows" if isinstance(W, list) else _type_name(W)
            raise ModelFormatError(f"weights[{layer}] must be a ({fan_in}, {fan_out}) matrix (a list of "
                                   f"{fan_in} rows of {fan_out} numbers); got {got}")
        for i, row in enumerate(W):
            _check_vector(row, fan_out, f"weights[{layer}][{i}]")
        _check_vector(biases[layer], fan_out, f"biases[{layer}]")
    # Everything is now known to be finite numbers of the right shapes.
    return ([np.array(W, dtype=np.float64).reshape(a, b) for W, a, b in zip(weights, sizes[:-1], sizes[1:])],
            [np.array(b, dtype=np.float64).reshape(n) for b, n in zip(biases, sizes[1:])])


def _check_classes(classes: Any, network: Network) -> list | None:
    if classes is None:
        return None
    if not isinstance(classes, list):
        raise ModelFormatError(f"'classes' must be a list of labels or null, got {_type_name(classes)}")
    n_classes = network.n_classes
    if n_classes == 0:
        raise ModelFormatError(f"'classes' must be null for the regression (linear) output, got "
                               f"{len(classes)} labels")
    if len(classes) != n_classes:
        raise ModelFormatError(f"'classes' has {len(classes)} labels, but the {network.output!r} output "
                               f"with {network.layer_sizes[-1]} neuron(s) separates {n_classes} classes")
    kinds = set()
    for i, c in enumerate(classes):
        if isinstance(c, str):
            kinds.add("string")
        elif isinstance(c, bool):
            kinds.add("boolean")
        elif _is_number(c):
            kinds.add("number")
        elif isinstance(c, float):
            raise ModelFormatError(f"classes[{i}] is {c!r}; a label must be finite")
        else:
            raise ModelFormatError(f"classes[{i}] must be a string, number or boolean, got {_type_name(c)}")
    if len(kinds) > 1:
        raise ModelFormatError(f"'classes' mixes {' and '.join(sorted(kinds))} labels; use one kind")
    if len(set(classes)) != len(classes):
        raise ModelFormatError("'classes' has repeated labels")
    return list(classes)


def _check_feature_names(names: Any, n_inputs: int) -> list[str] | None:
    if names is None:
        return None
    if not isinstance(names, list):
        raise ModelFormatError(f"'feature_names' must be a list of strings or null, got {_type_name(names)}")
    if len(names) != n_inputs:
        raise ModelFormatError(f"'feature_names' has {len(names)} names, but the network has "
                               f"{n_inputs} inputs")
    for i, name in enumerate(names):
        if not isinstance(name, str):
            raise ModelFormatError(f"feature_names[{i}] must be a string, got {_type_name(name)}")
    return list(names)


def _check_config(config: Any) -> None:
    """An object whose every number is finite (so it can be saved again); otherwise opaque."""
    if not isinstance(config, dict):
        raise ModelFormatError(f"'config' must be an object or null, got {_type_name(config)}")
    stack = [("config", config)]
    while stack:                    # iterative: a deeply nested config cannot exhaust the stack
        where, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise ModelFormatError(f"{where} is {value!r}; numbers in the config must be finite")
        if isinstance(value, dict):
            stack.extend((f"{where}.{key}", item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in enumerate(value))


def model_from_json(text_or_bytes: str | bytes | bytearray) -> LoadedModel:
    """Read and validate a model document written by ``model_to_json`` or by the app.

    Parameters
    ----------
    text_or_bytes : str or bytes
        The file's content; bytes must be UTF-8 (a byte-order mark is allowed).

    Returns
    -------
    LoadedModel
        ``network`` is a fresh ``Network`` holding the file's weights (float64 arrays of
        shapes (n_{l-1}, n_l)) and biases ((n_l,)); ``classes``, ``feature_names`` and
        ``config`` as stored.

    Raises
    ------
    ModelFormatError
        For anything malformed or tampered with; never a numpy or JSON exception.
    """
    document = _parse(text_or_bytes)
    if not isinstance(document, dict):
        raise ModelFormatError(f"a model file is a JSON object, got {_type_name(document)}")
    if document.get("format") != FORMAT_NAME:
        if "format" not in document:
            raise ModelFormatError(f"this is not a Neural Playground model: no 'format' key "
                                   f"(expected {FORMAT_NAME!r})")
        raise ModelFormatError(f"this is not a Neural Playground model: format is "
                               f"{document['format']!r}, expected {FORMAT_NAME!r}")
    version = document.get("version")
    if not _is_int(version) or version not in SUPPORTED_VERSIONS:
        raise ModelFormatError(f"unsupported model file version {version!r}; this version of the "
                               f"playground reads version(s) {', '.join(map(str, SUPPORTED_VERSIONS))}")
    _require_keys(document, TOP_LEVEL_KEYS, "the model file")
    spec = _check_network_spec(document["network"])
    weights, biases = _check_parameters(document, spec["layer_sizes"])
    try:
        network = Network(spec["layer_sizes"], activation=spec["activation"], output=spec["output"],
                          loss=spec["loss"], init=spec["init"], seed=spec["seed"])
        network.set_parameters(weights, biases)
    except ValueError as error:  # every rule should have been checked above; keep the promise anyway
        raise ModelFormatError(f"the network cannot be built: {error}") from None
    classes = _check_classes(document["classes"], network)
    feature_names = _check_feature_names(document["feature_names"], network.layer_sizes[0])
    config = document["config"]
    if config is not None:
        _check_config(config)
    return LoadedModel(network=network, classes=classes, feature_names=feature_names, config=config)
