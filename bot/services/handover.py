"""Hand-over read models and records: who a store may hand over, their customers and groups, the history.

A store's hand-over scope: its members, and any member (left, or moved to another store) still holding live
friendships the store brought in (friendship.store_id). Queries take the store id; anything outside is None.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from bot.rules.handover import FAIL_REASON_STATUS, is_final
from bot.rules.membership import earlier, later
from bot.services.contacts import friendship_of, record_deleted_by_guide
from bot.services.guide_views import active_clause
from models import Customer, Friendship, GroupChat, Guide
from models.handover import (OPEN_STATUSES, STARTED_STATUSES, TRANSFER_DONE, TRANSFER_WAITING, UNSENT_STATUSES,
                             CustomerTransfer, GroupTransfer)

HISTORY_LIMIT = 200


@dataclass(frozen=True)
class HandoverGuide:
    """A member of the store's hand-over scope, with their live customers and owned groups."""

    guide: Guide
    customers: int
    groups: int
    waiting: int


def _store_friendship(store_id: int):
    f = Friendship
    return or_(f.store_id == store_id, and_(f.store_id.is_(None), Guide.store_id == store_id))


def _live_customers(session: Session, store_id: int, guide_ids: list[int] | None = None) -> dict[int, int]:
    stmt = (select(Friendship.guide_id, func.count()).join(Guide, Guide.id == Friendship.guide_id)
            .where(active_clause(), _store_friendship(store_id)).group_by(Friendship.guide_id))
    if guide_ids is not None:
        stmt = stmt.where(Friendship.guide_id.in_(guide_ids))
    return dict(session.execute(stmt).all())


def scope_guides(*, session: Session, store_id: int) -> list[HandoverGuide]:
    """The store's members and the members holding its customers, with counts."""
    counts = _live_customers(session, store_id)
    guides = session.scalars(select(Guide).where(or_(Guide.store_id == store_id, Guide.id.in_(list(counts))))
                             .order_by(Guide.active, Guide.name)).all()
    groups = dict(session.execute(select(GroupChat.owner_userid, func.count())
                                  .where(GroupChat.dismissed_at.is_(None),
                                         GroupChat.owner_userid.in_([g.userid for g in guides]))
                                  .group_by(GroupChat.owner_userid)).all()) if guides else {}
    waiting = dict(session.execute(select(CustomerTransfer.from_guide_id, func.count())
                                   .where(CustomerTransfer.status.in_(OPEN_STATUSES),
                                          CustomerTransfer.store_id == store_id)
                                   .group_by(CustomerTransfer.from_guide_id)).all())
    return [HandoverGuide(g, counts.get(g.id, 0), groups.get(g.userid, 0), waiting.get(g.id, 0)) for g in guides]


def guide_in_scope(*, session: Session, store_id: int, guide_id: int) -> Guide | None:
    """The member if the store may hand over their customers, else None."""
    guide = session.get(Guide, guide_id)
    if guide is None:
        return None
    if guide.store_id == store_id or _live_customers(session, store_id, [guide.id]):
        return guide
    return None


def scope_customers(*, session: Session, store_id: int, guide: Guide) -> list[tuple[Customer, Friendship, bool]]:
    """The member's live customers of this store: (customer, friendship, a transfer is waiting)."""
    waiting = exists().where(CustomerTransfer.customer_id == Customer.id, CustomerTransfer.from_guide_id == guide.id,
                             CustomerTransfer.status.in_(OPEN_STATUSES))
    rows = session.execute(
        select(Customer, Friendship, waiting).join(Friendship, Friendship.customer_id == Customer.id)
        .join(Guide, Guide.id == Friendship.guide_id)
        .where(Friendship.guide_id == guide.id, active_clause(), _store_friendship(store_id))
        .order_by(Friendship.added_at.desc(), Customer.id)).all()
    return [(c, f, bool(w)) for c, f, w in rows]


def owned_groups(*, session: Session, guide: Guide) -> list[GroupChat]:
    """The customer groups the member owns (not dismissed)."""
    return list(session.scalars(select(GroupChat).where(GroupChat.owner_userid == guide.userid,
                                                        GroupChat.dismissed_at.is_(None))
                                .order_by(GroupChat.name)))


def receivers(*, session: Session, store_id: int, excluding: int) -> list[Guide]:
    """The active members of the store who may take customers over."""
    return list(session.scalars(select(Guide).where(Guide.store_id == store_id, Guide.active.is_(True),
                                                    Guide.role.in_(("guide", "manager")), Guide.id != excluding)
                                .order_by(Guide.name)))


def history(*, session: Session, store_id: int, guide_id: int | None = None,
            limit: int = HISTORY_LIMIT) -> list[CustomerTransfer]:
    """The store's customer transfers, newest first (of one original member when guide_id is given)."""
    stmt = select(CustomerTransfer).where(CustomerTransfer.store_id == store_id)
    if guide_id is not None:
        stmt = stmt.where(CustomerTransfer.from_guide_id == guide_id)
    return list(session.scalars(stmt.options(selectinload(CustomerTransfer.customer))
                                .order_by(CustomerTransfer.requested_at.desc(), CustomerTransfer.id.desc())
                                .limit(limit)))


def group_history(*, session: Session, store_id: int, guide_id: int) -> list[GroupTransfer]:
    """The group transfers of one original owner asked by this store, newest first."""
    return list(session.scalars(select(GroupTransfer).where(GroupTransfer.store_id == store_id,
                                                            GroupTransfer.from_guide_id == guide_id)
                                .order_by(GroupTransfer.requested_at.desc(), GroupTransfer.id.desc())))


