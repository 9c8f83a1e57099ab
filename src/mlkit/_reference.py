"""The training-data sketch an artifact carries: what drift is measured against.

Its size does not grow with the number of training rows: per numeric column
101 quantiles and a 20-bin histogram, per categorical column the shares of
its 50 most frequent values, and the same for the model's predictions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from mlkit._results import json_safe

SKETCH_VERSION = 1
_QUANTILES = np.linspace(0.0, 1.0, 101)
_BINS = 20
_TOP = 50


def sketch_frame(
    X: pd.DataFrame,
    *,
    predictions: pd.Series | None = None,
    probabilities: pd.DataFrame | None = None,
    metrics: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Summarise ``X`` (and the model's outputs on it) in a few kilobytes per column."""
    sketch: dict[str, Any] = {
        "sketch_version": SKETCH_VERSION,
        "rows": len(X),
        "columns": {str(name): sketch_column(X[name]) for name in X.columns},
        "baseline_metrics": json_safe(dict(metrics or {})),
    }
    if predictions is not None:
        sketch["predictions"] = sketch_column(predictions)
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
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        # Seconds since the epoch, in the column's own unit and time zone (no overflow).
        epoch = pd.Timestamp(0, tz=getattr(series.dt, "tz", None))
        seconds = (series - epoch) / pd.Timedelta(seconds=1)
        return {
            "kind": "datetime",
            "missing_share": missing,
            **_numeric(seconds.where(series.notna())),
        }
    return {"kind": "category", "missing_share": missing, **_categorical(series)}


def _numeric(series: pd.Series) -> dict[str, Any]:
    values = series.to_numpy(np.float64, na_value=np.nan)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return {"count": 0}
    counts, edges = np.histogram(values, bins=_BINS)
    return {
        "count": int(values.size),
        "mean": float(values.mean()),
        "std": float(values.std()),
        "min": float(values.min()),
        "max": float(values.max()),
        "quantiles": np.quantile(values, _QUANTILES).tolist(),
        "histogram": {"edges": edges.tolist(), "counts": counts.tolist()},
    }


def _categorical(series: pd.Series) -> dict[str, Any]:
    present = series.dropna().astype(str)
    if present.empty:
        return {"count": 0, "distinct": 0, "shares": {}, "other_share": 0.0}
    shares = present.value_counts(normalize=True, sort=True)
    top = shares.iloc[:_TOP]
    return {
        "count": len(present),
        "distinct": len(shares),
        "shares": {str(k): float(v) for k, v in top.items()},
        "other_share": float(max(0.0, 1.0 - top.sum())),
    }
