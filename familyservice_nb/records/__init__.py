"""The records the guidance names, as pydantic models: validation, plain-word errors, JSON and form fields.

`RECORD_KINDS` names each kind of recording; `render_text` gives any of them as Mosaic-ready text;
`explain` turns a ValidationError into sentences; `open_actions` carries agreed actions forward.
"""

from .actions import CLOSED_STATUSES, ActionReview, ActionStatus, AgreedAction
from .base import CaseRecord, Recording, RecordPart, uk
from .carry_forward import open_actions, unreviewed_actions
from .case_note import NOTE_DETAILS, CaseNote
from .explain import explain
from .gfpo import GFPO_PROMPTS, GFPOIntervention, GFPOSessionRecord
from .line_management import CWDC_AREAS, LineManagementSupervision, OpeningFigures, opening_figures
from .pbr import SUPPORTING_FAMILIES_OUTCOMES, TROUBLED_FAMILIES_PROBLEMS, PBRProgramme, pbr_outcomes
from .people import Case, Child, Staff, StaffRole
from .registry import RECORD_KINDS
from .render import NONE_RECORDED, render_text
from .session import SessionRecord
from .settings import CouncilSettings
from .summaries import ClosureSummary, ReviewSummary
from .supervision import (
    CaseDiscussion,
    ChildSpokenTo,
    KeyDate,
    SignificantAdult,
    SupervisionKind,
    SupervisionRecord,
)

__all__ = [
    "CLOSED_STATUSES", "CWDC_AREAS", "GFPO_PROMPTS", "NONE_RECORDED", "NOTE_DETAILS", "RECORD_KINDS",
    "SUPPORTING_FAMILIES_OUTCOMES", "TROUBLED_FAMILIES_PROBLEMS",
    "ActionReview", "ActionStatus", "AgreedAction", "Case", "CaseDiscussion", "CaseNote", "CaseRecord", "Child",
    "ChildSpokenTo", "ClosureSummary", "CouncilSettings", "GFPOIntervention", "GFPOSessionRecord", "KeyDate",
    "LineManagementSupervision", "OpeningFigures", "PBRProgramme", "RecordPart", "Recording", "ReviewSummary",
    "SessionRecord", "SignificantAdult", "Staff", "StaffRole", "SupervisionKind", "SupervisionRecord",
    "explain", "open_actions", "opening_figures", "pbr_outcomes", "render_text", "uk", "unreviewed_actions",
]
