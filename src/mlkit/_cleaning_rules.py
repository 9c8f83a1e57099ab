"""How the Cleaner reads, judges and repairs one column.

Text columns are parsed through their distinct values (``pandas.factorize``),
so a million rows with a few thousand distinct spellings cost a few thousand
parses, in ``fit`` and ``transform`` alike.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

import attrs
import numpy as np
import pandas as pd
from pandas.errors import OutOfBoundsDatetime

from mlkit._column_scan import (
    BOOLEAN_WORDS,
    DATE_PATTERN,
    FALSE_WORDS,
    PARSE_SHARE,
    TRUE_WORDS,
    factorize_labels,
    label_semantic,
    numeric_semantic,
    parse_dates,
    sorted_quantile,
)
from mlkit.exceptions import DataError, DataFailure

_ID_SHARE: Final = 0.99
_SAFE_TO_SQUARE: Final = 1e150  # below this, sums of squares cannot overflow float64
_SHOWN: Final = 3
_NS: Final = "datetime64[ns]"


@attrs.frozen(kw_only=True, eq=False)
class Reading:
    """What ``fit`` learned by reading one column (not kept after ``fit``)."""

    kind: str
    n_rows: int
    n_missing: int
    n_unique: int
    top_share: float
    id_like: bool = False
    n_infinite: int = 0
    sorted_values: np.ndarray | None = None
    top_label: str | None = None
    repair: str | None = None
    spellings: dict[str, str] | None = None
    missing_tokens: tuple[str, ...] = ()

    @property
    def stats(self) -> np.ndarray:
        """Sorted finite values of a numeric, boolean or datetime column."""
        assert self.sorted_values is not None
        return self.sorted_values


def clipped(reading: Reading, low: float, high: float) -> Reading:
    """The reading with its values clipped to the fences (still sorted)."""
    return attrs.evolve(reading, sorted_values=np.clip(reading.stats, low, high))


def label_text(value: Any) -> str:
    """A label as text, the same whatever its storage: a whole-number float is an int.

    A column of ``[1, 2, "x"]`` and one of ``[1.0, None]`` both hold the label ``"1"``.
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def tidy(value: Any) -> str:
    """A label as text with surrounding whitespace removed and inner runs collapsed."""
    return " ".join(label_text(value).split())


def key(value: Any) -> str:
    """A label's identity when case and whitespace are ignored."""
    return tidy(value).casefold()


def read_column(name: str, series: pd.Series, *, repair: bool) -> Reading:
    """Read one training column: its kind, statistics and the repair it needs.

    Parameters
    ----------
    name : str
        Column name.
    series : pandas.Series
        The column.
    repair : bool
        Whether text holding numbers, dates or yes/no words is converted.

    Returns
    -------
    Reading
        What ``fit`` needs to decide about the column.

    Raises
    ------
    DataError
        For complex numbers, which no model can use.
    """
    dtype = series.dtype
    if pd.api.types.is_complex_dtype(dtype):
        raise DataError.from_failures(
            "The frame given to Cleaner.fit",
            [
                DataFailure(
                    column=name,
                    reason="unsupported_dtype",
                    message=f"Complex data not supported (dtype {dtype}); split complex numbers "
                    "into real and imaginary columns",
                )
            ],
        )
    if pd.api.types.is_bool_dtype(dtype):
        return _numeric_reading(name, "boolean", _bool_floats(series), str(dtype))
    if pd.api.types.is_datetime64_any_dtype(dtype):
        stamps, _, problems = datetimes(name, series)
        if problems:
            raise DataError.from_failures("The frame given to Cleaner.fit", problems)
        return _datetime_reading(stamps, None)
    if pd.api.types.is_timedelta64_dtype(dtype):
        values = series.dt.total_seconds().to_numpy(np.float64, na_value=np.nan)
        return _numeric_reading(name, "numeric", values, "float64", "durations read as seconds")
    if pd.api.types.is_numeric_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        return _numeric_reading(name, "numeric", values, str(dtype))
    return _read_labels(name, series, repair=repair)


def _bool_floats(series: pd.Series) -> np.ndarray:
    return series.astype("boolean").to_numpy(dtype=np.float64, na_value=np.nan)


