"""Problems with a record, in plain words: one `Problem` from the model to the screen.

A `Problem` is where (a field path) and what (a whole sentence naming the field by its title):
"Telephone number: this is needed for a telephone call." The model's validation errors become Problems
here (`validation_problems`), the completion rules give Problems (completion.py), and a form shows them as
they are: the sentence in its list of problems, the words after the field's name beside the input.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError

from .base import RecordPart

# Answers that cannot be read, or cannot be right whatever else the record says: a form says these at the
# field as they are typed, not only when the record is completed.
SAID_AS_TYPED = frozenset({
    "date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact", "no_such_date",
    "time_parsing", "time_type", "login", "future_event",
})

INCOMPLETE = "incomplete"  # the code of a completion rule's problem: something the record does not say yet


@dataclass(frozen=True)
class Problem:
    """One thing to put right: where (a field path), what (a whole sentence), and its kind (`code`: the
    validation error's type, or `INCOMPLETE` for what a completion rule still asks for)."""

    loc: tuple
    message: str
    code: str = INCOMPLETE

    @property
    def path(self) -> str:
        """'children.1.views_and_feelings': the place in the record, as forms name their inputs."""
        return ".".join(str(p) for p in self.loc)

    @property
    def field(self) -> str:
        """The top-level field the problem belongs to (forms put the message next to it)."""
        return str(self.loc[0]) if self.loc else ""

    @property
    def below(self) -> tuple:
        """Where below its field: (1, 'views_and_feelings') for ('children', 1, 'views_and_feelings')."""
        return tuple(self.loc[1:])

    @property
    def words(self) -> str:
        """The sentence without the field's name in front, as said beside the field: 'This is needed.'"""
        short = self.message.split(": ", 1)[-1]
        return short[:1].upper() + short[1:]

    @property
    def said_as_typed(self) -> bool:
        """Whether the answer as typed cannot be read or cannot be right (`SAID_AS_TYPED`)."""
        return self.code in SAID_AS_TYPED


def in_order(problems: Iterable[Problem], order: Sequence[str]) -> list[Problem]:
    """The problems in the order of their fields in `order` (a form's), those of other fields last; problems
    of one field keep the order they came in."""
    place = {name: i for i, name in enumerate(order)}
    return sorted(problems, key=lambda p: place.get(p.field, len(place)))


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


def _title(model: type[BaseModel], name: str) -> str:
    if issubclass(model, RecordPart):
        return model.title_of(name)
    return model.model_fields[name].title or name.replace("_", " ").capitalize()


def _where(model: type[BaseModel] | None, loc: tuple) -> str:
    """'Children spoken to, entry 1, Date spoken to' for ('children', 0, 'date_spoken_to')."""
    words = []
    for part in loc:
        if isinstance(part, int):
            words.append(f"entry {part + 1}")
        elif model is not None and part in model.model_fields:
            words.append(_title(model, part))
            model = _inner_model(model.model_fields[part].annotation)
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


def validation_problems(error: ValidationError, model: type[BaseModel] | None = None) -> list[Problem]:
    """Each validation error as a Problem: its place, and 'Title: plain words.' naming the field as the
    writer sees it (`RecordPart.title_of`). The model is found from the error when not given."""
    model = model or _models().get(error.title)
    return [Problem(tuple(e["loc"]), f"{_where(model, tuple(e['loc']))}: {_plain(e)}", e["type"])
            for e in error.errors(include_url=False)]


def explain(error: ValidationError, model: type[BaseModel] | None = None) -> list[str]:
    """Each problem's sentence (`validation_problems`), for a message that lists them."""
    return [p.message for p in validation_problems(error, model)]
