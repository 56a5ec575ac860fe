"""The playground's engine as scikit-learn estimators: ``PlaygroundClassifier``, ``PlaygroundRegressor``.

They are thin wrappers: the network is ``playground.engine.Network`` and the updates are
the engine's optimizers (``make_optimizer``), so a model fitted here computes exactly
what the app computes. Nothing of the maths is written twice.

Training (``fit``) runs epochs of mini-batch gradient descent. For each mini-batch B of
the (optionally shuffled) training set, with the network's mean loss on B,

    J(W, b) = 1/|B| sum_{i in B} loss(y_hat_i, t_i) + l1 sum |w| + alpha/2 sum w^2,

the engine computes J and its gradients by backpropagation and the optimizer (``solver``)
updates every weight matrix W_l (fan_in, fan_out) and bias vector b_l (fan_out,) in place.
``loss_curve_[k]`` is J averaged over the mini-batches of epoch k (weighted by their size).
Training stops after ``max_iter`` epochs, or earlier when the epoch loss has not fallen
by at least ``tol`` for ``n_iter_no_change`` consecutive epochs (as scikit-learn's MLP).

Shapes: X is (n_samples, n_features); the classifier's y is (n_samples,) labels of any
type; the regressor's y is (n_samples,) or (n_samples, n_targets).

Note on ``alpha``: it is the engine's L2 coefficient as is (penalty alpha/2 sum w^2 added to
the *mean* loss). scikit-learn's ``MLPClassifier`` divides its alpha by the number of
samples in the batch, so the same number regularises more strongly here.
"""
from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from playground.engine.activations import ACTIVATIONS
from playground.engine.losses import OUTPUTS, make_output_layer
from playground.engine.network import INITIALISATIONS, Network
from playground.engine.optimizers import OPTIMIZERS, make_optimizer
from playground.notebook.model_io import LoadedModel, ModelFormatError, model_from_json, model_to_json

__all__ = ["PlaygroundClassifier", "PlaygroundRegressor", "estimator_from_model_json"]

_MAX_SEED = 2**32


# -- parameter validation helpers ---------------------------------------------------------
def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and np.isfinite(value)


