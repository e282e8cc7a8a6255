"""The frame every page sits in: the workbook's name (a link home), who is signed in, the page title.

`build_page` is how a page notebook displays its app object: when building fails, the user sees a
plain sentence, and the details go to the server's log, never a traceback on screen (DESIGN.md).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable

import anywidget
import ipywidgets as widgets

from familyservice_nb.errors import WorkbookError
from familyservice_nb.ui.kit.catalogue import LANDING_NOTEBOOK
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.first_load import hold_widgets_until_first_load
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import close_tree
from familyservice_nb.ui.kit.style import stylesheet

APP_TITLE = "Family Service workbook"


def header_html(user: str, home: bool = False) -> str:
    name = f"<span>{esc(APP_TITLE)}</span>" if home else f'<a class="fsnb-home" href="{LANDING_NOTEBOOK}">{esc(APP_TITLE)}</a>'
    return (
        f'<div class="fsnb-header" role="banner">{name}'
        f'<span class="fsnb-user">Signed in as <strong>{esc(user)}</strong></span></div>'
    )


class AppPage(widgets.VBox):
    """A page: stylesheet, header, title, then the page's own widgets."""

    def __init__(self, title: str, body: list[widgets.Widget], *, user: str, home: bool = False, **kwargs):
        self.title = title
        self.header = widgets.HTML(header_html(user, home=home))
        self.heading = widgets.HTML(f"<h1>{esc(title)}</h1>")
        super().__init__([stylesheet(), self.header, self.heading, *body], **kwargs)
        self.add_class("fsnb-app")
        self.add_class("fsnb-page")


class ProblemPage(AppPage):
    """What a user sees when a page cannot be built: what went wrong, in plain words."""

    def __init__(self, title: str, message: str, *, user: str):
        self.message = message
        box = widgets.HTML(
            f'<div class="fsnb-problem" role="alert"><strong>This page cannot be shown.</strong> {esc(message)}</div>'
        )
        super().__init__(title, [box], user=user)
        self.add_class("fsnb-problem-page")


def build_page(title: str, build: Callable[[PageContext], widgets.Widget], context: PageContext | None = None):
    """Build a page from the environment's context; on failure, a ProblemPage in plain words."""
    hold_widgets_until_first_load()
    user = "demo manager"
    try:
        context = context or PageContext.from_environment()
        user = context.user
        return build(context)
    except (WorkbookError, FileNotFoundError, ValueError) as exc:
        _log_failure(title)
        return ProblemPage(title, str(exc), user=user)
    except Exception:  # a user never sees a traceback
        _log_failure(title)
        return ProblemPage(
            title,
            "Something went wrong that the workbook did not expect. The details are in the server's log; "
            "please tell whoever looks after the workbook.",
            user=user,
        )


class FirstView(anywidget.AnyWidget):
    """Calls `callback` once, when a browser first shows it (its script sends one message on rendering)."""

    _esm = """
function render({ model }) { model.send({ event: 'shown' }); }
export default { render };
"""

    def __init__(self, callback: Callable[[], None]):
        super().__init__()
        self.callback, self.done = callback, False
        self.on_msg(self._message)

    def _message(self, _widget, content, _buffers) -> None:
        if isinstance(content, dict) and content.get("event") == "shown" and not self.done:
            self.done = True
            self.callback()


def when_opened(fill: Callable[[], None]) -> FirstView:
    """Call `fill()` once, when the page is opened: as soon as its request reaches the pre-heated kernel,
    which is before the browser has the page (so the figures are read while the browser loads Voila's
    scripts, and the browser's first look at the kernel finds the page built), or, if that request is never
    heard, when a browser first shows the returned beacon. Whichever comes first; never twice."""
    from familyservice_nb.ui.kit import request

    done = False

    def once(*_ignored) -> None:
        nonlocal done
        if not done:
            done = True
            fill()

    beacon = FirstView(once)
    request.when_requested(once)
    return beacon


def _warm_up(title: str, build: Callable[[PageContext], widgets.Widget]) -> None:
    """Build the page once and throw it away, never shown: the imports, the chart library and the database
    connection are then warm, so the build that is shown (when the page is opened) is quick."""
    try:
        page = build_page(title, build)
    except Exception:  # noqa: BLE001 - only a warm-up: the real build reports its own problems
        return
    close_tree(page)


def build_fresh_page(title: str, build: Callable[[PageContext], widgets.Widget]):
    """`build_page`, but the data is read when the person opens the page, never at pre-heating.

    A pre-heated kernel (Voila runs the page before anyone asks for it) holds an empty frame; the page is
    built in it when the page is opened (`when_opened`), so its figures are those of the moment it is
    opened. Without pre-heating the page is built at once."""
    from familyservice_nb.ui.kit.request import preheated

    if not preheated():
        return build_page(title, build)
    try:
        from familyservice_nb.ui.kit.data import signed_in_name

        user = signed_in_name(PageContext.from_environment())
    except ValueError:
        user = "demo manager"
    _warm_up(title, build)
    waiting = widgets.HTML('<p class="fsnb-muted fsnb-reading" role="status">Reading the figures…</p>')
    holder = AppPage(title, [waiting], user=user)

    def fill() -> None:
        page = build_page(title, build)
        holder.page = page
        for css in getattr(page, "_dom_classes", ()):
            holder.add_class(css)
        holder.children = tuple(page.children)

    holder.beacon = when_opened(fill)
    holder.children = (*holder.children, holder.beacon)
    return holder


class FreshSection(widgets.VBox):
    """The part of a page that is read from the database, on a page whose other parts need no data.

    Pre-heated, the page is built whole except this section, which says `waiting` until a browser first
    shows it, and is then built (`build()` -> its widgets): the rest of the page (links, headings) is there
    and usable at once, and what this section shows is read when the page is opened. (Not at the request,
    as a whole page is (`when_opened`): the kernel would then be busy reading when the browser first
    connects, and hold back the parts of the page that need no data.) Its build runs once
    at pre-heating and is thrown away, to warm the imports and the database connection (as
    `build_fresh_page` does). Without pre-heating it is built at once. `build` reports its own problems
    in plain words (a user never sees a traceback; anything else is logged and said plainly)."""

    def __init__(self, build: Callable[[], list[widgets.Widget]], *, waiting: str, what: str):
        from familyservice_nb.ui.kit.request import preheated

        self.build, self.what = build, what
        super().__init__(layout=widgets.Layout(width="100%"))
        self.add_class("fsnb-fresh-section")
        if not preheated():
            self._fill()
            return
        self._warm_up()
        status = widgets.HTML(f'<p class="fsnb-muted fsnb-reading" role="status">{esc(waiting)}</p>')
        self.beacon = FirstView(self._fill)
        self.children = (status, self.beacon)

    def _warm_up(self) -> None:
        try:
            for part in self.build():
                close_tree(part)
        except Exception:  # noqa: BLE001 - only a warm-up: the real build reports its own problems
            pass

    def _fill(self) -> None:
        try:
            self.children = tuple(self.build())
        except Exception:  # noqa: BLE001 - a user never sees a traceback
            _log_failure(self.what)
            self.children = (widgets.HTML(
                f'<div class="fsnb-notice" role="status">{esc(self.what.capitalize())} cannot be shown just now. '
                "The details are in the server's log.</div>"),)


def _log_failure(title: str) -> None:
    # The kernel's own stderr goes to the server log; the cell's stderr would show on the page.
    stream = sys.__stderr__ or sys.stderr
    print(f"[familyservice-nb] building the page '{title}' failed:", file=stream)
    traceback.print_exc(file=stream)
