"""The Cleaner: column rules learned from training data, applied unchanged at prediction.

The Cleaner reads each column once in ``fit``: it repairs its type (numbers or
dates stored as text, yes/no words, sloppy category spellings), decides whether
to drop it, and learns its fill value and outlier fences. ``transform`` applies
exactly those rules, so prediction computes what training computed.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from mlkit import _cleaning_rules as rules
from mlkit._estimator_input import (
    check_fitted,
    fitted_input_names,
    input_frame,
    input_names,
    missing_columns,
    transformer_tags,
)
from mlkit._validation import (
    boolean,
    check_parameters,
    column_names,
    number_in,
    one_of,
    per_column,
)
from mlkit.exceptions import ConfigurationError, DataError, DataFailure

__all__ = ["Cleaner"]

logger = logging.getLogger(__name__)

_IMPUTE: Final = ("median", "mean", "most_frequent", "constant")
_OUTLIERS: Final = ("iqr", "zscore", "quantile", None)
_INDICATOR_SUFFIX: Final = "_was_missing"


class Cleaner(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Learn cleaning rules from training data and apply them unchanged later.

    In ``fit`` the Cleaner, column by column:

    1. repairs the type: numbers stored as text become numbers, yes/no words
       booleans (1.0 / 0.0), dates stored as text datetimes, and category
       spellings that differ only in case or whitespace one category;
    2. drops columns that carry no information: named by you, missing too
       often, constant or nearly so, ID-like, or an exact copy of an earlier
       column (:attr:`dropped_` says which and why);
    3. learns a fill value for missing values and, for numeric columns, fences
       that outliers are clipped to.

    ``transform`` repairs, fills and clips with what ``fit`` learned. Its
    output is a DataFrame: numeric and boolean columns as float64, categories
    as text, datetimes as ``datetime64[ns]``, with no missing values.

    Parameters
    ----------
    drop : list of str, default=()
        Columns to drop whatever they hold.
    max_missing : float, default=0.95
        Drop a column whose share of missing values is above this.
    near_constant : float, default=0.995
        Drop a column whose most frequent value covers at least this share of
        its values.
    drop_ids : bool, default=True
        Drop ID-like columns (as the Profiler defines them: almost every value
        distinct, text or whole numbers).
    drop_duplicates : bool, default=True
        Drop a column that is an exact copy of an earlier one.
    numeric_impute : {"median", "mean", "most_frequent", "constant"}, default="median"
        How missing numbers (and datetimes) are filled.
    categorical_impute : {"most_frequent", "constant"}, default="most_frequent"
        How missing categories and booleans are filled.
    impute_per_column : dict of str to str, optional
        A strategy per column, overriding the two above.
    fill_value : scalar or dict of str to scalar, optional
        The value a ``"constant"`` strategy fills in, for every column or per
        column. By default 0 for numbers and booleans, ``"missing"`` for
        categories; datetimes need one.
    missing_indicator : bool or list of str, default=False
        Add a ``<column>_was_missing`` column (1.0 / 0.0) for every column that
        had missing values in training (``True``) or for the columns named.
    outliers : {"iqr", "zscore", "quantile"} or None, default="iqr"
        How numeric fences are learned: ``iqr_factor`` interquartile ranges
        beyond the quartiles, ``z_threshold`` standard deviations around the
        mean, or the ``quantile_range`` quantiles (winsorising). ``None`` does
        not clip.
    outliers_per_column : dict of str to str or None, optional
        A fence rule per column, overriding ``outliers``.
    iqr_factor : float, default=3.0
        Tukey's factor; 3.0 clips only "far out" values.
    z_threshold : float, default=4.0
        Standard deviations for the ``"zscore"`` rule.
    quantile_range : tuple of float, default=(0.01, 0.99)
        Lower and upper quantiles for the ``"quantile"`` rule.
    repair_types : bool, default=True
        Repair types as described above; when ``False``, text stays text.

    Attributes
    ----------
    n_features_in_ : int
        Columns seen in ``fit``.
    feature_names_in_ : numpy.ndarray of str
        Their names, when ``fit`` was given a DataFrame.
    dropped_ : dict of str to str
        Each dropped column and why.
    kinds_ : dict of str to str
        Each kept column's kind: ``"numeric"``, ``"boolean"``, ``"categorical"``
        or ``"datetime"``.
    repairs_ : dict of str to str
        Each repaired column and what was changed.
    fill_values_ : dict of str to object
        The fill value of each kept column.
    fences_ : dict of str to tuple of float
        The (low, high) clipping fences of each clipped numeric column.
    n_clipped_ : dict of str to int
        How many training values each fence clipped.
    indicators_ : list of str
        The columns given a missing-value indicator.

    Examples
    --------
    >>> import pandas as pd
    >>> from mlkit import Cleaner
    >>> df = pd.DataFrame({
    ...     "id": [f"c{i}" for i in range(60)],
    ...     "charges": [" "] + [str(10.5 * i) for i in range(59)],
    ...     "paperless": ["Yes", "no"] * 30,
    ...     "plan": [" Basic", "basic", "PRO", "Pro "] * 15,
    ... })
    >>> cleaner = Cleaner().fit(df)
    >>> cleaner.dropped_
    {'id': 'ID-like: (almost) every value is distinct'}
    >>> out = cleaner.transform(df)
    >>> out.dtypes.astype(str).to_dict()
    {'charges': 'float64', 'paperless': 'float64', 'plan': 'object'}
    >>> sorted(out["plan"].unique())
    ['Basic', 'PRO']
    >>> float(out.loc[0, "charges"]) == cleaner.fill_values_["charges"]
    True
    """

    def __init__(
        self,
        *,
        drop: Sequence[str] = (),
        max_missing: float = 0.95,
        near_constant: float = 0.995,
        drop_ids: bool = True,
        drop_duplicates: bool = True,
        numeric_impute: str = "median",
        categorical_impute: str = "most_frequent",
        impute_per_column: Mapping[str, str] | None = None,
        fill_value: Any = None,
        missing_indicator: bool | Sequence[str] = False,
        outliers: str | None = "iqr",
        outliers_per_column: Mapping[str, str | None] | None = None,
        iqr_factor: float = 3.0,
        z_threshold: float = 4.0,
        quantile_range: tuple[float, float] = (0.01, 0.99),
        repair_types: bool = True,
    ) -> None:
        self.drop = drop
        self.max_missing = max_missing
        self.near_constant = near_constant
        self.drop_ids = drop_ids
        self.drop_duplicates = drop_duplicates
        self.numeric_impute = numeric_impute
        self.categorical_impute = categorical_impute
        self.impute_per_column = impute_per_column
        self.fill_value = fill_value
        self.missing_indicator = missing_indicator
        self.outliers = outliers
        self.outliers_per_column = outliers_per_column
        self.iqr_factor = iqr_factor
        self.z_threshold = z_threshold
        self.quantile_range = quantile_range
        self.repair_types = repair_types

    def fit(self, X: Any, y: Any = None) -> Cleaner:
        """Learn the cleaning rules from ``X``.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Training data; a DataFrame's columns are matched by name later.
        y : ignored
            Accepted for pipeline compatibility.

        Returns
        -------
        Cleaner
            ``self``, fitted.

        Raises
        ------
        ConfigurationError
            When a parameter is not valid, or names a column ``X`` lacks.
        DataError
            When ``X`` is empty, holds infinite values, or every column is dropped.
        """
        self._check_parameters()
        frame = input_frame(self, X, fitting=True, min_rows=2)
        self._check_named_columns(frame)
        readings = {
            name: self._read(name, frame[name]) for name in frame.columns if name not in self.drop
        }
        _raise_infinite(readings)
        self.dropped_ = self._choose_drops(frame, readings)
        kept = [name for name in frame.columns if name not in self.dropped_]
        if not kept:
            raise DataError.from_failures(
                "The frame given to Cleaner.fit",
                [
                    DataFailure(
                        column=None,
                        reason="no_usable_column",
                        message="every column was dropped: "
                        + "; ".join(f"{k!r} ({v})" for k, v in self.dropped_.items())
                        + ". Relax the Cleaner's thresholds or provide informative columns",
                    )
                ],
            )
        self._learn(kept, readings)
        logger.info(
            "Cleaner kept %d of %d columns, dropped %s, repaired %s",
            len(kept),
            frame.shape[1],
            self.dropped_,
            self.repairs_,
        )
        return self

    def transform(self, X: Any) -> pd.DataFrame:
        """Apply the learned rules to ``X``.

        Columns are matched by name: their order does not matter, extra
        columns are ignored, and columns the Cleaner dropped may be absent.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Data with the columns seen in ``fit``.

        Returns
        -------
        pandas.DataFrame
            Cleaned data, with the index of ``X``.

        Raises
        ------
        NotFittedError
            When called before ``fit``.
        DataError
            When kept columns are missing or values cannot be read as their
            column's kind; one error lists every problem.
        """
        check_fitted(self, "kinds_")
        frame = input_frame(self, X, fitting=False)
        subject = "The frame given to Cleaner.transform"
        failures = missing_columns(frame, list(self.kinds_))
        absent = {failure.column for failure in failures}
        columns: dict[str, Any] = {}
        for name, kind in self.kinds_.items():
            if name in absent:
                continue
            values, missing, problems = self._apply(name, kind, frame[name])
            failures += problems
            columns[name] = values
            if name in self.indicators_:
                columns[name + _INDICATOR_SUFFIX] = missing.astype(np.float64)
        if failures:
            raise DataError.from_failures(subject, failures)
        ordered = {name: columns[name] for name in self._output_names()}
        return pd.DataFrame(ordered, index=frame.index, copy=False)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the output columns.

        Parameters
        ----------
        input_features : array-like of str, optional
            Input names to use instead of those seen in ``fit``; must match them
            when ``fit`` saw a DataFrame.

        Returns
        -------
        numpy.ndarray of str
            Kept columns, then each missing-value indicator after its column.
        """
        check_fitted(self, "kinds_")
        given = dict(zip(fitted_input_names(self), input_names(self, input_features), strict=True))
        names = []
        for name in self.kinds_:
            names.append(given[name])
            if name in self.indicators_:
                names.append(given[name] + _INDICATOR_SUFFIX)
        return np.asarray(names, dtype=object)

    def report(self) -> pd.DataFrame:
        """What the Cleaner does to each column, one row per input column.

        Returns
        -------
        pandas.DataFrame
            Columns ``column``, ``action`` (``"keep"`` or ``"drop"``), ``kind``,
            ``reason`` (why dropped), ``repair``, ``fill_value``, ``fences``
            and ``n_clipped``.
        """
        check_fitted(self, "kinds_")
        rows = []
        for name in fitted_input_names(self):
            rows.append(
                {
                    "column": name,
                    "action": "drop" if name in self.dropped_ else "keep",
                    "kind": self.kinds_.get(name),
                    "reason": self.dropped_.get(name),
                    "repair": self.repairs_.get(name),
                    "fill_value": self.fill_values_.get(name),
                    "fences": self.fences_.get(name),
                    "n_clipped": self.n_clipped_.get(name),
                }
            )
        report = pd.DataFrame(rows)
        report["n_clipped"] = report["n_clipped"].astype("Int64")
        return report

    def __sklearn_tags__(self) -> Any:
        """Tags for scikit-learn >= 1.6: missing values and text are accepted."""
        return transformer_tags(super().__sklearn_tags__())

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"allow_nan": True, "X_types": ["2darray", "string"], "preserves_dtype": []}

    # -- fit helpers -------------------------------------------------------------------

    def _check_parameters(self) -> None:
        check_parameters(
            self,
            {
                "drop": column_names,
                "max_missing": number_in(0, 1),
                "near_constant": number_in(0, 1, closed="right"),
                "drop_ids": boolean,
                "drop_duplicates": boolean,
                "numeric_impute": one_of(*_IMPUTE),
                "categorical_impute": one_of("most_frequent", "constant"),
                "impute_per_column": per_column(_IMPUTE),
                "missing_indicator": _bool_or_column_names,
                "outliers": one_of(*_OUTLIERS),
                "outliers_per_column": per_column(_OUTLIERS),
                "iqr_factor": number_in(0, None, closed="neither"),
                "z_threshold": number_in(0, None, closed="neither"),
                "quantile_range": _quantile_pair,
                "repair_types": boolean,
            },
        )

    def _check_named_columns(self, frame: pd.DataFrame) -> None:
        named = {
            "drop": list(self.drop),
            "impute_per_column": list(self.impute_per_column or {}),
            "outliers_per_column": list(self.outliers_per_column or {}),
            "missing_indicator": []
            if isinstance(self.missing_indicator, bool)
            else list(self.missing_indicator),
            "fill_value": list(self.fill_value) if isinstance(self.fill_value, Mapping) else [],
        }
        for parameter, names in named.items():
            unknown = [name for name in names if name not in frame.columns]
            if unknown:
                raise ConfigurationError(
                    f"The {parameter!r} parameter of Cleaner names columns that are not in the "
                    f"frame: {unknown!r}. Columns are: {list(frame.columns)!r}."
                )

    def _read(self, name: str, series: pd.Series) -> rules.Reading:
        return rules.read_column(name, series, repair=self.repair_types)

    def _choose_drops(
        self, frame: pd.DataFrame, readings: Mapping[str, rules.Reading]
    ) -> dict[str, str]:
        dropped: dict[str, str] = dict.fromkeys(self.drop, "named in drop")
        for name, reading in readings.items():
            if name in dropped:
                continue
            reason = rules.uninformative(
                reading,
                max_missing=self.max_missing,
                near_constant=self.near_constant,
                drop_ids=self.drop_ids,
            )
            if reason is not None:
                dropped[name] = reason
        if self.drop_duplicates:
            candidates = [name for name in frame.columns if name not in dropped]
            dropped.update(rules.duplicate_columns(frame, candidates, readings))
        return {name: dropped[name] for name in frame.columns if name in dropped}

    def _learn(self, kept: Sequence[str], readings: Mapping[str, rules.Reading]) -> None:
        self.kinds_: dict[str, str] = {}
        self.repairs_: dict[str, str] = {}
        self.fill_values_: dict[str, Any] = {}
        self.fences_: dict[str, tuple[float, float]] = {}
        self.n_clipped_: dict[str, int] = {}
        self.category_spellings_: dict[str, dict[str, str]] = {}
        self.missing_tokens_: dict[str, list[str]] = {}
        for name in kept:
            reading = readings[name]
            self.kinds_[name] = reading.kind
            if reading.repair:
                self.repairs_[name] = reading.repair
            if reading.spellings is not None:
                self.category_spellings_[name] = reading.spellings
            if reading.missing_tokens:
                self.missing_tokens_[name] = list(reading.missing_tokens)
            rule = self._outlier_rule(name)
            if reading.kind == "numeric" and rule is not None:
                low, high, n_clipped = rules.fences(
                    reading.stats,
                    rule,
                    iqr_factor=self.iqr_factor,
                    z_threshold=self.z_threshold,
                    quantile_range=self.quantile_range,
                )
                self.fences_[name] = (low, high)
                self.n_clipped_[name] = n_clipped
                # fill from the values as transform leaves them, so a fill is never an outlier
                reading = rules.clipped(reading, low, high)
            self.fill_values_[name] = self._fill_value(name, reading)
        self.indicators_: list[str] = self._indicator_columns(kept, readings)
        self.repair_types_ = self.repair_types

    def _strategy(self, name: str, kind: str) -> str:
        chosen = (self.impute_per_column or {}).get(name)
        if chosen is not None:
            return chosen
        return self.numeric_impute if kind in ("numeric", "datetime") else self.categorical_impute

    def _fill_value(self, name: str, reading: rules.Reading) -> Any:
        strategy = self._strategy(name, reading.kind)
        constant = (
            self.fill_value.get(name) if isinstance(self.fill_value, Mapping) else self.fill_value
        )
        try:
            return rules.fill_value(reading, strategy, constant)
        except ValueError as error:
            raise ConfigurationError(
                f"Cannot fill column {name!r} of kind {reading.kind} with strategy "
                f"{strategy!r}: {error}. Set impute_per_column[{name!r}] or fill_value."
            ) from None

    def _outlier_rule(self, name: str) -> str | None:
        if self.outliers_per_column is not None and name in self.outliers_per_column:
            return self.outliers_per_column[name]
        return self.outliers

    def _indicator_columns(
        self, kept: Sequence[str], readings: Mapping[str, rules.Reading]
    ) -> list[str]:
        if self.missing_indicator is True:
            chosen = [name for name in kept if readings[name].n_missing > 0]
        elif self.missing_indicator is False:
            chosen = []
        else:
            chosen = [name for name in kept if name in set(self.missing_indicator)]
        clashes = [name for name in chosen if name + _INDICATOR_SUFFIX in readings]
        if clashes:
            raise ConfigurationError(
                f"Cannot add missing-value indicators for {clashes!r}: columns named "
                f"'<column>{_INDICATOR_SUFFIX}' already exist. Rename them first."
            )
        return chosen

    # -- transform helpers ------------------------------------------------------------

    def _apply(
        self, name: str, kind: str, series: pd.Series
    ) -> tuple[Any, np.ndarray, list[DataFailure]]:
        if kind == "categorical":
            labels, missing = rules.categories(
                series, self.category_spellings_.get(name), repair=self.repair_types_
            )
            labels[missing] = self.fill_values_[name]
            return pd.Series(labels, index=series.index, dtype=object), missing, []
        if kind == "datetime":
            stamps, missing, problems = rules.datetimes(name, series)
            filled = stamps.fillna(pd.Timestamp(self.fill_values_[name]))
            return filled.to_numpy(dtype="datetime64[ns]"), missing, problems
        values, problems = rules.numbers(name, kind, series, self.missing_tokens_.get(name, ()))
        if problems:
            return values, np.isnan(values), problems
        missing = np.isnan(values)
        if name in self.fences_:
            low, high = self.fences_[name]
            np.clip(values, low, high, out=values)
        values[missing] = self.fill_values_[name]
        return values, missing, []

    def _output_names(self) -> list[str]:
        names: list[str] = []
        for name in self.kinds_:
            names.append(name)
            if name in self.indicators_:
                names.append(name + _INDICATOR_SUFFIX)
        return names


def _raise_infinite(readings: Mapping[str, rules.Reading]) -> None:
    failures = [
        DataFailure(
            column=name,
            reason="infinite_value",
            count=reading.n_infinite,
            message=f"{reading.n_infinite} infinite value(s); replace them with NaN "
            "(df.replace([np.inf, -np.inf], np.nan)) so they are filled, or drop those rows",
        )
        for name, reading in readings.items()
        if reading.n_infinite
    ]
    if failures:
        raise DataError.from_failures("The frame given to Cleaner.fit", failures)


def _bool_or_column_names(instance: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, bool):
        return
    column_names(instance, attribute, value)


def _quantile_pair(instance: Any, attribute: Any, value: Any) -> None:
    ok = (
        isinstance(value, tuple | list)
        and len(value) == 2
        and all(isinstance(q, int | float) and not isinstance(q, bool) for q in value)
        and 0 <= value[0] < value[1] <= 1
    )
    if not ok:
        raise ConfigurationError(
            f"The {attribute.name!r} parameter of {type(instance).__name__} must be a pair "
            f"(low, high) with 0 <= low < high <= 1. Got {value!r} instead."
        )
