"""Every knob of the playground: its default, allowed values, validation and URL codec.

A ``Config`` is an immutable record of one set-up (data, network, training, view). The
page's widgets write it; the trainer reads it; the URL query string carries it, so that a
link reproduces the same data and the same initial network. ``KNOBS`` is the single list
of settings; everything else (validation, URL encoding, which changes need a rebuild) is
derived from it.

Reading a URL never raises: an unknown or out-of-range parameter falls back to its
default and produces a notice for the page to show.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from playground.data import DATASETS, FEATURES
from playground.engine.activations import ACTIVATIONS
from playground.engine.losses import OUTPUTS
from playground.engine.network import INITIALISATIONS
from playground.engine.optimizers import OPTIMIZERS

#: The learning rates offered by the page (log scale, as in TensorFlow Playground, extended).
LEARNING_RATES = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_HIDDEN_LAYERS = 10
MAX_NEURONS = 64
#: Datasets the config accepts: every built-in set, plus "csv" for the visitor's own file.
DATASET_CHOICES = (*DATASETS, "csv")


@dataclass(frozen=True)
class Config:
    """One complete playground set-up. Field docs give the allowed values (see ``KNOBS``)."""

    # Data
    dataset: str = "circle"
    noise: int = 0                      # percent, 0-50
    n_points: int = 500                 # 50-5000 (2-D sets)
    n_classes: int = 3                  # 3-6 (blobs, multi-arm spiral)
    train_percent: int = 50             # 10-90
    features: tuple[str, ...] = ("x1", "x2")
    standardize: str = "auto"           # auto | on | off
    data_seed: int = 0
    # Network
    hidden_layers: tuple[int, ...] = (4, 2)
    hidden_activation: str = "tanh"
    layer_activations: tuple[str, ...] = ()   # one per hidden layer, or () for hidden_activation everywhere
    output: str = "auto"                # auto | sigmoid | softmax | linear | one_vs_rest
    loss: str = "auto"                  # auto | cross_entropy | squared_error
    init: str = "xavier"
    seed: int = 0
    # Training
    learning_rate: float = 0.03
    optimizer: str = "sgd"
    momentum: float = 0.9
    decay: float = 0.9
    beta1: float = 0.9
    beta2: float = 0.999
    batch_size: int = 10
    regularization: str = "none"        # none | l1 | l2
    regularization_rate: float = 0.0
    dropout: float = 0.0
    # View
    speed: int = 1                      # iterations per frame while playing
    show_test: bool = False
    discretize: bool = False
    log_scale: bool = False
    x_axis: int = 0                     # input column drawn across (tables)
    y_axis: int = 1                     # input column drawn up (tables)

    @property
    def activations(self) -> list[str]:
        """The hidden activation of each hidden layer."""
        if len(self.layer_activations) == len(self.hidden_layers):
            return list(self.layer_activations)
        return [self.hidden_activation] * len(self.hidden_layers)

    @property
    def l1(self) -> float:
        return self.regularization_rate if self.regularization == "l1" else 0.0

    @property
    def l2(self) -> float:
        return self.regularization_rate if self.regularization == "l2" else 0.0

    def optimizer_settings(self) -> dict[str, float]:
        """Keyword settings of the chosen optimizer (besides the learning rate)."""
        return {
            "sgd": {},
            "momentum": {"momentum": self.momentum},
            "rmsprop": {"decay": self.decay},
            "adam": {"beta1": self.beta1, "beta2": self.beta2},
        }[self.optimizer]

    def with_changes(self, **changes: Any) -> Config:
        """A copy with some fields changed, each validated (ValueError if not allowed)."""
        for name, value in changes.items():
            KNOB_BY_NAME[name].check(value)
        return replace(self, **changes)


# ---------------------------------------------------------------------------- knobs --
@dataclass(frozen=True)
class Knob:
    """One setting: how to check a value, and how to write it to and read it from a URL."""

    name: str
    check: Callable[[Any], None]          # raises ValueError when the value is not allowed
    parse: Callable[[str], Any]           # URL text -> value (may raise ValueError)
    format: Callable[[Any], str]          # value -> URL text
    rebuild: bool                          # does a change need a new network?


def _choice(options) -> Callable[[Any], None]:
    def check(value):
        if value not in options:
            raise ValueError(f"{value!r} is not one of: {', '.join(map(str, options))}")
    return check


def _int_range(low: int, high: int) -> Callable[[Any], None]:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{value!r} is not a whole number from {low} to {high}")
    return check


def _float_range(low: float, high: float) -> Callable[[Any], None]:
    def check(value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not low <= value <= high:
            raise ValueError(f"{value!r} is not a number from {low:g} to {high:g}")
    return check


def _bool_check(value):
    if not isinstance(value, bool):
        raise ValueError(f"{value!r} is not true or false")


def _tuple_of(item_check: Callable[[Any], None], min_len: int, max_len: int) -> Callable[[Any], None]:
    def check(value):
        if not isinstance(value, tuple) or not min_len <= len(value) <= max_len:
            raise ValueError(f"{value!r} is not a list of {min_len} to {max_len} items")
        for item in value:
            item_check(item)
    return check


def _features_check(value):
    _tuple_of(_choice(FEATURES), 1, len(FEATURES))(value)
    if len(set(value)) != len(value):
        raise ValueError(f"{value!r} names a feature twice")


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{text!r} is not true or false")


def _parse_tuple(item_parse: Callable[[str], Any]) -> Callable[[str], tuple]:
    def parse(text: str) -> tuple:
        text = text.strip()
        return tuple(item_parse(part) for part in text.split(",")) if text else ()
    return parse


def _format_float(value: float) -> str:
    return repr(float(value))


def _format_tuple(value: tuple) -> str:
    return ",".join(str(v) for v in value)


def _knob(name, check, parse, rebuild, format=str) -> Knob:
    return Knob(name, check, parse, format, rebuild)


_str, _int = str.strip, int
KNOBS: tuple[Knob, ...] = (
    _knob("dataset", _choice(DATASET_CHOICES), _str, True),
    _knob("noise", _int_range(0, 50), _int, True),
    _knob("n_points", _int_range(50, 5000), _int, True),
    _knob("n_classes", _int_range(3, 6), _int, True),
    _knob("train_percent", _int_range(10, 90), _int, True),
    _knob("features", _features_check, _parse_tuple(_str), True, _format_tuple),
    _knob("standardize", _choice(("auto", "on", "off")), _str, True),
    _knob("data_seed", _int_range(0, 2**31 - 1), _int, True),
    _knob("hidden_layers", _tuple_of(_int_range(1, MAX_NEURONS), 0, MAX_HIDDEN_LAYERS),
          _parse_tuple(int), True, _format_tuple),
    _knob("hidden_activation", _choice(tuple(ACTIVATIONS)), _str, True),
    _knob("layer_activations", _tuple_of(_choice(tuple(ACTIVATIONS)), 0, MAX_HIDDEN_LAYERS),
          _parse_tuple(_str), True, _format_tuple),
    _knob("output", _choice(("auto", *OUTPUTS)), _str, True),
    _knob("loss", _choice(("auto", "cross_entropy", "squared_error")), _str, True),
    _knob("init", _choice(INITIALISATIONS), _str, True),
    _knob("seed", _int_range(0, 2**31 - 1), _int, True),
    _knob("learning_rate", _float_range(1e-5, 10.0), float, False, _format_float),
    _knob("optimizer", _choice(tuple(OPTIMIZERS)), _str, False),
    _knob("momentum", _float_range(0.0, 0.999), float, False, _format_float),
    _knob("decay", _float_range(0.0, 0.999), float, False, _format_float),
    _knob("beta1", _float_range(0.0, 0.999), float, False, _format_float),
    _knob("beta2", _float_range(0.0, 0.9999), float, False, _format_float),
    _knob("batch_size", _int_range(1, 5000), _int, False),
    _knob("regularization", _choice(("none", "l1", "l2")), _str, False),
    _knob("regularization_rate", _float_range(0.0, 10.0), float, False, _format_float),
    _knob("dropout", _float_range(0.0, 0.9), float, False, _format_float),
    _knob("speed", _int_range(1, 1000), _int, False),
    _knob("show_test", _bool_check, _parse_bool, False, lambda v: "1" if v else "0"),
    _knob("discretize", _bool_check, _parse_bool, False, lambda v: "1" if v else "0"),
    _knob("log_scale", _bool_check, _parse_bool, False, lambda v: "1" if v else "0"),
    _knob("x_axis", _int_range(0, 99), _int, False),
    _knob("y_axis", _int_range(0, 99), _int, False),
)
KNOB_BY_NAME: dict[str, Knob] = {k.name: k for k in KNOBS}
REBUILD_FIELDS = frozenset(k.name for k in KNOBS if k.rebuild)
#: Knobs that change only what is shown, not the data, network or training.
VIEW_FIELDS = frozenset(("speed", "show_test", "discretize", "log_scale", "x_axis", "y_axis"))
assert list(KNOB_BY_NAME) == [f.name for f in fields(Config)], "KNOBS and Config fields must match"

DEFAULT = Config()


def validate(config: Config) -> Config:
    """Check every field of ``config``; raise ValueError naming the first bad one."""
    for knob in KNOBS:
        try:
            knob.check(getattr(config, knob.name))
        except ValueError as error:
            raise ValueError(f"{knob.name}: {error}") from None
    return config


def needs_rebuild(old: Config, new: Config) -> bool:
    """True when going from ``old`` to ``new`` changes data, features or architecture."""
    return any(getattr(old, name) != getattr(new, name) for name in REBUILD_FIELDS)


# ------------------------------------------------------------------------------ URL --
def to_query(config: Config) -> dict[str, str]:
    """Every setting as URL query parameters (seed included), in ``KNOBS`` order."""
    return {k.name: k.format(getattr(config, k.name)) for k in KNOBS}


#: The URL parameter naming a preset to start from (``?preset=hard_spiral``: a short link for
#: a class); the other parameters of the URL change it.
PRESET_PARAMETER = "preset"


def _last(raw: Any) -> Any:
    """A repeated query parameter's last value."""
    return raw[-1] if isinstance(raw, (list, tuple)) and raw else raw


