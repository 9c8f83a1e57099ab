"""Relations between columns: correlations, associations with a target, leakage.

Every measure here lies in [0, 1] (or [-1, 1] for correlations) so that one
threshold reads the same way for every pair of column types:

- numeric with numeric: Pearson and Spearman correlation;
- categorical with categorical: Cramér's V with Bergsma's bias correction;
- numeric with categorical: the correlation ratio (eta).

Leakage is judged by what a feature *alone* predicts on rows it was not
fitted on: each feature is cut into bins (quantiles for numbers, the most
frequent categories for labels), each bin predicts the majority class (or the
mean) of the first half of the rows, and the score is measured on the second.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from mlkit._column_scan import centred_and_scaled, feature_values, to_float
from mlkit._profile import ColumnProfile, TargetSuggestion, Task

_MAX_CATEGORIES: Final = 50
_ROWS_PER_LEAKAGE_BIN: Final = 25
_LEAKAGE_BINS_RANGE: Final = (20, 500)
_MAX_CLASSES_FOR_INTEGERS: Final = 10
_TARGET_NAME: Final = re.compile(
    r"^(y|target|label|labels|class|outcome|response)$|"
    r"(churn|fraud|default|survived|price|sales|revenue|spend|target|label)",
    re.IGNORECASE,
)

NUMERIC_KINDS: Final = frozenset({"numeric", "datetime"})
LABEL_KINDS: Final = frozenset({"categorical", "boolean"})


def is_numeric_feature(column: ColumnProfile) -> bool:
    """Whether a column is measured as a number in associations."""
    return column.semantic_type in NUMERIC_KINDS or (
        column.semantic_type == "boolean" and column.numeric is not None
    )


def numeric_correlations(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Pearson and Spearman correlations among the float columns of ``frame``.

    Spearman is the Pearson correlation of ranks, each column ranked once over
    its non-missing values; both use pairwise-complete rows.

    Parameters
    ----------
    frame : pandas.DataFrame
        float64 columns; infinity already replaced by ``nan``.

    Returns
    -------
    dict
        ``{"pearson": DataFrame, "spearman": DataFrame}``.
    """
    if frame.shape[1] < 2:
        return {}
    return {
        "pearson": frame.corr(method="pearson"),
        "spearman": frame.rank().corr(method="pearson"),
    }


def category_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """Codes of the most frequent categories; the rest share one code, missing another.

    Parameters
    ----------
    series : pandas.Series
        A label column.

    Returns
    -------
    codes : numpy.ndarray
        Non-negative int64 codes.
    n_codes : int
        Number of distinct codes possible.
    """
    as_text = series.astype(object).map(str, na_action="ignore")
    codes, uniques = pd.factorize(as_text, use_na_sentinel=True)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    keep = np.argsort(-counts, kind="stable")[:_MAX_CATEGORIES]
    remap = np.full(len(uniques) + 1, len(keep), dtype=np.int64)  # "other"
    remap[keep] = np.arange(len(keep))
    remap[-1] = len(keep) + 1  # missing, via code -1
    return remap[codes], len(keep) + 2


def cramers_v(a: np.ndarray, n_a: int, b: np.ndarray, n_b: int) -> float:
    """Bias-corrected Cramér's V between two coded label columns.

    Parameters
    ----------
    a, b : numpy.ndarray
        Non-negative codes, same length.
    n_a, n_b : int
        Number of possible codes in each.

    Returns
    -------
    float
        In [0, 1]; ``nan`` when either column has a single value.
    """
    n = len(a)
    table = np.bincount(a * n_b + b, minlength=n_a * n_b).reshape(n_a, n_b).astype(float)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    rows, cols = table.shape
    if n < 2 or rows < 2 or cols < 2:
        return math.nan
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    phi2 = float(((table - expected) ** 2 / expected).sum()) / n
    phi2_corrected = max(0.0, phi2 - (rows - 1) * (cols - 1) / (n - 1))
    rows_corrected = rows - (rows - 1) ** 2 / (n - 1)
    cols_corrected = cols - (cols - 1) ** 2 / (n - 1)
    denominator = min(rows_corrected - 1, cols_corrected - 1)
    return math.sqrt(phi2_corrected / denominator) if denominator > 0 else math.nan


def cramers_v_matrix(coded: Mapping[str, tuple[np.ndarray, int]]) -> pd.DataFrame:
    """Cramér's V between every pair of coded label columns."""
    names = list(coded)
    matrix = np.eye(len(names))
    for i, first in enumerate(names):
        for j in range(i + 1, len(names)):
            value = cramers_v(*coded[first], *coded[names[j]])
            matrix[i, j] = matrix[j, i] = value
    return pd.DataFrame(matrix, index=names, columns=names)