def _draw_seed(random_state) -> int:
    """An int seed for the engine from scikit-learn's ``random_state`` conventions.

    int -> itself (so ``random_state=0`` draws the same initial weights as
    ``Network(..., seed=0)``); RandomState or Generator -> an int drawn from it;
    None -> fresh operating-system entropy. The global numpy state is never used.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if _is_int(random_state):
        return int(random_state)
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(np.iinfo(np.int32).max))
    return int(random_state.integers(_MAX_SEED))


class _PlaygroundBase(BaseEstimator):
    """Shared machinery; subclasses fix the head (classification or regression)."""

    _is_classifier = True

    # -- validation ----------------------------------------------------------------------
    def _hidden_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if _is_int(sizes):
            sizes = [sizes]
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)):
            raise ValueError(f"hidden_layer_sizes must be an int or a sequence of ints, got {sizes!r}")
        for size in sizes:
            if not _is_int(size) or size < 1:
                raise ValueError(f"hidden_layer_sizes must hold ints >= 1, got {list(sizes)!r}")
        return [int(s) for s in sizes]

    def _hidden_activations(self, n_hidden: int) -> list[str]:
        names = self.activation
        if isinstance(names, str):
            names = [names] * n_hidden
        elif not isinstance(names, (Sequence, np.ndarray)):
            raise ValueError(f"activation must be a name or a list of names, got {names!r}")
        names = list(names)
        if len(names) != n_hidden:
            raise ValueError(f"activation lists {len(names)} names for {n_hidden} hidden layers")
        for name in names:
            if name not in ACTIVATIONS:
                raise ValueError(f"unknown activation {name!r}; choose one of: {', '.join(ACTIVATIONS)}")
        return names

    def _validate_params(self) -> dict:
        """Check every constructor parameter; return the derived architecture."""
        hidden = self._hidden_sizes()
        activations = self._hidden_activations(len(hidden))
        if self.solver not in OPTIMIZERS:
            raise ValueError(f"unknown solver {self.solver!r}; choose one of: {', '.join(OPTIMIZERS)}")
        if not _is_real(self.learning_rate_init) or self.learning_rate_init <= 0:
            raise ValueError("learning_rate_init must be a finite number > 0, "
                             f"got {self.learning_rate_init!r}")
        if not (self.batch_size == "auto" or (_is_int(self.batch_size) and self.batch_size >= 1)):
            raise ValueError(f"batch_size must be 'auto' or an int >= 1, got {self.batch_size!r}")
        if not _is_int(self.max_iter) or self.max_iter < 1:
            raise ValueError(f"max_iter must be an int >= 1, got {self.max_iter!r}")
        for name in ("alpha", "l1", "tol"):
            value = getattr(self, name)
            if not _is_real(value) or value < 0:
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        if not _is_int(self.n_iter_no_change) or self.n_iter_no_change < 1:
            raise ValueError(f"n_iter_no_change must be an int >= 1, got {self.n_iter_no_change!r}")
        if not isinstance(self.shuffle, (bool, np.bool_)):
            raise ValueError(f"shuffle must be True or False, got {self.shuffle!r}")
        rs = self.random_state
        if not (rs is None or (_is_int(rs) and 0 <= rs < _MAX_SEED)
                or isinstance(rs, (np.random.RandomState, np.random.Generator))):
            raise ValueError("random_state must be None, an int in [0, 2**32), a numpy RandomState or "
                             f"Generator; got {rs!r}")
        if self.init not in INITIALISATIONS:
            raise ValueError(f"unknown init {self.init!r}; choose one of: {', '.join(INITIALISATIONS)}")
        if self.output not in OUTPUTS:
            raise ValueError(f"unknown output {self.output!r}; choose one of: {', '.join(OUTPUTS)}")
        if self._is_classifier and self.output == "linear":
            raise ValueError("the 'linear' output is for regression; a classifier needs 'softmax', "
                             "'sigmoid' or 'one_vs_rest' (use PlaygroundRegressor for regression)")
        if not self._is_classifier and self.output != "linear":
            raise ValueError(f"PlaygroundRegressor needs the 'linear' output, got {self.output!r}")
        make_output_layer(self.output, self.loss)  # rejects unknown losses and ill-matched pairs
        return {"hidden": hidden, "activation": activations}

    # -- building and training -----------------------------------------------------------
    def _initialise(self, n_features: int, n_outputs: int, architecture: dict) -> None:
        """Fresh network, optimizer, shuffling generator and history."""
        seed = _draw_seed(self.random_state)
        self.network_ = Network([n_features, *architecture["hidden"], n_outputs],
                                activation=architecture["activation"], output=self.output,
                                loss=self.loss, init=self.init, seed=seed)
        self._link_parameters()
        self._optimizer = make_optimizer(self.solver, self.learning_rate_init)
        self._rng = np.random.default_rng([seed, 1])
        self.loss_curve_ = []
        self.n_iter_ = 0
        self._best_loss = np.inf
        self._no_improvement_count = 0

    def _link_parameters(self) -> None:
        """``coefs_`` and ``intercepts_`` are the network's own lists of arrays (shared, not copied)."""
        self.coefs_ = self.network_.weights
        self.intercepts_ = self.network_.biases

    def _continue_settings(self, architecture: dict) -> None:
        """Before a later ``partial_fit``: apply changed training settings, refuse a new architecture."""
        network = self.network_
        if (architecture["hidden"] != network.layer_sizes[1:-1]
                or architecture["activation"] != network.activation):
            raise ValueError("hidden_layer_sizes or activation changed since the network was built; "
                             "call fit to start again with the new architecture")
        if (self.output, self.loss) != (network.output, network.loss):
            raise ValueError("output or loss changed since the network was built; call fit to start again")
        if not hasattr(self, "_optimizer") or self._optimizer.name != self.solver:
            self._optimizer = make_optimizer(self.solver, self.learning_rate_init)
        self._optimizer.learning_rate = float(self.learning_rate_init)
        if not hasattr(self, "_rng"):
            self._rng = np.random.default_rng([int(network.seed), 1])

    def _batch_size(self, n_samples: int) -> int:
        return min(200, n_samples) if self.batch_size == "auto" else min(int(self.batch_size), n_samples)

    def _train(self, X: np.ndarray, T: np.ndarray, n_epochs: int, stop_early: bool) -> None:
        """Run ``n_epochs`` epochs of mini-batch updates on inputs X (n, d) and targets T (n, k)."""
        network, optimizer = self.network_, self._optimizer
        n_samples = len(X)
        batch = self._batch_size(n_samples)
        params = network.weights + network.biases
        l1, l2 = float(self.l1), float(self.alpha)
        for _ in range(n_epochs):
            order = self._rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
            total = 0.0
            # Divergence shows as inf/NaN losses or weights; it is detected below and reported
            # as an error, so numpy's overflow warnings on the way there are not needed.
            with np.errstate(over="ignore", invalid="ignore"):
                for start in range(0, n_samples, batch):
                    rows = order[start:start + batch]
                    loss, grads = network.loss_and_gradients_for_targets(X[rows], T[rows], l1=l1, l2=l2)
                    if not np.isfinite(loss):
                        break
                    optimizer.step(params, grads["weights"] + grads["biases"])
                    total += loss * len(rows)
            epoch_loss = total / n_samples
            if not np.isfinite(loss) or not all(np.isfinite(p).all() for p in params):
                raise ValueError(
                    f"training diverged in iteration {self.n_iter_ + 1} (the loss or the weights became "
                    f"infinite or NaN); lower learning_rate_init (now {self.learning_rate_init}) "
                    "or scale the inputs")
            self.loss_curve_.append(float(epoch_loss))
            self.n_iter_ += 1
            if stop_early:
                if epoch_loss > self._best_loss - self.tol:
                    self._no_improvement_count += 1
                else:
                    self._no_improvement_count = 0
                self._best_loss = min(self._best_loss, epoch_loss)
                if self._no_improvement_count > self.n_iter_no_change:
                    return
        if stop_early:
            warnings.warn(f"stopped after max_iter={self.max_iter} iterations before the loss settled; "
                          "raise max_iter or learning_rate_init", ConvergenceWarning, stacklevel=3)

    def _forward(self, X) -> np.ndarray:
        """Network outputs y_hat, (n_samples, n_outputs), for validated X."""
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.network_.forward(X)

    # -- the model file --------------------------------------------------------------------
    def to_model_json(self, *, config: dict | None = None, feature_names=None) -> str:
        """The fitted model in the app's model format (see ``playground.notebook.model_io``).

        ``feature_names`` defaults to ``feature_names_in_`` (set when fitted on a
        DataFrame); ``config`` is the app's playground settings, stored as is.
        """
        check_is_fitted(self)
        if feature_names is None and hasattr(self, "feature_names_in_"):
            feature_names = list(self.feature_names_in_)
        classes = list(self.classes_) if self._is_classifier else None
        return model_to_json(self.network_, classes=classes, feature_names=feature_names, config=config)

    @classmethod
    def from_model_json(cls, text_or_bytes: str | bytes):
        """A fitted estimator holding the network of a model file (from the app or ``to_model_json``).

        The constructor parameters describe the file's network (``hidden_layer_sizes``,
        ``activation``, ``output``, ``loss``, ``init``, ``random_state`` = its seed); the
        training settings keep their defaults. ``loss_curve_`` is empty and ``n_iter_`` 0:
        the file holds weights, not history. ``partial_fit`` continues training it.
        Raises ``ModelFormatError`` for a malformed file or a head of the other kind.
        """
        return cls._from_loaded(model_from_json(text_or_bytes))

    @classmethod
    def _from_loaded(cls, loaded: LoadedModel):
        network = loaded.network
        if network.output_layer.is_classifier != cls._is_classifier:
            kind = "classification" if network.output_layer.is_classifier else "regression"
            raise ModelFormatError(f"the file holds a {kind} network ({network.output!r} output); "
                                   f"{cls.__name__} cannot use it")
        names = network.activation
        activation = names[0] if names and all(n == names[0] for n in names) else (names or "relu")
        estimator = cls(hidden_layer_sizes=tuple(network.layer_sizes[1:-1]), activation=activation,
                        output=network.output, loss=network.loss, init=network.init,
                        random_state=int(network.seed) if network.seed < _MAX_SEED else None)
        estimator.network_ = network
        estimator._link_parameters()
        estimator.n_features_in_ = network.layer_sizes[0]
        if loaded.feature_names is not None:
            estimator.feature_names_in_ = np.asarray(loaded.feature_names, dtype=object)
        if cls._is_classifier:
            classes = loaded.classes if loaded.classes is not None else list(range(network.n_classes))
            estimator.classes_ = np.asarray(classes)
        estimator.loss_curve_ = []
        estimator.n_iter_ = 0
        estimator._best_loss = np.inf
        estimator._no_improvement_count = 0
        return estimator