def _numeric_reading(
    name: str,
    kind: str,
    values: np.ndarray,
    dtype: str,
    repair: str | None = None,
    missing_tokens: tuple[str, ...] = (),
) -> Reading:
    missing = np.isnan(values)
    finite = np.isfinite(values)
    sorted_values = np.sort(values[finite])
    n_unique, top_count = _distinct_and_top(sorted_values)
    n_values = len(sorted_values)
    # IDs are whole numbers, whatever their storage (int64, float64 with a gap, text)
    whole = n_unique >= _ID_SHARE * n_values and bool(
        np.all(sorted_values == np.round(sorted_values))
    )
    semantic = numeric_semantic(
        name, "int64" if whole else dtype, sorted_values, n_unique, len(values)
    )
    return Reading(
        kind=kind,
        n_rows=len(values),
        n_missing=int(missing.sum()),
        n_unique=n_unique,
        top_share=top_count / n_values if n_values else 1.0,
        id_like=semantic == "id",
        n_infinite=int((~finite & ~missing).sum()),
        sorted_values=sorted_values,
        repair=repair,
        missing_tokens=missing_tokens,
    )


def _runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of equal sorted values starts, and how long it is."""
    edges = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1], True])
    return edges[:-1], np.diff(edges)


def _distinct_and_top(sorted_values: np.ndarray) -> tuple[int, int]:
    if len(sorted_values) == 0:
        return 0, 0
    _, lengths = _runs(sorted_values)
    return len(lengths), int(lengths.max())


def _datetime_reading(stamps: pd.Series, repair: str | None) -> Reading:
    ticks = stamps.to_numpy(dtype=_NS).view(np.int64)
    missing = stamps.isna().to_numpy()
    sorted_ticks = np.sort(ticks[~missing])
    n_unique, top_count = _distinct_and_top(sorted_ticks)
    return Reading(
        kind="datetime",
        n_rows=len(stamps),
        n_missing=int(missing.sum()),
        n_unique=n_unique,
        top_share=top_count / len(sorted_ticks) if len(sorted_ticks) else 1.0,
        sorted_values=sorted_ticks,
        repair=repair,
    )


def _read_labels(name: str, series: pd.Series, *, repair: bool) -> Reading:
    codes, uniques, unhashable = factorize_labels(series)
    counts = np.bincount(codes[codes >= 0], minlength=len(uniques))
    if repair and not unhashable:
        repaired = _repaired_reading(name, series, codes, uniques, counts)
        if repaired is not None:
            return repaired
    n_missing = int((codes < 0).sum())
    n_unique_raw = int((counts > 0).sum())
    semantic, _ = label_semantic(name, series, uniques, n_unique_raw, [], unhashable)
    spellings, labels, label_counts = _spellings(uniques, counts, repair=repair)
    n_values = len(series) - n_missing
    change = None
    if (repair and any(tidy(u) != u for u in uniques)) or len(label_counts) < n_unique_raw:
        change = (
            f"case and whitespace normalised: {n_unique_raw} spellings became "
            f"{len(label_counts)} categories"
        )
    top = int(np.argmax(label_counts)) if len(label_counts) else -1
    return Reading(
        kind="categorical",
        n_rows=len(series),
        n_missing=n_missing,
        n_unique=len(label_counts),
        top_share=float(label_counts[top]) / n_values if n_values else 1.0,
        id_like=semantic == "id",
        top_label=labels[top] if top >= 0 else None,
        repair=change,
        spellings=spellings if repair else None,
    )


def _spellings(
    uniques: Sequence[Any], counts: np.ndarray, *, repair: bool
) -> tuple[dict[str, str], list[str], np.ndarray]:
    """Map each label key to its most frequent spelling; count each resulting label."""
    if not repair:
        labels = [label_text(u) for u in uniques]
        merged = pd.Series(counts).groupby(labels, sort=False).sum()
        return {}, list(merged.index), merged.to_numpy()
    best: dict[str, tuple[int, str]] = {}
    totals: dict[str, int] = {}
    for value, count in zip(uniques, counts.tolist(), strict=True):
        if count == 0:
            continue
        k, spelling = key(value), tidy(value)
        totals[k] = totals.get(k, 0) + count
        if k not in best or count > best[k][0]:
            best[k] = (count, spelling)
    spellings = {k: spelling for k, (_, spelling) in best.items()}
    return spellings, list(spellings.values()), np.asarray(list(totals.values()), dtype=np.int64)


def _repaired_reading(
    name: str, series: pd.Series, codes: np.ndarray, uniques: list[Any], counts: np.ndarray
) -> Reading | None:
    """Read a text column as numbers, yes/no words or dates when almost all of it is."""
    kind = pd.api.types.infer_dtype(uniques, skipna=True)
    if kind in ("integer", "floating", "decimal", "mixed-integer-float"):
        values = _take(pd.to_numeric(pd.Series(uniques, dtype=object)).to_numpy(float), codes)
        return _numeric_reading(name, "numeric", values, "float64", "numbers stored as objects")
    if kind in ("datetime", "datetime64", "date"):
        stamps, _, problems = datetimes(name, series)
        return None if problems else _datetime_reading(stamps, "date objects read as datetimes")
    if kind not in ("string", "boolean"):
        return None
    keys = [key(u) for u in uniques]
    present = {k for k, c in zip(keys, counts.tolist(), strict=True) if c and k}
    if kind == "boolean" or (
        present <= BOOLEAN_WORDS and present & TRUE_WORDS and present & FALSE_WORDS
    ):
        values, _ = boolean_values(uniques, codes)
        return _numeric_reading(name, "boolean", values, "float64", "yes/no words read as 1/0")
    return _parsed_reading(name, series, codes, uniques, keys, counts)


def _parsed_reading(
    name: str,
    series: pd.Series,
    codes: np.ndarray,
    uniques: list[Any],
    keys: list[str],
    counts: np.ndarray,
) -> Reading | None:
    blank = np.asarray([k == "" for k in keys])
    n_text = int(counts[~blank].sum()) if len(counts) else 0
    if n_text == 0:
        return None
    numbers = pd.to_numeric(pd.Series(uniques, dtype=object).map(tidy), errors="coerce")
    parsed = numbers.notna().to_numpy()
    if counts[parsed].sum() >= PARSE_SHARE * n_text:
        tokens = tuple(sorted({k for k, ok in zip(keys, parsed, strict=True) if not ok}))
        values = _take(numbers.to_numpy(dtype=np.float64), codes)
        shown = ", ".join(repr(token) if token else "blanks" for token in tokens[:_SHOWN])
        note = f"; {shown} read as missing" if tokens else ""
        return _numeric_reading(
            name, "numeric", values, "float64", f"numbers stored as text{note}", tokens
        )
    texts = pd.Series(uniques, dtype=object)
    dated = texts.str.contains(DATE_PATTERN, regex=True, na=False).to_numpy()
    if counts[dated].sum() >= PARSE_SHARE * n_text:
        stamps, _, problems = datetimes(name, series)
        if not problems:
            return _datetime_reading(stamps, "dates stored as text parsed (as UTC)")
    return None


def _take(values_per_unique: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """Values per row from values per distinct label; missing labels become ``nan``."""
    padded = np.append(np.asarray(values_per_unique, dtype=np.float64), np.nan)
    return padded[np.where(codes < 0, len(padded) - 1, codes)]


def boolean_values(uniques: Sequence[Any], codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of yes/no words, booleans or 0/1 as 1.0/0.0; also which labels are neither."""
    per_unique = np.full(len(uniques), np.nan)
    unreadable = np.zeros(len(uniques), dtype=bool)
    for i, value in enumerate(uniques):
        word = key(value)
        if word in TRUE_WORDS or word == "1.0":
            per_unique[i] = 1.0
        elif word in FALSE_WORDS or word == "0.0":
            per_unique[i] = 0.0
        else:
            unreadable[i] = word != ""
    return _take(per_unique, codes), unreadable


