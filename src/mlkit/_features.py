"""The FeatureBuilder: feature engineering as one scikit-learn transformer.

``fit`` chooses a treatment per column (from its type, or as configured) and
assembles scikit-learn's own transformers into one fitted pipeline:

    DerivedColumns ─► ColumnTransformer (per-column encode / reshape / bin / scale,
                      PCA per group) ─► optional feature selection
"""

from __future__ import annotations

import logging
import numbers
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd
import sklearn
from sklearn.base import BaseEstimator, TransformerMixin

from mlkit._associations import infer_task
from mlkit._estimator_input import (
    check_fitted,
    input_frame,
    input_names,
    transformer_tags,
)
from mlkit._feature_checks import (
    check_complete,
    check_option_columns,
    check_target,
    check_values,
    column_kind,
    transform_failures,
)
from mlkit._feature_steps import (
    AGGREGATES,
    DATETIME_PARTS,
    DerivedColumns,
    GroupPCA,
    MutualInformation,
    Reshape,
    SelectedColumns,
    is_label_dtype,
)
from mlkit._validation import (
    boolean,
    check_parameters,
    count_or_share,
    number_in,
    number_or_auto,
    one_of,
    per_column,
    string_tuples,
    subset_of,
)
from mlkit.exceptions import ConfigurationError, DataError, DataFailure

if TYPE_CHECKING:
    from sklearn.compose import ColumnTransformer

__all__ = ["FeatureBuilder"]

logger = logging.getLogger(__name__)

_SCALERS: Final = ("standard", "minmax", "robust", None)
_ENCODINGS: Final = ("auto", "onehot", "ordinal", "target")
_TRANSFORMS: Final = ("log", "sqrt", "square", "yeo-johnson", "box-cox")
_BINS: Final = ("uniform", "quantile", "kmeans")
_SELECTIONS: Final = (None, "variance", "mutual_info", "f_test", "model")
_CV_FOLDS: Final = 5
_SKLEARN: Final = tuple(int(part) for part in sklearn.__version__.split(".")[:2])


