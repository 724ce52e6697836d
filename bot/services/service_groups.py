"""一客一群 records: a customer's own service group, its 「加入群聊」 code, and the pairing when the customer joins."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Customer, Guide, GroupChat, GroupMember
from models.group_guard import PAIR_PAIRED, PAIR_WAITING, ServiceGroup


def _pairable(guide: Guide):
    paired = select(ServiceGroup.group_id).where(ServiceGroup.status == PAIR_PAIRED)
    return select(GroupChat).where(GroupChat.owner_userid == guide.userid, GroupChat.dismissed_at.is_(None),
                                   GroupChat.id.not_in(paired))


def pairable_groups(*, session: Session, guide: Guide) -> list[GroupChat]:
    """The guide's live groups (they own them) not yet paired with a customer, newest first."""
    return list(session.scalars(_pairable(guide).order_by(GroupChat.created_at.desc().nulls_last(),
                                                          GroupChat.id.desc())))


def group_of_guide(*, session: Session, guide: Guide, group_id: int) -> GroupChat | None:
    """One of pairable_groups by id, else None."""
    return session.scalars(_pairable(guide).where(GroupChat.id == group_id)).one_or_none()


def services_of(*, session: Session, customer: Customer) -> list[ServiceGroup]:
    """The customer's service groups and codes, newest first."""
    return list(session.scalars(select(ServiceGroup).where(ServiceGroup.customer_id == customer.id)
                                .order_by(ServiceGroup.id.desc())))


def record_code(*, session: Session, guide: Guide, customer: Customer, group: GroupChat, state: str,
                config_id: str, qr_code: str | None) -> ServiceGroup:
    """Record the 「加入群聊」 code made for this customer and group."""
    row = ServiceGroup(store_id=guide.store_id, guide_id=guide.id, customer_id=customer.id, group_id=group.id,
                       state=state, config_id=config_id, qr_code=qr_code, status=PAIR_WAITING)
    session.add(row)
    session.flush()
    return row


def pair_joins(*, session: Session, members: list[GroupMember], at: datetime | None) -> list[ServiceGroup]:
    """Pair each waiting code whose customer joined its group through it (the join's state); the pairs made."""
    states = {m.state: m for m in members if m.state and m.customer_id}
    if not states:
        return []
    made = []
    for row in session.scalars(select(ServiceGroup).where(ServiceGroup.state.in_(list(states)),
                                                          ServiceGroup.status == PAIR_WAITING)):
        member = states[row.state]
        if member.customer_id == row.customer_id and member.group_id == row.group_id:
            row.status, row.paired_at = PAIR_PAIRED, member.joined_at or at
            made.append(row)
    return made
