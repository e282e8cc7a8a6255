"""The EPDR, a kind of record completed by the practitioner's line manager, in PostgreSQL's own completion rule.

`store/authorship.py` states who completes each kind from its declaration (`records.kinds`); the database
states it again in SQL (0007's `fsnb_completion_refusal`), naming the kinds. Here an EPDR (`epdr`) is completed
as a line management supervision is: only by the practitioner's line manager, named as the manager who held it
(an administrator only for that line manager), never by the practitioner; and the manager it names is kept in
the record's `manager` column (`fsnb_manager_named`). The refusals name the record as the store does.

SQLite: nothing (the store applies the same rules itself).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09
"""

from __future__ import annotations

from alembic import op

from familyservice_nb.store.migrations import earlier

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

WHO = earlier("0007_who_records_what")

LINE_MANAGER_KINDS = ("line_management", "epdr")  # records.kinds: completed by Completer.LINE_MANAGER
NAMES_MANAGER = ("supervision", *LINE_MANAGER_KINDS)  # records.kinds: the kinds whose model names a manager
# How a refusal names each kind's record (RecordKind.noun) and the meeting (its model's `occasion`).
NOUN = "CASE p_kind WHEN 'epdr' THEN 'EPDR record' ELSE 'line management supervision record' END"
OCCASION = "CASE p_kind WHEN 'epdr' THEN 'EPDR' ELSE 'supervision' END"
ARTICLE = "CASE p_kind WHEN 'epdr' THEN 'an ' ELSE 'a ' END"

# 0007's rules of who completes what, and the words that change in them: (0007's, this revision's).
START, END = "-- Whether a manager must complete a record", "-- A version's text as JSON"
CHANGES = (
    (f"p_kind IN ({WHO._sql_list(WHO.NAMES_MANAGER)})", f"p_kind IN ({WHO._sql_list(NAMES_MANAGER)})"),
    ("ELSIF p_kind = 'line_management' THEN", f"ELSIF p_kind IN ({WHO._sql_list(LINE_MANAGER_KINDS)}) THEN"),
    ("""RETURN format('Manager: ''%s'' is not %s''s line manager; an administrator completes a line management '
                      'supervision only for the line manager.', named, practitioner);""",
     f"""RETURN format('Manager: ''%s'' is not %s''s line manager; an administrator completes %s%s only for the '
                      'line manager.', named, practitioner, {ARTICLE}, {NOUN});"""),
    ("""RETURN format('Only %s''s line manager can complete their line management supervision; you are signed in '
                    'as %s.', practitioner, p_login);""",
     f"""RETURN format('Only %s''s line manager can complete their %s; you are signed in as %s.', practitioner,
                    {NOUN}, p_login);"""),
    ("""RETURN format('Manager: this must be you (%s), the line manager holding the supervision, not ''%s''.',
                    p_login, named);""",
     f"""RETURN format('Manager: this must be you (%s), the line manager holding the %s, not ''%s''.', p_login,
                    {OCCASION}, named);"""),
)


def _rules(changes) -> str:
    """0007's fsnb_manager_required, fsnb_manager_named and fsnb_completion_refusal, with `changes` made, each
    replacing the function of the same name."""
    start = WHO.FUNCTIONS.index(START)
    text = WHO.FUNCTIONS[start:WHO.FUNCTIONS.index(END, start)]
    for old, new in changes:
        assert text.count(old) == 1, f"0007's completion rule says, once: {old}"
        text = text.replace(old, new)
    assert text.count("CREATE FUNCTION") == 3, "0007's three functions of who completes what"
    return text.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


FUNCTIONS = _rules(CHANGES)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(WHO._sql(FUNCTIONS, WHO._schema(bind)))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(WHO._sql(_rules(()), WHO._schema(bind)))
