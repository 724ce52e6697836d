"""在职继承 / 离职继承 APIs: customers and customer groups (protocol doc §5; doc 92125 / 94081 / 92127)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from .apitypes import ApiRequest, opt_str, page, req_str, require_contact_permission, route, str_list
from .errors import ApiError, invalid
from .models import JsonDict

if TYPE_CHECKING:
    from .state import SandboxCorp

MAX_CUSTOMERS = 100
MAX_CHATS = 100
MAX_SUCCESS_MSG = 200


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


def _result(corp: SandboxCorp, req: ApiRequest, kind: str) -> JsonDict:
    require_contact_permission(corp, req.app)
    handover = req_str(req.body, "handover_userid", errcode=40003)
    takeover = req_str(req.body, "takeover_userid", errcode=40003)
    chunk, nxt = page(corp.transfer_results(kind, handover, takeover), opt_str(req.body, "cursor"),
                      corp.transfer_result_page)
    return {"customer": chunk, "next_cursor": nxt}


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


# 在职继承 and 离职继承 answer alike; only the member's state and the 90-day rule differ.
for _kind, _prefix in (("onjob", "externalcontact/"), ("resigned", "externalcontact/resigned/")):
    route(_prefix + "transfer_customer")(partial(_transfer, kind=_kind))
    route(_prefix + "transfer_result")(partial(_result, kind=_kind))
route("externalcontact/groupchat/transfer")(partial(_group_transfer, resigned=True))
route("externalcontact/groupchat/onjob_transfer")(partial(_group_transfer, resigned=False))