def correlation_ratio(groups: np.ndarray, n_groups: int, values: np.ndarray) -> float:
    """Correlation ratio eta of ``values`` across ``groups`` (missing values dropped).

    Parameters
    ----------
    groups : numpy.ndarray
        Non-negative group codes.
    n_groups : int
        Number of possible codes.
    values : numpy.ndarray
        float64 values; ``nan`` rows are ignored.

    Returns
    -------
    float
        In [0, 1]; ``nan`` when the values do not vary.
    """
    present = np.isfinite(values)
    groups, values = groups[present], values[present]
    if len(values) < 2:
        return math.nan
    values = centred_and_scaled(values)[0]
    mean = float(values.mean())
    total = float(((values - mean) ** 2).sum())
    if total == 0:
        return math.nan
    counts = np.bincount(groups, minlength=n_groups)
    sums = np.bincount(groups, weights=values, minlength=n_groups)
    used = counts > 0
    group_means = sums[used] / counts[used]
    between = float((counts[used] * (group_means - mean) ** 2).sum())
    return math.sqrt(min(1.0, between / total))


def infer_task(series: pd.Series) -> Task:
    """Infer the learning task a target column implies.

    Two distinct values make a binary task; labels, or integers with at most
    ten distinct values, a multiclass one; other numbers a regression.

    Parameters
    ----------
    series : pandas.Series
        The target column.

    Returns
    -------
    {"binary", "multiclass", "regression"}
        The task.
    """
    values = series.dropna()
    n_unique = values.nunique()
    if n_unique <= 2:
        return "binary"
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        return "multiclass"
    numbers = values.to_numpy(dtype=np.float64)
    integral = bool(np.all(np.mod(numbers[np.isfinite(numbers)], 1) == 0))
    return "multiclass" if integral and n_unique <= _MAX_CLASSES_FOR_INTEGERS else "regression"


