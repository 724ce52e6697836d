"""Set-based writes for batch services: one statement per batch, whatever the batch size.

On PostgreSQL rows travel as one array per column (`unnest`), so a 1,000-row insert or update is
a single short statement; SQLite takes the same rows through executemany.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Sequence

from sqlalchemy import Column, Table, bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

_PG = postgresql.dialect()


def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_ignoring_conflicts(session: Session, table: Table, conflict: list[str]):
    """An INSERT that skips rows conflicting on the unique key `conflict` (execute it with a list of rows)."""
    builder = postgresql.insert if _is_pg(session) else sqlite.insert
    return builder(table).on_conflict_do_nothing(index_elements=conflict)


@lru_cache(maxsize=256)
def _pg_type(column: Column) -> str:
    impl = getattr(column.type, "impl", column.type)
    return impl.compile(dialect=_PG)


def _columns(table: Table, names: Sequence[str]) -> list[Column]:
    return [table.c[name] for name in names]


def _sqlite_insert(table: Table, conflict: Sequence[str], update: Sequence[str]):
    if not conflict:
        return table.insert()
    stmt = sqlite.insert(table)
    if update:
        return stmt.on_conflict_do_update(index_elements=list(conflict),
                                          set_={name: stmt.excluded[name] for name in update})
    return stmt.on_conflict_do_nothing(index_elements=list(conflict))


def insert_rows(session: Session, table: Table, rows: list[dict], *, conflict: Sequence[str] = (),
                update: Sequence[str] = (), returning: Sequence[str] = ()) -> list[Any]:
    """INSERT rows (all with the same keys); on a conflict on `conflict` overwrite `update` (or skip the row).

    Returns the `returning` columns of the rows written.
    """
    if not rows:
        return []
    names = list(rows[0])
    if not _is_pg(session):
        stmt = _sqlite_insert(table, conflict, update)
        if returning:
            return list(session.execute(stmt.returning(*_columns(table, returning)), rows))
        session.execute(stmt, rows)
        return []
    arrays = ", ".join(f"%s::{_pg_type(c)}[]" for c in _columns(table, names))
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays})"
    if conflict:
        action = ("UPDATE SET " + ", ".join(f"{n} = EXCLUDED.{n}" for n in update)) if update else "NOTHING"
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO {action}"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    result = session.connection().exec_driver_sql(sql, tuple([row[n] for row in rows] for n in names))
    return list(result) if returning else []


def update_rows(session: Session, table: Table, key: str, rows: list[dict]) -> None:
    """UPDATE each row's columns where `key` equals its value (all rows with the same keys)."""
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    if not _is_pg(session):
        stmt = table.update().where(table.c[key] == bindparam(f"b_{key}")).values(
            {n: bindparam(f"b_{n}") for n in names})
        session.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    ordered = [key] + names
    arrays = ", ".join(f"%s::{_pg_type(c)}[]" for c in _columns(table, ordered))
    sql = (f"UPDATE {table.name} AS t SET {', '.join(f'{n} = v.{n}' for n in names)} "
           f"FROM unnest({arrays}) AS v({', '.join(ordered)}) WHERE t.{key} = v.{key}")
    session.connection().exec_driver_sql(sql, tuple([row[n] for row in rows] for n in ordered))


def among(session: Session, column: Column, values: Sequence[Any]):
    """`column IN values`; on PostgreSQL `IN (SELECT unnest(array))`: one parameter however many values.

    Not `= ANY(array)`: once psycopg prepares the statement, the generic plan compares every row
    with every array element (no hashing of a parameter array), which grows with the table.
    """
    if _is_pg(session):
        return column.in_(select(func.unnest(literal(list(values), postgresql.ARRAY(column.type)))))
    return column.in_(list(values))
