"""Customer groups and members, updated from group events and groupchat/get."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.attribution import attribute_group_join
from bot.rules.membership import later
from bot.services.channels import resolve_channel_state
from bot.services.contacts import upsert_customer
from bot.services.org import known_guide_userids
from models import Guide, GroupChat, GroupMember


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), timezone.utc) if value else None


def upsert_group(*, session: Session, chat_id: str, info: dict | None = None) -> GroupChat:
    """Return the group, creating it; copy name / owner / notice from groupchat/get when given."""
    group = session.scalars(select(GroupChat).where(GroupChat.chat_id == chat_id)).one_or_none()
    if group is None:
        group = GroupChat(chat_id=chat_id)
        session.add(group)
    if info:
        group.name = info.get("name", group.name) or ""
        group.owner_userid = info.get("owner") or group.owner_userid
        group.notice = info.get("notice", group.notice)
        group.member_version = info.get("member_version") or group.member_version
        group.created_at = group.created_at or _ts(info.get("create_time"))
    session.flush()
    return group


def _member_row(session: Session, group: GroupChat, member_id: str) -> GroupMember:
    row = session.scalars(
        select(GroupMember).where(GroupMember.group_id == group.id, GroupMember.member_id == member_id)
    ).one_or_none()
    if row is None:
        row = GroupMember(group_id=group.id, member_id=member_id)
        session.add(row)
    return row


def record_joins(*, session: Session, group: GroupChat, member_ids: list[str], info: dict | None,
                 at: datetime | None, event_join_scene: int | None) -> list[GroupMember]:
    """Record joins of member_ids, attributing each to the state's guide, the invitor or the owner."""
    listed = {m["userid"]: m for m in (info or {}).get("member_list", [])}
    candidates = {group.owner_userid or ""} | {
        (m.get("invitor") or {}).get("userid", "") for m in listed.values()
    }
    guides = known_guide_userids(session=session, userids={c for c in candidates if c})
    rows = []
    for member_id in member_ids:
        rows.append(_record_join(session, group, member_id, listed.get(member_id), at, event_join_scene, guides))
    session.flush()
    return rows


def _record_join(session, group, member_id, listed, at, event_join_scene, guides) -> GroupMember:
    row = _member_row(session, group, member_id)
    joined = _ts(listed.get("join_time")) if listed else None
    row.joined_at = later(row.joined_at, joined or at)
    if listed:
        row.member_type = int(listed.get("type") or 2)
        row.join_scene = int(listed["join_scene"]) if listed.get("join_scene") is not None else None
        row.invitor_userid = (listed.get("invitor") or {}).get("userid")
        row.state = listed.get("state") or row.state
    elif row.join_scene is None:
        row.join_scene = event_join_scene
    if row.member_type == 2:
        row.customer_id = upsert_customer(session=session, external_userid=member_id).id
    channel = resolve_channel_state(session=session, state=row.state)
    row.channel_id = channel.id if channel else row.channel_id
    channel_guide = channel.guide.userid if channel and channel.guide else None
    userid = attribute_group_join(channel_guide=channel_guide, invitor=row.invitor_userid,
                                  owner=group.owner_userid, known_guides=guides | ({channel_guide} - {None}))
    if userid:
        row.attributed_guide_id = session.scalars(select(Guide.id).where(Guide.userid == userid)).one()
    return row


def record_quits(*, session: Session, group: GroupChat, member_ids: list[str], at: datetime | None,
                 quit_scene: int | None) -> None:
    """Record members leaving (or being removed)."""
    for member_id in member_ids:
        row = _member_row(session, group, member_id)
        if row.quit_at is None or (at and at >= row.quit_at):
            row.quit_scene = quit_scene
        row.quit_at = later(row.quit_at, at)
    session.flush()


def record_dismissed(*, session: Session, group: GroupChat, at: datetime | None) -> None:
    """Mark the group dismissed."""
    group.dismissed_at = later(group.dismissed_at, at)
