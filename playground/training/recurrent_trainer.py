"""The recurrent lab's controller: settings -> task data + sequence model, stepped one iteration at a time.

An *iteration* is one optimizer update on one fresh training batch of ``batch_size``
sequences of length T, drawn from the trainer's own generator (``default_rng([seed, 1])``),
so the same settings give the same batches in the same order on every run, and an RNN and
an LSTM built from the same settings see exactly the same data. The validation set is a
fixed batch of ``VALIDATION_SIZE`` sequences from the task's held-out stream.

Records, both bounded (:class:`playground.training.history.History`):

* ``history``: the training loss of every iteration (measured on its batch, before the
  update), columns ``("train_loss",)``;
* ``validation``: the validation loss (and accuracy for classification tasks) at
  iteration 0, every ``VALIDATION_EVERY`` iterations and at the end of every ``step(n)``
  call, so the counters are always current. Columns ``("validation_loss",)`` or
  ``("validation_loss", "validation_accuracy")``.

Divergence (a NaN or infinite loss, gradient or parameter) stops training, restores the
last finite parameters and explains in ``diverged``, as :class:`playground.training.trainer.Trainer`.
So does an *exploded* loss, above ``EXPLODED`` times the trivial predictor's: a plain RNN
with a linear read-out, trained by SGD at a learning rate of 10 without clipping, reaches
a loss of 1e33 on the sine task in ten iterations and stays finite for many more, showing
numbers that mean nothing.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from playground.data.sequences import load_corpus
from playground.engine.optimizers import make_optimizer
from playground.engine.recurrent import CELLS, LSTM
from playground.engine.sequence_model import SequenceModel
from playground.training.history import History
from playground.training.recurrent_settings import RecurrentSettings

VALIDATION_SIZE = 128
VALIDATION_EVERY = 50
MAX_SIDE_BY_SIDE_ITERATIONS = 2000
EXPLODED = 1e6      # a training loss this many times the trivial predictor's stops training
SIDE_BY_SIDE_POINTS = 20


@dataclass(frozen=True)
class SequenceView:
    """What the model does on one validation sequence, for the pictures (length T).

    Attributes
    ----------
    inputs : ndarray (T, I)
    targets : ndarray
        (T, K) or (K,) float targets (mse tasks), (T,) or () int labels (classification).
    outputs : ndarray
        Predictions of the same shape as float targets (mse) or class probabilities
        (T, K) / (K,) (classification).
    marks : ndarray of bool (T,)
    hidden : ndarray (T, H)
        Hidden states h_t.
    cell_states : ndarray (T, H) or None
        c_t (LSTM only).
    gates : dict of str to ndarray (T, H), or None
        ``input``, ``forget``, ``cell_candidate``, ``output`` (LSTM only).
    """

    inputs: np.ndarray
    targets: np.ndarray
    outputs: np.ndarray
    marks: np.ndarray
    hidden: np.ndarray
    cell_states: np.ndarray | None
    gates: dict[str, np.ndarray] | None


class RecurrentTrainer:
    """Owns a task's data and a :class:`SequenceModel`; ``step(n)`` trains.

    Parameters
    ----------
    settings : RecurrentSettings
    """

    def __init__(self, settings: RecurrentSettings):
        self.settings = settings.validate()
        self.task = settings.sequence_task
        self.model = SequenceModel.for_task(
            self.task, settings.cell, settings.hidden_size, seed=settings.seed, optimizer=settings.optimizer,
            learning_rate=settings.learning_rate, clip_norm=settings.clip_norm or None,
            truncation=settings.truncation or None)
        self.validation_set = self.task.validation_set(VALIDATION_SIZE, settings.length, seed=settings.seed)
        self._rng = np.random.default_rng([settings.seed, 1])
        self.iteration = 0
        self.diverged: str | None = None
        self.is_classification = self.task.loss == "cross_entropy"
        self.history = History(("train_loss",))
        self.validation = History(("validation_loss", "validation_accuracy") if self.is_classification
                                  else ("validation_loss",))
        self._measure_validation()

    # -- training ---------------------------------------------------------------------------
    def step(self, n: int = 1, *, max_seconds: float | None = None) -> int:
        """Run up to ``n`` iterations; returns how many ran: fewer if training diverged, or
        if ``max_seconds`` of wall time passed first (at least one iteration always runs).

        Validation is measured every ``VALIDATION_EVERY`` iterations and after the last one
        (on divergence, of the model kept).
        """
        deadline = None if max_seconds is None else time.perf_counter() + max_seconds
        done = 0
        with np.errstate(all="ignore"):
            while done < n and self.diverged is None:
                self._iterate()
                if self.diverged is None:
                    done += 1
                    if self.iteration % VALIDATION_EVERY == 0:
                        self._measure_validation()
                if deadline is not None and time.perf_counter() > deadline:
                    break
            if self.validation.last()["iteration"] != self.iteration:   # also the model kept on divergence
                self._measure_validation()
        return done

    def _iterate(self) -> None:
        settings = self.settings
        batch = self.task.batch(settings.batch_size, settings.length, rng=self._rng)
        parameters = list(self.model.parameters.values())
        backup = [p.copy() for p in parameters]
        loss = self.model.train_step(batch.inputs, batch.targets)
        if not math.isfinite(loss):
            self._diverge(backup, f"the loss became {'NaN' if math.isnan(loss) else 'infinite'}")
            return
        if loss > EXPLODED * self.task.loss_baseline:
            self._diverge(backup, f"the loss exploded to {loss:.3g}, more than {EXPLODED:,.0f} times that of the "
                                  f"trivial predictor ({self.task.loss_baseline:.3g})")
            return
        if self.model.diverged:
            self._diverge(backup, "the gradients stopped being finite numbers")
            return
        if not all(np.isfinite(p).all() for p in parameters):
            self._diverge(backup, "the parameters stopped being finite numbers")
            return
        self.iteration += 1
        self.history.append(self.iteration, (loss,))

    def _diverge(self, backup: list[np.ndarray], what: str) -> None:
        for current, saved in zip(self.model.parameters.values(), backup):
            np.copyto(current, saved)
        self.model.diverged = False
        self.diverged = (
            f"Training diverged at iteration {self.iteration + 1}: {what}. The learning rate "
            f"{self.settings.learning_rate:g} is probably too large"
            f"{'' if self.settings.clip_norm else ' without clipping'}. The model is kept as it was at "
            f"iteration {self.iteration}; lower the learning rate to continue, or press Reset.")

    def _measure_validation(self) -> None:
        data = self.validation_set
        backup = [p.copy() for p in self.model.parameters.values()]
        with np.errstate(all="ignore"):
            result = self.model.evaluate(data.inputs, data.targets)
        loss = result["loss"]
        if not math.isfinite(loss):
            if self.diverged is None:       # else the kept model is already explained
                self._diverge(backup, f"the validation loss became {'NaN' if math.isnan(loss) else 'infinite'}")
            return
        values = (result["loss"], result["accuracy"]) if self.is_classification else (result["loss"],)
        self.validation.append(self.iteration, values)

    # -- live settings -----------------------------------------------------------------------
    def apply_settings(self, settings: RecurrentSettings) -> None:
        """Apply a new learning rate, optimizer, clipping, truncation or batch size in place.

        A change of task, cell, hidden size, sequence length or seed raises ValueError: build
        a new trainer for it. Changing the optimizer starts it afresh (no moments carried over).
        """
        settings.validate()
        if RecurrentSettings.needs_rebuild(self.settings, settings):
            raise ValueError("this change needs a new model: build a new RecurrentTrainer")
        model = self.model
        if settings.optimizer != self.settings.optimizer:
            model.optimizer = make_optimizer(settings.optimizer, settings.learning_rate)
        model.learning_rate = settings.learning_rate
        model.clip_norm = settings.clip_norm or None
        model.truncation = settings.truncation or None
        if self.diverged and settings != self.settings:
            self.diverged = None
        self.settings = settings

    # -- what the page shows --------------------------------------------------------------------
    @property
    def metrics(self) -> dict[str, float]:
        """{"iteration", "train_loss", "validation_loss"[, "validation_accuracy"]}; the training
        loss is NaN before the first iteration."""
        last = self.history.last()
        return {**self.validation.last(), "iteration": self.iteration,
                "train_loss": last["train_loss"] if last else math.nan}

    @property
    def gradient_flow(self) -> np.ndarray | None:
        """(T,) norm of dL/dh_t on the last training batch, or None before the first iteration."""
        flow = self.model.gradient_flow
        return None if flow is None else flow.copy()

    @property
    def cell_gradient_flow(self) -> np.ndarray | None:
        """(T,) norm of dL/dc_t on the last training batch (LSTM only), else None."""
        flow = getattr(self.model.cell, "cell_gradient_flow", None)
        return None if flow is None else flow.copy()

    def inspect(self, index: int = 0) -> SequenceView:
        """Run the model on validation sequence ``index`` and keep everything the pictures need."""
        data = self.validation_set
        with np.errstate(all="ignore"):
            outputs = self.model.predict(data.inputs[index:index + 1])[0]
        cell = self.model.cell
        is_lstm = isinstance(cell, LSTM)
        return SequenceView(
            inputs=data.inputs[index], targets=data.targets[index], outputs=outputs, marks=data.marks[index],
            hidden=cell.hidden_states[0].copy(),
            cell_states=cell.cell_states[0].copy() if is_lstm else None,
            gates={name: values[0].copy() for name, values in cell.gates.items()} if is_lstm else None)

    def hidden_states_for(self, text: str) -> np.ndarray:
        """(len(text), H) hidden states of the characters model reading ``text`` (its own corpus's
        characters only; DataError otherwise)."""
        if self.task.name != "text":
            raise ValueError("only the characters task reads text")
        codes = load_corpus().encode(text)
        inputs = np.zeros((1, len(codes), self.task.input_size))
        inputs[0, np.arange(len(codes)), codes] = 1.0
        with np.errstate(all="ignore"):
            self.model.predict(inputs)
        return self.model.cell.hidden_states[0].copy()

    def sample_text(self, length: int = 200, seed: int = 0, temperature: float = 1.0) -> str:
        """``length`` characters generated by the characters model, starting after a space."""
        if self.task.name != "text":
            raise ValueError("only the characters task generates text")
        corpus = load_corpus()
        with np.errstate(all="ignore"):
            codes = self.model.sample(int(corpus.encode(" ")[0]), length, np.random.default_rng(seed),
                                      temperature)
        return corpus.decode(codes)


@dataclass(frozen=True)
class SideBySide:
    """An RNN and an LSTM trained on the same task, data and budget.

    Attributes
    ----------
    settings : the shared settings (``cell`` is that of the trainer they were taken from).
    iterations : how many iterations each ran (both the same, unless one diverged).
    asked : how many iterations each was asked to run (more than ``iterations`` when the
        time limit stopped the run).
    trainers : {"rnn": RecurrentTrainer, "lstm": RecurrentTrainer} after training.
    """

    settings: RecurrentSettings
    iterations: int
    asked: int
    trainers: dict[str, RecurrentTrainer]

    @property
    def histories(self) -> dict[str, tuple[History, History]]:
        """cell -> (training history, validation history)."""
        return {name: (t.history, t.validation) for name, t in self.trainers.items()}

    @property
    def gradient_flows(self) -> dict[str, np.ndarray | None]:
        """cell -> (T,) gradient flow on the last training batch."""
        return {name: t.gradient_flow for name, t in self.trainers.items()}


def train_side_by_side(settings: RecurrentSettings, iterations: int, *,
                       max_seconds: float | None = None) -> SideBySide:
    """Train an RNN and an LSTM from ``settings`` (same task, T, seed, hence same batches and
    validation set) for the same number of iterations, at most ``MAX_SIDE_BY_SIDE_ITERATIONS``.

    They take turns, ``SIDE_BY_SIDE_POINTS`` chunks each (so that a validation curve has
    about that many points however short the run); after ``max_seconds`` of wall time no
    new turn starts, so both stop at the same iteration (after one turn at least).
    """
    if isinstance(iterations, bool) or not isinstance(iterations, int) \
            or not 1 <= iterations <= MAX_SIDE_BY_SIDE_ITERATIONS:
        raise ValueError(f"side-by-side iterations must be between 1 and {MAX_SIDE_BY_SIDE_ITERATIONS}, "
                         f"got {iterations!r}")
    deadline = None if max_seconds is None else time.perf_counter() + max_seconds
    chunk = math.ceil(iterations / SIDE_BY_SIDE_POINTS)
    trainers = {cell: RecurrentTrainer(replace(settings, cell=cell).validate()) for cell in CELLS}
    target = 0
    while target < iterations:
        target = min(target + chunk, iterations)
        for trainer in trainers.values():
            if trainer.diverged is None:
                trainer.step(target - trainer.iteration)
        if deadline is not None and time.perf_counter() > deadline:
            break
    return SideBySide(settings, target, iterations, trainers)
