"""change_external_contact: customers adding, editing and deleting guides."""
from __future__ import annotations

from bot.flows import contacts
from bot.wecom.callback import WeComEvent
from handlers.events.registry import on

EVENT = "change_external_contact"


@on(EVENT, "add_external_contact", "add_half_external_contact")
def added(event: WeComEvent, *, session, client) -> None:
    contacts.customer_added(
        session=session, client=client, userid=event.get("UserID"),
        external_userid=event.get("ExternalUserID"), state=event.get("State") or None,
        welcome_code=event.get("WelcomeCode") or None, at=event.occurred_at,
        half=event.change_type == "add_half_external_contact",
    )


@on(EVENT, "edit_external_contact")
def edited(event: WeComEvent, *, session, client) -> None:
    contacts.customer_edited(session=session, client=client, userid=event.get("UserID"),
                             external_userid=event.get("ExternalUserID"))


@on(EVENT, "del_external_contact")
def deleted_by_guide(event: WeComEvent, *, session, client) -> None:
    contacts.friendship_ended(session=session, userid=event.get("UserID"),
                              external_userid=event.get("ExternalUserID"), at=event.occurred_at,
                              by="guide", by_transfer=event.get("Source") == "DELETE_BY_TRANSFER")


@on(EVENT, "del_follow_user")
def deleted_by_customer(event: WeComEvent, *, session, client) -> None:
    contacts.friendship_ended(session=session, userid=event.get("UserID"),
                              external_userid=event.get("ExternalUserID"), at=event.occurred_at, by="customer")


@on(EVENT, "transfer_fail")
def transfer_failed(event: WeComEvent, *, session, client) -> None:
    contacts.transfer_failed(session=session, userid=event.get("UserID"),
                             external_userid=event.get("ExternalUserID"), reason=event.get("FailReason"))
