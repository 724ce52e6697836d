"""互动雷达: what customers did after a guide's send, and the notice when one clicks while it is hot.

A to-do's reactions are its link clicks, and the customer's coupon claims, carts and orders credited to
the same guide within REACTION_DAYS of the send (or carrying the to-do's own link). A click within
RADAR_HOT_MINUTES of the send sends the guide a WeCom app notice (a text_notice card), at most one per
customer a day (a Redis key per customer and day, taken only by a notice that was sent).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.rules.tracking import is_hot_click
from bot.services.tracking import radar_key
from models import Click, CommerceEvent, Customer, Guide, Order, OrderAttribution, Store
from models.todo import TODO_SENT, GroupSend, Todo

log = logging.getLogger(__name__)

REACTION_DAYS = 7
NOTICE_KEY_TTL = 2 * 86400


@dataclass
class Reactions:
    """What happened after one send."""

    sent_at: datetime | None = None
    clicks: int = 0
    first_click_at: datetime | None = None
    coupon_claims: int = 0
    add_to_carts: int = 0
    orders: int = 0
    amount: int = 0

    @property
    def any(self) -> bool:
        return bool(self.clicks or self.coupon_claims or self.add_to_carts or self.orders)


def send_time(todo: Todo, handed_at: datetime | None) -> datetime | None:
    """When the to-do went out: its send time, else (not settled yet) when it was handed to WeCom."""
    return todo.sent_at or handed_at


def todo_reactions(*, session: Session, todos: list[Todo]) -> dict[int, Reactions]:
    """Reactions to each of these (sent) to-dos."""
    handed = dict(session.execute(select(GroupSend.id, GroupSend.created_at).where(
        GroupSend.id.in_({t.group_send_id for t in todos if t.group_send_id}))).all()) if todos else {}
    out = {t.id: Reactions(sent_at=send_time(t, handed.get(t.group_send_id))) for t in todos}
    if not todos:
        return out
    for todo_id, at in session.execute(select(Click.todo_id, Click.clicked_at).where(
            Click.todo_id.in_(list(out)), Click.counted.is_(True)).order_by(Click.clicked_at)):
        r = out[todo_id]
        r.clicks += 1
        r.first_click_at = r.first_click_at or at
    _events(session, todos, out)
    _orders(session, todos, out)
    return out


def _matches(todo: Todo, r: Reactions, customer_id: int, guide_id: int, at: datetime, todo_id: int | None) -> bool:
    if todo_id == todo.id:
        return True
    return (r.sent_at is not None and customer_id == todo.customer_id and guide_id == todo.guide_id
            and r.sent_at <= at <= r.sent_at + timedelta(days=REACTION_DAYS))


def _events(session: Session, todos: list[Todo], out: dict[int, Reactions]) -> None:
    rows = session.execute(select(CommerceEvent.customer_id, CommerceEvent.guide_id, CommerceEvent.occurred_at,
                                  CommerceEvent.todo_id, CommerceEvent.kind)
                           .where(or_(CommerceEvent.todo_id.in_(list(out)),
                                      CommerceEvent.customer_id.in_({t.customer_id for t in todos})),
                                  CommerceEvent.kind != "page_view")).all()
    for todo in todos:
        r = out[todo.id]
        for customer_id, guide_id, at, todo_id, kind in rows:
            if _matches(todo, r, customer_id, guide_id, at, todo_id):
                if kind == "coupon_claim":
                    r.coupon_claims += 1
                else:
                    r.add_to_carts += 1


def _orders(session: Session, todos: list[Todo], out: dict[int, Reactions]) -> None:
    rows = session.execute(select(OrderAttribution.customer_id, OrderAttribution.guide_id, Order.paid_at,
                                  OrderAttribution.todo_id, Order.amount - Order.refunded_amount)
                           .join(Order, Order.id == OrderAttribution.order_id)
                           .where(or_(OrderAttribution.todo_id.in_(list(out)),
                                      OrderAttribution.customer_id.in_({t.customer_id for t in todos})),
                                  Order.status != "refunded")).all()
    for todo in todos:
        r = out[todo.id]
        for customer_id, guide_id, at, todo_id, amount in rows:
            if _matches(todo, r, customer_id, guide_id, at, todo_id):
                r.orders, r.amount = r.orders + 1, r.amount + int(amount)


@dataclass
class Notice:
    userid: str
    customer_name: str
    minutes: int
    customer_id: int
    external_userid: str
    day: date
    body: dict = field(default_factory=dict)


def hot_notice(*, session: Session, click_id: int, hot_minutes: int) -> Notice | None:
    """The notice a click deserves: a to-do link clicked within hot_minutes of its send, else None."""
    row = session.execute(select(Click, Todo, Guide, Customer, Store.timezone)
                          .join(Todo, Todo.id == Click.todo_id).join(Guide, Guide.id == Todo.guide_id)
                          .join(Customer, Customer.id == Todo.customer_id)
                          .outerjoin(Store, Store.id == Guide.store_id).where(Click.id == click_id)).one_or_none()
    if row is None:
        return None
    click, todo, guide, customer, tz = row
    sent_at = todo.sent_at
    if not guide.active or not is_hot_click(sent_at, todo.status == TODO_SENT, click.clicked_at, hot_minutes):
        return None
    minutes = max(0, int((click.clicked_at - sent_at).total_seconds() // 60)) if sent_at else 0
    day = click.clicked_at.astimezone(ZoneInfo(tz or "Asia/Shanghai")).date()
    return Notice(guide.userid, customer.name or "顾客", minutes, customer.id, customer.external_userid, day)


def notice_card(notice: Notice, url: str) -> dict:
    """The text_notice card telling the guide a customer just opened their link."""
    when = "刚刚" if notice.minutes < 1 else f"发送后 {notice.minutes} 分钟"
    return {"card_type": "text_notice", "source": {"desc": "互动雷达", "desc_color": 1},
            "main_title": {"title": f"{notice.customer_name}点开了你发的链接", "desc": when},
            "emphasis_content": {"title": "趁热", "desc": "现在跟进成交率最高"},
            "sub_title_text": "看看顾客还领了券、加了购没有，聊两句吧。",
            "card_action": {"type": 1, "url": url}}


def send_hot_notice(*, db, client, connection, agent_id: int, click_id: int, hot_minutes: int,
                    public_base: str) -> bool:
    """Notify the guide of a hot click, once per customer a day; True when a notice went out now."""
    with db.transaction() as session:
        notice = hot_notice(session=session, click_id=click_id, hot_minutes=hot_minutes)
    if notice is None:
        return False
    key = radar_key(notice.customer_id, notice.day)
    if not connection.set(key, str(click_id), nx=True, ex=NOTICE_KEY_TTL):
        return False
    url = f"{public_base.rstrip('/')}/guide/radar/customers/{notice.external_userid}"
    try:
        client.message.send(agent_id, [notice.userid], msg={"msgtype": "template_card",
                                                           "template_card": notice_card(notice, url)})
    except Exception:
        connection.delete(key)   # not sent: the retry may send it
        raise
    return True


@dataclass(frozen=True)
class Moment:
    """One line of a customer's radar: a send, a click, a coupon, a cart, an order."""

    at: datetime
    kind: str          # send | click | coupon_claim | add_to_cart | page_view | order
    title: str
    amount: int | None = None


