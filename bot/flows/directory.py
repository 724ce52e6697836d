"""通讯录变更 (change_contact): a member who leaves becomes inactive at once; a moved member follows the org rule.

Events are applied by their time: one older than the last applied to the member changes nothing. A create or
an update reads the member (user/get) and the departments and places them by bot/rules/org.py; a deletion,
or an update saying the member is disabled or left (status 2 / 5), needs no call.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.rules.form_input import parse_int
from bot.rules.org import INACTIVE_STATUSES, store_departments
from bot.services import org
from bot.services.org_sync import apply_member
from bot.wecom.errors import WeComError
from models import Guide

USER_NOT_FOUND = 60111


def _stale(guide: Guide | None, at: datetime) -> bool:
    return guide is not None and guide.directory_event_at is not None and at < guide.directory_event_at


def _deactivate(guide: Guide, at: datetime) -> None:
    if guide.active:
        guide.active, guide.left_at = False, at


def member_deleted(*, session: Session, userid: str, at: datetime) -> None:
    """delete_user: the member left the company; their customers wait for a hand-over."""
    guide = org.guide_by_userid(session=session, userid=userid)
    if guide is None or _stale(guide, at):
        return
    _deactivate(guide, at)
    guide.directory_event_at = at


def member_changed(*, session: Session, client, userid: str, at: datetime, status: str = "",
                   new_userid: str = "") -> None:
    """create_user / update_user: rename, deactivate, or re-place the member from the directory."""
    guide = org.guide_by_userid(session=session, userid=userid)
    if _stale(guide, at):
        return
    if guide is not None and new_userid and new_userid != userid \
            and org.guide_by_userid(session=session, userid=new_userid) is None:
        guide.userid = userid = new_userid
    if guide is not None and parse_int(status) in INACTIVE_STATUSES:
        _deactivate(guide, at)
    else:
        guide = _place_from_directory(session, client, userid, at, guide)
    if guide is not None:
        guide.directory_event_at = at


def _place_from_directory(session: Session, client, userid: str, at: datetime, guide: Guide | None) -> Guide | None:
    """Read the member and the departments and apply them as the org sync does; a member gone is inactive."""
    try:
        member = client.get("user/get", params={"userid": userid})
    except WeComError as exc:
        if exc.errcode != USER_NOT_FOUND:
            raise
        if guide is not None:
            _deactivate(guide, at)
        return guide
    stores = store_departments(client.get("department/list").get("department", []))
    return apply_member(session=session, member=member, stores=stores, now=at)
