"""Small SQL helpers shared by services (dialect-aware upserts)."""
from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, table: Table, values: dict, *, conflict: list[str]) -> int | None:
    """INSERT a row unless it conflicts on `conflict`; return the new id or None."""
    dialect = session.get_bind().dialect.name
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = builder(table).values(**values).on_conflict_do_nothing(index_elements=conflict)
    return session.execute(stmt.returning(table.c.id)).scalar_one_or_none()
