"""Read models for the store pages (managers) and the org pages (HQ).

Queries take the store id they are scoped to; a guide or channel of another store is not found.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.services.guide_views import active_clause
from models import KIND_CONTACT, Channel, Friendship, Guide, Store


@dataclass(frozen=True)
class GuideStats:
    """Friends added and lost by one guide in a period, and their friends now."""

    guide_id: int
    userid: str
    name: str
    role: str
    added: int
    lost: int
    friends: int


def store_by_id(*, session: Session, store_id: int) -> Store | None:
    """Return the store, if any."""
    return session.get(Store, store_id)


def guide_stats(*, session: Session, store_id: int, start: datetime) -> list[GuideStats]:
    """Per guide of the store: friends first added since start, lost since start, active now."""
    f = Friendship
    added = func.coalesce(func.sum(case((and_(f.first_added_at >= start, f.via_transfer.is_(False)), 1), else_=0)), 0)
    lost = func.coalesce(func.sum(case((or_(
        f.deleted_by_customer_at >= start,
        and_(f.deleted_by_guide_at >= start, f.deleted_by_transfer.is_(False)),
    ), 1), else_=0)), 0)
    friends = func.coalesce(func.sum(case((active_clause(), 1), else_=0)), 0)
    rows = session.execute(
        select(Guide.id, Guide.userid, Guide.name, Guide.role, added, lost, friends)
        .outerjoin(f, f.guide_id == Guide.id)
        .where(Guide.store_id == store_id, Guide.active.is_(True))
        .group_by(Guide.id, Guide.userid, Guide.name, Guide.role)
        .order_by(added.desc(), Guide.name)
    ).all()
    return [GuideStats(*row) for row in rows]


def guide_in_store(*, session: Session, store_id: int, guide_id: int) -> Guide | None:
    """The guide if they belong to this store, else None."""
    guide = session.get(Guide, guide_id)
    return guide if guide is not None and guide.store_id == store_id else None


def guide_by_userid_in_store(*, session: Session, store_id: int, userid: str) -> Guide | None:
    """The active guide with this userid if they belong to this store, else None."""
    guide = session.scalars(select(Guide).where(Guide.userid == userid)).one_or_none()
    return guide if guide is not None and guide.store_id == store_id and guide.active else None


def store_guides(*, session: Session, store_id: int) -> list[Guide]:
    """Active guides and managers of the store, by name."""
    return list(session.scalars(
        select(Guide).where(Guide.store_id == store_id, Guide.active.is_(True)).order_by(Guide.name)
    ))


@dataclass(frozen=True)
class ChannelRow:
    """A 联系我 code of the store with the friends it brought."""

    id: int
    state: str
    campaign: str | None
    guide_name: str
    qr_code: str | None
    created_at: datetime
    friends: int


def store_channels(*, session: Session, store_id: int) -> list[ChannelRow]:
    """The store's 联系我 codes, newest first, with how many friends each brought."""
    friends = func.count(Friendship.id)
    rows = session.execute(
        select(Channel.id, Channel.state, Channel.campaign, Guide.name, Channel.qr_code, Channel.created_at, friends)
        .outerjoin(Guide, Channel.guide_id == Guide.id)
        .outerjoin(Friendship, Friendship.channel_id == Channel.id)
        .where(Channel.store_id == store_id, Channel.kind == KIND_CONTACT)
        .group_by(Channel.id, Channel.state, Channel.campaign, Guide.name, Channel.qr_code, Channel.created_at)
        .order_by(Channel.id.desc())
    ).all()
    return [ChannelRow(i, s, c, g or "", q, at, n) for i, s, c, g, q, at, n in rows]


def channel_in_store(*, session: Session, store_id: int, channel_id: int) -> Channel | None:
    """The channel if it belongs to this store, else None."""
    channel = session.get(Channel, channel_id)
    return channel if channel is not None and channel.store_id == store_id else None


@dataclass(frozen=True)
class StoreRow:
    """A store in the HQ list."""

    id: int
    code: str
    name: str
    region: str | None
    guides: int
    friends: int


def stores_overview(*, session: Session) -> list[StoreRow]:
    """Every store with its number of active members and active friends."""
    members = (select(Guide.store_id, func.count(Guide.id).label("n")).where(Guide.active.is_(True))
               .group_by(Guide.store_id).subquery())
    friends = (select(Guide.store_id, func.count(Friendship.id).label("n"))
               .join(Friendship, Friendship.guide_id == Guide.id).where(active_clause())
               .group_by(Guide.store_id).subquery())
    rows = session.execute(
        select(Store.id, Store.code, Store.name, Store.region, func.coalesce(members.c.n, 0),
               func.coalesce(friends.c.n, 0))
        .outerjoin(members, members.c.store_id == Store.id)
        .outerjoin(friends, friends.c.store_id == Store.id)
        .order_by(Store.code)
    ).all()
    return [StoreRow(*row) for row in rows]


def all_guides(*, session: Session, store_id: int | None = None) -> list[tuple[Guide, Store | None]]:
    """Members (optionally of one store) with their store, active first."""
    stmt = (select(Guide, Store).outerjoin(Store, Guide.store_id == Store.id)
            .order_by(Guide.active.desc(), Store.code, Guide.role.desc(), Guide.name))
    if store_id is not None:
        stmt = stmt.where(Guide.store_id == store_id)
    return [tuple(row) for row in session.execute(stmt)]
