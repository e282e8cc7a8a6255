"""The landing page, the page registry and who the user is (no browser)."""

from __future__ import annotations

import json
from pathlib import Path

from familyservice_nb.ui.kit.catalogue import discover_pages
from familyservice_nb.ui.kit.context import DEMO_USER, PageContext, current_user, parse_as_of
from familyservice_nb.ui.pages.index import LandingPage

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = ROOT / "dashboards"


def test_hub_user_wins_over_fsnb_user():
    assert current_user({"JUPYTERHUB_USER": "hub.user", "FSNB_USER": "someone else"}) == "hub.user"
    assert current_user({"FSNB_USER": "Sam Lee"}) == "Sam Lee"
    assert current_user({"FSNB_USER": "  "}) == DEMO_USER
    assert current_user({}) == "demo manager"


def test_as_of_is_read_the_uk_way_never_month_first():
    assert str(parse_as_of("2026-11-25")) == "2026-11-25"
    assert str(parse_as_of("03/04/2026")) == "2026-04-03"
    assert parse_as_of("") is None
    try:
        parse_as_of("04/13/2026")
    except ValueError as exc:
        assert str(exc).startswith("FSNB_AS_OF: '04/13/2026' is not a date we can read")
    else:
        raise AssertionError("a month-first date was accepted")


def test_landing_lists_every_page_with_its_link():
    page = LandingPage.from_context(PageContext(user="Sam Lee"), dashboards=DASHBOARDS)
    assert page.title == "Family Service workbook"
    assert '<a href="recording-timeliness.ipynb">Recording timeliness</a>' in page.links.value
    notebooks = {p.name for p in DASHBOARDS.glob("*.ipynb")} - {"index.ipynb"}
    assert {p.notebook for p in page.pages} == notebooks
    assert "Sam Lee" in page.welcome.value


def test_landing_escapes_the_user_name():
    page = LandingPage(user='<img src=x onerror="alert(1)">', pages=discover_pages(DASHBOARDS))
    assert "<img" not in page.welcome.value and "<img" not in page.header.value
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page.welcome.value


def test_a_new_page_is_listed_by_adding_a_notebook(tmp_path):
    for name in ("index.ipynb", "b.ipynb", "a.ipynb", "scratch.ipynb"):
        (tmp_path / name).write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    (tmp_path / "b.ipynb").write_text(json.dumps({"metadata": {"fsnb": {"title": "Beta", "order": 1}}}))
    (tmp_path / "a.ipynb").write_text(json.dumps({"metadata": {"fsnb": {"title": "Alpha", "order": 2}}}))
    assert [(p.title, p.notebook) for p in discover_pages(tmp_path)] == [("Beta", "b.ipynb"), ("Alpha", "a.ipynb")]


def test_page_notebooks_are_thin_use_python3_and_have_no_outputs():
    for path in DASHBOARDS.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == "python3", path.name
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert 1 <= len(code) <= 5, path.name
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path.name
        assert all(c["cell_type"] == "code" for c in nb["cells"]), f"{path.name}: a markdown cell shows on the page"
        assert "from familyservice_nb.ui." in "".join("".join(c["source"]) for c in code)
