"""在职继承 / 离职继承 APIs: customers and customer groups (protocol doc §5; doc 92125 / 94081 / 92127)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .apitypes import ApiRequest, opt_str, req_str, require_contact_permission, route, str_list
from .errors import ApiError, invalid
from .models import JsonDict

if TYPE_CHECKING:
    from .state import SandboxCorp

MAX_CUSTOMERS = 100
MAX_CHATS = 100
MAX_SUCCESS_MSG = 200
RESULT_PAGE = 1000


def _transfer(corp: SandboxCorp, req: ApiRequest, kind: str) -> JsonDict:
    require_contact_permission(corp, req.app)
    handover = req_str(req.body, "handover_userid", errcode=40003)
    takeover = req_str(req.body, "takeover_userid", errcode=40003)
    eids = str_list(req.body, "external_userid")
    if not eids:
        raise ApiError(40058, "external_userid missing")
    if len(eids) > MAX_CUSTOMERS:
        raise invalid(f"external_userid has more than {MAX_CUSTOMERS} items")
    if len(opt_str(req.body, "transfer_success_msg")) > MAX_SUCCESS_MSG:
        raise invalid(f"transfer_success_msg longer than {MAX_SUCCESS_MSG} chars")
    if takeover not in corp.members:
        raise ApiError(40003)
    if kind == "resigned" and not corp.is_departed(handover):
        raise ApiError(40097)
    if kind == "onjob" and handover not in corp.members:
        raise ApiError(40003)
    return {"customer": [{"external_userid": eid, "errcode": corp.request_transfer(kind, handover, takeover, eid)}
                         for eid in eids]}


@route("externalcontact/transfer_customer")
def transfer_customer(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return _transfer(corp, req, "onjob")


@route("externalcontact/resigned/transfer_customer")
def resigned_transfer_customer(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return _transfer(corp, req, "resigned")


def _result(corp: SandboxCorp, req: ApiRequest, kind: str) -> JsonDict:
    require_contact_permission(corp, req.app)
    handover = req_str(req.body, "handover_userid", errcode=40003)
    takeover = req_str(req.body, "takeover_userid", errcode=40003)
    rows = corp.transfer_results(kind, handover, takeover)
    cursor = opt_str(req.body, "cursor")
    start = int(cursor) if cursor.isdigit() else 0
    size = getattr(corp, "transfer_result_page", RESULT_PAGE)
    chunk = rows[start:start + size]
    return {"customer": chunk, "next_cursor": str(start + size) if start + size < len(rows) else ""}


@route("externalcontact/transfer_result")
def transfer_result(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return _result(corp, req, "onjob")


@route("externalcontact/resigned/transfer_result")
def resigned_transfer_result(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return _result(corp, req, "resigned")


def _group_transfer(corp: SandboxCorp, req: ApiRequest, resigned: bool) -> JsonDict:
    require_contact_permission(corp, req.app)
    chats = str_list(req.body, "chat_id_list")
    if not 1 <= len(chats) <= MAX_CHATS:
        raise invalid(f"chat_id_list must hold 1 to {MAX_CHATS} chats")
    owner = req_str(req.body, "new_owner", errcode=40003)
    if owner not in corp.members:
        raise ApiError(40003)
    failed = []
    for chat_id in dict.fromkeys(chats):
        errcode = corp.transfer_group(chat_id, owner, resigned=resigned)
        if errcode:
            failed.append({"chat_id": chat_id, "errcode": errcode, "errmsg": ApiError(errcode).errmsg})
    return {"failed_chat_list": failed}


@route("externalcontact/groupchat/transfer")
def groupchat_transfer(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return _group_transfer(corp, req, resigned=True)


@route("externalcontact/groupchat/onjob_transfer")
def groupchat_onjob_transfer(corp: SandboxCorp, req: ApiRequest) -> JsonDict:
    return _group_transfer(corp, req, resigned=False)