_SHARED_PARAMETERS_DOC = """
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Neurons in each hidden layer; ``()`` for no hidden layer.
    activation : str or list of str, default="relu"
        Hidden activation (see ``playground.engine.ACTIVATIONS``): one name for every
        hidden layer, or one per hidden layer.
    solver : {"sgd", "momentum", "rmsprop", "adam"}, default="adam"
        The engine optimizer that updates the weights (its other settings at their defaults).
    alpha : float >= 0, default=0.0001
        L2 coefficient: adds alpha/2 sum w^2 to the mean loss (weights only, not biases).
    l1 : float >= 0, default=0.0
        L1 coefficient: adds l1 sum |w| to the mean loss.
    batch_size : int or "auto", default="auto"
        Mini-batch size; "auto" is min(200, n_samples).
    learning_rate_init : float > 0, default=0.001
        The optimizer's learning rate eta (constant). Changing it between ``partial_fit``
        calls applies to the running optimizer.
    max_iter : int >= 1, default=200
        Epochs (passes over the training set) that ``fit`` runs at most.
    shuffle : bool, default=True
        Shuffle the samples before each epoch.
    random_state : None, int, RandomState or Generator, default=None
        Seeds the initial weights and the shuffling. An int seeds the engine's
        ``Network(seed=random_state)`` directly.
    tol : float >= 0, default=1e-4
        ``fit`` stops when the epoch loss has not fallen by ``tol`` for
        ``n_iter_no_change`` consecutive epochs.
    n_iter_no_change : int >= 1, default=10
    init : {"xavier", "he", "uniform", "tf_playground", "zeros"}, default="xavier"
        How the initial weights are drawn.
"""

