"""DriftMonitor: whether the data, the model's output or its accuracy moved since training.

A feature is flagged on effect size with the test as evidence. A p-value alone
flags everything once samples are large (at a million rows a 0.003 sd shift
is "significant"), and a distance alone flags noise when they are small. So a
column drifts when its distance reaches a threshold *and* its chi-square test
stays significant after a Benjamini-Hochberg correction across all the
columns' tests, which keeps false discoveries at ``alpha`` however many
columns are monitored.

The defaults are set by what they must catch and ignore: at n = 10,000 a mean
shift of 0.1 sd gives a Wasserstein distance near 0.1 sd and a 20 % variance
change near 0.08 sd, both well over the 0.05 threshold; a 5-point move of
share between two categories gives a Jensen-Shannon distance of at least
0.042, over 0.03. Sampling noise at a million rows is near 0.003 and 0.004,
an order of magnitude under them.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import BaseEstimator
from sklearn.utils.multiclass import type_of_target

from mlkit import _drift_stats
from mlkit._drift_report import DriftReport, DriftTimeline, FeatureDrift, MetricChange, Retrain
from mlkit._estimator_input import check_fitted, input_frame, require_columns
from mlkit._frame_checks import data_error, require_frame
from mlkit._performance import (
    METRICS,
    as_labels,
    baseline_metrics,
    bootstrap_interval,
    check_scoring,
    metric_names,
    score,
)
from mlkit._reference import (
    READABLE_SKETCH_VERSIONS,
    category_labels,
    numbers_in_text,
    sketch_frame,
)
from mlkit._results import json_safe
from mlkit._validation import check_parameters, number_in, random_state
from mlkit.exceptions import ConfigurationError, IntegrityError

logger = logging.getLogger(__name__)

_OVERLAY_CATEGORIES = 10  # categories drawn per overlay chart
_OVERLAY_BINS = 20  # bins of a numeric overlay chart
_OVERLAY_MIN_SHARE = 0.05  # categories drawn must hold at least this share together
_LEVEL = 0.95  # confidence level of performance intervals
_MIN_LABELLED = 30  # labelled rows below which no interval (and no verdict) is given
_ID_MIN_ROWS = 100  # a text column is judged an identifier from this many values
_ID_SHARE = 0.95  # ...when at least this share of them are distinct


class DriftMonitor(BaseEstimator):  # type: ignore[misc]
    """Learn a compact reference from training data, then check new data against it.

    ``fit`` keeps a sketch of a few kilobytes per column (101 quantiles and a
    histogram per number, the shares of the top 50 values per category, the
    model's outputs, baseline metrics), so the reference does not grow with
    the training rows and travels inside a packaged artifact.

    ``check`` compares current rows with it. Per column: Wasserstein distance
    (numbers, in reference standard deviations) or Jensen-Shannon distance
    (categories) as the effect size; a chi-square test of homogeneity as the
    evidence, corrected for the number of columns (Benjamini-Hochberg);
    Kolmogorov-Smirnov statistic, PSI, missing-value share, out-of-range and
    new-category shares for the record. Then prediction drift, performance
    against the baseline with a bootstrap interval when labels are given, and
    a retraining recommendation.

    Parameters
    ----------
    columns : list of str, optional
        Columns to monitor. Default: every column except datetimes (time
        always moves forward, so a datetime column always "drifts"; monitor
        what the model derives from it instead) and identifiers (text whose
        values are nearly all distinct, which cannot drift in distribution).
    numeric_threshold : float, default=0.05
        Wasserstein distance, in reference standard deviations, from which a
        number drifts.
    categorical_threshold : float, default=0.03
        Jensen-Shannon distance (base 2, in [0, 1]) from which a category
        column drifts.
    missing_threshold : float, default=0.05
        Change in the share of missing values that counts as drift.
    alpha : float, default=0.05
        False-discovery rate of the tests, across columns.
    drift_share : float, default=0.3
        Share of drifted features from which the data set as a whole drifted
        and retraining is recommended.
    performance_tolerance : float, default=0.05
        Relative drop of a metric (5 % of the baseline's magnitude) that is a
        degradation, once the whole confidence interval lies below it.
    scoring : str or list of str, optional
        Metrics to monitor, by scikit-learn scorer name (``"roc_auc"``,
        ``"balanced_accuracy"``, ``"r2"``, ...). Default: the task's first two
        of mlkit's defaults. Each one with a baseline is compared; a measured
        drop in any of them recommends retraining.
    n_bootstrap : int, default=200
        Bootstrap resamples for the metrics' confidence intervals (0: none).
    random_state : int or None, default=None
        Seed of the bootstrap.

    Attributes
    ----------
    reference_ : dict
        The JSON-safe reference sketch (what an artifact stores).
    columns_ : list of str
        The monitored columns.
    task_ : {"binary", "multiclass", "regression"} or None
        The model's task, from the predictions or labels seen in ``fit``.
    classes_ : list or None
        Class labels, for classification.
    baseline_ : dict of str to float
        Metrics the current ones are compared with.
    n_features_in_ : int
        Columns seen in ``fit``.
    feature_names_in_ : numpy.ndarray of str
        Their names.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import mlkit
    >>> rng = np.random.default_rng(0)
    >>> train = pd.DataFrame({"x": rng.normal(size=5000), "c": rng.choice(["a", "b"], 5000)})
    >>> monitor = mlkit.DriftMonitor().fit(train)
    >>> shifted = train.assign(x=train["x"] + 0.5)
    >>> report = monitor.check(shifted)
    >>> report.drifted_features
    ('x',)
    >>> monitor.check(train).drifted_features
    ()
    """

    def __init__(
        self,
        *,
        columns: list[str] | None = None,
        numeric_threshold: float = 0.05,
        categorical_threshold: float = 0.03,
        missing_threshold: float = 0.05,
        alpha: float = 0.05,
        drift_share: float = 0.3,
        performance_tolerance: float = 0.05,
        scoring: str | list[str] | None = None,
        n_bootstrap: int = 200,
        random_state: Any = None,
    ) -> None:
        self.columns = columns
        self.numeric_threshold = numeric_threshold
        self.categorical_threshold = categorical_threshold
        self.missing_threshold = missing_threshold
        self.alpha = alpha
        self.drift_share = drift_share
        self.performance_tolerance = performance_tolerance
        self.scoring = scoring
        self.n_bootstrap = n_bootstrap
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None, predictions: Any = None) -> DriftMonitor:
        """Learn the reference from ``X`` and, optionally, the model's outputs on it.

        Parameters
        ----------
        X : pandas.DataFrame
            Reference rows, usually the training or held-back data.
        y : array-like, optional
            Their labels; with ``predictions``, gives the baseline metrics.
        predictions : pandas.Series, array-like or pandas.DataFrame, optional
            The model's outputs on ``X``: labels or values (one-dimensional),
            or class probabilities (a DataFrame with one column per class).

        Returns
        -------
        DriftMonitor
            ``self``, fitted.

        Raises
        ------
        ConfigurationError
            When a parameter is not valid, ``columns`` names a column ``X``
            lacks, or ``y``/``predictions`` do not match ``X``'s rows.
        DataError
            When ``X`` is not a usable frame.
        """
        self._check_parameters()
        frame = input_frame(self, X, fitting=True, min_rows=2)
        columns = self._monitored(frame)
        _check_aligned(frame, y=y, predictions=predictions, owner="DriftMonitor.fit")
        labels, probabilities = _outputs(predictions, len(frame), owner="DriftMonitor.fit")
        target = None if y is None else _target(y, len(frame), "DriftMonitor.fit")
        classes = None if probabilities is None else list(predictions.columns)
        self.task_, self.classes_ = _task(target, labels, classes)
        self.baseline_ = self._measure(target, labels, probabilities)
        self.columns_ = columns
        self.reference_ = self._sketch(frame[columns], labels, probabilities)
        return self

    def check(self, X: Any, y: Any = None, *, predictions: Any = None) -> DriftReport:
        """Compare current rows with the reference.

        Parameters
        ----------
        X : pandas.DataFrame
            Current rows with at least the monitored columns.
        y : array-like, optional
            Their true labels, when known: measures performance.
        predictions : pandas.Series, array-like or pandas.DataFrame, optional
            The model's outputs on ``X``, as in ``fit``: checks prediction
            drift, and is needed with ``y``.

        Returns
        -------
        DriftReport
            Per-feature drift, prediction drift, performance and advice.

        Raises
        ------
        DataError
            When ``X`` is not a frame or lacks a monitored column.
        ConfigurationError
            When ``y`` is given without ``predictions``, or lengths differ.
        """
        check_fitted(self, "reference_")
        subject = "The frame given to DriftMonitor.check"
        frame = require_frame(X, subject=subject)
        require_columns(frame, self.columns_, subject=subject)
        repeated = sorted(set(frame.columns[frame.columns.duplicated()]) & set(self.columns_))
        if repeated:
            raise data_error(
                subject,
                None,
                "duplicate_column_names",
                f"monitored columns appear more than once: {repeated}; keep one of each",
            )
        _check_aligned(frame, y=y, predictions=predictions, owner="DriftMonitor.check")
        labels, probabilities = _outputs(predictions, len(frame), owner="DriftMonitor.check")
        probabilities = self._in_class_order(probabilities)
        if probabilities is not None and self.classes_ is not None:
            labels = np.asarray(self.classes_, dtype=object)[
                np.argmax(probabilities.to_numpy(), axis=1)
            ]
        labels = self._as_classes(labels)
        target = (
            None if y is None else self._as_classes(_target(y, len(frame), "DriftMonitor.check"))
        )
        if target is not None and labels is None:
            raise ConfigurationError(
                "DriftMonitor.check was given labels (y) but no predictions: pass the model's "
                "predictions=..., or call Model.monitor(df, y), which predicts itself."
            )
        features = self._compare(
            {name: frame[name] for name in self.columns_}, self.reference_["columns"]
        )
        outputs = self._compare_outputs(labels, probabilities)
        performance = self._performance(target, labels, probabilities)
        share = sum(f.flagged for f in features) / len(features) if features else 0.0
        return DriftReport(
            features=features,
            predictions=outputs,
            performance=performance,
            drift_share=share,
            dataset_drift=bool(features) and share >= self.drift_share,
            retrain=self._advice(features, outputs, performance, share),
            rows=len(frame),
            reference_rows=int(self.reference_["rows"]),
            settings=self._settings(),
        )

    def check_windows(self, windows: Any) -> DriftTimeline:
        """Check consecutive windows of data, giving a time series of reports.

        Parameters
        ----------
        windows : mapping or iterable
            A mapping from window label to ``X``, ``(X, y)`` or
            ``(X, y, predictions)``, e.g. ``dict(iter(df.groupby(pd.Grouper(
            key="date", freq="W"))))``; or an iterable of frames (labelled
            ``"1"``, ``"2"``, ...).

        Returns
        -------
        DriftTimeline
            One labelled report per window, in order.
        """
        check_fitted(self, "reference_")
        reports = []
        for label, item in _labelled(windows):
            X, y, predictions = _unpack(item)
            report = self.check(X, y, predictions=predictions)
            reports.append(_labelled_report(report, label))
        return DriftTimeline(reports=tuple(reports))

    def check_log(
        self, log: Any, *, freq: str | None = None, start: Any = None, end: Any = None
    ) -> DriftTimeline:
        """Check what an inference log recorded, in windows of ``freq``.

        Parameters
        ----------
        log : JsonLinesLog or SQLiteLog
            A log that recorded inputs as values (``inputs="values"``).
        freq : str, optional
            A pandas frequency (``"1D"``, ``"1h"``, ``"W-MON"`` for weeks from
            Monday; pandas' ``"W"`` weeks start on Sunday): one report per
            period with rows. Default: one report for the whole period.
        start, end : str, datetime.datetime or pandas.Timestamp, optional
            The period to read, ``start`` included, ``end`` excluded (UTC).

        Returns
        -------
        DriftTimeline
            One report per window, labelled by its start.

        Raises
        ------
        DataError
            When the period holds no rows, or the log holds no input values.
        """
        check_fitted(self, "reference_")
        logged = read_log(log, start=start, end=end)
        return self.check_windows(log_windows(logged, freq=freq, classes=self.classes_))

    def __sklearn_tags__(self) -> Any:
        """Tags for scikit-learn >= 1.6: missing values and text are accepted."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        return tags

    def _more_tags(self) -> dict[str, Any]:  # scikit-learn < 1.6
        return {"allow_nan": True, "X_types": ["2darray", "string"]}

    def _check_parameters(self) -> None:
        check_parameters(
            self,
            {
                "columns": _column_list,
                "numeric_threshold": number_in(0, None),
                "categorical_threshold": number_in(0, 1),
                "missing_threshold": number_in(0, 1),
                "alpha": number_in(0, 1, closed="neither"),
                "drift_share": number_in(0, 1),
                "performance_tolerance": number_in(0, 1),
                "n_bootstrap": _bootstrap_count,
                "random_state": random_state,
            },
        )
        check_scoring(self.scoring, "DriftMonitor")

    def _monitored(self, frame: pd.DataFrame) -> list[str]:
        if self.columns is not None:
            require_columns(
                frame, list(self.columns), subject="The frame given to DriftMonitor.fit"
            )
            return [str(c) for c in self.columns]
        return [
            str(name)
            for name in frame.columns
            if not pd.api.types.is_datetime64_any_dtype(frame[name].dtype)
            and not _identifier(frame[name])
        ]

    def _measure(
        self, y: np.ndarray | None, labels: np.ndarray | None, probabilities: pd.DataFrame | None
    ) -> dict[str, float]:
        if y is None or labels is None or self.task_ is None:
            return {}
        proba = None if probabilities is None else probabilities.to_numpy(np.float64)
        measured = {
            name: score(name, y, labels, proba, self.classes_)
            for name in metric_names(self.scoring, self.task_)
        }
        # A metric the outputs cannot give (ROC AUC of a model without probabilities) has
        # no baseline, so it is never judged.
        return {name: value for name, value in measured.items() if math.isfinite(value)}

    def _sketch(
        self, X: pd.DataFrame, labels: np.ndarray | None, probabilities: pd.DataFrame | None
    ) -> dict[str, Any]:
        sketch = sketch_frame(
            X,
            predictions=None if labels is None else pd.Series(labels),
            probabilities=probabilities,
            metrics=self.baseline_,
            labels=self.task_ in ("binary", "multiclass"),
        )
        sketch["monitor"] = json_safe(
            {
                "task": self.task_,
                "classes": self.classes_,
                "columns": list(X.columns),
                "params": self.get_params(),
            }
        )
        return sketch

    def _compare(
        self, current: Mapping[str, pd.Series], references: Mapping[str, Any]
    ) -> tuple[FeatureDrift, ...]:
        found = {
            name: _measure_column(references[name], values) for name, values in current.items()
        }
        distribution = [r["p_value"] for r in found.values()]
        missing = [
            _drift_stats.missing_p_value(
                r["missing_share_reference"],
                int(self.reference_["rows"]),
                r["missing_share"],
                len(current[name]),
            )
            for name, r in found.items()
        ]
        q_values = _adjusted([*distribution, *missing])
        count = len(found)
        return tuple(
            self._feature(name, references[name], r, q_values[i], q_values[count + i])
            for i, (name, r) in enumerate(found.items())
        )

    def _feature(
        self,
        name: str,
        reference: Mapping[str, Any],
        r: dict[str, Any],
        q: float,
        q_missing: float,
    ) -> FeatureDrift:
        numeric = reference["kind"] != "category"
        threshold = float(self.numeric_threshold if numeric else self.categorical_threshold)
        change = abs(r["missing_share"] - r["missing_share_reference"])
        return FeatureDrift(
            name=name,
            kind="number" if numeric else "category",
            rows=r["rows"],
            distance=r["distance"],
            threshold=threshold,
            ks=r["ks"],
            statistic=r["statistic"],
            p_value=r["p_value"],
            q_value=q,
            psi=r["psi"],
            missing_share_reference=r["missing_share_reference"],
            missing_share=r["missing_share"],
            out_of_range_share=r["out_of_range_share"],
            new_category_share=r["new_category_share"],
            drifted=bool(r["distance"] >= threshold and q < self.alpha),
            missing_drifted=bool(change >= self.missing_threshold and q_missing < self.alpha),
            distribution=r["overlay"],
        )

    def _compare_outputs(
        self, labels: np.ndarray | None, probabilities: pd.DataFrame | None
    ) -> tuple[FeatureDrift, ...]:
        current: dict[str, pd.Series] = {}
        references: dict[str, Any] = {}
        if labels is not None and "predictions" in self.reference_:
            current["prediction"] = pd.Series(labels)
            references["prediction"] = self.reference_["predictions"]
        sketched = self.reference_.get("probabilities") or {}
        if probabilities is not None and sketched:
            compared = list(sketched)[1:] if len(sketched) == 2 else list(sketched)
            for label in compared:
                if label in probabilities.columns:
                    current[f"probability[{label}]"] = probabilities[label]
                    references[f"probability[{label}]"] = sketched[label]
        return self._compare(current, references) if current else ()

    def _performance(
        self, y: np.ndarray | None, labels: np.ndarray | None, probabilities: pd.DataFrame | None
    ) -> tuple[MetricChange, ...]:
        if y is None or labels is None or self.task_ is None:
            return ()
        labelled = ~pd.isna(y)  # labels not known yet are left out, not counted as wrong
        y, labels = _plain(y[labelled]), _plain(labels[labelled])
        proba = None if probabilities is None else probabilities.to_numpy(np.float64)[labelled]
        if self.task_ == "regression":
            y = y.astype(np.float64)
        rng = np.random.default_rng(self.random_state)
        enough = len(y) >= _MIN_LABELLED
        changes = []
        for name in metric_names(self.scoring, self.task_):
            if METRICS[name][1] and proba is None:
                continue  # a probability metric of outputs without probabilities
            current = score(name, y, labels, proba, self.classes_) if len(y) else math.nan
            low, high = (
                bootstrap_interval(
                    name,
                    y,
                    labels,
                    proba,
                    self.classes_,
                    n_bootstrap=int(self.n_bootstrap),
                    level=_LEVEL,
                    rng=rng,
                )
                if enough
                else (math.nan, math.nan)
            )
            baseline = float(self.baseline_.get(name, math.nan))
            allowed = baseline - self.performance_tolerance * abs(baseline)
            degraded = bool(math.isfinite(high) and math.isfinite(baseline) and high < allowed)
            changes.append(
                MetricChange(
                    metric=name,
                    rows=len(y),
                    baseline=baseline,
                    current=current,
                    low=low,
                    high=high,
                    degraded=degraded,
                )
            )
        return tuple(changes)

    def _as_classes(self, values: np.ndarray | None) -> np.ndarray | None:
        """Labels written another way ("1", 1.0) as the fitted classes (1), for the metrics."""
        if values is None or self.classes_ is None or len(values) == 0:
            return values
        by_text = dict(zip(category_labels(self.classes_), self.classes_, strict=True))
        text = category_labels(pd.Series(values).dropna().unique())
        if not set(text) <= set(by_text):
            return values  # labels the model never had: scored as they are
        mapped = pd.Series(values).map(
            dict(zip(pd.Series(values).dropna().unique(), [by_text[t] for t in text], strict=True))
        )
        return np.asarray(mapped.where(pd.notna(values), None), dtype=object)

    def _in_class_order(self, probabilities: pd.DataFrame | None) -> pd.DataFrame | None:
        """Probability columns matched to the classes by label, not by position."""
        if probabilities is None or self.classes_ is None:
            return probabilities
        expected = [str(label) for label in self.classes_]
        if sorted(probabilities.columns) != sorted(expected):
            raise ConfigurationError(
                f"The probabilities given to DriftMonitor.check have columns "
                f"{list(probabilities.columns)}, but the monitor was fitted with the classes "
                f"{self.classes_}; give one column per class, named by its label."
            )
        return probabilities[expected]

    def _advice(
        self,
        features: tuple[FeatureDrift, ...],
        outputs: tuple[FeatureDrift, ...],
        performance: tuple[MetricChange, ...],
        share: float,
    ) -> Retrain:
        high = [
            f"{m.metric} fell from {m.baseline:.4g} to {m.current:.4g} (95 % interval "
            f"{m.low:.4g} to {m.high:.4g}), more than the {self.performance_tolerance:.0%} "
            "tolerance"
            for m in performance
            if m.degraded
        ]
        drifted = [f.name for f in features if f.flagged]
        medium = [
            f"the model's {o.name} drifted (distance {o.distance:.3g}, "
            f"threshold {o.threshold:.3g})"
            for o in outputs
            if o.drifted
        ]
        summary = f"{len(drifted)} of {len(features)} features drifted ({share:.0%})" + (
            ": " + ", ".join(drifted[:10]) + (", ..." if len(drifted) > 10 else "")
            if drifted
            else ""
        )
        if drifted and share >= self.drift_share:
            medium.append(
                summary + f", at least the {self.drift_share:.0%} that calls for retraining"
            )
        low = [summary + "; the predictions held"] if drifted and not (high or medium) else []
        severity = "high" if high else "medium" if medium else "low" if low else "none"
        return Retrain(
            recommended=severity in ("medium", "high"),
            severity=severity,
            reasons=tuple(high + medium + low),
        )

    def _settings(self) -> dict[str, Any]:
        return {
            "numeric_threshold": self.numeric_threshold,
            "categorical_threshold": self.categorical_threshold,
            "missing_threshold": self.missing_threshold,
            "alpha": self.alpha,
            "drift_share": self.drift_share,
            "performance_tolerance": self.performance_tolerance,
        }

    @classmethod
    def _from_reference(
        cls,
        reference: Mapping[str, Any],
        *,
        task: str | None,
        classes: list[Any] | None,
        subject: str,
    ) -> DriftMonitor:
        """A fitted monitor from a stored reference (what an artifact carries).

        A version 1 sketch (mlkit 0.1 artifacts) has no monitor settings: it
        gets the defaults, the manifest's task and classes, and monitors every
        column but datetimes.
        """
        try:
            version = reference["sketch_version"]
            sketches = reference["columns"]
            if version not in READABLE_SKETCH_VERSIONS or not isinstance(sketches, dict):
                raise TypeError(f"sketch_version {version!r}")
            stored = reference.get("monitor") or {}
            monitor = cls(**stored.get("params", {}))
            monitor._check_parameters()
            columns = stored.get("columns") or [
                name for name, sketch in sketches.items() if sketch["kind"] != "datetime"
            ]
            monitor.columns_ = [str(name) for name in columns]
            monitor.task_ = stored.get("task") or task
            monitor.classes_ = stored.get("classes") or classes
            monitor.baseline_ = baseline_metrics(reference.get("baseline_metrics") or {})
            monitor.reference_ = dict(reference)
            if any(name not in sketches for name in monitor.columns_):
                raise KeyError("a monitored column has no sketch")
        except (KeyError, TypeError, AttributeError, ValueError, ConfigurationError) as error:
            raise IntegrityError(
                f"{subject}: the drift reference cannot be read ({error}); it was not written "
                "by this mlkit. Repackage the model."
            ) from None
        monitor.feature_names_in_ = np.asarray(monitor.columns_, dtype=object)
        monitor.n_features_in_ = len(monitor.columns_)
        return monitor


def _identifier(series: pd.Series) -> bool:
    """Text whose present values are (nearly) all distinct: an ID, not a distribution."""
    if not (
        pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(series.dtype)
    ):
        return False
    present = series.dropna()
    if len(present) < _ID_MIN_ROWS or present.nunique() < _ID_SHARE * len(present):
        return False
    return numbers_in_text(present) is None  # amounts written as text are not identifiers


def _measure_column(reference: Mapping[str, Any], series: pd.Series) -> dict[str, Any]:
    if reference["kind"] == "category":
        result = _drift_stats.categorical_drift(dict(reference), series)
        result["overlay"] = _category_overlay(reference, series)
        return result
    values = _drift_stats.numeric_values(series)
    result = _drift_stats.numeric_drift(dict(reference), values)
    result["overlay"] = _numeric_overlay(reference, values)
    return result


def _numeric_overlay(reference: Mapping[str, Any], values: np.ndarray) -> dict[str, Any]:
    """Shares over 20 equal bins between the reference's 1st and 99th percentiles.

    Bins over that range, not the full one, so one outlier does not squeeze
    the whole distribution into a single bar. A discrete column is drawn per value.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0 or not reference.get("count"):
        return {}
    if reference.get("levels"):
        return _level_overlay(reference["levels"], finite)
    quantiles = np.asarray(reference["quantiles"], dtype=np.float64)
    low, high = quantiles[1], quantiles[-2]
    if not high > low:
        return {}
    edges = np.linspace(low, high, _OVERLAY_BINS + 1)
    probabilities = np.linspace(0.0, 1.0, quantiles.size)
    cdf = np.interp(edges, np.maximum.accumulate(quantiles), probabilities)
    current, _ = np.histogram(finite, bins=edges)
    return {
        "edges": edges.tolist(),
        "reference": np.diff(cdf).tolist(),
        "current": (current / finite.size).tolist(),
    }


def _level_overlay(levels: list[list[float]], finite: np.ndarray) -> dict[str, Any]:
    commonest = sorted(levels, key=lambda item: -item[1])[:_OVERLAY_CATEGORIES]
    commonest.sort()
    values = np.asarray([value for value, _ in commonest])
    return {
        "labels": [f"{value:g}" for value in values],
        "reference": [share for _, share in commonest],
        "current": [float(np.count_nonzero(finite == value)) / finite.size for value in values],
    }


def _category_overlay(reference: Mapping[str, Any], series: pd.Series) -> dict[str, Any]:
    shares = reference.get("shares") or {}
    present = series.dropna()
    labels = list(shares)[:_OVERLAY_CATEGORIES]
    if present.empty or sum(shares[label] for label in labels) < _OVERLAY_MIN_SHARE:
        return {}  # nothing worth drawing: no values, or only rare ones (an ID)
    current = present.astype(str).value_counts(normalize=True)
    return {
        "labels": labels,
        "reference": [float(shares[label]) for label in labels],
        "current": [float(current.get(label, 0.0)) for label in labels],
    }


def _adjusted(p_values: list[float]) -> list[float]:
    if not p_values:
        return []
    return [float(q) for q in stats.false_discovery_control(np.asarray(p_values), method="bh")]


def _outputs(
    predictions: Any, rows: int, *, owner: str
) -> tuple[np.ndarray | None, pd.DataFrame | None]:
    """Labels or values, and class probabilities (columns named by label as text)."""
    if predictions is None:
        return None, None
    if isinstance(predictions, pd.DataFrame):
        if predictions.shape[1] < 2:
            raise ConfigurationError(
                f"The predictions given to {owner} are a frame with {predictions.shape[1]} "
                "column(s); class probabilities need one column per class (at least 2)."
            )
        try:
            probabilities = predictions.reset_index(drop=True).astype(np.float64)
        except (TypeError, ValueError):
            raise ConfigurationError(
                f"The predictions given to {owner} are a frame, read as class probabilities, "
                "but not every value is a number. Give probabilities, or the predicted labels "
                "as a Series."
            ) from None
        labels = np.asarray(predictions.columns)[np.argmax(probabilities.to_numpy(), axis=1)]
        probabilities.columns = [str(c) for c in predictions.columns]
    else:
        labels, probabilities = (
            as_labels(predictions, subject=f"predictions given to {owner}"),
            None,
        )
    if len(labels) != rows:
        raise ConfigurationError(
            f"The predictions given to {owner} have {len(labels)} rows but X has {rows}; "
            "give the model's outputs on the same rows."
        )
    return labels, probabilities


def _plain(values: np.ndarray) -> np.ndarray:
    """An object array of labels as numpy's own dtype for them (ints, floats or text)."""
    return np.asarray(values.tolist()) if values.dtype == object and len(values) else values


def _check_aligned(frame: pd.DataFrame, *, y: Any, predictions: Any, owner: str) -> None:
    """Refuse labels or predictions indexed differently from X: rows would pair wrongly."""
    for name, values in (("y", y), ("predictions", predictions)):
        if (
            isinstance(values, pd.Series | pd.DataFrame)
            and len(values) == len(frame)
            and not values.index.equals(frame.index)
        ):
            raise ConfigurationError(
                f"The {name} given to {owner} are indexed differently from X, so rows would be "
                f"paired by position with the wrong ones. Align them first ({name}.loc[X.index]) "
                f"or pass {name}.to_numpy() if the order is right."
            )


def _target(y: Any, rows: int, owner: str) -> np.ndarray:
    target = as_labels(y, subject=f"y given to {owner}")
    if len(target) != rows:
        raise ConfigurationError(
            f"y given to {owner} has {len(target)} values but X has {rows} rows; give the "
            "labels of the same rows."
        )
    return target


def _task(
    y: np.ndarray | None, labels: np.ndarray | None, classes: list[Any] | None
) -> tuple[str | None, list[Any] | None]:
    if classes is not None:
        return ("binary" if len(classes) == 2 else "multiclass"), json_safe(classes)
    samples = [v for v in (labels, y) if v is not None]
    if not samples:
        return None, None
    present = [v[~pd.isna(v)] for v in samples]
    if any(type_of_target(v) == "continuous" for v in present if len(v)):
        return "regression", None
    seen = np.asarray(
        sorted(pd.unique(np.concatenate(present)), key=lambda value: (str(type(value)), value))
    )
    return ("binary" if len(seen) == 2 else "multiclass"), json_safe(seen.tolist())


def _bootstrap_count(instance: Any, attribute: Any, value: Any) -> None:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (value == 0 or 10 <= value <= 100_000)
    ):
        raise ConfigurationError(
            f"The 'n_bootstrap' parameter of {type(instance).__name__} must be 0 (no intervals) "
            f"or an int in [10, 100000]. Got {value!r} instead."
        )


def _column_list(instance: Any, attribute: Any, value: Any) -> None:
    if value is None:
        return
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, str) for v in value)
        or len(set(value)) != len(value)
    ):
        raise ConfigurationError(
            f"The 'columns' parameter of {type(instance).__name__} must be None or a non-empty "
            f"list of distinct column names. Got {value!r} instead."
        )


