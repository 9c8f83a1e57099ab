"""The training-data sketch an artifact carries: what drift is measured against.

Its size does not grow with the number of training rows: per numeric column
101 quantiles and a 20-bin histogram (and, for a column of at most 200
distinct values, the share of each), per categorical column the shares of its
200 most frequent values, and the same for the model's predictions.

Version 2 added the ``levels`` of discrete numeric columns, quantiles in the
tails, ``integral`` and up to 200 categories (version 1 kept 50); version 1 sketches are still read
(their discrete columns are compared through their quantiles).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlkit._results import json_safe

SKETCH_VERSION = 2
READABLE_SKETCH_VERSIONS = (1, 2)
_QUANTILES = np.linspace(0.0, 1.0, 101)
# Finer quantiles in the tails, where a straight line from the minimum to the 1st
# percentile would put far too much mass (for a normal sample, 0.007 sd of area each side).
TAIL_LEVELS = (0.0001, 0.0005, 0.001, 0.002, 0.005, 0.995, 0.998, 0.999, 0.9995, 0.9999)
_BINS = 20
_TOP = 200  # categories, or distinct numbers, whose shares are kept


def sketch_frame(
    X: pd.DataFrame,
    *,
    predictions: pd.Series | None = None,
    probabilities: pd.DataFrame | None = None,
    metrics: Mapping[str, float] | None = None,
    labels: bool = False,
) -> dict[str, Any]:
    """Summarise ``X`` (and the model's outputs on it) in a few kilobytes per column.

    ``labels`` says the predictions are class labels: categories, even when
    the labels are numbers.
    """
    sketch: dict[str, Any] = {
        "sketch_version": SKETCH_VERSION,
        "rows": len(X),
        "columns": {str(name): sketch_column(X[name]) for name in X.columns},
        "baseline_metrics": json_safe(dict(metrics or {})),
    }
    if predictions is not None:
        sketch["predictions"] = (
            {
                "kind": "category",
                "missing_share": float(predictions.isna().mean()) if len(predictions) else 0.0,
                **_categorical(predictions),
            }
            if labels
            else sketch_column(predictions)
        )
    if probabilities is not None:
        sketch["probabilities"] = {
            str(label): sketch_column(probabilities[label]) for label in probabilities.columns
        }
    return sketch


def sketch_column(series: pd.Series) -> dict[str, Any]:
    """A numeric column's quantiles and histogram, or a categorical one's frequencies."""
    missing = float(series.isna().mean()) if len(series) else 0.0
    is_number = pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(
        series.dtype
    )
    if is_number:
        return {"kind": "number", "missing_share": missing, **_numeric(series)}
    if pd.api.types.is_timedelta64_dtype(series.dtype):  # durations, in seconds
        return {"kind": "number", "missing_share": missing, **_numeric(as_seconds(series))}
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return {"kind": "datetime", "missing_share": missing, **_numeric(as_seconds(series))}
    numbers = numbers_in_text(series)
    if numbers is not None:  # "12.50" and the like: compared as numbers
        missing = float(numbers.isna().mean())
        return {"kind": "number", "missing_share": missing, "from_text": True, **_numeric(numbers)}
    return {"kind": "category", "missing_share": missing, **_categorical(series)}


def as_seconds(series: pd.Series) -> pd.Series:
    """Datetimes as seconds since the epoch (in their own zone), durations as seconds.

    Other columns are returned as they are. Computed in the column's own unit,
    so far-future dates do not overflow.
    """
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        epoch = pd.Timestamp(0, tz=getattr(series.dt, "tz", None))
        seconds: pd.Series = ((series - epoch) / pd.Timedelta(seconds=1)).where(series.notna())
        return seconds
    if pd.api.types.is_timedelta64_dtype(series.dtype):
        durations: pd.Series = series.dt.total_seconds()
        return durations
    return series


def numbers_in_text(series: pd.Series) -> pd.Series | None:
    """Text that reads as numbers (at least 95 % of present values), parsed; else None."""
    if not (
        pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
    ):
        return None
    present = int(series.notna().sum())
    if present == 0:
        return None
    parsed = pd.to_numeric(series, errors="coerce")
    if not pd.api.types.is_numeric_dtype(parsed.dtype) or parsed.notna().sum() < 0.95 * present:
        return None
    return parsed.astype(np.float64)


def _numeric(series: pd.Series) -> dict[str, Any]:
    values = series.to_numpy(np.float64, na_value=np.nan)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"count": 0}
    levels, level_counts = np.unique(values, return_counts=True)
    discrete = (
        {
            "levels": [
                [float(v), float(c) / values.size]
                for v, c in zip(levels, level_counts, strict=True)
            ]
        }
        if levels.size <= _TOP
        else {}
    )
    with np.errstate(over="ignore", invalid="ignore"):  # a spread beyond float64 is inf
        std = float(values.std())
    return {
        "count": int(values.size),
        "mean": float(np.mean(values, dtype=np.float64)),
        "std": std,
        "min": float(values.min()),
        "max": float(values.max()),
        "integral": bool(np.all(values == np.round(values))),
        "quantiles": np.quantile(values, _QUANTILES).tolist(),
        "tail_quantiles": np.quantile(values, TAIL_LEVELS).tolist(),
        "histogram": _histogram(values),
        **discrete,
    }


def _histogram(values: np.ndarray) -> dict[str, list[float]]:
    low, high = float(values.min()), float(values.max())
    edges = np.linspace(low, high, _BINS + 1)
    if not np.all(np.diff(edges) > 0):  # one value, or a range too narrow for its magnitude
        return {"edges": [low, high], "counts": [float(values.size)]}
    with np.errstate(all="ignore"):
        counts, _ = np.histogram(values, bins=edges)
    return {"edges": edges.tolist(), "counts": counts.tolist()}


def category_labels(values: Any) -> pd.Index:
    """Category values as text, whole floats written as integers (1.0 and 1 are "1")."""
    index = pd.Index(values)
    if index.dtype == object and len(index):
        index = pd.Index(index.tolist())  # numbers held as objects get a numeric dtype
    if pd.api.types.is_float_dtype(index.dtype):
        numbers = index.to_numpy(np.float64)
        if np.all((numbers == np.round(numbers)) & (np.abs(numbers) < 2.0**53)):
            index = pd.Index(numbers.astype(np.int64))
    text: pd.Index = index.astype(str)
    return text


def _categorical(series: pd.Series) -> dict[str, Any]:
    counts = series.value_counts(dropna=True)
    if counts.empty:
        return {"count": 0, "distinct": 0, "shares": {}, "other_share": 0.0}
    counts.index = category_labels(counts.index)
    counts = counts.groupby(level=0, sort=False).sum().sort_values(ascending=False, kind="stable")
    shares = counts / counts.sum()
    top = shares.iloc[:_TOP]
    return {
        "count": int(counts.sum()),
        "distinct": len(shares),
        "shares": {str(k): float(v) for k, v in top.items()},
        "other_share": float(max(0.0, 1.0 - top.sum())),
    }
