"""HTML building blocks of the model report: styles, cell formats, tables, sections, a page."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import pandas as pd

STYLE = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0 auto;
       max-width: 1020px; padding: 24px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 32px 0 6px; border-bottom: 1px solid #ddd;
       padding-bottom: 3px; }
.meta { color: #555; } .meta td { padding: 1px 14px 1px 0; }
.how { background: #f5f7fa; border-left: 3px solid #8da0cb; padding: 6px 10px; color: #333; font-size: 13px; }
.warn { background: #fff4e5; border-left: 3px solid #e08214; padding: 6px 10px; }
table.data { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
table.data th, table.data td { padding: 3px 9px; border-bottom: 1px solid #e5e5e5; }
table.data th { background: #fafafa; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; display: block; margin: 8px 0; } nav a { margin-right: 12px; }
"""

Format = Callable[[object], str]


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def number(digits: int = 3) -> Format:
    """A float with fixed digits; missing values as a dash."""
    return lambda v: "—" if _missing(v) else f"{v:.{digits}f}"


def percent(digits: int = 1) -> Format:
    """A share as a percentage."""
    return lambda v: "—" if _missing(v) else f"{v:.{digits}%}"


def count(v) -> str:
    """An integer with thousands separators."""
    return "—" if _missing(v) else f"{int(v):,}"


def text(v) -> str:
    """Plain text."""
    return "" if _missing(v) else str(v)


def interval(rate: str, low: str, high: str) -> Callable[[pd.Series], str]:
    """A rate with its interval, read from three columns of a row."""
    return lambda row: "—" if _missing(row[rate]) else f"{row[rate]:.1%} [{row[low]:.1%}, {row[high]:.1%}]"


def ranged(value: str, digits: int = 2) -> Callable[[pd.Series], str]:
    """A figure with its 95% interval, read from `value`, `value_low` and `value_high` of a row: '0.580 [0.40,
    0.76]' (two decimals: its noise is in the second; a paired difference's, narrower, in the third); the
    figure alone where the row has no interval."""

    def shown(row: pd.Series) -> str:
        figure, low, high = row[value], row.get(f"{value}_low"), row.get(f"{value}_high")
        if _missing(figure):
            return "—"
        return f"{figure:.3f}" if _missing(low) else f"{figure:.3f} [{low:.{digits}f}, {high:.{digits}f}]"

    return shown


def table(frame: pd.DataFrame, columns: list[tuple[str, str, Callable]]) -> str:
    """An HTML table: (header, column or '*' for the whole row, formatter) per column."""
    head = "".join(f"<th>{escape(header)}</th>" for header, _, _ in columns)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for _, column, form in columns:
            value = form(row) if column == "*" else form(row[column])
            numeric = form is not text
            cells.append(f"<td{' class=n' if numeric else ''}>{escape(value)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table class=data><tr>{head}</tr>{''.join(body)}</table>"


def section(anchor: str, title: str, how: str, *parts: str) -> str:
    """A titled section: its 'how to read this' note first, then the content (already HTML)."""
    note = f'<p class="how"><b>How to read this.</b> {escape(how)}</p>'
    return f'<section id="{anchor}"><h2>{escape(title)}</h2>{note}{"".join(parts)}</section>'


def image(uri: str, alt: str) -> str:
    """An inlined PNG."""
    return f'<img src="{escape(uri)}" alt="{escape(alt)}">'


def paragraph(words: str, css: str = "") -> str:
    """Escaped text in a paragraph."""
    return f"<p{f' class={css}' if css else ''}>{escape(words)}</p>"


def page(title: str, header: str, sections: list[tuple[str, str, str]]) -> str:
    """The whole document; `sections` are (anchor, title, html)."""
    links = "".join(f'<a href="#{anchor}">{escape(name)}</a>' for anchor, name, _ in sections)
    return (
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"{header}<nav>{links}</nav>{''.join(html for _, _, html in sections)}</body></html>"
    )