def uninformative(
    reading: Reading, *, max_missing: float, near_constant: float, drop_ids: bool
) -> str | None:
    """Why a column carries no information, or ``None`` when it does."""
    missing_share = reading.n_missing / reading.n_rows
    if missing_share > max_missing:
        return f"missing values: {missing_share:.1%} of rows (max_missing={max_missing})"
    if reading.n_unique <= 1:
        return "constant: at most one distinct value"
    if reading.top_share >= near_constant:
        return (
            f"near-constant: one value covers {reading.top_share:.2%} of values "
            f"(near_constant={near_constant})"
        )
    if drop_ids and reading.id_like:
        return "ID-like: (almost) every value is distinct"
    return None


def duplicate_columns(
    frame: pd.DataFrame, candidates: Sequence[str], readings: Mapping[str, Reading]
) -> dict[str, str]:
    """Columns equal to an earlier candidate, with the column each one copies."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    for name in candidates:
        r = readings[name]
        groups.setdefault((str(frame[name].dtype), r.kind, r.n_missing, r.n_unique), []).append(
            name
        )
    duplicates: dict[str, str] = {}
    for names in groups.values():
        for i, later in enumerate(names):
            for earlier in names[:i]:
                if earlier not in duplicates and frame[earlier].equals(frame[later]):
                    duplicates[later] = f"duplicate of column {earlier!r}"
                    break
    return duplicates


def fill_value(reading: Reading, strategy: str, constant: Any) -> Any:
    """The value missing entries of a column are filled with.

    Raises
    ------
    ValueError
        When the strategy does not fit the column's kind or ``constant`` does
        not fit its values.
    """
    if reading.kind == "categorical":
        if strategy == "most_frequent":
            return reading.top_label
        if strategy == "constant":
            return "missing" if constant is None else str(constant)
        raise ValueError("categories can only be filled with 'most_frequent' or 'constant'")
    if reading.kind == "datetime":
        return _datetime_fill(reading, strategy, constant)
    if strategy == "constant":
        return _number(constant, reading.kind)
    values = reading.stats
    if reading.kind == "boolean" and strategy in ("median", "mean"):
        raise ValueError("booleans can only be filled with 'most_frequent' or 'constant'")
    if strategy == "median":
        return sorted_quantile(values, 0.5)
    if strategy == "mean":
        return mean_and_std(values)[0]
    return _mode(values)


def mean_and_std(values: np.ndarray) -> tuple[float, float]:
    """Mean and population standard deviation, without overflow for huge values."""
    scale = float(np.max(np.abs(values))) if len(values) else 0.0
    if scale < _SAFE_TO_SQUARE:
        return (float(values.mean()), float(values.std())) if len(values) else (0.0, 0.0)
    scaled = values / scale
    return float(scaled.mean() * scale), float(scaled.std() * scale)


def _mode(sorted_values: np.ndarray) -> float:
    starts, lengths = _runs(sorted_values)
    return float(sorted_values[starts[int(np.argmax(lengths))]])


def _number(constant: Any, kind: str) -> float:
    if constant is None:
        return 0.0
    if isinstance(constant, bool | int | float | np.number) and np.isfinite(constant):
        if kind == "boolean" and float(constant) not in (0.0, 1.0):
            raise ValueError(f"a boolean column takes 0, 1, True or False, not {constant!r}")
        return float(constant)
    raise ValueError(f"fill_value must be a finite number for this column, not {constant!r}")


def _datetime_fill(reading: Reading, strategy: str, constant: Any) -> np.datetime64:
    if strategy == "constant":
        try:
            stamp = None if constant is None else pd.Timestamp(constant)
        except (TypeError, ValueError):
            stamp = None
        if stamp is None or pd.isna(stamp):
            raise ValueError(
                f"fill_value must be a timestamp for a datetime column, not {constant!r}"
            )
        return np.datetime64(stamp.tz_convert(None) if stamp.tz else stamp, "ns")
    ticks = reading.stats
    if strategy == "median":
        chosen = int(ticks[(len(ticks) - 1) // 2])
    elif strategy == "mean":
        chosen = int(ticks.astype(np.float64).mean())
    else:
        chosen = int(_mode(ticks))
    return np.datetime64(chosen, "ns")


def fences(
    sorted_values: np.ndarray,
    rule: str,
    *,
    iqr_factor: float,
    z_threshold: float,
    quantile_range: Sequence[float],
) -> tuple[float, float, int]:
    """Clipping fences learned from sorted values, and how many values they clip."""
    if rule == "iqr":
        q1, q3 = sorted_quantile(sorted_values, 0.25), sorted_quantile(sorted_values, 0.75)
        low, high = q1 - iqr_factor * (q3 - q1), q3 + iqr_factor * (q3 - q1)
    elif rule == "zscore":
        mean, std = mean_and_std(sorted_values)
        low, high = mean - z_threshold * std, mean + z_threshold * std  # may be ±inf: fine
    else:
        low = sorted_quantile(sorted_values, quantile_range[0])
        high = sorted_quantile(sorted_values, quantile_range[1])
    n_low = int(np.searchsorted(sorted_values, low, side="left"))
    n_high = len(sorted_values) - int(np.searchsorted(sorted_values, high, side="right"))
    return float(low), float(high), n_low + n_high


def categories(
    series: pd.Series, spellings: Mapping[str, str] | None, *, repair: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Rows as category labels (object array) and their missing mask.

    Labels are text; a spelling seen in ``fit`` becomes its learned form, an
    unseen one its tidied form.
    """
    codes, uniques, _ = factorize_labels(series)
    if repair:
        known = spellings or {}
        labels = [known.get(key(u), tidy(u)) for u in uniques]
    else:
        labels = [label_text(u) for u in uniques]
    padded = np.asarray([*labels, None], dtype=object)
    missing = codes < 0
    return padded[np.where(missing, len(labels), codes)], missing


