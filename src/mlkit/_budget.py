"""The time budget of a search: what is left, and whether a piece of work fits in it.

Work is planned from measured costs: a fold's fit and predict time, scaled to
the rows and the parallel slots it will run on, with a safety margin. A stage
starts a piece of work only when its estimate fits before the stage's
deadline, so a search ends with fewer trials rather than late.
"""

from __future__ import annotations

import math
import time
from typing import Final

import attrs

__all__ = ["SAFETY", "Budget", "parallel_time"]

SAFETY: Final = 1.25  # estimates run short on larger rows (n log n costs) and busy machines


@attrs.define
class Budget:
    """Seconds for a whole search, counted from ``started`` (``None``: unlimited).

    Attributes
    ----------
    seconds : float or None
        The budget.
    started : float
        The ``time.monotonic()`` instant the search started.
    """

    seconds: float | None
    started: float = attrs.field(factory=time.monotonic)

    @property
    def limited(self) -> bool:
        """Whether there is a budget at all."""
        return self.seconds is not None

    def elapsed(self) -> float:
        """Seconds since the start."""
        return time.monotonic() - self.started

    def left(self) -> float:
        """Seconds left (infinite without a budget)."""
        return math.inf if self.seconds is None else self.seconds - self.elapsed()

    def deadline(self, share: float, *, reserve: float = 0.0) -> float:
        """The instant by which a stage given ``share`` of what is left (less ``reserve``) ends."""
        if self.seconds is None:
            return math.inf
        return time.monotonic() + max(0.0, (self.left() - reserve) * share)


def parallel_time(task_seconds: float, n_tasks: int, n_slots: int) -> float:
    """Wall time of ``n_tasks`` equal tasks on ``n_slots`` parallel workers, with the margin.

    Examples
    --------
    >>> parallel_time(2.0, 5, 2)
    7.5
    """
    return SAFETY * task_seconds * math.ceil(n_tasks / max(1, n_slots))
