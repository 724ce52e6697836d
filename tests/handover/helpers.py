"""Helpers for the hand-over tests: the scheduled poll, the manager's form, the rows written."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone

from sqlalchemy import event, select

from models import Customer, CustomerTransfer, Friendship, Guide
from tasks.schedule import fire, slot_of
from tests.spine.helpers import deliver
from tests.web.helpers import csrf_token

ADDED = datetime(2026, 3, 1, 2, tzinfo=timezone.utc)


def guide(db, userid: str) -> Guide:
    with db.transaction() as session:
        return session.scalars(select(Guide).where(Guide.userid == userid)).one()


def customers_of(sandbox, db, userid: str, count: int) -> list[str]:
    """Customers of a member on both sides (WeCom's follows, the app's friendships), without callbacks."""
    src = guide(db, userid)
    eids = []
    with db.transaction() as session:
        for n in range(count):
            eid = sandbox.new_customer(f"客户{n:03d}")
            sandbox.customer_adds_member(eid, userid)
            customer = Customer(external_userid=eid, name=f"客户{n:03d}")
            session.add(customer)
            session.flush()
            session.add(Friendship(guide_id=src.id, customer_id=customer.id, store_id=src.store_id,
                                   first_added_at=ADDED, added_at=ADDED, add_count=1))
            eids.append(eid)
    return eids


def poll(work, clock) -> int:
    """The scheduler fires the hand-over poll (at WeCom's clock) and the worker runs it."""
    fire("handover-poll-transfers", slot_of(datetime.fromtimestamp(clock(), timezone.utc)))
    return work()


def hand_over(client, store_id: int, src_id: int, dst_id: int, customer_ids: list[int] | None = None):
    """The manager's form: every customer, or the ticked ones, to the receiver."""
    path = f"/manager/stores/{store_id}/handover/{src_id}"
    data = {"csrf_token": csrf_token(client, path), "to_guide_id": str(dst_id),
            "scope": "all" if customer_ids is None else "selected",
            "customer_id": [str(c) for c in customer_ids or []]}
    return client.post(path, data=data)


def transfers(db) -> dict[str, CustomerTransfer]:
    """Each customer's latest transfer, by customer name."""
    with db.transaction() as session:
        rows = session.scalars(select(CustomerTransfer).join(Customer, Customer.id == CustomerTransfer.customer_id)
                               .order_by(CustomerTransfer.id)).all()
        return {row.customer.name: row for row in rows}


def deliver_all(driver, work, xmls: list[str]) -> None:
    for xml in xmls:
        deliver(driver, xml)
    work()


@contextmanager
def statements(db):
    """The SQL statements the app's engine runs inside the block (to see a query repeated per row)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def read_one_by_one(seen: list[str], table: str) -> list[str]:
    """The statements that read one row of the table by its id (a lazy load repeated per row shows here)."""
    return [s for s in seen if s.startswith("SELECT") and f"FROM {table} \nWHERE {table}.id = " in s]