def numbers(
    name: str, kind: str, series: pd.Series, missing_tokens: Collection[str]
) -> tuple[np.ndarray, list[DataFailure]]:
    """A numeric or boolean column as float64 (a fresh array), and its unreadable values."""
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return _bool_floats(series), []
    if pd.api.types.is_timedelta64_dtype(dtype):
        return series.dt.total_seconds().to_numpy(np.float64, na_value=np.nan, copy=True), []
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
        if kind == "boolean":
            bad = ~np.isnan(values) & (values != 0.0) & (values != 1.0)
            if bad.any():
                examples = pd.unique(values[bad])[:_SHOWN].tolist()
                return values, [_unreadable(name, kind, examples, int(bad.sum()))]
        return values, _infinite(name, values)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return np.full(len(series), np.nan), [
            _unreadable(name, kind, [f"datetime64 column (dtype {dtype})"], len(series))
        ]
    codes, uniques, _ = factorize_labels(series)
    if kind == "boolean":
        values, bad = boolean_values(uniques, codes)
    else:
        per_unique = pd.to_numeric(pd.Series(uniques, dtype=object).map(tidy), errors="coerce")
        bad = per_unique.isna().to_numpy() & np.asarray(
            [key(u) not in missing_tokens and key(u) != "" for u in uniques], dtype=bool
        )
        values = _take(per_unique.to_numpy(dtype=np.float64), codes)
    if bad.any():
        unreadable = [u for u, b in zip(uniques, bad, strict=True) if b]
        n_rows = int(np.isin(codes, np.flatnonzero(bad)).sum())
        return values, [_unreadable(name, kind, unreadable, n_rows)]
    return values, _infinite(name, values)


