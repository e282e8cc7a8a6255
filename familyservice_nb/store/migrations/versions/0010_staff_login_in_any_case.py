"""The staff list's own spelling of a login, given the login in any case (`fsnb_staff_login`), for the hub's
directory sign-in: a council's directory may spell a login `Alex.Smith` where the staff list has `alex.smith`.
The provisioning role may run it; it answers NULL when no login matches, or when two logins differ only in
case (then the directory's login names nobody for certain).

SQLite: nothing (no logins, no provisioning role).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08
"""

from __future__ import annotations

from alembic import op

from familyservice_nb.store.migrations import earlier

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

WHO = earlier("0007_who_records_what")

STAFF_LOGIN = """
CREATE FUNCTION fsnb_staff_login(p_login text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS $$
  SELECT min(s.login) FROM staff s WHERE lower(s.login) = lower(p_login) HAVING count(*) = 1
$$;
REVOKE EXECUTE ON FUNCTION fsnb_staff_login(text) FROM PUBLIC;
"""

PROVISIONER_MAY = (*WHO.PROVISIONER_MAY, "fsnb_staff_login(text)")


def _setup_provisioner(may) -> str:
    """0007's fsnb_setup_provisioner, granting `may` to the provisioning role."""
    start = WHO.PROVISIONING.index("CREATE FUNCTION fsnb_setup_provisioner(")
    end = WHO.PROVISIONING.index("END $$;", start) + len("END $$;")
    old = WHO.PROVISIONING[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    granted = ", ".join(WHO.PROVISIONER_MAY)
    assert old.count(granted) == 1, "0007's fsnb_setup_provisioner grants the provisioning role's functions once"
    return old.replace(granted, ", ".join(may)) + "\n"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    schema = WHO._schema(bind)
    for part in (STAFF_LOGIN, _setup_provisioner(PROVISIONER_MAY)):
        op.execute(WHO._sql(part, schema))


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(WHO._sql(_setup_provisioner(WHO.PROVISIONER_MAY), WHO._schema(bind)))
    op.execute("DROP FUNCTION fsnb_staff_login(text)")
