"""The ten guided lessons: data files, read and checked here, and what a run means for them.

Each lesson is one JSON file in this folder, ``NN_name.json`` (``NN`` gives the order), that a
teacher can edit without touching code::

    name        URL name (?lesson=name)          page        "playground" or "recurrent"
    title       contains the word "Lesson"       text        a few plain sentences (markdown)
    setup       URL query parameters (strings), read by the page's own ``from_query``,
                exactly as a shared link is: no second way of making settings
    open_panel  a panel the lesson opens ("inside_step") or null
    question    the prediction asked before training; choices: its answers; answer: the index
                of the one that happens
    reveal      what happened and why, a ``str.format`` template quoting this run's numbers
                (names in ``playground.lessons.metrics.METRICS``: "{test_accuracy:.0%}")
    done_when   checks, all of which must hold: {metric, compare (">=", ">", "<=", "<"),
                threshold, iterations, mode}. mode "reach": met as soon as the comparison holds,
                which the lesson promises within ``iterations``; "stay": met once ``iterations``
                have run with the comparison still holding ("stays below 75 %")
    contrasts   optional: setup changes that the text or try_next talk about, each with its own
                done_when, so that the tests hold every number a lesson states to the engine
    try_next    one line; next: the next lesson's name, or null for the last

``load_lessons`` raises :class:`LessonError`, naming the file and the field, for a file that is
not a valid lesson.
"""
from __future__ import annotations

import json
import math
import operator
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playground.lessons.metrics import FLAG, METRICS
from playground.training.config import VIEW_FIELDS, Config
from playground.training.recurrent_settings import RecurrentSettings

LESSON_FOLDER = Path(__file__).resolve().parent
PAGES: dict[str, type[Config] | type[RecurrentSettings]] = {"playground": Config, "recurrent": RecurrentSettings}
PANELS = ("inside_step",)
COMPARISONS = {">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
MODES = ("reach", "stay")
#: The URL parameter that opens a lesson.
LESSON_PARAMETER = "lesson"


class LessonError(ValueError):
    """A lesson that does not exist, a lesson file that is not valid, or a reveal quoting a
    number the run does not have."""


@dataclass(frozen=True)
class Check:
    """One done-when condition on a run's metric (see the module docstring for ``mode``)."""

    metric: str
    compare: str
    threshold: float
    iterations: int
    mode: str = "reach"

    def holds(self, metrics: Mapping[str, float]) -> bool:
        """Whether the comparison holds now (False while the run lacks the metric or it is NaN)."""
        value = metrics.get(self.metric)
        return value is not None and math.isfinite(value) and COMPARISONS[self.compare](value, self.threshold)

    def met(self, metrics: Mapping[str, float]) -> bool:
        """A "reach" check: the comparison holds. A "stay" check: it still holds after ``iterations``."""
        if self.mode == "stay" and metrics.get("iteration", 0) < self.iterations:
            return False
        return self.holds(metrics)

    def condition(self) -> str:
        """The comparison in words: 'test accuracy ≥ 95 %' (a flag: 'training diverged')."""
        metric = METRICS[self.metric]
        if metric.kind == FLAG:
            return metric.words
        return f"{metric.words} {SYMBOLS[self.compare]} {metric.show(self.threshold)}"

    def describe(self) -> str:
        """The whole check: 'test accuracy ≥ 95 % within 1,000 iterations', '... < 75 % after 500 iterations'."""
        return f"{self.condition()} {'after' if self.mode == 'stay' else 'within'} {self.iterations:,} iterations"

    def status(self, metrics: Mapping[str, float]) -> str:
        """One line for the lesson box: 'Done: test accuracy ≥ 95 % reached', or where the run stands."""
        if self.met(metrics):
            if self.mode == "stay":
                return f"Done: {self.condition()} held for {self.iterations:,} iterations"
            return f"Done: {self.condition()} reached"
        value = metrics.get(self.metric)
        now = f"now {METRICS[self.metric].show(value)}" if value is not None and math.isfinite(value) \
            else "not measured yet"
        return f"Not yet: {self.describe()} ({now}, iteration {int(metrics.get('iteration', 0)):,})"


@dataclass(frozen=True)
class Contrast:
    """A change of the lesson's set-up its text talks about, with what that change leads to."""

    setup: Mapping[str, str]
    done_when: tuple[Check, ...]


@dataclass(frozen=True)
class Lesson:
    """One lesson, as read from its file (fields as in the module docstring)."""

    name: str
    page: str
    title: str
    text: str
    setup: Mapping[str, str]
    question: str
    choices: tuple[str, ...]
    answer: int
    reveal: str
    done_when: tuple[Check, ...]
    try_next: str
    next: str | None
    open_panel: str | None = None
    contrasts: tuple[Contrast, ...] = ()

    @property
    def link(self) -> str:
        """The lesson's address relative to the app: 'playground?lesson=neuron'."""
        return f"{self.page}?{LESSON_PARAMETER}={self.name}"

    @property
    def budget(self) -> int:
        """The most iterations any of its checks names: by then the run has shown what it shows."""
        return max(check.iterations for check in self.done_when)


# -- reading the files ---------------------------------------------------------------------------
def _field(data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str) -> Any:
    if name not in data:
        raise LessonError(f"{where}: the field {name!r} is missing")
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, kind):      # no field is a flag; JSON true is not 1
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise LessonError(f"{where}: {name!r} must be {wanted}, not {value!r}")
    return value


