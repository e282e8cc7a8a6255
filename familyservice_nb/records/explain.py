"""Validation errors in plain words: one sentence per problem, naming the field by its title.

"Telephone number: this is needed for a telephone call."
"""

from __future__ import annotations

import types
import typing

from pydantic import BaseModel, ValidationError

from .base import RecordPart

# What to say after the field's title for pydantic's own error types.
_PLAIN = {
    "missing": "this is needed.",
    "blank": "this cannot be left blank.",
    "extra_forbidden": "this is not part of this record.",
    "bool_type": "answer yes or no.",
    "bool_parsing": "answer yes or no.",
    "date_type": "write the date as day/month/year, for example 25/11/2026.",
    "date_parsing": "write the date as day/month/year, for example 25/11/2026.",
    "date_from_datetime_parsing": "write the date as day/month/year, for example 25/11/2026.",
    "date_from_datetime_inexact": "give the date without a time.",
    "time_type": "write the time in hours and minutes, for example 14:30.",
    "time_parsing": "write the time in hours and minutes, for example 14:30.",
    "string_type": "this should be text.",
    "int_type": "this should be a whole number.",
    "int_parsing": "this should be a whole number.",
    "int_from_float": "this should be a whole number.",
    "list_type": "this should be a list.",
    "dict_type": "this should be a list of answers.",
    "model_type": "this is not filled in properly.",
    "json_invalid": "the saved record could not be read.",
}


def _models() -> dict[str, type[BaseModel]]:
    found, todo = {}, [RecordPart]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo.extend(cls.__subclasses__())
    return found


def _inner_model(annotation) -> type[BaseModel] | None:
    """The model inside list[X], X | None, dict[str, X] and the like."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if not isinstance(arg, types.NoneType) and (found := _inner_model(arg)):
            return found
    return None


def _where(model: type[BaseModel] | None, loc: tuple) -> str:
    """'Children spoken to, entry 1, Date spoken to' for ('children', 0, 'date_spoken_to')."""
    words = []
    for part in loc:
        if isinstance(part, int):
            words.append(f"entry {part + 1}")
        elif model is not None and part in model.model_fields:
            field = model.model_fields[part]
            words.append(field.title or part.replace("_", " ").capitalize())
            model = _inner_model(field.annotation)
        else:
            words.append(f"'{part}'")
    return ", ".join(words) or "This record"


def _plain(error: dict) -> str:
    ctx = error.get("ctx") or {}
    if "plain" in ctx:
        return ctx["plain"]
    if error["type"] in ("enum", "literal_error") and "expected" in ctx:
        return f"choose one of {ctx['expected']}."
    if error["type"] in ("greater_than_equal", "greater_than") and ctx:
        return f"this should be at least {ctx.get('ge', ctx.get('gt'))}."
    if error["type"] in _PLAIN:
        return _PLAIN[error["type"]]
    msg = error["msg"].removeprefix("Value error, ")
    return msg[:1].lower() + msg[1:] + ("" if msg.endswith(".") else ".")


def explain(error: ValidationError, model: type[BaseModel] | None = None) -> list[str]:
    """Each problem as 'Title: plain words.' The model is found from the error when not given."""
    model = model or _models().get(error.title)
    return [f"{_where(model, tuple(e['loc']))}: {_plain(e)}" for e in error.errors(include_url=False)]
