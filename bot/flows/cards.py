"""The guide's daily card: one WeCom template card (button_interaction) per guide per day, and its clicks.

The card (message/send, protocol §4.11) sums up today's list by group, with a one-tap button per
group ("一键发送首购关怀", key "send:first") and a button opening the workbench. A click arrives as a
template_card_event; the button is then replaced (message/update_template_card with the click's
ResponseCode, §4.12) to say what was done.
"""
from __future__ import annotations

import logging
import re
import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bot.flows.group_send import SendOutcome, send_todos
from bot.rules.cadence import CARD_GROUPS
from bot.services.todos_actions import pending_in_group, summary, todays_list
from bot.wecom.errors import WeComError
from models import Guide, utcnow
from models.todo import TODO_PENDING, Todo, TodoCard

log = logging.getLogger(__name__)

SEND_KEY = "send:"
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
MAX_SEND_BUTTONS = 5          # plus the workbench button: WeCom allows 6
MAX_ROWS = 6                  # horizontal_content_list


@dataclass(frozen=True)
class CardClick:
    task_id: str
    key: str
    userid: str
    response_code: str


def new_task_id(guide_id: int, day: date) -> str:
    """A task_id unique per app: [0-9A-Za-z_-@], at most 128 bytes (§4.11)."""
    return f"todo-{guide_id}-{day:%Y%m%d}-{secrets.token_hex(6)}"


def workbench_url(public_base: str) -> str:
    return f"{public_base.rstrip('/')}/guide/todos"


def build_card(*, counts: dict[str, int], day: date, task_id: str, url: str) -> dict:
    """The template_card of a guide's day: counts per group, one-tap buttons, the workbench."""
    total = sum(counts.values())
    buttons = [{"text": f"一键发送{CARD_GROUPS[g]}", "style": 1, "key": f"{SEND_KEY}{g}"}
               for g in list(counts)[:MAX_SEND_BUTTONS]]
    buttons.append({"text": "查看清单", "style": 2, "type": 1, "url": url})
    return {
        "card_type": "button_interaction",
        "source": {"desc": "导购助手", "desc_color": 0},
        "main_title": {"title": f"今日待办 {total} 项", "desc": f"{day.month}月{day.day}日 · 首购客户优先"},
        "sub_title_text": "一键发送后，请在企业微信「群发助手」里确认发送",
        "horizontal_content_list": [{"keyname": CARD_GROUPS[g], "value": f"{n} 位"}
                                    for g, n in list(counts.items())[:MAX_ROWS]],
        "card_action": {"type": 1, "url": url},
        "task_id": task_id,
        "button_list": buttons,
    }


def _claim(db, guide_id: int, day: date) -> tuple[int, str, dict] | None:
    """The card row for (guide, day) with a fresh task_id, or None when it was sent already or nothing is due."""
    with db.transaction() as session:
        card = session.scalars(select(TodoCard).where(TodoCard.guide_id == guide_id, TodoCard.day == day)) \
            .one_or_none()
        if card is not None and card.msgid:
            return None
        counts = summary(todays_list(session=session, guide_id=guide_id, on=day))
        if not counts:
            return None
        if card is None:
            card = TodoCard(guide_id=guide_id, day=day)
            session.add(card)
        card.task_id, card.summary = new_task_id(guide_id, day), counts   # a retry never reuses a task_id
        session.flush()
        return card.id, card.task_id, counts


def send_card(*, db, client, agent_id: int, guide: Guide, day: date, public_base: str) -> bool:
    """Send the guide's card for the day once; True if sent now."""
    claimed = _claim(db, guide.id, day)
    if claimed is None:
        return False
    card_id, task_id, counts = claimed
    url = workbench_url(public_base)
    answer = client.message.send(agent_id, [guide.userid], msg={
        "msgtype": "template_card", "template_card": build_card(counts=counts, day=day, task_id=task_id, url=url)})
    with db.transaction() as session:
        card = session.get(TodoCard, card_id)
        card.msgid, card.sent_at = answer.get("msgid"), utcnow()
    if answer.get("invaliduser"):
        log.warning("card for %s not delivered: not in the app's visible range", guide.userid)
    return True


def guides_with_lists(*, session, store_ids: list[int], day: date) -> list[Guide]:
    """Active members of these stores with at least one to-do on today's list."""
    has = select(Todo.id).where(Todo.guide_id == Guide.id, Todo.status == TODO_PENDING, Todo.listed.is_(True),
                                Todo.due_on <= day).exists()
    return list(session.scalars(select(Guide).where(Guide.store_id.in_(store_ids), Guide.active.is_(True), has)
                                .order_by(Guide.id)))


def send_cards(*, db, client, agent_id: int, store_ids: list[int], day: date, public_base: str) -> int:
    """Send each guide of these stores their card for the day (once); return how many were sent now."""
    with db.transaction() as session:
        guides = guides_with_lists(session=session, store_ids=store_ids, day=day)
        for guide in guides:
            session.expunge(guide)
    sent, failures = 0, []
    for guide in guides:
        try:
            sent += send_card(db=db, client=client, agent_id=agent_id, guide=guide, day=day, public_base=public_base)
        except Exception as exc:  # noqa: BLE001 - the other guides still get theirs; re-raised below
            log.warning("card for %s failed: %s", guide.userid, exc)
            failures.append(guide.userid)
    if failures:
        raise RuntimeError(f"cards not sent to {failures} ({sent} sent)")
    return sent


def button_text(outcome: SendOutcome) -> str:
    """What the clicked button turns into (short: WeCom shows about 10 characters)."""
    if outcome.errors and not outcome.tasks:
        return "发送失败，请重试"
    if not outcome.customers:
        return "暂无待发送"
    return f"已提交{outcome.customers}位·去确认"


def handle_click(*, db, contacts_client, agent_client, agent_id: int, storage, click: CardClick,
                 public_base: str, link_secret: str, lock=None) -> SendOutcome | None:
    """A one-tap button: create the group sends for that group of the card's day, then update the button.

    `lock(guide_id)` (bot.flows.group_send.sending_lock) serialises the guide's sends when given.
    """
    if not click.key.startswith(SEND_KEY):
        return None
    with db.transaction() as session:
        card = session.scalars(select(TodoCard).where(TodoCard.task_id == click.task_id)).one_or_none()
        guide = session.get(Guide, card.guide_id) if card else None
        if card is None or guide is None or guide.userid != click.userid:
            log.warning("card click %s by %s matches no card of theirs", click.task_id, click.userid)
            return None
        session.expunge(guide)
        card_id, card_day = card.id, card.day
    with lock(guide.id) if lock else nullcontext():
        with db.transaction() as session:
            todo_ids = pending_in_group(session=session, guide_id=guide.id, day=card_day,
                                        group=click.key[len(SEND_KEY):])
        outcome = send_todos(db=db, client=contacts_client, storage=storage, guide=guide, todo_ids=todo_ids,
                             public_base=public_base, on=card_day, link_secret=link_secret, card_id=card_id)
    try:
        agent_client.post("message/update_template_card", data={
            "userids": [click.userid], "agentid": agent_id, "response_code": click.response_code,
            "button": {"replace_name": button_text(outcome)}})
    except WeComError as exc:   # the button is cosmetic; a used or expired response code must not undo the send
        log.warning("card button of %s not updated: %s", click.task_id, exc)
    return outcome
