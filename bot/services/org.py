"""Stores and guides."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Guide, Store


def guide_by_userid(*, session: Session, userid: str) -> Guide | None:
    """Return the guide with this WeCom userid, if known."""
    return session.scalars(select(Guide).where(Guide.userid == userid)).one_or_none()


def ensure_guide(*, session: Session, userid: str) -> Guide:
    """Return the guide for userid, creating a store-less one for a member we have not synced yet."""
    guide = guide_by_userid(session=session, userid=userid)
    if guide is None:
        guide = Guide(userid=userid, name=userid, role="guide")
        session.add(guide)
        session.flush()
    return guide


def ensure_store(*, session: Session, code: str, name: str, region: str | None = None) -> Store:
    """Return the store with this code, creating it if needed."""
    store = session.scalars(select(Store).where(Store.code == code)).one_or_none()
    if store is None:
        store = Store(code=code, name=name, region=region)
        session.add(store)
        session.flush()
    return store


def known_guide_userids(*, session: Session, userids: set[str]) -> set[str]:
    """The subset of userids that are guides of this app."""
    if not userids:
        return set()
    return set(session.scalars(select(Guide.userid).where(Guide.userid.in_(userids))))
