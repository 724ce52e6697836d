"""One tap: to-dos become WeCom group-send tasks (externalcontact/add_msg_template), then are confirmed.

A group-send task carries one text for all its customers, and each to-do's text is personal, so
to-dos are grouped by identical content: one task per distinct (text, attachments), split at WeCom's
10,000 customers. The guide confirms each task in 群发助手; `poll_open_sends` reads the results until
they are final: reached -> done, not a friend / receive limit -> failed, never confirmed by the end
of the window -> expired.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.services.todos_render import prepare_texts
from content_library.catalogue import record_send
from content_library.payloads import attachments_for
from content_library.wecom_media import media_ids_for_material
from models import Customer, Guide, Material, MaterialFile, OutfitItem, utcnow
from models.todo import (CHANNEL_GROUP_SEND, SEND_FINAL, SEND_OPEN, TODO_DONE, TODO_EXPIRED, TODO_FAILED,
                         TODO_PENDING, TODO_SENT, GroupSend, Todo)

log = logging.getLogger(__name__)

MAX_CUSTOMERS = 10_000       # external_userid per add_msg_template
MAX_ATTACHMENTS = 9
MAX_TEXT_BYTES = 4000
RESULT_REASONS = {2: "not_friend", 3: "receive_limit", 0: "not_sent"}   # get_groupmsg_send_result status
TASK_SENT = 2                                                             # get_groupmsg_task status


@dataclass
class SendOutcome:
    tasks: int = 0
    customers: int = 0
    unsendable: int = 0
    errors: list[str] = field(default_factory=list)


def clip_utf8(text: str, limit: int = MAX_TEXT_BYTES) -> str:
    """Cut text to at most `limit` UTF-8 bytes without splitting a character."""
    raw = text.encode("utf-8")
    return text if len(raw) <= limit else raw[:limit].decode("utf-8", errors="ignore")


def tracked_url(link: dict, public_base: str) -> str:
    """The URL a customer gets: the signed /t/<token> link once issue 7 issues tokens, else the target."""
    token = link.get("token")
    return f"{public_base.rstrip('/')}/t/{token}" if token else str(link.get("target") or "")


def tracked_urls(todo: Todo, public_base: str) -> dict[int, str]:
    """The URL each of the to-do's material links goes out as, by material id."""
    return {link.get("material_id"): tracked_url(link, public_base) for link in todo.links or []}


def _materials(session: Session, ids: set[int]) -> dict[int, Material]:
    if not ids:
        return {}
    stmt = select(Material).where(Material.id.in_(ids)).options(
        selectinload(Material.files).selectinload(MaterialFile.file),
        selectinload(Material.items).selectinload(OutfitItem.product))
    return {m.id: m for m in session.scalars(stmt)}


def content_of(todo: Todo, materials: dict[int, Material], media: dict[int, list[str]], public_base: str) -> dict:
    """The add_msg_template content of one to-do: its text and attachments (links made tracked)."""
    attachments: list[dict] = []
    urls = tracked_urls(todo, public_base)
    for material_id in todo.material_ids or []:
        material = materials.get(material_id)
        if material is None or not material.enabled:
            continue
        for item in attachments_for(material, media.get(material_id, [])):
            if item["msgtype"] == "link" and material_id in urls:
                item["link"]["url"] = urls[material_id]
            attachments.append(item)
    body: dict = {"text": {"content": clip_utf8(todo.text or "")}}
    if attachments:
        body["attachments"] = attachments[:MAX_ATTACHMENTS]
    return body


def _media_ids(session: Session, client, storage, materials: dict[int, Material]) -> dict[int, list[str]]:
    """media_ids of the image materials (uploaded to WeCom only when no fresh one is cached)."""
    now = datetime.now(timezone.utc)
    return {mid: media_ids_for_material(client=client, storage=storage, material=m, now=now)
            for mid, m in materials.items() if m.kind in ("image", "outfit", "miniprogram") and m.files}


def _prepare(db, client, storage, guide_id: int, todo_ids: list[int], public_base: str, on: date,
             link_secret: str) -> list[tuple[str, list[str], list[int]]]:
    """(content json, external_userids, to-do ids) per distinct content, for the guide's pending to-dos given
    (rendered first when they have no text yet)."""
    with db.transaction() as session:
        prepare_texts(session=session, guide_id=guide_id, on=on, link_secret=link_secret, todo_ids=todo_ids)
        rows = session.execute(select(Todo, Customer.external_userid).join(Customer, Customer.id == Todo.customer_id)
                               .where(Todo.id.in_(todo_ids), Todo.guide_id == guide_id, Todo.status == TODO_PENDING)
                               .order_by(Todo.id)).all()
        materials = _materials(session, {mid for todo, _e in rows for mid in todo.material_ids or []})
        media = _media_ids(session, client, storage, materials)
        groups: dict[str, tuple[list[str], list[int]]] = {}
        for todo, external_userid in rows:
            key = json.dumps(content_of(todo, materials, media, public_base), ensure_ascii=False, sort_keys=True)
            eids, ids = groups.setdefault(key, ([], []))
            eids.append(external_userid)
            ids.append(todo.id)
    return [(key, eids, ids) for key, (eids, ids) in groups.items()]


