"""The Alembic migrations build exactly the schema the models describe, on both backends."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
import pytest
from sqlalchemy import Column, create_engine

from bot.db import make_engine
from models import Base


# Alembic cannot compare indexes on expressions: they are checked by name below.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_and_migrations_agree(database_url):
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, Base.metadata)
            listing = ("SELECT indexname FROM pg_indexes" if engine.dialect.name == "postgresql"
                       else "SELECT name FROM sqlite_master WHERE type = 'index'")
            indexes = set(connection.exec_driver_sql(listing).scalars())
    finally:
        engine.dispose()
    assert diff == [], diff
    on_expressions = {index.name for table in Base.metadata.tables.values() for index in table.indexes
                      if any(not isinstance(e, Column) for e in index.expressions)}
    assert on_expressions and on_expressions <= indexes, on_expressions - indexes


def test_downgrade_to_base_and_up_again(tmp_path):
    from bot import migrate

    url = f"sqlite:///{tmp_path / 'roundtrip.db'}"
    migrate.upgrade(url)
    migrate.downgrade(url, "base")
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM callback_event").scalar() == 0
    engine.dispose()
