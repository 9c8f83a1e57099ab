"""One vectorised pass over a column: its type, statistics, distribution and codes.

Each scan also returns one 64-bit key per row (equal values, equal keys), which
the profiler folds into a row hash to find duplicate rows without hashing the
frame a second time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd

from mlkit._profile import Alert, ColumnProfile, Histogram, NumericSummary, SemanticType

_ID_NAME: Final = re.compile(  # whole words in any case, or a camelCase suffix
    r"(?:^|[_\s.-])(?i:id|key|uuid|guid|code|number|no)$|[a-z0-9](?:Id|ID|Key|Number|No)$"
)
TRUE_WORDS: Final = frozenset({"yes", "y", "true", "t", "1", "on"})
FALSE_WORDS: Final = frozenset({"no", "n", "false", "f", "0", "off"})
BOOLEAN_WORDS: Final = TRUE_WORDS | FALSE_WORDS
_TYPE_SAMPLE: Final = 1_000
PARSE_SHARE: Final = 0.95  # share of values that must parse for text to count as numbers or dates
DATE_PATTERN: Final = r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}"
_MIN_ROWS_FOR_ID: Final = 50
_EXACT_INTEGERS: Final = 2.0**52  # below this span, float64 holds every integer exactly


@attrs.frozen(kw_only=True)
class ScanSettings:
    """The profiler settings a column scan needs."""

    top_k: int
    bins: int
    quantiles: tuple[float, ...]


@attrs.frozen(kw_only=True)
class ColumnScan:
    """What one pass over a column produced."""

    profile: ColumnProfile
    row_keys: np.ndarray
    missing: np.ndarray
    alerts: tuple[Alert, ...] = ()


def scan_column(name: str, series: pd.Series, settings: ScanSettings) -> ColumnScan:
    """Profile one column in a single vectorised pass.

    Parameters
    ----------
    name : str
        Column name.
    series : pandas.Series
        The column.
    settings : ScanSettings
        Top-k, bins and quantiles.

    Returns
    -------
    ColumnScan
        Its profile, codes and missing mask.
    """
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _scan_labels(name, series, settings)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _scan_datetime(name, series, settings)
    if pd.api.types.is_timedelta64_dtype(dtype):
        seconds = series.dt.total_seconds()
        return _scan_numeric(name, seconds, settings, dtype=str(dtype))
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return _scan_numeric(name, series, settings, dtype=str(dtype))
    return _scan_labels(name, series, settings)


def numeric_summary(
    sorted_values: np.ndarray, n_infinite: int, quantiles: Sequence[float]
) -> NumericSummary:
    """Summarise sorted finite values.

    Parameters
    ----------
    sorted_values : numpy.ndarray
        Finite values, sorted ascending.
    n_infinite : int
        How many infinite values were set aside.
    quantiles : sequence of float
        Quantiles to report.

    Returns
    -------
    NumericSummary
        The statistics; ``nan`` where there are too few values.
    """
    n = len(sorted_values)
    if n == 0:
        nan = math.nan
        return NumericSummary(
            min=nan,
            max=nan,
            mean=nan,
            median=nan,
            std=nan,
            skewness=nan,
            quantiles=dict.fromkeys(quantiles, nan),
            n_zeros=0,
            n_infinite=n_infinite,
        )
    center = float(sorted_values[len(sorted_values) // 2])  # the median, as values are sorted
    scaled, center, scale = centred_and_scaled(sorted_values, center)
    scaled_mean = float(scaled.mean())
    deviations = scaled - scaled_mean
    squared = deviations * deviations
    m2 = float(squared.mean())
    std = math.sqrt(m2 * n / (n - 1)) * scale if n > 1 else math.nan
    skewness = _adjusted_skewness(float((squared * deviations).mean()), m2, n)
    mean = center + scaled_mean * scale
    first_zero = np.searchsorted(sorted_values, 0.0, side="left")
    after_zeros = np.searchsorted(sorted_values, 0.0, side="right")
    return NumericSummary(
        min=float(sorted_values[0]),
        max=float(sorted_values[-1]),
        mean=mean,
        median=sorted_quantile(sorted_values, 0.5),
        std=std,
        skewness=skewness,
        quantiles={q: sorted_quantile(sorted_values, q) for q in quantiles},
        n_zeros=int(after_zeros - first_zero),
        n_infinite=n_infinite,
    )


def centred_and_scaled(
    values: np.ndarray, center: float | None = None
) -> tuple[np.ndarray, float, float]:
    """Shift finite values by a central value and scale them into [-1, 1].

    Moments and ratios of sums of squares (eta, R²) of the result cannot
    overflow, however large the values, and keep their precision however far
    the values sit from zero.

    Parameters
    ----------
    values : numpy.ndarray
        Finite float64 values, at least one.
    center : float, optional
        The value to shift by (default: the median).

    Returns
    -------
    scaled : numpy.ndarray
        ``(values - center) / scale``.
    center, scale : float
        What was subtracted and divided by.
    """
    center = float(np.median(values)) if center is None else center
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = values - center
    if not np.isfinite(shifted).all():  # a span wider than float64 can hold
        shifted, center = values, 0.0
    scale = float(np.abs(shifted).max()) or 1.0
    return shifted / scale, center, scale


def _adjusted_skewness(m3: float, m2: float, n: int) -> float:
    """Adjusted Fisher-Pearson skewness, as ``pandas.Series.skew`` computes it."""
    if n < 3:
        return math.nan
    if m2 <= 1e-14:  # no spread left above rounding error of values scaled to [-1, 1]
        return 0.0
    g1 = m3 / m2**1.5
    return float(g1 * math.sqrt(n * (n - 1)) / (n - 2))


def sorted_quantile(sorted_values: np.ndarray, q: float) -> float:
    """Linear-interpolation quantile of sorted values (numpy's default method)."""
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    fraction = position - low
    low_value, high_value = float(sorted_values[low]), float(sorted_values[high])
    if fraction == 0.0 or low_value == high_value:
        return low_value
    return low_value * (1.0 - fraction) + high_value * fraction  # no overflow near float limits


def histogram(sorted_values: np.ndarray, bins: int) -> Histogram | None:
    """Count sorted values into at most ``bins`` equal-width bins, without another pass.

    Whole numbers get bins that each span the same count of integers, with
    edges halfway between them, so no bin holds one more value than its
    neighbour by construction.

    Parameters
    ----------
    sorted_values : numpy.ndarray
        Finite values, sorted ascending.
    bins : int
        Number of bins.

    Returns
    -------
    Histogram or None
        ``None`` when there are no values.
    """
    n = len(sorted_values)
    if n == 0:
        return None
    low, high = float(sorted_values[0]), float(sorted_values[-1])
    if low == high:
        return Histogram(edges=(low - 0.5, low + 0.5), counts=(n,))
    if high - low < _EXACT_INTEGERS and np.array_equal(sorted_values, np.floor(sorted_values)):
        step = math.ceil((high - low + 1) / bins)
        n_bins = math.ceil((high - low + 1) / step)
        edges = (low - 0.5) + step * np.arange(n_bins + 1, dtype=np.float64)
    else:
        steps = np.linspace(0.0, 1.0, bins + 1)
        edges = low * (1.0 - steps) + high * steps  # no overflow near float limits
        edges[0], edges[-1] = low, high
    inner = np.searchsorted(sorted_values, edges[1:-1], side="left")
    counts = np.diff(np.concatenate(([0], inner, [n])))
    return Histogram(edges=tuple(edges.tolist()), counts=tuple(int(c) for c in counts))


def _scan_numeric(
    name: str, series: pd.Series, settings: ScanSettings, *, dtype: str
) -> ColumnScan:
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    missing = np.isnan(values)
    finite_mask = np.isfinite(values)
    n_infinite = int(len(values) - missing.sum() - finite_mask.sum())
    sorted_values = np.sort(values[finite_mask])
    n_unique = _count_sorted_distinct(sorted_values) + len(
        np.unique(values[~finite_mask & ~missing])
    )
    semantic = numeric_semantic(name, dtype, sorted_values, n_unique, len(values))
    top_values: tuple[tuple[Any, int], ...] = ()
    if semantic == "boolean":
        ones = len(sorted_values) - int(np.searchsorted(sorted_values, 1.0))
        top_values = _top_values([1, 0], np.array([ones, len(sorted_values) - ones]), 2)
    profile = ColumnProfile(
        name=name,
        dtype=dtype,
        semantic_type=semantic,
        n_missing=int(missing.sum()),
        missing_share=float(missing.mean()),
        n_unique=n_unique,
        numeric=numeric_summary(sorted_values, n_infinite, settings.quantiles),
        histogram=histogram(sorted_values, settings.bins),
        top_values=top_values,
    )
    return ColumnScan(profile=profile, row_keys=_float_keys(values), missing=missing)


def _count_sorted_distinct(sorted_values: np.ndarray) -> int:
    if len(sorted_values) == 0:
        return 0
    return int(np.count_nonzero(sorted_values[1:] != sorted_values[:-1])) + 1


def _float_keys(values: np.ndarray) -> np.ndarray:
    """The bits of each value, with every ``nan`` alike and ``-0.0`` equal to ``0.0``."""
    canonical = np.where(np.isnan(values), np.nan, values + 0.0)
    return canonical.view(np.uint64)


def numeric_semantic(
    name: str, dtype: str, sorted_values: np.ndarray, n_unique: int, n_rows: int
) -> SemanticType:
    if n_unique <= 1:
        return "constant"
    if n_unique == 2 and len(sorted_values) and sorted_values[0] == 0 and sorted_values[-1] == 1:
        return "boolean"
    integral = dtype.lower().startswith(("int", "uint"))
    n_values = len(sorted_values)
    if integral and n_values >= _MIN_ROWS_FOR_ID and n_unique >= 0.99 * n_values:
        dense = (sorted_values[-1] - sorted_values[0] + 1) <= 2 * n_unique
        if dense or _ID_NAME.search(name):
            return "id"
    return "numeric"


def _scan_datetime(name: str, series: pd.Series, settings: ScanSettings) -> ColumnScan:
    ticks, unit = datetime_ticks(series)
    missing = ticks == _NAT
    sorted_ticks = np.sort(ticks[~missing])
    n_unique = _count_sorted_distinct(sorted_ticks)
    profile = ColumnProfile(
        name=name,
        dtype=str(series.dtype),
        semantic_type="datetime" if n_unique > 1 else "constant",
        n_missing=int(missing.sum()),
        missing_share=float(missing.mean()),
        n_unique=n_unique,
        histogram=histogram(sorted_ticks / _TICKS_PER_SECOND[unit], settings.bins),
        datetime_range=_datetime_range(sorted_ticks, unit),
    )
    return ColumnScan(profile=profile, row_keys=ticks.view(np.uint64), missing=missing)


_NAT: Final = np.iinfo(np.int64).min
_TICKS_PER_SECOND: Final = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}