def _setup(data: Mapping[str, Any], name: str, where: str) -> dict[str, str]:
    setup = _field(data, name, dict, where)
    if not all(isinstance(value, str) for value in setup.values()):
        raise LessonError(f"{where}: every value of {name!r} must be text, as in a URL")
    return dict(setup)


def _checks(data: Mapping[str, Any], where: str) -> tuple[Check, ...]:
    checks = _field(data, "done_when", list, where)
    if not checks:
        raise LessonError(f"{where}: 'done_when' needs at least one check")
    made = []
    for number, item in enumerate(checks, 1):
        place = f"{where}, check {number}"
        if not isinstance(item, dict):
            raise LessonError(f"{place}: a check is an object with metric, compare, threshold, iterations, mode")
        check = Check(metric=_field(item, "metric", str, place), compare=_field(item, "compare", str, place),
                      threshold=float(_field(item, "threshold", (int, float), place)),
                      iterations=_field(item, "iterations", int, place), mode=item.get("mode", "reach"))
        if check.metric not in METRICS:
            raise LessonError(f"{place}: unknown metric {check.metric!r}; the metrics are {', '.join(METRICS)}")
        if check.compare not in COMPARISONS:
            raise LessonError(f"{place}: compare must be one of {', '.join(COMPARISONS)}, not {check.compare!r}")
        if check.mode not in MODES:
            raise LessonError(f"{place}: mode must be one of {', '.join(MODES)}, not {check.mode!r}")
        if check.iterations < 1:
            raise LessonError(f"{place}: iterations must be at least 1")
        made.append(check)
    return tuple(made)


def _quoted_names(template: str) -> list[str]:
    """The metric names a reveal template quotes ('{test_accuracy:.0%}' -> 'test_accuracy')."""
    return [field for _, field, _, _ in string.Formatter().parse(template) if field]


def parse_lesson(data: Any, where: str = "lesson") -> Lesson:
    """A :class:`Lesson` from one file's decoded JSON; LessonError names the first problem."""
    if not isinstance(data, dict):
        raise LessonError(f"{where}: a lesson file holds one JSON object")
    page = _field(data, "page", str, where)
    if page not in PAGES:
        raise LessonError(f"{where}: page must be one of {', '.join(PAGES)}, not {page!r}")
    title = _field(data, "title", str, where)
    if "Lesson" not in title:
        raise LessonError(f"{where}: the title must contain the word 'Lesson'")
    choices = _field(data, "choices", list, where)
    if len(choices) < 2 or not all(isinstance(choice, str) and choice for choice in choices):
        raise LessonError(f"{where}: 'choices' needs two or more answers, each a text")
    answer = _field(data, "answer", int, where)
    if not 0 <= answer < len(choices):
        raise LessonError(f"{where}: 'answer' is the index of a choice, 0 to {len(choices) - 1}")
    reveal = _field(data, "reveal", str, where)
    try:
        unknown = [name for name in _quoted_names(reveal) if name not in METRICS]
    except ValueError as error:
        raise LessonError(f"{where}: the reveal is not a valid template ({error})") from None
    if unknown:
        raise LessonError(f"{where}: the reveal quotes unknown metrics: {', '.join(unknown)}")
    panel = data.get("open_panel")
    if panel is not None and panel not in PANELS:
        raise LessonError(f"{where}: open_panel must be one of {', '.join(PANELS)} or null, not {panel!r}")
    following = data.get("next")
    if following is not None and not isinstance(following, str):
        raise LessonError(f"{where}: 'next' is a lesson's name or null")
    contrasts = []
    for number, item in enumerate(data.get("contrasts", []), 1):
        place = f"{where}, contrast {number}"
        if not isinstance(item, dict):
            raise LessonError(f"{place}: a contrast is an object with setup and done_when")
        contrasts.append(Contrast(_setup(item, "setup", place), _checks(item, place)))
    return Lesson(name=_field(data, "name", str, where), page=page, title=title,
                  text=_field(data, "text", str, where), setup=_setup(data, "setup", where),
                  question=_field(data, "question", str, where), choices=tuple(choices), answer=answer,
                  reveal=reveal, done_when=_checks(data, where), try_next=_field(data, "try_next", str, where),
                  next=following, open_panel=panel, contrasts=tuple(contrasts))


