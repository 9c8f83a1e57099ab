"""The steps FeatureBuilder assembles that scikit-learn does not provide.

Each is a small scikit-learn transformer whose fitted state is plain numbers,
strings, dicts and arrays, so a fitted pipeline saves with skops and loads with
nothing outside scikit-learn, numpy, scipy and mlkit on its trusted list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from mlkit._cleaning_rules import label_text
from mlkit._column_scan import factorize_labels
from mlkit._estimator_input import check_fitted

DATETIME_PARTS: Final = ("year", "month", "day", "day_of_week", "day_of_year", "hour", "minute")
_PERIODS: Final = {
    "month": 12,
    "day": 31,
    "day_of_week": 7,
    "day_of_year": 366,
    "hour": 24,
    "minute": 60,
}
AGGREGATES: Final = ("mean", "median", "min", "max", "std", "count")
RESHAPES: Final = ("log", "sqrt", "square")


class DerivedColumns(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Add ratios, differences and group aggregates; split datetimes into parts.

    Datetime columns are replaced by their parts (and, when ``cyclical``,
    a sine and cosine of each periodic part); booleans and durations become
    float64; every other column passes through unchanged.

    Parameters
    ----------
    ratios, differences : sequence of (str, str)
        Column pairs ``(a, b)`` giving ``a_per_b`` and ``a_minus_b``.
    group_aggregates : sequence of (str, str, str)
        ``(group, column, statistic)`` giving ``statistic_column_by_group``: the
        statistic of ``column`` within each group, learned in ``fit``.
    datetime_parts : sequence of str
        Parts to extract from datetime columns.
    cyclical : bool
        Also encode periodic parts as sine and cosine.
    """

    def __init__(
        self,
        *,
        ratios: Sequence[tuple[str, str]] = (),
        differences: Sequence[tuple[str, str]] = (),
        group_aggregates: Sequence[tuple[str, str, str]] = (),
        datetime_parts: Sequence[str] = (),
        cyclical: bool = True,
    ) -> None:
        self.ratios = ratios
        self.differences = differences
        self.group_aggregates = group_aggregates
        self.datetime_parts = datetime_parts
        self.cyclical = cyclical

    def fit(self, X: pd.DataFrame, y: Any = None) -> DerivedColumns:
        """Learn ratio fill values and the statistic of each group."""
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = X.shape[1]
        self.datetime_columns_ = [
            name for name in X.columns if pd.api.types.is_datetime64_any_dtype(X[name].dtype)
        ]
        self.label_columns_ = [name for name in X.columns if is_label_dtype(X[name].dtype)]
        self.ratio_fills_ = {}
        for a, b in self.ratios:
            ratio = _ratio(X[a], X[b])
            finite = ratio[np.isfinite(ratio)]
            self.ratio_fills_[f"{a}_per_{b}"] = float(np.median(finite)) if len(finite) else 0.0
        self.group_stats_: dict[str, dict[str, float]] = {}
        self.group_defaults_: dict[str, float] = {}
        for group, column, statistic in self.group_aggregates:
            values = _floats(X[column])
            keys = _group_keys(X[group])
            per_group = pd.Series(values).groupby(keys, sort=True).agg(statistic)
            name = f"{statistic}_{column}_by_{group}"
            self.group_stats_[name] = {str(k): float(v) for k, v in per_group.items()}
            overall = pd.Series(values).agg(statistic)
            self.group_defaults_[name] = float(0.0 if pd.isna(overall) else overall)
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """Return ``X`` with the derived columns, datetimes replaced by their parts."""
        check_fitted(self, "group_stats_")
        columns: dict[str, Any] = {}
        for name in self.feature_names_in_:
            series = X[name]
            if name in self.datetime_columns_:
                columns.update(self._parts(name, series))
            elif name in self.label_columns_:  # labels in fit stay labels, whatever comes now
                columns[name] = as_text(series)
            elif pd.api.types.is_bool_dtype(series.dtype) or pd.api.types.is_timedelta64_dtype(
                series.dtype
            ):
                columns[name] = _floats(series)
            else:
                columns[name] = series
        for a, b in self.ratios:
            name = f"{a}_per_{b}"
            ratio = _ratio(X[a], X[b])
            columns[name] = np.where(np.isfinite(ratio), ratio, self.ratio_fills_[name])
        for a, b in self.differences:
            columns[f"{a}_minus_{b}"] = _floats(X[a]) - _floats(X[b])
        for group, column, statistic in self.group_aggregates:
            name = f"{statistic}_{column}_by_{group}"
            keys = pd.Series(_group_keys(X[group]), index=X.index)
            looked_up = keys.map(self.group_stats_[name]).astype(np.float64)
            columns[name] = looked_up.fillna(self.group_defaults_[name]).to_numpy()
        return pd.DataFrame(columns, index=X.index, copy=False)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns."""
        check_fitted(self, "group_stats_")
        names: list[str] = []
        for name in self.feature_names_in_:
            if name in self.datetime_columns_:
                names += self.part_names(name)
            else:
                names.append(name)
        names += [f"{a}_per_{b}" for a, b in self.ratios]
        names += [f"{a}_minus_{b}" for a, b in self.differences]
        names += [f"{s}_{c}_by_{g}" for g, c, s in self.group_aggregates]
        return np.asarray(names, dtype=object)

    def part_names(self, name: str) -> list[str]:
        """The names of the parts a datetime column becomes."""
        names = [f"{name}_{part}" for part in self.datetime_parts]
        if self.cyclical:
            for part in self.datetime_parts:
                if part in _PERIODS:
                    names += [f"{name}_{part}_sin", f"{name}_{part}_cos"]
        return names

    def _parts(self, name: str, series: pd.Series) -> dict[str, np.ndarray]:
        if not pd.api.types.is_datetime64_any_dtype(series.dtype):  # all missing at transform
            series = pd.Series(pd.NaT, index=series.index, dtype="datetime64[ns]")
        stamps = series.dt
        parts: dict[str, np.ndarray] = {}
        for part in self.datetime_parts:
            parts[f"{name}_{part}"] = getattr(stamps, part).to_numpy(np.float64, na_value=np.nan)
        if self.cyclical:
            for part in self.datetime_parts:
                if part in _PERIODS:
                    angle = 2 * np.pi * parts[f"{name}_{part}"] / _PERIODS[part]
                    parts[f"{name}_{part}_sin"] = np.sin(angle)
                    parts[f"{name}_{part}_cos"] = np.cos(angle)
        return parts


class Reshape(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Apply ``log`` (signed ``log1p``: safe for zeros and negatives), ``sqrt`` or ``square``."""

    def __init__(self, method: str = "log") -> None:
        self.method = method

    def fit(self, X: Any, y: Any = None) -> Reshape:
        """Record the input names; nothing is learned."""
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Apply the function to every value."""
        check_fitted(self, "n_features_in_")
        values = np.asarray(X, dtype=np.float64)
        if self.method == "log":
            return np.sign(values) * np.log1p(np.abs(values))
        if self.method == "sqrt":
            return np.sign(values) * np.sqrt(np.abs(values))
        return np.square(values)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The input names, unchanged."""
        check_fitted(self, "n_features_in_")
        if input_features is not None:
            return np.asarray(input_features, dtype=object)
        return np.asarray(self.feature_names_in_, dtype=object)