class FeatureBuilder(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn a clean frame into model-ready numeric features.

    By default (``FeatureBuilder()``) numeric columns are standardised,
    categories with at most ``max_onehot`` values are one-hot encoded (unseen
    ones ignored at prediction time) and those with more are target encoded
    with cross-fitting (or one-hot encoded with rare values grouped when no
    ``y`` is given), and datetimes are split into parts with cyclical
    encodings. Everything else is opt-in, per column.

    Parameters
    ----------
    scale : {"standard", "minmax", "robust"} or None, default="standard"
        Scaling of numeric columns.
    scale_per_column : dict of str to str or None, optional
        A scaler per column, overriding ``scale``.
    encode : {"auto", "onehot", "ordinal", "target"}, default="auto"
        Encoding of categorical columns; ``"auto"`` chooses by cardinality.
    encode_per_column : dict of str to str, optional
        An encoding per column, overriding ``encode``.
    max_onehot : int, default=15
        Most categories ``"auto"`` one-hot encodes.
    target_smoothing : float or "auto", default=10.0
        Target encoding's pull toward the overall mean: a category seen ``n``
        times gets ``(n * its mean + target_smoothing * overall mean) / (n +
        target_smoothing)``. ``"auto"`` is scikit-learn's empirical Bayes
        estimate, which does not pull categories whose few rows all share one
        label.
    transform_per_column : dict of str to str, optional
        ``"log"`` (signed ``log1p``, safe for zeros), ``"sqrt"``, ``"square"``,
        ``"yeo-johnson"`` or ``"box-cox"`` (positive values only) per column,
        applied before binning or scaling.
    discretise_per_column : dict of str to str, optional
        Bins per column: ``"uniform"``, ``"quantile"`` or ``"kmeans"``; a
        binned column is replaced by its bin number and not scaled.
    n_bins : int, default=5
        Bins per discretised column.
    datetime_parts : tuple of str, default=("year", "month", "day_of_week", "hour")
        Parts extracted from datetime columns (which are then dropped).
    cyclical : bool, default=True
        Add sine and cosine of periodic parts (month, day of week, hour, ...).
    pca_groups : dict of str to list of str, optional
        Numeric column groups replaced by their principal components, named
        ``{group}_pc0``, ``{group}_pc1``, ...
    pca_components : int or float, default=0.95
        Components kept per group, or the share of variance to explain.
    ratios, differences : list of (str, str), default=()
        Column pairs ``(a, b)`` adding ``a_per_b`` (a zero denominator gives the
        median ratio seen in training) and ``a_minus_b``.
    group_aggregates : list of (str, str, str), default=()
        ``(group, column, statistic)`` adding ``statistic_column_by_group``,
        e.g. a customer's mean spend; statistics are learned in ``fit`` and
        unseen groups get the overall statistic. ``statistic`` is one of
        "mean", "median", "min", "max", "std", "count".
    select : {"variance", "mutual_info", "f_test", "model"} or None, default=None
        Feature selection over the built features: drop near-constant ones,
        keep the ``select_k`` best by mutual information or F-test, or by the
        importance of an extra-trees model.
    select_k : int or float, default=0.5
        Features kept by ``"mutual_info"``, ``"f_test"`` and ``"model"``: a
        count, or a share of the built features.
    variance_threshold : float, default=0.0
        Features with variance at or below this are dropped by ``"variance"``.
    random_state : int or None, default=0
        Seed for cross-fitting, k-means bins, PCA and model-based selection.

    Attributes
    ----------
    n_features_in_ : int
        Columns seen in ``fit``.
    feature_names_in_ : numpy.ndarray of str
        Their names, when ``fit`` was given a DataFrame.
    column_steps_ : dict of str to str
        What was done to each input column, then to each derived column
        (ratios, differences, aggregates), e.g. ``"numeric → log → standard"``.
    pipeline_ : sklearn.pipeline.Pipeline
        The fitted scikit-learn steps.
    feature_scores_ : dict of str to float
        With ``select``: each built feature's score (variance, mutual
        information, F statistic or importance).
    selected_features_ : list of str
        The features kept (all of them without ``select``).

    Examples
    --------
    >>> import pandas as pd
    >>> from mlkit import FeatureBuilder
    >>> df = pd.DataFrame({
    ...     "income": [20.0, 35.0, 50.0, 80.0],
    ...     "plan": ["basic", "pro", "basic", "pro"],
    ...     "joined": pd.to_datetime(["2024-01-05", "2024-03-01", "2024-06-30", "2024-12-24"]),
    ... })
    >>> builder = FeatureBuilder(datetime_parts=("month",)).fit(df)
    >>> builder.get_feature_names_out().tolist()
    ['income', 'joined_month', 'joined_month_sin', 'joined_month_cos', 'plan_basic', 'plan_pro']
    >>> builder.transform(pd.DataFrame({
    ...     "income": [50.0], "plan": ["enterprise"], "joined": pd.to_datetime(["2025-03-01"]),
    ... })).round(2).tolist()
    [[0.17, -0.6, 1.51, -0.27, 0.0, 0.0]]
    """

    def __init__(
        self,
        *,
        scale: str | None = "standard",
        scale_per_column: Mapping[str, str | None] | None = None,
        encode: str = "auto",
        encode_per_column: Mapping[str, str] | None = None,
        max_onehot: int = 15,
        target_smoothing: float | str = 10.0,
        transform_per_column: Mapping[str, str] | None = None,
        discretise_per_column: Mapping[str, str] | None = None,
        n_bins: int = 5,
        datetime_parts: Sequence[str] = ("year", "month", "day_of_week", "hour"),
        cyclical: bool = True,
        pca_groups: Mapping[str, Sequence[str]] | None = None,
        pca_components: float = 0.95,
        ratios: Sequence[tuple[str, str]] = (),
        differences: Sequence[tuple[str, str]] = (),
        group_aggregates: Sequence[tuple[str, str, str]] = (),
        select: str | None = None,
        select_k: float = 0.5,
        variance_threshold: float = 0.0,
        random_state: int | None = 0,
    ) -> None:
        self.scale = scale
        self.scale_per_column = scale_per_column
        self.encode = encode
        self.encode_per_column = encode_per_column
        self.max_onehot = max_onehot
        self.target_smoothing = target_smoothing
        self.transform_per_column = transform_per_column
        self.discretise_per_column = discretise_per_column
        self.n_bins = n_bins
        self.datetime_parts = datetime_parts
        self.cyclical = cyclical
        self.pca_groups = pca_groups
        self.pca_components = pca_components
        self.ratios = ratios
        self.differences = differences
        self.group_aggregates = group_aggregates
        self.select = select
        self.select_k = select_k
        self.variance_threshold = variance_threshold
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> FeatureBuilder:
        """Choose each column's treatment and fit the pipeline.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Training data, typically the output of :class:`~mlkit.Cleaner`.
        y : array-like of shape (n_samples,), optional
            The target; needed for target encoding and supervised selection.

        Returns
        -------
        FeatureBuilder
            ``self``, fitted.

        Raises
        ------
        ConfigurationError
            When a parameter is not valid, names a column ``X`` lacks, or needs
            ``y`` and none was given.
        DataError
            When ``X`` is empty, or a column cannot take its treatment (e.g.
            Box-Cox on values that are not positive).
        """
        self.fit_transform(X, y)
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:
        """Fit, then return the features of ``X`` (computed once).

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,), optional
            The target.
        **fit_params : dict
            Not used; accepted for scikit-learn compatibility.

        Returns
        -------
        numpy.ndarray or pandas.DataFrame
            The features (a DataFrame under ``set_output(transform="pandas")``).
        """
        from sklearn.pipeline import Pipeline as SklearnPipeline

        self._check_parameters()
        frame = input_frame(self, X, fitting=True, min_rows=2)
        target = check_target(y, len(frame))
        self._check_named_columns(frame)
        check_option_columns(frame, self._numeric_options())
        self.input_kinds_ = {name: column_kind(frame[name].dtype) for name in frame.columns}
        derive = DerivedColumns(
            ratios=[(a, b) for a, b in self.ratios],
            differences=[(a, b) for a, b in self.differences],
            group_aggregates=[(g, c, s) for g, c, s in self.group_aggregates],
            datetime_parts=tuple(self.datetime_parts),
            cyclical=self.cyclical,
        )
        derive.fit(frame)
        _check_derived_names(derive.get_feature_names_out())
        derived = derive.transform(frame)
        check_values(derived)
        pca_members = [c for cols in (self.pca_groups or {}).values() for c in cols]
        check_complete(derived, pca_members, "PCA")
        columns = self._column_transformer(derived, target)
        self.column_steps_: dict[str, str] = _steps_by_input(derive, self.column_steps_)
        built = columns.fit_transform(derived, target)
        steps: list[tuple[str, Any]] = [("derive", derive), ("columns", columns)]
        names = _unique_names(columns.get_feature_names_out())
        self.selected_features_ = names
        self.feature_scores_: dict[str, float] = {}
        if self.select is not None:
            selector = self._selector(len(names), target).fit(built, target)
            self._record_selection(selector, names)
            kept = SelectedColumns(support=selector.get_support(), names=np.asarray(names))
            steps.append(("select", kept.fit(built)))
            built = kept.transform(built)
        self.pipeline_ = SklearnPipeline(steps)
        logger.info(
            "FeatureBuilder built %d features from %d columns", built.shape[1], frame.shape[1]
        )
        return built

    def transform(self, X: Any) -> np.ndarray:
        """Build the features of ``X`` with what ``fit`` learned.

        Parameters
        ----------
        X : pandas.DataFrame or array-like of shape (n_samples, n_features)
            Data with the columns seen in ``fit`` (any order; extra columns are
            ignored).

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_features_out)
            The features (a DataFrame under ``set_output(transform="pandas")``).

        Raises
        ------
        NotFittedError
            When called before ``fit``.
        DataError
            When columns seen in ``fit`` are missing, or hold values the learned
            steps cannot use: another kind than in ``fit``, infinity, missing
            values in a binned or PCA column, values at or below zero for
            Box-Cox. One error lists every problem.
        """
        check_fitted(self, "pipeline_")
        frame = input_frame(self, X, fitting=False)
        failures = transform_failures(
            frame,
            self.input_kinds_,
            complete=self._complete_columns(),
            positive=self._positive_columns(),
        )
        if failures:
            raise DataError.from_failures("The frame given to FeatureBuilder.transform", failures)
        names = list(self.input_kinds_)
        if list(frame.columns) != names:
            frame = frame[names]
        if frame.empty:
            return np.empty((0, len(self.selected_features_)))
        built: np.ndarray = self.pipeline_.transform(frame)
        return built

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the built features.

        Parameters
        ----------
        input_features : array-like of str, optional
            Must match the names seen in ``fit`` when given.

        Returns
        -------
        numpy.ndarray of str
            One name per output column.
        """
        check_fitted(self, "pipeline_")
        input_names(self, input_features)
        return np.asarray(self.selected_features_, dtype=object)

    def __sklearn_tags__(self) -> Any:
        """Tags for scikit-learn >= 1.6: missing values and text are accepted."""
        return transformer_tags(super().__sklearn_tags__())

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"allow_nan": True, "X_types": ["2darray", "string"], "preserves_dtype": []}

    # -- configuration -----------------------------------------------------------------

    def _check_parameters(self) -> None:
        check_parameters(
            self,
            {
                "scale": one_of(*_SCALERS),
                "scale_per_column": per_column(_SCALERS),
                "encode": one_of(*_ENCODINGS),
                "encode_per_column": per_column(_ENCODINGS),
                "max_onehot": number_in(2, None, integral=True),
                "target_smoothing": number_or_auto,
                "transform_per_column": per_column(_TRANSFORMS),
                "discretise_per_column": per_column(_BINS),
                "n_bins": number_in(2, 1000, integral=True),
                "datetime_parts": subset_of(DATETIME_PARTS),
                "cyclical": boolean,
                "pca_components": count_or_share,
                "ratios": string_tuples(2),
                "differences": string_tuples(2),
                "group_aggregates": string_tuples(3, AGGREGATES),
                "select": one_of(*_SELECTIONS),
                "select_k": count_or_share,
                "variance_threshold": number_in(0, None),
            },
        )
        if self.pca_groups is not None and not (
            isinstance(self.pca_groups, Mapping)
            and all(
                isinstance(k, str)
                and not isinstance(v, str)
                and all(isinstance(c, str) for c in v)
                for k, v in self.pca_groups.items()
            )
        ):
            raise ConfigurationError(
                "The 'pca_groups' parameter of FeatureBuilder must be None or a dict mapping a "
                f"group name to a list of column names. Got {self.pca_groups!r} instead."
            )

    def _check_named_columns(self, frame: pd.DataFrame) -> None:
        named: dict[str, list[str]] = {
            "scale_per_column": list(self.scale_per_column or {}),
            "encode_per_column": list(self.encode_per_column or {}),
            "transform_per_column": list(self.transform_per_column or {}),
            "discretise_per_column": list(self.discretise_per_column or {}),
            "pca_groups": [c for cols in (self.pca_groups or {}).values() for c in cols],
            "ratios": [c for pair in self.ratios for c in pair],
            "differences": [c for pair in self.differences for c in pair],
            "group_aggregates": [c for triple in self.group_aggregates for c in triple[:2]],
        }
        for parameter, names in named.items():
            unknown = sorted({name for name in names if name not in frame.columns})
            if unknown:
                raise ConfigurationError(
                    f"The {parameter!r} parameter of FeatureBuilder names columns that are not "
                    f"in the frame: {unknown!r}. Columns are: {list(frame.columns)!r}."
                )

    def _numeric_options(self) -> dict[str, list[str]]:
        return {
            "ratios": [c for pair in self.ratios for c in pair],
            "differences": [c for pair in self.differences for c in pair],
            "group_aggregates": [triple[1] for triple in self.group_aggregates],
            "pca_groups": [c for cols in (self.pca_groups or {}).values() for c in cols],
            "transform_per_column": list(self.transform_per_column or {}),
            "discretise_per_column": list(self.discretise_per_column or {}),
        }

    def _complete_columns(self) -> list[str]:
        grouped = [c for cols in (self.pca_groups or {}).values() for c in cols]
        return [*grouped, *(self.discretise_per_column or {})]

    def _positive_columns(self) -> list[str]:
        return [c for c, how in (self.transform_per_column or {}).items() if how == "box-cox"]

    # -- assembly ----------------------------------------------------------------------

    def _column_transformer(self, derived: pd.DataFrame, y: pd.Series | None) -> ColumnTransformer:
        from sklearn.compose import ColumnTransformer

        grouped = {c for cols in (self.pca_groups or {}).values() for c in cols}
        for name in grouped:
            _refuse_options(
                name,
                "a PCA group",
                {
                    "scale_per_column": self.scale_per_column,
                    "encode_per_column": self.encode_per_column,
                    "transform_per_column": self.transform_per_column,
                    "discretise_per_column": self.discretise_per_column,
                },
            )
        plans: dict[tuple[Any, ...], list[str]] = {}
        self.column_steps_ = {}
        for name in derived.columns:
            if name in grouped:
                continue
            plan = self._plan(name, derived[name], y)
            plans.setdefault(plan, []).append(name)
            self.column_steps_[name] = " → ".join(str(step) for step in plan if step) or "as is"
        transformers: list[tuple[str, Any, list[str]]] = []
        task = infer_task(y) if y is not None else None
        for i, (plan, names) in enumerate(plans.items()):
            part = self._part(plan, names, derived, task, y)
            transformers.append((f"part{i}", part, names))
        for group, members in (self.pca_groups or {}).items():
            pca = GroupPCA(
                prefix=group, n_components=self.pca_components, random_state=self.random_state
            )
            transformers.append((f"pca_{group}", pca, list(members)))
            for name in members:
                self.column_steps_[name] = f"PCA group {group!r}"
        return ColumnTransformer(
            transformers, remainder="drop", sparse_threshold=0.0, verbose_feature_names_out=True
        )

    def _plan(self, name: str, series: pd.Series, y: pd.Series | None) -> tuple[Any, ...]:
        if is_label_dtype(series.dtype):
            _refuse_options(name, "labels", {"scale_per_column": self.scale_per_column})
            encoding = (self.encode_per_column or {}).get(name, self.encode)
            if encoding == "auto":
                n_unique = series.nunique(dropna=True)
                if n_unique <= self.max_onehot:
                    encoding = "onehot"
                else:
                    encoding = "target" if y is not None else "onehot (rare grouped)"
            if encoding == "target" and y is None:
                raise ConfigurationError(
                    f"Column {name!r} is set to target encoding, which needs y: call "
                    "FeatureBuilder.fit(X, y), or choose another encoding for it."
                )
            return ("categorical", encoding)
        complex_numbers = pd.api.types.is_complex_dtype(series.dtype)
        if complex_numbers or not pd.api.types.is_numeric_dtype(series.dtype):
            what = "Complex data not supported" if complex_numbers else "Unsupported data"
            raise DataError.from_failures(
                "The frame given to FeatureBuilder.fit",
                [
                    DataFailure(
                        column=name,
                        reason="unsupported_dtype",
                        message=f"{what}: dtype {series.dtype} cannot be made into "
                        "features; convert it to numbers, text or datetimes",
                    )
                ],
            )
        _refuse_options(name, "numbers", {"encode_per_column": self.encode_per_column})
        reshape = (self.transform_per_column or {}).get(name)
        binning = (self.discretise_per_column or {}).get(name)
        scaler = None if binning else (self.scale_per_column or {}).get(name, self.scale)
        if reshape == "box-cox" and not (series.dropna() > 0).all():
            raise DataError.from_failures(
                "The frame given to FeatureBuilder.fit",
                [
                    DataFailure(
                        column=name,
                        reason="not_positive",
                        message="Box-Cox needs values above zero; use 'yeo-johnson' or "
                        "'log' for this column",
                    )
                ],
            )
        return ("numeric", reshape, f"{binning} bins" if binning else None, scaler)

    def _part(
        self,
        plan: tuple[Any, ...],
        names: list[str],
        derived: pd.DataFrame,
        task: str | None,
        y: pd.Series | None,
    ) -> Any:
        from sklearn.pipeline import Pipeline as SklearnPipeline
        from sklearn.preprocessing import PowerTransformer

        if plan[0] == "categorical":
            return self._encoder(plan[1], task, y)
        _, reshape, binning, scaler = plan
        steps: list[tuple[str, Any]] = []
        if reshape in ("log", "sqrt", "square"):
            steps.append(("reshape", Reshape(method=reshape)))
        elif reshape is not None:
            steps.append(("reshape", PowerTransformer(method=reshape, standardize=False)))
        if binning is not None:
            steps.append(("bins", self._binner(binning.split()[0], names, derived)))
        if scaler is not None:
            steps.append(("scale", _scaler(scaler)))
        if not steps:
            return "passthrough"
        return steps[0][1] if len(steps) == 1 else SklearnPipeline(steps)

    def _encoder(self, encoding: str, task: str | None, y: pd.Series | None) -> Any:
        from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder

        if encoding == "onehot":
            return OneHotEncoder(handle_unknown="ignore", sparse_output=False)
        if encoding == "ordinal":
            return OrdinalEncoder(
                handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1
            )
        if encoding == "target":
            if task is None or y is None:  # pragma: no cover - _plan refuses this earlier
                raise ConfigurationError("target encoding needs y")
            return _target_encoder(task, y, self.target_smoothing, self.random_state)
        return OneHotEncoder(
            handle_unknown="infrequent_if_exist",
            sparse_output=False,
            max_categories=self.max_onehot,
        )

    def _binner(self, strategy: str, names: list[str], derived: pd.DataFrame) -> Any:
        from sklearn.preprocessing import KBinsDiscretizer

        check_complete(derived, names, "binning")
        options: dict[str, Any] = {
            "n_bins": self.n_bins,
            "encode": "ordinal",
            "strategy": strategy,
            "random_state": self.random_state,
        }
        if "quantile_method" in KBinsDiscretizer().get_params():  # scikit-learn >= 1.7
            options["quantile_method"] = "averaged_inverted_cdf"
        return KBinsDiscretizer(**options)

    def _selector(self, n_built: int, y: pd.Series | None) -> Any:
        from sklearn.ensemble import ExtraTreesClassifier, ExtraTreesRegressor
        from sklearn.feature_selection import (
            SelectFromModel,
            SelectKBest,
            VarianceThreshold,
            f_classif,
            f_regression,
        )

        if self.select == "variance":
            return VarianceThreshold(threshold=self.variance_threshold)
        if y is None:
            raise ConfigurationError(
                f"select={self.select!r} needs y: call FeatureBuilder.fit(X, y), or use "
                "select='variance'."
            )
        share = not isinstance(self.select_k, numbers.Integral)
        k = self.select_k * n_built if share else self.select_k
        k = max(1, min(n_built, round(k)))
        classification = infer_task(y) != "regression"
        if self.select == "model":
            model = (ExtraTreesClassifier if classification else ExtraTreesRegressor)(
                n_estimators=50, random_state=self.random_state, n_jobs=None
            )
            return SelectFromModel(model, max_features=k, threshold=-np.inf)
        if self.select == "f_test":
            return SelectKBest(f_classif if classification else f_regression, k=k)
        return SelectKBest(MutualInformation(classification, self.random_state), k=k)

    def _record_selection(self, selector: Any, names: list[str]) -> None:
        from sklearn.feature_selection import SelectFromModel, VarianceThreshold

        if isinstance(selector, VarianceThreshold):
            scores = selector.variances_
        elif isinstance(selector, SelectFromModel):
            scores = selector.estimator_.feature_importances_
        else:
            scores = selector.scores_
        self.feature_scores_ = {
            name: float(score) for name, score in zip(names, scores, strict=True)
        }
        support = selector.get_support()
        self.selected_features_ = [name for name, kept in zip(names, support, strict=True) if kept]


