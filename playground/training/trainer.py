"""The trainer: a ``Config`` -> data + network + optimizer, stepped one iteration at a time.

An *iteration* is one optimizer update on one mini-batch; an *epoch* is one pass over the
training set in an order shuffled by the trainer's own seeded generator (batch size 1 up to
the whole set). After every iteration the trainer measures the loss and accuracy (or RMSE
and R^2) on the whole training and test sets and appends them to a bounded ``History``;
it also keeps bounded ``Snapshot``s to show or resume from an earlier iteration.

The same config and seeds give a bit-identical history on every run. When the loss becomes
NaN or infinite the trainer stops, restores the last finite parameters and says why in
``diverged``; it never lets NumPy print a warning.
"""
from __future__ import annotations

import copy
import math
import time

import numpy as np

from playground.data import Dataset, build_dataset
from playground.engine.explain import StepExplanation, explain_step
from playground.engine.losses import VALID_LOSSES
from playground.engine.network import Network
from playground.engine.optimizers import Optimizer, make_optimizer
from playground.training.config import Config
from playground.training.health import divergence_advice
from playground.training.history import History, Snapshot, SnapshotStore
from playground.training.step_record import PARAMETER_KINDS, StepRecord, record_step

CLASSIFICATION_COLUMNS = ("train_loss", "test_loss", "train_accuracy", "test_accuracy")
REGRESSION_COLUMNS = ("train_loss", "test_loss", "train_rmse", "test_rmse", "train_r2", "test_r2")
#: Step epoch measures the training and test sets at most this many times: an epoch of
#: one-point batches would otherwise measure the whole data after each of thousands of
#: updates, which costs far more than the updates themselves.
EPOCH_MEASUREMENTS = 200
#: Largest magnitude a weight or bias may be given by hand.
MAX_HAND_VALUE = 1e6


def dataset_for(config: Config) -> Dataset:
    """Build the built-in dataset a config names (a CSV dataset is passed to ``Trainer``)."""
    if config.dataset == "csv":
        raise ValueError("the 'csv' dataset comes from an uploaded file: pass it to Trainer(dataset=...)")
    return build_dataset(
        config.dataset, n_points=config.n_points, noise=config.noise / 100, n_classes=config.n_classes,
        seed=config.data_seed, train_fraction=config.train_percent / 100, features=config.features,
        standardize={"auto": None, "on": True, "off": False}[config.standardize],
    )


def resolve_head(config: Config, dataset: Dataset) -> tuple[str, str, str | None]:
    """The (output, loss) pair to use for this data, and a notice if the config's did not fit.

    "auto" picks sigmoid for two classes, softmax for more, linear for regression, and
    cross-entropy for classification, squared error for regression.
    """
    if dataset.task == "regression":
        auto_output, auto_loss = "linear", "squared_error"
    else:
        auto_output, auto_loss = ("sigmoid" if dataset.n_classes == 2 else "softmax"), "cross_entropy"
    output = auto_output if config.output == "auto" else config.output
    loss = (auto_loss if output == auto_output else VALID_LOSSES[output][0]) if config.loss == "auto" \
        else config.loss
    fits = (output == "linear") == (dataset.task == "regression") \
        and not (output == "sigmoid" and dataset.n_classes != 2) and loss in VALID_LOSSES[output]
    if fits:
        return output, loss, None
    return auto_output, auto_loss, (
        f"The {output} output with {loss.replace('_', ' ')} does not fit {dataset.name} "
        f"({dataset.task}, {dataset.n_classes or 'real-valued'} {'classes' if dataset.n_classes else 'target'}); "
        f"using {auto_output} with {auto_loss.replace('_', ' ')}."
    )


