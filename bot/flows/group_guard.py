"""Group guard flows: look at who joined a customer group, then remind them of the rules and warn the owner.

On a join (change_external_chat add_member) the event job records, per external member, the reminder owed
to that join and an alert for an outsider: a WeCom user of a corporation that is not ours (corp_name from
externalcontact/get when WeCom knows it) or a name with one of HQ's keywords. A job sends afterwards:

- the reminder, posted to the group through its owner with 企业群发 (add_msg_template, chat_type group; the
  protocol doc's one way for the app to put text into a customer group). WeCom asks the owner to confirm it
  in 群发助手, and a group receives at most as many 群发 a month as the month has days;
- the alert, an app card (message/send text_notice) to the owner and the store's managers. WeCom has no API
  that removes an external member from a customer group: the owner removes them in WeCom.

A job that dies between claiming rows and recording the outcome leaves them sending until the sweep takes them
back (tasks.group_guard). A reminder claimed before is sent at most once after a check: its send first looks in
WeCom's 群发 list (get_groupmsg_list_v2) for the earlier attempt's 群发 (same owner, same text, around that claim,
recorded on no reminder) and records it instead of posting again. An alert card is sent at least once: WeCom
keeps no list of app messages to look in, so a card that reached WeCom just before its job died is sent again.
"""
from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.flows.contacts import fetch_contact
from bot.flows.group_send import MAX_TEXT_BYTES, _paged, clip_utf8
from bot.rules.group_guard import ALERT_REASON_LABELS, findings, is_wecom_user, reminder_text
from bot.services import group_guard as guard
from bot.wecom.errors import WeComError
from models import Guide, GroupChat, GroupMember

log = logging.getLogger(__name__)

EARLIER_SEND_WINDOW = 3600   # seconds either side of a claim: clock skew plus the longest a job can run
GROUPMSG_LIST_LIMIT = 100    # get_groupmsg_list_v2 pages hold at most 100


def inspect_joins(*, session: Session, client, group: GroupChat, members: list[GroupMember],
                  info: dict | None) -> int:
    """Record the reminders and alerts these joins call for; the number of new rows (0: nothing to send)."""
    policy = guard.effective_policy(session=session, store_id=guard.group_store_id(session=session, group=group))
    listed = {m.get("userid"): m for m in (info or {}).get("member_list", [])}
    added = 0
    for member in members:
        if member.member_type != 2 or member.joined_at is None:
            continue
        if policy.rules:
            added += guard.owe_reminder(session=session, member=member)
        added += _inspect(session, client, member, listed.get(member.member_id) or {}, policy)
    return added


def _inspect(session: Session, client, member: GroupMember, listed: dict, policy: guard.Policy) -> int:
    name = listed.get("name") or ""
    profile = None
    if is_wecom_user(member.member_id, None):
        profile = (fetch_contact(client, member.member_id) or {}).get("external_contact")
    guard.name_customer(session=session, member=member, name=name, profile=profile)
    names = [name, listed.get("group_nickname") or "", (profile or {}).get("name") or ""]
    corp_name = (profile or {}).get("corp_name")
    found = findings(member_id=member.member_id, names=names, contact_type=(profile or {}).get("type"),
                     corp_name=corp_name, own_corp_names=policy.own_corp_names, keywords=policy.keywords)
    shown = next((n for n in names if n), "")
    return sum(guard.raise_alert(session=session, member=member, name=shown, corp_name=corp_name, finding=f)
               for f in found)


def send_pending(*, db, contacts_client, agent_client, agent_id: int, group_id: int, public_base: str) -> int:
    """Send the group's owed reminder (one 群发 for everyone waiting) and alert cards; the number sent."""
    sent = _send_reminders(db, contacts_client, group_id)
    return sent + _send_alert_cards(db, agent_client, agent_id, group_id, public_base)


