"""Short labels for long names: charts write the short form and keep the full name for hover."""
from __future__ import annotations

ELLIPSIS = "\u2026"


def short_label(name: str, max_chars: int) -> str:
    """``name`` if it has at most ``max_chars`` characters, else its start and end around an ellipsis.

    Both ends are kept because either may be the part that tells two names apart
    ("mean radius" and "mean texture", "occupation_husb" and "occupation_wife"): the start
    gets 60 % of the ``max_chars - 1`` characters (it usually says what kind of quantity it
    is), the end the rest.
    """
    if max_chars < 3:
        raise ValueError(f"max_chars must be at least 3, not {max_chars}")
    name = str(name)
    if len(name) <= max_chars:
        return name
    room = max_chars - 1
    head = round(0.6 * room)
    return name[:head] + ELLIPSIS + name[len(name) - (room - head):]
