"""The landing page's "my work first": what is waiting for whoever is signed in.

- my drafts, each opening in its form, each with "Discard" (asked twice; `Store.discard_draft`);
- case supervisions due in the coming week or overdue, for the cases this person may see (their own, or
  their teams'): `oversight.cases_without_supervision`, never a rule of its own;
- agreed actions past their date (`oversight.overdue_actions`), by their words and the date agreed;
- records I completed in the last fortnight;
- a case search by case id or family name, with links to the case's forms.
Everything comes through `Store`, so who-sees-what applies.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as widgets

from familyservice_nb.dates import today_in_london
from familyservice_nb.errors import WorkbookError
from familyservice_nb.oversight import cases_without_supervision, overdue_actions
from familyservice_nb.records.base import uk
from familyservice_nb.records.kinds import CASE_NOTE, SESSION, SUPERVISION, kind_named
from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.ui.kit.catalogue import (
    CASE_STORY_NOTEBOOK,
    MANAGEMENT_OVERSIGHT_NOTEBOOK,
    case_link,
    record_link,
)
from familyservice_nb.ui.kit.html import esc, unreadable_notice
from familyservice_nb.ui.kit.values import london_now, london_time

LOOK_AHEAD_DAYS = 7  # supervisions falling due within a week are shown with the overdue ones
RECENT_DAYS = 14
MOST = 20  # lines per list; the oversight page has them all
CASE_PAGES = (*((k.page, k.title) for k in (SUPERVISION, SESSION, CASE_NOTE)), (CASE_STORY_NOTEBOOK, "Oversight story"))


def _case(case_id, family) -> str:
    """A case's line opens its supervision (and ends with its story: `_story`)."""
    return f'<a href="{esc(case_link(case_id, SUPERVISION.page))}">{esc(case_id)} – {esc(family)}</a>'


def _story(case_id) -> str:
    return f' · <a href="{esc(case_link(case_id))}">oversight story of {esc(case_id)}</a>'



def _list(items: list[str], empty: str, total: int | None = None, rest: str = "") -> str:
    """The list; when it holds the first `MOST` of `total`, it says so, and where the rest are (`rest`)."""
    if not items:
        return f'<p class="fsnb-empty">{esc(empty)}</p>'
    more = (f'<p class="fsnb-muted fsnb-more">The first {len(items)} of {total:,} are shown{rest}.</p>'
            if total is not None and total > len(items) else "")
    return '<ul class="fsnb-work-list">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>" + more


OVERSIGHT_REST = (f': <a href="{esc(MANAGEMENT_OVERSIGHT_NOTEBOOK)}">Management oversight</a> lists them all, with '
                  "filters")


