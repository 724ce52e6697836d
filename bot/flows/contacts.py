"""Customer-contact flows: a customer added, edited or deleted, and the welcome message."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from bot.flows import tier_tags
from bot.services import contacts, handover, org
from bot.services.channels import resolve_channel_state
from bot.wecom.errors import NotExternalContact, WelcomeCodeUsed
from bot.wecom.profile import storable
from models import Channel, Guide, utcnow

log = logging.getLogger(__name__)

DEFAULT_WELCOME = "您好，我是{guide}，很高兴为您服务！新品、搭配和会员福利都可以随时问我。"


def fetch_contact(client, external_userid: str) -> dict | None:
    """externalcontact/get made storable, or None when WeCom says the relation no longer exists (84061)."""
    try:
        return storable(client.get("externalcontact/get", params={"external_userid": external_userid}))
    except NotExternalContact:
        return None


def _follow_of(detail: dict | None, userid: str) -> dict | None:
    for follow in (detail or {}).get("follow_user", []):
        if follow.get("userid") == userid:
            return follow
    return None


def send_welcome(*, client, welcome_code: str, channel: Channel | None, guide: Guide) -> bool:
    """Send the channel's welcome message; True if sent now, False if it was used already (41051)."""
    text = (channel.welcome_text if channel and channel.welcome_text else DEFAULT_WELCOME)
    try:
        client.post("externalcontact/send_welcome_msg", data={
            "welcome_code": welcome_code,
            "text": {"content": text.replace("{guide}", guide.name or guide.userid)},
        })
    except WelcomeCodeUsed:
        log.info("welcome code already used; nothing to send")
        return False
    return True


def customer_added(*, session: Session, client, userid: str, external_userid: str, state: str | None,
                   welcome_code: str | None, at: datetime, half: bool) -> None:
    """A guide and a customer became friends: welcome first (20 s window), then record."""
    guide = org.ensure_guide(session=session, userid=userid)
    channel = resolve_channel_state(session=session, state=state)
    if welcome_code:
        send_welcome(client=client, welcome_code=welcome_code, channel=channel, guide=guide)
    detail = fetch_contact(client, external_userid)
    customer = contacts.upsert_customer(session=session, external_userid=external_userid,
                                        profile=(detail or {}).get("external_contact"))
    friendship = contacts.friendship_of(session=session, guide=guide, customer=customer)
    contacts.record_added(friendship, at=at, half=half, state=state, channel=channel, guide=guide,
                          follow=_follow_of(detail, userid))
    handover.mark_added_by_transfer(session=session, friendship=friendship)
    tier_tags.customer_befriended(session=session, customer=customer, friendship=friendship, detail=detail)


def customer_edited(*, session: Session, client, userid: str, external_userid: str) -> None:
    """Refresh the customer's profile and this guide's remark from WeCom."""
    detail = fetch_contact(client, external_userid)
    customer = contacts.upsert_customer(session=session, external_userid=external_userid,
                                        profile=(detail or {}).get("external_contact"))
    follow = _follow_of(detail, userid)
    if follow:
        guide = org.ensure_guide(session=session, userid=userid)
        contacts.apply_follow_info(contacts.friendship_of(session=session, guide=guide, customer=customer), follow)


def friendship_ended(*, session: Session, userid: str, external_userid: str, at: datetime,
                     by: str, by_transfer: bool = False) -> None:
    """Record a deletion by the guide ('guide') or by the customer ('customer')."""
    guide = org.ensure_guide(session=session, userid=userid)
    customer = contacts.upsert_customer(session=session, external_userid=external_userid)
    friendship = contacts.friendship_of(session=session, guide=guide, customer=customer)
    if by == "guide":
        contacts.record_deleted_by_guide(friendship, at=at, by_transfer=by_transfer)
    else:
        contacts.record_deleted_by_customer(friendship, at=at)


def transfer_failed(*, session: Session, userid: str, external_userid: str, reason: str) -> None:
    """The takeover guide could not receive the customer; keep the reason on that pair."""
    guide = org.ensure_guide(session=session, userid=userid)
    customer = contacts.upsert_customer(session=session, external_userid=external_userid)
    contacts.friendship_of(session=session, guide=guide, customer=customer).transfer_fail_reason = reason
    handover.transfer_failed(session=session, customer_id=customer.id, to_guide_id=guide.id, reason=reason,
                             now=utcnow())
