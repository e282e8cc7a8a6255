"""Every kind of record the workbook keeps, each declared once.

A kind is one unit: what it is called, which page opens it, where its text goes, who completes it, whether the
timeliness rule measures it, whether it counts a child as spoken to, whether it is in a case's oversight story
and printable, and its model. Every table keyed by kind (the store's models, the Mosaic text, page links, the
oversight measures, the story, documents, who completes what, the forms' kind and noun) is built from `KINDS`.
A kind not declared here is refused in plain words (`UnknownKind`), never guessed.

Declare a kind with `declare(RecordKind(...))`, as `@standard` declares a quality standard;
tests/test_kinds.py then walks every declared kind through every place that reads kinds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from ..errors import UnknownKind
from ..vocab import NoteType
from .base import Recording
from .case_note import CaseNote
from .epdr import EPDRRecord, epdr_text
from .gfpo import GFPOSessionRecord
from .line_management import LineManagementSupervision
from .render_discussions import closure_text, line_management_text, review_text, supervision_text
from .render_parts import RecordText
from .render_sessions import case_note_text, gfpo_text, session_text
from .session import SessionRecord
from .summaries import ClosureSummary, ReviewSummary
from .supervision import CaseDiscussion, SupervisionRecord


class Completer(StrEnum):
    """Who completes (locks) a record; anyone else who may change it can still keep it as a draft."""

    ANYONE_WHO_MAY_CHANGE_IT = "its author, a manager of the case's team or an administrator"
    CASE_MANAGER = "a manager of the case's team"
    LINE_MANAGER = "the practitioner's line manager"


@dataclass(frozen=True)
class ManagerCompletes:
    """What a record says that makes it a manager's to complete, when its kind otherwise is not."""

    applies: Callable[[Mapping[str, Any]], bool]  # read on a draft's data, which may not be finished yet
    named: str  # how a refusal names such a record: "a Manager's recording"


@dataclass(frozen=True)
class CopyDestination:
    """Where a record's text belongs, as the form's "copy" section says it."""

    heading: str
    label: str
    intro: str
    running_record: bool  # whether it goes on the case's (a child's) running record on Mosaic


RUNNING_RECORD = CopyDestination(
    heading="Copy for Mosaic", label="The record as text for Mosaic",
    intro="Copy this text and paste it into the case's running record on Mosaic.", running_record=True,
)
# guidance: Line Management Supervision is about the practitioner (corporate supervision and EPDR): personnel
# content, which never goes on a child's file.
PERSONNEL_FILE = CopyDestination(
    heading="Copy for the personnel record", label="The supervision as text for the practitioner's supervision file",
    intro="This is a personnel record: keep it in the practitioner's supervision file as your council's "
    "corporate guidance says. It does not belong on a child's or family's running record.",
    running_record=False,
)


@dataclass(frozen=True)
class RecordKind:
    """One kind of record, as every part of the workbook knows it."""

    key: str  # as stored (the `kind` column of `records`)
    title: str  # "Case supervision": lists, documents, measures
    noun: str  # how a sentence names one: "Complete the supervision record"
    page: str  # the page notebook in `dashboards/` that opens one
    model: type[Recording]
    text: Callable[[Any], RecordText]  # its Mosaic text as sections, which its printed copy shows too
    destination: CopyDestination
    completed_by: Completer
    timed: bool  # the timeliness rule measures it: in "Records completed late or overdue"
    spoken_to: str | None = None  # how it counts a child as spoken to, in the oversight page's words; None: not
    in_story: bool = False  # in a case's oversight story (a case discussion)
    printable: bool = True  # as a PDF or Word document
    manager_completes: ManagerCompletes | None = None

    @property
    def names_manager(self) -> bool:
        """Whether a record of this kind names the manager who held it (its `manager`)."""
        return "manager" in self.model.model_fields

    @property
    def on_a_case(self) -> bool:
        return "case_id" in self.model.model_fields

    def completer(self, data: Mapping[str, Any]) -> Completer:
        """Who completes a record of this kind that says `data`."""
        if self.manager_completes is not None and self.manager_completes.applies(data):
            return Completer.CASE_MANAGER
        return self.completed_by


KINDS: dict[str, RecordKind] = {}


def declare(kind: RecordKind, *, replace: bool = False) -> RecordKind:
    """Add a kind to the registry. `replace=True` lets a notebook cell that declares one be run again."""
    if not replace:
        if kind.key in KINDS:
            raise ValueError(f"A record kind '{kind.key}' is already declared.")
        if any(k.model is kind.model for k in KINDS.values()):
            raise ValueError(f"{kind.model.__name__} is already the model of another record kind.")
    KINDS[kind.key] = kind
    return kind


def kind_named(key: str) -> RecordKind:
    """The kind stored as `key`; `UnknownKind` when the workbook keeps no such kind."""
    try:
        return KINDS[key]
    except KeyError:
        raise UnknownKind(key) from None


def kind_of(record: Recording | type[Recording]) -> RecordKind:
    """The kind of a record (or of a model class); `UnknownKind` when no kind has that model."""
    cls = record if isinstance(record, type) else type(record)
    for kind in KINDS.values():
        if kind.model is cls:
            return kind
    raise UnknownKind(cls.__name__)


