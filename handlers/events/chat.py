"""change_external_chat: customer groups created, changed, joined, left and dismissed."""
from __future__ import annotations

import logging

from sqlalchemy import event as sa_event

from bot.flows import groups
from bot.queues import DEFAULT
from bot.wecom.callback import WeComEvent
from handlers.events.registry import on
from tasks.runtime import job_runtime

log = logging.getLogger(__name__)
EVENT = "change_external_chat"
SEND_JOB = "tasks.group_guard.send_group_guard"


@on(EVENT, "create", "update:change_owner", "update:change_name", "update:change_notice")
def changed(event: WeComEvent, *, session, client) -> None:
    groups.group_changed(session=session, client=client, chat_id=event.get("ChatId"))


@on(EVENT, "update:add_member")
def joined(event: WeComEvent, *, session, client) -> None:
    group_id = groups.members_joined(session=session, client=client, chat_id=event.get("ChatId"),
                                     member_ids=event.items("MemChangeList"), at=event.occurred_at,
                                     join_scene=event.get("JoinScene"))
    if group_id is not None:
        send_after_commit(session, group_id)


def send_after_commit(session, group_id: int) -> None:
    """Enqueue the group guard's sends once the join is committed (the job must see its rows)."""
    def enqueue(_session) -> None:
        try:
            job_runtime().queues.enqueue(DEFAULT, SEND_JOB, group_id)
        except Exception:   # Redis away: the event is processed all the same; the group-guard sweep sends later
            log.warning("group guard: could not enqueue the sends of group %s", group_id, exc_info=True)
    sa_event.listen(session, "after_commit", enqueue, once=True)


@on(EVENT, "update:del_member")
def quit(event: WeComEvent, *, session, client) -> None:
    groups.members_quit(session=session, chat_id=event.get("ChatId"), member_ids=event.items("MemChangeList"),
                        at=event.occurred_at, quit_scene=event.get("QuitScene"))


@on(EVENT, "dismiss")
def dismissed(event: WeComEvent, *, session, client) -> None:
    groups.group_dismissed(session=session, chat_id=event.get("ChatId"), at=event.occurred_at)
