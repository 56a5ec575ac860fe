"""One settings mechanism for every page: knobs, validation, the URL codec and the rebuild rule.

A page's settings are a frozen dataclass that subclasses :class:`Settings` and lists its
:class:`Knob` s, one per field, in ``KNOBS``. Everything else is derived from that list:

* ``validate`` / ``with_changes``: each field checked by its knob, within the range the rest
  of the set-up allows (``bounds``);
* ``to_query`` / ``from_query``: the URL query string, each parameter named
  ``URL_PREFIX + field`` (the playground's prefix is empty, the recurrent lab's ``rl_``, so
  both pages can share one address bar); reading never raises, and every parameter that is
  unknown or not allowed becomes a notice written for a person;
* ``needs_rebuild``: whether going from one set-up to another needs a new model;
* what a widget may offer (``Knob.options``, ``low``/``high``/``step``, ``offered``), so that
  no widget can disagree with what a URL may carry.

Nothing here imports the UI.
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any, ClassVar, TypeVar

S = TypeVar("S", bound="Settings")

#: Each page's URL prefix: the playground's parameters are unprefixed, the recurrent lab's start
#: ``rl_``, so that one page's reader leaves the other's parameters alone.
URL_PREFIXES = {"playground": "", "recurrent": "rl_"}

#: Kinds of knob, each with its own check and the kind of widget it gets.
CHOICE, WHOLE, NUMBER, FLAG, ITEMS = "choice", "whole", "number", "flag", "items"


def _number_text(value: float) -> str:
    """A bound as a person reads it: 1,000 rather than 1000, 1e-05 for tiny rates."""
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:g}"


@dataclass(frozen=True)
class Knob:
    """One setting: what values it allows, how it reads and writes a URL, and whether a
    change needs a new model.

    ``kind`` is one of ``choice`` (one of ``options``), ``whole`` (an int from ``low`` to
    ``high``), ``number`` (a finite float from ``low`` to ``high``; ``offered`` are the values
    a widget lists), ``flag`` (a bool) or ``items`` (a tuple of ``min_items`` to ``max_items``
    items, each one of ``options``, or each a whole number from ``low`` to ``high`` when
    ``options`` is empty). ``label`` names the setting in messages.

    ``widget`` says which kind of control shows the knob ("select", "radio", "slider",
    "select_slider", "number", "toggle", "checkbox", "multiselect"; "" for a control the page
    draws itself) and ``step`` is its step; the UI maps the kind to a widget and takes the
    choices and limits from the knob.
    """

    name: str
    label: str
    kind: str
    rebuild: bool
    options: tuple = ()
    low: float | None = None
    high: float | None = None
    step: float | None = None
    offered: tuple = ()
    min_items: int = 0
    max_items: int = 0
    unique: bool = False
    widget: str = ""

    # -- checking ---------------------------------------------------------------------------
    def requirement(self, bounds: tuple[float, float] | None = None) -> str:
        """What the knob allows, in words: 'a whole number from 1 to 1,000'. ``bounds`` narrows
        a whole or number knob's range to what the rest of a set-up allows."""
        low, high = bounds or (self.low, self.high)
        if self.kind == CHOICE:
            return f"one of: {', '.join(map(str, self.options))}"
        if self.kind == WHOLE:
            return f"a whole number from {_number_text(low)} to {_number_text(high)}"
        if self.kind == NUMBER:
            return f"a number from {_number_text(low)} to {_number_text(high)}"
        if self.kind == FLAG:
            return "true or false (1 or 0)"
        each = f"one of {', '.join(map(str, self.options))}" if self.options else \
            f"a whole number from {_number_text(low)} to {_number_text(high)}"
        unique = ", none twice" if self.unique else ""
        return f"a list of {self.min_items} to {self.max_items} items separated by commas, each {each}{unique}"

    def check(self, value: Any, bounds: tuple[float, float] | None = None) -> None:
        """Raise ValueError, in plain words, when ``value`` is not allowed (within ``bounds``
        if given, else the knob's own range)."""
        if not self._allows(value, *(bounds or (self.low, self.high))):
            shown = ",".join(map(str, value)) if isinstance(value, tuple) else str(value)
            if self.kind == CHOICE:
                raise ValueError(f"unknown {self.label} {shown[:40]!r}; choose {self.requirement()}")
            raise ValueError(f"{self.label} must be {self.requirement(bounds)}, not {shown[:40]!r}")

    def _allows(self, value: Any, low: float | None, high: float | None) -> bool:
        if self.kind == CHOICE:
            return value in self.options
        if self.kind == WHOLE:
            return _is_whole(value) and low <= value <= high
        if self.kind == NUMBER:
            return _is_number(value) and low <= value <= high
        if self.kind == FLAG:
            return isinstance(value, bool)
        if not isinstance(value, tuple) or not self.min_items <= len(value) <= self.max_items:
            return False
        if self.unique and len(set(value)) != len(value):
            return False
        if self.options:
            return all(item in self.options for item in value)
        return all(_is_whole(item) and low <= item <= high for item in value)

    # -- the URL ----------------------------------------------------------------------------
    def parse(self, text: str) -> Any:
        """URL text -> value (ValueError when it cannot be read; ``check`` says if it is allowed)."""
        text = text.strip()
        if self.kind == WHOLE:
            return int(text)
        if self.kind == NUMBER:
            return float(text)
        if self.kind == FLAG:
            lowered = text.lower()
            if lowered in ("1", "true", "yes", "on"):
                return True
            if lowered in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if self.kind == ITEMS:
            parts = [part.strip() for part in text.split(",")] if text else []
            return tuple(parts if self.options else (int(part) for part in parts))
        return text

    def format(self, value: Any) -> str:
        """Value -> URL text (``parse`` reads it back to the same value)."""
        if self.kind == NUMBER:
            return repr(float(value))
        if self.kind == FLAG:
            return "1" if value else "0"
        if self.kind == ITEMS:
            return ",".join(str(item) for item in value)
        return str(value)


