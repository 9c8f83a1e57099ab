"""The data contract: a pandera schema that rejects only what a model cannot compute."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlkit import _lazy
from mlkit._frame_checks import repeated_names, require_frame
from mlkit.exceptions import DataError, DataFailure

if TYPE_CHECKING:
    import pandera.pandas as pa

    from mlkit._profile import ColumnProfile


def contract_dtype(column: ColumnProfile) -> str | None:
    """Return the dtype a column's values must coerce to, or None for any value.

    Numbers of any kind coerce to ``float64`` (an integer column that receives
    a missing value or ``2.0`` is still computable); booleans to the nullable
    ``boolean``; datetimes and durations to their own dtype. Text and
    categories accept any value: an unseen category is drift, not an error.
    """
    return dtype_contract(column.dtype)


def dtype_contract(trained: str) -> str | None:
    """Return the dtype values must coerce to for a column trained as ``trained``."""
    try:
        dtype = pd.api.types.pandas_dtype(trained) if trained != "str" else None
    except TypeError:
        return None
    if dtype is None or isinstance(dtype, pd.CategoricalDtype):
        return None
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    # pandera coerces naive datetimes and durations to nanoseconds, whatever the unit named.
    if isinstance(dtype, np.dtype) and dtype.kind in "mM":
        return "timedelta64[ns]" if dtype.kind == "m" else "datetime64[ns]"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return str(dtype)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "float64"
    return None


_FINITE = "finite"
_EXAMPLES = 3


def _is_finite(values: pd.Series) -> pd.Series:
    """True where a value is not infinite; text is read as a number first."""
    numbers = pd.to_numeric(values, errors="coerce").astype(np.float64)
    return pd.Series(~np.isinf(numbers.to_numpy()), index=values.index)


def validate_frame(schema: pa.DataFrameSchema, df: object, *, subject: str) -> pd.DataFrame:
    """Validate ``df`` against a contract and return it as coerced.

    Parameters
    ----------
    schema : pandera.pandas.DataFrameSchema
        The contract.
    df : pandas.DataFrame
        The frame to check.
    subject : str
        How the error names the frame, e.g. ``"The frame given to Model.predict"``.

    Returns
    -------
    pandas.DataFrame
        The frame with every contract column coerced to its type.

    Raises
    ------
    DataError
        Listing every problem found, by column, with reason codes
        ``"missing_column"``, ``"uncoercible_value"`` and ``"infinite_value"``.
    """
    pandera = _lazy.pandera()
    frame = require_frame(df, subject=subject)
    failures = repeated_names(frame)
    if failures:
        raise DataError.from_failures(subject, failures)
    try:
        validated: pd.DataFrame = schema.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as error:
        failures = _failures_from(error.failure_cases, schema)
        raise DataError.from_failures(subject, failures) from None
    return validated


def _failures_from(cases: pd.DataFrame, schema: pa.DataFrameSchema) -> list[DataFailure]:
    """Turn pandera's failure cases into one DataFailure per column and reason."""
    failures = []
    missing = cases["check"] == "column_in_dataframe"
    for name in cases.loc[missing, "failure_case"].astype(str):
        failures.append(
            DataFailure(
                column=name,
                reason="missing_column",
                message="the column is missing; the model needs it (add it, even if empty)",
            )
        )
    checks = cases.loc[~missing, "check"].astype(str)
    rows = cases.loc[~missing].assign(reason=checks.map(_reason))
    rows = rows[rows["reason"].notna()]  # a failed coercion also fails its dtype check
    for (column, reason), group in rows.groupby(["column", "reason"], sort=False):
        failures.append(_value_failure(str(column), str(reason), group, schema))
    return failures


def _reason(check: str) -> str | None:
    if check.startswith("coerce_dtype"):
        return "uncoercible_value"
    if check == _FINITE:
        return "infinite_value"
    if check.startswith("dtype("):
        return None
    return check  # pragma: no cover - the contract has no other checks


def _value_failure(
    column: str, reason: str, group: pd.DataFrame, schema: pa.DataFrameSchema
) -> DataFailure:
    examples = tuple(group["failure_case"].drop_duplicates().head(_EXAMPLES).tolist())
    count = len(group)
    if reason == "uncoercible_value":
        dtype = schema.columns[column].dtype
        message = f"{count} value(s) cannot be read as {dtype}, e.g. {list(examples)}"
    else:
        message = f"{count} infinite value(s); infinity cannot be computed"
    return DataFailure(
        column=column, reason=reason, message=message, count=count, examples=examples
    )


def schema_from_profile(columns: Sequence[ColumnProfile]) -> pa.DataFrameSchema:
    """Build the data contract for the profiled ``columns``."""
    return build_schema(
        (
            column.name,
            contract_dtype(column),
            f"{column.semantic_type} column, trained as {column.dtype}",
        )
        for column in columns
    )


def build_schema(columns: Iterable[tuple[str, str | None, str]]) -> pa.DataFrameSchema:
    """Build a contract from (name, dtype to coerce to or None, description) triples."""
    pandera = _lazy.pandera()
    schema: pa.DataFrameSchema = pandera.DataFrameSchema(
        {name: _column_contract(pandera, dtype, text) for name, dtype, text in columns},
        strict=False,
        ordered=False,
        name="mlkit data contract",
    )
    return schema


def _column_contract(pandera: Any, dtype: str | None, description: str) -> pa.Column:
    checks = []
    if dtype == "float64":
        checks.append(pandera.Check(_is_finite, name=_FINITE))
    contract: pa.Column = pandera.Column(
        dtype,
        checks=checks,
        nullable=True,
        coerce=dtype is not None,
        required=True,
        description=description,
    )
    return contract
