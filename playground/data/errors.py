"""The one exception type of the data package."""

from __future__ import annotations


class DataError(ValueError):
    """A data problem explained for a student.

    The message says what is wrong, where (column name, line of the file) when that is
    known, and what to do about it. The UI shows it as plain text.
    """
