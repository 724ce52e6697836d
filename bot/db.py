"""The database engine and session factory (no Flask here)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str, **options) -> Engine:
    """Create an engine with pragmas for SQLite; `options` go to create_engine (over the defaults)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////:memory:"):
        Path(url[len("sqlite:///"):]).parent.mkdir(parents=True, exist_ok=True)
    # Pre-ping: a pooled connection broken by a database restart is replaced before use, instead of
    # failing the request that checks it out (a lost click, a 500 page, a 503 to WeCom). It costs
    # one round trip per checkout (the autocommit pool goes without; see Database.autocommit).
    kwargs: dict = {"pool_recycle": 1800, "pool_pre_ping": True}
    if url.startswith("sqlite"):
        kwargs = {"connect_args": {"timeout": 10, "check_same_thread": False}}
    engine = create_engine(url, **{**kwargs, **options})
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    # A forked RQ work horse must not reuse the parent's pooled connections.
    os.register_at_fork(after_in_child=lambda: engine.dispose(close=False))
    return engine


class Database:
    """Holds the engine and a session factory."""

    def __init__(self, url: str):
        self.engine = make_engine(url)
        self.Session = sessionmaker(self.engine, expire_on_commit=False)
        # A small pool of its own: nothing to reset on return, no BEGIN/COMMIT round trips, no pre-ping.
        self.autocommit_engine = make_engine(url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None,
                                             pool_pre_ping=False)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        self.autocommit_engine.dispose()

    def autocommit(self, work: Callable[[Connection], T]) -> T:
        """work(connection) on a connection where each statement commits by itself (one round trip per write).

        The callback and the click run here, so this pool does not pre-ping (a second round trip on every
        checkout). When its connection turns out broken instead (a database restart), SQLAlchemy discards the
        pool's connections and the work runs once more on a fresh one: `work` must be safe to repeat (one
        statement, an insert that ignores a duplicate, reads).
        """
        try:
            with self.autocommit_engine.connect() as connection:
                return work(connection)
        except DBAPIError as exc:
            if not exc.connection_invalidated:
                raise
        with self.autocommit_engine.connect() as connection:
            return work(connection)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session; commit on success, roll back on error."""
        session = self.Session()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