def datetime_ticks(series: pd.Series) -> tuple[np.ndarray, str]:
    """Return a datetime column as int64 ticks of its own unit (UTC for aware ones).

    Parameters
    ----------
    series : pandas.Series
        A datetime64 column of any unit, naive or time-zone aware.

    Returns
    -------
    ticks : numpy.ndarray
        int64 ticks since the epoch; missing values are ``numpy.iinfo(int64).min``.
    unit : str
        ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
    """
    naive = series.dt.tz_convert(None) if series.dt.tz is not None else series
    stamps = naive.to_numpy()
    unit = np.datetime_data(stamps.dtype)[0]
    if unit not in _TICKS_PER_SECOND:  # pragma: no cover - pandas only makes s, ms, us, ns
        stamps, unit = stamps.astype("datetime64[s]"), "s"
    return stamps.view(np.int64), unit


def _datetime_range(sorted_ticks: np.ndarray, unit: str) -> tuple[str, str] | None:
    if len(sorted_ticks) == 0:
        return None
    first, last = sorted_ticks[[0, -1]].astype(f"datetime64[{unit}]")
    return pd.Timestamp(first).isoformat(), pd.Timestamp(last).isoformat()


def factorize_labels(series: pd.Series) -> tuple[np.ndarray, list[Any], bool]:
    """Codes and uniques of a label column; unhashable values are compared as text."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy(dtype=np.int64)
        return codes, series.cat.categories.tolist(), False
    try:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    except TypeError:  # lists, dicts and other unhashable values
        as_text = series.map(repr, na_action="ignore")
        codes, uniques = pd.factorize(as_text, use_na_sentinel=True)
        return np.asarray(codes, dtype=np.int64), list(uniques), True
    return np.asarray(codes, dtype=np.int64), list(uniques), False


def _scan_labels(name: str, series: pd.Series, settings: ScanSettings) -> ColumnScan:
    codes, uniques, unhashable = factorize_labels(series)
    missing = codes < 0
    counts = np.bincount(codes[~missing], minlength=len(uniques))
    present = counts > 0
    n_unique = int(present.sum())
    alerts: list[Alert] = []
    semantic, parsed = label_semantic(name, series, uniques, n_unique, alerts, unhashable)
    profile = ColumnProfile(
        name=name,
        dtype=str(series.dtype),
        semantic_type=semantic,
        n_missing=int(missing.sum()),
        missing_share=float(missing.mean()),
        n_unique=n_unique,
        top_values=_top_values(uniques, counts, settings.top_k),
    )
    if parsed is not None:
        profile = _with_parsed_statistics(profile, series, parsed, settings, alerts)
    return ColumnScan(
        profile=profile,
        row_keys=codes.astype(np.uint64),
        missing=missing,
        alerts=tuple(alerts),
    )


def label_semantic(
    name: str,
    series: pd.Series,
    uniques: list[Any],
    n_unique: int,
    alerts: list[Alert],
    unhashable: bool,
) -> tuple[SemanticType, str | None]:
    """Infer the semantic type of a label column; say if its text holds numbers or dates."""
    if pd.api.types.is_bool_dtype(series.dtype):
        return ("boolean" if n_unique > 1 else "constant"), None
    kind = "mixed" if unhashable else pd.api.types.infer_dtype(uniques, skipna=True)
    if kind.startswith("mixed") and kind != "mixed-integer-float":  # ints with floats are fine
        types = sorted({type(v).__name__ for v in uniques[:_TYPE_SAMPLE] if not _is_na(v)})
        alerts.append(
            Alert(
                kind="mixed_types",
                columns=(name,),
                message=f"values of several types ({', '.join(types)}); they are compared as "
                "they are, so 1 and '1' count as different values",
            )
        )
    if n_unique <= 1:
        return "constant", None
    if kind in ("integer", "floating", "decimal", "mixed-integer-float"):
        return "numeric", "objects"
    if kind == "boolean" or _looks_boolean(uniques, n_unique):
        return "boolean", None
    if kind == "string":
        parsed = _parsed_kind(uniques)
        if parsed is not None:
            return ("numeric" if parsed == "numeric" else "datetime"), parsed
        if _looks_like_text(uniques):
            return "text", None
    n_values = len(series) - int(series.isna().sum())
    if n_values >= _MIN_ROWS_FOR_ID and n_unique >= 0.99 * n_values:
        return "id", None
    return "categorical", None


def _is_na(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def _looks_boolean(uniques: list[Any], n_unique: int) -> bool:
    if n_unique != 2:
        return False
    words = {str(v).strip().lower() for v in uniques if not _is_na(v)}
    return len(words) == 2 and words <= BOOLEAN_WORDS


def _sample_text(uniques: list[Any]) -> pd.Series:
    sample = [v for v in uniques[:_TYPE_SAMPLE] if isinstance(v, str) and v.strip()]
    return pd.Series(sample, dtype=object)


def _parsed_kind(uniques: list[Any]) -> str | None:
    """Return "numeric" or "datetime" when almost every distinct text parses as one."""
    sample = _sample_text(uniques)
    if sample.empty:
        return None
    if pd.to_numeric(sample, errors="coerce").notna().mean() >= PARSE_SHARE:
        return "numeric"
    looks_dated = sample.str.contains(DATE_PATTERN)
    if looks_dated.mean() >= PARSE_SHARE:
        dates = parse_dates(sample)
        if dates.notna().mean() >= PARSE_SHARE:
            return "datetime"
    return None


def _looks_like_text(uniques: list[Any]) -> bool:
    sample = _sample_text(uniques)
    if sample.empty:
        return False
    words = sample.map(lambda text: len(text.split()))
    return float(words.mean()) >= 4.0


def _with_parsed_statistics(
    profile: ColumnProfile,
    series: pd.Series,
    parsed: str,
    settings: ScanSettings,
    alerts: list[Alert],
) -> ColumnProfile:
    """Add numeric or datetime statistics of text that holds numbers or dates."""
    present = series.notna().to_numpy()
    if parsed in ("numeric", "objects"):
        values = to_float(series)
        failed = present & np.isnan(values)
        finite = np.isfinite(values)
        sorted_values = np.sort(values[finite])
        n_infinite = int((~finite & ~np.isnan(values)).sum())
        profile = attrs.evolve(
            profile,
            numeric=numeric_summary(sorted_values, n_infinite, settings.quantiles),
            histogram=histogram(sorted_values, settings.bins),
        )
        what, kind = "numbers", "numbers_as_text" if parsed == "numeric" else "numbers_as_objects"
    else:
        stamps = parse_dates(series)
        failed = present & stamps.isna().to_numpy()
        ticks, unit = datetime_ticks(stamps.dropna())
        sorted_ticks = np.sort(ticks)
        profile = attrs.evolve(
            profile,
            histogram=histogram(sorted_ticks / _TICKS_PER_SECOND[unit], settings.bins),
            datetime_range=_datetime_range(sorted_ticks, unit),
        )
        what, kind = "dates", "dates_as_text"
    unparsed = int(failed.sum())
    examples = series[failed].unique()[:3].tolist()
    detail = f"; {unparsed} value(s) do not parse, e.g. {examples}" if unparsed else ""
    alerts.append(
        Alert(
            kind=kind,
            columns=(profile.name,),
            message=f"{what} stored as {_STORED_AS[kind]} (dtype {profile.dtype}){detail}",
            value=float(unparsed),
        )
    )
    return profile


_STORED_AS: Final = {
    "numbers_as_text": "text",
    "numbers_as_objects": "Python objects",
    "dates_as_text": "text",
}


def parse_dates(series: pd.Series) -> pd.Series:
    """Parse text as dates; mixed time zones are converted to UTC."""
    return pd.to_datetime(series, errors="coerce", format="mixed", utc=True)


def to_float(series: pd.Series) -> np.ndarray:
    """Return a column as float64, text parsed as numbers where it can be, else ``nan``.

    Parameters
    ----------
    series : pandas.Series
        Numeric, boolean, datetime or text column.

    Returns
    -------
    numpy.ndarray
        float64 values; datetimes become seconds since the epoch.
    """
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        ticks, unit = datetime_ticks(series)
        return np.where(ticks == _NAT, np.nan, ticks / _TICKS_PER_SECOND[unit])
    if pd.api.types.is_timedelta64_dtype(dtype):
        seconds: np.ndarray = series.dt.total_seconds().to_numpy(np.float64, na_value=np.nan)
        return seconds
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    coerced = pd.to_numeric(series.astype(object), errors="coerce")
    return np.asarray(coerced, dtype=np.float64)


def feature_values(column: ColumnProfile, series: pd.Series) -> np.ndarray:
    """Return a numeric, datetime or boolean feature as float64, as its profile reads it.

    Unlike :func:`to_float`, dates stored as text are parsed as dates.

    Parameters
    ----------
    column : ColumnProfile
        The column's profile (its semantic type decides how text is read).
    series : pandas.Series
        The column, or some of its rows.

    Returns
    -------
    numpy.ndarray
        float64 values; datetimes become seconds since the epoch.
    """
    if column.semantic_type == "datetime" and not pd.api.types.is_datetime64_any_dtype(
        series.dtype
    ):
        return to_float(parse_dates(series))
    return to_float(series)


def _top_values(
    uniques: Sequence[Any], counts: np.ndarray, top_k: int
) -> tuple[tuple[Any, int], ...]:
    order = np.argsort(-counts, kind="stable")[:top_k]
    return tuple((uniques[i], int(counts[i])) for i in order if counts[i] > 0)
