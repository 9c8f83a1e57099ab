"""The HTML report of a model search: every stage, from leaderboard to final selection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mlkit import _plots
from mlkit._html import cards, escape, page, table

if TYPE_CHECKING:
    from mlkit._search import SearchResult

_CONFUSIONS_SHOWN = 3


def render_search(result: SearchResult, *, standalone: bool) -> str:
    """The report as a whole document (for a file) or a fragment (for a notebook)."""
    with_charts = _plots.available()
    sections = [
        _overview(result),
        _leaderboard(result, with_charts),
        _errors(result, with_charts),
        _shortlist(result),
        _tuning(result),
        _ensembles(result),
        _selection(result),
    ]
    if not with_charts:
        sections.insert(1, _plots.CHARTS_OMITTED)
    return page("mlkit model search", "".join(sections), standalone=standalone)


def _overview(result: SearchResult) -> str:
    figures: list[tuple[str, Any]] = [
        ("task", result.task),
        ("chosen model", result.chosen),
        (f"cross-validated {result.primary}", result.chosen_score),
        ("seconds", round(result.timings.get("total", 0.0), 1)),
    ]
    return f"<h1>Model search</h1>{cards(figures)}"


def _frame_table(frame: pd.DataFrame) -> str:
    flat = frame.reset_index()
    return table([str(c) for c in flat.columns], flat.itertuples(index=False))


def _leaderboard(result: SearchResult, with_charts: bool) -> str:
    board = result.leaderboard
    parts = [
        "<h2>Screening leaderboard</h2>",
        '<div class="scroll">',
        _frame_table(board),
        "</div>",
    ]
    mean, std = f"{result.primary}_mean", f"{result.primary}_std"
    if with_charts and not board.empty:
        parts.append(
            _plots.error_bars(
                list(board.index),
                board[mean].tolist(),
                board[std].fillna(0).tolist(),
                xlabel=f"{result.primary} (mean ± std over folds)",
            )
        )
    if result.screening.skipped:
        rows = list(result.screening.skipped.items())
        parts.append("<h3>Not screened</h3>" + table(["model", "reason"], rows))
    return "".join(parts)


def _errors(result: SearchResult, with_charts: bool) -> str:
    errors = result.errors
    parts = ["<h2>Error analysis (out-of-fold)</h2>"]
    if with_charts and len(errors.error_correlation) > 1:
        parts.append(_plots.heatmap(errors.error_correlation, title="correlation of errors"))
    else:
        parts.append(_frame_table(errors.error_correlation.round(3)))
    for name in list(errors.confusion)[:_CONFUSIONS_SHOWN]:
        parts.append(f"<h3>Confusion matrix: {escape(name)}</h3>")
        parts.append(_frame_table(errors.confusion[name]))
    for name in list(errors.residuals)[:_CONFUSIONS_SHOWN]:
        parts.append(f"<h3>Residuals by target range: {escape(name)}</h3>")
        parts.append(_frame_table(errors.residuals[name]))
    return "".join(parts)


def _shortlist(result: SearchResult) -> str:
    rows = [(c.model, "yes" if c.admitted else "no", c.reason) for c in result.shortlist]
    return "<h2>Shortlist</h2>" + table(["model", "admitted", "reason"], rows)


def _tuning(result: SearchResult) -> str:
    rows = [
        (name, t.best_score, len(t.trials), t.n_planned, _params(t.best_params))
        for name, t in result.tuning.items()
    ]
    header = ["model", f"best {result.primary}", "trials run", "trials planned", "best params"]
    return "<h2>Tuning</h2>" + table(header, rows)


def _ensembles(result: SearchResult) -> str:
    if result.ensembles is None:
        return '<h2>Ensembles</h2><p class="note">Not tried.</p>'
    return "<h2>Ensembles against the best single model</h2>" + _frame_table(
        result.ensembles.table
    )


def _selection(result: SearchResult) -> str:
    rule = {
        "one_se": "the simplest model within one standard error of the best mean",
        "best": "the best mean score",
    }[result.selection.rule]
    return f'<h2>Final selection</h2><p class="note">Rule: {escape(rule)}.</p>' + _frame_table(
        result.selection.table
    )


def _params(params: dict[str, Any]) -> str:
    if not params:
        return "standard settings"
    shown = []
    for key, value in params.items():
        number = isinstance(value, float | np.floating)
        shown.append(f"{key}={value:.4g}" if number else f"{key}={value}")
    return ", ".join(shown)
