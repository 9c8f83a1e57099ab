"""The Profiler: attribute profiling of a DataFrame in one vectorised pass."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import pandas as pd

from mlkit import _associations as assoc
from mlkit._column_scan import ColumnScan, ScanSettings, feature_values, scan_column, to_float
from mlkit._frame_checks import non_string_names, repeated_names, require_frame
from mlkit._profile import Alert, ColumnProfile, Profile, TargetProfile, Task
from mlkit._validation import floats_in_unit_interval, number_in, random_state
from mlkit.exceptions import ConfigurationError, DataError, DataFailure

__all__ = ["Profiler"]

logger = logging.getLogger(__name__)


@attrs.frozen(kw_only=True)
class Profiler:
    """Profile a DataFrame: schema, statistics, distributions, correlations, alerts.

    Per-column statistics use every row in one vectorised pass. Correlations,
    associations with the target and the leakage check run on a random sample
    of ``sample_size`` rows when the frame is larger; the profile says so.

    Parameters
    ----------
    top_k : int, default=10
        Most frequent values to keep per column.
    bins : int, default=20
        Histogram bins for numeric and datetime columns.
    quantiles : tuple of float, default=(0.05, 0.25, 0.5, 0.75, 0.95)
        Quantiles to report for numeric columns.
    sample_size : int or None, default=100_000
        Rows sampled for correlations, associations and leakage checks;
        ``None`` uses every row.
    missing_threshold : float, default=0.3
        Missing share at or above which a column is flagged.
    cardinality_threshold : int, default=50
        Distinct values above which a categorical column is flagged.
    skew_threshold : float, default=2.0
        Absolute skewness above which a numeric column is flagged.
    correlation_threshold : float, default=0.9
        Absolute correlation (or Cramér's V) at or above which a pair is flagged.
    imbalance_threshold : float, default=0.25
        Smallest class over largest class below which a target is flagged.
    leakage_threshold : float, default=0.95
        Held-out balanced accuracy (or R²) of a single feature at or above
        which it is flagged as possible target leakage.
    random_state : int or None, default=0
        Seed for sampling and for the leakage check's split.

    Examples
    --------
    >>> from mlkit import Profiler
    >>> from mlkit.datasets import make_churn
    >>> profile = Profiler().profile(make_churn(2_000), target="churned")
    >>> profile.target.task
    'binary'
    >>> profile["customer_id"].semantic_type
    'id'
    >>> "numbers_as_text" in {alert.kind for alert in profile.alerts_for("total_charges")}
    True
    """

    top_k: int = attrs.field(default=10, validator=number_in(1, 1000, integral=True))
    bins: int = attrs.field(default=20, validator=number_in(2, 1000, integral=True))
    quantiles: tuple[float, ...] = attrs.field(
        default=(0.05, 0.25, 0.5, 0.75, 0.95), validator=floats_in_unit_interval
    )
    sample_size: int | None = attrs.field(
        default=100_000, validator=number_in(100, None, integral=True, optional=True)
    )
    missing_threshold: float = attrs.field(default=0.3, validator=number_in(0, 1, closed="right"))
    cardinality_threshold: int = attrs.field(
        default=50, validator=number_in(2, None, integral=True)
    )
    skew_threshold: float = attrs.field(
        default=2.0, validator=number_in(0, None, closed="neither")
    )
    correlation_threshold: float = attrs.field(
        default=0.9, validator=number_in(0, 1, closed="right")
    )
    imbalance_threshold: float = attrs.field(
        default=0.25, validator=number_in(0, 1, closed="neither")
    )
    leakage_threshold: float = attrs.field(default=0.95, validator=number_in(0, 1, closed="right"))
    random_state: int | None = attrs.field(default=0, validator=random_state)

    def profile(self, df: pd.DataFrame, target: str | None = None) -> Profile:
        """Profile ``df``.

        Parameters
        ----------
        df : pandas.DataFrame
            The data, with unique string column names.
        target : str, optional
            The column to predict. With it, the profile infers the task and
            measures each feature against it; without it, the profile suggests
            likely targets.

        Returns
        -------
        Profile
            The findings.

        Raises
        ------
        DataError
            When ``df`` is not a DataFrame, is empty, has no columns, or has
            duplicate or non-string column names (every problem is listed), or
            when the target has no values.
        ConfigurationError
            When ``target`` is not a column of ``df``.
        """
        _check_frame(df, target)
        scans = self._scan_columns(df)
        columns = tuple(scan.profile for scan in scans)
        n_rows = len(df)
        sample = self._sample(df)
        correlations = _correlations(columns, sample)
        target_profile = (
            self._profile_target(columns, df[target], sample, target) if target else None
        )
        n_duplicates = _count_duplicate_rows(df, scans)
        alerts = self._alerts(scans, target_profile, correlations, n_rows, n_duplicates)
        return Profile(
            n_rows=n_rows,
            n_columns=df.shape[1],
            n_duplicate_rows=n_duplicates,
            n_rows_with_missing=_count_rows_with_missing(scans, n_rows),
            memory_bytes=int(df.memory_usage(deep=True, index=True).sum()),
            columns=columns,
            target=target_profile,
            target_suggestions=() if target else assoc.suggest_targets(columns, n_rows),
            correlations=correlations,
            alerts=alerts,
            sample_size=len(sample) if len(sample) < n_rows else None,
            settings=attrs.asdict(self),
        )

    def _scan_columns(self, df: pd.DataFrame) -> list[ColumnScan]:
        settings = ScanSettings(top_k=self.top_k, bins=self.bins, quantiles=self.quantiles)
        scans = []
        for position, name in enumerate(df.columns):
            logger.debug("profiling column %r", name)
            scans.append(scan_column(str(name), df.iloc[:, position], settings))
        return scans

    def _sample(self, df: pd.DataFrame) -> pd.DataFrame:
        if self.sample_size is None or len(df) <= self.sample_size:
            return df
        rng = np.random.default_rng(self.random_state)
        rows = np.sort(rng.choice(len(df), size=self.sample_size, replace=False))
        logger.info("sampling %d of %d rows for correlations", self.sample_size, len(df))
        return df.iloc[rows]

    def _profile_target(
        self,
        columns: Sequence[ColumnProfile],
        y_all: pd.Series,
        sample: pd.DataFrame,
        target: str,
    ) -> TargetProfile:
        """Task and class balance from every row; associations from the labelled sample."""
        task = assoc.infer_task(y_all)
        labelled = sample[sample[target].notna().to_numpy()]
        class_counts: tuple[tuple[Any, int], ...] = ()
        imbalance = None
        if task != "regression":
            counts = y_all.value_counts()
            class_counts = tuple((assoc.as_python(k), int(v)) for k, v in counts.items())
            imbalance = float(counts.iloc[-1] / counts.iloc[0]) if len(counts) > 1 else 0.0
        association, power = self._target_relations(columns, labelled, target, task)
        return TargetProfile(
            name=target,
            task=task,
            class_counts=class_counts,
            imbalance_ratio=imbalance,
            association=association,
            predictive_power=power,
        )

    def _target_relations(
        self, columns: Sequence[ColumnProfile], labelled: pd.DataFrame, target: str, task: Task
    ) -> tuple[dict[str, tuple[float, str]], dict[str, float]]:
        y = labelled[target]
        if task == "regression":
            y_values = to_float(y)
        else:
            y_values = pd.factorize(y.astype(object).map(str))[0].astype(np.float64)
        rng = np.random.default_rng(self.random_state)
        fit_half = rng.random(len(labelled)) < 0.5
        association: dict[str, tuple[float, str]] = {}
        power: dict[str, float] = {}
        for column in columns:
            if column.name == target or column.semantic_type in {"constant", "text"}:
                continue
            series = labelled[column.name]
            if column.semantic_type != "id":
                association[column.name] = assoc.association_with_target(
                    column,
                    series,
                    y,
                    task,
                )
            codes, n_codes = assoc.feature_codes(column, series)
            power[column.name] = assoc.predictive_power(
                codes,
                n_codes,
                y_values,
                task,
                fit_half,
            )
        return association, power

    def _alerts(
        self,
        scans: Sequence[ColumnScan],
        target: TargetProfile | None,
        correlations: dict[str, pd.DataFrame],
        n_rows: int,
        n_duplicates: int,
    ) -> tuple[Alert, ...]:
        alerts: list[Alert] = []
        for scan in scans:
            alerts.extend(self._column_alerts(scan.profile, n_rows))
            alerts.extend(scan.alerts)
        alerts.extend(self._correlation_alerts(correlations))
        if target is not None:
            alerts.extend(self._target_alerts(target, scans))
        if n_duplicates:
            alerts.append(
                Alert(
                    kind="duplicate_rows",
                    columns=(),
                    message=f"{n_duplicates} row(s) repeat an earlier row exactly "
                    f"({n_duplicates / n_rows:.1%})",
                    value=float(n_duplicates),
                )
            )
        return tuple(alerts)

    def _column_alerts(self, column: ColumnProfile, n_rows: int) -> list[Alert]:
        name, alerts = column.name, []
        if column.missing_share == 1.0:
            alerts.append(
                Alert(
                    kind="all_missing",
                    columns=(name,),
                    message="every value is missing",
                    value=1.0,
                )
            )
        elif column.semantic_type == "constant":
            value = column.top_values[0][0] if column.top_values else None
            alerts.append(
                Alert(kind="constant", columns=(name,), message=f"a single value ({value!r})")
            )
        elif column.missing_share >= self.missing_threshold:
            alerts.append(
                Alert(
                    kind="high_missing",
                    columns=(name,),
                    value=column.missing_share,
                    message=f"{column.missing_share:.1%} of values are missing",
                )
            )
        if column.semantic_type == "id":
            alerts.append(
                Alert(
                    kind="id_like",
                    columns=(name,),
                    message=f"looks like an identifier: {column.n_unique:,} distinct values in "
                    f"{n_rows - column.n_missing:,} non-missing rows",
                )
            )
        if column.semantic_type == "categorical" and column.n_unique > self.cardinality_threshold:
            alerts.append(
                Alert(
                    kind="high_cardinality",
                    columns=(name,),
                    value=float(column.n_unique),
                    message=f"{column.n_unique} distinct values",
                )
            )
        stats = column.numeric
        skewed = (
            stats is not None
            and column.semantic_type == "numeric"
            and math.isfinite(stats.skewness)
            and abs(stats.skewness) > self.skew_threshold
        )
        if skewed and stats is not None:
            alerts.append(
                Alert(
                    kind="skewed",
                    columns=(name,),
                    value=stats.skewness,
                    message=f"strongly skewed (skewness {stats.skewness:.2f})",
                )
            )
        if stats is not None and stats.n_infinite:
            alerts.append(
                Alert(
                    kind="infinite_values",
                    columns=(name,),
                    value=float(stats.n_infinite),
                    message=f"{stats.n_infinite} infinite value(s)",
                )
            )
        return alerts

    def _correlation_alerts(self, correlations: dict[str, pd.DataFrame]) -> list[Alert]:
        strongest: dict[tuple[str, str], tuple[float, str]] = {}
        for method, matrix in correlations.items():
            names = list(matrix.columns)
            values = matrix.to_numpy()
            for i, j in zip(*np.triu_indices(len(names), k=1), strict=True):
                value = values[i, j]
                pair = (names[i], names[j])
                strong = np.isfinite(value) and abs(value) >= self.correlation_threshold
                if strong and abs(value) > abs(strongest.get(pair, (0.0, ""))[0]):
                    strongest[pair] = (float(value), method)
        return [
            Alert(
                kind="correlated",
                columns=pair,
                value=value,
                message=f"{pair[0]!r} and {pair[1]!r} are strongly related ({method} {value:.2f})",
            )
            for pair, (value, method) in strongest.items()
        ]

    def _target_alerts(self, target: TargetProfile, scans: Sequence[ColumnScan]) -> list[Alert]:
        alerts = []
        name = target.name
        scan = next(s for s in scans if s.profile.name == name)
        if scan.profile.n_missing > 0:
            alerts.append(
                Alert(
                    kind="target_missing",
                    columns=(name,),
                    value=float(scan.profile.n_missing),
                    message=f"{scan.profile.n_missing} row(s) have no target; they cannot be "
                    "used for training",
                )
            )
        ratio = target.imbalance_ratio
        if ratio is not None and ratio < self.imbalance_threshold:
            smallest = target.class_counts[-1] if target.class_counts else ("?", 0)
            alerts.append(
                Alert(
                    kind="imbalanced_target",
                    columns=(name,),
                    value=ratio,
                    message=f"imbalanced classes: the smallest, {smallest[0]!r}, is "
                    f"{ratio:.1%} the size of the largest",
                )
            )
        measure = "R²" if target.task == "regression" else "balanced accuracy"
        for feature, score in target.predictive_power.items():
            if math.isfinite(score) and score >= self.leakage_threshold:
                alerts.append(
                    Alert(
                        kind="leakage",
                        columns=(feature, name),
                        value=score,
                        message=f"{feature!r} alone predicts {name!r} with held-out {measure} "
                        f"{score:.3f}: check it is known at prediction time",
                    )
                )
        return alerts


def _check_frame(df: Any, target: Any) -> None:
    """Refuse what cannot be profiled, listing every problem at once."""
    df = require_frame(df, subject="The input to Profiler.profile")
    failures = _shape_failures(df) + non_string_names(df) + repeated_names(df)
    if failures:
        raise DataError.from_failures("The frame given to Profiler.profile", failures)
    if target is not None and (not isinstance(target, str) or target not in df.columns):
        raise ConfigurationError(
            f"The 'target' argument of Profiler.profile must be a column of the frame or None. "
            f"Got {target!r}; the columns are {list(df.columns)[:20]}."
        )
    if target is not None and df[target].isna().all():
        failure = DataFailure(
            column=target,
            reason="target_all_missing",
            count=len(df),
            message="the target column has no values; choose another target",
        )
        raise DataError.from_failures("The frame given to Profiler.profile", [failure])


def _shape_failures(df: pd.DataFrame) -> list[DataFailure]:
    failures = []
    if df.shape[1] == 0:
        failures.append(
            DataFailure(
                column=None,
                reason="no_columns",
                message="the frame has no columns; there is nothing to profile",
            )
        )
    if len(df) == 0:
        failures.append(
            DataFailure(
                column=None,
                reason="empty_frame",
                message="the frame has no rows; there is nothing to profile",
            )
        )
    return failures


def _count_duplicate_rows(df: pd.DataFrame, scans: Sequence[ColumnScan]) -> int:
    """Count rows equal to an earlier row.

    The columns' row keys are mixed into one 64-bit hash per row; only rows
    whose hash repeats are then compared exactly, so a hash collision can never
    be reported as a duplicate.
    """
    row_hash = np.zeros(len(df), dtype=np.uint64)
    for scan in scans:
        row_hash = _mix(row_hash ^ scan.row_keys)
    candidates = pd.Series(row_hash).duplicated(keep=False).to_numpy()
    if not candidates.any():
        return 0
    rows = df.iloc[candidates]
    try:
        return int(rows.duplicated().sum())
    except TypeError:  # unhashable values such as lists: compare their text
        return int(rows.map(repr).duplicated().sum())


def _mix(keys: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: spreads every input bit over the whole key."""
    keys = (keys ^ (keys >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    keys = (keys ^ (keys >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    mixed: np.ndarray = keys ^ (keys >> np.uint64(31))
    return mixed


def _count_rows_with_missing(scans: Sequence[ColumnScan], n_rows: int) -> int:
    any_missing = np.zeros(n_rows, dtype=bool)
    for scan in scans:
        any_missing |= scan.missing
    return int(any_missing.sum())


def _correlations(
    columns: Sequence[ColumnProfile], sample: pd.DataFrame
) -> dict[str, pd.DataFrame]:
    numeric = {
        c.name: feature_values(c, sample[c.name]) for c in columns if assoc.is_numeric_feature(c)
    }
    frame = pd.DataFrame(numeric, index=sample.index).replace([np.inf, -np.inf], np.nan)
    correlations = assoc.numeric_correlations(frame)
    labels = {
        c.name: assoc.category_codes(sample[c.name])
        for c in columns
        if c.semantic_type in assoc.LABEL_KINDS and not assoc.is_numeric_feature(c)
    }
    if len(labels) >= 2:
        correlations["cramers_v"] = assoc.cramers_v_matrix(labels)
    return correlations
