"""Whether a stored record can be read: the one place that decides, for every place that reads records.

A row written around the workbook (by hand, by a faulty restore or script) may hold text that is not JSON,
JSON its record model refuses, or a kind of record the workbook does not keep. A list that reads many
records leaves such a record out and names it where it would be (`errors.UnreadableRecord`: "Record 693
could not be read; tell your administrator."); the rest of the list shows. The cause goes to the log, for the
administrator: field names and the model's reasons, never what the record holds.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pydantic import BaseModel, ValidationError

from ..errors import UnreadableRecord

log = logging.getLogger(__name__)


class ReadRecords(list):
    """Records read, in the order they were given, with `unreadable`: those left out, each named."""

    def __init__(self, models: Iterable[BaseModel] = (), unreadable: Iterable[UnreadableRecord] = ()):
        super().__init__(models)
        self.unreadable: list[UnreadableRecord] = list(unreadable)


def known_kinds():
    """The declared kinds of record (`records.kinds.KINDS`) by key."""
    from ..records import kinds  # the domain, loaded when a record is first read

    return kinds.KINDS


def _cause(error: ValidationError) -> str:
    """The model's reasons without the values refused (a record's text stays out of the log)."""
    return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'the record'}: {e['msg']}"
                     for e in error.errors(include_url=False, include_context=False, include_input=False)[:5])


def read_record(kind: str, payload, record_id, event_date=None, version=None) -> BaseModel:
    """The stored record as its model, or `UnreadableRecord` (its cause logged) when it cannot be read."""
    where = f"record {record_id}" + (f" version {version}" if version is not None else "") + f" ({kind!r})"
    if kind not in known_kinds():
        log.error("%s could not be read: the workbook keeps no records of this kind.", where)
        raise UnreadableRecord(record_id, event_date)
    try:
        return known_kinds()[kind].model.model_validate_json(payload)
    except ValidationError as exc:
        log.error("%s could not be read: %s.", where, _cause(exc))
    except Exception:  # noqa: BLE001 - whatever else a model's own check raises on a row it never expected
        log.exception("%s could not be read.", where)
    raise UnreadableRecord(record_id, event_date)


def read_records(rows: Iterable) -> ReadRecords:
    """Each row (with `kind`, `payload`, `record_id`, `event_date` and `version`) read by `read_record`, in
    order; the unreadable ones left out and named in `unreadable`."""
    models, unreadable = [], []
    for row in rows:
        try:
            models.append(read_record(row.kind, row.payload, row.record_id, row.event_date, row.version))
        except UnreadableRecord as left_out:
            unreadable.append(left_out)
    return ReadRecords(models, unreadable)

