"""Every knob of the recurrent lab, on the same settings mechanism as the playground's ``Config``.

The lab's URL parameters are its field names prefixed ``rl_`` (``URL_PREFIX``), so both pages
can share one address bar. Two ranges depend on other fields (``bounds``): the sequence length
T lies in the task's range, and truncated backpropagation reaches back at most T steps.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from playground.data.sequences import SEQUENCE_TASKS, SequenceTask, get_task
from playground.engine.recurrent import CELLS
from playground.training.settings import URL_PREFIXES, Knob, Settings, choice, number, whole

MIN_HIDDEN, MAX_HIDDEN = 1, 128
MIN_BATCH, MAX_BATCH = 1, 256
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 1e-5, 10.0
MAX_CLIP_NORM = 1000.0
OPTIMIZER_CHOICES = ("adam", "sgd")
#: Values the lab's widgets offer (the current value is always offered as well).
LEARNING_RATES = (0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
CLIP_NORMS = (0.0, 0.1, 0.5, 1.0, 5.0, 10.0, 100.0)
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256)
_LONGEST = max(task.max_length for task in SEQUENCE_TASKS.values())

KNOBS: tuple[Knob, ...] = (
    choice("task", "task", tuple(SEQUENCE_TASKS), rebuild=True),
    choice("cell", "cell", tuple(CELLS), rebuild=True, widget="radio"),
    whole("hidden_size", "hidden size", MIN_HIDDEN, MAX_HIDDEN, rebuild=True),
    whole("length", "sequence length", 1, _LONGEST, rebuild=True),
    number("learning_rate", "learning rate", MIN_LEARNING_RATE, MAX_LEARNING_RATE, rebuild=False,
           offered=LEARNING_RATES),
    choice("optimizer", "optimizer", OPTIMIZER_CHOICES, rebuild=False, widget="radio"),
    number("clip_norm", "clipping norm (0 for off)", 0.0, MAX_CLIP_NORM, rebuild=False, offered=CLIP_NORMS),
    whole("truncation", "truncation", 0, _LONGEST, rebuild=False),
    whole("batch_size", "batch size", MIN_BATCH, MAX_BATCH, rebuild=False, widget="select_slider",
          offered=BATCH_SIZES),
    whole("seed", "seed", 0, 2**31 - 1, rebuild=True, widget="number"),
)


@dataclass(frozen=True)
class RecurrentSettings(Settings):
    """Every knob of the recurrent lab.

    Attributes
    ----------
    task : str
        A key of :data:`playground.data.sequences.SEQUENCE_TASKS`.
    cell : {"rnn", "lstm"}
    hidden_size : int
        H, 1 to 128.
    length : int
        Sequence length T, within the task's range (adding problem: 10 to 200).
    learning_rate : float
    optimizer : {"adam", "sgd"}
    clip_norm : float
        Clip all gradients together to this global norm; 0 for no clipping.
    truncation : int
        Backpropagate through at most k steps; 0 for full BPTT.
    batch_size : int
        Sequences per training batch.
    seed : int
        Seeds the initial parameters and the training batches.
    """

    KNOBS: ClassVar[tuple[Knob, ...]] = KNOBS
    URL_PREFIX: ClassVar[str] = URL_PREFIXES["recurrent"]

    task: str = "adding"
    cell: str = "lstm"
    hidden_size: int = 32
    length: int = 30
    learning_rate: float = 0.01
    optimizer: str = "adam"
    clip_norm: float = 1.0
    truncation: int = 0
    batch_size: int = 32
    seed: int = 0

    @property
    def sequence_task(self) -> SequenceTask:
        return get_task(self.task)

    def bounds(self, knob: Knob) -> tuple[float, float]:
        """T's range is the task's; truncation reaches back at most T steps."""
        if knob.name == "length":
            task = self.sequence_task
            return task.min_length, task.max_length
        if knob.name == "truncation":
            return 0, self.length
        return knob.low, knob.high

    def adjust(self, changes: dict[str, Any]) -> dict[str, Any]:
        """A new task with no ``length`` given takes the task's default T; a shorter T lowers
        the truncation to T if it was longer."""
        if "task" in changes and "length" not in changes and changes["task"] != self.task:
            changes["length"] = get_task(changes["task"]).default_length
        if "length" in changes and "truncation" not in changes:
            changes["truncation"] = min(self.truncation, changes["length"])
        return changes


RecurrentSettings.check_knobs_match_fields()


def defaults_for(task_name: str, **changes) -> RecurrentSettings:
    """The default settings with ``task_name`` at its default sequence length."""
    return replace(RecurrentSettings(), **{"task": task_name, "length": get_task(task_name).default_length,
                                           **changes}).validate()
