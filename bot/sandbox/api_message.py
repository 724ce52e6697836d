"""App messages: message/send and message/update_template_card (protocol doc §4.11-4.12)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .apitypes import ApiRequest, int_list, opt_int, req_str, route, str_list, utf8_len
from .errors import ApiError, invalid
from .models import AppInfo, JsonDict

if TYPE_CHECKING:
    from .state import SandboxCorp

MSGTYPES = frozenset({"text", "image", "voice", "video", "file", "textcard", "news", "mpnews", "markdown",
                      "miniprogram_notice", "template_card"})
CARD_TYPES = frozenset({"text_notice", "news_notice", "button_interaction", "vote_interaction",
                        "multiple_interaction"})
TASK_ID = re.compile(r"^[0-9A-Za-z_\-@]{1,128}$")
INTERACTIVE = frozenset({"button_interaction", "vote_interaction", "multiple_interaction"})


@route("message/send")
def message_send(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    body = req.body
    agentid = _check_agent(corp, req.app, body)
    msgtype = body.get("msgtype")
    if msgtype not in MSGTYPES or not isinstance(body.get(msgtype), dict):
        raise ApiError(40008)
    if msgtype == "text" and not body["text"].get("content"):
        raise invalid("text.content missing")
    if msgtype == "template_card":
        _validate_card(corp, agentid, body["template_card"])
    users, bad_users, bad_parties, bad_tags = _recipients(corp, body)
    if not users:
        raise ApiError(81013)
    msg = corp.record_app_message(agentid, body, users)
    out: JsonDict = {"invaliduser": "|".join(bad_users), "invalidparty": "|".join(bad_parties),
                     "invalidtag": "|".join(bad_tags), "msgid": msg.msgid}
    if msg.response_code:
        out["response_code"] = msg.response_code
    return out


@route("message/update_template_card")
def update_template_card(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    body = req.body
    _check_agent(corp, req.app, body)
    userids, partyids, tagids = str_list(body, "userids", max_items=1000), int_list(body, "partyids"), \
        int_list(body, "tagids")
    if len(partyids) > 100 or len(tagids) > 100:
        raise invalid("partyids/tagids hold at most 100 ids")
    if not (userids or partyids or tagids or opt_int(body, "atall", 0) == 1):
        raise invalid("no recipient (userids, partyids, tagids, atall)")
    has_button, has_card = isinstance(body.get("button"), dict), isinstance(body.get("template_card"), dict)
    if has_button == has_card:
        raise invalid("give exactly one of button and template_card")
    code = req_str(body, "response_code")
    msg = corp.messages_by_response_code(code)
    card_type = (msg.body.get("template_card") or {}).get("card_type") if msg else None
    if has_button and card_type not in INTERACTIVE:
        raise invalid("button form is only for interaction cards")
    msg = corp.use_response_code(code)
    msg.updates.append({"time": corp.now(), "userids": userids, "partyids": partyids, "tagids": tagids,
                        "atall": opt_int(body, "atall", 0), "button": body.get("button"),
                        "template_card": body.get("template_card")})
    return {}


def _check_agent(corp: SandboxCorp, app: AppInfo, body: JsonDict) -> int:
    """agentid must exist and belong to the token's app (301002 otherwise)."""
    agentid = body.get("agentid")
    if isinstance(agentid, str) and agentid.isdigit():
        agentid = int(agentid)
    if not isinstance(agentid, int) or corp.app_for_agent(agentid) is None:
        raise ApiError(40056)
    if app.agentid != agentid:
        raise ApiError(301002)
    return agentid


def _recipients(corp: SandboxCorp, body: JsonDict) -> tuple[list[str], list[str], list[str], list[str]]:
    """Resolve touser/toparty/totag; WeCom lower-cases the invalid userids it reports."""
    touser = [u for u in str(body.get("touser") or "").split("|") if u]
    toparty = [p for p in str(body.get("toparty") or "").split("|") if p]
    totag = [t for t in str(body.get("totag") or "").split("|") if t]
    if not (touser or toparty or totag):
        raise invalid("touser, toparty and totag are all empty")
    if len(touser) > 1000 or len(toparty) > 100 or len(totag) > 100:
        raise invalid("too many recipients")
    by_lower = {u.lower(): u for u in corp.members}
    users: list[str] = list(corp.members) if "@all" in touser else []
    bad_users = []
    for u in touser:
        if u == "@all":
            continue
        if u.lower() in by_lower:
            users.append(by_lower[u.lower()])
        else:
            bad_users.append(u.lower())
    bad_parties = [p for p in toparty if not p.isdigit() or int(p) not in corp.departments]
    for p in toparty:
        if p not in bad_parties:
            depts = set(corp.department_tree(int(p)))
            users += [m.userid for m in corp.members.values() if depts.intersection(m.department)]
    return list(dict.fromkeys(users)), bad_users, bad_parties, totag  # the sandbox has no member tags


def _validate_card(corp: SandboxCorp, agentid: int, card: dict[str, Any]) -> None:
    card_type = card.get("card_type")
    if card_type not in CARD_TYPES:
        raise invalid("template_card.card_type")
    task_id = card.get("task_id")
    needs_task = card_type in INTERACTIVE or bool(card.get("action_menu"))
    if needs_task and not task_id:
        raise invalid("template_card.task_id missing")
    if task_id is not None:
        if not isinstance(task_id, str) or not TASK_ID.match(task_id):
            raise invalid("template_card.task_id format")
        if corp.task_id_used(agentid, task_id):
            raise invalid("template_card.task_id already used by this app")  # errcode not in the doc
    if card_type in ("text_notice", "news_notice") and not isinstance(card.get("card_action"), dict):
        raise invalid("template_card.card_action missing")
    if card_type == "news_notice" and not (card.get("card_image") or card.get("image_text_area")):
        raise invalid("news_notice needs card_image or image_text_area")
    if card_type == "button_interaction":
        _validate_buttons(card.get("button_list"))
    for key, limit in (("horizontal_content_list", 6), ("jump_list", 3), ("vertical_content_list", 4)):
        if len(card.get(key) or []) > limit:
            raise invalid(f"template_card.{key} holds at most {limit} items")


def _validate_buttons(buttons: Any) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 6:
        raise invalid("template_card.button_list must hold 1 to 6 buttons")
    keys: list[str] = []
    for button in buttons:
        if not isinstance(button, dict) or not button.get("text"):
            raise invalid("button.text missing")
        if button.get("type", 0) == 1:
            if not button.get("url"):
                raise invalid("button.url missing")
            continue
        key = button.get("key")
        if not isinstance(key, str) or not key or utf8_len(key) > 1024:
            raise invalid("button.key missing or too long")
        keys.append(key)
    if len(keys) != len(set(keys)):
        raise invalid("button keys must be unique")