def _refuse_options(name: str, holds: str, options: Mapping[str, Any]) -> None:
    """Refuse per-column options that cannot apply to a column, instead of ignoring them."""
    for parameter, chosen in options.items():
        if chosen and name in chosen:
            raise ConfigurationError(
                f"The {parameter!r} parameter of FeatureBuilder sets column {name!r}, which "
                f"holds {holds}; that option does not apply to it. Remove it."
            )


def _target_encoder(task: str, y: pd.Series, smooth: float | str, random_state: int | None) -> Any:
    """A target encoder cross-fitted on shuffled folds, on every supported scikit-learn.

    The target type is mlkit's reading of the task, not scikit-learn's (which
    calls any integer target multiclass). On scikit-learn 1.9 and later, folds
    are stratified unless a class has fewer rows than folds.
    """
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.preprocessing import TargetEncoder

    if len(y) < _CV_FOLDS:
        raise DataError.from_failures(
            "The frame given to FeatureBuilder.fit",
            [
                DataFailure(
                    column=None,
                    reason="too_few_rows",
                    message=f"target encoding is cross-fitted on {_CV_FOLDS} folds and needs at "
                    f"least {_CV_FOLDS} rows; got {len(y)}. Use encode='onehot' or more rows",
                )
            ],
        )
    target_type = {"binary": "binary", "multiclass": "multiclass"}.get(task, "continuous")
    stratify = target_type != "continuous" and y.value_counts().min() >= _CV_FOLDS
    if _SKLEARN < (1, 9):  # folds given as a count: a splitter object is refused before 1.9
        return TargetEncoder(
            target_type=target_type,
            smooth=smooth,
            cv=_CV_FOLDS,
            shuffle=True,
            random_state=random_state,
        )
    splitter = StratifiedKFold if stratify else KFold
    folds = splitter(_CV_FOLDS, shuffle=True, random_state=random_state)
    return TargetEncoder(target_type=target_type, smooth=smooth, cv=folds)


