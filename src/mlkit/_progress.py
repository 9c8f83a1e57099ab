"""A one-line progress bar on standard error: the stage, its steps, the time spent.

On a terminal or in a notebook the line is redrawn in place; elsewhere (a log
file, CI) each stage prints one line when it starts, so logs stay readable.
``Progress(enabled=False)`` writes nothing.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

__all__ = ["Progress"]

_WIDTH = 20


class Progress:
    """The progress of a multi-stage job.

    Parameters
    ----------
    title : str
        What runs (``"ModelSearch"``).
    enabled : bool
        Whether to write anything.
    budget : float, optional
        Seconds allowed, shown beside the time spent.
    stream : file, optional
        Where to write (default: ``sys.stderr`` at the time of each write).
    """

    def __init__(
        self,
        title: str,
        *,
        enabled: bool,
        budget: float | None = None,
        stream: TextIO | None = None,
    ) -> None:
        self.title = title
        self.enabled = enabled
        self.budget = budget
        self._stream = stream
        self._started = time.monotonic()
        self._stage, self._total, self._done, self._detail = "", 0, 0, ""
        self._drawn = False

    @property
    def stream(self) -> TextIO:
        """Where the bar is written."""
        return self._stream if self._stream is not None else sys.stderr

    def stage(self, name: str, total: int) -> None:
        """Start a stage of ``total`` steps."""
        self._stage, self._total, self._done, self._detail = name, total, 0, ""
        if self.enabled and not self._interactive():
            self.stream.write(f"{self.title}: {name} ({total} steps) at {self._clock()}\n")
        self._draw()

    def advance(self, steps: int = 1, detail: str = "") -> None:
        """Record ``steps`` more steps done; ``detail`` names the latest."""
        self._done = min(self._total, self._done + steps)
        self._detail = detail
        self._draw()

    def close(self, summary: str) -> None:
        """End the bar with a last line."""
        if not self.enabled:
            return
        prefix = "\r" if self._drawn else ""
        self.stream.write(f"{prefix}{self.title}: {summary} in {self._clock()}".ljust(79) + "\n")
        self.stream.flush()

    def _draw(self) -> None:
        if not (self.enabled and self._interactive()):
            return
        filled = _WIDTH * self._done // max(1, self._total)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        line = (
            f"{self.title} {self._stage:<8} [{bar}] {self._done}/{self._total} "
            f"{self._detail[:24]:<24} {self._clock()}"
        )
        self.stream.write("\r" + line)
        self.stream.flush()
        self._drawn = True

    def _clock(self) -> str:
        spent = f"{time.monotonic() - self._started:.0f} s"
        return spent if self.budget is None else f"{spent} of {self.budget:g} s"

    def _interactive(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty()) or "ipykernel" in sys.modules
