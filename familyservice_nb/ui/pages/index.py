"""The landing page: who you are, and a link to every page of the workbook.

Later sections (what is due from you: drafts, supervisions) slot in as extra widgets in `sections`.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from familyservice_nb.errors import WorkbookError
from familyservice_nb.ui.forms.framework.form import log_failure
from familyservice_nb.ui.kit.catalogue import Page, discover_pages, locate_dashboards
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.data import signed_in_name
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shell import APP_TITLE, AppPage, FreshSection, build_page


def pages_html(pages: list[Page]) -> str:
    if not pages:
        return '<p class="fsnb-empty">No pages are installed yet.</p>'
    items = "".join(
        f'<li><a href="{esc(p.href)}">{esc(p.title)}</a>' + (f"<p>{esc(p.summary)}</p>" if p.summary else "") + "</li>"
        for p in pages
    )
    return f'<nav aria-label="Pages"><ul class="fsnb-pages">{items}</ul></nav>'


def my_work_sections(context: PageContext) -> list[widgets.Widget]:
    """"My work first" (pages/my_work.py) when the app has a database; a plain sentence if it cannot be read."""
    from familyservice_nb.ui.kit.data import open_store
    from familyservice_nb.ui.pages.my_work import MyWork

    try:
        store = open_store(context)
        if store is None:
            return []
        return [MyWork(store, as_of=context.as_of)]
    except WorkbookError as exc:
        return [widgets.HTML(f'<div class="fsnb-notice" role="status">{esc(exc)}</div>')]
    except Exception:  # noqa: BLE001 - the page links still show; the details go to the log
        log_failure("reading your work for the landing page")
        return [widgets.HTML('<div class="fsnb-notice" role="status">Your drafts and what is due cannot be '
                             "shown just now. The pages below still work.</div>")]


class LandingPage(AppPage):
    """The workbook's front page."""

    def __init__(self, user: str, pages: list[Page], sections: list[widgets.Widget] = ()):
        self.user = user
        self.pages = list(pages)
        self.welcome = widgets.HTML(
            f'<p class="fsnb-lede">You are signed in as <strong class="fsnb-whoami">{esc(user)}</strong>. '
            "Choose a page below.</p>"
        )
        self.links = widgets.HTML(f"<h2>Pages</h2>{pages_html(self.pages)}")
        self.links.add_class("fsnb-page-links")
        self.sections = list(sections)
        super().__init__(APP_TITLE, [self.welcome, *self.sections, self.links], user=user, home=True)
        self.add_class("fsnb-landing")

    @classmethod
    def from_context(cls, context: PageContext, dashboards: Path | None = None) -> LandingPage:
        """The page, with "my work" read when a browser first shows it (the links are there at once)."""
        folder = dashboards or context.dashboards or locate_dashboards()
        mine = FreshSection(lambda: my_work_sections(context), waiting="Reading your work…", what="your work")
        return cls(user=signed_in_name(context), pages=discover_pages(folder), sections=[mine])

    @classmethod
    def from_environment(cls):
        """The landing page for whoever the environment names (or a plain-words problem page)."""
        return build_page(APP_TITLE, cls.from_context)
