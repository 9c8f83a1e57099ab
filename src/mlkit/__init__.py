"""mlkit: from raw DataFrame to a versioned model artifact that applications import.

The public API is what this module exports in ``__all__``; every other module
is private. Errors live in :mod:`mlkit.exceptions`, demo data in
:mod:`mlkit.datasets`.
"""

from __future__ import annotations

import logging as _logging

from mlkit import datasets, exceptions, testing
from mlkit._acceptance import Check, Relative, Verdict
from mlkit._cleaner import Cleaner
from mlkit._drift import DriftMonitor
from mlkit._drift_report import DriftReport, DriftTimeline, FeatureDrift, MetricChange, Retrain
from mlkit._ensemble import EnsembleComparison
from mlkit._errors import ErrorAnalysis
from mlkit._features import FeatureBuilder
from mlkit._golden import SelfTest
from mlkit._inference_log import JsonLinesLog, SQLiteLog
from mlkit._manifest import Manifest
from mlkit._model import Model, load
from mlkit._packager import Artifact, Packager
from mlkit._pipeline import Pipeline, PipelineRun
from mlkit._profile import (
    Alert,
    ColumnProfile,
    Histogram,
    NumericSummary,
    Profile,
    TargetProfile,
    TargetSuggestion,
)
from mlkit._profiler import Profiler
from mlkit._rows import RowCleaning, clean_rows
from mlkit._screen import Screening
from mlkit._search import ModelSearch, SearchResult
from mlkit._selection import Finalist, Selection
from mlkit._shortlist import ShortlistChoice
from mlkit._split import Split
from mlkit._splitter import Splitter
from mlkit._tune import Tuning
from mlkit.exceptions import (
    ConfigurationError,
    DataError,
    MlkitError,
)

__version__ = "0.1.0"

__all__ = [
    "Alert",
    "Artifact",
    "Check",
    "Cleaner",
    "ColumnProfile",
    "ConfigurationError",
    "DataError",
    "DriftMonitor",
    "DriftReport",
    "DriftTimeline",
    "EnsembleComparison",
    "ErrorAnalysis",
    "FeatureBuilder",
    "FeatureDrift",
    "Finalist",
    "Histogram",
    "JsonLinesLog",
    "Manifest",
    "MetricChange",
    "MlkitError",
    "Model",
    "ModelSearch",
    "NumericSummary",
    "Packager",
    "Pipeline",
    "PipelineRun",
    "Profile",
    "Profiler",
    "Relative",
    "Retrain",
    "RowCleaning",
    "SQLiteLog",
    "Screening",
    "SearchResult",
    "Selection",
    "SelfTest",
    "ShortlistChoice",
    "Split",
    "Splitter",
    "TargetProfile",
    "TargetSuggestion",
    "Tuning",
    "Verdict",
    "__version__",
    "clean_rows",
    "datasets",
    "exceptions",
    "load",
    "testing",
]

# A library logs; the application decides where records go (no "last resort" printing).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

# Show public names as mlkit.Name, not mlkit._module.Name, in reprs and docs.
for _name in __all__:
    _obj = globals()[_name]
    if isinstance(_obj, type):
        _obj.__module__ = __name__
del _name, _obj
