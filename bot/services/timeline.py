"""A customer's timeline as a guide (or a store) sees it: friendship, groups, orders, tags."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.rules.labels import ORDER_STATUS_LABELS, channel_label
from models import Channel, CorpTag, Customer, Friendship, GroupChat, GroupMember, Guide, Order, Store, TierTagMark

KIND_FRIEND = "friend"
KIND_LOST = "lost"
KIND_GROUP = "group"
KIND_ORDER = "order"
KIND_TAG = "tag"


@dataclass(frozen=True)
class TimelineEvent:
    """One dated line of the timeline."""

    at: datetime
    kind: str
    title: str
    detail: str = ""
    amount: int | None = None


def timeline_events(*, session: Session, customer: Customer,
                    friendships: list[tuple[Friendship, Guide, Channel | None]]) -> list[TimelineEvent]:
    """Events of the in-scope friendships, the groups of their guides, orders and tier tags; newest first."""
    events: list[TimelineEvent] = []
    for friendship, guide, channel in friendships:
        events += _friendship_events(friendship, guide, channel)
    guides = [guide for _f, guide, _c in friendships]
    events += _group_events(session, customer, guides)
    events += _order_events(session, customer)
    events += _tag_events(session, [f for f, _g, _c in friendships], {g.id: g for g in guides})
    return sorted(events, key=lambda e: e.at, reverse=True)


def _friendship_events(f: Friendship, guide: Guide, channel: Channel | None) -> list[TimelineEvent]:
    out = []
    source = channel_label(f.campaign, channel is not None, f.add_way)
    if f.first_added_at and f.via_transfer:
        out.append(TimelineEvent(f.first_added_at, KIND_FRIEND, f"由导购{guide.name}接替", "来源：客户交接"))
    elif f.first_added_at:
        out.append(TimelineEvent(f.first_added_at, KIND_FRIEND, f"添加导购{guide.name}为好友", f"来源：{source}"))
    if f.added_at and f.first_added_at and f.added_at > f.first_added_at:
        out.append(TimelineEvent(f.added_at, KIND_FRIEND, f"重新添加导购{guide.name}", f"来源：{source}"))
    if f.deleted_by_customer_at:
        out.append(TimelineEvent(f.deleted_by_customer_at, KIND_LOST, f"客户删除了导购{guide.name}"))
    if f.deleted_by_guide_at:
        title = f"客户已转接，离开导购{guide.name}" if f.deleted_by_transfer else f"导购{guide.name}删除了客户"
        out.append(TimelineEvent(f.deleted_by_guide_at, KIND_LOST, title))
    return out


def _group_events(session: Session, customer: Customer, guides: list[Guide]) -> list[TimelineEvent]:
    """Joins and quits of groups owned by, or attributed to, the in-scope guides."""
    rows = session.execute(
        select(GroupMember, GroupChat).join(GroupChat, GroupMember.group_id == GroupChat.id)
        .where(GroupMember.member_id == customer.external_userid,
               or_(GroupMember.attributed_guide_id.in_([g.id for g in guides]),
                   GroupChat.owner_userid.in_([g.userid for g in guides])))
    ).all()
    out = []
    for member, group in rows:
        name = group.name or "未命名客户群"
        if member.joined_at:
            out.append(TimelineEvent(member.joined_at, KIND_GROUP, f"加入客户群「{name}」"))
        if member.quit_at and (member.joined_at is None or member.quit_at >= member.joined_at):
            out.append(TimelineEvent(member.quit_at, KIND_GROUP, f"退出客户群「{name}」"))
    return out


def _order_events(session: Session, customer: Customer) -> list[TimelineEvent]:
    """The customer's orders: the guide who brought them is credited wherever they buy."""
    rows = session.execute(
        select(Order, Store.name).join(Store, Order.store_id == Store.id)
        .where(Order.customer_id == customer.id).order_by(Order.paid_at.desc()).limit(100)
    ).all()
    return [TimelineEvent(order.paid_at, KIND_ORDER, f"下单（{store_name}）",
                          f"订单号 {order.order_no} · {ORDER_STATUS_LABELS.get(order.status, order.status)}",
                          amount=order.amount - order.refunded_amount)
            for order, store_name in rows]


def _tag_events(session: Session, friendships: list[Friendship], guides: dict[int, Guide]) -> list[TimelineEvent]:
    """The purchase-tier tag last put on each in-scope friendship in WeCom."""
    marks = session.execute(
        select(TierTagMark, CorpTag.name, Friendship.guide_id)
        .join(Friendship, TierTagMark.friendship_id == Friendship.id)
        .outerjoin(CorpTag, TierTagMark.tag_id == CorpTag.tag_id)
        .where(TierTagMark.friendship_id.in_([f.id for f in friendships]))
    ).all()
    out = []
    for mark, tag_name, guide_id in marks:
        guide_name = guides[guide_id].name if guide_id in guides else ""
        title = f"打标签「{tag_name or mark.tag_id}」" if mark.tag_id else "移除购买次数标签"
        out.append(TimelineEvent(mark.marked_at, KIND_TAG, title, f"企业微信 · {guide_name}"))
    return out
