"""Customer-group flows: read groupchat/get and record what changed."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.rules.attribution import EVENT_JOIN_SCENE_TO_API
from bot.rules.form_input import parse_int
from bot.flows import group_guard
from bot.flows.service_groups import release_codes
from bot.services import groups, service_groups
from bot.wecom.errors import WeComError
from bot.wecom.profile import storable

MAX_SCENE = 32767   # a SMALLINT column


def fetch_group(client, chat_id: str) -> dict | None:
    """groupchat/get with member names made storable, or None if WeCom no longer knows the group."""
    try:
        answer = client.post("externalcontact/groupchat/get", data={"chat_id": chat_id, "need_name": 1})
        return storable(answer["group_chat"])
    except WeComError as exc:
        if exc.retryable:
            raise
        return None


def group_changed(*, session: Session, client, chat_id: str) -> None:
    """Created, renamed, new owner or notice: refresh the group and any members not yet known."""
    info = fetch_group(client, chat_id)
    group = groups.upsert_group(session=session, chat_id=chat_id, info=info)
    if info:
        known = {m.member_id for m in group.members}
        new = [m["userid"] for m in info.get("member_list", []) if m["userid"] not in known]
        groups.record_joins(session=session, group=group, member_ids=new, info=info, at=None,
                            event_join_scene=None)


def members_joined(*, session: Session, client, chat_id: str, member_ids: list[str], at: datetime | None,
                   join_scene: str) -> int | None:
    """Record joins, each attributed: the state's guide, else the invitor, else the owner; then the group
    guard's reminders and alerts. The group's id when something is left to send, else None."""
    info = fetch_group(client, chat_id)
    group = groups.upsert_group(session=session, chat_id=chat_id, info=info)
    rows = groups.record_joins(session=session, group=group, member_ids=member_ids, info=info, at=at,
                               event_join_scene=EVENT_JOIN_SCENE_TO_API.get(join_scene))
    pairs = service_groups.pair_joins(session=session, members=rows, at=at)
    release_codes(client=client, pairs=pairs)
    owed = group_guard.inspect_joins(session=session, client=client, group=group, members=rows, info=info)
    return group.id if owed else None


def members_quit(*, session: Session, chat_id: str, member_ids: list[str], at: datetime | None,
                 quit_scene: str) -> None:
    """Record members leaving; no WeCom call needed."""
    group = groups.upsert_group(session=session, chat_id=chat_id)
    groups.record_quits(session=session, group=group, member_ids=member_ids, at=at,
                        quit_scene=parse_int(quit_scene, high=MAX_SCENE))


def group_dismissed(*, session: Session, chat_id: str, at: datetime | None) -> None:
    """The owner dismissed the group."""
    groups.record_dismissed(session=session, group=groups.upsert_group(session=session, chat_id=chat_id), at=at)
