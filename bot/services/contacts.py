"""Customers and friendships, updated from customer-contact events."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.membership import earlier, later
from models import Channel, Customer, Friendship, Guide


def upsert_customer(*, session: Session, external_userid: str, profile: dict | None = None) -> Customer:
    """Return the customer, creating it; fill its profile from externalcontact/get when given."""
    customer = session.scalars(select(Customer).where(Customer.external_userid == external_userid)).one_or_none()
    if customer is None:
        customer = Customer(external_userid=external_userid)
        session.add(customer)
    if profile:
        customer.name = profile.get("name") or customer.name
        customer.unionid = profile.get("unionid") or customer.unionid
        customer.gender = int(profile.get("gender") or 0)
        customer.avatar = profile.get("avatar") or customer.avatar
        customer.type = int(profile.get("type") or 1)
        customer.corp_name = profile.get("corp_name") or customer.corp_name
    session.flush()
    return customer


def friendship_of(*, session: Session, guide: Guide, customer: Customer) -> Friendship:
    """Return the guide x customer row, creating an empty one."""
    row = session.scalars(
        select(Friendship).where(Friendship.guide_id == guide.id, Friendship.customer_id == customer.id)
    ).one_or_none()
    if row is None:
        row = Friendship(guide_id=guide.id, customer_id=customer.id, add_count=0)
        session.add(row)
        session.flush()
    return row


def record_added(friendship: Friendship, *, at: datetime | None, half: bool, state: str | None,
                 channel: Channel | None, guide: Guide, follow: dict | None) -> None:
    """Apply an add (or half add) at event time `at`; a later add reopens a deleted friendship."""
    friendship.first_added_at = earlier(friendship.first_added_at, at)
    is_latest = friendship.added_at is None or (at is not None and at >= friendship.added_at)
    friendship.added_at = later(friendship.added_at, at)
    friendship.add_count = (friendship.add_count or 0) + 1
    if is_latest:
        friendship.half = half
    if state or friendship.state is None:
        friendship.state = state or friendship.state
    if channel is not None:
        friendship.channel_id = channel.id
        friendship.campaign = channel.campaign
        friendship.store_id = channel.store_id or guide.store_id
    elif friendship.store_id is None:
        friendship.store_id = guide.store_id
    if follow:
        apply_follow_info(friendship, follow)


def apply_follow_info(friendship: Friendship, follow: dict) -> None:
    """Copy remark and add_way from a follow_user entry of externalcontact/get."""
    friendship.remark = follow.get("remark") or friendship.remark
    if follow.get("add_way") is not None:
        friendship.add_way = int(follow["add_way"])


def record_deleted_by_guide(friendship: Friendship, *, at: datetime | None, by_transfer: bool) -> None:
    """The guide deleted the customer (or 在职继承 moved them)."""
    if friendship.deleted_by_guide_at is None or (at is not None and at >= friendship.deleted_by_guide_at):
        friendship.deleted_by_transfer = by_transfer
    friendship.deleted_by_guide_at = later(friendship.deleted_by_guide_at, at)


def record_deleted_by_customer(friendship: Friendship, *, at: datetime | None) -> None:
    """The customer deleted the guide."""
    friendship.deleted_by_customer_at = later(friendship.deleted_by_customer_at, at)
