"""Input handling shared by mlkit's DataFrame transformers.

The transformers work on DataFrames and match columns by name. They also take
arrays, as scikit-learn's own checks and pipelines pass them; array columns are
named ``x0``, ``x1``, ... as scikit-learn names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlkit._frame_checks import (
    data_error,
    non_string_names,
    nul_in_names,
    repeated_names,
)
from mlkit.exceptions import ConfigurationError, DataError, DataFailure, NotFittedError


def check_fitted(estimator: Any, attribute: str) -> None:
    """Raise NotFittedError unless ``estimator`` has the fitted ``attribute``."""
    if not hasattr(estimator, attribute):
        name = type(estimator).__name__
        raise NotFittedError(
            f"This {name} is not fitted yet; call {name}.fit with training data first."
        )


def input_frame(estimator: Any, X: Any, *, fitting: bool, min_rows: int = 1) -> pd.DataFrame:
    """Return ``X`` as a DataFrame with string column names, checked against ``fit``.

    Parameters
    ----------
    estimator : object
        The transformer; in ``fit`` its ``n_features_in_`` and
        ``feature_names_in_`` are set here.
    X : pandas.DataFrame or array-like
        The input.
    fitting : bool
        Whether this is ``fit`` (record the input) or a later call (check it).
    min_rows : int
        Fewest rows accepted when fitting.

    Returns
    -------
    pandas.DataFrame
        ``X`` itself when it is a DataFrame, else a frame over the array.

    Raises
    ------
    DataError
        When ``X`` is not two-dimensional, has no columns, too few rows,
        non-string or repeated column names, or not the columns ``fit`` saw.
    """
    owner = type(estimator).__name__
    subject = f"The input to {owner}.{'fit' if fitting else 'transform'}"
    frame = X if isinstance(X, pd.DataFrame) else _array_frame(X, subject)
    named = isinstance(X, pd.DataFrame)
    problems = non_string_names(frame) + nul_in_names(frame) + repeated_names(frame)
    if problems:
        raise DataError.from_failures(subject, problems)
    if frame.shape[1] == 0:
        raise data_error(
            subject,
            None,
            "no_columns",
            f"0 feature(s) (shape={frame.shape}) while a minimum of 1 is required.",
        )
    if fitting:
        if len(frame) < min_rows:
            raise data_error(
                subject,
                None,
                "too_few_rows",
                f"{len(frame)} sample(s) given; {owner} needs at least "
                f"{min_rows} rows to learn from (got n_samples={len(frame)}, 1 sample is not "
                "enough)"
                if len(frame) == 1
                else f"{len(frame)} sample(s) given; {owner} "
                f"needs at least {min_rows} rows to learn from",
            )
        _record_input(estimator, frame, named=named)
        return frame
    return _match_fitted_input(estimator, frame, named=named, subject=subject)


def input_names(estimator: Any, input_features: Any) -> list[str]:
    """The input names ``get_feature_names_out`` builds on, as scikit-learn checks them.

    Parameters
    ----------
    estimator : object
        A fitted transformer.
    input_features : array-like of str or None
        Names given by the caller, or ``None`` for those seen in ``fit``.

    Returns
    -------
    list of str
        One name per input column.

    Raises
    ------
    ConfigurationError
        When ``input_features`` has the wrong length or differs from the names
        seen in ``fit``.
    """
    fitted = fitted_input_names(estimator)
    if input_features is None:
        return fitted
    given = [str(name) for name in np.asarray(input_features, dtype=object).ravel()]
    if len(given) != estimator.n_features_in_:
        raise ConfigurationError(
            f"input_features should have length equal to number of features "
            f"({estimator.n_features_in_}), got {len(given)}."
        )
    if hasattr(estimator, "feature_names_in_") and given != fitted:
        raise ConfigurationError(
            "input_features is not equal to feature_names_in_: "
            f"got {given!r}, fitted on {fitted!r}."
        )
    return given


def fitted_input_names(estimator: Any) -> list[str]:
    """The column names seen in ``fit`` (``x0``, ``x1``, ... for an array)."""
    if hasattr(estimator, "feature_names_in_"):
        return [str(name) for name in estimator.feature_names_in_]
    return [f"x{i}" for i in range(estimator.n_features_in_)]


def missing_columns(frame: pd.DataFrame, required: Sequence[str]) -> list[DataFailure]:
    """One failure per required column that ``frame`` lacks."""
    present = set(frame.columns)
    return [
        DataFailure(
            column=name,
            reason="missing_column",
            message="column is missing; it was present in training and is needed",
        )
        for name in required
        if name not in present
    ]


def require_columns(frame: pd.DataFrame, required: Sequence[str], *, subject: str) -> None:
    """Raise one DataError naming every required column ``frame`` lacks."""
    failures = missing_columns(frame, required)
    if failures:
        raise DataError.from_failures(subject, failures)


def transformer_tags(tags: Any) -> Any:
    """Set scikit-learn (>= 1.6) tags for a transformer that takes missing values and text."""
    tags.input_tags.allow_nan = True
    tags.input_tags.string = True
    tags.input_tags.categorical = True
    tags.transformer_tags.preserves_dtype = []  # the output is a DataFrame of mixed dtypes
    return tags


def _array_frame(X: Any, subject: str) -> pd.DataFrame:
    if hasattr(X, "toarray") or hasattr(X, "tocsr"):
        raise data_error(
            subject,
            None,
            "sparse_input",
            "sparse input is not supported; pass a DataFrame, or "
            "densify the matrix with .toarray()",
        )
    try:
        array = np.asarray(X)
    except (TypeError, ValueError) as error:
        raise data_error(
            subject,
            None,
            "not_a_table",
            f"cannot read the input as a table ({error}); pass a pandas DataFrame",
        ) from None
    if array.ndim != 2:
        raise data_error(
            subject,
            None,
            "not_two_dimensional",
            f"Expected a 2D table, got an array of shape "
            f"{array.shape}. Reshape your data: pass a DataFrame, or array.reshape(-1, 1) for "
            "one column",
        )
    return pd.DataFrame(array, columns=[f"x{i}" for i in range(array.shape[1])], copy=False)


def _record_input(estimator: Any, frame: pd.DataFrame, *, named: bool) -> None:
    estimator.n_features_in_ = frame.shape[1]
    if named:
        estimator.feature_names_in_ = np.asarray(frame.columns, dtype=object)
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def _match_fitted_input(
    estimator: Any, frame: pd.DataFrame, *, named: bool, subject: str
) -> pd.DataFrame:
    owner = type(estimator).__name__
    fitted_named = hasattr(estimator, "feature_names_in_")
    if named and fitted_named:
        return frame
    if fitted_named:
        raise data_error(
            subject,
            None,
            "unnamed_columns",
            f"{owner} was fitted on a DataFrame; pass a DataFrame "
            f"with the columns {list(estimator.feature_names_in_)!r}",
        )
    if frame.shape[1] != estimator.n_features_in_:
        raise data_error(
            subject,
            None,
            "wrong_column_count",
            f"X has {frame.shape[1]} features, but {owner} is "
            f"expecting {estimator.n_features_in_} features as input.",
        )
    if named:  # fitted on an array: take columns by position
        return frame.set_axis(fitted_input_names(estimator), axis=1)
    return frame