def feature_codes(column: ColumnProfile, series: pd.Series) -> tuple[np.ndarray, int]:
    """Bin a feature for the leakage check.

    Numbers fall into quantile bins of about 25 rows each (20 to 500 bins);
    labels keep their most frequent categories. Missing values get a bin of
    their own.
    """
    if not is_numeric_feature(column):
        return category_codes(series)
    values = feature_values(column, series)
    low, high = _LEAKAGE_BINS_RANGE
    n_bins = int(np.clip(len(values) // _ROWS_PER_LEAKAGE_BIN, low, high))
    finite = np.isfinite(values)
    codes = np.full(len(values), n_bins, dtype=np.int64)  # missing bin
    if finite.any():
        ranks = pd.Series(values[finite]).rank(method="average", pct=True).to_numpy()
        codes[finite] = np.minimum((ranks * n_bins).astype(np.int64), n_bins - 1)
    return codes, n_bins + 1


def predictive_power(
    codes: np.ndarray, n_codes: int, target: np.ndarray, task: Task, fit_half: np.ndarray
) -> float:
    """Score a binned feature alone as a predictor of the target, on held-out rows.

    Parameters
    ----------
    codes : numpy.ndarray
        The feature's bins.
    n_codes : int
        Number of bins.
    target : numpy.ndarray
        Class codes (classification) or float values (regression); rows with a
        missing target already removed.
    task : {"binary", "multiclass", "regression"}
        The task.
    fit_half : numpy.ndarray
        Boolean mask of the rows each bin learns from; the others are scored.

    Returns
    -------
    float
        Balanced accuracy (classification) or R² (regression) on held-out rows.
    """
    score_half = ~fit_half
    if not fit_half.any() or not score_half.any():
        return math.nan
    if task == "regression":
        return _binned_r2(codes, n_codes, target, fit_half, score_half)
    return _binned_balanced_accuracy(codes, n_codes, target.astype(np.int64), fit_half, score_half)


def _binned_r2(
    codes: np.ndarray, n_codes: int, y: np.ndarray, fit: np.ndarray, score: np.ndarray
) -> float:
    finite = np.isfinite(y)
    fit, score = fit & finite, score & finite
    if not fit.any() or not score.any():
        return math.nan
    y = np.where(finite, y, 0.0)
    y[finite] = centred_and_scaled(y[finite])[0]
    counts = np.bincount(codes[fit], minlength=n_codes)
    sums = np.bincount(codes[fit], weights=y[fit], minlength=n_codes)
    fallback = float(y[fit].mean())
    means = np.where(counts > 0, sums / np.maximum(counts, 1), fallback)
    truth = y[score]
    residual = float(((truth - means[codes[score]]) ** 2).sum())
    total = float(((truth - truth.mean()) ** 2).sum())
    return 1.0 - residual / total if total > 0 else math.nan


def _binned_balanced_accuracy(
    codes: np.ndarray, n_codes: int, y: np.ndarray, fit: np.ndarray, score: np.ndarray
) -> float:
    n_classes = int(y.max()) + 1
    table = np.bincount(codes[fit] * n_classes + y[fit], minlength=n_codes * n_classes)
    table = table.reshape(n_codes, n_classes)
    prior = np.bincount(y[fit], minlength=n_classes)
    # Each bin predicts the class it holds most of relative to that class's overall share:
    # the rule that maximises balanced accuracy, so a minority class can win a bin.
    lift = table / np.maximum(prior, 1)
    majority = int(prior.argmax())
    prediction = np.where(table.sum(axis=1) > 0, lift.argmax(axis=1), majority)[codes[score]]
    truth = y[score]
    recalls = [float((prediction[truth == k] == k).mean()) for k in np.unique(truth)]
    return float(np.mean(recalls))


def suggest_targets(
    columns: Sequence[ColumnProfile], n_rows: int, *, limit: int = 3
) -> tuple[TargetSuggestion, ...]:
    """Rank the columns that look most like a prediction target.

    Parameters
    ----------
    columns : sequence of ColumnProfile
        The profiled columns, in frame order.
    n_rows : int
        Rows in the frame.
    limit : int
        How many suggestions at most.

    Returns
    -------
    tuple of TargetSuggestion
        Best first.
    """
    suggestions = []
    for position, column in enumerate(columns):
        if column.semantic_type not in {"numeric", "categorical", "boolean"}:
            continue
        score, reasons = _target_evidence(column, position == len(columns) - 1, n_rows)
        task: Task = (
            "binary"
            if column.n_unique == 2
            else "regression"
            if column.semantic_type == "numeric" and column.n_unique > _MAX_CLASSES_FOR_INTEGERS
            else "multiclass"
        )
        suggestions.append(
            TargetSuggestion(column=column.name, task=task, score=score, reasons=tuple(reasons))
        )
    suggestions.sort(key=lambda s: -s.score)
    return tuple(suggestions[:limit])


def _target_evidence(column: ColumnProfile, is_last: bool, n_rows: int) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    if _TARGET_NAME.search(column.name):
        score += 3.0
        reasons.append("its name is typical of a target")
    if is_last:
        score += 1.0
        reasons.append("it is the last column")
    if column.n_unique == 2:
        score += 1.5
        reasons.append("it has exactly two values")
    elif column.semantic_type == "categorical" and column.n_unique <= _MAX_CLASSES_FOR_INTEGERS:
        score += 1.0
        reasons.append(f"it has few classes ({column.n_unique})")
    elif column.semantic_type == "numeric" and column.n_unique > 0.05 * n_rows:
        score += 0.5
        reasons.append("it is a continuous number")
    if column.n_missing == 0:
        score += 0.5
        reasons.append("it has no missing values")
    return score, reasons


def association_with_target(
    column: ColumnProfile,
    series: pd.Series,
    target: pd.Series,
    task: Task,
) -> tuple[float, str]:
    """Association of one feature with the target, in [0, 1], and the measure used.

    Parameters
    ----------
    column : ColumnProfile
        The feature's profile.
    series : pandas.Series
        The feature (sampled rows).
    target : pandas.Series
        The target, same rows.
    task : {"binary", "multiclass", "regression"}
        The task.

    Returns
    -------
    (float, str)
        The value, and ``"spearman"``, ``"cramers_v"`` or ``"correlation_ratio"``.
    """
    numeric = is_numeric_feature(column)
    if task == "regression":
        y = to_float(target)
        if numeric:
            pair = pd.DataFrame({"x": feature_values(column, series), "y": y}).replace(
                [np.inf, -np.inf], np.nan
            )
            rho = pair.rank().corr().to_numpy()[0, 1]
            return abs(float(rho)), "spearman"
        return correlation_ratio(*category_codes(series), y), "correlation_ratio"
    classes = category_codes(target)
    if numeric:
        values = feature_values(column, series)
        values = np.where(np.isfinite(values), values, np.nan)
        return correlation_ratio(*classes, values), "correlation_ratio"
    return cramers_v(*category_codes(series), *classes), "cramers_v"


def as_python(value: Any) -> Any:
    """Turn a numpy scalar into the matching Python scalar."""
    return value.item() if isinstance(value, np.generic) else value
