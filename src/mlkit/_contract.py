"""The data contract: a pandera schema that rejects only what a model cannot compute."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlkit import _lazy

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
    dtype = pd.api.types.pandas_dtype(column.dtype) if column.dtype != "str" else None
    if dtype is None or isinstance(dtype, pd.CategoricalDtype):
        return None
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(dtype) or pd.api.types.is_timedelta64_dtype(dtype):
        return str(dtype)
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "float64"
    return None


def schema_from_profile(columns: Sequence[ColumnProfile]) -> pa.DataFrameSchema:
    """Build the data contract for the profiled ``columns``."""
    pandera = _lazy.pandera()
    schema: pa.DataFrameSchema = pandera.DataFrameSchema(
        {column.name: _column_contract(pandera, column) for column in columns},
        strict=False,
        ordered=False,
        name="mlkit data contract",
    )
    return schema


def _column_contract(pandera: Any, column: ColumnProfile) -> pa.Column:
    dtype = contract_dtype(column)
    checks = []
    if dtype == "float64":
        checks.append(
            pandera.Check.in_range(
                -np.inf,
                np.inf,
                include_min=False,
                include_max=False,
                error="must be finite (infinity cannot be computed)",
            )
        )
    contract: pa.Column = pandera.Column(
        dtype,
        checks=checks,
        nullable=True,
        coerce=dtype is not None,
        required=True,
        description=f"{column.semantic_type} column, trained as {column.dtype}",
    )
    return contract