def _is_whole(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


# -- knob constructors -------------------------------------------------------------------------
def choice(name: str, label: str, options: Iterable, *, rebuild: bool, widget: str = "select") -> Knob:
    return Knob(name, label, CHOICE, rebuild, options=tuple(options), widget=widget)


def whole(name: str, label: str, low: int, high: int, *, rebuild: bool, widget: str = "slider", step: int = 1,
          offered: Iterable[int] = ()) -> Knob:
    return Knob(name, label, WHOLE, rebuild, low=low, high=high, step=step, offered=tuple(offered), widget=widget)


def number(name: str, label: str, low: float, high: float, *, rebuild: bool, widget: str = "select_slider",
           step: float | None = None, offered: Iterable[float] = ()) -> Knob:
    return Knob(name, label, NUMBER, rebuild, low=low, high=high, step=step, offered=tuple(offered), widget=widget)


def flag(name: str, label: str, *, widget: str = "toggle") -> Knob:
    return Knob(name, label, FLAG, rebuild=False, widget=widget)


def items(name: str, label: str, *, min_items: int, max_items: int, rebuild: bool, options: Iterable = (),
          low: int | None = None, high: int | None = None, unique: bool = False, widget: str = "") -> Knob:
    return Knob(name, label, ITEMS, rebuild, options=tuple(options), low=low, high=high, min_items=min_items,
                max_items=max_items, unique=unique, widget=widget)


# -- the settings base ---------------------------------------------------------------------------
class Settings:
    """Base of a page's frozen settings dataclass; subclasses set ``KNOBS`` and ``URL_PREFIX``.

    Hooks a subclass may override: ``adjust`` (changes that follow from others, e.g. a new
    task's length), ``bounds`` (a knob's range when it depends on other fields, used both to
    validate and by widgets) and
    ``start_from`` (a URL parameter that picks the base set-up, e.g. a preset).
    """

    KNOBS: ClassVar[tuple[Knob, ...]] = ()
    URL_PREFIX: ClassVar[str] = ""

    # -- knobs -------------------------------------------------------------------------------
    @classmethod
    def knob(cls, name: str) -> Knob:
        for knob in cls.KNOBS:
            if knob.name == name:
                return knob
        raise KeyError(name)

    @classmethod
    def check_knobs_match_fields(cls) -> None:
        """Called once per subclass after it is defined: one knob per field, in field order."""
        assert cls.URL_PREFIX in URL_PREFIXES.values(), f"{cls.__name__}: list its URL prefix in URL_PREFIXES"
        names = [knob.name for knob in cls.KNOBS]
        assert names == [f.name for f in fields(cls)], f"{cls.__name__}: KNOBS and fields must match"

    @classmethod
    def rebuild_fields(cls) -> frozenset[str]:
        return frozenset(knob.name for knob in cls.KNOBS if knob.rebuild)

    def bounds(self, knob: Knob) -> tuple[float, float]:
        """The (low, high) a whole or number knob allows in this set-up (its own range unless
        other fields narrow it)."""
        return knob.low, knob.high

    # -- validation ----------------------------------------------------------------------------
    def validate(self: S) -> S:
        """Return self if every field is allowed; else raise ValueError naming the first bad one.

        Knobs are checked in ``KNOBS`` order, each within ``bounds`` (which may depend on the
        knobs before it: a task's range of lengths)."""
        for knob in self.KNOBS:
            knob.check(getattr(self, knob.name), self.bounds(knob))
        return self

    def adjust(self, changes: dict[str, Any]) -> dict[str, Any]:
        """The changes that follow from ``changes`` (returns the full set to apply)."""
        return changes

    def with_changes(self: S, **changes: Any) -> S:
        """A validated copy with some fields changed (ValueError if a value is not allowed)."""
        for name in changes:
            self.knob(name)             # KeyError for a field that does not exist
        return replace(self, **self.adjust(dict(changes))).validate()

    @classmethod
    def needs_rebuild(cls, old: Settings, new: Settings) -> bool:
        """True when going from ``old`` to ``new`` needs a new model (a rebuild knob changed)."""
        return any(getattr(old, name) != getattr(new, name) for name in cls.rebuild_fields())

    # -- the URL -------------------------------------------------------------------------------
    def to_query(self) -> dict[str, str]:
        """Every setting as URL query parameters, in ``KNOBS`` order."""
        return {self.URL_PREFIX + knob.name: knob.format(getattr(self, knob.name)) for knob in self.KNOBS}

    @classmethod
    def owns(cls, parameter: str) -> bool:
        """Whether a URL parameter belongs to this page (its prefix, and no longer page prefix)."""
        longer = [p for p in URL_PREFIXES.values() if len(p) > len(cls.URL_PREFIX) and p.startswith(cls.URL_PREFIX)]
        return parameter.startswith(cls.URL_PREFIX) and not any(parameter.startswith(p) for p in longer)

    @classmethod
    def start_from(cls: type[S], params: Mapping[str, str], base: S) -> tuple[S, list[str], set[str]]:
        """The set-up the URL starts from (``base`` unless a parameter picks another), its notices,
        and the parameters that were read for it."""
        return base, [], set()

    @classmethod
    def from_query(cls: type[S], params: Mapping[str, Any], base: S | None = None,
                   ignore: Iterable[str] = ()) -> tuple[S, list[str]]:
        """Read this page's URL parameters onto ``base`` (the defaults); never raises.

        Parameters are applied in ``KNOBS`` order, each through ``with_changes``. A parameter
        that cannot be read or is not allowed keeps ``base``'s value and adds a notice, as does
        one that no knob has. Other pages' parameters and the ``ignore`` names are left alone.
        """
        own = {str(name)[len(cls.URL_PREFIX):]: str(_last(raw))[:500] for name, raw in params.items()
               if cls.owns(str(name)) and str(name) not in set(ignore)}
        settings, notices, used = cls.start_from(own, base if base is not None else cls())
        problems: dict[str, str] = {}       # parameter -> notice, shown in the URL's order
        known = {knob.name for knob in cls.KNOBS}
        for name in own:
            if name not in known and name not in used:
                problems[name] = f"Ignored the unknown URL parameter {cls.URL_PREFIX + name[:40]!r}."
        for knob in cls.KNOBS:
            if knob.name not in own:
                continue
            try:
                value = knob.parse(own[knob.name])
            except (ValueError, OverflowError):
                problem = f"{knob.label} must be {knob.requirement(settings.bounds(knob))}, not {own[knob.name][:40]!r}"
                problems[knob.name] = _url_notice(cls.URL_PREFIX, knob, problem, getattr(settings, knob.name))
                continue
            try:
                settings = settings.with_changes(**{knob.name: value})
            except ValueError as error:
                problems[knob.name] = _url_notice(cls.URL_PREFIX, knob, str(error), getattr(settings, knob.name))
        return settings, notices + [problems[name] for name in own if name in problems]


def _url_notice(prefix: str, knob: Knob, problem: str, kept: Any) -> str:
    shown = knob.format(kept)
    return f"The link's {prefix + knob.name!r} was not used: {problem}; using {shown}."


def _last(raw: Any) -> Any:
    """A repeated query parameter's last value."""
    return raw[-1] if isinstance(raw, (list, tuple)) and raw else raw
