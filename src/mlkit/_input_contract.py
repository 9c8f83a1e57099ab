"""The data contract a packaged model checks on every call, compiled for speed.

Full pandera validation costs several milliseconds even for one row, more than
a model's prediction. So a call first takes a fast path that handles the
common case (every column present with the dtype the model was trained on,
no infinity) with a few numpy operations, and falls back to pandera whenever
anything needs coercing or is wrong: pandera then coerces or writes the one
error that lists every problem. Both paths give the same frame.

Unusual values (outside the training range, unseen categories) pass and are
counted, for monitoring.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import pandas as pd

from mlkit._contract import build_schema, dtype_contract, validate_frame
from mlkit._frame_checks import require_frame, with_columns
from mlkit.exceptions import IntegrityError

if TYPE_CHECKING:
    import pandera.pandas as pa

    from mlkit._profile import Profile

_MAX_CATEGORIES = 1_000  # more distinct values than this are text, not tracked
_SMALL = 64  # frames up to this many rows count categories in plain Python
_NANOSECONDS = {"M": "datetime64[ns]", "m": "timedelta64[ns]"}  # naive times, as pandera has them


@attrs.frozen(kw_only=True)
class ColumnContract:
    """What one input column must satisfy, and what it looked like in training."""

    name: str
    trained_dtype: str
    dtype: str | None  # what values must coerce to; None accepts any value
    kind: str  # "number", "boolean", "time", "category" or "other"
    low: float | None = None
    high: float | None = None
    categories: frozenset[str] | None = None


@attrs.frozen(kw_only=True, eq=False)
class InputContract:
    """The compiled contract of a model's input frame."""

    columns: tuple[ColumnContract, ...]

    @property
    def names(self) -> list[str]:
        """The input columns, in the order the model was trained on."""
        return [column.name for column in self.columns]

    def schema(self) -> pa.DataFrameSchema:
        """The contract as a pandera schema."""
        return build_schema(
            (c.name, c.dtype, f"{c.kind} column, trained as {c.trained_dtype}")
            for c in self.columns
        )

    def to_dict(self) -> dict[str, Any]:
        """The contract as JSON-safe values (the artifact's ``schema.json``)."""
        return {
            "columns": [
                {
                    "name": c.name,
                    "trained_dtype": c.trained_dtype,
                    "dtype": c.dtype,
                    "kind": c.kind,
                    "low": c.low,
                    "high": c.high,
                    "categories": None if c.categories is None else sorted(c.categories),
                }
                for c in self.columns
            ]
        }

    @classmethod
    def from_dict(cls, data: Any, *, subject: str) -> InputContract:
        """Read a contract written by :meth:`to_dict`, refusing anything malformed."""
        try:
            columns = tuple(_column_from_dict(item) for item in data["columns"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise IntegrityError(
                f"{subject}: the data contract (schema.json) is malformed ({error!r})."
            ) from None
        return cls(columns=columns)

    @classmethod
    def learn(cls, X: pd.DataFrame, *, profile: Profile | None = None) -> InputContract:
        """Learn the contract of frames like ``X``, the rows a model was trained on."""
        return cls(columns=tuple(_learn_column(X, name, profile) for name in X.columns))


def _column_from_dict(item: Mapping[str, Any]) -> ColumnContract:
    categories = item.get("categories")
    low, high = item.get("low"), item.get("high")
    return ColumnContract(
        name=str(item["name"]),
        trained_dtype=str(item["trained_dtype"]),
        dtype=None if item["dtype"] is None else str(item["dtype"]),
        kind=str(item["kind"]),
        low=None if low is None else _finite(low),
        high=None if high is None else _finite(high),
        categories=None if categories is None else frozenset(map(str, categories)),
    )


def _finite(value: Any) -> float:
    """A bound read back: learned bounds are always finite numbers."""
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"a column's training range has the bound {value!r}, not a finite number")
    return number


def _learn_column(X: pd.DataFrame, name: str, profile: Profile | None) -> ColumnContract:
    series = X[name]
    trained = str(series.dtype)
    if profile is not None and name in {column.name for column in profile.columns}:
        trained = profile[name].dtype
    dtype = dtype_contract(trained)
    kind = _kind(series, dtype)
    low = high = None
    categories = None
    if kind == "number":
        values = pd.to_numeric(series, errors="coerce").to_numpy(np.float64, na_value=np.nan)
        finite = values[np.isfinite(values)]
        if finite.size:
            low, high = float(finite.min()), float(finite.max())
    elif kind == "category":
        seen = series.dropna().astype(str).unique()
        if len(seen) <= _MAX_CATEGORIES:
            categories = frozenset(seen.tolist())
    return ColumnContract(
        name=str(name),
        trained_dtype=trained,
        dtype=dtype,
        kind=kind,
        low=low,
        high=high,
        categories=categories,
    )


def _kind(series: pd.Series, dtype: str | None) -> str:
    if dtype == "float64":
        return "number"
    if dtype == "boolean":
        return "boolean"
    if dtype is not None:
        return "time"
    if (
        isinstance(series.dtype, pd.CategoricalDtype)
        or series.dtype.kind in "OUSb"
        or (pd.api.types.is_string_dtype(series.dtype))
    ):
        return "category"
    return "other"  # pragma: no cover - every pandas dtype is one of the above


class _SlowPath(Exception):
    """The fast path cannot vouch for a frame; pandera decides."""


class ContractChecker:
    """Checks frames against an :class:`InputContract` and counts unusual values.

    Safe to call from many threads: the counts are guarded by a lock and
    nothing else changes after construction.
    """

    def __init__(self, contract: InputContract) -> None:
        self.contract = contract
        self._names = contract.names
        self._lock = threading.Lock()
        self._schema: pa.DataFrameSchema | None = None
        self._rows = 0
        self._out_of_range = dict.fromkeys(self._names, 0)
        self._unseen = dict.fromkeys(self._names, 0)
        self._name_set = frozenset(self._names)
        self._typed = [c for c in contract.columns if c.dtype is not None]
        self._tracked = [
            c
            for c in contract.columns
            if (c.low is not None and c.high is not None) or c.categories is not None
        ]

    @property
    def schema(self) -> pa.DataFrameSchema:
        """The pandera schema, built on first use."""
        if self._schema is None:
            self._schema = self.contract.schema()
        return self._schema

    def check(self, df: object, *, subject: str, count: bool = True) -> pd.DataFrame:
        """Return the frame the model sees (contract columns, coerced), or raise DataError.

        Unusual values are counted unless ``count`` is false (drift checks).
        """
        frame = require_frame(df, subject=subject)
        try:
            checked = self._fast(frame)
        except _SlowPath:
            checked = self.validate(frame, subject=subject)
        if count:
            self._count(checked)
        return checked

    def validate(self, df: object, *, subject: str) -> pd.DataFrame:
        """Full pandera validation: the coerced frame, or one error listing every problem."""
        frame = require_frame(df, subject=subject)
        if not frame.columns.is_unique:  # repeated extra columns do not matter
            frame = frame.loc[:, frame.columns.isin(self._names)]
        validated = validate_frame(self.schema, frame, subject=subject)
        return validated[self._names]

    def _fast(self, frame: pd.DataFrame) -> pd.DataFrame:
        if not frame.columns.is_unique or not self._name_set.issubset(frame.columns):
            raise _SlowPath
        selected = frame[self._names]
        coerced: dict[str, Any] = {}
        for column in self._typed:  # columns that accept any value need no look
            series = selected[column.name]
            value = _fast_column(series, column.dtype)
            if value is not series:
                coerced[column.name] = value
        return with_columns(selected, coerced) if coerced else selected

    def _count(self, frame: pd.DataFrame) -> None:
        out_of_range, unseen = {}, {}
        for column in self._tracked:
            if column.low is not None and column.high is not None:
                values = frame[column.name].to_numpy(np.float64, na_value=np.nan)
                with np.errstate(invalid="ignore"):
                    out = int(np.count_nonzero((values < column.low) | (values > column.high)))
                out_of_range[column.name] = out
            elif column.categories is not None:
                unseen[column.name] = _unseen(frame[column.name], column.categories)
        with self._lock:
            self._rows += len(frame)
            for name, count in out_of_range.items():
                self._out_of_range[name] += count
            for name, count in unseen.items():
                self._unseen[name] += count

    def counts(self) -> pd.DataFrame:
        """Rows checked and unusual values seen per column since the model was loaded."""
        with self._lock:
            return pd.DataFrame(
                {
                    "rows": self._rows,
                    "out_of_range": pd.Series(self._out_of_range, dtype="int64"),
                    "unseen_category": pd.Series(self._unseen, dtype="int64"),
                },
                index=pd.Index(self._names, name="column"),
            )


def _fast_column(series: pd.Series, dtype: str | None) -> pd.Series:
    """The column coerced as pandera would, or _SlowPath when that needs pandera."""
    if dtype is None:
        return series
    current = series.dtype
    if dtype == "float64":
        if not (pd.api.types.is_numeric_dtype(current) and current.kind in "iuf"):
            raise _SlowPath
        values = series.to_numpy(np.float64, na_value=np.nan)
        if np.isinf(values).any():
            raise _SlowPath
        if current == np.float64:
            return series
        return pd.Series(values, index=series.index, name=series.name)
    if str(current) == dtype:
        return series
    if dtype == "boolean" and current == np.bool_:
        return series.astype("boolean")
    if isinstance(current, np.dtype) and dtype == _NANOSECONDS.get(current.kind):
        return _to_nanoseconds(series, dtype)
    raise _SlowPath


def _to_nanoseconds(series: pd.Series, dtype: str) -> pd.Series:
    """A naive datetime or duration in another unit, in nanoseconds as pandera gives it."""
    try:
        converted: pd.Series = series.astype(np.dtype(dtype))
    except (ValueError, OverflowError) as error:  # out of the nanosecond range
        raise _SlowPath from error
    return converted


def _unseen(series: pd.Series, categories: frozenset[str]) -> int:
    if len(series) <= _SMALL:
        return sum(1 for v in series.tolist() if not _missing(v) and str(v) not in categories)
    # Judge each distinct value (few) rather than each row; count rows only when one is new.
    unseen = [v for v in pd.unique(series) if not _missing(v) and str(v) not in categories]
    return int(series.isin(unseen).sum()) if unseen else 0


def _missing(value: object) -> bool:
    return (
        value is None
        or value is pd.NA
        or value is pd.NaT
        or (isinstance(value, float) and math.isnan(value))
    )
