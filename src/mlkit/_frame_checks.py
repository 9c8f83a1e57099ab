"""Checks every entry point makes on the frame it is given, with one wording."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import Any

import pandas as pd

from mlkit.exceptions import DataError, DataFailure

_SHOWN = 5


def require_frame(df: Any, *, subject: str) -> pd.DataFrame:
    """Return ``df`` if it is a DataFrame, else raise a DataError saying what it is.

    Parameters
    ----------
    df : object
        What the caller passed.
    subject : str
        How the error names it, e.g. ``"The input to Profiler.profile"``.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself.
    """
    if isinstance(df, pd.DataFrame):
        return df
    failure = DataFailure(
        column=None,
        reason="not_a_dataframe",
        message=f"expected a pandas DataFrame, got {type(df).__name__}; wrap it with "
        "pandas.DataFrame(...) and name its columns",
    )
    raise DataError.from_failures(subject, [failure])


def non_string_names(df: pd.DataFrame) -> list[DataFailure]:
    """A failure when some column names are not strings (none otherwise)."""
    bad = [name for name in df.columns if not isinstance(name, str)]
    if not bad:
        return []
    return [
        DataFailure(
            column=None,
            reason="non_string_column_names",
            count=len(bad),
            examples=tuple(_as_text(name) for name in bad[:_SHOWN]),
            message=f"column names must be strings; got {bad[:_SHOWN]!r}. Rename them, "
            "e.g. df.columns = df.columns.map(str)",
        )
    ]


def nul_in_names(df: pd.DataFrame) -> list[DataFailure]:
    """A failure when some column names hold a NUL character (none otherwise).

    numpy drops trailing NUL characters from text, so two such names could
    become one column inside scikit-learn.
    """
    bad = [name for name in df.columns if isinstance(name, str) and "\x00" in name]
    if not bad:
        return []
    return [
        DataFailure(
            column=None,
            reason="nul_in_column_names",
            count=len(bad),
            examples=tuple(bad[:_SHOWN]),
            message=f"column names must not hold NUL characters; got {bad[:_SHOWN]!r}. "
            "Rename them",
        )
    ]


def repeated_names(df: pd.DataFrame) -> list[DataFailure]:
    """A failure when a column name appears more than once (none otherwise)."""
    repeated = df.columns[df.columns.duplicated()].unique().tolist()
    if not repeated:
        return []
    return [
        DataFailure(
            column=None,
            reason="duplicate_column_names",
            count=len(repeated),
            examples=tuple(_as_text(name) for name in repeated[:_SHOWN]),
            message=f"column names must be unique; repeated: {repeated[:_SHOWN]!r}",
        )
    ]


def _as_text(name: Hashable) -> str:
    return name if isinstance(name, str) else repr(name)


def with_columns(df: pd.DataFrame, columns: Mapping[Any, Any]) -> pd.DataFrame:
    """``df`` with ``columns`` set, left unchanged itself; any name works, unlike ``assign``."""
    changed = df.copy(deep=False)
    for name, values in columns.items():
        changed[name] = values
    return changed


def data_error(
    subject: str,
    column: str | None,
    reason: str,
    message: str,
    count: int = 0,
    examples: tuple[Any, ...] = (),
) -> DataError:
    """A DataError with one failure, for the caller to raise."""
    failure = DataFailure(
        column=column, reason=reason, message=message, count=count, examples=examples
    )
    return DataError.from_failures(subject, [failure])