def from_query(params: Mapping[str, Any], base: Config = DEFAULT) -> tuple[Config, list[str]]:
    """Read settings from URL query parameters; never raises.

    A ``preset`` parameter naming one of ``PRESETS`` replaces ``base`` with that preset.
    Returns the config and a list of notices, one per parameter that was unknown or not
    allowed (each such parameter keeps its value from ``base``).
    """
    values: dict[str, Any] = {}
    notices: list[str] = []
    if PRESET_PARAMETER in params:
        name = str(_last(params[PRESET_PARAMETER]))
        if name in PRESETS:
            base = PRESETS[name].config
        else:
            notices.append(f"Ignored the unknown preset {name[:40]!r} in the URL; "
                           f"the presets are {', '.join(PRESETS)}.")
    for name, raw in params.items():
        if name == PRESET_PARAMETER:
            continue
        text = _last(raw)
        knob = KNOB_BY_NAME.get(str(name))
        if knob is None:
            notices.append(f"Ignored the unknown URL parameter {str(name)[:40]!r}.")
            continue
        try:
            value = knob.parse(str(text)[:500])
            knob.check(value)
        except (ValueError, TypeError, OverflowError) as error:
            notices.append(f"URL parameter {name!r} was not valid ({str(error)[:120]}); "
                           f"using {knob.format(getattr(base, name))!r} instead.")
            continue
        values[name] = value
    return replace(base, **values), notices


