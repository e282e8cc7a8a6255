"""The EPDR in the store, on both engines: only the practitioner's line manager (or an administrator acting for
them) completes it, a practitioner never does, each refusal in words; printed as a PDF and a Word file."""

from __future__ import annotations

import pytest
from storehelp import ADMIN, MANAGER, OTHER_MANAGER, WORKER, seed_people
from test_store_documents import docx_text, in_order, pdf_text

from familyservice_nb import documents
from familyservice_nb.records.epdr import EPDRRecord
from familyservice_nb.store import NotAllowed, Store


def epdr(author=MANAGER, manager=MANAGER, practitioner=WORKER, **changes) -> EPDRRecord:
    """An EPDR with Pat, held on Friday 20/11/2026, naming `manager` as who held it."""
    return EPDRRecord.model_validate({
        "event_date": "20/11/2026", "author": author, "practitioner": practitioner, "manager": manager,
        "objectives": [{"what": "Lead two parenting groups", "by_when": "31/03/2027"}],
        "development": "Signs of Safety refresher course.", "next_epdr_date": "19/11/2027", **changes})


def test_a_practitioner_drafts_their_epdr_and_only_their_line_manager_completes_it(seeded, as_user):
    pat = as_user(WORKER)
    record_id = pat.save_draft(epdr(author=WORKER))
    with pytest.raises(NotAllowed, match=r"^Only pat.practitioner's line manager can complete their EPDR record; "
                                         r"you are signed in as pat.practitioner.$"):
        pat.complete(record_id)
    sue = as_user(OTHER_MANAGER)
    with pytest.raises(NotAllowed, match=r"^You cannot open record \d+"):  # not hers to see, let alone complete
        sue.complete(record_id)
    mo = as_user(MANAGER)
    assert mo.complete(record_id) == 1
    info = mo.info(record_id)
    assert (info.author, info.subject, info.manager) == (WORKER, WORKER, MANAGER)
    assert mo.versions(record_id)[-1].completed_by == MANAGER


def test_another_manager_cannot_complete_an_epdr_of_someone_they_do_not_line_manage(seeded, as_user):
    sue = as_user(OTHER_MANAGER)
    record_id = sue.save_draft(epdr(author=OTHER_MANAGER, manager=OTHER_MANAGER))
    with pytest.raises(NotAllowed, match=r"^Only pat.practitioner's line manager can complete their EPDR record; "
                                         r"you are signed in as sue.manager.$"):
        sue.complete(record_id)


def test_the_line_manager_completes_it_in_their_own_name(seeded, as_user):
    mo = as_user(MANAGER)
    record_id = mo.save_draft(epdr(manager=OTHER_MANAGER))
    with pytest.raises(NotAllowed, match=r"^Manager: this must be you \(mo.manager\), the line manager holding the "
                                         r"EPDR, not 'sue.manager'.$"):
        mo.complete(record_id)


def test_an_administrator_completes_it_only_for_the_line_manager(seeded, as_user):
    admin = as_user(ADMIN)
    for_sue = admin.save_draft(epdr(author=ADMIN, manager=OTHER_MANAGER))
    with pytest.raises(NotAllowed, match=r"^Manager: 'sue.manager' is not pat.practitioner's line manager; an "
                                         r"administrator completes an EPDR record only for the line manager.$"):
        admin.complete(for_sue)
    for_mo = admin.save_draft(epdr(author=ADMIN, manager=MANAGER))
    assert admin.complete(for_mo) == 1


def test_a_practitioner_cannot_amend_their_completed_epdr(seeded, as_user):
    mo = as_user(MANAGER)
    record_id = mo.save_draft(epdr())
    mo.complete(record_id)
    pat = as_user(WORKER)
    with pytest.raises(NotAllowed, match="the practitioner's line manager"):
        pat.amend(record_id, epdr(next_epdr_date="01/06/2027"), reason="I would like it later")
    assert mo.amend(record_id, epdr(next_epdr_date="01/06/2027"), reason="Agreed a later date") == 2


def test_an_epdr_prints_as_a_pdf_and_a_word_file_in_its_sections_without_mosaic(sqlite_url, tmp_path):
    with Store(sqlite_url) as store:
        seed_people(store)
    with Store(sqlite_url, user=MANAGER) as mo:
        record_id = mo.save_draft(epdr())
        mo.complete(record_id)
        printed = mo.printable(record_id)
    outline = documents.record_outline(printed)
    assert outline.title.startswith(f"EPDR: record {record_id}")
    headings = ["EPDR", "WORK OBJECTIVES", "CONTINUING PERSONAL AND PROFESSIONAL DEVELOPMENT", "NEXT EPDR DUE"]
    for text in (pdf_text(documents.pdf_bytes(outline), tmp_path), docx_text(documents.docx_bytes(outline))):
        assert in_order(text, [*headings, "19/11/2027"]), text
        assert in_order(text, ["Date held: 20/11/2026", "PERSONNEL RECORD", "Practitioner: Pat Practitioner",
                               "Held by: Mo Manager", "1. Lead two parenting groups", "By when: 31/03/2027"]), text
        assert "Mosaic" not in text
