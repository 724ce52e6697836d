"""The performance record: the rollup job (real worker) equals a recomputation from the raw events, live
counters agree with it, and the leaderboard reads it."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.rules.leaderboard import COLUMNS
from bot.rules.tracking import counted_flags, read_link
from bot.services.tracking import ClickSeen, GuideZones, live_counters, record_click
from models import (Click, CommerceEvent, Friendship, GroupMember, Order, OrderAttribution, PerformanceDay,
                    PurchaseDay)
from models.todo import GroupSend, Todo
from tests.spine.helpers import deliver
from tests.tracking.helpers import (AUTH, SECRET_KEY, customer_id, event, ids, order, post_events, post_orders,
                                    sent_todo, token)

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI).astimezone(timezone.utc)


def _todos(db, guide: str, customer_pk: int, yesterday: date, today: date) -> None:
    """Assigned yesterday: one delivered in the chat today, one handed to a group send today, one expired."""
    with db.transaction() as session:
        chat = sent_todo(session, guide, customer_pk, local(today, 11), rule_code="first_care")
        handed = sent_todo(session, guide, customer_pk, None, status="sent", rule_code="birthday_day")
        expired = sent_todo(session, guide, customer_pk, None, status="expired", rule_code="repeat_perks")
        send = GroupSend(msgid=f"msg-{guide}", guide_id=handed.guide_id, created_at=local(today, 9, 30))
        session.add(send)
        session.flush()
        for todo in (chat, handed, expired):
            todo.generated_on = todo.due_on = todo.anchor = yesterday
        handed.channel, handed.group_send_id = "group_send", send.id
        expired.expires_on, expired.channel = yesterday, None


def _clicks(runtime, guides: dict[str, int], customers: dict[str, int], yesterday: date, today: date) -> None:
    zones = GuideZones("Asia/Shanghai")
    plan = [("wangfang", "lin", local(yesterday, 20)), ("wangfang", "lin", local(yesterday, 20, 10)),   # repeat
            ("wangfang", "lin", local(yesterday, 23, 50)), ("wangfang", "lin", local(today, 0, 5)),   # past midnight
            ("wangfang", "wu", local(today, 10)), ("lixiao", "zhou", local(today, 12)),
            ("lixiao", "zhou", local(today, 12, 45)), ("lixiao", None, local(today, 13)),              # anonymous
            ("lixiao", "qian", local(today, 14))]                  # on a link issued 100 days ago: raw only
    for guide, who, at in plan:
        issued = at - timedelta(days=100) if who == "qian" else None
        link = token(guide_id=guides[guide], customer_id=customers.get(who), target="https://shop.example.com/new",
                     issued_at=issued)
        record_click(db=runtime.db, connection=runtime.redis, zones=zones, token=link,
                     ref=read_link(SECRET_KEY, link), seen=ClickSeen(user_agent="UA", remote="10.0.0.1"), now=at,
                     window=timedelta(minutes=30), link_days=90)


def _world(client, db, sandbox, driver, work, clock, runtime, yesterday: date, today: date):
    channel = client.post("/api/v1/channels", json={"guide_userid": "wangfang", "campaign": "春装"}, headers=AUTH)
    people = {name: sandbox.new_customer(label) for name, label in
              [("lin", "林女士"), ("zhou", "周先生"), ("wu", "吴小姐"), ("zheng", "郑女士"), ("qian", "钱女士")]}
    clock.advance(-86400)                                                        # yesterday
    deliver(driver, sandbox.customer_scans_contact_way(channel.get_json()["config_id"], people["lin"]))
    deliver(driver, sandbox.customer_adds_member(people["zhou"], "lixiao"))
    deliver(driver, sandbox.customer_adds_member(people["wu"], "wangfang"))
    deliver(driver, sandbox.create_group("wangfang", "春装VIP群", [people["lin"], people["wu"]])[1])
    clock.advance(86400)                                                         # today
    deliver(driver, sandbox.customer_adds_member(people["zheng"], "wangfang"))
    deliver(driver, sandbox.customer_adds_member(people["qian"], "lixiao"))
    deliver(driver, sandbox.customer_deletes_member(people["wu"], "wangfang"))
    work()
    guides = dict(zip(("wangfang", "lixiao"), ids(db, "wangfang", "lixiao")))
    customers = {name: customer_id(db, eid) for name, eid in people.items()}
    _clicks(runtime, guides, customers, yesterday, today)
    orders = [order("P-1", customer=people["lin"], paid_at=local(yesterday, 21).isoformat(), amount=59900),
              order("P-2", customer=people["lin"], paid_at=local(today, 0, 20).isoformat(), amount=29900),
              order("P-3", customer=people["zhou"], paid_at=local(today, 12, 50).isoformat(), amount=88800),
              order("P-4", customer=people["qian"], paid_at=local(today, 14).isoformat(), amount=12000,
                    status="refunded")]
    assert post_orders(client, orders).status_code == 201
    lin_link = token(guide_id=guides["wangfang"], customer_id=customers["lin"])
    assert post_events(client, [
        event("ev-1", "coupon_claim", at=local(yesterday, 20, 5), token=lin_link),
        event("ev-2", "add_to_cart", at=local(today, 12, 30), external_userid=people["zhou"]),
        event("ev-3", "page_view", at=local(today, 9), unionid="nobody-of-ours"),
        event("ev-4", "add_to_cart", at=local(today, 10, 5), external_userid=people["wu"])]).status_code == 207
    _todos(db, "wangfang", customers["lin"], yesterday, today)
    _todos(db, "lixiao", customers["zhou"], yesterday, today)
    return guides


def recompute(db, days: set[date]) -> dict[tuple[int, date], Counter]:
    """The performance record straight from the raw rows, computed independently of the rollup's queries."""
    out: dict[tuple[int, date], Counter] = defaultdict(Counter)
    day = lambda t: t.astimezone(SHANGHAI).date()   # noqa: E731
    with db.transaction() as s:
        for f in s.scalars(select(Friendship)):
            if f.first_added_at and day(f.first_added_at) in days:
                out[(f.guide_id, day(f.first_added_at))]["friends_added"] += 1
            ends = [t for t in (f.deleted_by_customer_at, None if f.deleted_by_transfer else f.deleted_by_guide_at)
                    if t and day(t) in days]
            if ends:
                out[(f.guide_id, day(max(ends)))]["friends_lost"] += 1
        for m in s.scalars(select(GroupMember)):
            if m.member_type == 2 and m.attributed_guide_id and m.joined_at and day(m.joined_at) in days:
                out[(m.attributed_guide_id, day(m.joined_at))]["group_joins"] += 1
        sends = {g.id: g.created_at for g in s.scalars(select(GroupSend))}
        for t in s.scalars(select(Todo)):
            for name, on in (("todos_assigned", t.generated_on),
                             ("todos_expired", t.expires_on if t.status == "expired" else None),
                             ("todos_done", day(t.sent_at) if t.status == "done" and t.sent_at else None),
                             ("todos_sent", day(sends[t.group_send_id]) if t.group_send_id else
                              (day(t.sent_at) if t.channel == "sidebar" and t.sent_at else None))):
                if on in days:
                    out[(t.guide_id, on)][name] += 1
        by_link: dict[tuple, list[Click]] = defaultdict(list)
        for c in s.scalars(select(Click).order_by(Click.clicked_at, Click.id)):
            if c.link_expired:                  # an expired link's click is raw only
                out[(c.guide_id, c.clicked_on)]["raw_clicks"] += c.clicked_on in days
                continue
            by_link[(c.visitor, c.link_key)].append(c)
        visitors: dict[tuple[int, date], set] = defaultdict(set)
        for group in by_link.values():
            for c, counts in zip(group, counted_flags([c.clicked_at for c in group], timedelta(minutes=30))):
                if c.clicked_on in days:
                    out[(c.guide_id, c.clicked_on)]["raw_clicks"] += 1
                    out[(c.guide_id, c.clicked_on)]["clicks"] += counts
                    visitors[(c.guide_id, c.clicked_on)].add(c.visitor)
        for key, seen in visitors.items():
            out[key]["unique_clickers"] = len(seen)
        names = {"coupon_claim": "coupon_claims", "add_to_cart": "add_to_carts", "page_view": "page_views"}
        for e in s.scalars(select(CommerceEvent)):
            if e.guide_id and e.occurred_on in days:
                out[(e.guide_id, e.occurred_on)][names[e.kind]] += 1
        credited = {}
        for a, o in s.execute(select(OrderAttribution, Order).join(Order, Order.id == OrderAttribution.order_id)
                              .order_by(Order.id)):
            if o.status != "refunded" and a.day in days:
                out[(a.guide_id, a.day)]["orders"] += 1
                out[(a.guide_id, a.day)]["order_amount"] += o.amount - o.refunded_amount
                credited.setdefault((o.customer_id, o.purchase_day), a.guide_id)
        purchase_days: dict[int, list[date]] = defaultdict(list)
        for p in s.scalars(select(PurchaseDay).order_by(PurchaseDay.day)):
            purchase_days[p.customer_id].append(p.day)
        for customer, bought in purchase_days.items():
            if len(bought) >= 2 and bought[1] in days and (customer, bought[1]) in credited:
                out[(credited[(customer, bought[1])], bought[1])]["second_purchases"] += 1
    return {k: v for k, v in out.items() if any(v.values())}


