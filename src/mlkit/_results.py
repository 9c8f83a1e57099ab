"""Helpers every result value shares: JSON-safe dictionaries and report files."""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlkit.exceptions import ConfigurationError


class HtmlReport:
    """Gives a result ``to_html(path)`` and a notebook view from its ``_render`` method."""

    __slots__ = ()

    def _render(self, *, standalone: bool) -> str:  # pragma: no cover - every result defines it
        raise NotImplementedError

    def to_html(self, path: str | Path) -> Path:
        """Write the result as one self-contained HTML report.

        Parameters
        ----------
        path : str or Path
            File to write; its folder must exist.

        Returns
        -------
        Path
            The file written.
        """
        return write_text(Path(path), self._render(standalone=True))

    def _repr_html_(self) -> str:
        return self._render(standalone=False)


def write_text(path: Path, text: str) -> Path:
    """Write a report file, refusing with a clear error when its folder is missing."""
    if not path.parent.exists():
        raise ConfigurationError(
            f"Cannot write {str(path)!r}: the folder {str(path.parent)!r} does not exist. "
            "Create it first or choose another path."
        )
    path.write_text(text, encoding="utf-8")
    return path


def json_safe(value: Any) -> Any:
    """Convert ``value`` into plain Python types that ``json.dumps`` accepts."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, pd.Timestamp | np.datetime64):
        return None if pd.isna(value) else pd.Timestamp(value).isoformat()
    if value is None or isinstance(value, str):
        return value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    return str(value)