# -------------------------------------------------------------------------- presets --
@dataclass(frozen=True)
class Preset:
    """A named, ready-made set-up."""

    name: str
    label: str
    description: str
    config: Config


#: The source post's mean-loss learning rate. Its update is W <- W + eta * sum_i dE_i/dW
#: with E = 1/4 sum_i sum_k (t_ik - y_hat_ik)^2 and eta = 0.02. Our loss is the mean
#: L = 1/n sum_i 1/2 sum_k (...)^2, so E = (n / 2) L and the same step needs
#: learning_rate = eta * n / 2 on L (= 1.5 for all 150 iris flowers; 1.2 for the 120 the
#: preset trains on).
BLOG_TRAIN_PERCENT = 80
BLOG_LEARNING_RATE = 0.02 * (150 * BLOG_TRAIN_PERCENT // 100) / 2

PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("tf_default", "TensorFlow Playground's default",
           "Circle, inputs x1 and x2, two hidden tanh layers of 4 and 2 neurons, batch 10.",
           Config(dataset="circle", hidden_layers=(4, 2), hidden_activation="tanh", output="sigmoid",
                  loss="squared_error", init="tf_playground", learning_rate=0.03, batch_size=10)),
    Preset("blog_iris", "The blog's iris network",
           "The source post: 4 iris measurements, 10 sigmoid neurons, the 1-vs-all head "
           "(2 sigmoid outputs, the third class scored 1 - their sum), squared error, "
           "full-batch gradient descent, weights drawn from U[-1, 1).",
           Config(dataset="iris", train_percent=BLOG_TRAIN_PERCENT, standardize="off", hidden_layers=(10,),
                  hidden_activation="sigmoid", output="one_vs_rest", loss="squared_error", init="uniform",
                  learning_rate=BLOG_LEARNING_RATE, optimizer="sgd", batch_size=5000, x_axis=2, y_axis=3)),
    Preset("xor_no_hidden", "XOR without a hidden layer",
           "A single neuron draws one straight line: it cannot separate XOR, however long it trains.",
           Config(dataset="xor", hidden_layers=(), learning_rate=0.1, batch_size=10)),
    Preset("xor_one_hidden", "XOR with one hidden layer",
           "Four tanh neurons are enough to bend the boundary around XOR's quadrants.",
           Config(dataset="xor", hidden_layers=(4,), hidden_activation="tanh", learning_rate=0.1,
                  batch_size=10)),
    Preset("hard_spiral", "A hard spiral",
           "Two interleaved spirals from x1 and x2 alone: it needs depth, Adam and patience.",
           Config(dataset="spiral", noise=0, hidden_layers=(8, 8, 8, 8), hidden_activation="tanh",
                  optimizer="adam", learning_rate=0.01, batch_size=10)),
)}


def matching_preset(config: Config) -> str | None:
    """The name of the preset ``config`` is, ignoring what only changes the view
    (:data:`VIEW_FIELDS`), or None for a set-up of the visitor's own."""
    trained = [name for name in KNOB_BY_NAME if name not in VIEW_FIELDS]
    for name, preset in PRESETS.items():
        if all(getattr(config, field) == getattr(preset.config, field) for field in trained):
            return name
    return None
