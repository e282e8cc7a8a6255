"""A case's oversight story on one page, with the story as a PDF or a Word file.

guidance: Supervision Recording Expectations - "evidence of effective management oversight for families
open to The Family Service". The story is the domain's (`story.build_case_story`, read through
`Store.case_story`, so who-sees-what applies: a case this user may not open is refused in the store's own
words); the page shows `documents.story_sections`, the same sections the PDF and the Word file hold.

`?case=C000123` in the address names the case (every case link of the workbook: `catalogue.case_link`).
Without one, the page says so and offers the cases this user may open.
"""

from __future__ import annotations

import ipywidgets as widgets

from familyservice_nb import documents
from familyservice_nb.errors import WorkbookError
from familyservice_nb.records.kinds import CASE_NOTE, SESSION, SUPERVISION
from familyservice_nb.ui.forms.framework.form import UNEXPECTED, log_failure
from familyservice_nb.ui.kit.catalogue import case_link
from familyservice_nb.ui.kit.context import PageContext
from familyservice_nb.ui.kit.data import require_store, signed_in_name
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.request import Params, when_requested
from familyservice_nb.ui.kit.shared import show as set_shown
from familyservice_nb.ui.kit.shell import AppPage, build_page
from familyservice_nb.ui.kit.tables import FileDownload, tagged_filename

TITLE = "Case oversight story"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_CASE = ("No case is named in this page's address. Open a case's story from a case link (the landing page's "
           "case search, the Management oversight page, a case's form), or choose a case below.")
CASE_PAGES = ((SUPERVISION.page, "Hold a case supervision"), (SESSION.page, "Write a session record"),
              (CASE_NOTE.page, "Write a case note"))


class CaseStoryPage(AppPage):
    """One case's story: the case, its supervisions, agreed actions' trails, children's views, key dates,
    significant adults and PBR outcomes; downloads as PDF and Word."""

    def __init__(self, store, *, user: str):
        self.store = store
        self.viewer = store.viewer()  # NotAllowed (plain words) when the user is not on the staff list
        self.story = None
        self.message = widgets.HTML("")
        self.message.add_class("fsnb-message")
        self.case_line = widgets.HTML("")
        self.case_line.add_class("fsnb-story-case")
        self.pdf = FileDownload(lambda: self.document("pdf"), "oversight-story.pdf", mime=PDF,
                                label="Download as PDF", failed="The PDF could not be made. Please try again.")
        self.docx = FileDownload(lambda: self.document("docx"), "oversight-story.docx", mime=DOCX,
                                 label="Download as Word (.docx)",
                                 failed="The Word file could not be made. Please try again.")
        self.downloads = widgets.HBox([self.pdf, self.docx], layout=widgets.Layout(flex_flow="row wrap"))
        self.downloads.add_class("fsnb-story-downloads")
        set_shown(self.downloads, False)  # until a story is shown
        self.sections = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.sections.add_class("fsnb-story")
        self.chooser = widgets.Dropdown(description="Case", style={"description_width": "initial"},
                                        layout=widgets.Layout(width="auto"))
        self.chooser.add_class("fsnb-story-choose")
        self.choose_button = widgets.Button(description="Show the story", icon="book",
                                            layout=widgets.Layout(width="auto"))
        self.choose_button.add_class("fsnb-story-show")
        self.choose_button.on_click(lambda _b: self.chooser.value and self.show_case(self.chooser.value))
        self.choose = widgets.HBox([self.chooser, self.choose_button],
                                   layout=widgets.Layout(align_items="flex-end"))
        set_shown(self.choose, False)  # until there are cases to offer
        super().__init__(TITLE, [self.message, self.choose, self.case_line, self.downloads, self.sections], user=user)
        self.add_class("fsnb-case-story")

    # -- messages ---------------------------------------------------------------------------------------

    def say(self, text: str = "", css: str = "fsnb-problem") -> None:
        role = "alert" if css == "fsnb-problem" else "status"
        self.message.value = f'<div class="{css}" role="{role}">{esc(text)}</div>' if text else ""

    # -- the address ------------------------------------------------------------------------------------

    def apply_query(self, params: Params) -> None:
        """Show the case the address names, if this user may see it; otherwise say so plainly."""
        case_id = (params.get("case") or "").strip()
        if not case_id:
            self.offer_cases()
            self.say(NO_CASE, css="fsnb-notice")
            return
        self.show_case(case_id)

    def offer_cases(self) -> None:
        try:
            cases = self.store.cases()
        except WorkbookError:
            cases = []
        self.chooser.options = [(f"{c.case_id} – {c.family_pseudonym}", c.case_id) for c in cases]
        set_shown(self.choose, bool(cases))

    def show_case(self, case_id: str):
        """Read and show one case's story; a case not there, or not this user's to open, in plain words."""
        self.say()
        try:
            story = self.store.case_story(case_id)
        except WorkbookError as exc:  # NotFound, NotAllowed: the store's own words
            self._clear()
            self.offer_cases()
            self.say(str(exc))
            return None
        except Exception:  # noqa: BLE001 - never a traceback on screen
            log_failure("showing a case's oversight story")
            self._clear()
            self.say(UNEXPECTED)
            return None
        self.show(story)
        return story

    def _clear(self) -> None:
        self.story = None
        self.case_line.value = ""
        self.sections.children = ()
        set_shown(self.downloads, False)

    def show(self, story) -> None:
        self.story = story
        set_shown(self.choose, False)
        links = " · ".join(f'<a href="{esc(case_link(story.case_id, page))}">{esc(words)}</a>'
                           for page, words in CASE_PAGES)
        self.case_line.value = (
            f'<p class="fsnb-lede"><strong>Case {esc(story.case_id)} – {esc(story.family)}</strong>'
            + (f" · team {esc(story.team)}" if story.team else "") + "</p>"
            f'<p class="fsnb-muted">Completed case supervisions, review and closure summaries only, oldest first. '
            f"{links}</p>"
        )
        self.sections.children = [
            widgets.HTML(f'<section class="fsnb-story-section"><h2>{esc(heading)}</h2>{body}</section>')
            for heading, body in documents.story_sections(story)
        ]
        for button, ext in ((self.pdf, "pdf"), (self.docx, "docx")):
            button.filename = tagged_filename(f"oversight-story.{ext}", None, f"case {story.case_id}")
            button.hint = f"Save as {button.filename}"
        set_shown(self.downloads)

    def document(self, fmt: str) -> bytes:
        """The story shown, as a tagged PDF or a Word file (`documents`), made when the button is pressed."""
        if self.story is None:
            raise WorkbookError("No story is shown.")
        outline = documents.story_outline(self.story, produced_by=self.viewer.name or self.viewer.actor)
        made = documents.document_bytes(outline, fmt)
        self.store.audit_export("case", self.story.case_id, fmt)
        return made

    # -- building ---------------------------------------------------------------------------------------

    @classmethod
    def from_context(cls, context: PageContext) -> CaseStoryPage:
        store = require_store(context)
        return cls(store, user=signed_in_name(context, store))

    @classmethod
    def from_environment(cls):
        """The page for whoever the environment names, showing the case its address asks for."""
        page = build_page(TITLE, cls.from_context)
        if isinstance(page, CaseStoryPage):
            when_requested(page.apply_query)
        return page
