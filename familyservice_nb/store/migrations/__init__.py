"""Alembic migrations, kept inside the package so `db upgrade` works from an installed copy."""