def groups_in_progress(*, session: Session, guide: Guide) -> set[int]:
    """The ids of the member's groups whose transfer the send job has not finished."""
    return set(session.scalars(select(GroupTransfer.group_id).where(GroupTransfer.from_guide_id == guide.id,
                                                                    GroupTransfer.status.in_(UNSENT_STATUSES))))


def unsent_pairs(*, session: Session) -> set[tuple[int, int]]:
    """(from guide, to guide) of every pair with customer or group transfers the send job has not finished."""
    return {tuple(row) for model in (CustomerTransfer, GroupTransfer) for row in session.execute(
        select(model.from_guide_id, model.to_guide_id).where(model.status.in_(UNSENT_STATUSES)).distinct())}


def unsent(*, session: Session, model: type[CustomerTransfer] | type[GroupTransfer], status: str, from_id: int,
           to_id: int, limit: int | None = None) -> list:
    """The pair's transfers (of customers or groups) in this unsent status, oldest first, with their subject
    and both members loaded (the send job calls WeCom with no transaction open)."""
    subject = CustomerTransfer.customer if model is CustomerTransfer else GroupTransfer.group
    loads = (selectinload(subject), selectinload(model.from_guide), selectinload(model.to_guide))
    return list(session.scalars(select(model).options(*loads).where(
        model.status == status, model.from_guide_id == from_id, model.to_guide_id == to_id)
        .order_by(model.id).limit(limit)))


def open_pairs(*, session: Session) -> list[tuple[str, int, int]]:
    """(kind, from guide, to guide) of every pair with transfers waiting for WeCom's result."""
    return [tuple(row) for row in session.execute(
        select(CustomerTransfer.kind, CustomerTransfer.from_guide_id, CustomerTransfer.to_guide_id)
        .where(CustomerTransfer.status == TRANSFER_WAITING).distinct()).all()]


def waiting_of_pair(*, session: Session, kind: str, from_id: int, to_id: int) -> list[CustomerTransfer]:
    """The waiting transfers of one pair, with their customers."""
    return list(session.scalars(select(CustomerTransfer).options(selectinload(CustomerTransfer.customer)).where(
        CustomerTransfer.kind == kind, CustomerTransfer.from_guide_id == from_id,
        CustomerTransfer.to_guide_id == to_id, CustomerTransfer.status == TRANSFER_WAITING)))


def settle(*, session: Session, transfer: CustomerTransfer, status: str, takeover_at: datetime | None,
           now: datetime, reason: str | None = None) -> bool:
    """Apply WeCom's answer to a waiting transfer; True when it became final now."""
    if is_final(transfer.status):
        return False
    transfer.takeover_at = takeover_at or transfer.takeover_at
    transfer.reason = reason or transfer.reason
    transfer.status = status
    if not is_final(status):
        return False
    transfer.finished_at = now
    if status == TRANSFER_DONE:
        taken_over(session=session, transfer=transfer, at=takeover_at or now)
    return True


def taken_over(*, session: Session, transfer: CustomerTransfer, at: datetime) -> None:
    """The customer is now the receiver's: a friendship made by transfer; the original one ends by transfer.

    Neither the original friendship's start, channel nor attribution changes; the receiver's friendship is
    marked via_transfer unless they were friends before (then it stays theirs, as it was).
    """
    customer = session.get(Customer, transfer.customer_id)
    mine = friendship_of(session=session, guide=transfer.to_guide, customer=customer)
    if mine.first_added_at is None:   # new to them (an add event for it already marked it, see below)
        mine.via_transfer = True
    mine.first_added_at = earlier(mine.first_added_at, at)
    mine.added_at = later(mine.added_at, at)
    mine.store_id = mine.store_id or transfer.store_id
    mine.add_count = max(mine.add_count or 0, 1)
    original = friendship_of(session=session, guide=transfer.from_guide, customer=customer)
    record_deleted_by_guide(original, at=at, by_transfer=True)


def mark_added_by_transfer(*, session: Session, friendship: Friendship) -> None:
    """An add event for a receiver: the first add of a customer being (or just) transferred to them is the
    transfer's, not an acquisition (WeCom sends no add event to a receiver who was a friend already)."""
    if friendship.add_count != 1 or friendship.via_transfer:
        return
    if session.scalar(select(CustomerTransfer.id).where(
            CustomerTransfer.customer_id == friendship.customer_id, CustomerTransfer.to_guide_id == friendship.guide_id,
            CustomerTransfer.status.in_((*STARTED_STATUSES, TRANSFER_DONE))).limit(1)) is not None:
        friendship.via_transfer = True


def transfer_failed(*, session: Session, customer_id: int, to_guide_id: int, reason: str, now: datetime) -> None:
    """The transfer_fail callback: the started transfer of this customer to this receiver ends with the reason."""
    status = FAIL_REASON_STATUS.get(reason)
    if status is None:
        return
    for transfer in session.scalars(select(CustomerTransfer).where(
            CustomerTransfer.customer_id == customer_id, CustomerTransfer.to_guide_id == to_guide_id,
            CustomerTransfer.status.in_(STARTED_STATUSES))):
        settle(session=session, transfer=transfer, status=status, takeover_at=None, now=now, reason=reason)
