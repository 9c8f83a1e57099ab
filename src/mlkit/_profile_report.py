"""The HTML report of a :class:`~mlkit.Profile`."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from mlkit import _plots
from mlkit._html import Markup, cards, escape, number, page, table

if TYPE_CHECKING:
    from mlkit._profile import ColumnProfile, Profile

logger = logging.getLogger(__name__)


def render_profile(profile: Profile, *, standalone: bool) -> str:
    """Render the whole profile report as HTML.

    Parameters
    ----------
    profile : Profile
        What to render.
    standalone : bool
        A whole document (for a file) or a fragment (for a notebook).

    Returns
    -------
    str
        The HTML.
    """
    with_charts = _plots.available()
    if not with_charts:
        logger.warning("matplotlib is not installed: the report has tables only")
    sections = [
        "<h1>Data profile</h1>",
        _overview(profile),
        _alerts(profile),
        _target(profile, with_charts),
        _columns_table(profile),
        _column_cards(profile, with_charts),
        _missing(profile, with_charts),
        _correlations(profile, with_charts),
    ]
    if not with_charts:
        sections.insert(1, _plots.CHARTS_OMITTED)
    return page("mlkit data profile", "".join(sections), standalone=standalone)


def _overview(profile: Profile) -> str:
    sampled = (
        f'<p class="note">Correlations, associations and leakage checks used a random sample '
        f"of {profile.sample_size:,} of {profile.n_rows:,} rows.</p>"
        if profile.sample_size
        else ""
    )
    return (
        "<h2>Overview</h2>"
        + cards(
            [
                ("rows", profile.n_rows),
                ("columns", profile.n_columns),
                ("duplicate rows", profile.n_duplicate_rows),
                ("rows with missing values", profile.n_rows_with_missing),
                ("memory", _bytes(profile.memory_bytes)),
                ("alerts", len(profile.alerts)),
            ]
        )
        + sampled
    )


def _bytes(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.1f} {unit}" if unit != "B" else f"{size} B"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _alerts(profile: Profile) -> str:
    if not profile.alerts:
        return "<h2>Alerts</h2><p>No alerts.</p>"
    rows = [
        (
            Markup(f'<span class="tag warn">{escape(a.kind)}</span>'),
            ", ".join(a.columns),
            a.message,
        )
        for a in profile.alerts
    ]
    return "<h2>Alerts</h2>" + table(["alert", "columns", "finding"], rows)


def _target(profile: Profile, with_charts: bool) -> str:
    if profile.target is None:
        if not profile.target_suggestions:
            return ""
        rows = [(s.column, s.task, "; ".join(s.reasons)) for s in profile.target_suggestions]
        return "<h2>Likely targets</h2>" + table(["column", "task", "why"], rows)
    target = profile.target
    parts = [f"<h2>Target: {escape(target.name)}</h2><p>Task: <b>{escape(target.task)}</b></p>"]
    if target.class_counts:
        total = sum(count for _, count in target.class_counts)
        parts.append(
            table(
                ["class", "count", "share"],
                [(label, count, f"{count / total:.1%}") for label, count in target.class_counts],
            )
        )
        if with_charts:
            labels, counts = zip(*target.class_counts, strict=True)
            parts.append(_plots.bars(labels, counts, xlabel="rows"))
    measure = (
        "held-out R² (0 = no better than the mean)"
        if target.task == "regression"
        else f"held-out balanced accuracy ({1 / max(len(target.class_counts), 1):.2g} = chance)"
    )
    association_rows = [
        (name, value, method, target.predictive_power.get(name))
        for name, (value, method) in sorted(
            target.association.items(), key=lambda kv: -_key(kv[1][0])
        )
    ]
    parts.append("<h3>Association of each feature with the target</h3>")
    parts.append(
        table(["feature", "association", "measure", f"alone: {measure}"], association_rows)
    )
    return "".join(parts)


def _key(value: float) -> float:
    return -1.0 if math.isnan(value) else value


def _columns_table(profile: Profile) -> str:
    frame = profile.to_frame()
    rows = [
        (
            name,
            row["dtype"],
            row["semantic_type"],
            row["n_missing"],
            f"{row['missing_share']:.1%}",
            row["n_unique"],
            row["min"],
            row["max"],
            row["mean"],
            row["median"],
            row["std"],
            row["alerts"],
        )
        for name, row in frame.iterrows()
    ]
    header = [
        "column",
        "dtype",
        "type",
        "missing",
        "missing %",
        "distinct",
        "min",
        "max",
        "mean",
        "median",
        "std",
        "alerts",
    ]
    return "<h2>Columns</h2>" + table(header, rows)


def _column_cards(profile: Profile, with_charts: bool) -> str:
    cards_html = [_column_card(profile, column, with_charts) for column in profile.columns]
    return '<h2>Distributions</h2><div class="columns">' + "".join(cards_html) + "</div>"


def _column_card(profile: Profile, column: ColumnProfile, with_charts: bool) -> str:
    tags = "".join(
        f'<span class="tag warn">{escape(alert.kind)}</span>'
        for alert in profile.alerts_for(column.name)
    )
    head = (
        f'<div class="column"><h3>{escape(column.name)}</h3>'
        f'<span class="tag">{escape(column.semantic_type)}</span>'
        f'<span class="tag">{escape(column.dtype)}</span>{tags}'
    )
    return head + _column_detail(column, with_charts) + "</div>"


def _column_detail(column: ColumnProfile, with_charts: bool) -> str:
    parts = []
    stats = column.numeric
    if stats is not None:
        quantiles = ", ".join(f"q{q:g}={number(v)}" for q, v in stats.quantiles.items())
        location = [("min", stats.min), ("median", stats.median), ("max", stats.max),
                    ("mean", stats.mean)]  # fmt: skip
        spread = [("std", stats.std), ("skew", stats.skewness), ("zeros", stats.n_zeros),
                  ("inf", stats.n_infinite)]  # fmt: skip
        for pairs in (location, spread):
            parts.append(table([name for name, _ in pairs], [[value for _, value in pairs]]))
        parts.append(f"<p>{escape(quantiles)}</p>")
    if column.datetime_range:
        parts.append(
            f"<p>From {escape(column.datetime_range[0])} to {escape(column.datetime_range[1])}</p>"
        )
    draw: Callable[[], Markup] | None = None
    if column.histogram is not None and column.semantic_type in ("numeric", "datetime"):
        hist = column.histogram
        draw = lambda: _plots.histogram(hist.edges, hist.counts, datetimes=column.numeric is None)  # noqa: E731
    elif column.top_values:
        labels = [value for value, _ in column.top_values]
        counts = [count for _, count in column.top_values]
        if not with_charts or column.semantic_type in ("id", "text"):
            parts.append(table(["value", "count"], column.top_values))
        else:
            draw = lambda: _plots.bars(labels, counts, xlabel="rows")  # noqa: E731
    if with_charts and draw is not None:
        parts.append(draw())
    parts.append(
        f"<p>{column.n_missing:,} missing ({column.missing_share:.1%}), "
        f"{column.n_unique:,} distinct</p>"
    )
    return "".join(parts)


def _missing(profile: Profile, with_charts: bool) -> str:
    missing = [(c.name, c.missing_share) for c in profile.columns if c.n_missing]
    if not missing:
        return "<h2>Missing values</h2><p>No missing values.</p>"
    body = (
        f"<p>{profile.n_rows_with_missing:,} of {profile.n_rows:,} rows have at least one "
        "missing value.</p>"
    )
    if with_charts:
        body += _plots.bars(
            [n for n, _ in missing], [s for _, s in missing], xlabel="share missing"
        )
    else:
        body += table(["column", "missing share"], [(n, f"{s:.1%}") for n, s in missing])
    return "<h2>Missing values</h2>" + body


def _correlations(profile: Profile, with_charts: bool) -> str:
    if not profile.correlations:
        return ""
    titles = {"pearson": "Pearson", "spearman": "Spearman", "cramers_v": "Cramér's V"}
    parts = ["<h2>Correlations</h2>"]
    for method, matrix in profile.correlations.items():
        if with_charts:
            vmin = 0.0 if method == "cramers_v" else -1.0
            parts.append(_plots.heatmap(matrix, title=titles.get(method, method), vmin=vmin))
        else:
            rows = [
                (name, *row) for name, row in zip(matrix.index, matrix.to_numpy(), strict=True)
            ]
            parts.append(f"<h3>{escape(titles.get(method, method))}</h3>")
            parts.append(table(["", *matrix.columns], rows))
    return "".join(parts)
