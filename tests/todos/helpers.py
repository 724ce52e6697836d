"""Factories for the to-do tests: customers, friendships, orders (through the tier service), cart events."""
from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.services import tiers
from bot.services.todos import Policy, generate
from bot.services.todos_cadences import seed_defaults
from bot.services.todos_render import prepare_texts
from models import (CadenceRule, CommerceEvent, Customer, Friendship, Guide, Order, OrderItem, Store, Todo)
from tests.web.helpers import make_hq_user, sign_in_hq

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    """A Shanghai wall-clock time on a day, as aware UTC."""
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI).astimezone(timezone.utc)


def guide_id(session, userid: str) -> int:
    return session.scalars(select(Guide.id).where(Guide.userid == userid)).one()


def store_id(session, code: str = "SH001") -> int:
    return session.scalars(select(Store.id).where(Store.code == code)).one()


def customer(session, name: str, *, gender: int = 2, birthday: date | None = None) -> int:
    row = Customer(external_userid=f"wm-test-{next(_numbers)}", name=name, gender=gender, birthday=birthday)
    session.add(row)
    session.flush()
    return row.id


def befriend(session, guide: str, customer_id: int, day: date, *, deleted_by_customer: date | None = None,
             deleted_by_guide: date | None = None) -> Friendship:
    gid = guide_id(session, guide)
    row = Friendship(guide_id=gid, customer_id=customer_id, store_id=session.get(Guide, gid).store_id,
                     first_added_at=at(day, 9), added_at=at(day, 9), add_count=1,
                     deleted_by_customer_at=at(deleted_by_customer) if deleted_by_customer else None,
                     deleted_by_guide_at=at(deleted_by_guide) if deleted_by_guide else None)
    session.add(row)
    session.flush()
    return row


def buy(session, customer_id: int, day: date, items: list[tuple[str, str, int]] | None = None,
        store: str = "SH001", status: str = "paid") -> Order:
    """An order of (sku, category, quantity) lines; the purchase summary is recomputed by the tier service."""
    items = items or [("SKU-COAT", "外套", 1)]
    order = Order(store_id=store_id(session, store), order_no=f"T-{next(_numbers)}", customer_id=customer_id,
                  status=status, amount=sum(q for _s, _c, q in items) * 19900, paid_at=at(day),
                  purchase_day=day, refunded_amount=19900 * sum(q for _s, _c, q in items) if status == "refunded"
                  else 0)
    order.items = [OrderItem(line_no=n, sku=sku, name=category, category=category, quantity=qty,
                             unit_price=19900) for n, (sku, category, qty) in enumerate(items, start=1)]
    session.add(order)
    session.flush()
    tiers.recompute(session=session, customer_ids=[customer_id])
    return order


def cart(session, customer_id: int, day: date, sku: str = "SKU-DRESS") -> None:
    session.add(CommerceEvent(event_id=f"ev-{next(_numbers)}", kind="add_to_cart", customer_id=customer_id,
                              sku=sku, occurred_at=at(day, 20), occurred_on=day, payload={}))
    session.flush()


def enable(session, *codes: str) -> None:
    for code in codes:
        session.scalars(select(CadenceRule).where(CadenceRule.code == code)).one().enabled = True


def only(session, *codes: str) -> None:
    """Enable exactly these rules."""
    for rule in session.scalars(select(CadenceRule)):
        rule.enabled = rule.code in codes


def hq_with_rule(client, db, code: str) -> int:
    """The default rules seeded and HQ signed in on `client`: the id of the rule with this code."""
    with db.transaction() as session:
        seed_defaults(session=session)
        rule_id = session.scalars(select(CadenceRule.id).where(CadenceRule.code == code)).one()
    make_hq_user(db)
    sign_in_hq(client)
    return rule_id


def run_day(db, day: date, policy: Policy | None = None, stores: tuple[str, ...] = ("SH001", "HZ001")):
    with db.transaction() as session:
        seed_defaults(session=session)
        ids = [store_id(session, code) for code in stores]
        return generate(session=session, on=day, store_ids=ids, tz="Asia/Shanghai", policy=policy or Policy())


def open_lists(db, day: date, link_secret: str = "") -> int:
    """Every guide with a list opens it on `day` (what the workbench does first): its to-dos get their text."""
    with db.transaction() as session:
        guides = session.scalars(select(Todo.guide_id).where(Todo.listed.is_(True)).distinct()).all()
        return sum(prepare_texts(session=session, guide_id=g, on=day, link_secret=link_secret) for g in guides)


def todos(db, **where) -> list[Todo]:
    with db.transaction() as session:
        stmt = select(Todo).order_by(Todo.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(Todo, name) == value)
        rows = list(session.scalars(stmt))
        for row in rows:
            _ = row.rule.code, row.customer.name
        return rows


def codes(rows: list[Todo]) -> list[tuple[str, str]]:
    """(customer name, rule code) of to-dos, sorted."""
    return sorted((t.customer.name, t.rule.code) for t in rows)


def days(start: date, count: int):
    return [start + timedelta(days=n) for n in range(count)]