def _send_reminders(db, client, group_id: int) -> int:
    with db.transaction() as session:
        claimed = guard.claim_reminders(session=session, group_id=group_id)
        if not claimed:
            return 0
        group = session.get(GroupChat, group_id)
        policy = guard.effective_policy(session=session, store_id=guard.group_store_id(session=session, group=group))
        names = guard.reminder_names(session=session, notices=[n for n, _earlier in claimed])
        member_of = {n.id: n.group_member_id for n, _earlier in claimed}
        earlier: dict = {}
        for notice, at in claimed:
            if at is not None:
                earlier.setdefault(at, []).append(notice.id)
        chat_id, owner, ids = group.chat_id, group.owner_userid, list(member_of)
    if not owner or not policy.rules:
        return _settle_reminders(db, ids, None, "群主未知或未设置群规" if not owner else "群规已清空")

    def text(notice_ids: list[int]) -> str:
        members = {member_of[i] for i in notice_ids}
        return clip_utf8(reminder_text(names=[name for m, name in names.items() if m in members],
                                       rules=policy.rules, max_bytes=MAX_TEXT_BYTES))

    sent = 0
    try:
        for at, batch in sorted(earlier.items()):
            msgid = _earlier_send(db, client, owner, at, text(batch))
            if msgid:
                sent += _settle_reminders(db, batch, msgid, None)
                ids = [i for i in ids if i not in batch]
        if not ids:
            return sent
        answer = client.post("externalcontact/add_msg_template", data={
            "chat_type": "group", "sender": owner, "chat_id_list": [chat_id], "text": {"content": text(ids)}})
    except WeComError as exc:
        _settle_reminders(db, ids, None, f"企业微信错误 {exc.errcode}", retry=exc.retryable)
        if exc.retryable:
            raise
        return sent
    return sent + _settle_reminders(db, ids, answer.get("msgid"), None)


def _earlier_send(db, client, owner: str, claimed_at, text: str) -> str | None:
    """The msgid of the 群发 an earlier claim of these reminders made without recording it: one in WeCom's list
    around that claim, with this text, whose task is the owner's, and that no reminder has recorded; or None."""
    at = int(claimed_at.timestamp())
    listed = _paged(client, "externalcontact/get_groupmsg_list_v2", {
        "chat_type": "group", "filter_type": 0, "start_time": at - EARLIER_SEND_WINDOW,
        "end_time": at + EARLIER_SEND_WINDOW}, "group_msg_list", limit=GROUPMSG_LIST_LIMIT)
    same = [m["msgid"] for m in listed if (m.get("text") or {}).get("content") == text]
    if not same:
        return None
    with db.transaction() as session:
        recorded = guard.recorded_msgids(session=session, msgids=same)
    for msgid in same:
        if msgid not in recorded and any(t.get("userid") == owner for t in _paged(
                client, "externalcontact/get_groupmsg_task", {"msgid": msgid}, "task_list")):
            return msgid
    return None


def _settle_reminders(db, ids: list[int], msgid: str | None, error: str | None, retry: bool = False) -> int:
    with db.transaction() as session:
        guard.settle_reminders(session=session, ids=ids, msgid=msgid, error=error, retry=retry)
    return 0 if error or retry else len(ids)


def alert_card(*, group_name: str, member_name: str, reason: str, detail: str, url: str) -> dict:
    """The text_notice card warning the owner of an outsider in their group."""
    return {"card_type": "text_notice", "source": {"desc": "客户群防骚扰", "desc_color": 2},
            "main_title": {"title": f"「{group_name or '客户群'}」有可疑成员", "desc": ALERT_REASON_LABELS.get(reason, "")},
            "emphasis_content": {"title": member_name or "未知成员", "desc": detail},
            "sub_title_text": "企业微信不支持由应用移出外部成员：请群主在企业微信中将其移出群聊，再到门店客户群页面标记已处理。",
            "card_action": {"type": 1, "url": url}}


def _send_alert_cards(db, client, agent_id: int, group_id: int, public_base: str) -> int:
    with db.transaction() as session:
        alerts = guard.claim_alert_cards(session=session, group_id=group_id)
        if not alerts:
            return 0
        group = session.get(GroupChat, group_id)
        store_id = guard.group_store_id(session=session, group=group)
        to = _recipients(session, group.owner_userid, store_id)
        url = f"{public_base.rstrip('/')}/manager/stores/{store_id}/groups/#alerts"
        cards = [(a.id, alert_card(group_name=group.name, member_name=a.member_name, reason=a.reason,
                                   detail=a.detail, url=url)) for a in alerts]
    sent = 0
    for alert_id, card in cards:
        sent += _send_card(db, client, agent_id, alert_id, to, card)
    return sent


def _recipients(session: Session, owner: str | None, store_id: int | None) -> list[str]:
    managers = session.scalars(select(Guide.userid).where(
        Guide.store_id == store_id, Guide.role == "manager", Guide.active.is_(True))) if store_id else []
    return list(dict.fromkeys([u for u in [owner, *managers] if u]))


def _send_card(db, client, agent_id: int, alert_id: int, to: list[str], card: dict) -> int:
    error, again = ("没有可通知的群主或店长" if not to else None), None
    try:
        if to:
            client.message.send(agent_id, to, msg={"msgtype": "template_card", "template_card": card})
    except WeComError as exc:
        error, again = f"企业微信错误 {exc.errcode}", (exc if exc.retryable else None)
    with db.transaction() as session:
        guard.settle_alert_card(session=session, alert_id=alert_id, error=error, retry=again is not None)
    if again is not None:
        raise again   # back to pending: RQ retries the job
    return 0 if error else 1
