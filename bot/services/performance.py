"""The guides' daily performance record: recomputed from the raw events into performance_day.

A rollup of a range of store-local days (stores sharing a time zone) reads each source once with a
grouped or range-bounded query, adds them up per (guide, day) and replaces those days' rows, so it is
idempotent and may run as often as wanted (every few minutes for today, nightly for the last weeks).
What counts on which day:
- friends added: friendships first added that day (per channel code), not those a hand-over made; lost:
  deleted by the customer, or by the guide other than through a transfer; group joins: customers joining a
  group credited to the guide;
- to-dos assigned: generated that day (less those a later run withdrew, their touch gone); sent: handed to
  WeCom (group-send task created, or sent in the chat); done: reached the customer (by its send time);
  expired: the window closed that day unsent;
- clicks: counted clicks (repeats within the dedupe window left out), raw clicks, unique clickers;
  coupon claims, add-to-carts, page views: commerce events credited to the guide;
- orders and amount (fen, refunds deducted, fully refunded orders left out): orders attributed to the
  guide by their purchase day; second purchases: customers whose second purchase day it was, credited to
  the guide their order of that day is attributed to.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, distinct, func, or_, select
from sqlalchemy.orm import Session

from bot.rules.leaderboard import COLUMNS
from bot.services.todos import local_midnight, withdrawn_by_run
from bot.services.todos_sql import counted
from models import (Click, CommerceEvent, Friendship, GroupMember, Guide, Order, OrderAttribution, PerformanceDay,
                    PurchaseDay, utcnow)
from models.todo import CHANNEL_SIDEBAR, TODO_DONE, TODO_EXPIRED, GroupSend, Todo

EXTERNAL_MEMBER = 2
KIND_COLUMNS = {"coupon_claim": "coupon_claims", "add_to_cart": "add_to_carts", "page_view": "page_views"}


@dataclass
class Tally:
    """Counters per (guide, day), and friends added per channel."""

    counts: dict[tuple[int, date], Counter] = field(default_factory=lambda: defaultdict(Counter))
    channels: dict[tuple[int, date], Counter] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, guide_id: int | None, day: date, name: str, amount: int = 1) -> None:
        if guide_id is not None and amount:
            self.counts[(guide_id, day)][name] += amount


@dataclass(frozen=True)
class Window:
    """Store-local days [start, end] of stores sharing time zone tz, and their UTC bounds."""

    start: date
    end: date
    tz: str

    @property
    def since(self) -> datetime:
        return local_midnight(self.start, self.tz)

    @property
    def until(self) -> datetime:
        return local_midnight(self.end + timedelta(days=1), self.tz)

    def day_of(self, moment: datetime) -> date:
        return moment.astimezone(ZoneInfo(self.tz)).date()

    def within(self, column):
        return and_(column >= self.since, column < self.until)


def _friends(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    added = session.execute(select(Friendship.guide_id, Friendship.first_added_at, Friendship.channel_id)
                            .where(Friendship.guide_id.in_(guides), w.within(Friendship.first_added_at),
                                   Friendship.via_transfer.is_(False)))
    for guide_id, at, channel_id in added:
        day = w.day_of(at)
        tally.add(guide_id, day, "friends_added")
        tally.channels[(guide_id, day)][str(channel_id or "")] += 1
    by_customer = w.within(Friendship.deleted_by_customer_at)
    by_guide = and_(w.within(Friendship.deleted_by_guide_at), Friendship.deleted_by_transfer.is_(False))
    lost = session.execute(select(Friendship.guide_id, Friendship.deleted_by_customer_at,
                                  Friendship.deleted_by_guide_at, Friendship.deleted_by_transfer)
                           .where(Friendship.guide_id.in_(guides), or_(by_customer, by_guide)))
    for guide_id, by_c, by_g, transfer in lost:
        ends = [t for t in (by_c, None if transfer else by_g) if t is not None and w.since <= t < w.until]
        tally.add(guide_id, w.day_of(max(ends)), "friends_lost")


def _groups(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    rows = session.execute(select(GroupMember.attributed_guide_id, GroupMember.joined_at)
                           .where(GroupMember.attributed_guide_id.in_(guides),
                                  GroupMember.member_type == EXTERNAL_MEMBER, w.within(GroupMember.joined_at)))
    for guide_id, at in rows:
        tally.add(guide_id, w.day_of(at), "group_joins")


def _todos(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    mine = Todo.guide_id.in_(guides)
    withdrawn = withdrawn_by_run(Todo.__table__)   # by the run, not the guide: not assigned
    for guide_id, day, n in session.execute(select(Todo.guide_id, Todo.generated_on, func.count())
                                            .where(mine, Todo.generated_on.between(w.start, w.end), ~withdrawn)
                                            .group_by(Todo.guide_id, Todo.generated_on)):
        tally.add(guide_id, day, "todos_assigned", n)
    for guide_id, day, n in session.execute(select(Todo.guide_id, Todo.expires_on, func.count())
                                            .where(mine, Todo.status == TODO_EXPIRED,
                                                   Todo.expires_on.between(w.start, w.end))
                                            .group_by(Todo.guide_id, Todo.expires_on)):
        tally.add(guide_id, day, "todos_expired", n)
    for guide_id, at in session.execute(select(Todo.guide_id, Todo.sent_at)
                                        .where(mine, Todo.status == TODO_DONE, w.within(Todo.sent_at))):
        tally.add(guide_id, w.day_of(at), "todos_done")
    handed = session.execute(select(Todo.guide_id, GroupSend.created_at).join(GroupSend, GroupSend.id ==
                                                                              Todo.group_send_id)
                             .where(mine, w.within(GroupSend.created_at)))
    chat = session.execute(select(Todo.guide_id, Todo.sent_at)
                           .where(mine, Todo.channel == CHANNEL_SIDEBAR, w.within(Todo.sent_at)))
    for guide_id, at in [*handed, *chat]:
        tally.add(guide_id, w.day_of(at), "todos_sent")


def _clicks(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    rows = session.execute(
        select(Click.guide_id, Click.clicked_on, func.count(), func.sum(case((Click.counted.is_(True), 1), else_=0)),
               func.count(distinct(case((Click.link_expired.is_(False), Click.visitor)))))
        .where(Click.clicked_on.between(w.start, w.end), Click.guide_id.in_(guides))
        .group_by(Click.guide_id, Click.clicked_on))
    for guide_id, day, raw, counted_clicks, visitors in rows:
        tally.add(guide_id, day, "raw_clicks", raw)
        tally.add(guide_id, day, "clicks", int(counted_clicks or 0))
        tally.add(guide_id, day, "unique_clickers", visitors)


def _commerce(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    rows = session.execute(select(CommerceEvent.guide_id, CommerceEvent.occurred_on, CommerceEvent.kind, func.count())
                           .where(CommerceEvent.occurred_on.between(w.start, w.end),
                                  CommerceEvent.guide_id.in_(guides))
                           .group_by(CommerceEvent.guide_id, CommerceEvent.occurred_on, CommerceEvent.kind))
    for guide_id, day, kind, n in rows:
        tally.add(guide_id, day, KIND_COLUMNS[kind], n)


def _orders(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    rows = session.execute(
        select(OrderAttribution.guide_id, OrderAttribution.day, func.count(),
               func.sum(Order.amount - Order.refunded_amount))
        .join(Order, Order.id == OrderAttribution.order_id)
        .where(OrderAttribution.day.between(w.start, w.end), OrderAttribution.guide_id.in_(guides),
               counted(Order.__table__))
        .group_by(OrderAttribution.guide_id, OrderAttribution.day))
    for guide_id, day, n, amount in rows:
        tally.add(guide_id, day, "orders", n)
        tally.add(guide_id, day, "order_amount", int(amount or 0))


def second_purchase_days(*, session: Session, start: date, end: date) -> list[tuple[int, date]]:
    """(customer, day) of every second purchase day falling in [start, end]."""
    buyers = select(PurchaseDay.customer_id).where(PurchaseDay.day.between(start, end))
    numbered = (select(PurchaseDay.customer_id, PurchaseDay.day,
                       func.row_number().over(partition_by=PurchaseDay.customer_id,
                                              order_by=PurchaseDay.day).label("n"))
                .where(PurchaseDay.customer_id.in_(buyers)).subquery())
    return [tuple(r) for r in session.execute(select(numbered.c.customer_id, numbered.c.day)
                                              .where(numbered.c.n == 2, numbered.c.day.between(start, end)))]


def _second_purchases(session: Session, guides: list[int], w: Window, tally: Tally) -> None:
    seconds = set(second_purchase_days(session=session, start=w.start, end=w.end))
    if not seconds:
        return
    rows = session.execute(
        select(Order.customer_id, Order.purchase_day, OrderAttribution.guide_id)
        .join(OrderAttribution, OrderAttribution.order_id == Order.id)
        .where(OrderAttribution.day.between(w.start, w.end), OrderAttribution.guide_id.in_(guides),
               counted(Order.__table__))
        .order_by(Order.id))
    credited: dict[tuple[int, date], int] = {}
    for customer_id, day, guide_id in rows:
        if (customer_id, day) in seconds:
            credited.setdefault((customer_id, day), guide_id)
    for (_customer, day), guide_id in credited.items():
        tally.add(guide_id, day, "second_purchases")


SOURCES = (_friends, _groups, _todos, _clicks, _commerce, _orders, _second_purchases)


def tally_days(*, session: Session, guide_ids: list[int], start: date, end: date, tz: str) -> Tally:
    """Count every source for these guides over store-local days [start, end]."""
    tally, window = Tally(), Window(start, end, tz)
    for source in SOURCES:
        source(session, guide_ids, window, tally)
    return tally


def rollup(*, session: Session, store_ids: list[int], start: date, end: date, tz: str) -> int:
    """Recompute the performance rows of these stores' guides for [start, end]; return the rows written."""
    guides = dict(session.execute(select(Guide.id, Guide.store_id).where(Guide.store_id.in_(store_ids))).all())
    if not guides:
        return 0
    tally = tally_days(session=session, guide_ids=sorted(guides), start=start, end=end, tz=tz)
    session.execute(delete(PerformanceDay).where(PerformanceDay.guide_id.in_(sorted(guides)),
                                                 PerformanceDay.day.between(start, end)))
    now = utcnow()
    rows = [{"store_id": guides[guide_id], "guide_id": guide_id, "day": day, "rolled_at": now,
             "friends_added_by_channel": dict(tally.channels.get((guide_id, day), {})),
             **{name: int(counts.get(name, 0)) for name in COLUMNS}}
            for (guide_id, day), counts in sorted(tally.counts.items()) if any(counts.values())]
    if rows:
        session.execute(PerformanceDay.__table__.insert(), rows)
    return len(rows)
