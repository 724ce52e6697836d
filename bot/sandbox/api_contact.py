"""客户联系 APIs: customers, tags, 「联系我」 and welcome messages (protocol doc §4.2-4.5, §4.10)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import ids
from .apitypes import (ApiRequest, int_list, opt_int, opt_str, req_str, require_contact_permission, route,
                       str_list, utf8_len)
from .errors import ApiError, invalid
from .models import ContactWay, JsonDict

if TYPE_CHECKING:
    from .state import SandboxCorp

MAX_ATTACHMENTS = 9
ATTACHMENT_FIELDS = {"image": (), "link": ("title", "url"), "miniprogram": ("title", "pic_media_id", "appid", "page"),
                     "video": ("media_id",), "file": ("media_id",)}


# ----- customers ---------------------------------------------------------------------------
@route("externalcontact/get")
def get_contact(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    eid = req.args.get("external_userid", "")
    if not eid:
        raise ApiError(40058, "external_userid missing")
    if eid not in corp.customers:
        raise ApiError(40096)
    follow = corp.follow_users(eid)
    if not follow:
        raise ApiError(84061)
    return {"external_contact": corp.customers[eid].to_api(), "follow_user": follow, "next_cursor": ""}


@route("externalcontact/list")
def list_contacts(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    userid = req.args.get("userid", "")
    if userid not in corp.members:
        raise ApiError(40003)
    customers = corp.customers_of(userid)
    if not customers:
        raise ApiError(84061)
    return {"external_userid": customers}


@route("externalcontact/get_follow_user_list")
def follow_user_list(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    users = {u for rel in corp.follows.values() for u in rel}
    return {"follow_user": sorted(users)}


@route("externalcontact/mark_tag")
def mark_tag(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    userid = req_str(req.body, "userid", errcode=40003)
    eid = req_str(req.body, "external_userid", errcode=40096)
    add, remove = str_list(req.body, "add_tag"), str_list(req.body, "remove_tag")
    if not add and not remove:
        raise invalid("add_tag and remove_tag are both empty")
    if userid not in corp.members:
        raise ApiError(40003)
    follow = corp.follow(eid, userid)
    if follow is None:
        raise ApiError(84061)
    if any(corp.find_tag(t) is None for t in add + remove):
        raise ApiError(40068)
    follow.tag_ids = [t for t in follow.tag_ids if t not in remove] + \
        [t for t in dict.fromkeys(add) if t not in follow.tag_ids and t not in remove]
    return {}


# ----- corp tags ---------------------------------------------------------------------------
@route("externalcontact/get_corp_tag_list")
def get_corp_tag_list(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    tag_ids, group_ids = str_list(req.body, "tag_id"), str_list(req.body, "group_id")
    out = []
    for group in corp.tag_groups.values():
        if group_ids:
            if group.group_id in group_ids:
                out.append(group.to_api())
        elif tag_ids:
            wanted = [t for t in group.tags if t.id in tag_ids]
            if wanted:
                out.append(group.to_api(wanted))
        else:
            out.append(group.to_api())
    return {"tag_group": out}


@route("externalcontact/add_corp_tag")
def add_corp_tag(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    specs = _tag_specs(req.body.get("tag"))
    group_id = opt_str(req.body, "group_id")
    if group_id:
        group = corp.tag_groups.get(group_id)
        if group is None:
            raise ApiError(40068)
    else:
        name = req_str(req.body, "group_name", max_chars=30)
        group = corp.group_by_name(name)
        if group is None:
            group = corp.create_tag_group(name, opt_int(req.body, "order", 0), [])
    tags = [corp.add_tag_to_group(group, name, order)[0] for name, order in specs]
    return {"tag_group": group.to_api(_unique(tags), with_deleted=False)}


@route("externalcontact/edit_corp_tag")
def edit_corp_tag(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    target = req_str(req.body, "id", errcode=40068)
    name = opt_str(req.body, "name", max_chars=30)
    group = corp.tag_groups.get(target)
    tag = corp.find_tag(target)
    if group is None and tag is None:
        raise ApiError(40068)
    item: Any = group or tag
    if name:
        if group is not None:
            group.group_name = name
        elif tag is not None:
            tag.name = name
    if "order" in req.body:
        item.order = opt_int(req.body, "order", 0)
    return {}


@route("externalcontact/del_corp_tag")
def del_corp_tag(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    tag_ids, group_ids = str_list(req.body, "tag_id"), str_list(req.body, "group_id")
    if not tag_ids and not group_ids:
        raise invalid("tag_id and group_id are both empty")
    if any(corp.find_tag(t) is None for t in tag_ids) or any(g not in corp.tag_groups for g in group_ids):
        raise ApiError(40068)
    corp.delete_tags(tag_ids, group_ids)
    return {}


# ----- 「联系我」 --------------------------------------------------------------------------
@route("externalcontact/add_contact_way")
def add_contact_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    way = _contact_way_from(corp, req.body)
    corp.contact_ways[way.config_id] = way
    out: JsonDict = {"config_id": way.config_id}
    if way.scene == 2:
        out["qr_code"] = way.qr_code
    return out


@route("externalcontact/get_contact_way")
def get_contact_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    way = corp.contact_ways.get(req_str(req.body, "config_id"))
    if way is None:
        raise invalid("config_id")
    return {"contact_way": way.to_api()}


@route("externalcontact/del_contact_way")
def del_contact_way(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    if corp.contact_ways.pop(req_str(req.body, "config_id"), None) is None:
        raise invalid("config_id")
    return {}


# ----- welcome message ---------------------------------------------------------------------
@route("externalcontact/send_welcome_msg")
def send_welcome_msg(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    require_contact_permission(corp, req.app)
    code = req_str(req.body, "welcome_code")
    validate_content(corp, req.body)
    corp.consume_welcome_code(code, req.body)
    return {}


def validate_content(corp: SandboxCorp, body: JsonDict) -> None:
    """text + attachments rules shared by send_welcome_msg and add_msg_template."""
    text = body.get("text") or {}
    content = text.get("content", "") if isinstance(text, dict) else ""
    attachments = body.get("attachments") or []
    if not isinstance(attachments, list):
        raise invalid("attachments must be a list")
    if not content and not attachments:
        raise invalid("text and attachments are both empty")
    if utf8_len(content) > 4000:
        raise invalid("text.content longer than 4000 bytes")
    if len(attachments) > MAX_ATTACHMENTS:
        raise invalid("more than 9 attachments")
    for item in attachments:
        _validate_attachment(corp, item)


def _validate_attachment(corp: SandboxCorp, item: Any) -> None:
    msgtype = item.get("msgtype") if isinstance(item, dict) else None
    if msgtype not in ATTACHMENT_FIELDS or not isinstance(item.get(msgtype), dict):
        raise invalid("attachment msgtype does not match its object")
    obj = item[msgtype]
    for key in ATTACHMENT_FIELDS[msgtype]:
        if not obj.get(key):
            raise invalid(f"{msgtype}.{key} missing")
    if msgtype == "image" and not obj.get("media_id") and not obj.get("pic_url"):
        raise invalid("image needs media_id or pic_url")
    media_id = obj.get("media_id") or obj.get("pic_media_id")
    if media_id:
        corp.get_media(media_id)  # 40007 when unknown/expired
    if msgtype == "link" and (utf8_len(obj.get("title", "")) > 128 or utf8_len(obj.get("desc", "")) > 512):
        raise invalid("link title/desc too long")


# ----- helpers -----------------------------------------------------------------------------
def _unique(items: list[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if all(item is not s for s in seen):
            seen.append(item)
    return seen


def _tag_specs(raw: Any) -> list[tuple[str, int]]:
    if not isinstance(raw, list) or not raw:
        raise invalid("tag list missing: empty tag groups are not allowed")
    specs = []
    for item in raw:
        if not isinstance(item, dict):
            raise invalid("tag")
        specs.append((req_str(item, "name", max_chars=30), opt_int(item, "order", 0)))
    return specs


def _contact_way_from(corp: SandboxCorp, body: JsonDict) -> ContactWay:
    way_type, scene = opt_int(body, "type", 0), opt_int(body, "scene", 0)
    if way_type not in (1, 2) or scene not in (1, 2):
        raise invalid("type and scene must be 1 or 2")
    users, parties = str_list(body, "user", max_items=100), int_list(body, "party")
    if way_type == 1 and (len(users) != 1 or parties):
        raise invalid("a single-person way needs exactly one user")
    if not users and not parties:
        raise invalid("user and party are both empty")
    if any(u not in corp.members for u in users):
        raise ApiError(40003)
    if any(p not in corp.departments for p in parties):
        raise ApiError(60123)
    is_temp = bool(body.get("is_temp", False))
    if is_temp and way_type != 1:
        raise invalid("is_temp is for single-person ways only")
    expires_in = opt_int(body, "expires_in", 7 * 86400)
    if is_temp and not 0 < expires_in <= 14 * 86400:
        raise invalid("expires_in")
    return ContactWay(ids.config_id(), way_type, scene, opt_int(body, "style", 1),
                      opt_str(body, "remark", max_chars=30), bool(body.get("skip_verify", True)),
                      opt_str(body, "state", max_chars=30), users, parties, is_temp, expires_in,
                      opt_int(body, "chat_expires_in", 86400), opt_str(body, "unionid"),
                      body.get("conclusions") or {}, ids.qr_code_url(), corp.now())
