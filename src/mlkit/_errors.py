"""Error analysis from out-of-fold predictions: what errors each model makes, and how alike.

For classification, a confusion matrix per model (true class by predicted
class); for regression, residuals by target range. For both, the correlation
of errors between models (wrong-or-right indicators, or residuals), which the
shortlist uses to prefer models that fail differently.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs
import numpy as np
import pandas as pd

__all__ = ["ErrorAnalysis", "analyse_errors"]

_TARGET_BINS: Final = 5


@attrs.frozen(kw_only=True, eq=False)
class ErrorAnalysis:
    """The errors each model makes on rows it did not train on.

    Attributes
    ----------
    confusion : dict of str to pandas.DataFrame
        Classification: per model, counts of true class (rows) by predicted
        class (columns). Empty for regression.
    residuals : dict of str to pandas.DataFrame
        Regression: per model and target range (quantile bins of the true
        target), the rows, mean residual (prediction - truth, the bias) and
        mean absolute residual. Empty for classification.
    error_correlation : pandas.DataFrame
        Models by models: the correlation of their errors. 1 means the same
        rows go wrong; a model with no error correlates 0 with the others.
    """

    confusion: dict[str, pd.DataFrame]
    residuals: dict[str, pd.DataFrame]
    error_correlation: pd.DataFrame


def analyse_errors(
    y: pd.Series, predictions: Mapping[str, np.ndarray], *, task: str
) -> ErrorAnalysis:
    """Analyse out-of-fold predictions.

    Parameters
    ----------
    y : pandas.Series
        The true target of every training row.
    predictions : mapping of str to numpy.ndarray
        Each model's out-of-fold prediction of every row.
    task : {"binary", "multiclass", "regression"}
        The task.

    Returns
    -------
    ErrorAnalysis
        Confusion matrices or residual tables, and the error correlation.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> y = pd.Series([0, 0, 1, 1])
    >>> result = analyse_errors(
    ...     y, {"a": np.array([0, 1, 1, 1]), "b": np.array([0, 1, 1, 0])}, task="binary"
    ... )
    >>> result.confusion["a"].to_numpy().tolist()
    [[1, 1], [0, 2]]
    >>> round(float(result.error_correlation.loc["a", "b"]), 2)
    0.58
    """
    truth = y.to_numpy()
    if task == "regression":
        errors = {name: np.asarray(p, dtype=np.float64) - truth for name, p in predictions.items()}
        residuals = {name: _residuals_by_range(truth, error) for name, error in errors.items()}
        return ErrorAnalysis(
            confusion={}, residuals=residuals, error_correlation=_correlation(errors)
        )
    classes = pd.unique(truth)
    confusion = {name: _confusion(truth, p, classes) for name, p in predictions.items()}
    wrong = {name: (np.asarray(p) != truth).astype(np.float64) for name, p in predictions.items()}
    return ErrorAnalysis(confusion=confusion, residuals={}, error_correlation=_correlation(wrong))


def _confusion(truth: np.ndarray, predicted: np.ndarray, classes: np.ndarray) -> pd.DataFrame:
    ordered = sorted(classes.tolist(), key=str)
    table = pd.crosstab(
        pd.Categorical(truth, categories=ordered),
        pd.Categorical(predicted, categories=ordered),
        dropna=False,
    )
    table.index.name, table.columns.name = "true", "predicted"
    return table


def _residuals_by_range(truth: np.ndarray, error: np.ndarray) -> pd.DataFrame:
    ranges = pd.qcut(truth, q=_TARGET_BINS, duplicates="drop")
    frame = pd.DataFrame({"range": ranges, "residual": error, "absolute": np.abs(error)})
    table = frame.groupby("range", observed=True).agg(
        rows=("residual", "size"),
        mean_residual=("residual", "mean"),
        mean_absolute_residual=("absolute", "mean"),
    )
    table.index = table.index.astype(str)
    return table


def _correlation(errors: Mapping[str, np.ndarray]) -> pd.DataFrame:
    names = list(errors)
    matrix = np.eye(len(names))
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            b = names[j]
            value = _pearson(errors[a], errors[b])
            matrix[i, j] = matrix[j, i] = value
    return pd.DataFrame(matrix, index=names, columns=names)


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation; 0 when either side does not vary (no errors, say)."""
    a_centred, b_centred = a - a.mean(), b - b.mean()
    scale = float(np.sqrt((a_centred**2).sum() * (b_centred**2).sum()))
    if scale == 0.0 or not np.isfinite(scale):
        return 0.0
    return float((a_centred * b_centred).sum() / scale)