def load_lessons(folder: Path = LESSON_FOLDER) -> dict[str, Lesson]:
    """Every ``*.json`` lesson in ``folder``, in file-name order, by name.

    Each lesson's set-up must read without a notice, and ``next`` must name a lesson of the folder.
    """
    lessons: dict[str, Lesson] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise LessonError(f"{path.name}: not a readable JSON file ({error})") from None
        lesson = parse_lesson(data, path.name)
        if lesson.name in lessons:
            raise LessonError(f"{path.name}: a second lesson named {lesson.name!r}")
        for setup in (lesson.setup, *({**lesson.setup, **c.setup} for c in lesson.contrasts)):
            notices = PAGES[lesson.page].from_query(setup)[1]
            if notices:
                raise LessonError(f"{path.name}: the set-up does not read cleanly: {' '.join(notices)}")
        lessons[lesson.name] = lesson
    for lesson in lessons.values():
        if lesson.next is not None and lesson.next not in lessons:
            raise LessonError(f"{lesson.name}: 'next' names {lesson.next!r}, which is not a lesson")
    return lessons


#: The lessons in order, by name.
LESSONS: dict[str, Lesson] = load_lessons()


# -- using a lesson --------------------------------------------------------------------------------
def get_lesson(name: str) -> Lesson:
    """The lesson called ``name``; LessonError listing the lessons when there is none."""
    if name not in LESSONS:
        raise LessonError(f"There is no lesson called {str(name)[:40]!r}; the lessons are {', '.join(LESSONS)}.")
    return LESSONS[name]


def lesson_config(lesson: Lesson, changes: Mapping[str, str] | None = None
                  ) -> tuple[Config | RecurrentSettings, list[str]]:
    """The lesson's settings, read from its set-up (plus ``changes``, URL parameters too, such as a
    contrast's) by its page's ``from_query``, as a shared link would be; and the notices."""
    return PAGES[lesson.page].from_query({**lesson.setup, **(changes or {})})


def differences(lesson: Lesson, settings: Config | RecurrentSettings) -> list[str]:
    """The settings (as their knobs' labels) in which ``settings`` differ from the lesson's set-up;
    the playground's view-only knobs (speed, axes, toggles of what is drawn) do not count."""
    wanted, _ = lesson_config(lesson)
    if type(settings) is not type(wanted):
        raise TypeError(f"lesson {lesson.name!r} is on the {lesson.page} page; compare it with a "
                        f"{type(wanted).__name__}, not a {type(settings).__name__}")
    return [knob.label for knob in wanted.KNOBS
            if knob.name not in VIEW_FIELDS and getattr(settings, knob.name) != getattr(wanted, knob.name)]


def done_when_met(lesson: Lesson, metrics: Mapping[str, float]) -> bool:
    """Whether every done-when check of the lesson holds for a run's metrics (``run_metrics``)."""
    return all(check.met(metrics) for check in lesson.done_when)


def run_finished(lesson: Lesson, metrics: Mapping[str, float]) -> bool:
    """Whether the run has shown what the lesson is about: its done-when is met, it used the
    lesson's iteration budget, or training diverged. The lesson box reveals after that."""
    return done_when_met(lesson, metrics) or metrics.get("iteration", 0) >= lesson.budget \
        or metrics.get("diverged", 0.0) >= 0.5


def can_reveal(lesson: Lesson, metrics: Mapping[str, float]) -> bool:
    """Whether ``metrics`` hold every number the reveal quotes (a lab run of one cell does not
    have the other cell's loss)."""
    return all(name in metrics for name in _quoted_names(lesson.reveal))


class _SpacedPercent(string.Formatter):
    """str.format, with a space before a percent sign ('95 %'), as the lesson box writes shares."""

    def format_field(self, value: Any, format_spec: str) -> str:
        text = super().format_field(value, format_spec)
        return text[:-1] + " %" if format_spec.endswith("%") else text


def reveal_text(lesson: Lesson, metrics: Mapping[str, float]) -> str:
    """The lesson's reveal with this run's numbers; LessonError when the run lacks one it quotes."""
    missing = [name for name in _quoted_names(lesson.reveal) if name not in metrics]
    if missing:
        raise LessonError(f"The reveal of lesson {lesson.name!r} quotes {', '.join(missing)}, "
                          "which this run has not measured.")
    return _SpacedPercent().vformat(lesson.reveal, (), dict(metrics))
