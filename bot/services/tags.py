"""The local copy of corp tags, kept in step with WeCom."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import CorpTag


def _upsert(session: Session, tag_id: str, **values) -> CorpTag:
    row = session.scalars(select(CorpTag).where(CorpTag.tag_id == tag_id)).one_or_none()
    if row is None:
        row = CorpTag(tag_id=tag_id)
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    return row


def store_tag_groups(*, session: Session, tag_groups: list[dict]) -> None:
    """Upsert groups and tags as get_corp_tag_list returns them."""
    for group in tag_groups:
        _upsert(session, group["group_id"], name=group.get("group_name", ""), is_group=True,
                group_id=None, deleted=bool(group.get("deleted")))
        for tag in group.get("tag", []):
            _upsert(session, tag["id"], name=tag.get("name", ""), is_group=False,
                    group_id=group["group_id"], deleted=bool(tag.get("deleted")))
    session.flush()


def mark_deleted(*, session: Session, tag_id: str, is_group: bool) -> None:
    """Mark a tag (or a group and its tags) deleted."""
    session.execute(update(CorpTag).where(CorpTag.tag_id == tag_id).values(deleted=True))
    if is_group:
        session.execute(update(CorpTag).where(CorpTag.group_id == tag_id).values(deleted=True))
