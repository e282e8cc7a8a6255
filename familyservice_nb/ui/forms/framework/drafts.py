"""Finding a draft to offer back, and reading a saved record's contents into a form.

A draft may be unfinished (a half-typed date, an empty required box): it is read as the dict it was
saved as, never forced through the model.
"""

from __future__ import annotations

from pydantic import BaseModel

from familyservice_nb.records.lifecycle import RecordState


def my_latest_draft(store, kind: str, case_id: str | None = None, subject: str | None = None):
    """The user's most recently saved draft of this kind for this case (or practitioner), or None."""
    infos = store.records(kind=kind, case_id=case_id, state=RecordState.DRAFT)
    mine = [i for i in infos if i.author == store.user or i.created_by == store.user]
    if subject is not None:
        mine = [i for i in mine if i.subject == subject]
    return max(mine, key=lambda i: (i.updated_at, int(i.record_id)), default=None)


def as_payload(saved) -> dict:
    if isinstance(saved, BaseModel):
        return saved.model_dump(mode="json")
    return dict(saved or {})


def load_payload(store, record_id: str) -> dict:
    """What was saved for the record's current version, as a dict (finished or not)."""
    return as_payload(store.saved_payload(record_id))
