"""The one place where heavy or optional dependencies are imported, on first use.

``import mlkit`` stays cheap: skops, pandera, scipy.stats and matplotlib load
only when a feature needs them.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from mlkit.exceptions import MissingDependencyError


def pandera() -> ModuleType:
    """Return ``pandera.pandas`` (a runtime dependency, imported lazily)."""
    return importlib.import_module("pandera.pandas")


def matplotlib_figure() -> ModuleType:
    """Return ``matplotlib.figure``, or raise if the ``plots`` extra is missing.

    Raises
    ------
    MissingDependencyError
        When matplotlib is not installed.
    """
    try:
        return importlib.import_module("matplotlib.figure")
    except ImportError as error:
        raise MissingDependencyError(
            "Charts in mlkit reports need matplotlib, which is not installed. "
            "Install it with `pip install 'mlkit[plots]'`."
        ) from error
