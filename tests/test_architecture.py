"""The package's layers, read from the source with `ast` (DESIGN.md: Layers; STYLE: one rule, one place).

- No module imports another module's `_private` name (`from x import _y`, or `x._y` on an imported module).
- The domain (`familyservice_nb/*.py` and `records/`) imports no ipywidgets, plotly, SQLAlchemy or Voila.
- The store imports no ui.
- No module but `web/compat.py` patches another library: no assignment to an attribute of a module or class
  imported from outside the package, no `setattr` on one, no change to `sys.modules`.
- A record's state is `RecordState` (`records/lifecycle.py`) and a staff role `StaffRole` (`records/people.py`):
  no module compares or writes "draft", "complete" or a role as a bare string. Migrations are frozen history
  and keep their own words.
- The web layer (`web/`) imports nothing from the team hub (`hub/`): the hub builds on it (its launcher, its
  Voila settings, its page-kernel manager), never the other way round.
- The ui reaches the store's rules of who may see and do what (`store/access.py`, `store/authorship.py`) only
  through the store's own API (`familyservice_nb.store`).
- No comment, docstring, notebook or guide cites an issue by its number: each states the constraint itself,
  in words a reader can follow without the issue tracker (STYLE: comments say why; history is in git).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from familyservice_nb.records.lifecycle import RecordState
from familyservice_nb.records.people import StaffRole

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "familyservice_nb"
MODULES = sorted(PACKAGE.rglob("*.py"))
# Entry points, the web layer (`web/`: `serve` and what it shares with the hub) and the team hub (`hub/`) sit
# above the ui (DESIGN.md layers): they may start it.
ENTRY_POINTS = {"cli.py", "__main__.py", "__init__.py", "hub", "web"}
COMPAT = PACKAGE / "web" / "compat.py"  # the one module that patches other libraries
STATE_WORDS = frozenset(RecordState)
ROLE_WORDS = frozenset(StaffRole) | {"database"}  # "database": direct database access (store/access.py)
# Where the words themselves are declared, and the migrations, which are frozen history.
WORDS_DECLARED = {PACKAGE / "records" / "lifecycle.py", PACKAGE / "records" / "people.py"}
MIGRATIONS = PACKAGE / "store" / "migrations"
RULES_MODULES = ("familyservice_nb.store.access", "familyservice_nb.store.authorship")
UI_LIBRARIES = ("ipywidgets", "plotly", "sqlalchemy", "voila", "anywidget", "traitlets", "IPython", "alembic")


def _name(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _imports(tree: ast.AST, path: Path) -> list[tuple[str, int]]:
    """Every module imported (absolute dotted names; relative ones resolved against the package)."""
    package = list(path.relative_to(PACKAGE.parent).parts[:-1])  # the package the module sits in
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.append((module, node.lineno))
            found += [(f"{module}.{alias.name}", node.lineno) for alias in node.names]
    return found


def private_imports(source: str, name: str) -> list[str]:
    tree = ast.parse(source)
    modules: set[str] = set()
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if _private(alias.name):
                    problems.append(f"{name}:{node.lineno} imports {alias.name} from {node.module or '.'}")
                elif node.module is None or alias.name[:1].islower():
                    modules.add(alias.asname or alias.name)  # `from . import audit`: a module, maybe
        elif isinstance(node, ast.Import):
            modules.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Name)
                and node.value.id in modules):
            problems.append(f"{name}:{node.lineno} reaches {node.value.id}.{node.attr}")
    return problems


def _imported_from_outside(tree: ast.AST) -> set[str]:
    """The names a module binds to modules and objects imported from other libraries."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names
                      if not alias.name.startswith("familyservice_nb")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and not (node.module or "").startswith(
                "familyservice_nb"):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def patches(source: str, name: str) -> list[str]:
    """Where a module changes another library: an attribute of an imported module or class assigned, set
    with `setattr` or deleted, or `sys.modules` changed. (A patch through an object handed in, a kernel
    manager's method, cannot be seen this way: compat.py's own tests cover those.)"""
    tree = ast.parse(source)
    outside = _imported_from_outside(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = [t for target in node.targets for t in (target.elts if isinstance(target, ast.Tuple) else
                                                              [target])]
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        for target in targets:
            text = ast.unparse(target)
            if isinstance(target, ast.Attribute) and _root(target) in outside:
                found.append(f"{name}:{node.lineno} sets {text}")
            elif isinstance(target, ast.Subscript) and ast.unparse(target.value) == "sys.modules":
                found.append(f"{name}:{node.lineno} sets {text}")
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called in ("setattr", "delattr") and node.args and _root(node.args[0]) in outside:
                found.append(f"{name}:{node.lineno} calls {called} on {ast.unparse(node.args[0])}")
            elif called.startswith("sys.modules."):
                found.append(f"{name}:{node.lineno} calls {called}")
    return sorted(found, key=lambda line: int(line.split(":")[1].split()[0]))


def _layer(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    if parts[0] in ("ui", "store", "records", "templates"):
        return parts[0]
    return "entry" if parts[0] in ENTRY_POINTS else "domain"


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_no_module_imports_another_modules_private_name(path):
    assert private_imports(path.read_text(encoding="utf-8"), _name(path)) == []


@pytest.mark.parametrize("path", [p for p in MODULES if _layer(p) in ("domain", "records")], ids=_name)
def test_the_domain_imports_no_ui_or_database_library(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"line {line}: {module}" for module, line in _imports(tree, path)
           if module.split(".")[0] in UI_LIBRARIES
           or module.startswith(("familyservice_nb.ui", "familyservice_nb.store"))]
    assert bad == []


@pytest.mark.parametrize("path", [p for p in MODULES if _layer(p) == "store"], ids=_name)
def test_the_store_imports_no_ui(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"line {line}: {module}" for module, line in _imports(tree, path)
           if module.split(".")[0] in ("ipywidgets", "plotly", "voila", "anywidget")
           or module.startswith("familyservice_nb.ui")]
    assert bad == []


@pytest.mark.parametrize("path", [p for p in MODULES if p != COMPAT], ids=_name)
def test_no_module_but_compat_patches_another_library(path):
    assert patches(path.read_text(encoding="utf-8"), _name(path)) == []


def test_compat_is_where_the_patches_are():
    found = patches(COMPAT.read_text(encoding="utf-8"), "compat.py")
    for patched in ("notebook_renderer.VoilaExporter", "extension.TornadoVoilaHandler", "utils.exponential_backoff",
                    "comm.create_comm", "Widget._handle_control_comm_msg", "sys.modules.setdefault"):
        assert any(patched in line for line in found), (patched, found)


# -- the checks themselves catch what they are for --------------------------------------------------


def test_the_checks_catch_a_private_import_and_a_private_attribute():
    source = "from .charts import _hidden\nfrom . import html\nimport numpy as np\nhtml._escape('x')\nnp._x\n"
    problems = sorted(private_imports(source, "example.py"))
    assert problems == ["example.py:1 imports _hidden from charts", "example.py:4 reaches html._escape",
                        "example.py:5 reaches np._x"]
    assert private_imports("from .records import Case\nCase._problems\nx = object()\nx._y\n", "ok.py") == []


def test_relative_imports_are_resolved_against_the_package():
    tree = ast.parse("from ..store import Store\nfrom . import base\n")
    found = {m for m, _ in _imports(tree, PACKAGE / "records" / "people.py")}
    assert "familyservice_nb.store" in found and "familyservice_nb.records.base" in found


def test_the_patch_check_catches_each_way_of_patching_and_leaves_ones_own_objects_alone():
    source = ("import sys\nimport jupyterhub.utils as utils\nfrom ipywidgets import Widget\nfrom .charts import FONT\n"
              "utils.exponential_backoff = None\nWidget.x, y = 1, 2\nsetattr(Widget, 'y', 1)\n"
              "sys.modules['m'] = None\nsys.modules.setdefault('n', None)\ndel utils.wait_for_server\n"
              "FONT.size = 3\nbox = Widget()\nbox.children = ()\nsys.path.insert(0, '')\n")
    assert patches(source, "example.py") == [
        "example.py:5 sets utils.exponential_backoff", "example.py:6 sets Widget.x",
        "example.py:7 calls setattr on Widget", "example.py:8 sets sys.modules['m']",
        "example.py:9 calls sys.modules.setdefault", "example.py:10 sets utils.wait_for_server"]


# -- states and roles by name ------------------------------------------------------------------------


def _words(node: ast.AST, words: frozenset[str]) -> list[str]:
    """The given words that `node` is, or holds as the items of a tuple, list or set (or `frozenset({...})`)."""
    if isinstance(node, ast.Call) and ast.unparse(node.func) in ("frozenset", "set", "tuple") and node.args:
        node = node.args[0]
    items = node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [node]
    return [i.value for i in items if isinstance(i, ast.Constant) and isinstance(i.value, str) and i.value in words]


def bare_words(source: str, name: str, words: frozenset[str], about: str) -> list[str]:
    """Where a module compares or writes one of `words` as a bare string, beside something named `about`
    (`state`, `role`): a comparison (`x.state == "draft"`, `role in ("admin", ...)`), a keyword
    (`state="draft"`), an assignment (`self.state = "draft"`), a dict entry (`{"state": "draft"}`), a dict keyed
    by the words, a lookup (`states.get("draft")`, `{...}.get(viewer.role)`) or a `require({...})`."""
    tree = ast.parse(source)
    found = []

    def flag(node, what):
        found.append(f"{name}:{node.lineno} {what}")

    def mentions(node) -> bool:
        return about in ast.unparse(node).lower()

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(mentions(o) for o in operands) and any(_words(o, words) for o in operands):
                flag(node, f"compares {ast.unparse(node)}")
        elif isinstance(node, ast.keyword) and node.arg == about and _words(node.value, words):
            flag(node.value, f"passes {about}={ast.unparse(node.value)}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                pairs = (zip(target.elts, node.value.elts, strict=False)
                         if isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple)
                         else [(target, node.value)])
                for one, value in pairs:
                    if value is not None and ast.unparse(one).lower().endswith(about) and _words(value, words):
                        flag(node, f"sets {ast.unparse(one)} = {ast.unparse(value)}")
        elif isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
            if any(isinstance(k, ast.Constant) and k.value == about and _words(v, words)
                   for k, v in zip(node.keys, node.values, strict=True)):
                flag(node, f"writes {{'{about}': ...}} with a bare word")
            elif keys and about == "state" and all(_words(k, words) for k in keys):
                flag(node, "keys a dict by bare words")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = [*node.args]
            if node.func.attr == "get" and args and mentions(node.func.value) and _words(args[0], words):
                flag(node, f"looks up {ast.unparse(node)}")
            elif (node.func.attr == "get" and args and isinstance(node.func.value, ast.Dict) and mentions(args[0])
                  and any(_words(k, words) for k in node.func.value.keys if k is not None)):
                flag(node, f"looks {ast.unparse(args[0])} up in a dict keyed by bare words")
            elif node.func.attr == "require" and args and _words(args[0], words):
                flag(node, f"requires {ast.unparse(args[0])}")
    return sorted(set(found), key=lambda line: int(line.split(":")[1].split()[0]))


WORDED = [p for p in MODULES if p not in WORDS_DECLARED and MIGRATIONS not in p.parents]


@pytest.mark.parametrize("path", WORDED, ids=_name)
def test_no_module_compares_or_writes_a_record_state_as_a_bare_string(path):
    assert bare_words(path.read_text(encoding="utf-8"), _name(path), STATE_WORDS, "state") == []


@pytest.mark.parametrize("path", WORDED, ids=_name)
def test_no_module_compares_or_writes_a_role_as_a_bare_string(path):
    assert bare_words(path.read_text(encoding="utf-8"), _name(path), ROLE_WORDS, "role") == []


@pytest.mark.parametrize("path", [p for p in MODULES if _layer(p) == "ui"], ids=_name)
def test_the_ui_reaches_the_rules_of_who_may_do_what_only_through_the_store(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"line {line}: {module}" for module, line in _imports(tree, path) if module.startswith(RULES_MODULES)]
    assert bad == []


KIT = PACKAGE / "ui" / "kit"
# The kit is what every page and form is built of: it knows no form, no page and no chart, so a page's or a
# chart's change cannot reach into every other page through it.
ABOVE_THE_KIT = ("familyservice_nb.ui.forms", "familyservice_nb.ui.pages", "familyservice_nb.ui.charts",
                 "familyservice_nb.ui.figure_files")


def kit_reaches_above(tree: ast.AST, path: Path) -> list[str]:
    """Each import line of the kit that reaches a form, a page or a chart (`from familyservice_nb.ui import
    charts` included), named once."""
    found: dict[int, str] = {}
    for module, line in _imports(tree, path):
        if module.startswith(ABOVE_THE_KIT):
            found.setdefault(line, module)
    return [f"line {line}: {module}" for line, module in sorted(found.items())]


@pytest.mark.parametrize("path", [p for p in MODULES if KIT in p.parents], ids=_name)
def test_the_kit_imports_no_form_page_or_chart(path):
    assert kit_reaches_above(ast.parse(path.read_text(encoding="utf-8")), path) == []


def test_the_kit_check_sees_a_form_a_page_and_a_chart_however_imported():
    source = ("from familyservice_nb.ui.forms.framework import request\n"
              "def later():\n    from familyservice_nb.ui.charts import month_rows\n"
              "import familyservice_nb.ui.pages.landing\n"
              "from ..figure_files import chart_png\n"
              "from familyservice_nb.ui.kit import html\n"
              "from familyservice_nb.ui import charts\n")
    found = kit_reaches_above(ast.parse(source), KIT / "example.py")
    assert found == ["line 1: familyservice_nb.ui.forms.framework", "line 3: familyservice_nb.ui.charts",
                     "line 4: familyservice_nb.ui.pages.landing", "line 5: familyservice_nb.ui.figure_files",
                     "line 7: familyservice_nb.ui.charts"]


WEB = PACKAGE / "web"


@pytest.mark.parametrize("path", [p for p in MODULES if WEB in p.parents], ids=_name)
def test_the_web_layer_imports_nothing_from_the_hub(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = [f"line {line}: {module}" for module, line in _imports(tree, path)
           if module.startswith("familyservice_nb.hub")]
    assert bad == []


def page_modules() -> set[str]:
    """The page modules the page notebooks in dashboards/ open (`from familyservice_nb.ui.pages.X import ...`)."""
    import json
    import re

    found = set()
    for notebook in (PACKAGE.parent / "dashboards").glob("*.ipynb"):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            found.update(re.findall(r"from (familyservice_nb\.ui\.pages\.\w+) import", "".join(cell["source"])))
    return found


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_a_page_module_is_opened_only_by_its_notebook(path):
    """A page's module loads what its page needs (plotly, a chart warmed up); another page importing it would
    carry all of that into a page that needs none of it."""
    pages = page_modules()
    assert pages  # the notebooks were read
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert [f"line {line}: {module}" for module, line in _imports(tree, path) if module in pages] == []


def test_the_word_checks_catch_each_way_of_writing_a_bare_word_and_leave_the_enums_alone():
    source = ("if info.state == 'draft': pass\n"
              "rows.where(record_versions.c.state == 'complete')\n"
              "insert(records).values(state='draft')\n"
              "self.state, self.amending = 'complete', True\n"
              "values = {'state': 'complete'}\n"
              "STATES = {'draft': 'Draft', 'complete': 'Completed'}\n"
              "states.get('complete', 0)\n"
              "if info.state == RecordState.DRAFT: pass\n"
              "ACTIONS = {'complete': 'Completed', 'amend': 'Amended'}\n"
              "audit.record(action='complete')\n")
    assert bare_words(source, "example.py", STATE_WORDS, "state") == [
        "example.py:1 compares info.state == 'draft'", "example.py:2 compares record_versions.c.state == 'complete'",
        "example.py:3 passes state='draft'", "example.py:4 sets self.state = 'complete'",
        "example.py:5 writes {'state': ...} with a bare word", "example.py:6 keys a dict by bare words",
        "example.py:7 looks up states.get('complete', 0)"]
    source = ("if viewer.role == 'manager': pass\n"
              "if viewer.role not in ('manager', 'admin'): pass\n"
              "staff[staff['role'] == 'manager']\n"
              "Viewer(login=None, role='database')\n"
              "viewer.require(frozenset({'admin', 'database'}), 'change the staff list')\n"
              "{'practitioner': 'your own notes'}.get(viewer.role, 'every team')\n"
              "if by not in ('team', 'manager'): pass\n"
              "if viewer.role == StaffRole.MANAGER: pass\n"
              "data.get('manager')\n")
    assert bare_words(source, "example.py", ROLE_WORDS, "role") == [
        "example.py:1 compares viewer.role == 'manager'", "example.py:2 compares viewer.role not in ('manager', 'admin')",
        "example.py:3 compares staff['role'] == 'manager'", "example.py:4 passes role='database'",
        "example.py:5 requires frozenset({'admin', 'database'})",
        "example.py:6 looks viewer.role up in a dict keyed by bare words"]


def test_the_rules_import_check_sees_each_way_of_importing_the_rules():
    for source in ("from familyservice_nb.store.access import LOADS_DATA\n", "from ...store import access\n",
                   "import familyservice_nb.store.authorship\n"):
        found = [m for m, _ in _imports(ast.parse(source), PACKAGE / "ui" / "kit" / "data.py")]
        assert any(m.startswith(RULES_MODULES) for m in found), source
    found = [m for m, _ in _imports(ast.parse("from familyservice_nb.store import may_upload_extract\n"),
                                    PACKAGE / "ui" / "kit" / "data.py")]
    assert not any(m.startswith(RULES_MODULES) for m in found)


# -- comments state constraints, not issue numbers ----------------------------------------------------

# The word "issue" (or "issues") and then a number, "#" and spaces allowed between: a number the reader
# would need the issue tracker to follow.
ISSUE_NUMBER = re.compile(r"\bissues?\s*#?\s*\d", re.IGNORECASE)
# Source read by people: the package (its code, styles and templates), the tests, the benchmarks, the
# guides and the scripts beside them, the notebooks (analysts' and the pages'), the deployment, the build
# and the CI.
SOURCE_SUFFIXES = {".py", ".css", ".js", ".jinja2", ".ipynb", ".toml", ".yaml", ".md"}
SOURCE_FOLDERS = ("familyservice_nb", "tests", "benchmarks", "docs", "notebooks", "dashboards", "deploy")
WORDED_SOURCES = sorted(
    p for folder in SOURCE_FOLDERS for p in (ROOT / folder).rglob("*")
    if p.is_file() and p.suffix in SOURCE_SUFFIXES and "node_modules" not in p.parts
) + [ROOT / name for name in ("README.md", "Makefile", "pyproject.toml", ".gitignore", ".ci/run")]


def _readable_text(path: Path) -> str:
    """What a person reads in the file: a notebook's cell sources, else the file as it is."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        return "\n".join("".join(cell["source"]) for cell in json.loads(text)["cells"])
    return text


def issue_numbers(text: str, name: str) -> list[str]:
    return [f"{name}:{n}: {line.strip()}" for n, line in enumerate(text.splitlines(), 1)
            if ISSUE_NUMBER.search(line)]


@pytest.mark.parametrize("path", WORDED_SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_comment_notebook_or_guide_cites_an_issue_by_number(path):
    assert issue_numbers(_readable_text(path), str(path.relative_to(ROOT))) == []


def test_the_issue_number_check_catches_each_way_of_citing_one_and_leaves_words_alone():
    word = "issue"  # spelt apart from its number, so this file passes its own check
    cited = [f"# ({word} 13)", f"{word.capitalize()} 10: every child", f"see {word} #12",
             f"{word}s 10 and 11", f'"""Bounded kernels ({word}#12)."""']
    assert [line.split(": ", 1)[1] for line in issue_numbers("\n".join(cited), "example.py")] == cited
    words = ["# We issue BEGIN ourselves", "an issue with the date", f"{word}: the Voila app", "tissue 12"]
    assert issue_numbers("\n".join(words), "example.py") == []