def _record_task(db, *, guide_id: int, card_id: int | None, msgid: str, todo_ids: list[int],
                 eids: list[str], fail_list: list[str]) -> int:
    failed = set(fail_list)
    with db.transaction() as session:
        send = GroupSend(msgid=msgid, guide_id=guide_id, card_id=card_id, customer_count=len(todo_ids),
                         fail_list=sorted(failed), status=SEND_OPEN)
        session.add(send)
        session.flush()
        eid_of = dict(zip(todo_ids, eids))
        for todo in session.scalars(select(Todo).where(Todo.id.in_(todo_ids))):
            todo.channel, todo.group_send_id = CHANNEL_GROUP_SEND, send.id
            if eid_of[todo.id] in failed:
                todo.status, todo.failure_reason = TODO_FAILED, "unsendable"
            else:
                todo.status = TODO_SENT
    return len(failed)


def sending_lock(connection, guide_id: int):
    """A Redis lock per guide: two taps (or a tap and the workbench) never send the same to-dos twice."""
    return connection.lock(f"todo-send:{guide_id}", timeout=300, blocking_timeout=120)


def send_todos(*, db, client, storage, guide: Guide, todo_ids: list[int], public_base: str, on: date,
               link_secret: str, card_id: int | None = None) -> SendOutcome:
    """Create group-send tasks for these pending to-dos of the guide (others ignored; a transaction per task)."""
    outcome = SendOutcome()
    for key, eids, ids in _prepare(db, client, storage, guide.id, todo_ids, public_base, on, link_secret):
        content = json.loads(key)
        for start in range(0, len(eids), MAX_CUSTOMERS):
            chunk_eids, chunk_ids = eids[start:start + MAX_CUSTOMERS], ids[start:start + MAX_CUSTOMERS]
            try:
                answer = client.post("externalcontact/add_msg_template", data={
                    "chat_type": "single", "sender": guide.userid, "external_userid": chunk_eids, **content})
            except Exception as exc:  # noqa: BLE001 - the others still go; reported to the caller
                log.warning("add_msg_template for guide %s failed: %s", guide.userid, exc)
                outcome.errors.append(str(exc))
                continue
            outcome.unsendable += _record_task(db, guide_id=guide.id, card_id=card_id, msgid=answer["msgid"],
                                               todo_ids=chunk_ids, eids=chunk_eids,
                                               fail_list=answer.get("fail_list") or [])
            outcome.tasks, outcome.customers = outcome.tasks + 1, outcome.customers + len(chunk_ids)
    return outcome


def _paged(client, path: str, body: dict, key: str, limit: int = 1000) -> list[dict]:
    rows, cursor = [], ""
    while True:
        answer = client.post(path, data={**body, "limit": limit, **({"cursor": cursor} if cursor else {})})
        rows += answer.get(key) or []
        cursor = answer.get("next_cursor") or ""
        if not cursor:
            return rows


def _apply_results(session: Session, send: GroupSend, results: dict[str, dict]) -> None:
    rows = session.execute(select(Todo, Customer.external_userid).join(Customer, Customer.id == Todo.customer_id)
                           .where(Todo.group_send_id == send.id, Todo.status == TODO_SENT)).all()
    for todo, eid in rows:
        result = results.get(eid) or {"status": 0}
        if result.get("status") == 1:
            todo.status, todo.failure_reason = TODO_DONE, None
            todo.sent_at = datetime.fromtimestamp(int(result.get("send_time") or 0), timezone.utc) \
                if result.get("send_time") else utcnow()
            for material_id in todo.material_ids or []:
                record_send(session=session, material_id=material_id, customer_id=todo.customer_id,
                            guide_id=todo.guide_id)
        else:
            todo.status, todo.failure_reason = TODO_FAILED, RESULT_REASONS.get(int(result.get("status") or 0))
    send.status, send.finished_at = SEND_FINAL, utcnow()


def _expire_unconfirmed(session: Session, send: GroupSend, on: date) -> None:
    for todo in session.scalars(select(Todo).where(Todo.group_send_id == send.id, Todo.status == TODO_SENT)):
        if todo.expires_on < on:
            todo.status, todo.failure_reason = TODO_EXPIRED, "not_confirmed"
    still_open = session.scalars(select(Todo.id).where(Todo.group_send_id == send.id,
                                                       Todo.status == TODO_SENT).limit(1)).first()
    if still_open is None:
        send.status, send.finished_at = SEND_FINAL, utcnow()


def poll_send(*, db, client, send_id: int, on: date) -> str:
    """Read one open group send's results from WeCom and settle its to-dos; return its status."""
    with db.transaction() as session:
        send = session.get(GroupSend, send_id)
        if send is None or send.status != SEND_OPEN:
            return "final"
        msgid, userid = send.msgid, session.get(Guide, send.guide_id).userid
    tasks = _paged(client, "externalcontact/get_groupmsg_task", {"msgid": msgid}, "task_list")
    confirmed = any(t.get("userid") == userid and t.get("status") == TASK_SENT for t in tasks)
    results = {}
    if confirmed:
        rows = _paged(client, "externalcontact/get_groupmsg_send_result", {"msgid": msgid, "userid": userid},
                      "send_list")
        results = {r["external_userid"]: r for r in rows if r.get("external_userid")}
    with db.transaction() as session:
        send = session.get(GroupSend, send_id)
        if confirmed:
            _apply_results(session, send, results)
        else:
            _expire_unconfirmed(session, send, on)
        send.polled_at = utcnow()
        return send.status


def open_sends(*, session: Session) -> list[int]:
    """Ids of the group sends not final yet, oldest first."""
    return list(session.scalars(select(GroupSend.id).where(GroupSend.status == SEND_OPEN)
                                .order_by(GroupSend.created_at, GroupSend.id)))
