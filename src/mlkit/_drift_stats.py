"""Drift statistics of one column against its reference sketch.

Every function compares current values with a fixed-size sketch from
:mod:`mlkit._reference`, never with the reference rows themselves, so a check
costs one pass over the current data.

Numeric columns
    The current values are counted against the reference's 101 quantiles in
    one ``searchsorted`` pass. From those counts come the Kolmogorov-Smirnov
    statistic (largest gap between the two CDFs at the reference quantiles),
    the Wasserstein-1 distance (area between the CDFs, plus the mass beyond the
    reference's range) in reference standard deviations, and a chi-square test
    of homogeneity and PSI over the reference deciles.
Categorical columns
    The shares of the reference's top 50 values (of a column with more, only
    those seen at least 50 times) plus an "other" bucket:
    chi-square test of homogeneity, Jensen-Shannon distance (base 2, in
    [0, 1]) and PSI.

The chi-square test is the evidence for both kinds: over reference deciles it
sees a change of scale as well as of location, where Kolmogorov-Smirnov is
weak on scale (at n = 10,000 it misses a 20 % variance change about one time
in four). Kolmogorov-Smirnov is reported as a distance.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial.distance import jensenshannon

_PSI_FLOOR = 1e-4  # smallest share PSI takes a logarithm of
# Of a column with more categories than the sketch kept, only values seen at least this
# often in the reference are compared one by one: the top 50 of many rare values are
# the ones that were frequent by chance, and would look like drift on any new sample.
_SELECTED_COUNT = 50


def numeric_values(series: pd.Series) -> np.ndarray:
    """A numeric, boolean or datetime column as float64 (datetimes in epoch seconds)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        epoch = pd.Timestamp(0, tz=getattr(series.dt, "tz", None))
        series = ((series - epoch) / pd.Timedelta(seconds=1)).where(series.notna())
    elif pd.api.types.is_timedelta64_dtype(series.dtype):
        series = series.dt.total_seconds()
    try:
        return series.to_numpy(np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)


def numeric_drift(reference: dict[str, Any], values: np.ndarray) -> dict[str, Any]:
    """Compare float64 ``values`` (NaN for missing) with a numeric column's sketch."""
    present = values[~np.isnan(values)]
    x = present[np.isfinite(present)]
    result = _empty_result(
        reference, missing_share=_share(values.size - present.size, values.size)
    )
    if not reference.get("count") or x.size == 0:
        return result
    quantiles = np.asarray(reference["quantiles"], dtype=np.float64)
    deciles = np.unique(quantiles[10:100:10])
    points = np.union1d(quantiles, deciles)
    ref_cdf = _reference_cdf(reference, quantiles, points)
    positions = np.searchsorted(points, x, side="left")
    cur_cdf = np.cumsum(np.bincount(positions, minlength=points.size + 1))[:-1] / x.size
    at_deciles = np.searchsorted(points, deciles)
    ref_bins = np.diff(np.concatenate([[0.0], ref_cdf[at_deciles], [1.0]]))
    cur_bins = np.diff(np.concatenate([[0.0], cur_cdf[at_deciles], [1.0]]))
    scale = float(reference["std"]) or 1.0
    low, high = points[0], points[-1]
    beyond = float(np.clip(low - x, 0, None).sum() + np.clip(x - high, 0, None).sum()) / x.size
    gaps = np.abs(cur_cdf - ref_cdf)
    inside = float(np.sum(0.5 * (gaps[:-1] + gaps[1:]) * np.diff(points)))
    statistic, p_value = _homogeneity(ref_bins, int(reference["count"]), cur_bins, x.size)
    result.update(
        rows=int(x.size),
        distance=(inside + beyond) / scale,
        ks=float(gaps.max()),
        statistic=statistic,
        p_value=p_value,
        psi=_psi(ref_bins, cur_bins),
        out_of_range_share=float(np.count_nonzero((x < low) | (x > high))) / x.size,
        reference_mean=float(reference["mean"]),
        current_mean=float(x.mean()),
    )
    return result


