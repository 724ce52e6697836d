"""Set-based writes for batch services: one statement per batch, whatever the batch size.

On PostgreSQL the rows travel as one JSON parameter (`json_to_recordset`; the encoding is done in
C), so a 1,000-row insert or update is a single short statement; SQLite takes the same rows
through executemany.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any, Sequence
from uuid import UUID

from sqlalchemy import Column, MetaData, Select, Table, bindparam, cast, func, literal, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement, Executable

_PG = postgresql.dialect()


def is_postgresql(session: Session) -> bool:
    """The session's database is PostgreSQL (else SQLite)."""
    return session.get_bind().dialect.name == "postgresql"


@contextmanager
def scratch_table(session: Session, table: Table):
    """A temporary table for the length of a block. One left on this pooled connection by a failed run is
    dropped first; a failure inside the block rolls the transaction back, the table with it."""
    connection = session.connection()
    table.drop(connection, checkfirst=True)
    table.create(connection)
    yield table
    table.drop(connection)


class _CreateTempTableAs(Executable, ClauseElement):
    """CREATE TEMPORARY TABLE name AS SELECT ... (PostgreSQL)."""

    inherit_cache = False

    def __init__(self, name: str, query: Select):
        self.name, self.query = name, query


@compiles(_CreateTempTableAs)
def _create_temp_table_as(element, compiler, **kw) -> str:
    return f"CREATE TEMPORARY TABLE {element.name} AS {compiler.process(element.query, **kw)}"


def _as_columns_of(table: Table, names: list[str], query: Select) -> Select:
    """The query's columns (in `names` order) named and typed as the table's."""
    rows = query.subquery("rows")
    return select(*(cast(column, table.c[name].type).label(name) for name, column in zip(names, rows.c)))


def fill_scratch(session: Session, table: Table, names: list[str], query: Select) -> int:
    """Fill a scratch table (within its scratch_table block) with a query's rows, its columns `names`.

    PostgreSQL builds the table from the query (CREATE TABLE AS), whose scans may then run on parallel workers;
    an INSERT ... SELECT never uses them. The table is made anew with the columns' names and types, without
    its keys (for scratch tables that are only read). SQLite inserts the rows. Return how many."""
    if not is_postgresql(session):
        return session.execute(table.insert().from_select(names, query)).rowcount
    table.drop(session.connection())
    return session.execute(_CreateTempTableAs(table.name, _as_columns_of(table, names, query))).rowcount


def insert_from_select(session: Session, table: Table, names: list[str], query: Select) -> None:
    """INSERT INTO table (names) SELECT ...; on PostgreSQL through a temporary table built from the query
    (see fill_scratch): a heavy query's scans run on parallel workers, and the insert reads its rows."""
    if not is_postgresql(session):
        session.execute(table.insert().from_select(names, query))
        return
    rows = Table(f"{table.name}_rows", MetaData(), *(Column(n, table.c[n].type) for n in names),
                 prefixes=["TEMPORARY"])
    with scratch_table(session, rows):
        fill_scratch(session, rows, names, query)
        session.execute(table.insert().from_select(names, select(*rows.c)))


def analyze(session: Session, table: str) -> None:
    """Refresh PostgreSQL's statistics of a table filled within this transaction (a temporary table has
    none otherwise), so the statements that follow are planned on its real size. Nothing on SQLite."""
    if is_postgresql(session):
        session.execute(text(f"ANALYZE {table}"))


def vacuum_analyze(connection, tables: list[Table]) -> None:
    """PostgreSQL: VACUUM (ANALYZE) each table, on a connection outside a transaction (an autocommit one).
    Nothing on SQLite."""
    if connection.dialect.name == "postgresql":
        for table in tables:
            connection.exec_driver_sql(f"VACUUM (ANALYZE) {table.name}")


def estimated_rows(session: Session, table: Table) -> float:
    """PostgreSQL's estimate of a table's rows (as of its last ANALYZE or VACUUM; 0 before any, and on SQLite)."""
    if not is_postgresql(session):
        return 0
    return max(session.scalar(text("SELECT reltuples FROM pg_class WHERE oid = CAST(:name AS regclass)"),
                              {"name": table.name}) or 0, 0)