_SHARED_ATTRIBUTES_DOC = """
    network_ : playground.engine.Network
        The engine network itself.
    coefs_ : list of ndarray
        ``coefs_[l]`` is the weight matrix of layer l + 1, shape (fan_in, fan_out); the
        same arrays as ``network_.weights``.
    intercepts_ : list of ndarray
        ``intercepts_[l]`` has shape (fan_out,); the same arrays as ``network_.biases``.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when fitted on a DataFrame with string column names.
    loss_curve_ : list of float
        Mean training loss (with the penalty) of each epoch.
    n_iter_ : int
        Epochs run so far.
"""


class PlaygroundClassifier(ClassifierMixin, _PlaygroundBase):
    __doc__ = f"""Multilayer perceptron classifier on the playground's numpy engine.

    The output head turns the last weighted sums z (n, n_outputs) into class scores:
    softmax p_k = e^z_k / sum_j e^z_j with K outputs (default), sigmoid with one output
    for 2 classes (p_1 = 1 / (1 + e^-z), p_0 = 1 - p_1), or the source post's
    one_vs_rest with K - 1 sigmoid outputs and the last class scored 1 - sum of them.
    ``predict`` returns ``classes_[argmax_k p_k]``.

    Parameters
    ----------{_SHARED_PARAMETERS_DOC}
    output : {{"softmax", "sigmoid", "one_vs_rest"}}, default="softmax"
    loss : {{"cross_entropy", "squared_error"}}, default="cross_entropy"
        Cross-entropy mean_i -sum_k t_ik log p_ik (binary form per sigmoid output), or
        squared error mean_i 1/2 sum_k (t_ik - y_hat_ik)^2, with t the one-hot targets.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels, sorted; output k scores ``classes_[k]``.{_SHARED_ATTRIBUTES_DOC}
    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = PlaygroundClassifier(hidden_layer_sizes=(8,), activation="tanh",
    ...                              learning_rate_init=0.01, max_iter=300, random_state=0)
    >>> model.fit(X, y).score(X, y) > 0.95
    True
    """

    _is_classifier = True

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 l1=0.0, batch_size="auto", learning_rate_init=0.001, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, n_iter_no_change=10, output="softmax",
                 loss="cross_entropy", init="xavier"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.output = output
        self.loss = loss
        self.init = init

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = True
        tags.classifier_tags.multi_label = False
        return tags

    def _class_indices(self, y: np.ndarray) -> np.ndarray:
        """Labels -> their positions in ``classes_`` (which need not be sorted after a model load)."""
        classes = self.classes_
        try:
            sorter = np.argsort(classes, kind="stable")
            found = np.searchsorted(classes, y, sorter=sorter)
        except TypeError:
            raise ValueError("y has labels of another type than classes_") from None
        found = sorter[np.clip(found, 0, len(classes) - 1)]
        unknown = classes[found] != y
        if np.any(unknown):
            raise ValueError(f"y contains labels that are not in classes_ {list(classes)}: "
                             f"{sorted(set(np.asarray(y)[unknown].tolist()), key=str)[:10]}")
        return found

    def _new_network(self, X: np.ndarray, classes: np.ndarray, architecture: dict) -> None:
        if len(classes) < 2:
            raise ValueError(f"{type(self).__name__} needs at least 2 classes; y has "
                             f"{len(classes)} class ({classes.tolist()})")
        self.classes_ = classes
        n_outputs = make_output_layer(self.output, self.loss).n_outputs(len(classes))
        self._initialise(X.shape[1], n_outputs, architecture)

    def fit(self, X, y):
        """Train a fresh network on X (n_samples, n_features) and labels y (n_samples,).

        Returns self.
        """
        architecture = self._validate_params()
        X, y = validate_data(self, X, y, dtype=np.float64, reset=True)
        check_classification_targets(y)
        self._new_network(X, np.unique(y), architecture)
        self._train(X, self.network_.targets(self._class_indices(y)), self.max_iter, stop_early=True)
        return self

    def partial_fit(self, X, y, classes=None):
        """One epoch of training on (X, y), continuing from the current weights.

        ``classes`` (every label that will ever occur) is required on the first call and
        optional afterwards, when it must equal ``classes_``. Returns self.
        """
        architecture = self._validate_params()
        first_call = not hasattr(self, "network_")
        if first_call and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit "
                             "(every label the model will see, e.g. np.unique(y_all))")
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first_call)
        check_classification_targets(y)
        if first_call:
            self._new_network(X, np.unique(np.asarray(classes)), architecture)
        else:
            if classes is not None and not np.array_equal(np.unique(np.asarray(classes)),
                                                          np.unique(self.classes_)):
                raise ValueError(f"classes {list(classes)} differ from classes_ {list(self.classes_)} "
                                 "of the first partial_fit call")
            self._continue_settings(architecture)
        self._train(X, self.network_.targets(self._class_indices(y)), 1, stop_early=False)
        return self

    def predict_proba(self, X):
        """Class scores, (n_samples, n_classes); column k is ``classes_[k]``.

        Rows sum to 1. For softmax and sigmoid heads they are probabilities; for the
        one_vs_rest head the last column 1 - sum(outputs) can fall below 0.
        """
        y_hat = self._forward(X)
        return self.network_.output_layer.class_scores(y_hat)

    def predict(self, X):
        """Predicted labels, (n_samples,): ``classes_[argmax predict_proba(X)]``."""
        scores = self.predict_proba(X)
        return self.classes_[np.argmax(scores, axis=1)]


