"""The sign-in settings files of `familyservice-nb hub`: `--ldap CONFIG` (directory.py) and `--entra CONFIG`
(entra.py). Each is a small TOML file an IT team writes by hand, so every field is checked as the hub starts
and the first wrong one is named in a sentence, with what it should hold. A secret (the directory's search
account's password, Entra ID's client secret) is never in the file itself: the file names another file, owned
by the user the hub runs as and readable by nobody else, read by the process that needs it, when it needs it.
"""

from __future__ import annotations

import os
import stat
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from ..errors import WorkbookError


@dataclass(frozen=True)
class SettingsFile:
    """A settings file's fields, read and refused in sentences: `what` says each field in words, `problem` is
    the error raised (its message names the file and the field)."""

    path: Path
    data: Mapping
    what: Mapping[str, str]
    problem: type[WorkbookError]

    @classmethod
    def read(cls, path: str | Path, noun: str, known: list[str], what: Mapping[str, str],
             problem: type[WorkbookError]) -> SettingsFile:
        """The file at `path` (its `noun`, as "the directory settings file"), refusing fields not in `known`."""
        path = Path(path).expanduser()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise problem(f"The {noun} {path} cannot be read: {exc.strerror or exc}.") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise problem(f"The {noun} {path} is not valid TOML: {exc}.") from None
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise problem(f"In {path}, the field `{unknown[0]}` is not one the workbook knows; the fields are "
                          f"{', '.join(f'`{n}`' for n in known)}.")
        return cls(path=path, data=data, what=what, problem=problem)

    def refuse(self, name: str, sentence: str) -> NoReturn:
        raise self.problem(f"In {self.path}, `{name}` {sentence}")

    def text(self, name: str, default: str | None = None) -> str:
        """A text field, trimmed; required unless it has a `default`."""
        if name not in self.data:
            if default is None:
                raise self.problem(f"{self.path} has no `{name}`: {self.what[name]}.")
            return default
        value = self.data[name]
        if not isinstance(value, str) or not value.strip():
            self.refuse(name, f"must be text in quotes: {self.what[name]}.")
        return value.strip()

    def whole_number(self, name: str, default: int) -> int:
        if name not in self.data:
            return default
        value = self.data[name]
        if isinstance(value, bool) or not isinstance(value, int):
            self.refuse(name, f"must be a whole number, not {value!r}.")
        return value

    def file(self, name: str) -> Path:
        """A field naming a file (relative to the settings file's folder), which must exist."""
        target = Path(self.text(name)).expanduser()
        if not target.is_absolute():
            target = (self.path.parent / target).resolve()
        if not target.is_file():
            self.refuse(name, f"names {target}, which is not a file: {self.what[name]}.")
        return target

    def private_file(self, name: str) -> Path:
        """A field naming a file that holds a secret: owned by the user the hub runs as, readable by it alone."""
        target = self.file(name)
        info = target.stat()
        if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            self.refuse(name, f"names {target}, which others can read (mode {stat.S_IMODE(info.st_mode):04o}): "
                              f"keep it to its owner with chmod 600 {target}.")
        if info.st_uid != os.geteuid():
            self.refuse(name, f"names {target}, which belongs to another user: it must belong to the user the hub "
                              "runs as (root).")
        return target


def read_secret(file: Path, field: str, whose: str, problem: type[WorkbookError]) -> str:
    """The secret in `file` (its first line, without the line ending), read now; `whose` names it in words
    ("The search account's password")."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise problem(f"{whose} file {file} (`{field}`) cannot be read: {exc.strerror or exc}.") from None
    secret = text.splitlines()[0] if text.splitlines() else ""
    if not secret.strip():
        raise problem(f"{whose} file {file} (`{field}`) is empty.")
    return secret