def _scaler(name: str) -> Any:
    from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

    return {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}[name]()


def _steps_by_input(derive: DerivedColumns, by_built: dict[str, str]) -> dict[str, str]:
    """Describe each input column's treatment, then each derived column's origin and treatment."""

    def after(name: str) -> str:
        step = by_built[name]
        return step.split(" → ", 1)[1] if step.startswith("numeric → ") else step

    steps: dict[str, str] = {}
    for name in derive.feature_names_in_:
        if name in derive.datetime_columns_:
            parts = derive.part_names(name)
            cyclical = " with sine/cosine" if derive.cyclical else ""
            steps[name] = (
                f"datetime → {', '.join(derive.datetime_parts)}{cyclical} → {after(parts[0])}"
            )
        else:
            steps[name] = by_built[name]
    for a, b in derive.ratios:
        steps[f"{a}_per_{b}"] = f"ratio {a} / {b} → {after(f'{a}_per_{b}')}"
    for a, b in derive.differences:
        steps[f"{a}_minus_{b}"] = f"difference {a} - {b} → {after(f'{a}_minus_{b}')}"
    for group, column, statistic in derive.group_aggregates:
        name = f"{statistic}_{column}_by_{group}"
        steps[name] = f"{statistic} of {column} within each {group} → {after(name)}"
    return steps


def _unique_names(prefixed: np.ndarray) -> list[str]:
    """Output names without the ColumnTransformer's part prefix, made unique.

    Encoded names can clash (column ``"a_b"`` with category ``"c"``, column ``"a"``
    with category ``"b_c"``); a clashing name gets ``_2``, ``_3``, ... rather than
    failing the fit.
    """
    names: list[str] = []
    seen: set[str] = set()
    for name in prefixed:
        base = str(name).split("__", 1)[1]
        unique, n = base, 1
        while unique in seen:
            n += 1
            unique = f"{base}_{n}"
        seen.add(unique)
        names.append(unique)
    return names


def _check_derived_names(names: np.ndarray) -> None:
    index = pd.Index(names)
    repeated = index[index.duplicated()].unique().tolist()
    if repeated:
        raise ConfigurationError(
            f"Derived feature names clash with existing columns: {repeated!r}. Rename those "
            "columns, or drop the ratio, difference or aggregate that makes them."
        )
