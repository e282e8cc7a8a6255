"""A case's oversight story page, built in the kernel on the dashboards' seeded workbook."""

from __future__ import annotations

import io
import zipfile

import pytest
from dashboard_seed import AS_OF, FORMULA, MANAGER, SOUTH_PRACTITIONER, page_on, seed, sqlite_url

from familyservice_nb import documents
from familyservice_nb.store import Store
from familyservice_nb.ui.kit.shared import is_shown
from familyservice_nb.ui.kit.shell import ProblemPage
from familyservice_nb.ui.pages.case_story import NO_CASE, CaseStoryPage


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return seed(sqlite_url(tmp_path_factory.mktemp("story-db")))


def story_page(db, user=MANAGER) -> CaseStoryPage:
    return page_on(CaseStoryPage, db, user)


def test_the_story_shows_the_stores_sections_and_downloads_them_as_pdf_and_word(db):
    page = story_page(db)
    page.apply_query({"case": "C-N1"})
    expected = documents.story_sections(Store(db, user=MANAGER).case_story("C-N1"))
    shown = [w.value for w in page.sections.children]
    assert len(shown) == len(expected)
    for (heading, body), value in zip(expected, shown, strict=True):
        assert f"<h2>{documents.esc(heading)}</h2>" in value and body in value
    assert "Case C-N1 – Oakhurst family" in page.case_line.value
    assert 'href="case-supervision.ipynb?case=C-N1"' in page.case_line.value
    # The free text that a spreadsheet would run stays text; the agreed action is in its trail.
    assert FORMULA.replace('"', "&quot;") in shown[2] and page.message.value == ""
    assert is_shown(page.downloads)
    assert page.document("pdf").startswith(b"%PDF")
    word = zipfile.ZipFile(io.BytesIO(page.document("docx")))
    assert "C-N1" in word.read("word/document.xml").decode()
    assert page.pdf.filename == "oversight-story_case-c-n1.pdf"


def test_a_case_not_yours_and_a_case_not_there_are_said_in_the_stores_words(db):
    page = story_page(db)
    page.apply_query({"case": "C-S1"})  # South: Mo manages North only
    assert "You cannot open case C-S1: it is not allocated to you or to a team you manage." in page.message.value
    assert page.sections.children == () and not is_shown(page.downloads)
    page.apply_query({"case": "<b>C-404</b>"})
    assert "There is no case &lt;b&gt;C-404&lt;/b&gt; in the workbook." in page.message.value
    other = story_page(db, SOUTH_PRACTITIONER)
    other.apply_query({"case": "C-N1"})
    assert "You cannot open case C-N1" in other.message.value and other.story is None


def test_no_case_in_the_address_is_said_plainly_and_offers_only_the_users_cases(db):
    page = story_page(db)
    page.apply_query({})
    assert documents.esc(NO_CASE) in page.message.value
    assert [value for _label, value in page.chooser.options] == ["C-N1", "C-N2"]
    page.chooser.value = "C-N2"
    page.choose_button.click()
    assert page.story.case_id == "C-N2" and "Case C-N2" in page.case_line.value
    assert not is_shown(page.choose)


def test_the_page_follows_the_address_and_without_a_database_says_so(db, monkeypatch):
    monkeypatch.setenv("FSNB_DATABASE_URL", db)
    monkeypatch.setenv("FSNB_USER", MANAGER)
    monkeypatch.setenv("QUERY_STRING", "case=C-N1")
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    page = CaseStoryPage.from_environment()
    assert isinstance(page, CaseStoryPage) and page.story.case_id == "C-N1"
    monkeypatch.delenv("FSNB_DATABASE_URL")
    problem = CaseStoryPage.from_environment()
    assert isinstance(problem, ProblemPage) and "started without" in problem.message


def test_every_case_link_can_open_the_story_through_one_helper(db):
    from familyservice_nb.ui.kit.catalogue import case_link, record_link
    from familyservice_nb.ui.pages.my_work import MyWork

    assert case_link("C 1&x=<2>") == "case-story.ipynb?case=C%201%26x%3D%3C2%3E"
    assert case_link("C-N1", "case-supervision.ipynb") == "case-supervision.ipynb?case=C-N1"
    assert record_link("supervision", 12) == "case-supervision.ipynb?record=12"
    work = MyWork(Store(db, user=MANAGER), as_of=AS_OF)
    assert 'href="case-story.ipynb?case=C-N2">oversight story of C-N2</a>' in work.due.value
    assert 'href="case-story.ipynb?case=C-N1">oversight story of C-N1</a>' in work.actions.value
    work.search.value = "Oak"
    assert '<a href="case-story.ipynb?case=C-N1">Oversight story</a>' in work.found.value