@contextmanager
def secondary_indexes_rebuilt(session: Session, table: Table, when: bool = True):
    """PostgreSQL: the table's secondary indexes are dropped for a block that refills the table, and built
    again after it (one sort per index instead of an entry placed at random per row); a failure inside rolls
    the drop back with the transaction. The transaction holds the table exclusively until it ends: for tables
    only a serialized job reads. Nothing on SQLite, or when `when` is false."""
    if not (when and is_postgresql(session)):
        yield table
        return
    connection = session.connection()
    for index in table.indexes:
        index.drop(connection)
    yield table
    for index in table.indexes:
        index.create(connection)


def insert_ignoring_conflicts(session: Session, table: Table, conflict: list[str]):
    """An INSERT that skips rows conflicting on the unique key `conflict` (execute it with rows, or build it
    with .from_select)."""
    builder = postgresql.insert if is_postgresql(session) else sqlite.insert
    return builder(table).on_conflict_do_nothing(index_elements=conflict)


@lru_cache(maxsize=256)
def _pg_type(column: Column) -> str:
    impl = getattr(column.type, "impl", column.type)
    return impl.compile(dialect=_PG)


def _columns(table: Table, names: Sequence[str]) -> list[Column]:
    return [table.c[name] for name in names]


def _recordset(table: Table, names: Sequence[str], alias: str = "x") -> str:
    """`json_to_recordset(%s::json) AS alias(col type, ...)`: the rows travel as one JSON parameter."""
    columns = ", ".join(f'"{c.name}" {_pg_type(c)}' for c in _columns(table, names))
    return f"json_to_recordset(%s::json) AS {alias}({columns})"


def _json_value(value: Any) -> str:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (Decimal, UUID)):
        return str(value)  # PostgreSQL reads the text exactly
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


def _json(rows: list[dict]) -> str:
    return json.dumps(rows, default=_json_value, ensure_ascii=False)


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
    if not is_postgresql(session):
        stmt = _sqlite_insert(table, conflict, update)
        if returning:
            return list(session.execute(stmt.returning(*_columns(table, returning)), rows))
        session.execute(stmt, rows)
        return []
    quoted = ", ".join(f'"{n}"' for n in names)
    sql = f"INSERT INTO {table.name} ({quoted}) SELECT {quoted} FROM {_recordset(table, names)}"
    if conflict:
        action = ("UPDATE SET " + ", ".join(f"{n} = EXCLUDED.{n}" for n in update)) if update else "NOTHING"
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO {action}"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    result = session.connection().exec_driver_sql(sql, (_json(rows),))
    return list(result) if returning else []


def update_rows(session: Session, table: Table, key: str, rows: list[dict]) -> None:
    """UPDATE each row's columns where `key` equals its value (all rows with the same keys)."""
    if not rows:
        return
    names = [n for n in rows[0] if n != key]
    if not is_postgresql(session):
        stmt = table.update().where(table.c[key] == bindparam(f"b_{key}")).values(
            {n: bindparam(f"b_{n}") for n in names})
        session.execute(stmt, [{f"b_{k}": v for k, v in row.items()} for row in rows])
        return
    sql = (f"UPDATE {table.name} AS t SET {', '.join(f'{n} = v.{n}' for n in names)} "
           f"FROM {_recordset(table, [key] + names, alias='v')} WHERE t.{key} = v.{key}")
    session.connection().exec_driver_sql(sql, (_json(rows),))


def among(session: Session, column: Column, values: Sequence[Any]):
    """`column IN values`; on PostgreSQL `IN (SELECT unnest(array))`: one parameter however many values.

    Not `= ANY(array)`: once psycopg prepares the statement, the generic plan compares every row
    with every array element (no hashing of a parameter array), which grows with the table.
    """
    if is_postgresql(session):
        return column.in_(select(func.unnest(literal(list(values), postgresql.ARRAY(column.type)))))
    return column.in_(list(values))
