"""Bounded training records: per-iteration metrics and parameter snapshots.

Both grow with every iteration yet stay small however long training runs:

* ``History`` keeps the most recent ``recent`` rows at full resolution. When its buffer
  of ``capacity`` rows is full, the older part is halved (every second row kept), so older
  stretches are thinned progressively: after a million iterations it holds at most
  ``capacity`` rows, the oldest spaced widest apart.
* ``SnapshotStore`` keeps snapshots at iteration 0, at powers of two (log-spaced) and at
  every ``interval``-th iteration for the last ``keep_recent`` of those.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


class History:
    """Rows of (iteration, metric values...) with bounded memory.

    Parameters
    ----------
    columns : names of the metric columns (the iteration column is implicit).
    capacity : most rows ever held.
    recent : rows at the end that are never thinned.
    """

    def __init__(self, columns: Sequence[str], capacity: int = 4096, recent: int = 1024):
        if not 0 < recent < capacity:
            raise ValueError("need 0 < recent < capacity")
        self.columns = tuple(columns)
        self.capacity = capacity
        self.recent = recent
        self._rows = np.empty((capacity, 1 + len(self.columns)))
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def append(self, iteration: int, values: Sequence[float]) -> None:
        """Add one row; thin the older rows first if the buffer is full."""
        if self._count == self.capacity:
            self._thin()
        row = self._rows[self._count]
        row[0] = iteration
        row[1:] = values
        self._count += 1

    def _thin(self) -> None:
        older = self._count - self.recent
        kept = self._rows[:older:2].copy()
        n_kept = len(kept)
        self._rows[:n_kept] = kept
        self._rows[n_kept:n_kept + self.recent] = self._rows[older:self._count]
        self._count = n_kept + self.recent

    @property
    def iterations(self) -> np.ndarray:
        """(len,) int64 iteration of each row."""
        return self._rows[:self._count, 0].astype(np.int64)

    def column(self, name: str) -> np.ndarray:
        """(len,) copy of one metric column."""
        return self._rows[:self._count, 1 + self.columns.index(name)].copy()

    def last(self) -> dict[str, float]:
        """The newest row as {column: value} (with "iteration")."""
        if not self._count:
            return {}
        row = self._rows[self._count - 1]
        return {"iteration": int(row[0]), **dict(zip(self.columns, row[1:].tolist()))}

    def previous(self, iterations_back: int) -> dict[str, float]:
        """The newest row at least ``iterations_back`` iterations before the last one."""
        if not self._count:
            return {}
        target = self._rows[self._count - 1, 0] - iterations_back
        index = int(np.searchsorted(self._rows[:self._count, 0], target, side="right")) - 1
        row = self._rows[max(index, 0)]
        return {"iteration": int(row[0]), **dict(zip(self.columns, row[1:].tolist()))}

    def discard_after(self, iteration: int) -> None:
        """Drop every row later than ``iteration`` (used when resuming from a snapshot)."""
        self._count = int(np.searchsorted(self._rows[:self._count, 0], iteration, side="right"))

    def copy(self) -> History:
        other = History(self.columns, self.capacity, self.recent)
        other._rows[:self._count] = self._rows[:self._count]
        other._count = self._count
        return other


@dataclass
class Snapshot:
    """Everything needed to show the network at ``iteration`` and to resume from it."""

    iteration: int
    epoch: int
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    training_state: Any        # the trainer's resumable state (optimizer, generator, batch order)


class SnapshotStore:
    """Snapshots at iteration 0, at powers of two, and the last few multiples of ``interval``."""

    def __init__(self, interval: int = 50, keep_recent: int = 20):
        self.interval = interval
        self.keep_recent = keep_recent
        self._snapshots: dict[int, Snapshot] = {}

    def wants(self, iteration: int) -> bool:
        """Should a snapshot be taken at this iteration?"""
        return iteration & (iteration - 1) == 0 or iteration % self.interval == 0

    def add(self, snapshot: Snapshot) -> None:
        self._snapshots[snapshot.iteration] = snapshot
        recent = [i for i in self._snapshots if i & (i - 1) != 0 and i % self.interval == 0]
        for old in sorted(recent)[:-self.keep_recent]:
            del self._snapshots[old]

    def __len__(self) -> int:
        return len(self._snapshots)

    @property
    def iterations(self) -> list[int]:
        return sorted(self._snapshots)

    def at_or_before(self, iteration: int) -> Snapshot:
        """The latest snapshot not after ``iteration`` (iteration 0 always exists)."""
        best = max(i for i in self._snapshots if i <= iteration)
        return self._snapshots[best]

    def discard_after(self, iteration: int) -> None:
        for later in [i for i in self._snapshots if i > iteration]:
            del self._snapshots[later]