MOMENT_TITLES = {"coupon_claim": "领取了优惠券", "add_to_cart": "加入购物车", "page_view": "浏览了商城页面"}


def customer_moments(*, session: Session, guide_id: int, customer_id: int, limit: int = 100) -> list[Moment]:
    """What the guide sent this customer and what the customer did that counts for the guide, newest first."""
    moments: list[Moment] = []
    for todo in session.scalars(select(Todo).where(Todo.guide_id == guide_id, Todo.customer_id == customer_id,
                                                   Todo.sent_at.is_not(None))):
        moments.append(Moment(todo.sent_at, "send", f"收到你的「{todo.rule.name}」消息"))
    for at, counted in session.execute(select(Click.clicked_at, Click.counted).where(
            Click.customer_id == customer_id, Click.guide_id == guide_id, Click.counted.is_(True))):
        moments.append(Moment(at, "click", "点开了你发的链接"))
    for at, kind, sku in session.execute(select(CommerceEvent.occurred_at, CommerceEvent.kind, CommerceEvent.sku)
                                         .where(CommerceEvent.customer_id == customer_id,
                                                CommerceEvent.guide_id == guide_id)):
        moments.append(Moment(at, kind, MOMENT_TITLES[kind] + (f"（{sku}）" if sku else "")))
    for at, amount, reason in session.execute(
            select(Order.paid_at, Order.amount - Order.refunded_amount, OrderAttribution.reason)
            .join(OrderAttribution, OrderAttribution.order_id == Order.id)
            .where(OrderAttribution.customer_id == customer_id, OrderAttribution.guide_id == guide_id)):
        moments.append(Moment(at, "order", "下单，业绩记在你名下", int(amount)))
    return sorted(moments, key=lambda m: m.at, reverse=True)[:limit]


def sent_todos(*, session: Session, guide_id: int, since: date) -> list[Todo]:
    """The guide's to-dos handed to WeCom or delivered, listed since `since`, newest first."""
    return list(session.scalars(select(Todo).where(Todo.guide_id == guide_id, Todo.status.in_(("sent", "done")),
                                                   Todo.due_on >= since)
                                .order_by(Todo.updated_at.desc(), Todo.id.desc()).limit(200)))
