"""Purchase counts and tiers, maintained incrementally: only the customers an order change touched.

Each affected customer's summary row is locked (in customer id order, so concurrent batches
cannot deadlock); the orders of the (customer, day) pairs a batch touched are re-read and merged
by the rules of `bot.rules.purchases` into purchase_day rows, and the customers' days summarised.
Never a global rescan.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.rules.metrics import QuadrantThresholds, customer_repurchase_cycle, quadrant
from bot.rules.purchases import (STATUS_REFUNDED, TIER_NONE, CountedOrder, DayPurchase, counts_as_purchase,
                                 merge_days, net_amount, summarize)
from bot.services.bulk import among, insert_rows, update_rows
from models import CustomerPurchase, Order, OrderItem, PurchaseDay, utcnow
from models.order import TAG_SYNC_PENDING

SUMMARY = CustomerPurchase.__table__
DAYS = PurchaseDay.__table__


def counted_clause():
    """SQL twin of `counts_as_purchase` for aggregating queries: matched orders not fully refunded."""
    return and_(Order.customer_id.is_not(None), Order.status != STATUS_REFUNDED,
                or_(Order.refunded_amount < Order.amount, Order.amount == 0))


def _lock(session: Session, ids: list[int]) -> dict[int, tuple[str, str | None, int]]:
    """Lock the customers' summary rows, creating missing ones; return tier, sync status and version."""
    def select_for_update(wanted: list[int]) -> dict:
        rows = session.execute(
            select(SUMMARY.c.customer_id, SUMMARY.c.tier, SUMMARY.c.tag_sync_status, SUMMARY.c.tag_sync_version)
            .where(among(session, SUMMARY.c.customer_id, wanted)).order_by(SUMMARY.c.customer_id).with_for_update()
        )
        return {r.customer_id: (r.tier, r.tag_sync_status, r.tag_sync_version) for r in rows}

    found = select_for_update(ids)
    missing = [cid for cid in ids if cid not in found]
    if missing:
        now = utcnow()
        insert_rows(session, SUMMARY, [
            {"customer_id": cid, "purchase_count": 0, "order_count": 0, "lifetime_amount": 0, "tier": TIER_NONE,
             "tag_sync_version": 0, "tag_synced_version": 0, "updated_at": now} for cid in missing
        ], conflict=["customer_id"])
        found.update(select_for_update(missing))
    return found


def _merged_days(session: Session, customer_ids: list[int], days: list[date] | None) -> list[dict]:
    """purchase_day rows: the customers' counted orders merged per store-local day (optionally only these days)."""
    items = (select(func.coalesce(func.sum(OrderItem.quantity), 0)).where(OrderItem.order_id == Order.id)
             .scalar_subquery())
    query = (select(Order.customer_id, Order.purchase_day, Order.paid_at, Order.amount, Order.refunded_amount,
                    Order.status, items.label("items")).where(among(session, Order.customer_id, customer_ids)))
    if days is not None:
        query = query.where(among(session, Order.purchase_day, days))
    counted: dict[int, list[CountedOrder]] = defaultdict(list)
    for r in session.execute(query):
        if counts_as_purchase(r.status, r.amount, r.refunded_amount):
            counted[r.customer_id].append(CountedOrder(r.purchase_day, r.paid_at,
                                                       net_amount(r.amount, r.refunded_amount), r.items))
    return [{"customer_id": cid, "day": d.day, "order_count": d.order_count, "amount": d.amount,
             "first_paid_at": d.first_paid_at, "item_count": d.items}
            for cid, orders in counted.items() for d in merge_days(orders)]


def _refresh_days(session: Session, ids: list[int], touched: set[tuple[int, date]] | None) -> None:
    """Rewrite the purchase_day rows of the touched (customer, day) pairs, or of whole customers."""
    if touched is None:
        session.execute(delete(DAYS).where(among(session, DAYS.c.customer_id, ids)))
        insert_rows(session, DAYS, _merged_days(session, ids, None))
        return
    rows = [r for r in _merged_days(session, sorted({c for c, _ in touched}), sorted({d for _, d in touched}))
            if (r["customer_id"], r["day"]) in touched]
    insert_rows(session, DAYS, rows, conflict=["customer_id", "day"],
                update=["order_count", "amount", "first_paid_at", "item_count"])
    for customer_id, day in touched - {(r["customer_id"], r["day"]) for r in rows}:  # refunded away: rare
        session.execute(delete(DAYS).where(DAYS.c.customer_id == customer_id, DAYS.c.day == day))