class Trainer:
    """Owns the data split, the network and the optimizer; ``step(n)`` trains.

    Parameters
    ----------
    config : the set-up.
    dataset : optional dataset to use instead of building the one ``config`` names
        (an uploaded CSV, or a hand-made split in a test).
    """

    def __init__(self, config: Config, dataset: Dataset | None = None):
        self.config = config.validate()
        self.dataset = dataset if dataset is not None else dataset_for(config)
        data = self.dataset
        self.task = data.task
        output, loss, self.head_notice = resolve_head(config, data)
        n_outputs = 1 if self.task == "regression" else {"sigmoid": 1, "one_vs_rest": data.n_classes - 1,
                                                         "softmax": data.n_classes}[output]
        self.network = Network([data.n_features, *config.hidden_layers, n_outputs],
                               activation=config.activations, output=output, loss=loss,
                               init=config.init, seed=config.seed)
        self.optimizer: Optimizer = make_optimizer(config.optimizer, config.learning_rate,
                                                   **config.optimizer_settings())
        # Regression targets are trained standardised; metrics are reported in their units.
        if self.task == "regression":
            self.target_mean = float(np.mean(data.y_train))
            self.target_scale = float(np.std(data.y_train)) or 1.0
        else:
            self.target_mean, self.target_scale = 0.0, 1.0
        self._T_train = self._targets(data.y_train)
        self._T_test = self._targets(data.y_test)
        self._n_train = len(data.X_train)
        self._X_all = np.vstack([data.X_train, data.X_test])
        self._y_all = np.concatenate([data.y_train, data.y_test])
        self._rng = np.random.default_rng([config.seed, 1])
        self._arrange(np.arange(len(data.X_train)))
        self._position = len(self._order)       # start of the next batch within _order
        self._start_records()

    def _start_records(self) -> None:
        """Iteration 0: a fresh history and snapshot store, measured from the current network."""
        self._backup = [p.copy() for p in self.network.parameters()]
        self.iteration = 0
        self.epoch = 0
        self.diverged: str | None = None
        self.history = History(CLASSIFICATION_COLUMNS if self.task == "classification" else REGRESSION_COLUMNS)
        #: Per iteration, the norm of each layer's gradient (weights and bias together).
        self.gradient_norms = History([f"layer {layer}" for layer in range(1, len(self.network.weights) + 1)])
        #: What the last ``step(..., keep_record=True)`` did; None once anything else changed the network.
        self.last_step: StepRecord | None = None
        self.last_batch_indices = np.arange(0)
        self.snapshots = SnapshotStore()
        with np.errstate(all="ignore"):
            self.history.append(0, self._measure())
        self._take_snapshot()

    def load_parameters(self, weights, biases) -> None:
        """Start over from given weights and biases (an opened model file) at iteration 0."""
        self.network.set_parameters(weights, biases)
        self.optimizer.reset_state()
        self._start_records()

    # -- sizes ----------------------------------------------------------------------------
    @property
    def batch_size(self) -> int:
        return min(self.config.batch_size, len(self.dataset.X_train))

    @property
    def iterations_per_epoch(self) -> int:
        return math.ceil(len(self.dataset.X_train) / self.batch_size)

    # -- training ---------------------------------------------------------------------------
    def step(self, n: int = 1, *, record_every: int = 1, max_seconds: float | None = None,
             keep_record: bool = False) -> int:
        """Run up to ``n`` iterations; returns how many ran.

        Fewer run if training diverges, or if ``max_seconds`` of wall time pass first (the
        page's frame budget while playing fast). Every iteration is measured and recorded
        unless ``record_every`` > 1: then only every ``record_every``-th iteration, and
        always the last one, is measured on the whole training and test sets (measuring
        costs as much as training a small batch, so fast playing measures less often).
        ``keep_record`` keeps the last iteration's ``StepRecord`` in ``last_step`` (for a
        Step, not for frames while playing: it copies every parameter a few times).
        """
        done = 0
        self.last_step = None
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        with np.errstate(all="ignore"):
            while done < n and self.diverged is None:
                last = done + 1 == n or (deadline is not None and done % 8 == 7 and time.perf_counter() > deadline)
                self._iterate(measure=last or (self.iteration + 1) % record_every == 0,
                              keep_record=keep_record and last)
                done += self.diverged is None
                if last:
                    break
        return done

    def step_epoch(self, *, max_seconds: float | None = None, keep_record: bool = False) -> int:
        """Run the iterations that finish the current epoch (a whole epoch from its start).

        They are measured at most ``EPOCH_MEASUREMENTS`` times, evenly spaced and always at
        the end; ``max_seconds`` and ``keep_record`` as in :meth:`step`.
        """
        n = self.iterations_left_in_epoch
        return self.step(n, record_every=math.ceil(n / EPOCH_MEASUREMENTS), max_seconds=max_seconds,
                         keep_record=keep_record)

    @property
    def iterations_left_in_epoch(self) -> int:
        """The iterations that finish the current epoch (a whole epoch at its start)."""
        return math.ceil((len(self._order) - self._position) / self.batch_size) or self.iterations_per_epoch

    def _arrange(self, order: np.ndarray) -> None:
        """Take ``order`` (n_train,) as this pass's order and copy the training inputs and
        targets into it once, so that every mini-batch is a slice (a view, not a copy)."""
        self._order = order
        self._X_ordered = self.dataset.X_train[order]
        self._T_ordered = self._T_train[order]

    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        size = self.batch_size
        n = len(self._order)
        if size >= n:               # full batch: no shuffling needed, no copy made
            self.epoch += 1
            if len(self.last_batch_indices) != n:
                self.last_batch_indices = np.arange(n)
            return self.dataset.X_train, self._T_train
        if self._position >= n:
            self._rng.shuffle(self._order)
            self._arrange(self._order)
            self._position = 0
        start = self._position
        self._position += size
        if self._position >= n:
            self.epoch += 1
        self.last_batch_indices = self._order[start:self._position].copy()   # _order is reshuffled in place
        return self._X_ordered[start:self._position], self._T_ordered[start:self._position]

    def _iterate(self, measure: bool = True, keep_record: bool = False) -> None:
        """One update. The loss is checked before the update and, if measured, after it,
        so the parameters kept on divergence are always finite ones."""
        network, config = self.network, self.config
        X, T = self._next_batch()
        masks = network.draw_dropout_masks(len(X), config.dropout, self._rng) if config.dropout else None
        loss, grads = network.loss_and_gradients_for_targets(X, T, config.l1, config.l2, masks)
        params = network.weights + network.biases
        gradients = grads["weights"] + grads["biases"]
        if not math.isfinite(loss):
            if not all(np.isfinite(p).all() for p in params):
                self._restore_backup(params)
            return self._stop("NaN" if math.isnan(loss) else "infinite")
        self._append_gradient_norms(grads)
        for saved, current in zip(self._backup, params):
            np.copyto(saved, current)
        if keep_record:
            # The loss's own gradient, without the penalty's, from the engine's same code path.
            _, data = network.loss_and_gradients_for_targets(X, T, 0.0, 0.0, masks)
            data_gradients = data["weights"] + data["biases"]
            state_before = self.optimizer.state(params)
        self.optimizer.step(params, gradients)
        if measure:
            metrics = self._measure()
            if not math.isfinite(metrics[0]):
                self._restore_backup(params)
                return self._stop("NaN" if math.isnan(metrics[0]) else "infinite")
        self.iteration += 1
        if keep_record:
            self.last_step = record_step(self.iteration, self.last_batch_indices.copy(), self.optimizer,
                                         config.l1, config.l2, data_gradients, [p.copy() for p in self._backup],
                                         state_before, params)
        if measure:
            self.history.append(self.iteration, metrics)
        if self.snapshots.wants(self.iteration):
            self._take_snapshot()

    def _append_gradient_norms(self, grads: dict[str, list[np.ndarray]]) -> None:
        """Append sqrt(|dL/dW_l|^2 + |dL/db_l|^2) for every layer l to ``gradient_norms``.

        The row of an update that then diverged is replaced by the next update's: it is the
        evidence of which layer exploded until training goes on.
        """
        self.gradient_norms.discard_after(self.iteration)
        self.gradient_norms.append(self.iteration + 1, [
            math.sqrt(float(np.vdot(dW, dW)) + float(np.vdot(db, db)))
            for dW, db in zip(grads["weights"], grads["biases"])])

    def _restore_backup(self, params: list[np.ndarray]) -> None:
        for current, saved in zip(params, self._backup):
            np.copyto(current, saved)

    def _stop(self, what: str) -> None:
        self.diverged = (
            f"Training diverged at iteration {self.iteration + 1}: the loss became {what}. "
            f"The learning rate {self.config.learning_rate:g} is probably too large for this set-up. "
            f"{divergence_advice(self.gradient_norms, self.config.learning_rate)} "
            f"The network is kept as it was at iteration {self.iteration}; "
            "lower the learning rate to continue, or press Reset."
        )

    # -- measuring --------------------------------------------------------------------------
    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.task == "regression":
            y = (np.asarray(y, dtype=np.float64) - self.target_mean) / self.target_scale
        return self.network.targets(y)

    def _measure(self) -> tuple[float, ...]:
        """Loss and accuracy (or RMSE and R^2) on the whole training and test sets.

        Both sets go through the network in one forward pass (``_X_all``), then are split.
        """
        head, n = self.network.output_layer, self._n_train
        z = self.network.output_sums(self._X_all)
        outputs = head.activate(z)
        train_loss = head.value(z[:n], outputs[:n], self._T_train)
        has_test = len(z) > n
        test_loss = head.value(z[n:], outputs[n:], self._T_test) if has_test else math.nan
        if self.task == "classification":
            correct = head.predicted_classes(outputs) == self._y_all
            return (train_loss, test_loss, float(correct[:n].mean()),
                    float(correct[n:].mean()) if has_test else math.nan)
        train_rmse, train_r2 = self._rmse_r2(outputs[:n], self._T_train)
        test_rmse, test_r2 = self._rmse_r2(outputs[n:], self._T_test) if has_test else (math.nan, math.nan)
        return train_loss, test_loss, train_rmse, test_rmse, train_r2, test_r2

    def _rmse_r2(self, outputs: np.ndarray, T: np.ndarray) -> tuple[float, float]:
        """RMSE in the target's units and R^2 = 1 - SS_residual / SS_total."""
        residual = float(np.sum((outputs - T) ** 2))
        total = float(np.sum((T - T.mean()) ** 2))
        rmse = math.sqrt(residual / len(T)) * self.target_scale
        return rmse, (1.0 - residual / total) if total > 0 else math.nan

    def training_targets(self, rows: np.ndarray) -> np.ndarray:
        """The target matrix of training rows as the network is trained on it, (len(rows), n_outputs)."""
        return self._T_train[rows]

    def explain_sample(self, index: int) -> StepExplanation:
        """``explain_step`` on training sample ``index``, with its target in the network's units
        (regression targets standardised, as trained)."""
        y = self.dataset.y_train[index] if self.task == "classification" else self._T_train[index]
        return explain_step(self.network, self.dataset.X_train[index], y)

    @property
    def metrics(self) -> dict[str, float]:
        """The latest row of the history, with "iteration" and "epoch"."""
        return {**self.history.last(), "epoch": self.epoch}

    # -- predictions (for pictures) -----------------------------------------------------------
    def predict(self, X: np.ndarray, dtype: type = np.float64) -> np.ndarray:
        """Class scores (n, K) for classification, or (n,) values in the target's units;
        ``dtype`` as in ``Network.output_sums`` (float32 for pictures)."""
        outputs = self.network.forward(X, dtype)
        if self.task == "classification":
            return self.network.output_layer.class_scores(outputs)
        return outputs[:, 0] * self.target_scale + self.target_mean

    # -- parameters on unscaled data (the model file) ---------------------------------------
    def parameters_for_raw_features(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The network rewritten to take unscaled features (and give unscaled regression targets).

        With standardised features X = (F - m) / s the first layer computes
        X W + b = F (W / s) + (b - (m / s) W), so W' = W / s (row-wise), b' = b - (m / s) W.
        A regression output y = out * t_s + t_m gives W_L' = t_s W_L, b_L' = t_s b_L + t_m.
        A notebook model built from these weights needs no scaler.
        """
        weights, biases = self.network.copy_parameters()
        data = self.dataset
        if data.scaler_mean is not None:
            scaled_mean = data.scaler_mean / data.scaler_std
            biases[0] = biases[0] - scaled_mean @ weights[0]
            weights[0] = weights[0] / data.scaler_std[:, None]
        if self.task == "regression":
            weights[-1] = weights[-1] * self.target_scale
            biases[-1] = biases[-1] * self.target_scale + self.target_mean
        return weights, biases

    def load_parameters_for_raw_features(self, weights, biases) -> None:
        """Load weights that act on unscaled features (a notebook model): the inverse of
        ``parameters_for_raw_features``, then start over at iteration 0."""
        weights = [np.array(W, dtype=np.float64) for W in weights]
        biases = [np.array(b, dtype=np.float64) for b in biases]
        data = self.dataset
        if self.task == "regression":
            biases[-1] = (biases[-1] - self.target_mean) / self.target_scale
            weights[-1] = weights[-1] / self.target_scale
        if data.scaler_mean is not None:
            biases[0] = biases[0] + data.scaler_mean @ weights[0]
            weights[0] = weights[0] * data.scaler_std[:, None]
        self.load_parameters(weights, biases)

    # -- live settings -----------------------------------------------------------------------
    @property
    def settings(self) -> Config:
        """The config, under the name every page's trainer uses (``ui.session``)."""
        return self.config

    def apply_settings(self, config: Config) -> None:
        """Apply a change of learning rate, optimizer, batch size, regularization or dropout.

        The network and its training go on (optimizer state is kept unless the optimizer
        itself changes). A config that changes data, features or architecture raises
        ValueError: build a new Trainer for it.
        """
        config.validate()
        if Config.needs_rebuild(self.config, config):
            raise ValueError("this change needs a new network: build a new Trainer")
        if config.optimizer != self.config.optimizer:
            self.optimizer = make_optimizer(config.optimizer, config.learning_rate, **config.optimizer_settings())
        else:
            self.optimizer.learning_rate = config.learning_rate
            for name, value in config.optimizer_settings().items():
                setattr(self.optimizer, name, value)
        if config.batch_size != self.config.batch_size:
            self._position = len(self._order)   # start a fresh shuffled pass with the new size
        if self.diverged and config != self.config:
            self.diverged = None
        self.config = config

    # -- editing by hand ---------------------------------------------------------------------
    def set_parameter(self, kind: str, layer: int, index, value: float) -> None:
        """Set weight ``index = (i, j)`` or bias ``index = j`` of layer ``layer`` (0-based) by hand.

        The edit counts as one iteration (an update of the weights made by hand, not by the
        optimizer): the state before it is kept as a snapshot at the current iteration and
        the edited network is measured and kept at the next, so going back undoes it.
        """
        if kind not in PARAMETER_KINDS:
            raise ValueError(f"choose a weight or a bias, not {kind!r}")
        n_layers = len(self.network.weights)
        if not 0 <= layer < n_layers:
            raise ValueError(f"layer must be 1 to {n_layers}, got {layer + 1}")
        array = (self.network.weights if kind == "weight" else self.network.biases)[layer]
        index = tuple(int(i) for i in np.atleast_1d(index))
        if len(index) != array.ndim or not all(0 <= i < n for i, n in zip(index, array.shape)):
            raise ValueError(f"layer {layer + 1} has no {kind} {index}; its {kind}s have shape {array.shape}")
        value = float(value)
        if not abs(value) <= MAX_HAND_VALUE:
            raise ValueError(f"a hand-set {kind} must be a number from {-MAX_HAND_VALUE:g} to {MAX_HAND_VALUE:g}")
        self._take_snapshot()
        array[index] = value
        for saved, current in zip(self._backup, self.network.parameters()):
            np.copyto(saved, current)
        self.iteration += 1
        self.last_step = None
        with np.errstate(all="ignore"):
            self.history.append(self.iteration, self._measure())
        self._take_snapshot()

    # -- snapshots -------------------------------------------------------------------------
    def batch_order_state(self) -> tuple[dict, np.ndarray, int]:
        """Copies of what decides the coming mini-batches: the random generator's state, this
        pass's order of the training points (n_train,), and where the next batch starts in it
        (``n_train``: a new pass, shuffled first). Dropout masks are drawn from the same generator."""
        return copy.deepcopy(self._rng.bit_generator.state), self._order.copy(), self._position

    def _take_snapshot(self) -> None:
        weights, biases = self.network.copy_parameters()
        self.snapshots.add(Snapshot(self.iteration, self.epoch, weights, biases,
                                    (copy.deepcopy(self.optimizer), *self.batch_order_state())))

    def resume_from(self, iteration: int) -> int:
        """Go back to the latest snapshot at or before ``iteration`` and continue from there.

        History and snapshots after it are dropped; training then proceeds exactly as it
        did the first time. Returns the snapshot's iteration.
        """
        snapshot = self.snapshots.at_or_before(iteration)
        self.network.set_parameters(snapshot.weights, snapshot.biases)
        optimizer, rng_state, order, position = snapshot.training_state
        self.optimizer = copy.deepcopy(optimizer)
        self.optimizer.learning_rate = self.config.learning_rate
        self._rng.bit_generator.state = copy.deepcopy(rng_state)
        self._arrange(order.copy())
        self._position = position
        self._backup = [p.copy() for p in self.network.parameters()]
        self.iteration, self.epoch = snapshot.iteration, snapshot.epoch
        self.diverged = None
        self.last_step = None
        self.history.discard_after(snapshot.iteration)
        self.gradient_norms.discard_after(snapshot.iteration)
        self.snapshots.discard_after(snapshot.iteration)
        return snapshot.iteration
