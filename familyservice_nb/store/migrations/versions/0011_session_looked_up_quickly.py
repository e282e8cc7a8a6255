"""Who the session is, looked up in a tenth of the time for a session that is not a workbook login (the owner,
an import, a backup, a direct database session).

`fsnb_session()`, `fsnb_role()` and `fsnb_login()` tell a login's role from the staff list at once; for any
other session they ask whether it belongs to one of the workbook's groups (then it sees nothing) or not (then it
is trusted database access). Asked through `pg_roles`, a view that joins every role's settings, that question
cost about 2 ms, and every policy and record trigger asks it: a statement by the owner took 2 ms more than the
same statement on a table without row-level security. Here it is asked of `pg_auth_members` by the roles' OIDs,
for the same answer: a direct member of one of the workbook's groups.

SQLite: nothing (no logins).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

from familyservice_nb.store.migrations import earlier

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

WHO = earlier("0007_who_records_what")

OLD_MEMBERSHIP = """EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                                                  JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                                                  JOIN pg_catalog.pg_roles u ON u.oid = m.member
                                                  WHERE u.rolname = who.me AND g.rolname = ANY (fsnb_group_roles()))"""
# to_regrole reads its argument as an identifier, so a role name is quoted; a group not made yet is NULL and
# matches nothing.
MEMBERSHIP = """EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m
                                                  WHERE m.member = to_regrole(quote_ident(who.me))::oid
                                                    AND m.roleid IN (SELECT to_regrole(quote_ident(g))::oid
                                                                     FROM unnest(fsnb_group_roles()) AS g))"""


def _session_functions(membership: str) -> str:
    """0007's fsnb_session, fsnb_role and fsnb_login, asking group membership with `membership`."""
    start = WHO.FUNCTIONS.index("CREATE FUNCTION fsnb_session(")
    end = WHO.FUNCTIONS.index("-- Facts of the staff list and cases")
    old = WHO.FUNCTIONS[start:end]
    assert old.count(OLD_MEMBERSHIP) == 3, "0007's three session functions ask group membership the same way"
    return old.replace(OLD_MEMBERSHIP, membership).replace("CREATE FUNCTION fsnb_session(",
                                                           "CREATE OR REPLACE FUNCTION fsnb_session(")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(WHO._sql(_session_functions(MEMBERSHIP), WHO._schema(bind)))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(WHO._sql(_session_functions(OLD_MEMBERSHIP), WHO._schema(bind)))
