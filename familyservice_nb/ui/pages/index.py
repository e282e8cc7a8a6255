"""The landing page: who you are, and a link to every page of the workbook.

Later sections (what is due from you: drafts, supervisions) slot in as extra widgets in `sections`.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as widgets

from familyservice_nb.ui.kit.catalogue import Page, discover_pages, locate_dashboards
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shell import APP_TITLE, AppPage, build_fresh_page


def pages_html(pages: list[Page]) -> str:
    if not pages:
        return '<p class="fsnb-empty">No pages are installed yet.</p>'
    items = "".join(
        f'<li><a href="{esc(p.href)}">{esc(p.title)}</a>' + (f"<p>{esc(p.summary)}</p>" if p.summary else "") + "</li>"
        for p in pages
    )
    return f'<nav aria-label="Pages"><ul class="fsnb-pages">{items}</ul></nav>'


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
        super().__init__(APP_TITLE, [self.welcome, self.links, *sections], user=user, home=True)
        self.add_class("fsnb-landing")

    @classmethod
    def from_context(cls, context: PageContext, dashboards: Path | None = None) -> LandingPage:
        folder = dashboards or context.dashboards or locate_dashboards()
        return cls(user=context.user, pages=discover_pages(folder))

    @classmethod
    def from_environment(cls):
        """The landing page for whoever the environment names (or a plain-words problem page)."""
        return build_fresh_page(APP_TITLE, cls.from_context)