def _labelled(windows: Any) -> list[tuple[str, Any]]:
    if isinstance(windows, pd.DataFrame) or windows is None or isinstance(windows, str | bytes):
        raise ConfigurationError(
            "check_windows takes a mapping from label to frame, or an iterable of frames; got "
            f"{type(windows).__name__}. Split one frame by time with "
            "dict(iter(df.groupby(pd.Grouper(key='date', freq='W'))))."
        )
    if isinstance(windows, Mapping):
        return [(str(label), item) for label, item in windows.items()]
    if not isinstance(windows, Iterable):
        raise ConfigurationError(
            "check_windows takes a mapping or an iterable of frames; got "
            f"{type(windows).__name__}."
        )
    return [(str(i), item) for i, item in enumerate(windows, start=1)]


def _unpack(item: Any) -> tuple[Any, Any, Any]:
    if isinstance(item, tuple):
        if not 1 <= len(item) <= 3:
            raise ConfigurationError(
                f"A window must be X, (X, y) or (X, y, predictions); got a tuple of {len(item)}."
            )
        padded = (*item, None, None)
        return padded[0], padded[1], padded[2]
    return item, None, None


def _labelled_report(report: DriftReport, label: str) -> DriftReport:
    return attrs.evolve(report, label=label)


def read_log(
    log: Any, *, start: Any, end: Any, model: str | None = None, version: str | None = None
) -> pd.DataFrame:
    """Rows an inference log recorded in a period, refusing a log without input values."""
    if not callable(getattr(log, "read", None)):
        raise ConfigurationError(
            f"Expected an inference log (mlkit.JsonLinesLog or mlkit.SQLiteLog); got "
            f"{type(log).__name__}."
        )
    logged = log.read(start=start, end=end, model=model, version=version)
    if logged.empty:
        raise data_error(
            f"The log {log!r}", None, "no_rows", "holds no requests in the period asked for"
        )
    if "input" not in logged.columns.get_level_values(0):
        raise data_error(
            f"The log {log!r}",
            None,
            "no_inputs",
            "recorded no input values (inputs='hash' or 'none'); drift needs inputs='values'",
        )
    frame: pd.DataFrame = logged
    return frame


