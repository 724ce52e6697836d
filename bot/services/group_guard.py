"""Group guard records: the policies, the reminders owed per join, the alerts, and their claims.

A customer group belongs to the store of its owner. Sends are claimed one row at a time (a conditional
UPDATE from pending to sending, stamping claimed_at), so two jobs never send the same reminder or card. A job
that dies between its claim and recording the outcome leaves its rows sending: the sweep takes them back
(`take_back_stuck`) once they were claimed longer ago than any live job can take.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.rules.group_guard import Finding, parse_lines, rules_text
from bot.services.sql import insert_ignore
from models import Customer, Guide, GroupChat, GroupMember, utcnow
from models.group_guard import (
    ALERT_OPEN, BRAND_SCOPE, SEND_FAILED, SEND_PENDING, SEND_SENDING, SEND_SENT, GroupAlert, GroupJoinNotice,
    GroupPolicy, store_scope,
)


@dataclass(frozen=True)
class Policy:
    """What applies to one store's groups."""

    rules: str
    keywords: list[str]
    own_corp_names: list[str]
    one_customer_group: bool


def policy_row(*, session: Session, store_id: int | None) -> GroupPolicy | None:
    """The brand's row (store_id None) or a store's, if saved."""
    scope = BRAND_SCOPE if store_id is None else store_scope(store_id)
    return session.scalars(select(GroupPolicy).where(GroupPolicy.scope == scope)).one_or_none()


def effective_policy(*, session: Session, store_id: int | None) -> Policy:
    """The brand's settings with the store's rules text (when it has one) and its 一客一群 switch."""
    brand = policy_row(session=session, store_id=None)
    store = policy_row(session=session, store_id=store_id) if store_id else None
    return Policy(rules=rules_text(store_text=store.rules_text if store else None,
                                   brand_text=brand.rules_text if brand else None),
                  keywords=parse_lines(brand.keywords if brand else ""),
                  own_corp_names=parse_lines(brand.own_corp_names if brand else ""),
                  one_customer_group=bool(store and store.one_customer_group))


def one_customer_group_for(*, session: Session, guide_id: int) -> bool:
    """Whether 一客一群 is on in the guide's store (the store's switch alone: the brand's row has none)."""
    return bool(session.scalar(select(GroupPolicy.one_customer_group)
                               .join(Guide, Guide.store_id == GroupPolicy.store_id).where(Guide.id == guide_id)))


def save_policy(*, session: Session, store_id: int | None, by: str, **values) -> GroupPolicy:
    """Create or update the brand's (store_id None) or a store's policy with values."""
    row = policy_row(session=session, store_id=store_id)
    if row is None:
        row = GroupPolicy(scope=BRAND_SCOPE if store_id is None else store_scope(store_id), store_id=store_id,
                          keywords="", own_corp_names="", one_customer_group=False)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_by = by
    session.flush()
    return row


def group_store_id(*, session: Session, group: GroupChat) -> int | None:
    """The store of the group's owner (None for an owner outside every store)."""
    if not group.owner_userid:
        return None
    return session.scalars(select(Guide.store_id).where(Guide.userid == group.owner_userid)).one_or_none()


def owe_reminder(*, session: Session, member: GroupMember) -> bool:
    """Record that this join of member is owed the rules reminder; False if it was recorded already."""
    return insert_ignore(session, GroupJoinNotice.__table__, {
        "group_member_id": member.id, "group_id": member.group_id, "joined_at": member.joined_at,
        "status": SEND_PENDING}, conflict=["group_member_id", "joined_at"]) is not None


def raise_alert(*, session: Session, member: GroupMember, name: str, corp_name: str | None,
                finding: Finding) -> bool:
    """Record an open alert for this join of member; False if the same alert exists for the join."""
    return insert_ignore(session, GroupAlert.__table__, {
        "group_id": member.group_id, "member_id": member.member_id, "member_name": (name or "")[:100],
        "corp_name": (corp_name or "")[:100] or None, "reason": finding.reason, "detail": finding.detail[:200],
        "joined_at": member.joined_at, "status": ALERT_OPEN, "notify_status": SEND_PENDING,
    }, conflict=["group_id", "member_id", "reason", "joined_at"]) is not None


def name_customer(*, session: Session, member: GroupMember, name: str | None, profile: dict | None) -> None:
    """Fill the group member's customer row with the name groupchat/get gave and WeCom's profile, if any."""
    if member.customer_id is None:
        return
    customer = session.get(Customer, member.customer_id)
    customer.name = customer.name or (name or "")[:100]
    if profile:
        customer.type = int(profile.get("type") or customer.type or 1)
        customer.corp_name = profile.get("corp_name") or customer.corp_name


