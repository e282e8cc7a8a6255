"""The README and the guides in docs/ lead somewhere: every relative link and picture is a file of the
repository (a link to a heading, a heading of that file), every repository path they name in backticks
exists (or is an output git ignores), and the README links every guide."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NOT_THE_REPOSITORY = {".git", ".venv", ".venv-tools", "node_modules", "__pycache__", ".pytest_cache",
                      ".hypothesis", ".ruff_cache", ".ipynb_checkpoints", ".test-artifacts"}

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
# A name in backticks is taken for a path of the repository when it has a "/" or names a Python module, a
# notebook or a document; placeholders, globs, addresses and absolute or home paths are not paths of it.
CHECKED_ENDINGS = (".py", ".ipynb", ".md")
NOT_A_PATH = re.compile(r"[\s<>*?=|{}]|\.\.\.|^[/~]|^\.venv/|://")


def _repository() -> tuple[set[str], set[str]]:
    """The repository's files and folders, as paths relative to its root."""
    files, folders = set(), set()
    for here, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in NOT_THE_REPOSITORY]
        rel = Path(here).relative_to(ROOT)
        folders.update(str(rel / d) for d in dirs)
        files.update(str(rel / n) for n in names)
    return files, folders


FILES, FOLDERS = _repository()


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(text: str) -> set[str]:
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} +(.+?) *#*$", FENCE.sub("", text), re.MULTILINE)}


def broken_links(text: str, where: Path) -> list[str]:
    """Each relative link or picture in `text` (a document at `where`) that leads nowhere, in words."""
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:: not this repository's
        path, _, heading = target.partition("#")
        file = (where.parent / path).resolve()
        if path and not file.exists():
            broken.append(f"{where.name}: {target} is not a file")
        elif heading and (not path or file.suffix == ".md"):
            headings = anchors(file.read_text(encoding="utf-8") if path else text)
            if heading not in headings:
                broken.append(f"{where.name}: {target} names no heading of {file.name if path else where.name}")
    return broken


def _is_path(name: str) -> bool:
    """Dates (25/11/2026) have a "/" but no letter."""
    return (not NOT_A_PATH.search(name) and re.search(r"[A-Za-z]", name) is not None
            and ("/" in name or name.endswith(CHECKED_ENDINGS)))


def _found(name: str) -> bool:
    """A path from the root, or the end of one (`records/kinds.py`, `ui/kit/`: the guides name a module
    from inside the package)."""
    bare = name.rstrip("/")
    known = FOLDERS if name.endswith("/") else FILES | FOLDERS
    return bare in known or any(k.endswith("/" + bare) for k in known)


def unknown_paths(text: str) -> list[str]:
    """Each repository path named in backticks outside code blocks that is neither in the repository nor an
    output git ignores (a database, a backup folder)."""
    names = sorted({n for n in INLINE_CODE.findall(FENCE.sub("", text)) if _is_path(n)})
    missing = [n for n in names if not _found(n)]
    if not missing:
        return []
    ignored = subprocess.run(["git", "check-ignore", "--no-index", *missing], cwd=ROOT, capture_output=True,
                             text=True).stdout.split()
    return [n for n in missing if n not in ignored]


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_and_picture_leads_to_a_file_and_heading_of_the_repository(doc):
    assert broken_links(doc.read_text(encoding="utf-8"), doc) == []


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_path_named_is_in_the_repository(doc):
    assert unknown_paths(doc.read_text(encoding="utf-8")) == []


def test_the_readme_links_every_guide():
    linked = {(ROOT / target.partition("#")[0]).resolve() for target in LINK.findall((ROOT / "README.md").read_text())}
    assert [p.name for p in DOCS[1:] if p.resolve() not in linked] == []


def test_the_checks_catch_a_broken_link_a_missing_heading_and_a_missing_path():
    where = ROOT / "docs" / "example.md"
    text = ("# A heading, with: punctuation\n\n[up](../README.md) [here](#a-heading-with-punctuation) "
            "[gone](gone.md) [web](https://example.org/x.md) ![picture](landing.png) "
            "[no heading](user-guide.md#no-such-heading) [not here](#nowhere)\n\n```\n# not a heading\n`nowhere/at-all.py`\n```\n")
    assert broken_links(text, where) == ["example.md: gone.md is not a file",
                                         "example.md: user-guide.md#no-such-heading names no heading of user-guide.md",
                                         "example.md: #nowhere names no heading of example.md"]
    text = ("`familyservice_nb/store/` `records/kinds.py` `ui/kit/` `kinds.py` `data/workbook.db` `backups/` "
            "`records/<kind>.py` `~/.pgpass` `/etc/x.toml` `columns.toml` `fs.Store()` `25/11/2026` "
            "`store/gone.py` `missing.ipynb` `docs/nowhere/`")
    assert unknown_paths(text) == ["docs/nowhere/", "missing.ipynb", "store/gone.py"]