def log_windows(
    logged: pd.DataFrame, *, freq: str | None, classes: list[Any] | None
) -> dict[str, tuple[Any, None, Any]]:
    """Split logged rows into windows of ``freq`` with the predictions they were given."""
    times = pd.DatetimeIndex(logged[("request", "timestamp")])
    if freq is None:
        groups = {f"{times.min().isoformat()} to {times.max().isoformat()}": logged}
    else:
        try:
            grouper = pd.Grouper(freq=freq, label="left", closed="left")
            grouped = logged.set_axis(times, axis=0).groupby(grouper)
            groups = {
                pd.Timestamp(key).isoformat(): rows.reset_index(drop=True)  # type: ignore[arg-type]
                for key, rows in grouped
                if len(rows)
            }
        except (ValueError, TypeError) as error:
            raise ConfigurationError(
                f"The 'freq' parameter must be a pandas frequency such as '1D', '1h', 'W' or "
                f"'MS'. Got {freq!r} ({error})."
            ) from None
    return {
        label: (rows["input"], None, _logged_outputs(rows, classes))
        for label, rows in groups.items()
    }


def _logged_outputs(rows: pd.DataFrame, classes: list[Any] | None) -> Any:
    outputs = rows["output"]
    by_text = {str(column): column for column in outputs.columns if column != "prediction"}
    if classes is not None and sorted(by_text) == sorted(str(c) for c in classes):
        columns = [by_text[str(label)] for label in classes]
        if not outputs[columns].isna().to_numpy().any():  # every request had probabilities
            return outputs[columns].set_axis(classes, axis=1)
    return outputs["prediction"]
