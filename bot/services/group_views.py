"""What the store's 客户群 page shows: the store's customer groups, who joined and left, and the alerts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from models import Customer, Guide, GroupChat, GroupMember
from models.group_guard import ALERT_OPEN, GroupAlert, GroupJoinNotice

LOG_LIMIT = 100
ALERT_LIMIT = 100


@dataclass(frozen=True)
class GroupRow:
    """One customer group of the store, with its counts."""

    group: GroupChat
    owner_name: str
    members: int
    customers: int
    joined: int
    left: int
    open_alerts: int


@dataclass(frozen=True)
class LogLine:
    """A member joining or leaving one of the store's groups."""

    at: datetime
    kind: str            # joined | left
    group_name: str
    member_name: str
    member_type: int
    scene: int | None
    reminder: str | None  # the rules reminder's status for a join


def _store_groups(store_id: int):
    return (select(GroupChat.id).join(Guide, Guide.userid == GroupChat.owner_userid)
            .where(Guide.store_id == store_id, GroupChat.dismissed_at.is_(None)))


def _in_group():
    return or_(GroupMember.quit_at.is_(None), GroupMember.joined_at > GroupMember.quit_at)


def store_groups(*, session: Session, store_id: int, since: datetime) -> list[GroupRow]:
    """The store's live groups (their owner is of the store), most members first."""
    m = GroupMember
    counts = (select(m.group_id, func.sum(case((_in_group(), 1), else_=0)).label("members"),
                     func.sum(case((and_(_in_group(), m.member_type == 2), 1), else_=0)).label("customers"),
                     func.sum(case((m.joined_at >= since, 1), else_=0)).label("joined"),
                     func.sum(case((m.quit_at >= since, 1), else_=0)).label("left"))
              .where(m.group_id.in_(_store_groups(store_id))).group_by(m.group_id).subquery())
    alerts = (select(GroupAlert.group_id, func.count().label("n"))
              .where(GroupAlert.status == ALERT_OPEN, GroupAlert.group_id.in_(_store_groups(store_id)))
              .group_by(GroupAlert.group_id).subquery())
    rows = session.execute(
        select(GroupChat, Guide.name, counts.c.members, counts.c.customers, counts.c.joined, counts.c.left,
               alerts.c.n)
        .join(Guide, Guide.userid == GroupChat.owner_userid)
        .outerjoin(counts, counts.c.group_id == GroupChat.id).outerjoin(alerts, alerts.c.group_id == GroupChat.id)
        .where(Guide.store_id == store_id, GroupChat.dismissed_at.is_(None))
        .order_by(counts.c.members.desc().nulls_last(), GroupChat.id)).all()
    return [GroupRow(g, owner or "", int(a or 0), int(b or 0), int(c or 0), int(d or 0), int(e or 0))
            for g, owner, a, b, c, d, e in rows]


def join_log(*, session: Session, store_id: int, since: datetime, limit: int = LOG_LIMIT) -> list[LogLine]:
    """Joins and leaves in the store's groups since `since`, newest first.

    A member row gives at most two lines, its latest one no newer than its join or leave within the window,
    so the `limit` rows latest by that time hold the `limit` newest lines: the database returns only those."""
    m = GroupMember
    notice = (select(GroupJoinNotice.status).where(GroupJoinNotice.group_member_id == m.id,
                                                   GroupJoinNotice.joined_at == m.joined_at)
              .limit(1).scalar_subquery())
    left_last = and_(m.quit_at >= since, or_(m.joined_at.is_(None), m.quit_at > m.joined_at))
    rows = session.execute(
        select(m, GroupChat.name, Customer.name, Guide.name, notice)
        .join(GroupChat, GroupChat.id == m.group_id)
        .outerjoin(Customer, Customer.id == m.customer_id)
        .outerjoin(Guide, and_(m.member_type == 1, Guide.userid == m.member_id))
        .where(m.group_id.in_(_store_groups(store_id)), or_(m.joined_at >= since, m.quit_at >= since))
        .order_by(case((left_last, m.quit_at), else_=m.joined_at).desc(), m.id.desc()).limit(limit)).all()
    lines = []
    for member, group_name, customer_name, guide_name, reminder in rows:
        name = customer_name or guide_name or member.member_id
        if member.joined_at and member.joined_at >= since:
            lines.append(LogLine(member.joined_at, "joined", group_name, name, member.member_type,
                                 member.join_scene, reminder))
        if member.quit_at and member.quit_at >= since:
            lines.append(LogLine(member.quit_at, "left", group_name, name, member.member_type,
                                 member.quit_scene, None))
    return sorted(lines, key=lambda line: line.at, reverse=True)[:limit]


def store_alerts(*, session: Session, store_id: int, limit: int = ALERT_LIMIT) -> list[GroupAlert]:
    """The store's alerts, open ones first, newest first."""
    return list(session.scalars(
        select(GroupAlert).where(GroupAlert.group_id.in_(_store_groups(store_id)))
        .order_by(case((GroupAlert.status == ALERT_OPEN, 0), else_=1), GroupAlert.created_at.desc(),
                  GroupAlert.id.desc()).limit(limit)))


def alert_in_store(*, session: Session, store_id: int, alert_id: int) -> GroupAlert | None:
    """The alert if it is about one of the store's groups, else None."""
    return session.scalars(select(GroupAlert).where(
        GroupAlert.id == alert_id, GroupAlert.group_id.in_(_store_groups(store_id)))).one_or_none()