class MyWork(widgets.VBox):
    """The signed-in person's drafts, what is due, and a case search."""

    def __init__(self, store, *, as_of: dt.date | None = None):
        self.store = store
        self.as_of = as_of or today_in_london()
        self.names = store.names()
        self.taken = widgets.HTML("")
        self.taken.add_class("fsnb-as-of")
        self.unreadable = widgets.HTML("")
        self.drafts_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.drafts_box.add_class("fsnb-my-drafts")
        self.message = widgets.HTML("")
        self.due = widgets.HTML("")
        self.due.add_class("fsnb-my-due")
        self.actions = widgets.HTML("")
        self.actions.add_class("fsnb-my-actions")
        self.recent = widgets.HTML("")
        self.recent.add_class("fsnb-my-recent")
        self.search = widgets.Text(description="Find a case by case ID or family name", continuous_update=True,
                                   style={"description_width": "initial"}, layout=widgets.Layout(width="100%"))
        self.search.add_class("fsnb-stacked")
        self.search.add_class("fsnb-case-search")
        self.found = widgets.HTML("")
        self.found.add_class("fsnb-case-found")
        self.search.observe(lambda _c: self.find(), "value")
        super().__init__([
            self.taken, self.unreadable, widgets.HTML("<h2>My drafts</h2>"), self.message, self.drafts_box,
            widgets.HTML("<h2>Case supervisions due</h2>"), self.due,
            widgets.HTML("<h2>Agreed actions past their date</h2>"), self.actions,
            widgets.HTML(f"<h2>Records I completed in the last {RECENT_DAYS} days</h2>"), self.recent,
            widgets.HTML("<h2>Find a case</h2>"), self.search, self.found,
        ], layout=widgets.Layout(width="100%"))
        self.add_class("fsnb-my-work")
        self._cases = store.cases()
        self.show()

    def name(self, login) -> str:
        return self.names.get(login, login or "nobody")

    # -- drawing ----------------------------------------------------------------------------------

    def show(self) -> None:
        self.taken.value = (f'<p class="fsnb-muted" role="status">Your work as of '
                            f"{esc(london_time(london_now()))}; reload the page for the latest.</p>")
        infos = self.store.records()
        me = self.store.viewer().actor
        self.show_drafts([i for i in infos if i.state == RecordState.DRAFT and me in (i.author, i.created_by)])
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=RECENT_DAYS)
        done = sorted((i for i in infos if i.state == RecordState.COMPLETE and i.author == me and _utc(i.updated_at) >= since),
                      key=lambda i: i.updated_at, reverse=True)[:MOST]
        self.recent.value = _list(
            [f'<a href="{esc(record_link(i.kind, i.record_id))}">{esc(_kind_words(i.kind))}, '
             f"{esc(uk(i.event_date))}{_case_words(i.case_id)}</a> – completed {esc(london_time(i.updated_at))}"
             for i in done], "Nothing completed in the last fortnight.")
        data = self.store.oversight_data()
        named = {u.record_id for u in data.unreadable}
        self.unreadable.value = unreadable_notice([*data.unreadable,
                                                   *(u for u in infos.unreadable if u.record_id not in named)])
        ahead = self.as_of + dt.timedelta(days=LOOK_AHEAD_DAYS)
        due = cases_without_supervision(data, as_of=ahead, interval_days=self.store.settings().supervision_interval_days)
        self.due.value = _list([
            f"{_case(r.case_id, r.family)} ({esc(r.worker)}): " + esc(_due_words(r.due_by, self.as_of))
            + _story(r.case_id)
            for r in due.head(MOST).itertuples()
        ], "No case supervision is due in the coming week.", len(due), OVERSIGHT_REST)
        late = overdue_actions(data, as_of=self.as_of)
        self.actions.value = _list([
            f"{_case(r.case_id, r.family)}: “{esc(r.what)}”, by {esc(self.names.get(r.by_whom, r.by_whom))}, agreed on {esc(uk(r.agreed_on))}; "
            f"overdue since {esc(uk(r.by_when))} (last review: {esc(r.last_review)})" + _story(r.case_id)
            for r in late.head(MOST).itertuples()
        ], "No agreed action is past its date.", len(late), OVERSIGHT_REST)

    def show_drafts(self, drafts) -> None:
        rows = []
        for info in sorted(drafts, key=lambda i: i.updated_at, reverse=True):
            late = (f' <strong class="fsnb-overdue">Overdue: to be recorded on Mosaic by {esc(uk(info.due_date))}'
                    "</strong>" if kind_named(info.kind).timed and info.due_date is not None
                    and info.due_date < self.as_of else "")
            link = widgets.HTML(
                f'<a href="{esc(record_link(info.kind, info.record_id))}">{esc(_kind_words(info.kind))}, '
                f"{esc(uk(info.event_date))}{_case_words(info.case_id)}</a> – saved {esc(london_time(info.updated_at))}"
                + late)
            discard = widgets.Button(description="Discard", icon="trash", layout=widgets.Layout(width="auto"),
                                     tooltip=f"Discard the draft {_kind_words(info.kind).lower()} of "
                                             f"{uk(info.event_date)}")
            discard.add_class("fsnb-discard")
            row = widgets.HBox([link, discard], layout=widgets.Layout(align_items="center", flex_flow="row wrap"))
            row.add_class("fsnb-draft-line")
            discard.on_click(lambda _b, info=info, row=row: self.ask(info, row))
            rows.append(row)
        self.drafts_box.children = rows or [widgets.HTML('<p class="fsnb-empty">You have no drafts.</p>')]

    def ask(self, info, row) -> None:
        """Discarding is asked twice: the draft's text goes (the audit trail keeps it)."""
        sure = widgets.Button(description="Yes, discard it", button_style="danger", layout=widgets.Layout(width="auto"))
        keep = widgets.Button(description="Keep it", layout=widgets.Layout(width="auto"))
        sure.add_class("fsnb-discard-yes")
        question = widgets.HTML('<span role="alert">Discard this draft? What it holds goes.</span>')
        sure.on_click(lambda _b: self.discard(info))
        keep.on_click(lambda _b: self.show())
        row.children = (*row.children[:1], question, sure, keep)
        sure.focus()

    def discard(self, info) -> None:
        try:
            self.store.discard_draft(info.record_id)
        except WorkbookError as exc:
            self.message.value = f'<div class="fsnb-problem" role="alert">{esc(exc)}</div>'
            return
        self.message.value = ('<div class="fsnb-notice" role="status">'
                              + esc(f"The draft {_kind_words(info.kind).lower()} of {uk(info.event_date)} was "
                                    "discarded.") + "</div>")
        self.show()

    def find(self) -> list:
        words = self.search.value.strip().lower()
        if len(words) < 2:
            self.found.value = ""
            return []
        matches = [c for c in self._cases if words in c.case_id.lower() or words in c.family_pseudonym.lower()]
        found = matches[:MOST]
        items = [
            f"<strong>{esc(c.case_id)} – {esc(c.family_pseudonym)}</strong> ({esc(self.name(c.allocated_worker))}): "
            + " · ".join(f'<a href="{esc(case_link(c.case_id, page))}">{esc(words_)}</a>' for page, words_ in CASE_PAGES)
            for c in found
        ]
        count = f"{len(matches)} case{'s' if len(matches) != 1 else ''} found."
        if len(matches) > len(found):
            count += f" The first {len(found)} are shown: type more of the case ID or family name to narrow them."
        self.found.value = f'<p role="status" class="fsnb-muted">{esc(count)}</p>' + _list(items, "No case matches.")
        return found


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment


def _kind_words(kind: str) -> str:
    return kind_named(kind).title


def _case_words(case_id) -> str:
    return f", case {esc(case_id)}" if case_id else ""


def _due_words(due_by, today: dt.date) -> str:
    day = due_by.date() if hasattr(due_by, "date") else due_by
    if day < today:
        return f"overdue since {uk(day)}"
    return f"due by {uk(day)}"
