"""The package's layers, read from the source with `ast` (DESIGN.md: Layers; STYLE: one rule, one place).

- No module imports another module's `_private` name (`from x import _y`, or `x._y` on an imported module).
- The domain (`familyservice_nb/*.py` and `records/`) imports no ipywidgets, plotly, SQLAlchemy or Voila.
- The store imports no ui.
- No module but `web/compat.py` patches another library: no assignment to an attribute of a module or class
  imported from outside the package, no `setattr` on one, no change to `sys.modules`.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "familyservice_nb"
MODULES = sorted(PACKAGE.rglob("*.py"))
# Entry points, the server, the web layer (`web/`) and the team hub (`hub/`) sit above the ui (DESIGN.md
# layers): they may start it.
ENTRY_POINTS = {"cli.py", "__main__.py", "server.py", "__init__.py", "hub", "web"}
COMPAT = PACKAGE / "web" / "compat.py"  # the one module that patches other libraries
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
