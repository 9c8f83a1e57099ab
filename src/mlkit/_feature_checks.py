"""What FeatureBuilder checks before it fits and before it transforms.

Everything a user can pass that scikit-learn's steps would refuse with their own
errors is checked here first, so the user sees one ``mlkit`` error naming each
column and what to do.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from mlkit._feature_steps import is_label_dtype
from mlkit.exceptions import ConfigurationError, DataError, DataFailure

LARGEST: Final = 1e100  # squares of larger values overflow float64 when summed
_FIT: Final = "The frame given to FeatureBuilder.fit"
_SHOWN: Final = 3


def column_kind(dtype: Any) -> str:
    """``"label"``, ``"datetime"``, ``"number"`` or ``"other"`` for a column's dtype."""
    if is_label_dtype(dtype):
        return "label"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_complex_dtype(dtype):
        return "other"
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return "number"
    return "other"


def check_target(y: Any, n_rows: int) -> pd.Series | None:
    """The target as a Series, or ``None``; a DataError when it cannot be used.

    Raises
    ------
    DataError
        When ``y`` is not one column, has another length than ``X``, or has
        missing values.
    """
    if y is None:
        return None
    values = y.to_numpy() if isinstance(y, pd.Series | pd.DataFrame) else np.asarray(y)
    if values.ndim == 2 and values.shape[1] == 1:
        values = values[:, 0]
    problems = []
    if values.ndim != 1:
        problems.append(
            _target_failure(
                "not_one_column", f"y must be one column of values; got shape {values.shape}"
            )
        )
    elif len(values) != n_rows:
        problems.append(
            _target_failure(
                "length_mismatch", f"y has {len(values)} values but X has {n_rows} rows"
            )
        )
    else:
        target = pd.Series(values)
        n_missing = int(target.isna().sum())
        if not n_missing:
            return target
        problems.append(
            _target_failure(
                "missing_target",
                "y has missing values; drop those rows first (mlkit.clean_rows)",
                n_missing,
            )
        )
    raise DataError.from_failures("The target given to FeatureBuilder.fit", problems)


def _target_failure(reason: str, message: str, count: int = 0) -> DataFailure:
    return DataFailure(column=None, reason=reason, message=message, count=count)


def check_option_columns(
    frame: pd.DataFrame, numeric_options: Mapping[str, Sequence[str]]
) -> None:
    """Refuse options that compute with columns that do not hold numbers.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame given to ``fit``.
    numeric_options : mapping of str to sequence of str
        Each parameter and the columns it computes with.

    Raises
    ------
    ConfigurationError
        Naming the parameter and the columns.
    """
    for parameter, names in numeric_options.items():
        wrong = sorted({name for name in names if column_kind(frame[name].dtype) != "number"})
        if wrong:
            kinds = {name: str(frame[name].dtype) for name in wrong}
            raise ConfigurationError(
                f"The {parameter!r} parameter of FeatureBuilder computes with numbers, but "
                f"these columns do not hold numbers: {kinds!r}. Convert them first (a "
                "Cleaner does) or leave them out."
            )


def check_values(derived: pd.DataFrame) -> None:
    """Refuse empty columns, infinite values and values too large to scale without overflow."""
    failures = []
    for name in derived.columns:
        kind = column_kind(derived[name].dtype)
        if kind == "label" and derived[name].isna().all():
            failures.append(
                _failure(
                    name,
                    "no_values",
                    "the column has no values to learn from; drop it (a Cleaner does)",
                )
            )
        if kind != "number":
            continue
        values = derived[name].to_numpy(dtype=np.float64, na_value=np.nan)
        largest = float(np.nanmax(np.abs(values), initial=0.0))
        if np.isnan(values).all():
            failures.append(
                _failure(
                    name,
                    "no_values",
                    "the column has no values to learn from; drop it (a Cleaner does)",
                )
            )
        elif largest == np.inf:
            failures.append(_infinite(name, values))
        elif largest > LARGEST:
            failures.append(
                _failure(
                    name,
                    "too_large",
                    f"values up to {largest:.3g} are too "
                    f"large to scale without overflow (limit {LARGEST:.0e}); "
                    "rescale the column, e.g. with a log transform",
                )
            )
    if failures:
        raise DataError.from_failures(_FIT, failures)


def check_complete(derived: pd.DataFrame, names: Collection[str], why: str) -> None:
    """Refuse missing values in columns whose step needs complete values."""
    failures = [
        _failure(
            name,
            "missing_value",
            f"{why} needs complete values; fill them first (put a "
            "Cleaner before the FeatureBuilder)",
            int(derived[name].isna().sum()),
        )
        for name in names
        if derived[name].isna().any()
    ]
    if failures:
        raise DataError.from_failures(_FIT, failures)


def transform_failures(
    frame: pd.DataFrame,
    kinds: Mapping[str, str],
    *,
    complete: Collection[str],
    positive: Collection[str],
) -> list[DataFailure]:
    """Every reason the learned steps cannot transform ``frame``, by column.

    Parameters
    ----------
    frame : pandas.DataFrame
        The frame given to ``transform``.
    kinds : mapping of str to str
        Each input column's kind in ``fit`` (see :func:`column_kind`).
    complete : collection of str
        Columns whose step needs complete values (binned, PCA).
    positive : collection of str
        Columns whose step needs values above zero (Box-Cox).

    Returns
    -------
    list of DataFailure
        Missing columns, values of another kind than in ``fit``, infinite,
        missing or non-positive values where they cannot be used.
    """
    failures = []
    for name, kind in kinds.items():
        if name not in frame.columns:
            failures.append(
                _failure(
                    name,
                    "missing_column",
                    "column is missing; it was present in training and is needed",
                )
            )
            continue
        series = frame[name]
        now = column_kind(series.dtype)
        if kind not in ("label", now) and not series.isna().all():
            failures.append(
                _failure(
                    name,
                    "uncoercible_value",
                    f"expected {kind}s as in "
                    f"training, got dtype {series.dtype}; convert the column "
                    "(a Cleaner does)",
                    int(series.notna().sum()),
                )
            )
        elif kind == "number" and now == "number":
            failures += _number_failures(name, series, name in complete, name in positive)
        elif name in complete and series.isna().any():
            failures.append(
                _failure(
                    name,
                    "missing_value",
                    "missing values cannot be binned or projected; fill them first",
                    int(series.isna().sum()),
                )
            )
    return failures


def _number_failures(
    name: str, series: pd.Series, complete: bool, positive: bool
) -> list[DataFailure]:
    if pd.api.types.is_timedelta64_dtype(series.dtype):
        values = series.dt.total_seconds().to_numpy(np.float64, na_value=np.nan)
    else:
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    failures = []
    if np.isinf(values).any():
        failures.append(_infinite(name, values))
    missing = np.isnan(values)
    if complete and missing.any():
        failures.append(
            _failure(
                name,
                "missing_value",
                "missing values cannot be binned or projected; fill them first",
                int(missing.sum()),
            )
        )
    if positive and (values[~missing] <= 0).any():
        failures.append(
            _failure(
                name,
                "not_positive",
                "Box-Cox needs values above zero, as in training",
                int((values[~missing] <= 0).sum()),
            )
        )
    return failures


def _infinite(name: str, values: np.ndarray) -> DataFailure:
    return _failure(
        name,
        "infinite_value",
        "infinite values cannot be made into features; "
        "replace them with NaN and fill them (a Cleaner does)",
        int(np.isinf(values).sum()),
    )


def _failure(name: str, reason: str, message: str, count: int = 0) -> DataFailure:
    return DataFailure(column=name, reason=reason, message=message, count=count)
