"""What a drift check found: per-feature drift, prediction drift, performance, advice."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs
import pandas as pd

from mlkit import _plots
from mlkit._html import cards, escape, number, page, table
from mlkit._results import HtmlReport, json_safe

SEVERITIES = ("none", "low", "medium", "high")
_MAX_CHARTS = 30  # distribution charts in one report, at most


@attrs.frozen(kw_only=True)
class FeatureDrift:
    """How one column (or one model output) moved away from its reference.

    Attributes
    ----------
    name : str
        The column, or ``"prediction"`` / ``"probability[<label>]"`` for outputs.
    kind : {"number", "category"}
        How it was compared.
    rows : int
        Current non-missing values compared.
    distance : float
        The effect size that decides: Wasserstein-1 distance in reference
        standard deviations for numbers, Jensen-Shannon distance (base 2) for
        categories. NaN when nothing could be compared.
    threshold : float
        The distance from which a change counts as drift.
    ks : float
        Kolmogorov-Smirnov statistic at the reference's quantiles (numbers).
    statistic, p_value : float
        Chi-square test of homogeneity over reference deciles (numbers) or
        categories: the evidence that the change is not sampling noise.
    q_value : float
        ``p_value`` adjusted for the number of tests (Benjamini-Hochberg).
    psi : float
        Population stability index over the same bins.
    missing_share_reference, missing_share : float
        Share of missing values in the reference and now.
    out_of_range_share : float
        Share of current values outside the reference's [min, max] (numbers).
    new_category_share : float
        Share of current values never seen in the reference (categories whose
        reference kept every category; NaN otherwise).
    drifted : bool
        Whether the distribution drifted: ``distance >= threshold`` and
        ``q_value < alpha``.
    missing_drifted : bool
        Whether the missing share changed by at least the monitor's
        ``missing_threshold``, significantly.
    distribution : dict
        Data for the overlay chart: bin edges or category labels, and the
        reference and current shares.
    """

    name: str
    kind: str
    rows: int
    distance: float
    threshold: float
    ks: float
    statistic: float
    p_value: float
    q_value: float
    psi: float
    missing_share_reference: float
    missing_share: float
    out_of_range_share: float
    new_category_share: float
    drifted: bool
    missing_drifted: bool
    distribution: dict[str, Any] = attrs.field(factory=dict, repr=False)

    @property
    def flagged(self) -> bool:
        """Whether the distribution or the missing share drifted."""
        return self.drifted or self.missing_drifted


@attrs.frozen(kw_only=True)
class MetricChange:
    """A model metric on labelled current rows, against its baseline.

    Attributes
    ----------
    metric : str
        The scikit-learn scorer name (greater is better).
    rows : int
        Labelled rows it was measured on (rows whose label is missing are
        left out; under 30, no interval and no verdict are given).
    baseline : float
        The value recorded at training time (NaN when none was).
    current : float
        The value on the current rows.
    low, high : float
        The bootstrap confidence interval of ``current``.
    degraded : bool
        Whether even ``high`` lies below the baseline by more than the
        tolerance: a measured drop, not noise.
    """

    metric: str
    rows: int
    baseline: float
    current: float
    low: float
    high: float
    degraded: bool

    @property
    def change(self) -> float:
        """``current - baseline``."""
        return self.current - self.baseline


@attrs.frozen(kw_only=True)
class Retrain:
    """Whether to retrain, how urgently, and why.

    Attributes
    ----------
    recommended : bool
        True for severity ``"medium"`` or ``"high"``.
    severity : {"none", "low", "medium", "high"}
        ``"high"``: a metric dropped measurably. ``"medium"``: the predictions
        drifted, or a large share of the features did. ``"low"``: some
        features drifted while the predictions held; watch, no retraining.
    reasons : tuple of str
        One sentence per finding, most severe first.
    """

    recommended: bool
    severity: str
    reasons: tuple[str, ...]


@attrs.frozen(kw_only=True, eq=False)
class DriftReport(HtmlReport):
    """One drift check of current rows against the reference.

    Attributes
    ----------
    features : tuple of FeatureDrift
        One entry per monitored input column.
    predictions : tuple of FeatureDrift
        The model's outputs: predicted labels or values, and each class's
        probability; empty when no predictions were given.
    performance : tuple of MetricChange
        Metrics against the baseline; empty without labels.
    drift_share : float
        Share of monitored features flagged.
    dataset_drift : bool
        Whether ``drift_share`` reached the monitor's ``drift_share`` setting.
    retrain : Retrain
        The recommendation code can branch on.
    rows, reference_rows : int
        Rows checked now, and rows the reference summarised.
    settings : dict
        The thresholds used, for the record.
    label : str or None
        The window's label when the report is part of a timeline.
    """

    features: tuple[FeatureDrift, ...]
    predictions: tuple[FeatureDrift, ...]
    performance: tuple[MetricChange, ...]
    drift_share: float
    dataset_drift: bool
    retrain: Retrain
    rows: int
    reference_rows: int
    settings: dict[str, Any]
    label: str | None = None

    @property
    def drifted_features(self) -> tuple[str, ...]:
        """Names of the features flagged (distribution or missing share)."""
        return tuple(f.name for f in self.features if f.flagged)

    @property
    def prediction_drift(self) -> bool:
        """Whether any model output drifted."""
        return any(p.drifted for p in self.predictions)

    def to_frame(self) -> pd.DataFrame:
        """The per-feature table, indexed by feature, most drifted first."""
        return _frame(self.features)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-safe Python values."""
        safe: dict[str, Any] = json_safe(attrs.asdict(self, recurse=True))
        safe["drifted_features"] = list(self.drifted_features)
        safe["prediction_drift"] = self.prediction_drift
        return safe

    def _render(self, *, standalone: bool) -> str:
        title = "Drift report" + (f": {self.label}" if self.label else "")
        return page(title, _report_body(self), standalone=standalone)


