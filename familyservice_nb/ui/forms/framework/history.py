"""A record's versions and audit trail, as escaped tables (who, when, what changed, and why)."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from pydantic import BaseModel

from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.ui.kit.html import html_table
from familyservice_nb.ui.kit.values import london_time

STATES = {RecordState.DRAFT: "Draft", RecordState.COMPLETE: "Completed"}
ACTIONS = {
    "create": "Started",
    "save draft": "Draft saved",
    "complete": "Completed",
    "amend": "Amended",
    "on mosaic": "Entered on Mosaic",
    # written by the database for a change made to it directly, outside the workbook (migration 0007)
    "direct create": "Started outside the workbook",
    "direct save draft": "Draft saved outside the workbook",
    "direct complete": "Completed outside the workbook",
    "direct amend": "Amended outside the workbook",
    "direct on mosaic": "Entered on Mosaic outside the workbook",
}


def _field_names(model: type[BaseModel] | None, paths) -> str:
    """'Case summary; Children spoken to' for ['case_summary', 'children.0.views_and_feelings']."""
    names: list[str] = []
    for path in paths:
        top = re.split(r"[.\[]", str(path))[0]
        info = model.model_fields.get(top) if model is not None else None
        name = (info.title if info is not None and info.title else top.replace("_", " ").capitalize())
        if name not in names:
            names.append(name)
    return "; ".join(names)


def versions_table(versions, names: Mapping[str, str] | None = None) -> str:
    """`names`: name by login (`Store.names`): people are shown by name, not login."""
    names = names or {}
    frame = pd.DataFrame(
        {
            "version": [v.version for v in versions],
            "state": [STATES.get(v.state, v.state) for v in versions],
            "saved": [london_time(v.saved_at) for v in versions],
            "saved_by": [names.get(v.saved_by, v.saved_by) for v in versions],
            "completed": [london_time(v.completed_at) for v in versions],
            "reason": [v.reason or "" for v in versions],
        }
    )
    return html_table(
        frame,
        {"version": "Version", "state": "State", "saved": "Last saved", "saved_by": "Saved by",
         "completed": "Completed", "reason": "Reason for amendment"},
        caption="Versions of this record",
        numeric=("version",),
        empty_message="This record has not been saved yet.",
    )


def audit_table(trail: pd.DataFrame, model: type[BaseModel] | None = None,
                names: Mapping[str, str] | None = None) -> str:
    names = names or {}
    if trail.empty:
        return html_table(trail, {}, empty_message="Nothing has been recorded about this record yet.")
    frame = pd.DataFrame(
        {
            "at": trail["at"].map(london_time),
            "actor": trail["actor"].map(lambda login: names.get(login, login)),
            "action": trail["action"].map(lambda a: ACTIONS.get(a, str(a).capitalize())),
            "version": trail["version"],
            "fields": trail["changes"].map(lambda c: _field_names(model, (c or {}).keys())),
            "reason": trail["reason"].fillna(""),
        }
    )
    return html_table(
        frame.iloc[::-1],
        {"at": "When", "actor": "Who", "action": "What happened", "version": "Version",
         "fields": "What changed", "reason": "Reason"},
        caption="Audit trail (newest first)",
        numeric=("version",),
    )


def history_html(history, model: type[BaseModel] | None) -> str:
    """Both tables for one record (`Store.record_history`), people by name; a plain sentence when the history
    could not be read (`history` None)."""
    if history is None:
        return '<p class="fsnb-notice">The history of this record cannot be shown just now.</p>'
    return (
        f'<div class="fsnb-table-wrap fsnb-history" tabindex="0" role="region" aria-label="Versions">'
        f'{versions_table(history.versions, history.names)}</div>'
        f'<div class="fsnb-table-wrap fsnb-history">{audit_table(history.trail, model, history.names)}</div>'
    )