class PlaygroundRegressor(RegressorMixin, _PlaygroundBase):
    __doc__ = f"""Multilayer perceptron regressor on the playground's numpy engine.

    Linear output y_hat = z (n, n_targets) with the squared error
    mean_i 1/2 sum_k (t_ik - y_hat_ik)^2. A 1-D y gives 1-D predictions.

    Parameters
    ----------{_SHARED_PARAMETERS_DOC}
    output : {{"linear"}}, default="linear"
    loss : {{"squared_error"}}, default="squared_error"

    Attributes
    ----------{_SHARED_ATTRIBUTES_DOC}"""

    _is_classifier = False

    def __init__(self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam", alpha=0.0001,
                 l1=0.0, batch_size="auto", learning_rate_init=0.001, max_iter=200, shuffle=True,
                 random_state=None, tol=1e-4, n_iter_no_change=10, output="linear",
                 loss="squared_error", init="xavier"):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.l1 = l1
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.output = output
        self.loss = loss
        self.init = init

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _targets(self, X, y, first_call: bool):
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first_call, multi_output=True,
                             y_numeric=True)
        return X, np.asarray(y, dtype=np.float64).reshape(len(y), -1)

    def fit(self, X, y):
        """Train a fresh network on X (n_samples, n_features) and y (n_samples[, n_targets]).

        Returns self.
        """
        architecture = self._validate_params()
        X, T = self._targets(X, y, first_call=True)
        self._initialise(X.shape[1], T.shape[1], architecture)
        self._train(X, T, self.max_iter, stop_early=True)
        return self

    def partial_fit(self, X, y):
        """One epoch of training on (X, y), continuing from the current weights. Returns self."""
        architecture = self._validate_params()
        first_call = not hasattr(self, "network_")
        X, T = self._targets(X, y, first_call)
        if first_call:
            self._initialise(X.shape[1], T.shape[1], architecture)
        else:
            if T.shape[1] != self.network_.layer_sizes[-1]:
                raise ValueError(f"y has {T.shape[1]} targets; the network was built for "
                                 f"{self.network_.layer_sizes[-1]}")
            self._continue_settings(architecture)
        self._train(X, T, 1, stop_early=False)
        return self

    def predict(self, X):
        """Predictions, (n_samples,) for one target, else (n_samples, n_targets)."""
        y_hat = self._forward(X)
        return y_hat.ravel() if y_hat.shape[1] == 1 else y_hat


def estimator_from_model_json(text_or_bytes: str | bytes) -> PlaygroundClassifier | PlaygroundRegressor:
    """A fitted ``PlaygroundClassifier`` or ``PlaygroundRegressor``, whichever the file's head needs."""
    loaded = model_from_json(text_or_bytes)
    cls = PlaygroundClassifier if loaded.network.output_layer.is_classifier else PlaygroundRegressor
    return cls._from_loaded(loaded)
