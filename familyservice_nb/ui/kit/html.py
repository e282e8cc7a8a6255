"""Safe HTML for widgets: every piece of text is escaped before it reaches the page.

DESIGN.md: "Text typed by users is shown escaped everywhere (HTML widgets included)". Names, case ids
and note types come from extracts and forms, so they are user text: nothing here puts a value into
markup without `html.escape`. Tables are built on whole columns, not row by row.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import pandas as pd

from familyservice_nb.vocab import UK_DATE

MISSING = "–"  # shown for a blank cell


def esc(value) -> str:
    """Any value as escaped text (quotes too, so it is safe inside attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def unreadable_notice(unreadable: Sequence) -> str:
    """Each record left out because it could not be read (`errors.UnreadableRecord`), in its own sentence."""
    return "".join(f'<p class="fsnb-notice fsnb-unreadable" role="status">{esc(u)}</p>' for u in unreadable)


def uk_dates(column: pd.Series, missing: str = MISSING) -> pd.Series:
    """Dates as 25/11/2026 (a time part is dropped); blanks as `missing`."""
    dates = pd.to_datetime(column)
    return dates.dt.strftime(UK_DATE).fillna(missing).astype(object)


def uk_date(value) -> str:
    return pd.Timestamp(value).strftime(UK_DATE)


def as_text(column: pd.Series, missing: str = MISSING) -> pd.Series:
    """A column as display text: dates the UK way, whole numbers without '.0', blanks as `missing`."""
    if pd.api.types.is_datetime64_any_dtype(column):
        return uk_dates(column, missing)
    text = column.astype(object).where(column.notna(), None)
    return text.map(lambda v: missing if v is None or v == "" else str(v)).astype(object)


def html_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str],
    *,
    caption: str | None = None,
    numeric: Sequence[str] = (),
    css_class: str = "fsnb-table",
    empty_message: str = "Nothing to show.",
) -> str:
    """An escaped HTML table of `frame`'s `columns` ({column: heading}), in the order given.

    Every cell and heading goes through `html.escape`. `numeric` columns are right-aligned.
    """
    if frame.empty:
        return f'<p class="fsnb-empty">{esc(empty_message)}</p>'
    head = "".join(
        ('<th scope="col" class="num">' if name in numeric else '<th scope="col">') + esc(title) + "</th>"
        for name, title in columns.items()
    )
    rows = pd.Series("<tr>", index=frame.index, dtype=object)
    for name in columns:
        cells = as_text(frame[name]).map(esc)
        open_td = '<td class="num">' if name in numeric else "<td>"
        rows = rows + open_td + cells + "</td>"
    body = "".join((rows + "</tr>").tolist())
    cap = f"<caption>{esc(caption)}</caption>" if caption else ""
    return f'<table class="{esc(css_class)}">{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def figure_cards(figures: Sequence[tuple[str, str, str]]) -> str:
    """Headline figures as cards: (value, label, note) each, all escaped."""
    cards = "".join(
        f'<div class="fsnb-card"><div class="fsnb-card-value">{esc(value)}</div>'
        f'<div class="fsnb-card-label">{esc(label)}</div>'
        + (f'<div class="fsnb-card-note">{esc(note)}</div>' if note else "")
        + "</div>"
        for value, label, note in figures
    )
    return f'<div class="fsnb-cards">{cards}</div>'