def keys(which: Callable[[RecordKind], bool]) -> list[str]:
    """The keys of the declared kinds `which` picks, in the order they were declared."""
    return [k.key for k in KINDS.values() if which(k)]


def case_discussions() -> list[str]:
    """Kinds whose records agree actions and review earlier ones (case discussions: carry-forward reads them)."""
    return keys(lambda k: issubclass(k.model, CaseDiscussion))


class ModelsByKind(Mapping[str, type[Recording]]):
    """Each declared kind's model by its key: a live view of `KINDS`, for code that only needs the model."""

    def __getitem__(self, key: str) -> type[Recording]:
        return kind_named(key).model

    def __iter__(self) -> Iterator[str]:
        return iter(KINDS)

    def __len__(self) -> int:
        return len(KINDS)


RECORD_KINDS = ModelsByKind()


# -- the kinds the guidance names ---------------------------------------------------------------------------

# guidance: Types of case records - "Manager's recordings (e.g. decisions made on the case ...)": a case note
# of that type is a manager's recording, completed by a manager of the case's team.
MANAGERS_RECORDING = ManagerCompletes(
    applies=lambda data: data.get("note_type") == NoteType.MANAGER_RECORDING.value,
    named=f"a {NoteType.MANAGER_RECORDING.value}",
)

# guidance: Types of case records - the events a case note records in the running record on Mosaic.
CASE_NOTE = declare(RecordKind(
    key="case_note", title="Case note", noun="case note", page="case-note.ipynb", model=CaseNote,
    text=case_note_text, destination=RUNNING_RECORD, completed_by=Completer.ANYONE_WHO_MAY_CHANGE_IT,
    manager_completes=MANAGERS_RECORDING, timed=True,
    spoken_to="case notes with a 'Children spoken to' detail (visits, contacts and the like), on the note's date",
))
# guidance: Mosaic Case Record Template - a direct session with children, families and young people.
SESSION = declare(RecordKind(
    key="session", title="Session record", noun="session record", page="session-record.ipynb",
    model=SessionRecord, text=session_text, destination=RUNNING_RECORD,
    completed_by=Completer.ANYONE_WHO_MAY_CHANGE_IT, timed=True,
    spoken_to="session records: the children named as spoken to, on the session's date",
))
# guidance: Mosaic Case Record template for recording a Graduated Family and Parenting Intervention Session.
GFPO_SESSION = declare(RecordKind(
    key="gfpo_session", title="GFPO session record", noun="GFPO session record", page="gfpo-session-record.ipynb",
    model=GFPOSessionRecord, text=gfpo_text, destination=RUNNING_RECORD,
    completed_by=Completer.ANYONE_WHO_MAY_CHANGE_IT, timed=True,
    spoken_to="GFPO session records: the children named as spoken to, on the session's date",
))
# guidance: Supervision Recording Expectations - a case discussion held in planned supervision, or when advice
# on a safeguarding concern was sought, is recorded on Mosaic; completing it is the management sign-off.
SUPERVISION = declare(RecordKind(
    key="supervision", title="Case supervision", noun="supervision record", page="case-supervision.ipynb",
    model=SupervisionRecord, text=supervision_text, destination=RUNNING_RECORD,
    completed_by=Completer.CASE_MANAGER, timed=True, in_story=True,
    spoken_to="case supervisions: each child recorded as spoken to, on the date given, or (too young to speak) "
              "observed",
))
# guidance: "These bullet points will also be relevant to record as part of review and closure summaries."
REVIEW_SUMMARY = declare(RecordKind(
    key="review_summary", title="Review summary", noun="review summary", page="review-summary.ipynb",
    model=ReviewSummary, text=review_text, destination=RUNNING_RECORD, completed_by=Completer.CASE_MANAGER,
    timed=True, in_story=True, spoken_to="review summaries: the same",
))
CLOSURE_SUMMARY = declare(RecordKind(
    key="closure_summary", title="Closure summary", noun="closure summary", page="closure-summary.ipynb",
    model=ClosureSummary, text=closure_text, destination=RUNNING_RECORD, completed_by=Completer.CASE_MANAGER,
    timed=True, in_story=True, spoken_to="closure summaries: the same",
))
# guidance: Line Management Supervision - "in line with corporate guidance": a personnel record about the
# practitioner, kept on their supervision file, not a case record; so not timed as a running record is.
LINE_MANAGEMENT = declare(RecordKind(
    key="line_management", title="Line management supervision", noun="line management supervision record",
    page="line-management-supervision.ipynb", model=LineManagementSupervision, text=line_management_text,
    destination=PERSONNEL_FILE, completed_by=Completer.LINE_MANAGER, timed=False,
))
# guidance: Line Management Supervision - "annual EPDR ... in line with corporate guidance": the appraisal, a
# personnel record about the practitioner held by their line manager; not timed as a running record is.
EPDR = declare(RecordKind(
    key="epdr", title="EPDR", noun="EPDR record", page="epdr.ipynb", model=EPDRRecord, text=epdr_text,
    destination=replace(PERSONNEL_FILE, label="The EPDR as text for the practitioner's supervision file"),
    completed_by=Completer.LINE_MANAGER, timed=False,
))
