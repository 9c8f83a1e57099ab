"""Model metrics on labelled current data, with a bootstrap confidence interval.

Metrics use scikit-learn's scorer names and their sign: greater is better, so
errors appear negated (``neg_root_mean_squared_error``), as in ModelSearch.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd
from sklearn import metrics

from mlkit.exceptions import ConfigurationError

_MAX_BOOTSTRAP_ROWS: Final = 20_000  # rows resampled per bootstrap draw, at most


def _roc_auc(y: np.ndarray, labels: np.ndarray, proba: np.ndarray, classes: list[Any]) -> float:
    if len(classes) == 2:
        return float(metrics.roc_auc_score(y == classes[1], proba[:, 1]))
    return float(metrics.roc_auc_score(y, proba, labels=classes, multi_class="ovr"))


def _log_loss(y: np.ndarray, labels: np.ndarray, proba: np.ndarray, classes: list[Any]) -> float:
    return -float(metrics.log_loss(y, proba, labels=classes))


def _f1(y: np.ndarray, labels: np.ndarray, proba: Any, classes: list[Any]) -> float:
    return float(metrics.f1_score(y, labels, pos_label=classes[-1], zero_division=0.0))


_Metric = Callable[[np.ndarray, np.ndarray, Any, list[Any]], float]

# name -> (function of (y, labels or values, probabilities, classes), needs probabilities)
METRICS: Final[dict[str, tuple[_Metric, bool]]] = {
    "roc_auc": (_roc_auc, True),
    "neg_log_loss": (_log_loss, True),
    "balanced_accuracy": (lambda y, p, _, __: float(metrics.balanced_accuracy_score(y, p)), False),
    "accuracy": (lambda y, p, _, __: float(metrics.accuracy_score(y, p)), False),
    "f1": (_f1, False),
    "f1_macro": (
        lambda y, p, _, __: float(metrics.f1_score(y, p, average="macro", zero_division=0.0)),
        False,
    ),
    "r2": (lambda y, p, _, __: float(metrics.r2_score(y, p)), False),
    "neg_root_mean_squared_error": (
        lambda y, p, _, __: -math.sqrt(float(metrics.mean_squared_error(y, p))),
        False,
    ),
    "neg_mean_absolute_error": (
        lambda y, p, _, __: -float(metrics.mean_absolute_error(y, p)),
        False,
    ),
}
DEFAULTS: Final = {
    "binary": ("roc_auc", "balanced_accuracy"),
    "multiclass": ("balanced_accuracy", "accuracy"),
    "regression": ("neg_root_mean_squared_error", "r2"),
}
_BASELINE_NAMES: Final = (
    re.compile(r"^(?P<name>.+)$"),
    re.compile(r"^(?:test|holdout|hold_out|held_out)_(?P<name>.+)$"),
    re.compile(r"^cv_(?P<name>.+)_mean$"),
)


def check_scoring(scoring: Any, owner: str) -> None:
    """Refuse a scoring that is not None, a supported name or a list of them."""
    names = [scoring] if isinstance(scoring, str) else scoring
    if scoring is None:
        return
    if (
        not isinstance(names, list | tuple)
        or not names
        or any(not isinstance(n, str) or n not in METRICS for n in names)
    ):
        raise ConfigurationError(
            f"The 'scoring' parameter of {owner} must be None, one of {sorted(METRICS)} or a "
            f"list of them. Got {scoring!r} instead."
        )


def metric_names(scoring: Any, task: str) -> tuple[str, ...]:
    """The metrics to report: the ones asked for, else the task's defaults."""
    if scoring is None:
        return DEFAULTS[task]
    names = (scoring,) if isinstance(scoring, str) else tuple(scoring)
    if task == "regression":
        return tuple(n for n in names if not METRICS[n][1] and n in _REGRESSION)
    return tuple(n for n in names if n not in _REGRESSION)


_REGRESSION: Final = frozenset({"r2", "neg_root_mean_squared_error", "neg_mean_absolute_error"})


def baseline_metrics(recorded: Mapping[str, float | None]) -> dict[str, float]:
    """Metrics by scorer name from what was recorded.

    ``roc_auc`` itself is preferred, then a held-back score (``test_roc_auc``,
    ``holdout_roc_auc``), then the cross-validated mean (``cv_roc_auc_mean``).
    """
    found: dict[str, tuple[int, float]] = {}
    for key, value in recorded.items():
        if value is None:  # a metric the model could not compute, written as null
            continue
        for rank, pattern in enumerate(_BASELINE_NAMES):
            match = pattern.match(key)
            if match and match["name"] in METRICS:
                name = match["name"]
                if name not in found or rank < found[name][0]:
                    found[name] = (rank, float(value))
                break
    return {name: value for name, (_, value) in found.items()}


def score(
    name: str,
    y: np.ndarray,
    labels: np.ndarray,
    probabilities: np.ndarray | None,
    classes: list[Any] | None,
) -> float:
    """One metric on one sample; NaN where it is undefined (one class, no probabilities)."""
    function, needs_probabilities = METRICS[name]
    if needs_probabilities and probabilities is None:
        return math.nan
    if classes is not None and len(np.unique(y)) < 2 and name in {"roc_auc", "neg_log_loss"}:
        return math.nan
    try:
        with warnings.catch_warnings():
            # A window may lack a class the model predicted: the metric is still defined.
            warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")
            return function(y, labels, probabilities, list(classes or []))
    except ValueError:
        return math.nan


def bootstrap_interval(
    name: str,
    y: np.ndarray,
    labels: np.ndarray,
    probabilities: np.ndarray | None,
    classes: list[Any] | None,
    *,
    n_bootstrap: int,
    level: float,
    rng: np.random.Generator,
) -> tuple[float, float]:
    """Percentile bootstrap interval of a metric (NaN, NaN when it cannot be estimated).

    Above 20,000 rows each draw resamples 20,000 of them, so the interval is
    wider than the sample's own: conservative, never falsely narrow.
    """
    size = min(len(y), _MAX_BOOTSTRAP_ROWS)
    if n_bootstrap == 0 or len(y) < 2:
        return math.nan, math.nan
    values = []
    for _ in range(n_bootstrap):
        rows = rng.integers(0, len(y), size=size)
        values.append(
            score(
                name,
                y[rows],
                labels[rows],
                None if probabilities is None else probabilities[rows],
                classes,
            )
        )
    finite = np.asarray(values)[np.isfinite(values)]
    if finite.size < max(10, n_bootstrap // 2):
        return math.nan, math.nan
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(finite, [tail, 100 - tail])
    return float(low), float(high)


def as_labels(y: Any, *, subject: str) -> np.ndarray:
    """A target given as a Series, list or array, as a one-dimensional array."""
    values = y.to_numpy() if isinstance(y, pd.Series) else np.asarray(y)
    if values.ndim != 1:
        raise ConfigurationError(
            f"{subject} must be one-dimensional (one value per row); got {values.ndim} "
            "dimensions. Pass the target column as a Series."
        )
    return values
