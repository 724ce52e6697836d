"""Small SQL helpers shared by services (dialect-aware upserts)."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


@lru_cache(maxsize=64)
def _insert_ignore_stmt(dialect: str, table: Table, conflict: tuple[str, ...]):
    builder = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return builder(table).on_conflict_do_nothing(index_elements=list(conflict)).returning(table.c.id)


def insert_ignore(session: Session | Connection, table: Table, values: dict, *,
                  conflict: list[str]) -> int | None:
    """INSERT a row unless it conflicts on `conflict`; return the new id or None.

    The statement is built once per table and dialect (it is on the callback's hot path).
    """
    dialect = session.get_bind().dialect.name if isinstance(session, Session) else session.dialect.name
    stmt = _insert_ignore_stmt(dialect, table, tuple(conflict))
    return session.execute(stmt, values).scalar_one_or_none()
