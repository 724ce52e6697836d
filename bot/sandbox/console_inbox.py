"""What the console shows of the world: each member's messages and cards, 群发助手 tasks, customers, groups.

Plain read helpers over the corp (under its lock); the page renders their results. No Flask here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from .models import SentMessage
from .state import SandboxCorp
from .world_groupsend import CAP_REACHED, NOT_FRIEND, NOT_SENT, SENT

CHINA = timezone(timedelta(hours=8))
RESULT_LABELS = {NOT_SENT: "未发送", SENT: "已送达", NOT_FRIEND: "已不是好友", CAP_REACHED: "已达接收上限"}


@dataclass
class Button:
    text: str
    key: str = ""   # a callback key (a tap plays template_card_event); empty for a link button
    url: str = ""


@dataclass
class Message:
    """One app message as the member's WeCom shows it (a card with its current buttons, or text)."""

    msgid: str
    time: str
    kind: str
    task_id: str | None
    title: str
    lines: list[str] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    done: str = ""   # the button's text after the app updated the card (replace_name)


@dataclass
class GroupSendTask:
    """A 群发助手 task waiting for (or confirmed by) the member."""

    msgid: str
    time: str
    text: str
    attachments: list[str]
    recipients: list[str]
    confirmed: bool
    results: list[str] = field(default_factory=list)


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts, CHINA).strftime("%m-%d %H:%M")


def _card_message(msg: SentMessage) -> Message:
    card = msg.body.get("template_card") or {}
    main = card.get("main_title") or {}
    lines = [line for line in (main.get("desc"), card.get("sub_title_text")) if line]
    emphasis = card.get("emphasis_content") or {}
    if emphasis.get("title"):
        lines.append(f"{emphasis.get('title')} {emphasis.get('desc', '')}".strip())
    lines += [f"{row.get('keyname', '')}：{row.get('value', '')}" for row in card.get("horizontal_content_list") or []]
    buttons = [Button(b.get("text", ""), key="" if b.get("type") else b.get("key", ""), url=b.get("url", ""))
               for b in card.get("button_list") or []]
    buttons += [Button(j.get("title", ""), url=j.get("url", "")) for j in card.get("jump_list") or []]
    replaced = [u["button"].get("replace_name", "") for u in msg.updates if u.get("button")]
    return Message(msg.msgid, _time(msg.sent_at), card.get("card_type", ""), card.get("task_id"),
                   main.get("title") or card.get("card_type", "卡片"), lines, buttons, replaced[-1] if replaced else "")


def _plain_message(msg: SentMessage) -> Message:
    body = msg.body.get(msg.msgtype) or {}
    if isinstance(body, dict) and ("title" in body or "description" in body):
        return Message(msg.msgid, _time(msg.sent_at), msg.msgtype, None, body.get("title", ""),
                       [body.get("description", "")], [Button(body.get("btntxt") or "详情", url=body.get("url", ""))])
    text = body.get("content", "") if isinstance(body, dict) else str(body)
    return Message(msg.msgid, _time(msg.sent_at), msg.msgtype, None, "消息", [text])


def messages_of(corp: SandboxCorp, userid: str) -> list[Message]:
    """The app messages delivered to the member, newest first."""
    with corp.lock:
        sent = corp.sent_messages(userid)
        return [_card_message(m) if m.msgtype == "template_card" else _plain_message(m) for m in reversed(sent)]


def group_send_tasks(corp: SandboxCorp, userid: str) -> list[GroupSendTask]:
    """The member's 群发助手 tasks, unconfirmed first, newest first within each."""
    with corp.lock:
        sends = sorted((s for s in corp.group_sends.values() if userid in s.tasks),
                       key=lambda s: (s.tasks[userid].status == 2, -s.create_time))
        return [_task(corp, send, send.tasks[userid]) for send in sends]


def _task(corp: SandboxCorp, send, task) -> GroupSendTask:
    return GroupSendTask(
        send.msgid, _time(send.create_time), (send.body.get("text") or {}).get("content", ""),
        [_attachment_label(a) for a in send.body.get("attachments") or []],
        [_target_name(corp, t) for t in task.targets], task.status == 2,
        [f"{_target_name(corp, t)}：{RESULT_LABELS.get(s, s)}" for t, s in task.results.items()])


def _target_name(corp: SandboxCorp, target: str) -> str:
    customer = corp.customers.get(target)
    if customer is not None:
        return customer.name
    chat = corp.groups.get(target)
    return chat.name if chat is not None else target


def _attachment_label(item: dict) -> str:
    kind = item.get("msgtype", "")
    if kind == "link":
        return f"链接「{item['link'].get('title', '')}」{item['link'].get('url', '')}"
    return {"image": "图片", "miniprogram": "小程序", "video": "视频", "file": "文件"}.get(kind, kind)


def tag_choices(corp: SandboxCorp) -> list[tuple[str, str]]:
    """(tag id, "group / tag") of every corp tag."""
    with corp.lock:
        return [(t.id, f"{g.group_name} / {t.name}") for g in corp.tag_groups.values() for t in g.tags]


def tags_of_follow(corp: SandboxCorp, external_userid: str, userid: str) -> list[str]:
    """The tag names the member put on the customer."""
    with corp.lock:
        names = []
        for tag_id in corp.tags_of(external_userid, userid):
            tag = corp.find_tag(tag_id)
            if tag is not None:
                names.append(tag.name)
        return sorted(names)


def names(corp: SandboxCorp) -> dict[str, str]:
    """Display names of members and customers by id."""
    with corp.lock:
        return {**{m.userid: m.name for m in corp.members.values()},
                **{c.external_userid: c.name for c in corp.customers.values()}}
