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


def test_the_item_counts_are_filled_in_from_the_counted_orders(tmp_path):
    """Migration 0014 counts each day-merged purchase's items (refunded orders aside) and a customer's last
    day's, as the tier service does from then on."""
    from bot import migrate

    url = f"sqlite:///{tmp_path / 'items.db'}"
    migrate.upgrade(url, "0013")
    engine = create_engine(url)
    with engine.begin() as connection:
        run = connection.exec_driver_sql
        run("INSERT INTO store (id, code, name, timezone, created_at) "
            "VALUES (1, 'S1', '门店', 'Asia/Shanghai', '2026-01-01')")
        for cid in (1, 2):
            run(f"INSERT INTO customer (id, external_userid, name, gender, type, created_at, updated_at) "
                f"VALUES ({cid}, 'wm{cid}', '顾客', 0, 1, '2026-01-01', '2026-01-01')")
        orders = [(1, 1, "2026-03-01", "paid", 100, 0, [2]), (2, 1, "2026-03-05", "paid", 100, 0, [1]),
                  (3, 1, "2026-03-05", "refunded", 100, 50, [3]),             # refunded: its items do not count
                  (4, 2, "2026-03-02", "partially_refunded", 300, 100, [1, 2])]
        for oid, cid, day, status, amount, refunded, quantities in orders:
            run(f"INSERT INTO purchase_order (id, store_id, order_no, customer_id, status, amount, refunded_amount, "
                f"paid_at, purchase_day, created_at, updated_at) VALUES ({oid}, 1, 'O{oid}', {cid}, '{status}', "
                f"{amount}, {refunded}, '{day}', '{day}', '{day}', '{day}')")
            for line, quantity in enumerate(quantities, start=1):
                run(f"INSERT INTO order_item (order_id, line_no, sku, name, quantity, unit_price) "
                    f"VALUES ({oid}, {line}, 'SKU{line}', '商品', {quantity}, 10)")
        for cid, day in ((1, "2026-03-01"), (1, "2026-03-05"), (2, "2026-03-02")):
            run(f"INSERT INTO purchase_day (customer_id, day, order_count, amount, first_paid_at) "
                f"VALUES ({cid}, '{day}', 1, 100, '{day}')")
        for cid, last in ((1, "2026-03-05"), (2, "2026-03-02")):
            run(f"INSERT INTO customer_purchase (customer_id, purchase_count, order_count, lifetime_amount, "
                f"last_purchase_day, tier, tag_sync_version, tag_synced_version, updated_at) "
                f"VALUES ({cid}, 1, 1, 100, '{last}', 'first', 0, 0, '2026-03-05')")
    migrate.upgrade(url)
    with engine.connect() as connection:
        days = set(connection.exec_driver_sql("SELECT customer_id, day, item_count FROM purchase_day").all())
        last = set(connection.exec_driver_sql("SELECT customer_id, last_purchase_items FROM customer_purchase").all())
    engine.dispose()
    assert days == {(1, "2026-03-01", 2), (1, "2026-03-05", 1), (2, "2026-03-02", 3)}
    assert last == {(1, 1), (2, 3)}
