"""Drift statistics of one column against its reference sketch.

Every function compares current values with a fixed-size sketch from
:mod:`mlkit._reference`, never with the reference rows themselves, so a check
costs one sort of the current data.

Numeric columns
    The reference's CDF is known at its 101 quantiles (exactly, at each value,
    for a column of at most 200 distinct values). The current values are
    sorted once. From them come the Kolmogorov-Smirnov statistic (largest gap
    between the two CDFs at those points), the Wasserstein-1 distance (the
    area between the current empirical CDF and the reference's, exactly) in
    reference standard deviations, and a chi-square test of homogeneity and PSI over
    bins holding at least 5 % of the reference each for a continuous column
    (ventiles), 1 % for a discrete one (its values, or runs of rare ones).
    Infinite values count as missing.
Categorical columns
    The shares of the reference's values (all of them up to 200; of a column
    with more, only those seen at least 50 times) plus an "other" bucket:
    chi-square test of homogeneity, Jensen-Shannon distance (base 2, in
    [0, 1]) and PSI.

The chi-square test is the evidence for both kinds: over the reference's bins
it sees a change of scale as well as of location, where Kolmogorov-Smirnov is
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

from mlkit._reference import TAIL_LEVELS, as_seconds, category_labels

_PSI_FLOOR = 1e-4  # smallest share PSI takes a logarithm of
_MIN_BIN_SHARE = 0.05  # each chi-square bin holds at least this share of the reference
_MIN_LEVEL_SHARE = 0.01  # ...or, for a discrete column's values, this share
# Of a column with more categories than the sketch kept, only values seen at least this
# often in the reference are compared one by one: the top values of many rare ones are
# the ones that were frequent by chance, and would look like drift on any new sample.
_SELECTED_COUNT = 50


def numeric_values(series: pd.Series) -> np.ndarray:
    """A numeric, boolean, duration or datetime column as float64 (times in seconds)."""
    series = as_seconds(series)
    try:
        return series.to_numpy(np.float64, na_value=np.nan)
    except (TypeError, ValueError):
        return pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)


def numeric_drift(reference: dict[str, Any], values: np.ndarray) -> dict[str, Any]:
    """Compare float64 ``values`` (NaN for missing) with a numeric column's sketch."""
    finite = np.isfinite(values)
    result = _empty_result(
        reference, missing_share=_share(values.size - finite.sum(), values.size)
    )
    x = np.sort(values[finite])
    if not reference.get("count") or x.size == 0:
        return result
    points, ref_cdf = _reference_cdf(reference)
    cur_cdf = np.searchsorted(x, points, side="right") / x.size
    min_share = _MIN_LEVEL_SHARE if reference.get("levels") else _MIN_BIN_SHARE
    ref_bins, cur_bins = _bins(ref_cdf, cur_cdf, min_share=min_share)
    statistic, p_value = _homogeneity(ref_bins, int(reference["count"]), cur_bins, x.size)
    wasserstein = _wasserstein(x, reference)
    low, high = float(reference["min"]), float(reference["max"])
    result.update(
        rows=int(x.size),
        distance=wasserstein / _scale(reference),
        ks=float(np.max(np.abs(cur_cdf - ref_cdf))),
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
    counts.index = category_labels(counts.index)
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
    return float(part / whole) if whole else 0.0


def _scale(reference: dict[str, Any]) -> float:
    """The reference's standard deviation, or a stand-in when it is 0 or overflowed."""
    std = float(reference.get("std", 0.0))
    if math.isfinite(std) and std > 0:
        return std
    quantiles = np.asarray(reference["quantiles"], dtype=np.float64)
    spread = float(quantiles[75] - quantiles[25]) / 1.349  # an IQR in sd units
    return spread if math.isfinite(spread) and spread > 0 else 1.0


def _knots(reference: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """The quantile sketch as (values, levels), tail quantiles included, in order."""
    values = np.asarray(reference["quantiles"], dtype=np.float64)
    levels = np.linspace(0.0, 1.0, values.size)
    tails = reference.get("tail_quantiles")
    if tails:
        values = np.concatenate([values, np.asarray(tails, dtype=np.float64)])
        levels = np.concatenate([levels, np.asarray(TAIL_LEVELS)])
        order = np.argsort(levels, kind="stable")
        values, levels = np.maximum.accumulate(values[order]), levels[order]
    return values, levels


def _reference_cdf(reference: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """Points and the reference's CDF at them: exact per value when discrete."""
    levels = reference.get("levels")
    if levels:
        values = np.asarray([v for v, _ in levels], dtype=np.float64)
        return values, np.minimum(np.cumsum([s for _, s in levels]), 1.0)
    # At a value the quantiles repeat (a tie), the share at or below it is the
    # last quantile level holding it.
    knots, probabilities = _knots(reference)
    points = np.unique(knots)
    cdf = probabilities[np.searchsorted(knots, points, side="right") - 1]
    cdf[-1] = 1.0
    return points, cdf


def _wasserstein(x: np.ndarray, reference: dict[str, Any]) -> float:
    """Area between the current empirical CDF and the reference's, exactly.

    The reference CDF is a step function for a discrete column (its levels)
    and otherwise linear between its quantiles, 0 below the minimum and 1
    above the maximum. Between consecutive breakpoints (current values and
    reference points) the current CDF is constant and the reference's linear,
    so each piece of the area has a closed form.
    """
    levels = reference.get("levels")
    if levels:
        knots = np.asarray([v for v, _ in levels], dtype=np.float64)
    else:
        knots, probabilities = _knots(reference)
    breaks = np.unique(np.concatenate([x, knots]))
    if breaks.size < 2:
        return 0.0
    left, right = breaks[:-1], breaks[1:]
    current = np.searchsorted(x, left, side="right") / x.size
    if levels:
        start = np.searchsorted(knots, left, side="right")
        cumulative = np.concatenate([[0.0], np.cumsum([s for _, s in levels])])
        f0 = f1 = np.minimum(cumulative[start], 1.0)
    else:
        f0, f1 = _linear_cdf(knots, probabilities, left, right)
    return float(np.sum(_area(current - f0, current - f1, right - left)))


def _linear_cdf(
    knots: np.ndarray, probabilities: np.ndarray, left: np.ndarray, right: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The quantile sketch's CDF at the ends of intervals that lie between its knots."""
    segment = np.clip(np.searchsorted(knots, left, side="right") - 1, 0, knots.size - 2)
    low, high = knots[segment], knots[segment + 1]
    width = np.where(high > low, high - low, 1.0)
    rise = probabilities[segment + 1] - probabilities[segment]
    f0 = probabilities[segment] + rise * np.clip((left - low) / width, 0.0, 1.0)
    f1 = probabilities[segment] + rise * np.clip((right - low) / width, 0.0, 1.0)
    below, above = right <= knots[0], left >= knots[-1]
    return (
        np.where(below, 0.0, np.where(above, 1.0, f0)),
        np.where(below, 0.0, np.where(above, 1.0, f1)),
    )


def _area(gap0: np.ndarray, gap1: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Integral of |g| over intervals where g runs linearly from gap0 to gap1."""
    same_sign = gap0 * gap1 >= 0
    straight = 0.5 * (np.abs(gap0) + np.abs(gap1)) * width
    spread = np.abs(gap1 - gap0)
    crossing = (gap0**2 + gap1**2) / (2 * np.where(spread > 0, spread, 1.0)) * width
    area: np.ndarray = np.where(same_sign, straight, crossing)
    return area


def _bins(
    ref_cdf: np.ndarray, cur_cdf: np.ndarray, *, min_share: float
) -> tuple[np.ndarray, np.ndarray]:
    """Shares of both samples over bins holding at least ``min_share`` of the reference.

    The bins are the intervals between the reference's points, with one more
    above the last; runs of small ones are merged, so ties and rare values do
    not leave near-empty bins. When merging would leave a single bin (a value
    holding nearly all the reference), the bins stay as they are: the rare
    values are then the only evidence there is.
    """
    ref = np.diff(np.concatenate([[0.0], ref_cdf, [1.0]]))
    cur = np.diff(np.concatenate([[0.0], cur_cdf, [1.0]]))
    edges = [0]
    total = 0.0
    for i, share in enumerate(ref[:-1]):
        total += share
        if total >= min_share - 1e-9:
            edges.append(i + 1)
            total = 0.0
    if len(edges) > 2 and ref[edges[-1] :].sum() < min_share - 1e-9:
        edges.pop()  # a short last bin joins the one before it
    if len(edges) < 2:
        edges = list(range(ref.size))
    return np.add.reduceat(ref, edges), np.add.reduceat(cur, edges)


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
