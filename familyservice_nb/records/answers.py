"""A record's answers as they stand: read leniently, so a partly filled record is checked as it is.

A form holds answers that are not a whole record yet: some missing, some that cannot be read ("31/02/2026").
`read_answers` validates them with the record's model. When they are not a whole record, each answer is
read on its own, and the partly filled record holds the answers that could be read and None for each one
missing or unreadable. The model's rules across answers (`RecordPart.broken_rules`) and the completion rules
(completion.py) then run on it, and say nothing about an answer that is None: that answer has its own
problem already. No value is ever made up for an answer the writer has not given.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import TypeAdapter, ValidationError

from .base import RecordPart
from .problems import Problem, validation_problems


@dataclass(frozen=True)
class Answers:
    """A record's answers as read: `record` is the record, or the partly filled record (None for each answer
    in `unread`); `problems` what could not be read, in the model's order, then the model's rules broken."""

    record: RecordPart
    problems: tuple[Problem, ...] = ()
    unread: frozenset[str] = frozenset()

    @property
    def whole(self) -> bool:
        """Whether the answers make a valid record (which completion may still find incomplete)."""
        return not self.problems


@functools.cache
def _reader(model: type[RecordPart], name: str) -> TypeAdapter:
    """One field's own validation, with its constraints and validators."""
    return TypeAdapter(model.model_fields[name].rebuild_annotation())


def read_answers(model: type[RecordPart], answers: Mapping) -> Answers:
    """The answers (a form's, or a saved draft's: a dict, partly filled or not) read as a `model` record."""
    data = dict(answers)
    try:
        return Answers(model.model_validate(data))
    except ValidationError as error:
        problems = validation_problems(error, model)
    values, unread = {}, set()
    for name, field in model.model_fields.items():
        if name not in data:
            if field.is_required():
                values[name] = None
                unread.add(name)
            continue  # an optional answer not given takes the model's default
        try:
            values[name] = _reader(model, name).validate_python(data[name])
        except ValidationError:
            values[name] = None
            unread.add(name)
    record = model.model_construct(**values)
    rules = record.broken_rules()
    if rules:  # the model ran them only when every answer could be read: said once either way
        broken = validation_problems(ValidationError.from_exception_data(model.__name__, rules), model)
        problems += [p for p in broken if p.field not in unread and p not in problems]
    return Answers(record, tuple(problems), frozenset(unread))
