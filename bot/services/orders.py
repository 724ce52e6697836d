"""Order intake: validate a batch, then store it with a handful of set-based statements.

Idempotent on (store, order_no): the unique key is in the database, new orders are inserted with
ON CONFLICT DO NOTHING, and an existing order only changes when its state moves forward (a refund).
A bad order is reported and skipped; it never sinks the batch.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.rules.birthday_input import BirthdayStatement
from bot.rules.birthdays import SOURCE_POS
from bot.rules.order_input import OrderInput, mobile_hash, parse_order
from bot.rules.purchases import is_later_state, purchase_day_of
from bot.services import tiers
from bot.services.bulk import among, insert_rows, update_rows
from models import Customer, CustomerMobile, Guide, Order, OrderItem, Store, utcnow

CREATED, UPDATED, UNCHANGED, DUPLICATE, REJECTED = "created", "updated", "unchanged", "duplicate", "rejected"
RESULTS = (CREATED, UPDATED, UNCHANGED, DUPLICATE, REJECTED)
ORDERS = Order.__table__
ITEMS = OrderItem.__table__


@dataclass
class Outcome:
    """What became of one order of the batch."""

    index: int
    order_no: str | None
    store_code: str | None
    result: str
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        out = {"index": self.index, "order_no": self.order_no, "store_code": self.store_code, "result": self.result}
        if self.errors:
            out["errors"] = self.errors
        return out


@dataclass
class IngestResult:
    outcomes: list[Outcome]
    touched: set[tuple[int, date]] = field(default_factory=set)  # (customer, day) pairs whose orders changed
    tier_changed: set[int] = field(default_factory=set)  # customers whose tier moved: their tags must follow
    birthdays: list[BirthdayStatement] = field(default_factory=list)  # the buyers' birthdays the orders stated

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    def summary(self) -> dict[str, int]:
        return {name: self.count(name) for name in RESULTS}


@dataclass
class _Pending:
    order: OrderInput
    indexes: list[int]
    store_id: int = 0
    timezone: str = "Asia/Shanghai"
    customer_id: int | None = None   # the friend the order names, when there is one


def _label(raw: Any, name: str) -> str | None:
    value = raw.get(name) if isinstance(raw, dict) else None
    return str(value)[:64] if value not in (None, "") else None


def _collect(raw_orders: Sequence[Any], outcomes: list[Outcome | None]) -> dict[tuple[str, str], _Pending]:
    """Parse every order; merge repeats of one key in the batch into its most advanced state.

    A repeat with another amount is rejected (an order's amount never changes; a refund says how much).
    """
    pending: dict[tuple[str, str], _Pending] = {}
    for index, raw in enumerate(raw_orders):
        order, errors = parse_order(raw)
        if order is None:
            outcomes[index] = Outcome(index, _label(raw, "order_no"), _label(raw, "store_code"), REJECTED, errors)
            continue
        seen = pending.get(order.key)
        if seen is None:
            pending[order.key] = _Pending(order, [index])
            continue
        if order.amount != seen.order.amount:
            reason = f"amount differs from the same order earlier in this batch ({seen.order.amount} fen)"
            outcomes[index] = Outcome(index, order.order_no, order.store_code, REJECTED, [reason])
            continue
        seen.indexes.append(index)
        if is_later_state(seen.order.status, seen.order.refunded_amount, order.status, order.refunded_amount):
            seen.order.status, seen.order.refunded_amount = order.status, order.refunded_amount
    return pending


def _attach_stores(session: Session, pending: dict, outcomes: list[Outcome | None]) -> None:
    codes = sorted({key[0] for key in pending})
    stores = {s.code: s for s in session.execute(select(Store.id, Store.code, Store.timezone)
                                                  .where(among(session, Store.code, codes)))} if codes else {}
    for key in list(pending):
        store = stores.get(key[0])
        if store is None:
            for index in pending.pop(key).indexes:
                outcomes[index] = Outcome(index, key[1], key[0], REJECTED, [f"unknown store_code {key[0]!r}"])
            continue
        pending[key].store_id, pending[key].timezone = store.id, store.timezone or "Asia/Shanghai"


def _lookup(session: Session, column, key_column, values: set[str]) -> dict[str, int]:
    if not values:
        return {}
    rows = session.execute(select(key_column, column).where(among(session, key_column, sorted(values)))
                           .order_by(column))
    out: dict[str, int] = {}
    for key, value in rows:
        out.setdefault(key, value)  # the oldest customer wins when a unionid or mobile is shared
    return out


def resolve_customers(session: Session, orders: list[OrderInput], hashes: dict[int, str]) -> dict[int, int]:
    """Map id(order) -> customer id, by external_userid, then unionid, then mobile hash."""
    by_eid = _lookup(session, Customer.id, Customer.external_userid, {o.external_userid for o in orders
                                                                       if o.external_userid})
    by_union = _lookup(session, Customer.id, Customer.unionid, {o.unionid for o in orders if o.unionid})
    by_mobile = _lookup(session, CustomerMobile.customer_id, CustomerMobile.mobile_hash, set(hashes.values()))
    out: dict[int, int] = {}
    for order in orders:
        customer_id = (by_eid.get(order.external_userid or "") or by_union.get(order.unionid or "")
                       or by_mobile.get(hashes.get(id(order), "")))
        if customer_id:
            out[id(order)] = customer_id
    return out


def _existing(session: Session, keys: Sequence[tuple[int, str]]) -> dict[tuple[int, str], Any]:
    if not keys:
        return {}
    rows = session.execute(
        select(Order.id, Order.store_id, Order.order_no, Order.status, Order.amount, Order.refunded_amount,
               Order.customer_id, Order.purchase_day)
        .where(among(session, Order.order_no, sorted({k[1] for k in keys})),
               among(session, Order.store_id, sorted({k[0] for k in keys})))
    )
    wanted = set(keys)
    return {(r.store_id, r.order_no): r for r in rows if (r.store_id, r.order_no) in wanted}


def _order_row(p: _Pending, customer_id: int | None, guide_id: int | None, mobile: str | None, now) -> dict:
    o = p.order
    return {
        "store_id": p.store_id, "order_no": o.order_no, "customer_id": customer_id,
        "external_userid": o.external_userid, "unionid": o.unionid, "mobile_hash": mobile,
        "guide_id": guide_id, "guide_userid": o.guide_userid, "status": o.status, "amount": o.amount,
        "refunded_amount": o.refunded_amount, "paid_at": o.paid_at,
        "purchase_day": purchase_day_of(o.paid_at, p.timezone), "created_at": now, "updated_at": now,
    }


def _insert_orders(session: Session, rows: list[dict]) -> dict[tuple[int, str], int]:
    if not rows:
        return {}
    inserted = insert_rows(session, ORDERS, rows, conflict=["store_id", "order_no"],
                           returning=["id", "store_id", "order_no"])
    return {(store_id, order_no): order_id for order_id, store_id, order_no in inserted}


def _insert_items(session: Session, created: dict[tuple[int, str], int], pending: dict) -> None:
    rows = [
        {"order_id": order_id, "line_no": line, "sku": item.sku, "name": item.name, "category": item.category,
         "quantity": item.quantity, "unit_price": item.unit_price}
        for p in pending.values() if (order_id := created.get((p.store_id, p.order.order_no)))
        for line, item in enumerate(p.order.items, start=1)
    ]
    insert_rows(session, ITEMS, rows)


def _store(session: Session, pending: dict, outcomes: list, secret_key: str) -> set[tuple[int, date]]:
    """Insert new orders and items, move existing ones forward; return the (customer, day) pairs touched."""
    now = utcnow()
    guides = _lookup(session, Guide.id, Guide.userid, {p.order.guide_userid for p in pending.values()
                                                       if p.order.guide_userid})
    hashes = {id(p.order): mobile_hash(secret_key, p.order.mobile) for p in pending.values() if p.order.mobile}
    customers = resolve_customers(session, [p.order for p in pending.values()], hashes)
    for p in pending.values():
        p.customer_id = customers.get(id(p.order))
    by_key = {(p.store_id, p.order.order_no): p for p in pending.values()}
    existing = _existing(session, list(by_key))
    new_rows = {key: _order_row(p, p.customer_id, guides.get(p.order.guide_userid or ""),
                                hashes.get(id(p.order)), now) for key, p in by_key.items() if key not in existing}
    created = _insert_orders(session, list(new_rows.values()))
    _insert_items(session, created, pending)
    raced = [k for k in by_key if k not in existing and k not in created]  # inserted meanwhile by another batch
    existing.update(_existing(session, raced))
    touched = {(new_rows[k]["customer_id"], new_rows[k]["purchase_day"]) for k in created
               if new_rows[k]["customer_id"]}
    updates = []
    for key, p in by_key.items():
        errors: list[str] = []
        if key in created:
            result = CREATED
        else:
            row = existing[key]
            moved = is_later_state(row.status, row.refunded_amount, p.order.status, p.order.refunded_amount)
            result = UPDATED if moved else UNCHANGED
            if p.order.amount != row.amount:  # an order's amount never changes; a refund says how much
                result, moved = REJECTED, False
                errors = [f"amount differs from the order already received ({row.amount} fen)"]
            if moved:
                updates.append({"id": row.id, "status": p.order.status,
                                "refunded_amount": p.order.refunded_amount, "updated_at": now})
                if row.customer_id:
                    touched.add((row.customer_id, row.purchase_day))
        outcomes[p.indexes[0]] = Outcome(p.indexes[0], p.order.order_no, p.order.store_code, result, errors)
        for index in p.indexes[1:]:   # the same order again in this batch: merged into the first
            outcomes[index] = Outcome(index, p.order.order_no, p.order.store_code,
                                      REJECTED if result == REJECTED else DUPLICATE, errors)
    update_rows(session, ORDERS, "id", updates)
    return touched


def store_batch(*, session: Session, raw_orders: Sequence[Any], secret_key: str) -> IngestResult:
    """Validate and store a batch of orders (tiers not yet recomputed: see `recompute_tiers`)."""
    outcomes: list[Outcome | None] = [None] * len(raw_orders)
    pending = _collect(raw_orders, outcomes)
    _attach_stores(session, pending, outcomes)
    touched = _store(session, pending, outcomes, secret_key) if pending else set()
    return IngestResult([o for o in outcomes if o is not None], touched, birthdays=_birthdays(pending, outcomes))


def _birthdays(pending: dict, outcomes: list[Outcome | None]) -> list[BirthdayStatement]:
    """The buyers' birthdays of the stored orders, each stated when its order was paid, naming the customer the
    order was matched to (resolved once, here) or, for someone not a friend yet, the order's own identity."""
    stored = [p for p in pending.values() if p.order.customer_birthday
              and outcomes[p.indexes[0]] is not None and outcomes[p.indexes[0]].result != REJECTED]
    return [BirthdayStatement(p.order.customer_birthday, SOURCE_POS, p.order.paid_at, p.customer_id,
                              p.order.external_userid, p.order.unionid, p.order.mobile) for p in stored]


def recompute_tiers(*, session: Session, result: IngestResult) -> IngestResult:
    """Recompute the tiers of the customers the batch touched (this locks their summary rows)."""
    result.tier_changed = tiers.recompute(session=session, customer_ids={c for c, _ in result.touched},
                                          touched=result.touched)
    return result


def ingest(*, session: Session, raw_orders: Sequence[Any], secret_key: str) -> IngestResult:
    """Validate and store a batch of orders; recompute the tiers of the customers it touched."""
    return recompute_tiers(session=session, result=store_batch(session=session, raw_orders=raw_orders,
                                                                secret_key=secret_key))


def names_customer(customer: Customer, mobile_hashes: set[str], external_userid, unionid, mobile_hash):
    """The WHERE clause of rows waiting for a customer (an order, a birthday claim) that name them by these
    columns: their external_userid, their unionid when known, or one of their mobile hashes."""
    conditions = [external_userid == customer.external_userid]
    if customer.unionid:
        conditions.append(unionid == customer.unionid)
    if mobile_hashes:
        conditions.append(mobile_hash.in_(sorted(mobile_hashes)))
    return or_(*conditions)


def match_pending_orders(*, session: Session, customer: Customer, mobile_hashes: set[str]) -> int:
    """Give the customer the unmatched orders that name them (external_userid, unionid or mobile)."""
    result = session.execute(
        update(Order).where(Order.customer_id.is_(None),
                            names_customer(customer, mobile_hashes, Order.external_userid, Order.unionid,
                                           Order.mobile_hash))
        .values(customer_id=customer.id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def remember_mobiles(*, session: Session, customer_id: int, mobile_hashes: set[str]) -> None:
    """Record the customer's mobile hashes (idempotent)."""
    insert_rows(session, CustomerMobile.__table__, [
        {"customer_id": customer_id, "mobile_hash": h, "created_at": utcnow()} for h in sorted(mobile_hashes)
    ], conflict=["customer_id", "mobile_hash"])
