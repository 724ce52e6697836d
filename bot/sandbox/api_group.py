"""客户群 and 企业群发 APIs (protocol doc §4.6-4.9)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import ids
from .api_contact import validate_content
from .apitypes import (ApiRequest, opt_int, opt_str, page, req_str, require_contact_permission, route,
                       str_list)
from .errors import ApiError, invalid
from .models import GroupSend, JoinWay, JsonDict

if TYPE_CHECKING:
    from .state import SandboxCorp

MAX_JOIN_WAY_CHATS = 5


# ----- group chats -------------------------------------------------------------------------
@route("externalcontact/groupchat/get")
def groupchat_get(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    chat_id = req_str(req.body, "chat_id", errcode=40050)
    return {"group_chat": corp.render_group(chat_id, opt_int(req.body, "need_name", 0) == 1)}


@route("externalcontact/groupchat/list")
def groupchat_list(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    limit = opt_int(req.body, "limit", 0)
    if not 1 <= limit <= 1000:
        raise invalid("limit must be in [1, 1000]")
    owners = str_list((req.body.get("owner_filter") or {}), "userid_list")
    chats = [c.chat_id for c in corp.groups.values() if not owners or c.owner in owners]
    chunk, nxt = page(chats, opt_str(req.body, "cursor"), limit)
    out: JsonDict = {"group_chat_list": [{"chat_id": c, "status": 0} for c in chunk]}
    if nxt:
        out["next_cursor"] = nxt
    return out


# ----- 「加入群聊」 --------------------------------------------------------------------------
@route("externalcontact/groupchat/add_join_way")
def add_join_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    way = _join_way_from(corp, req.body, ids.config_id())
    corp.join_ways[way.config_id] = way
    return {"config_id": way.config_id}


@route("externalcontact/groupchat/update_join_way")
def update_join_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    config_id = req_str(req.body, "config_id")
    old = corp.join_ways.get(config_id)
    if old is None:
        raise invalid("config_id")
    way = _join_way_from(corp, req.body, config_id)
    way.qr_code = old.qr_code
    corp.join_ways[config_id] = way
    return {}


@route("externalcontact/groupchat/get_join_way")
def get_join_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    way = corp.join_ways.get(req_str(req.body, "config_id"))
    if way is None:
        raise invalid("config_id")
    return {"join_way": way.to_api()}


@route("externalcontact/groupchat/del_join_way")
def del_join_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    if corp.join_ways.pop(req_str(req.body, "config_id"), None) is None:
        raise invalid("config_id")
    return {}


def _join_way_from(corp: SandboxCorp, body: JsonDict, config_id: str) -> JoinWay:
    scene = opt_int(body, "scene", 0)
    if scene not in (1, 2):
        raise invalid("scene must be 1 or 2")
    chats = str_list(body, "chat_id_list")
    if not chats or len(chats) > MAX_JOIN_WAY_CHATS:
        raise invalid("chat_id_list must hold 1 to 5 chats")
    if any(c not in corp.groups for c in chats):
        raise ApiError(40050)
    return JoinWay(config_id, scene, opt_str(body, "remark")[:30], opt_int(body, "auto_create_room", 1),
                   opt_str(body, "room_base_name"), opt_int(body, "room_base_id", 0), chats,
                   opt_str(body, "state", max_chars=30), ids.qr_code_url())


# ----- 企业群发 ----------------------------------------------------------------------------
@route("externalcontact/add_msg_template")
def add_msg_template(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    body = req.body
    chat_type = opt_str(body, "chat_type", default="single") or "single"
    if chat_type not in ("single", "group"):
        raise invalid("chat_type")
    sender = opt_str(body, "sender") or None
    if sender is not None and sender not in corp.members:
        raise ApiError(40003)
    validate_content(corp, body)
    if chat_type == "single":
        assignment, fail_list = _single_assignment(corp, body, sender)
    else:
        assignment, fail_list = _group_assignment(corp, body, sender)
    content: JsonDict = {k: body[k] for k in ("text", "attachments") if k in body}
    send = corp.create_group_send(chat_type, sender, content, assignment, fail_list)
    return {"fail_list": fail_list, "msgid": send.msgid}


def _single_assignment(corp: SandboxCorp, body: JsonDict,
                       sender: str | None) -> tuple[dict[str, list[str]], list[str]]:
    eids = str_list(body, "external_userid", max_items=10_000)
    if not eids and sender is None:
        raise invalid("external_userid and sender are both empty")
    if not eids:
        eids = corp.customers_of(sender or "")
    groups = (body.get("tag_filter") or {}).get("group_list") or []
    assignment: dict[str, list[str]] = {}
    fail: list[str] = []
    for eid in dict.fromkeys(eids):
        owner = _last_follower(corp, eid) if sender is None else (sender if corp.follow(eid, sender) else None)
        if owner is None or not _matches_tags(corp.tags_of(eid, owner), groups):
            fail.append(eid)
            continue
        assignment.setdefault(owner, []).append(eid)
    return assignment, fail


def _last_follower(corp: SandboxCorp, eid: str) -> str | None:
    """Stand-in for "the member who last chatted with the customer": the most recent relation."""
    rel = corp.follows.get(eid) or {}
    return max(rel.values(), key=lambda f: f.createtime).userid if rel else None


def _matches_tags(tags: set[str], groups: list[JsonDict]) -> bool:
    """[GAP] tag_filter semantics: OR inside one tag_list, AND across group_list entries."""
    return all(tags.intersection(g.get("tag_list") or []) for g in groups)


def _group_assignment(corp: SandboxCorp, body: JsonDict,
                      sender: str | None) -> tuple[dict[str, list[str]], list[str]]:
    if sender is None:
        raise invalid("sender is required for chat_type group")
    chats = str_list(body, "chat_id_list", max_items=2000)
    owned = [c.chat_id for c in corp.groups.values() if c.owner == sender]
    targets = [c for c in chats if c in owned] if chats else owned
    return ({sender: targets} if targets else {}), []


@route("externalcontact/get_groupmsg_task")
def get_groupmsg_task(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    send = _group_send(corp, req.body)
    limit = min(max(opt_int(req.body, "limit", 500), 1), 1000)
    rows = []
    for task in send.tasks.values():
        row: JsonDict = {"userid": task.userid, "status": task.status}
        if task.send_time is not None:
            row["send_time"] = task.send_time
        rows.append(row)
    chunk, nxt = page(rows, opt_str(req.body, "cursor"), limit)
    return {"next_cursor": nxt, "task_list": chunk}


@route("externalcontact/get_groupmsg_send_result")
def get_groupmsg_send_result(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    send = _group_send(corp, req.body)
    userid = req_str(req.body, "userid", errcode=40003)
    task = send.tasks.get(userid)
    limit = min(max(opt_int(req.body, "limit", 500), 1), 1000)
    rows: list[JsonDict] = []
    for target in task.targets if task else []:
        status = task.results.get(target, 0) if task else 0
        key = "external_userid" if send.chat_type == "single" else "chat_id"
        if send.chat_type == "group" and status != 1:
            continue  # group sends list only sent records
        row: JsonDict = {key: target, "userid": userid, "status": status}
        if status == 1 and task and task.send_time is not None:
            row["send_time"] = task.send_time
        rows.append(row)
    chunk, nxt = page(rows, opt_str(req.body, "cursor"), limit)
    return {"next_cursor": nxt, "send_list": chunk}


@route("externalcontact/get_groupmsg_list_v2")
def get_groupmsg_list_v2(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    chat_type = opt_str(req.body, "chat_type", default="single") or "single"
    start, end = opt_int(req.body, "start_time", 0), opt_int(req.body, "end_time", 0)
    if not start or not end or not 0 <= end - start <= 31 * 86400:
        raise invalid("start_time/end_time (range at most one month)")
    if opt_int(req.body, "filter_type", 2) == 1:
        return {"next_cursor": "", "group_msg_list": []}  # only API-created (企业) sends exist here
    rows = [{"msgid": s.msgid, "create_time": str(s.create_time), "create_type": 0, **s.body}
            for s in corp.group_sends.values() if s.chat_type == chat_type and start <= s.create_time <= end]
    limit = min(max(opt_int(req.body, "limit", 50), 1), 100)
    chunk, nxt = page(rows, opt_str(req.body, "cursor"), limit)
    return {"next_cursor": nxt, "group_msg_list": chunk}


def _group_send(corp: SandboxCorp, body: JsonDict) -> GroupSend:
    send = corp.group_sends.get(req_str(body, "msgid"))
    if send is None:
        raise invalid("msgid")
    return send
