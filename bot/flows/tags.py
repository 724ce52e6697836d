"""Corp-tag flows: keep the local copy in step after change_external_tag."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import tags


def refresh_tags(*, session: Session, client, tag_id: str | None = None, group_id: str | None = None) -> None:
    """Re-read one tag, one group, or (neither given) every group from WeCom."""
    body = {"tag_id": [tag_id] if tag_id else [], "group_id": [group_id] if group_id else []}
    result = client.post("externalcontact/get_corp_tag_list", data=body)
    tags.store_tag_groups(session=session, tag_groups=result.get("tag_group", []))


def tag_deleted(*, session: Session, tag_id: str, is_group: bool) -> None:
    """A tag or tag group was deleted in the admin console."""
    tags.mark_deleted(session=session, tag_id=tag_id, is_group=is_group)