def _day_purchases(session: Session, ids: list[int]) -> dict[int, list[DayPurchase]]:
    rows = session.execute(
        select(DAYS.c.customer_id, DAYS.c.day, DAYS.c.order_count, DAYS.c.amount, DAYS.c.first_paid_at,
               DAYS.c.item_count)
        .where(among(session, DAYS.c.customer_id, ids)).order_by(DAYS.c.customer_id, DAYS.c.day)
    )
    out: dict[int, list[DayPurchase]] = defaultdict(list)
    for customer_id, day, count, amount, first_paid_at, items in rows:
        out[customer_id].append(DayPurchase(day, count, amount, first_paid_at, items))
    return out


def recompute(*, session: Session, customer_ids: Iterable[int],
              touched: set[tuple[int, date]] | None = None) -> set[int]:
    """Recompute purchase days, counts and tiers of these customers; return those whose tier changed.

    With `touched` (customer, day) pairs only those days are re-merged; otherwise every day of
    the given customers is.
    """
    ids = sorted(set(customer_ids))
    if not ids:
        return set()
    before = _lock(session, ids)
    _refresh_days(session, ids, touched)
    purchases = _day_purchases(session, ids)
    now, rows, changed = utcnow(), [], set()
    for cid in ids:
        s = summarize(purchases.get(cid, []))
        tier, status, version = before[cid]
        if s.tier != tier:
            changed.add(cid)
            status, version = TAG_SYNC_PENDING, version + 1
        rows.append({
            "customer_id": cid, "purchase_count": s.purchase_count, "order_count": s.order_count,
            "lifetime_amount": s.lifetime_amount, "first_purchase_at": s.first_purchase_at,
            "last_purchase_at": s.last_purchase_at, "first_purchase_day": s.first_purchase_day,
            "last_purchase_day": s.last_purchase_day, "last_purchase_items": s.last_purchase_items,
            "tier": s.tier, "tag_sync_status": status,
            "tag_sync_version": version, "updated_at": now,
        })
    update_rows(session, SUMMARY, "customer_id", rows)
    return changed


def mark_tag_sync_pending(*, session: Session, customer_ids: Iterable[int]) -> None:
    """Record that these customers' WeCom tier tags must be (re)checked (bumps the sync version)."""
    ids = sorted(set(customer_ids))
    if ids:
        session.execute(update(SUMMARY).where(among(session, SUMMARY.c.customer_id, ids))
                        .values(tag_sync_status=TAG_SYNC_PENDING, tag_sync_version=SUMMARY.c.tag_sync_version + 1))


def summary_of(*, session: Session, customer_id: int) -> CustomerPurchase | None:
    """The customer's purchase summary row, if any order was ever matched to them."""
    return session.get(CustomerPurchase, customer_id)


def purchase_days(*, session: Session, customer_id: int) -> list[tuple[date, int]]:
    """The customer's day-merged purchases as (day, amount in fen), oldest first."""
    return [(d, a) for d, a in session.execute(
        select(PurchaseDay.day, PurchaseDay.amount).where(PurchaseDay.customer_id == customer_id)
        .order_by(PurchaseDay.day))]


def _defaults() -> tuple[date, QuadrantThresholds]:
    """Today in the business time zone and the configured quadrant thresholds."""
    from bot import runtime as rt
    from bot.services.metrics import configured_thresholds

    return datetime.now(rt.current().settings.tz).date(), configured_thresholds()


def purchase_view(*, session: Session, customer_id: int, today: date | None = None,
                  thresholds: QuadrantThresholds | None = None) -> dict:
    """The purchase fields of the customer API: count, tier, first/last, lifetime amount, quadrant, tag sync."""
    if today is None or thresholds is None:
        default_today, default_thresholds = _defaults()
        today, thresholds = today or default_today, thresholds or default_thresholds
    row = summary_of(session=session, customer_id=customer_id)
    if row is None:
        return {"purchase_count": 0, "order_count": 0, "tier": "none", "first_purchase_at": None,
                "last_purchase_at": None, "lifetime_amount": 0, "quadrant": None, "repurchase_cycle_days": None,
                "tag_sync": {"status": None, "error": None, "synced_at": None}}
    days = purchase_days(session=session, customer_id=customer_id)
    since = today - timedelta(days=thresholds.window_days - 1)
    recent = [amount for day, amount in days if since <= day <= today]
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {
        "purchase_count": row.purchase_count, "order_count": row.order_count, "tier": row.tier,
        "first_purchase_at": iso(row.first_purchase_at), "last_purchase_at": iso(row.last_purchase_at),
        "lifetime_amount": row.lifetime_amount, "quadrant": quadrant(len(recent), sum(recent), thresholds),
        "repurchase_cycle_days": customer_repurchase_cycle([day for day, _ in days]),
        "tag_sync": {"status": row.tag_sync_status, "error": row.tag_sync_error,
                     "synced_at": iso(row.tag_synced_at)},
    }