def datetimes(name: str, series: pd.Series) -> tuple[pd.Series, np.ndarray, list[DataFailure]]:
    """A column as naive UTC ``datetime64[ns]``, its missing mask and unreadable values."""
    dtype = series.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        naive = series.dt.tz_convert(None) if series.dt.tz is not None else series
        stamps, outside = _as_nanoseconds(naive)
        problems = []
        if outside.any():
            examples = naive[outside].unique()[:_SHOWN].tolist()
            problems = [_unreadable(name, "datetime", examples, int(outside.sum()))]
        return stamps, stamps.isna().to_numpy(), problems
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        n_present = int(series.notna().sum())
        stamps = pd.Series(pd.NaT, index=series.index, dtype=_NS)
        problems = [_unreadable(name, "datetime", [f"numbers (dtype {dtype})"], n_present)]
        return stamps, np.ones(len(series), dtype=bool), problems if n_present else []
    codes, uniques, _ = factorize_labels(series)
    texts = pd.Series([tidy(u) for u in uniques], dtype=object)
    parsed, _ = _as_nanoseconds(parse_dates(texts).dt.tz_convert(None))
    bad = parsed.isna().to_numpy() & (texts != "").to_numpy()
    padded = pd.concat([parsed, pd.Series([pd.NaT], dtype=_NS)], ignore_index=True)
    stamps = padded.take(np.where(codes < 0, len(parsed), codes))
    stamps.index = series.index
    missing = stamps.isna().to_numpy()
    if bad.any():
        unreadable = [u for u, b in zip(uniques, bad, strict=True) if b]
        n_rows = int(np.isin(codes, np.flatnonzero(bad)).sum())
        return stamps, missing, [_unreadable(name, "datetime", unreadable, n_rows)]
    return stamps, missing, []


def _as_nanoseconds(stamps: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Naive datetimes as ``datetime64[ns]``; those outside its range (1677-2262) become NaT."""
    try:
        return stamps.astype(_NS), np.zeros(len(stamps), dtype=bool)
    except (OutOfBoundsDatetime, OverflowError):
        inside = stamps.isna() | ((stamps >= pd.Timestamp.min) & (stamps <= pd.Timestamp.max))
        return stamps.where(inside).astype(_NS), ~inside.to_numpy()


def _infinite(name: str, values: np.ndarray) -> list[DataFailure]:
    n_infinite = int(np.isinf(values).sum())
    if not n_infinite:
        return []
    return [
        DataFailure(
            column=name,
            reason="infinite_value",
            count=n_infinite,
            message=f"{n_infinite} infinite value(s); replace them with NaN to have them filled",
        )
    ]


def _unreadable(name: str, kind: str, values: Sequence[Any], n_rows: int) -> DataFailure:
    examples = tuple(values[:_SHOWN])
    return DataFailure(
        column=name,
        reason="uncoercible_value",
        count=n_rows,
        examples=examples,
        message=f"{n_rows} value(s) cannot be read as {kind} (the column's kind in training), "
        f"e.g. {list(examples)!r}; fix or blank them",
    )