@attrs.frozen(kw_only=True, eq=False)
class DriftTimeline(HtmlReport):
    """Drift checks of consecutive windows: how drift developed over time.

    Attributes
    ----------
    reports : tuple of DriftReport
        One report per window, in order, each labelled.
    """

    reports: tuple[DriftReport, ...]

    def to_frame(self) -> pd.DataFrame:
        """One row per window: rows, drift share, drifted features, advice, metrics."""
        rows = []
        for report in self.reports:
            row: dict[str, Any] = {
                "window": report.label,
                "rows": report.rows,
                "drift_share": report.drift_share,
                "drifted_features": ", ".join(report.drifted_features),
                "prediction_drift": report.prediction_drift,
                "retrain": report.retrain.recommended,
                "severity": report.retrain.severity,
            }
            row.update({m.metric: m.current for m in report.performance})
            rows.append(row)
        columns = ["window", "rows", "drift_share", "drifted_features", "prediction_drift"]
        return pd.DataFrame(rows, columns=None if rows else columns).set_index("window")

    def to_dict(self) -> dict[str, Any]:
        """The timeline as JSON-safe Python values."""
        return {"reports": [report.to_dict() for report in self.reports]}

    def _render(self, *, standalone: bool) -> str:
        frame = self.to_frame()
        body = [f"<p>{len(self.reports)} windows.</p>"]
        if _plots.available() and len(frame):
            body.append(_plots.timeline(list(frame.index), list(frame["drift_share"])))
        elif len(frame):
            body.append(_plots.CHARTS_OMITTED)
        body.append(
            table(
                ["window", *frame.columns],
                [
                    [label, *row]
                    for label, row in zip(frame.index, frame.to_numpy().tolist(), strict=True)
                ],
            )
        )
        for report in self.reports:
            body.append(f"<h2>{escape(report.label)}</h2>{_summary(report)}")
        return page("Drift over time", "".join(body), standalone=standalone)