def groups_with_pending(*, session: Session) -> list[int]:
    """Ids of groups with a reminder or an alert card still to send."""
    notices = select(GroupJoinNotice.group_id).where(GroupJoinNotice.status == SEND_PENDING)
    alerts = select(GroupAlert.group_id).where(GroupAlert.notify_status == SEND_PENDING)
    return sorted(set(session.scalars(notices)) | set(session.scalars(alerts)))


def _claim(session: Session, model, status, group_id: int) -> list[tuple]:
    """Take the group's rows whose status column is pending (pending -> sending); another job gets none of them.
    Each row comes with its previous claimed_at (None if never claimed) and is stamped with this claim's time.

    One conditional UPDATE: a concurrent claim waits for the row locks, then finds the rows no longer pending.
    It leaves claimed_at alone, so RETURNING gives the previous claim; the claimed rows then get the new one."""
    earlier = dict(session.execute(update(model).where(model.group_id == group_id, status == SEND_PENDING)
                                   .values({status: SEND_SENDING}).returning(model.id, model.claimed_at)
                                   .execution_options(synchronize_session=False)).all())
    if not earlier:
        return []
    session.execute(update(model).where(model.id.in_(earlier)).values(claimed_at=utcnow())
                    .execution_options(synchronize_session=False))
    rows = session.scalars(select(model).where(model.id.in_(earlier)).order_by(model.id))
    return [(row, earlier[row.id]) for row in rows]


def claim_reminders(*, session: Session, group_id: int) -> list[tuple[GroupJoinNotice, datetime | None]]:
    """Take the group's pending reminders, each with the time of an earlier claim whose send may have reached
    WeCom (its job died, or WeCom's answer was lost), or None for a reminder never tried."""
    return _claim(session, GroupJoinNotice, GroupJoinNotice.status, group_id)


def claim_alert_cards(*, session: Session, group_id: int) -> list[GroupAlert]:
    """Take the group's alerts whose card is still to send."""
    return [alert for alert, _earlier in _claim(session, GroupAlert, GroupAlert.notify_status, group_id)]


def take_back_stuck(*, session: Session, claimed_before: datetime) -> int:
    """Put the reminders and alert cards still sending and claimed before claimed_before back to pending (their
    job died between the claim and recording the outcome); the number taken back. claimed_at stays, so the
    reminders' next send first looks in WeCom for the one the dead job may have made."""
    taken = 0
    for model, status in ((GroupJoinNotice, GroupJoinNotice.status), (GroupAlert, GroupAlert.notify_status)):
        taken += session.execute(update(model).where(status == SEND_SENDING, model.claimed_at < claimed_before)
                                 .values({status: SEND_PENDING})
                                 .execution_options(synchronize_session=False)).rowcount
    return taken


def settle_reminders(*, session: Session, ids: list[int], msgid: str | None, error: str | None,
                     retry: bool = False) -> None:
    """Record the outcome of one send of these reminders; retry puts them back to pending (claimed_at kept: WeCom
    may have taken a send whose answer was lost, and the next claim looks for it)."""
    status = SEND_PENDING if retry else (SEND_FAILED if error else SEND_SENT)
    for row in session.scalars(select(GroupJoinNotice).where(GroupJoinNotice.id.in_(ids))):
        row.status, row.msgid, row.error = status, msgid, (error or None) and error[:200]
        row.sent_at = utcnow() if status == SEND_SENT else None


def settle_alert_card(*, session: Session, alert_id: int, error: str | None, retry: bool = False) -> None:
    """Record whether the alert's card went out."""
    alert = session.get(GroupAlert, alert_id)
    alert.notify_status = SEND_PENDING if retry else (SEND_FAILED if error else SEND_SENT)
    alert.notify_error = (error or None) and error[:200]
    alert.notified_at = utcnow() if alert.notify_status == SEND_SENT else None


def reminder_names(*, session: Session, notices: list[GroupJoinNotice]) -> dict[int, str]:
    """The names these reminders greet, by group member (customer names where known), in member order."""
    rows = session.execute(select(GroupMember.id, Customer.name).outerjoin(
        Customer, Customer.id == GroupMember.customer_id).where(
        GroupMember.id.in_([n.group_member_id for n in notices])).order_by(GroupMember.id)).all()
    return {member_id: name for member_id, name in rows if name}


def recorded_msgids(*, session: Session, msgids: list[str]) -> set[str]:
    """Those of msgids that a reminder has recorded as its send."""
    return set(session.scalars(select(GroupJoinNotice.msgid).where(GroupJoinNotice.msgid.in_(msgids))))


def set_alert_status(*, session: Session, alert: GroupAlert, status: str, by: str, at: datetime) -> None:
    """Mark an alert handled, ignored or open again."""
    alert.status = status
    alert.handled_by = by if status != ALERT_OPEN else None
    alert.handled_at = at if status != ALERT_OPEN else None
