"""Attribution applied: load a batch's customers' clicks and friendships once, then the pure rule per event.

Orders are attributed when they arrive (and, for an order whose buyer becomes a friend later, by the
rollup's sweep); a made attribution is never rewritten, so a guide's transfer or departure leaves the
history as it was.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.attribution import ClickTouch, Credit, FriendTie, attribute_event, parse_attribution_rule
from bot.services.bulk import among, insert_rows
from models import Channel, Click, Friendship, Guide, Order, OrderAttribution, Store, utcnow

ATTRIBUTIONS = OrderAttribution.__table__


@dataclass(frozen=True)
class Rule:
    """The configured rule: its steps and the click look-back."""

    steps: tuple[str, ...]
    click_days: int = 7

    @classmethod
    def from_settings(cls, settings) -> "Rule":
        return cls(parse_attribution_rule(settings.ATTRIBUTION_RULE), settings.ATTRIBUTION_CLICK_DAYS)


@dataclass
class Evidence:
    """The clicks and friendships of a set of customers, and which guides are active."""

    clicks: dict[int, list[ClickTouch]]
    ties: dict[int, list[FriendTie]]
    active: set[int]

    def credit(self, customer_id: int, at: datetime, rule: Rule, extra: list[ClickTouch] = ()) -> Credit | None:
        """The guide an event of the customer at `at` counts for."""
        return attribute_event(at=at, clicks=self.clicks.get(customer_id, []) + list(extra),
                               ties=self.ties.get(customer_id, []), steps=rule.steps, click_days=rule.click_days,
                               active_guides=self.active)


def gather(*, session: Session, customer_ids: Iterable[int], start: datetime, end: datetime) -> Evidence:
    """Clicks between start and end (with guides) and every friendship of these customers."""
    ids = sorted(set(customer_ids))
    evidence = Evidence({}, {}, set(session.scalars(select(Guide.id).where(Guide.active.is_(True)))))
    if not ids:
        return evidence
    clicks = session.execute(
        select(Click.customer_id, Click.guide_id, Click.clicked_at, Click.id, Click.todo_id, Click.material_id)
        .where(among(session, Click.customer_id, ids), Click.guide_id.is_not(None),
               Click.clicked_at >= start, Click.clicked_at <= end))
    for customer_id, guide_id, at, click_id, todo_id, material_id in clicks:
        evidence.clicks.setdefault(customer_id, []).append(ClickTouch(guide_id, at, click_id, todo_id, material_id))
    ties = session.execute(
        select(Friendship, Channel.guide_id).outerjoin(Channel, Channel.id == Friendship.channel_id)
        .where(among(session, Friendship.customer_id, ids)))
    for f, channel_guide in ties:
        evidence.ties.setdefault(f.customer_id, []).append(FriendTie(
            f.guide_id, f.first_added_at, f.added_at, f.deleted_by_guide_at, f.deleted_by_customer_at,
            channel_guide, f.id))
    return evidence


def attribute_orders(*, session: Session, order_ids: Iterable[int], rule: Rule) -> list[dict]:
    """Attribute these orders (matched to a customer, not attributed yet); return the rows written."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    orders = session.execute(
        select(Order.id, Order.customer_id, Order.paid_at, Order.purchase_day, Order.amount, Order.refunded_amount)
        .outerjoin(OrderAttribution, OrderAttribution.order_id == Order.id)
        .where(among(session, Order.id, ids), Order.customer_id.is_not(None), OrderAttribution.order_id.is_(None))
    ).all()
    if not orders:
        return []
    times = [o.paid_at for o in orders]
    evidence = gather(session=session, customer_ids=[o.customer_id for o in orders],
                      start=min(times) - timedelta(days=rule.click_days), end=max(times) + timedelta(minutes=5))
    rows, now = [], utcnow()
    for o in orders:
        credit = evidence.credit(o.customer_id, o.paid_at, rule)
        if credit is None:
            continue
        touch = credit.touch
        rows.append({"order_id": o.id, "guide_id": credit.guide_id, "customer_id": o.customer_id,
                     "day": o.purchase_day, "reason": credit.reason, "click_id": touch and touch.click_id,
                     "todo_id": touch and touch.todo_id, "material_id": touch and touch.material_id,
                     "attributed_at": now})
    insert_rows(session, ATTRIBUTIONS, rows, conflict=["order_id"])
    return rows


def attribute_order_keys(*, session: Session, keys: Iterable[tuple[str, str]], rule: Rule) -> list[dict]:
    """Attribute the orders named by (store code, order no), as an intake batch reports them."""
    wanted = set(keys)
    if not wanted:
        return []
    rows = session.execute(select(Order.id, Store.code, Order.order_no).join(Store, Store.id == Order.store_id)
                           .where(among(session, Order.order_no, sorted({k[1] for k in wanted})))).all()
    return attribute_orders(session=session, order_ids=[r.id for r in rows if (r.code, r.order_no) in wanted],
                            rule=rule)


def attribute_pending(*, session: Session, since: date, rule: Rule) -> list[dict]:
    """Attribute matched orders from `since` on that have none yet (buyers who became friends later)."""
    ids = session.scalars(select(Order.id).outerjoin(OrderAttribution, OrderAttribution.order_id == Order.id)
                          .where(Order.purchase_day >= since, Order.customer_id.is_not(None),
                                 OrderAttribution.order_id.is_(None)))
    return attribute_orders(session=session, order_ids=list(ids), rule=rule)
