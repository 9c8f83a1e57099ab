"""Assertions for the test suites of applications that embed a packaged model.

Each function takes a loaded :class:`~mlkit.Model` (or the path of a
``.mlkit`` file) and raises ``AssertionError`` with a message saying what
differed, so it reads naturally in pytest or unittest::

    import mlkit.testing

    MODEL = mlkit.load("models/churn-1.2.0.mlkit")

    def test_model_is_unchanged_here():
        mlkit.testing.assert_golden(MODEL)

    def test_country_does_not_matter():
        mlkit.testing.assert_invariant(MODEL, rows, "country", ["US", "DE", "FR"])
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from mlkit._frame_checks import require_frame, with_columns
from mlkit.exceptions import ConfigurationError, DataError

if TYPE_CHECKING:
    from mlkit._model import Model

__all__ = ["assert_accepts", "assert_golden", "assert_invariant", "assert_monotonic"]


def _model(model: Model | str | Path) -> Model:
    from mlkit._model import Model, load

    if isinstance(model, Model):
        return model
    if isinstance(model, str | Path):
        return load(model)
    raise ConfigurationError(
        f"Expected a loaded mlkit Model or the path of a .mlkit file. Got {type(model).__name__}."
    )


def assert_accepts(model: Model | str | Path, df: pd.DataFrame) -> None:
    """Assert that ``df`` satisfies the model's data contract.

    Parameters
    ----------
    model : Model, str or Path
        A loaded model, or the path of its artifact.
    df : pandas.DataFrame
        Rows the application will send.

    Raises
    ------
    AssertionError
        Listing every contract problem by column.
    """
    loaded = _model(model)
    try:
        loaded.validate(df)
    except DataError as error:
        raise AssertionError(
            f"{loaded.name} {loaded.version} refuses the frame: {error}"
        ) from None


def assert_golden(model: Model | str | Path, *, tolerance: float = 1e-6) -> None:
    """Assert that the model predicts its golden examples as when it was packaged.

    Parameters
    ----------
    model : Model, str or Path
        A loaded model, or the path of its artifact.
    tolerance : float, default=1e-6
        Largest absolute difference allowed in probabilities or regression values.

    Raises
    ------
    AssertionError
        When this runtime predicts any golden example differently.
    """
    _model(model).self_test(tolerance=tolerance).raise_if_failed()


def _sweep(model: Model, df: Any, column: Any, values: Any) -> tuple[pd.DataFrame, list[Any]]:
    """The rows and values of a sweep, refusing a column the model does not use."""
    frame = require_frame(df, subject="The frame given to mlkit.testing")
    if frame.empty:
        raise ConfigurationError("mlkit.testing needs at least one row to vary; df is empty.")
    if column not in model.columns:
        raise ConfigurationError(
            f"{column!r} is not one of {model.name}'s input columns, so changing it cannot "
            f"change a prediction. Its columns are {model.columns}."
        )
    return frame, list(values)


def _scores(model: Model, frame: pd.DataFrame, output: str | None) -> np.ndarray:
    """The number each row is judged by: a probability column, or the prediction."""
    if output is None:
        if model.classes is None:
            return model.predict(frame).to_numpy(np.float64)
        if len(model.classes) == 2:
            output = model.classes[1]
        else:
            return model.predict(frame).astype(str).to_numpy()
    probabilities = model.predict_proba(frame)
    if output not in probabilities.columns:
        raise ConfigurationError(
            f"{output!r} is not one of the model's classes {list(probabilities.columns)}."
        )
    return probabilities[output].to_numpy(np.float64)


def assert_invariant(
    model: Model | str | Path,
    df: pd.DataFrame,
    column: str,
    values: Sequence[Any],
    *,
    output: Any = None,
    tolerance: float = 1e-9,
) -> None:
    """Assert that predictions do not change when ``column`` takes each of ``values``.

    Parameters
    ----------
    model : Model, str or Path
        A loaded model, or the path of its artifact.
    df : pandas.DataFrame
        Rows to vary.
    column : str
        The column that must not matter.
    values : sequence
        Values to set the column to, one at a time, for every row.
    output : class label, optional
        For classifiers, the class whose probability is compared (default: the
        positive class of a binary model, the label of a multiclass one).
    tolerance : float, default=1e-9
        Largest absolute change allowed.

    Raises
    ------
    AssertionError
        Naming the value and the rows whose prediction changed.
    """
    loaded = _model(model)
    df, values = _sweep(loaded, df, column, values)
    if len(values) < 2:
        raise ConfigurationError("assert_invariant needs at least two values to compare.")
    first = _scores(loaded, with_columns(df, {column: values[0]}), output)
    for value in values[1:]:
        other = _scores(loaded, with_columns(df, {column: value}), output)
        if first.dtype.kind in "OUS":
            changed = np.flatnonzero(first != other)
        else:
            changed = np.flatnonzero(np.abs(first - other) > tolerance)
        if changed.size:
            raise AssertionError(
                f"{loaded.name} {loaded.version}: predictions change when {column!r} goes "
                f"from {values[0]!r} to {value!r}, for {changed.size} of {len(df)} row(s) "
                f"(positions {changed[:10].tolist()})."
            )


def assert_monotonic(
    model: Model | str | Path,
    df: pd.DataFrame,
    column: str,
    values: Sequence[float],
    *,
    direction: Literal["increasing", "decreasing"] = "increasing",
    output: Any = None,
    tolerance: float = 1e-9,
) -> None:
    """Assert that predictions move one way as ``column`` rises through ``values``.

    Parameters
    ----------
    model : Model, str or Path
        A loaded model, or the path of its artifact.
    df : pandas.DataFrame
        Rows to vary.
    column : str
        The numeric column to sweep.
    values : sequence of float
        Increasing values to set the column to, for every row.
    direction : {"increasing", "decreasing"}, default="increasing"
        How predictions must move (never the other way by more than ``tolerance``).
    output : class label, optional
        For classifiers, the class whose probability is judged (default: the
        positive class of a binary model).
    tolerance : float, default=1e-9
        Largest move the wrong way allowed.

    Raises
    ------
    AssertionError
        Naming the step and the rows that moved the wrong way.
    """
    loaded = _model(model)
    df, values = _sweep(loaded, df, column, values)
    if direction not in {"increasing", "decreasing"}:
        raise ConfigurationError(
            f"The 'direction' parameter must be 'increasing' or 'decreasing'. Got {direction!r}."
        )
    steps = list(values)
    if len(steps) < 2 or any(b <= a for a, b in itertools.pairwise(steps)):
        raise ConfigurationError("assert_monotonic needs at least two strictly rising values.")
    sign = 1.0 if direction == "increasing" else -1.0
    previous = _scores(loaded, with_columns(df, {column: steps[0]}), output)
    if previous.dtype.kind in "OUS":
        raise ConfigurationError(
            "assert_monotonic needs a numeric output: give output=<class label> for a "
            "multiclass model."
        )
    for low, high in itertools.pairwise(steps):
        current = _scores(loaded, with_columns(df, {column: high}), output)
        wrong = np.flatnonzero(sign * (current - previous) < -tolerance)
        if wrong.size:
            raise AssertionError(
                f"{loaded.name} {loaded.version}: predictions are not {direction} in "
                f"{column!r} from {low!r} to {high!r} for {wrong.size} of {len(df)} row(s) "
                f"(positions {wrong[:10].tolist()})."
            )
        previous = current