def categorical_drift(reference: dict[str, Any], series: pd.Series) -> dict[str, Any]:
    """Compare a column's values with a categorical column's sketch."""
    counts = series.value_counts(dropna=True, sort=False)
    counts.index = counts.index.astype(str)
    counts = counts.groupby(level=0, sort=False).sum()
    n = int(counts.sum())
    result = _empty_result(reference, missing_share=_share(len(series) - n, len(series)))
    if not reference.get("count") or n == 0:
        return result
    all_known = int(reference.get("distinct", 0)) <= len(reference["shares"])
    known = [
        label
        for label, share in reference["shares"].items()
        if all_known or share * reference["count"] >= _SELECTED_COUNT
    ]
    current_known = counts.reindex(known, fill_value=0).to_numpy(np.float64)
    ref_shares = np.append(np.asarray([reference["shares"][k] for k in known], np.float64), 0.0)
    ref_shares[-1] = max(0.0, 1.0 - ref_shares[:-1].sum())
    cur_shares = np.append(current_known, n - current_known.sum()) / n
    statistic, p_value = _homogeneity(ref_shares, int(reference["count"]), cur_shares, n)
    result.update(
        rows=n,
        distance=float(jensenshannon(ref_shares, cur_shares, base=2)),
        statistic=statistic,
        p_value=p_value,
        psi=_psi(ref_shares, cur_shares),
        new_category_share=float(cur_shares[-1]) if all_known else math.nan,
    )
    return result


def missing_p_value(reference_share: float, reference_rows: int, share: float, rows: int) -> float:
    """Two-sided p-value of a two-proportion z-test on the missing-value shares."""
    if rows == 0 or reference_rows == 0:
        return 1.0
    pooled = (reference_share * reference_rows + share * rows) / (reference_rows + rows)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / reference_rows + 1 / rows))
    if spread == 0.0:
        return 1.0
    return float(2 * stats.norm.sf(abs(share - reference_share) / spread))


def _empty_result(reference: dict[str, Any], *, missing_share: float) -> dict[str, Any]:
    return {
        "rows": 0,
        "distance": math.nan,
        "ks": math.nan,
        "statistic": math.nan,
        "p_value": 1.0,
        "psi": math.nan,
        "missing_share_reference": float(reference.get("missing_share", 0.0)),
        "missing_share": missing_share,
        "out_of_range_share": math.nan,
        "new_category_share": math.nan,
        "reference_mean": math.nan,
        "current_mean": math.nan,
    }


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _reference_cdf(
    reference: dict[str, Any], quantiles: np.ndarray, points: np.ndarray
) -> np.ndarray:
    """The reference's CDF at ``points``: exact for discrete columns, else from quantiles."""
    levels = reference.get("levels")
    if levels:
        values = np.asarray([v for v, _ in levels], dtype=np.float64)
        cumulative = np.cumsum([s for _, s in levels])
        at = np.searchsorted(values, points, side="right")
        return np.where(at > 0, cumulative[np.maximum(at - 1, 0)], 0.0)
    # Share of reference values at or below each point, read off the quantile grid
    # (every point is one of its quantiles): the last quantile not above it.
    probabilities = np.linspace(0.0, 1.0, quantiles.size)
    at = np.searchsorted(quantiles, points, side="right")
    cdf = np.where(at > 0, probabilities[np.maximum(at - 1, 0)], 0.0)
    cdf[points >= quantiles[-1]] = 1.0
    return cdf


def _homogeneity(
    reference: np.ndarray, reference_rows: int, current: np.ndarray, rows: int
) -> tuple[float, float]:
    """Chi-square test that two samples' bin shares come from one distribution."""
    observed = np.vstack([reference * reference_rows, current * rows])
    observed = observed[:, observed.sum(axis=0) > 0]
    if observed.shape[1] < 2:
        return 0.0, 1.0
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    statistic = float(np.sum((observed - expected) ** 2 / expected))
    return statistic, float(stats.chi2.sf(statistic, observed.shape[1] - 1))


def _psi(reference: np.ndarray, current: np.ndarray) -> float:
    ref = np.maximum(reference, _PSI_FLOOR)
    cur = np.maximum(current, _PSI_FLOOR)
    return float(np.sum((cur - ref) * np.log(cur / ref)))
