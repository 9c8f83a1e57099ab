"""The result of profiling a frame: :class:`Profile` and the values it holds."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import attrs
import numpy as np
import pandas as pd

from mlkit._results import HtmlReport, json_safe
from mlkit.exceptions import ConfigurationError

if TYPE_CHECKING:
    import pandera.pandas as pa

__all__ = [
    "Alert",
    "ColumnProfile",
    "Histogram",
    "NumericSummary",
    "Profile",
    "TargetProfile",
    "TargetSuggestion",
]

SemanticType = Literal["numeric", "categorical", "boolean", "datetime", "text", "id", "constant"]
Task = Literal["binary", "multiclass", "regression"]


@attrs.frozen(kw_only=True)
class Histogram:
    """Counts of values in consecutive bins.

    Attributes
    ----------
    edges : tuple of float
        ``len(counts) + 1`` bin edges, increasing; for datetimes, seconds since
        the epoch (UTC for time-zone aware columns). Whole numbers get edges
        halfway between integers.
    counts : tuple of int
        Number of values in each bin; the last bin includes its right edge.
    """

    edges: tuple[float, ...]
    counts: tuple[int, ...]


@attrs.frozen(kw_only=True)
class NumericSummary:
    """Statistics of a numeric column, over its finite values.

    Attributes
    ----------
    min, max, mean, median, std, skewness : float
        Over finite values; ``nan`` when there are none (``std`` needs two,
        ``skewness`` three). ``std`` uses ``ddof=1`` and ``skewness`` is the
        adjusted Fisher-Pearson coefficient, as in pandas.
    quantiles : dict of float to float
        The requested quantiles.
    n_zeros, n_infinite : int
        Count of exact zeros, and of ``+inf`` or ``-inf``.
    """

    min: float
    max: float
    mean: float
    median: float
    std: float
    skewness: float
    quantiles: Mapping[float, float]
    n_zeros: int
    n_infinite: int


@attrs.frozen(kw_only=True)
class ColumnProfile:
    """Everything the profiler learned about one column.

    Attributes
    ----------
    name : str
        Column name.
    dtype : str
        The pandas dtype, as text.
    semantic_type : str
        One of ``"numeric"``, ``"categorical"``, ``"boolean"``, ``"datetime"``,
        ``"text"`` (free text), ``"id"`` (ID-like) or ``"constant"``.
    n_missing : int
        Missing values.
    missing_share : float
        ``n_missing / n_rows``.
    n_unique : int
        Distinct non-missing values.
    numeric : NumericSummary or None
        For numeric columns, and for numbers stored as text.
    histogram : Histogram or None
        For numeric and datetime columns.
    top_values : tuple of (value, count) pairs
        The most frequent values, most frequent first (categorical, boolean,
        text and ID-like columns).
    datetime_range : tuple of str or None
        First and last timestamp (ISO 8601) for datetime columns.
    """

    name: str
    dtype: str
    semantic_type: SemanticType
    n_missing: int
    missing_share: float
    n_unique: int
    numeric: NumericSummary | None = None
    histogram: Histogram | None = None
    top_values: tuple[tuple[Any, int], ...] = ()
    datetime_range: tuple[str, str] | None = None


@attrs.frozen(kw_only=True)
class Alert:
    """Something in the data a person should look at.

    Attributes
    ----------
    kind : str
        A stable code: ``"constant"``, ``"all_missing"``, ``"id_like"``,
        ``"high_missing"``, ``"high_cardinality"``, ``"skewed"``,
        ``"infinite_values"``, ``"mixed_types"``, ``"numbers_as_text"``,
        ``"numbers_as_objects"``,
        ``"dates_as_text"``, ``"duplicate_rows"``, ``"correlated"``,
        ``"imbalanced_target"``, ``"target_missing"`` or ``"leakage"``.
    columns : tuple of str
        The columns concerned (empty for the whole frame).
    message : str
        What was found, in words.
    value : float or None
        The measured figure behind the alert, if any.
    """

    kind: str
    columns: tuple[str, ...]
    message: str
    value: float | None = None


@attrs.frozen(kw_only=True)
class TargetProfile:
    """The target column and the learning task it implies.

    Attributes
    ----------
    name : str
        Target column.
    task : {"binary", "multiclass", "regression"}
        Inferred task.
    class_counts : tuple of (label, count) pairs
        For classification, every class and its count, largest first.
    imbalance_ratio : float or None
        Smallest class count over largest, for classification.
    association : dict of str to (float, str)
        Each feature's association with the target in [0, 1], and the measure
        used (``"spearman"``, ``"cramers_v"`` or ``"correlation_ratio"``).
    predictive_power : dict of str to float
        What each feature alone achieves on held-out rows: balanced accuracy
        for classification, R² for regression. A value near 1 suggests leakage.
    """

    name: str
    task: Task
    class_counts: tuple[tuple[Any, int], ...] = ()
    imbalance_ratio: float | None = None
    association: Mapping[str, tuple[float, str]] = attrs.field(factory=dict)
    predictive_power: Mapping[str, float] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class TargetSuggestion:
    """A column that looks like a prediction target.

    Attributes
    ----------
    column : str
        The candidate.
    task : {"binary", "multiclass", "regression"}
        The task it would make.
    score : float
        Higher is more likely; only the order is meaningful.
    reasons : tuple of str
        Why it was suggested.
    """

    column: str
    task: Task
    score: float
    reasons: tuple[str, ...]


def _frames_equal(a: Mapping[str, pd.DataFrame], b: Mapping[str, pd.DataFrame]) -> bool:
    return a.keys() == b.keys() and all(a[k].equals(b[k]) for k in a)


@attrs.frozen(kw_only=True)
class Profile(HtmlReport):
    """What :class:`~mlkit.Profiler` found in a frame.

    A frozen value: build one with :meth:`mlkit.Profiler.profile`.

    Attributes
    ----------
    n_rows, n_columns : int
        Shape of the frame.
    n_duplicate_rows : int
        Rows that repeat an earlier row exactly.
    n_rows_with_missing : int
        Rows with at least one missing value.
    memory_bytes : int
        Memory the frame uses, strings included.
    columns : tuple of ColumnProfile
        One per column, in frame order.
    target : TargetProfile or None
        The target and its task, when one was given.
    target_suggestions : tuple of TargetSuggestion
        Likely targets, best first, when none was given.
    correlations : dict of str to DataFrame
        ``"pearson"`` and ``"spearman"`` among numeric, datetime and 0/1 columns
        (the target included), ``"cramers_v"`` among categorical columns and
        boolean columns that are not 0/1 numbers.
    alerts : tuple of Alert
        What deserves a look.
    sample_size : int or None
        Rows sampled for correlations, associations and leakage checks, or
        ``None`` when every row was used.
    settings : dict
        The profiler settings that produced this profile.
    """

    n_rows: int
    n_columns: int
    n_duplicate_rows: int
    n_rows_with_missing: int
    memory_bytes: int
    columns: tuple[ColumnProfile, ...]
    target: TargetProfile | None = None
    target_suggestions: tuple[TargetSuggestion, ...] = ()
    correlations: Mapping[str, pd.DataFrame] = attrs.field(
        factory=dict, eq=attrs.cmp_using(eq=_frames_equal)
    )
    alerts: tuple[Alert, ...] = ()
    sample_size: int | None = None
    settings: Mapping[str, Any] = attrs.field(factory=dict)

    def __getitem__(self, name: str) -> ColumnProfile:
        """Return the profile of column ``name``."""
        for column in self.columns:
            if column.name == name:
                return column
        known = ", ".join(repr(c.name) for c in self.columns)
        raise KeyError(f"No column {name!r} in this profile; it has {known}.")

    def alerts_for(self, column: str) -> tuple[Alert, ...]:
        """Return the alerts that concern ``column``.

        Parameters
        ----------
        column : str
            A column name.

        Returns
        -------
        tuple of Alert
            The alerts naming that column.
        """
        return tuple(alert for alert in self.alerts if column in alert.columns)

    def to_dict(self) -> dict[str, Any]:
        """Return the profile as plain, JSON-safe Python values.

        Missing or non-finite figures become ``None``; timestamps become ISO
        8601 text.

        Returns
        -------
        dict
            Serialisable with ``json.dumps(..., allow_nan=False)``.
        """
        raw = attrs.asdict(self, recurse=True, filter=lambda a, _: a.name != "correlations")
        raw["correlations"] = {
            name: {"columns": list(frame.columns), "values": frame.to_numpy().tolist()}
            for name, frame in self.correlations.items()
        }
        return json_safe(raw)  # type: ignore[no-any-return]

    def to_json(self, path: str | Path | None = None) -> str:
        """Return the profile as JSON text, and write it to ``path`` if given.

        Parameters
        ----------
        path : str or Path, optional
            File to write.

        Returns
        -------
        str
            The JSON document.
        """
        text = json.dumps(self.to_dict(), indent=2, allow_nan=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_frame(self) -> pd.DataFrame:
        """Return one row per column: type, missing values, main statistics, alerts.

        Returns
        -------
        pandas.DataFrame
            Indexed by column name.
        """
        rows = []
        for column in self.columns:
            stats = column.numeric
            top = column.top_values[0] if column.top_values else (None, None)
            rows.append(
                {
                    "dtype": column.dtype,
                    "semantic_type": column.semantic_type,
                    "n_missing": column.n_missing,
                    "missing_share": column.missing_share,
                    "n_unique": column.n_unique,
                    "min": stats.min if stats else np.nan,
                    "max": stats.max if stats else np.nan,
                    "mean": stats.mean if stats else np.nan,
                    "median": stats.median if stats else np.nan,
                    "std": stats.std if stats else np.nan,
                    "skewness": stats.skewness if stats else np.nan,
                    "n_zeros": stats.n_zeros if stats else 0,
                    "n_infinite": stats.n_infinite if stats else 0,
                    "top": top[0],
                    "top_count": top[1],
                    "alerts": ", ".join(a.kind for a in self.alerts_for(column.name)),
                }
            )
        return pd.DataFrame(rows, index=pd.Index([c.name for c in self.columns], name="column"))

    def to_schema(
        self, *, columns: Sequence[str] | None = None, include_target: bool = False
    ) -> pa.DataFrameSchema:
        """Return the pandera data contract for frames like this one.

        The contract rejects what a model cannot compute and nothing else
        (see the data-contract policy in the docs): every column must be
        present; each value must coerce to the column's trained type; numeric
        columns must not hold infinity. Missing values, values outside the
        seen range, unseen categories, extra columns and a different column
        order all pass: they are drift, measured elsewhere, not refused.

        Parameters
        ----------
        columns : sequence of str, optional
            Restrict the contract to these columns (default: all but the target).
        include_target : bool, default=False
            Whether the target column is part of the contract.

        Returns
        -------
        pandera.pandas.DataFrameSchema
            Validate with ``schema.validate(df, lazy=True)``.
        """
        from mlkit._contract import schema_from_profile

        names = self._contract_columns(columns, include_target)
        return schema_from_profile([self[name] for name in names])

    def _contract_columns(self, columns: Sequence[str] | None, include_target: bool) -> list[str]:
        target = self.target.name if self.target else None
        if columns is None:
            return [c.name for c in self.columns if include_target or c.name != target]
        unknown = [name for name in columns if name not in {c.name for c in self.columns}]
        if unknown:
            raise ConfigurationError(
                f"Cannot build a contract for columns {unknown}: the profile has no such "
                "columns. Pass names from Profile.columns."
            )
        return list(columns)

    def validate(self, df: pd.DataFrame) -> pd.DataFrame:
        """Check ``df`` against this profile's data contract (:meth:`to_schema`).

        Parameters
        ----------
        df : pandas.DataFrame
            New rows with the profiled feature columns (the target is not needed).

        Returns
        -------
        pandas.DataFrame
            ``df`` with every contract column coerced to its trained type.

        Raises
        ------
        DataError
            One error listing every problem, by column: a missing column
            (``"missing_column"``), a value that cannot be coerced
            (``"uncoercible_value"``) or infinity (``"infinite_value"``); or a
            frame that is not a DataFrame or repeats a column name.

        Examples
        --------
        >>> import pandas as pd
        >>> from mlkit import Profiler
        >>> profile = Profiler().profile(pd.DataFrame({"age": [31, 45, 52], "city": list("abc")}))
        >>> profile.validate(pd.DataFrame({"age": ["40"], "city": ["new"]}))["age"].tolist()
        [40.0]
        >>> profile.validate(pd.DataFrame({"age": ["forty"]}))
        Traceback (most recent call last):
        ...
        mlkit.DataError: The frame given to Profile.validate has 2 problem(s):
          - 'city': the column is missing; the model needs it (add it, even if empty)
          - 'age': 1 value(s) cannot be read as float64, e.g. ['forty']
        """
        from mlkit._contract import validate_frame

        return validate_frame(self.to_schema(), df, subject="The frame given to Profile.validate")

    def _render(self, *, standalone: bool) -> str:
        from mlkit._profile_report import render_profile

        return render_profile(self, standalone=standalone)

    def __repr__(self) -> str:
        kinds = sorted({a.kind for a in self.alerts})
        target = f", target={self.target.name!r} ({self.target.task})" if self.target else ""
        return (
            f"<mlkit.Profile {self.n_rows} rows x {self.n_columns} columns{target}, "
            f"{len(self.alerts)} alerts: {', '.join(kinds) or 'none'}>"
        )
