"""Charts for reports, drawn with matplotlib (imported lazily) and embedded as SVG.

Figures are built with ``matplotlib.figure.Figure`` directly, never through
pyplot, so drawing touches no global state and is safe from any thread.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mlkit import _lazy
from mlkit._html import Markup

_COLOR = "#3e7cb1"
_SECONDS_PER_DAY = 86_400.0
_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)
# What a report says in place of its charts when matplotlib is missing.
CHARTS_OMITTED = (
    '<p class="note">Charts omitted: install them with '
    "<code>pip install 'mlkit[plots]'</code>.</p>"
)


def available() -> bool:
    """Whether matplotlib can be imported."""
    try:
        _lazy.matplotlib_figure()
    except ImportError:
        return False
    return True


def _figure(width: float, height: float) -> Any:
    figure_module = _lazy.matplotlib_figure()
    return figure_module.Figure(figsize=(width, height), layout="constrained")


def to_svg(figure: Any) -> Markup:
    """Render a figure as inline SVG markup (no XML prolog, fixed ids)."""
    buffer = io.StringIO()
    with warnings.catch_warnings():
        # Labels come from data; a glyph the font lacks is drawn as a box, not an error.
        warnings.filterwarnings("ignore", message="Glyph .* missing from", category=UserWarning)
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return Markup(_SVG_START.sub("", buffer.getvalue(), count=1))


def histogram(edges: Sequence[float], counts: Sequence[int], *, datetimes: bool = False) -> Markup:
    """A bar chart of histogram counts."""
    figure = _figure(3.6, 1.7)
    axes = figure.add_subplot()
    left = np.asarray(edges[:-1], dtype=float)
    widths = np.diff(np.asarray(edges, dtype=float))
    if datetimes:  # seconds since the epoch -> matplotlib's days since the epoch
        left, widths = left / _SECONDS_PER_DAY, widths / _SECONDS_PER_DAY
    axes.bar(
        left, counts, width=widths, align="edge", color=_COLOR, edgecolor="white", linewidth=0.3
    )
    if datetimes:
        axes.xaxis_date()
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    if datetimes:
        axes.tick_params(axis="x", labelrotation=30)
    return to_svg(figure)


def bars(labels: Sequence[Any], values: Sequence[float], *, xlabel: str = "") -> Markup:
    """A horizontal bar chart, first label on top."""
    figure = _figure(3.6, 0.35 + 0.18 * max(len(labels), 1))
    axes = figure.add_subplot()
    positions = np.arange(len(labels))
    axes.barh(positions, values, color=_COLOR)
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=7)
    axes.invert_yaxis()
    axes.tick_params(axis="x", labelsize=7)
    axes.set_xlabel(xlabel, fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return to_svg(figure)


def error_bars(
    labels: Sequence[Any], means: Sequence[float], stds: Sequence[float], *, xlabel: str = ""
) -> Markup:
    """Horizontal points with error bars (mean ± standard deviation), first label on top."""
    figure = _figure(3.6, 0.35 + 0.22 * max(len(labels), 1))
    axes = figure.add_subplot()
    positions = np.arange(len(labels))
    axes.errorbar(means, positions, xerr=stds, fmt="o", color=_COLOR, markersize=3, capsize=2)
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=7)
    axes.invert_yaxis()
    axes.tick_params(axis="x", labelsize=7)
    axes.set_xlabel(xlabel, fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return to_svg(figure)


def heatmap(matrix: pd.DataFrame, *, title: str, vmin: float = -1.0) -> Markup:
    """A labelled heatmap of a square matrix."""
    size = 1.6 + 0.32 * len(matrix)
    figure = _figure(size + 1.0, size)
    axes = figure.add_subplot()
    image = axes.imshow(matrix.to_numpy(dtype=float), cmap="RdBu_r", vmin=vmin, vmax=1.0)
    labels = [_short(name) for name in matrix.columns]
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_title(title, fontsize=9)
    figure.colorbar(image, ax=axes, shrink=0.8).ax.tick_params(labelsize=7)
    return to_svg(figure)


_REFERENCE_COLOR = "#9aa5b1"
_DRIFT_COLOR = "#d64545"


def overlay_histogram(
    edges: Sequence[float], reference: Sequence[float], current: Sequence[float]
) -> Markup:
    """Reference and current shares over the same bins, drawn as two step outlines."""
    figure = _figure(3.6, 1.7)
    axes = figure.add_subplot()
    bounds = np.asarray(edges, dtype=float)
    for shares, color, label in (
        (reference, _REFERENCE_COLOR, "reference"),
        (current, _COLOR, "current"),
    ):
        axes.stairs(np.asarray(shares, dtype=float), bounds, color=color, label=label, lw=1.4)
    _finish(axes, ylabel="share")
    return to_svg(figure)


def paired_bars(
    labels: Sequence[Any], reference: Sequence[float], current: Sequence[float]
) -> Markup:
    """Reference and current shares per category, side by side, first label on top."""
    figure = _figure(3.6, 0.45 + 0.26 * max(len(labels), 1))
    axes = figure.add_subplot()
    positions = np.arange(len(labels))
    axes.barh(positions - 0.2, reference, height=0.4, color=_REFERENCE_COLOR, label="reference")
    axes.barh(positions + 0.2, current, height=0.4, color=_COLOR, label="current")
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=7)
    axes.invert_yaxis()
    _finish(axes, xlabel="share")
    return to_svg(figure)


def drift_scores(
    labels: Sequence[Any], ratios: Sequence[float], flagged: Sequence[bool]
) -> Markup:
    """Each feature's distance as a multiple of its threshold; drifted ones in red."""
    figure = _figure(3.6, 0.45 + 0.18 * max(len(labels), 1))
    axes = figure.add_subplot()
    positions = np.arange(len(labels))
    values = np.nan_to_num(np.asarray(ratios, dtype=float))
    colors = [_DRIFT_COLOR if f else _COLOR for f in flagged]
    axes.barh(positions, values, color=colors)
    axes.axvline(1.0, color="#52606d", lw=0.8, ls="--")
    axes.set_yticks(positions, [_short(label) for label in labels], fontsize=7)
    axes.invert_yaxis()
    axes.tick_params(axis="x", labelsize=7)
    axes.set_xlabel("distance / threshold", fontsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    return to_svg(figure)


def timeline(labels: Sequence[Any], shares: Sequence[float]) -> Markup:
    """The share of drifted features per window."""
    figure = _figure(5.0, 1.9)
    axes = figure.add_subplot()
    positions = np.arange(len(labels))
    axes.plot(positions, shares, marker="o", color=_COLOR, markersize=3)
    step = max(1, len(labels) // 12)
    axes.set_xticks(positions[::step], [_short(label) for label in labels][::step], fontsize=7)
    axes.tick_params(axis="x", labelrotation=30)
    axes.set_ylim(-0.02, 1.02)
    _finish(axes, ylabel="drift share", legend=False)
    return to_svg(figure)


def _finish(axes: Any, *, xlabel: str = "", ylabel: str = "", legend: bool = True) -> None:
    axes.tick_params(labelsize=7)
    axes.set_xlabel(xlabel, fontsize=7)
    axes.set_ylabel(ylabel, fontsize=7)
    if legend:
        axes.legend(fontsize=6, frameon=False, loc="upper right")  # "best" is slow, and warns
    axes.spines[["top", "right"]].set_visible(False)


def _short(label: Any, limit: int = 24) -> str:
    """Shorten a label and keep matplotlib from reading ``$`` as math."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(label))
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return text.replace("$", r"\$")
