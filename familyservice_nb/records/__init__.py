"""The records the guidance names, as pydantic models: validation, plain-word errors, JSON and form fields.

`KINDS` declares each kind of record (kinds.py), `RECORD_KINDS` gives each kind's model by its key;
`render_text` gives any record as Mosaic-ready text, `record_text` the same as its sections;
`Problem` is one problem with a record, from the model to the screen: `validation_problems` turns a
ValidationError into Problems (`explain`, into their sentences); `read_answers` reads a partly filled record
without making up what is missing, and `completion_problems` says what stops a record being completed;
`open_actions` carries agreed actions forward, and `carried_forward` is all a new discussion starts with.
"""

from .actions import CLOSED_STATUSES, ActionReview, ActionStatus, AgreedAction
from .answers import Answers, read_answers
from .base import CaseRecord, Recording, RecordPart, uk
from .carry_forward import CarriedForward, carried_forward, open_actions, unreviewed_actions
from .case_note import NOTE_DETAILS, CaseNote
from .completion import completion_problems
from .gfpo import GFPO_PROMPTS, SAFEGUARDING_PROMPT, GFPOIntervention, GFPOSessionRecord
from .kinds import KINDS, RECORD_KINDS, Completer, CopyDestination, RecordKind, kind_named, kind_of
from .line_management import CWDC_AREAS, LineManagementSupervision, OpeningFigures, opening_figures
from .pbr import (
    SUPPORTING_FAMILIES_OUTCOMES,
    TROUBLED_FAMILIES_PROBLEMS,
    OutcomeStatus,
    PBROutcomeBase,
    PBRProgramme,
    pbr_outcomes,
)
from .people import Case, Child, Staff, StaffRole
from .problems import Problem, explain, in_order, validation_problems
from .render import NONE_RECORDED, NOT_DISCUSSED, RecordText, Section, record_text, render_text
from .session import SessionRecord
from .settings import CouncilSettings
from .summaries import ClosureSummary, ReviewSummary
from .supervision import (
    OPTIONAL_SECTIONS,
    CaseDiscussion,
    ChildSpokenTo,
    KeyDate,
    LeftEmpty,
    NotSpokenTo,
    SignificantAdult,
    SupervisionKind,
    SupervisionRecord,
)

__all__ = [
    "CLOSED_STATUSES", "CWDC_AREAS", "GFPO_PROMPTS", "NONE_RECORDED", "NOTE_DETAILS",
    "NOT_DISCUSSED", "OPTIONAL_SECTIONS", "KINDS", "RECORD_KINDS",
    "SAFEGUARDING_PROMPT", "Completer", "CopyDestination", "LeftEmpty", "NotSpokenTo", "OutcomeStatus",
    "PBROutcomeBase", "Problem", "RecordKind", "RecordText", "Section", "completion_problems", "kind_named", "kind_of",
    "SUPPORTING_FAMILIES_OUTCOMES", "TROUBLED_FAMILIES_PROBLEMS",
    "ActionReview", "ActionStatus", "AgreedAction", "Answers", "CarriedForward", "Case", "CaseDiscussion", "CaseNote", "CaseRecord", "Child",
    "ChildSpokenTo", "ClosureSummary", "CouncilSettings", "GFPOIntervention", "GFPOSessionRecord", "KeyDate",
    "LineManagementSupervision", "OpeningFigures", "PBRProgramme", "RecordPart", "Recording", "ReviewSummary",
    "SessionRecord", "SignificantAdult", "Staff", "StaffRole", "SupervisionKind", "SupervisionRecord",
    "carried_forward", "explain", "in_order", "open_actions", "read_answers", "validation_problems", "opening_figures", "pbr_outcomes", "record_text", "render_text", "uk", "unreviewed_actions",
]