def rolled(db) -> dict[tuple[int, date], Counter]:
    with db.transaction() as s:
        return {(r.guide_id, r.day): Counter({c: getattr(r, c) for c in COLUMNS if getattr(r, c)})
                for r in s.scalars(select(PerformanceDay))}


def test_the_rollup_equals_a_recomputation_from_the_raw_events(client, db, org, sandbox, driver, work, clock,
                                                                runtime):
    today = datetime.now(SHANGHAI).date()
    yesterday = today - timedelta(days=1)
    guides = _world(client, db, sandbox, driver, work, clock, runtime, yesterday, today)
    runtime.queues.enqueue("reports", "tasks.performance.rollup_recent")
    work()
    expected = recompute(db, {yesterday, today})
    assert rolled(db) == expected
    # Not a comparison of empty sets: the world touches every figure for both guides.
    w, l = guides["wangfang"], guides["lixiao"]
    assert expected[(w, yesterday)] == Counter(friends_added=2, group_joins=2, todos_assigned=3, todos_expired=1,
                                               clicks=2, raw_clicks=3, unique_clickers=1, coupon_claims=1,
                                               orders=1, order_amount=59900)
    assert expected[(w, today)] == Counter(friends_added=1, friends_lost=1, todos_sent=2, todos_done=1, clicks=1,
                                           raw_clicks=2, unique_clickers=2, orders=1, order_amount=29900,
                                           second_purchases=1, add_to_carts=1)
    assert expected[(l, today)]["add_to_carts"] == 1 and expected[(l, today)]["orders"] == 1
    with db.transaction() as s:
        channels = s.scalars(select(PerformanceDay.friends_added_by_channel).where(
            PerformanceDay.guide_id == w, PerformanceDay.day == yesterday)).one()
    assert sorted(channels.values()) == [1, 1] and "" in channels        # one by the 春装 code, one directly

    # The live counters of today agree with the rollup; a second run changes nothing.
    live = live_counters(runtime.redis, w, today)
    assert {k: live[k] for k in ("clicks", "raw_clicks", "unique_clickers", "orders", "order_amount",
                                 "add_to_carts")} == {k: expected[(w, today)][k] for k in (
        "clicks", "raw_clicks", "unique_clickers", "orders", "order_amount", "add_to_carts")}
    runtime.queues.enqueue("reports", "tasks.performance.rollup_recent")
    work()
    assert rolled(db) == expected
