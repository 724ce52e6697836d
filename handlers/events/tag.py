"""change_external_tag: keep the local copy of corp tags in step."""
from __future__ import annotations

from bot.flows import tags
from bot.wecom.callback import WeComEvent
from handlers.events.registry import on

EVENT = "change_external_tag"


@on(EVENT, "create", "update")
def created_or_updated(event: WeComEvent, *, session, client) -> None:
    is_group = event.get("TagType") == "tag_group"
    tags.refresh_tags(session=session, client=client, tag_id=None if is_group else event.get("Id"),
                      group_id=event.get("Id") if is_group else None)


@on(EVENT, "delete")
def deleted(event: WeComEvent, *, session, client) -> None:
    tags.tag_deleted(session=session, tag_id=event.get("Id"), is_group=event.get("TagType") == "tag_group")


@on(EVENT, "shuffle")
def shuffled(event: WeComEvent, *, session, client) -> None:
    tags.refresh_tags(session=session, client=client, group_id=event.get("Id") or None)
