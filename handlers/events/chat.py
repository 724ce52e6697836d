"""change_external_chat: customer groups created, changed, joined, left and dismissed."""
from __future__ import annotations

from bot.flows import groups
from bot.wecom.callback import WeComEvent
from handlers.events.registry import on

EVENT = "change_external_chat"


@on(EVENT, "create", "update:change_owner", "update:change_name", "update:change_notice")
def changed(event: WeComEvent, *, session, client) -> None:
    groups.group_changed(session=session, client=client, chat_id=event.get("ChatId"))


@on(EVENT, "update:add_member")
def joined(event: WeComEvent, *, session, client) -> None:
    groups.members_joined(session=session, client=client, chat_id=event.get("ChatId"),
                          member_ids=event.items("MemChangeList"), at=event.occurred_at,
                          join_scene=event.get("JoinScene"))


@on(EVENT, "update:del_member")
def quit(event: WeComEvent, *, session, client) -> None:
    groups.members_quit(session=session, chat_id=event.get("ChatId"), member_ids=event.items("MemChangeList"),
                        at=event.occurred_at, quit_scene=event.get("QuitScene"))


@on(EVENT, "dismiss")
def dismissed(event: WeComEvent, *, session, client) -> None:
    groups.group_dismissed(session=session, chat_id=event.get("ChatId"), at=event.occurred_at)