def _frame(features: Sequence[FeatureDrift]) -> pd.DataFrame:
    records = [{k: v for k, v in attrs.asdict(f).items() if k != "distribution"} for f in features]
    frame = pd.DataFrame(records, columns=[a.name for a in attrs.fields(FeatureDrift)][:-1])
    frame["flagged"] = frame["drifted"] | frame["missing_drifted"]
    ratio = frame["distance"] / frame["threshold"]
    order = sorted(range(len(frame)), key=lambda i: (not frame["flagged"][i], -_finite(ratio[i])))
    return frame.iloc[order].set_index("name")


def _finite(value: float) -> float:
    return value if math.isfinite(value) else -math.inf


def _summary(report: DriftReport) -> str:
    advice = report.retrain
    items = [
        ("retrain", "yes" if advice.recommended else "no"),
        ("severity", advice.severity),
        ("features drifted", f"{len(report.drifted_features)} of {len(report.features)}"),
        ("drift share", f"{report.drift_share:.0%}"),
        ("prediction drift", "yes" if report.prediction_drift else "no"),
        ("rows", f"{report.rows:,}"),
    ]
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in advice.reasons)
    return cards(items) + (f"<ul>{reasons}</ul>" if reasons else "")


def _report_body(report: DriftReport) -> str:
    parts = [_summary(report)]
    if report.performance:
        parts.append("<h2>Performance</h2>")
        parts.append(
            table(
                ["metric", "baseline", "current", "95 % interval", "degraded"],
                [
                    [
                        m.metric,
                        number(m.baseline),
                        number(m.current),
                        f"{number(m.low)} to {number(m.high)}",
                        "yes" if m.degraded else "no",
                    ]
                    for m in report.performance
                ],
            )
        )
    parts.append("<h2>Features</h2>")
    frame = report.to_frame()
    if _plots.available() and len(frame):
        parts.append(
            _plots.drift_scores(
                list(frame.index),
                list(frame["distance"] / frame["threshold"]),
                list(frame["flagged"]),
            )
        )
    parts.append(_table(frame))
    if report.predictions:
        parts.append("<h2>Predictions</h2>")
        parts.append(_table(_frame(report.predictions)))
    parts.append("<h2>Distributions</h2>")
    parts.append(_overlays([*report.predictions, *report.features]))
    settings = ", ".join(f"{k} = {v}" for k, v in report.settings.items())
    parts.append(f'<p class="note">Settings: {escape(settings)}.</p>')
    return "".join(parts)


def _table(frame: pd.DataFrame) -> str:
    columns = ["kind", "distance", "threshold", "q_value", "psi", "missing_share", "flagged"]
    return (
        '<div class="scroll">'
        + table(
            ["feature", *columns],
            [
                [name, *[_cell(frame.loc[name, c]) for c in columns]]
                for name in frame.index  # names are unique
            ],
        )
        + "</div>"
    )


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return number(value) if isinstance(value, float) else value


def _overlays(items: Sequence[FeatureDrift]) -> str:
    if not _plots.available():
        return _plots.CHARTS_OMITTED
    drawn = sorted(
        (item for item in items if item.distribution),
        key=lambda item: (not item.flagged, -_finite(item.distance / (item.threshold or 1.0))),
    )
    note = ""
    if len(drawn) > _MAX_CHARTS:  # one SVG each: a wide frame would make a huge page
        note = (
            f'<p class="note">Charts for the {_MAX_CHARTS} most drifted of {len(drawn)} '
            "columns; every column is in the tables above.</p>"
        )
        drawn = drawn[:_MAX_CHARTS]
    blocks = []
    for item in drawn:
        data = item.distribution
        if not data:
            continue
        tag = ' <span class="tag warn">drifted</span>' if item.flagged else ""
        chart = (
            _plots.overlay_histogram(data["edges"], data["reference"], data["current"])
            if "edges" in data
            else _plots.paired_bars(data["labels"], data["reference"], data["current"])
        )
        blocks.append(f'<div class="column"><h3>{escape(item.name)}{tag}</h3>{chart}</div>')
    return note + f'<div class="columns">{"".join(blocks)}</div>'
