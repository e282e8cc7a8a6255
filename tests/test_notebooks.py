"""The analyst notebooks as files: numbered, committed without outputs, thin, and run by `make test`.

Running them top to bottom is nbval's job (`pytest --nbval-lax notebooks/`, wired into `make test`);
these checks are the ones nbval cannot make.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = [
    "01-load-an-extract.ipynb",
    "02-recording-timeliness.ipynb",
    "03-supervision-and-oversight.ipynb",
    "04-add-a-quality-standard.ipynb",
]
# Chart building, queries and widgets live in the package (DESIGN.md: Layers), not in a notebook.
NOT_IN_A_NOTEBOOK = ("plotly", "sqlalchemy", "ipywidgets", "sqlite3", "psycopg")


def _code(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_the_numbered_notebooks_are_there_in_order():
    assert [p.name for p in NOTEBOOKS] == EXPECTED
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d-[a-z]+(-[a-z]+)*\.ipynb", path.name)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs_on_the_python3_kernel(path: Path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: cell {cell.id} has outputs; clear them before committing"
            assert cell.execution_count is None, f"{path.name}: cell {cell.id} has an execution count"
        assert "attachments" not in cell or not cell.attachments


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_opens_with_its_numbered_title(path: Path):
    nb = nbformat.read(path, as_version=4)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    assert first.source.startswith(f"# {path.name[:2]} · ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_imports_the_package_and_builds_nothing_itself(path: Path):
    sources = _code(path)
    trees = [ast.parse(s) for s in sources]
    imported = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
                # The one exception: declaring a quality standard is what notebook 04 is about.
                decorators = [ast.unparse(d) for d in getattr(node, "decorator_list", [])]
                assert any(d.startswith(("standard(", "fs.standard(")) for d in decorators), (
                    f"{path.name}: define functions and classes in the package, not in a notebook"
                )
    assert "familyservice_nb" in imported
    assert not imported & set(NOT_IN_A_NOTEBOOK), f"{path.name} imports {imported & set(NOT_IN_A_NOTEBOOK)}"
    text = "\n".join(sources)
    assert not re.search(r"\bSELECT\b|\bFROM\s+\w+\s+WHERE\b", text), f"{path.name}: SQL belongs in the store"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_uses_only_synthetic_data_written_outside_the_project(path: Path):
    text = "\n".join(_code(path))
    # Files a notebook writes go into a temporary folder; nothing is read from the project's data/.
    assert "tempfile" in text
    assert not re.search(r"""["'](\.\./)?data/""", text)


def test_make_test_runs_the_notebooks_with_nbval_in_lax_mode():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    makefile = (ROOT / "Makefile").read_text()
    test_recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    by_config = "notebooks" in config.get("testpaths", []) and "--nbval-lax" in config.get("addopts", "")
    by_make = "--nbval-lax" in test_recipe and "notebooks" in test_recipe
    assert by_config or by_make, "make test must run notebooks/ with --nbval-lax"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_reaches_the_package_only_through_fs(path: Path):
    """`import familyservice_nb as fs` is the one import of the package, and every `fs.name` is listed by
    `dir(fs)` (so tab completion shows it)."""
    import familyservice_nb as fs

    used = set()
    for tree in (ast.parse(s) for s in _code(path)):
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("familyservice_nb"), f"{path.name}: from {node.module} import ..."
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("familyservice_nb"):
                        assert (alias.name, alias.asname) == ("familyservice_nb", "fs"), f"{path.name}: {alias.name}"
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "fs":
                used.add(node.attr)
    assert used and used <= set(dir(fs)), f"{path.name} uses {sorted(used - set(dir(fs)))}"


def test_dir_of_the_package_lists_the_names_loaded_on_first_use():
    import familyservice_nb as fs

    names = dir(fs)
    assert {"read_extract", "Store", "analysis", "oversight", "charts", "records", "fill_demo"} <= set(names)
    assert not [n for n in names if n.startswith("_") and not n.startswith("__")]
    assert fs.charts.__name__ == "familyservice_nb.ui.charts" and fs.analysis.__name__ == "familyservice_nb.analysis"
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        fs.no_such_name  # noqa: B018
