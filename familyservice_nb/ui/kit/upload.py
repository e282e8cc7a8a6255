"""Upload an extract in the page: an analyst's goes into the workbook's database, a manager's is shown
in the page only. Either way the rows it could not use are listed, with the reason and what to do, and
downloadable.

The checks are the package's (`read_extract`; `Store.import_extract` for the database, which allows
analysts and administrators only). `on_notes(notes, as_of, source)` hands the new notes to the page.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
import pandas as pd

from familyservice_nb.dates import today_in_london
from familyservice_nb.errors import WorkbookError
from familyservice_nb.extract import check_upload_size, upload_limit_text
from familyservice_nb.rejects import explained
from familyservice_nb.ui.kit.data import NotesSource, notes_from_store
from familyservice_nb.ui.kit.dateinput import UKDateInput
from familyservice_nb.ui.kit.html import esc
from familyservice_nb.ui.kit.shared import show
from familyservice_nb.ui.kit.tables import TableSection
from familyservice_nb.vocab import UK_DATE

ACCEPT = ".csv,.xlsx,.xlsm"
REJECT_COLUMNS = {"row_number": "Row", "reason": "Why it was not used", "what_to_do": "What to do"}
HIDDEN = ("reason_code", "problem")  # the code and the check's title: the reason and what to do say it


def uploaded_file(value) -> tuple[str, bytes, int] | None:
    """(name, bytes, size) of the file a FileUpload holds (ipywidgets 8 gives a tuple of dicts). The size
    is the file's own: over the limit, the page sends its name and size but not its bytes."""
    if not value:
        return None
    item = value[0] if isinstance(value, list | tuple) else next(iter(value.values()))
    content = bytes(item["content"])
    return Path(str(item["name"])).name, content, max(len(content), int(item.get("size") or 0))


class ExtractUpload(widgets.VBox):
    """FileUpload, the extract's date, what happened in words, and the rejected rows."""

    def __init__(self, source: NotesSource, on_notes: Callable[[pd.DataFrame, dt.date, str], None]):
        self.source, self.on_notes = source, on_notes
        where = ("It is checked and imported into the workbook's database, so everyone who may see its notes sees "
                 "them." if source.imports_to_store else
                 "It is checked and shown on this page only: it is not saved to the workbook.")
        intro = widgets.HTML(f'<h2>Upload an extract</h2><p class="fsnb-muted">A Mosaic running-record extract '
                             f'(CSV or Excel). {esc(where)}</p>')
        self.as_of = UKDateInput("Extract taken on", today_in_london())
        self.as_of.add_class("fsnb-upload-as-of")
        self.file = widgets.FileUpload(accept=ACCEPT, multiple=False, description="Choose the extract",
                                       button_style="", layout=widgets.Layout(width="auto", margin="26px 0 0 0"))
        self.file.add_class("fsnb-upload-file")
        limit = widgets.HTML(f'<p class="fsnb-muted fsnb-upload-limit">CSV or Excel, {esc(upload_limit_text())}.</p>',
                             layout=widgets.Layout(margin="30px 0 0 0"))
        self.file.observe(self._uploaded, names="value")
        self.message = widgets.HTML("")
        self.message.add_class("fsnb-upload-message")
        self.rejects = TableSection(
            "Rows the extract could not use", REJECT_COLUMNS, what="rows could not be used",
            filename="extract-rejects.xlsx", numeric=["row_number"], css_class="fsnb-upload-rejects",
            empty_message="Every row of the extract could be used.",
        )
        show(self.rejects, False)  # until an extract is read
        line = widgets.Layout(flex_flow="row wrap", align_items="flex-start")
        choose = widgets.HBox([self.as_of, self.file, limit], layout=line)
        choose.add_class("fsnb-filter-line")
        super().__init__([intro, choose,
                          self.message, self.rejects])
        self.add_class("fsnb-upload")

    def say(self, sentences: list[str], problem: bool = False) -> None:
        css, role = ("fsnb-problem", "alert") if problem else ("fsnb-notice", "status")
        body = "".join(f"<p>{esc(s)}</p>" for s in sentences)
        self.message.value = f'<div class="{css}" role="{role}">{body}</div>'

    def _uploaded(self, change) -> None:
        found = uploaded_file(change["new"])
        if found is None:
            return
        name, content, size = found
        try:
            as_of = self.as_of.date
            if as_of is None:
                raise WorkbookError("Say when the extract was taken, as day/month/year (for example 25/11/2026).")
            check_upload_size(size, name)
            self.load(name, content, as_of)
        except WorkbookError as exc:
            self.say([str(exc)], problem=True)
        except Exception as exc:  # never a traceback on screen, and no cell text in the log
            print(f"An uploaded extract could not be read: {type(exc).__name__}", file=sys.__stderr__ or sys.stderr)
            self.say(["The extract could not be read: it may be damaged. Save it again from Mosaic or Excel (as CSV if you can) and try again."], problem=True)
        finally:
            self.file.value = ()  # the same file may be chosen again; its bytes are not kept

    def load(self, name: str, content: bytes, as_of: dt.date) -> None:
        """Check (and, for an analyst, import) an extract's bytes, then show its notes and rejects."""
        suffix = Path(name).suffix.lower() or ".csv"
        with tempfile.TemporaryDirectory(prefix="fsnb-upload-") as folder:
            path = Path(folder) / (Path(name).stem[:80] + suffix)
            with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as saved:
                saved.write(content)  # private to this account, like the database
            if self.source.imports_to_store:
                summary = self.source.store.import_extract(path, as_of=as_of, progress=False)
                sentences, rejects = summary.sentences(), summary.rejects
                fresh = notes_from_store(self.source.store, as_of=as_of)
                notes, source = fresh.notes, fresh.description
            else:
                from familyservice_nb.extract import read_extract

                result = read_extract(path)
                notes, rejects = result.notes, result.rejects
                sentences = [f"Read {result.rows_in:,} rows from {name} (as of {as_of.strftime(UK_DATE)}): "
                             f"{len(notes):,} notes, {len(rejects):,} rows could not be used. Shown on this page "
                             "only; not saved to the workbook."] + [f"Note: {w}" for w in result.warnings]
                source = f"From the extract you uploaded, {name}: {len(notes):,} notes (not saved to the workbook)."
        self.show_rejects(rejects)
        self.say(sentences)
        self.on_notes(notes, as_of, source)

    def show_rejects(self, rejects: pd.DataFrame) -> None:
        rejects = explained(rejects)  # what to do about each, in the reject checks' own words
        original = [c for c in rejects.columns if c not in REJECT_COLUMNS and c not in HIDDEN]
        self.rejects.columns = {**REJECT_COLUMNS, **{c: c for c in original}}
        self.rejects.show(rejects.reset_index(drop=True))
        show(self.rejects)