class GroupPCA(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Standardise a group of numeric columns and keep its principal components.

    Parameters
    ----------
    prefix : str
        Output names are ``{prefix}_pc0``, ``{prefix}_pc1``, ...
    n_components : int or float
        Components to keep, or the share of variance to explain.
    random_state : int or None
        Seed for the randomised solver.
    """

    def __init__(
        self, prefix: str = "pca", n_components: float = 0.95, random_state: int | None = 0
    ) -> None:
        self.prefix = prefix
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> GroupPCA:
        """Fit the scaler and the PCA."""
        from sklearn.decomposition import PCA
        from sklearn.preprocessing import StandardScaler

        values = np.asarray(X, dtype=np.float64)
        self.n_features_in_ = values.shape[1]
        self.scaler_ = StandardScaler().fit(values)
        components = self.n_components
        if isinstance(components, int):
            components = min(components, *values.shape)
        self.pca_ = PCA(n_components=components, random_state=self.random_state)
        self.pca_.fit(self.scaler_.transform(values))
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Project onto the kept components."""
        check_fitted(self, "pca_")
        values = np.asarray(X, dtype=np.float64)
        projected: np.ndarray = self.pca_.transform(self.scaler_.transform(values))
        return projected

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``{prefix}_pc0``, ``{prefix}_pc1``, ..."""
        check_fitted(self, "pca_")
        return np.asarray(
            [f"{self.prefix}_pc{i}" for i in range(self.pca_.n_components_)], dtype=object
        )


class SelectedColumns(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Keep the columns a fitted selector chose; stores only the mask, not the selector.

    Parameters
    ----------
    support : array-like of bool
        Which input columns to keep.
    names : array-like of str
        The input names.
    """

    def __init__(self, support: Any = None, names: Any = None) -> None:
        self.support = support
        self.names = names

    def fit(self, X: Any, y: Any = None) -> SelectedColumns:
        """Check the mask against ``X``; nothing is learned."""
        self.n_features_in_ = np.shape(X)[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """The kept columns of ``X``."""
        check_fitted(self, "n_features_in_")
        kept: np.ndarray = np.asarray(X)[:, np.asarray(self.support, dtype=bool)]
        return kept

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the kept columns."""
        names = np.asarray(self.names if input_features is None else input_features, dtype=object)
        kept: np.ndarray = names[np.asarray(self.support, dtype=bool)]
        return kept


class MutualInformation:
    """A seeded mutual-information score function for ``SelectKBest``.

    A small class rather than ``functools.partial`` so that, like every step,
    it saves with skops under an mlkit name.

    Parameters
    ----------
    classification : bool
        Score against class labels (else a continuous target).
    random_state : int or None
        Seed for the nearest-neighbour estimator's noise.
    """

    def __init__(self, classification: bool, random_state: int | None) -> None:
        self.classification = classification
        self.random_state = random_state

    def __call__(self, X: Any, y: Any) -> np.ndarray:
        """Mutual information between each column of ``X`` and ``y``."""
        from sklearn.feature_selection import mutual_info_classif, mutual_info_regression

        score = mutual_info_classif if self.classification else mutual_info_regression
        scores: np.ndarray = score(X, y, random_state=self.random_state)
        return scores


def is_label_dtype(dtype: Any) -> bool:
    """Whether a column of this dtype holds labels (text, objects or categories)."""
    return dtype is np.dtype(object) or isinstance(dtype, pd.CategoricalDtype | pd.StringDtype)


def as_text(series: pd.Series) -> pd.Series:
    """Labels as text in an object column, missing as ``nan``, so encoders meet one type.

    Text columns pass unchanged (missing values made ``nan``); others are
    converted through their distinct values, so the cost grows with the number
    of labels, not of rows.
    """
    if series.dtype is np.dtype(object) and pd.api.types.infer_dtype(series, skipna=True) == (
        "string"
    ):
        present = series.notna().to_numpy()
        if present.all():
            return series
        values = np.where(present, series.to_numpy(), np.nan)
        return pd.Series(values, index=series.index, dtype=object)
    codes, uniques, _ = factorize_labels(series)
    labels = np.asarray([*(label_text(u) for u in uniques), np.nan], dtype=object)
    return pd.Series(
        labels[np.where(codes < 0, len(uniques), codes)], index=series.index, dtype=object
    )


def _floats(series: pd.Series) -> np.ndarray:
    if pd.api.types.is_timedelta64_dtype(series.dtype):
        series = series.dt.total_seconds()
    elif pd.api.types.is_bool_dtype(series.dtype):
        series = series.astype("boolean")
    values: np.ndarray = series.to_numpy(np.float64, na_value=np.nan)
    return values


def _ratio(a: pd.Series, b: pd.Series) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio: np.ndarray = _floats(a) / _floats(b)
    return ratio


def _group_keys(series: pd.Series) -> np.ndarray:
    """Group labels as text (missing stays missing), so saved lookups have string keys."""
    codes, uniques, _ = factorize_labels(series)
    labels = np.asarray([*(label_text(u) for u in uniques), None], dtype=object)
    return labels[np.where(codes < 0, len(uniques), codes)]
