"""change_contact: members created, changed and deleted in WeCom's directory (通讯录回调)."""
from __future__ import annotations

from bot.flows import directory
from bot.wecom.callback import WeComEvent
from handlers.events.registry import on

EVENT = "change_contact"


@on(EVENT, "create_user", "update_user")
def member_changed(event: WeComEvent, *, session, client) -> None:
    directory.member_changed(session=session, client=client, userid=event.get("UserID"), at=event.occurred_at,
                             status=event.get("Status"), new_userid=event.get("NewUserID"))


@on(EVENT, "delete_user")
def member_deleted(event: WeComEvent, *, session, client) -> None:
    directory.member_deleted(session=session, userid=event.get("UserID"), at=event.occurred_at)
