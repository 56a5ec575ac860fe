"""Every knob of the playground: its default, allowed values, validation and URL codec.

A ``Config`` is an immutable record of one set-up (data, network, training, view). The
page's widgets write it; the trainer reads it; the URL query string carries it, so that a
link reproduces the same data and the same initial network. ``KNOBS`` is the single list
of settings; validation, the URL codec, the widgets' limits and which changes need a
rebuild all come from it through :class:`playground.training.settings.Settings`.

Reading a URL never raises: an unknown or out-of-range parameter falls back to its
default and produces a notice for the page to show.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from playground.data import DATASETS, FEATURES
from playground.engine.activations import ACTIVATIONS
from playground.engine.losses import OUTPUTS
from playground.engine.network import INITIALISATIONS
from playground.engine.optimizers import OPTIMIZERS
from playground.training.settings import Knob, Settings, choice, flag, items, number, whole

#: The learning rates offered by the page (log scale, as in TensorFlow Playground, extended).
LEARNING_RATES = (0.00001, 0.00003, 0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATION_RATES = (0.0, 0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
#: Moving-average factors offered for momentum, RMSProp's decay and Adam's beta1.
AVERAGING_FACTORS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999)
BETA2_FACTORS = (0.9, 0.99, 0.995, 0.999, 0.9999)
#: Iterations per frame offered while playing.
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)
MAX_HIDDEN_LAYERS = 10
MAX_NEURONS = 64
#: Datasets the config accepts: every built-in set, plus "csv" for the visitor's own file.
DATASET_CHOICES = (*DATASETS, "csv")
MAX_SEED = 2**31 - 1

KNOBS: tuple[Knob, ...] = (
    # Data
    choice("dataset", "dataset", DATASET_CHOICES, rebuild=True),
    whole("noise", "noise (%)", 0, 50, rebuild=True, step=5),
    whole("n_points", "number of points", 50, 5000, rebuild=True, step=50),
    whole("n_classes", "number of classes", 3, 6, rebuild=True),
    whole("train_percent", "share of training data (%)", 10, 90, rebuild=True, step=5),
    items("features", "input features", options=FEATURES, min_items=1, max_items=len(FEATURES), unique=True,
          rebuild=True, widget="multiselect"),
    choice("standardize", "standardisation", ("auto", "on", "off"), rebuild=True),
    whole("data_seed", "data seed", 0, MAX_SEED, rebuild=True, widget=""),
    # Network
    items("hidden_layers", "hidden layers", low=1, high=MAX_NEURONS, min_items=0, max_items=MAX_HIDDEN_LAYERS,
          rebuild=True),
    choice("hidden_activation", "activation", tuple(ACTIVATIONS), rebuild=True),
    items("layer_activations", "per-layer activations", options=tuple(ACTIVATIONS), min_items=0,
          max_items=MAX_HIDDEN_LAYERS, rebuild=True),
    choice("output", "output head", ("auto", *OUTPUTS), rebuild=True),
    choice("loss", "loss", ("auto", "cross_entropy", "squared_error"), rebuild=True),
    choice("init", "initial weights", INITIALISATIONS, rebuild=True),
    whole("seed", "seed", 0, MAX_SEED, rebuild=True, widget="number"),
    # Training
    number("learning_rate", "learning rate", 1e-5, 10.0, rebuild=False, offered=LEARNING_RATES),
    choice("optimizer", "optimizer", tuple(OPTIMIZERS), rebuild=False),
    number("momentum", "momentum", 0.0, 0.999, rebuild=False, offered=AVERAGING_FACTORS),
    number("decay", "decay", 0.0, 0.999, rebuild=False, offered=AVERAGING_FACTORS),
    number("beta1", "β1", 0.0, 0.999, rebuild=False, offered=AVERAGING_FACTORS),
    number("beta2", "β2", 0.0, 0.9999, rebuild=False, offered=BETA2_FACTORS),
    whole("batch_size", "batch size", 1, 5000, rebuild=False, widget="number"),
    choice("regularization", "regularization", ("none", "l1", "l2"), rebuild=False),
    number("regularization_rate", "regularization rate", 0.0, 10.0, rebuild=False, offered=REGULARIZATION_RATES),
    number("dropout", "dropout", 0.0, 0.9, rebuild=False, widget="slider", step=0.05),
    # View
    whole("speed", "speed", 1, 1000, rebuild=False, widget="select_slider", offered=SPEEDS),
    flag("show_test", "show test data", widget="checkbox"),
    flag("discretize", "discretize output"),
    flag("log_scale", "log-scale loss"),
    whole("x_axis", "input across", 0, 99, rebuild=False, widget="select"),
    whole("y_axis", "input up", 0, 99, rebuild=False, widget="select"),
)


@dataclass(frozen=True)
class Config(Settings):
    """One complete playground set-up. Field docs give the allowed values (see ``KNOBS``)."""

    KNOBS: ClassVar[tuple[Knob, ...]] = KNOBS
    URL_PREFIX: ClassVar[str] = ""

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

    def bounds(self, knob: Knob) -> tuple[float, float]:
        """The number of classes allowed depends on the dataset (blobs, spirals)."""
        info = DATASETS.get(self.dataset)
        if knob.name == "n_classes" and info is not None and info.has_n_classes:
            return info.n_classes_range
        return knob.low, knob.high

    def adjust(self, changes: dict[str, Any]) -> dict[str, Any]:
        """A new dataset keeps the number of classes within its own range."""
        info = DATASETS.get(changes.get("dataset", self.dataset))
        if "dataset" in changes and "n_classes" not in changes and info is not None and info.has_n_classes:
            low, high = info.n_classes_range
            changes["n_classes"] = min(max(self.n_classes, low), high)
        return changes

    def to_query(self) -> dict[str, str]:
        """The URL parameters; an uploaded file cannot travel in a link, so "csv" is written as
        the default dataset."""
        query = super().to_query()
        if self.dataset == "csv":
            query["dataset"] = Config().dataset
        return query

    @classmethod
    def from_query(cls, params: Mapping[str, Any], base: Config | None = None,
                   ignore: Iterable[str] = ()) -> tuple[Config, list[str]]:
        """See ``Settings.from_query``; a link naming "csv" shows the default data (the file
        is not in the link)."""
        config, notices = super().from_query(params, base, ignore)
        if config.dataset == "csv":
            config = config.with_changes(dataset=Config().dataset)
            notices.append("A link cannot carry an uploaded CSV file: showing the default data instead.")
        return config, notices

    @classmethod
    def start_from(cls, params: Mapping[str, str], base: Config) -> tuple[Config, list[str], set[str]]:
        """A ``preset`` parameter naming one of ``PRESETS`` replaces ``base`` with that preset."""
        if PRESET_PARAMETER not in params:
            return base, [], set()
        name = params[PRESET_PARAMETER]
        if name in PRESETS:
            return PRESETS[name].config, [], {PRESET_PARAMETER}
        return base, [f"Ignored the unknown preset {name[:40]!r} in the link; the presets are "
                      f"{', '.join(PRESETS)}."], {PRESET_PARAMETER}


Config.check_knobs_match_fields()
#: Knobs that change only what is shown, not the data, network or training.
VIEW_FIELDS = frozenset(("speed", "show_test", "discretize", "log_scale", "x_axis", "y_axis"))
DEFAULT = Config()
#: The URL parameter naming a preset to start from (``?preset=hard_spiral``: a short link for
#: a class); the other parameters of the URL change it.
PRESET_PARAMETER = "preset"


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
    trained = [knob.name for knob in KNOBS if knob.name not in VIEW_FIELDS]
    for name, preset in PRESETS.items():
        if all(getattr(config, field) == getattr(preset.config, field) for field in trained):
            return name
    return None
