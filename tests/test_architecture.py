"""The package's layers, read from the source with `ast` (DESIGN.md: Layers; STYLE: one rule, one place).

- No module imports another module's `_private` name (`from x import _y`, or `x._y` on an imported module).
- The domain (`familyservice_nb/*.py` and `records/`) imports no ipywidgets, plotly, SQLAlchemy or Voila.
- The store imports no ui.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "familyservice_nb"
MODULES = sorted(PACKAGE.rglob("*.py"))
# Entry points, the server and the team hub (`hub/`) sit above the ui (DESIGN.md layers): they may start it.
ENTRY_POINTS = {"cli.py", "__main__.py", "server.py", "__init__.py", "hub"}
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
