"""Building blocks for mlkit's self-contained HTML reports.

Every value that comes from data (column names, categories) is escaped here,
so a hostile column name cannot inject markup into a report.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

_CSS = """
.mlkit-report{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;
max-width:1200px;line-height:1.4;font-size:14px}
.mlkit-report h1{font-size:1.6em;margin:.2em 0}
.mlkit-report h2{font-size:1.25em;margin-top:1.4em;border-bottom:1px solid #d9e2ec;
padding-bottom:.2em}
.mlkit-report h3{font-size:1.05em;margin:.2em 0}
.mlkit-report table{border-collapse:collapse;margin:.4em 0;font-size:.92em}
.mlkit-report th,.mlkit-report td{border:1px solid #d9e2ec;padding:3px 8px;text-align:left;
vertical-align:top}.mlkit-report th{background:#f0f4f8}
.mlkit-report td.num{text-align:right;font-variant-numeric:tabular-nums}
.mlkit-report .cards{display:flex;flex-wrap:wrap;gap:10px}
.mlkit-report .card{border:1px solid #d9e2ec;border-radius:6px;padding:8px 12px;min-width:120px}
.mlkit-report .card b{display:block;font-size:1.3em}
.mlkit-report .columns{display:grid;gap:12px;
grid-template-columns:repeat(auto-fill,minmax(360px,1fr))}
.mlkit-report .column{border:1px solid #d9e2ec;border-radius:6px;padding:8px}
.mlkit-report .tag{display:inline-block;background:#e1effe;border-radius:4px;padding:0 6px;
margin-right:4px;font-size:.85em}.mlkit-report .warn{background:#fff3c4}
.mlkit-report .note{color:#52606d;font-style:italic}
.mlkit-report svg{max-width:100%;height:auto}.mlkit-report .scroll{overflow-x:auto}
"""


def escape(value: Any) -> str:
    """Return ``value`` as text that is safe inside HTML."""
    return html.escape(str(value), quote=True)


def number(value: Any, digits: int = 4) -> str:
    """Format a number for a table cell; missing or non-finite values show as a dash."""
    if value is None:
        return "–"
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        if not math.isfinite(value):
            return "–" if math.isnan(value) else escape(value)
        return f"{float(value):.{digits}g}"
    return escape(value)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Render rows as an HTML table; numbers are right-aligned and formatted."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for row in rows:
        cells = []
        for cell in row:
            if isinstance(cell, Markup):
                cells.append(f"<td>{cell}</td>")
            elif isinstance(cell, int | float | np.number) and not isinstance(cell, bool):
                cells.append(f'<td class="num">{number(cell)}</td>')
            else:
                cells.append(f"<td>{escape('–' if cell is None else cell)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


class Markup(str):
    """Text that is already HTML and must not be escaped again."""

    __slots__ = ()


def cards(items: Iterable[tuple[str, Any]]) -> str:
    """Render headline figures as a row of cards."""
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{escape(value) if isinstance(value, str) else number(value)}'
            f"</b>{escape(label)}</div>"
            for label, value in items
        )
        + "</div>"
    )


def page(title: str, body: str, *, standalone: bool) -> str:
    """Wrap a report body: a whole HTML document, or a fragment for notebooks."""
    fragment = f'<div class="mlkit-report"><style>{_CSS}</style>{body}</div>'
    if not standalone:
        return fragment
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title></head><body>{fragment}</body></html>\n"
    )
