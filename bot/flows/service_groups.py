"""一客一群: a guide shares a 「加入群聊」 code of a group they made for one customer; the customer's join pairs them.

WeCom's API cannot create a customer group: the guide creates it in WeCom (with the store manager), then the
app makes a 「加入群聊」 code for that group (`groupchat/add_join_way`, scene 2, a state of its own; its QR code
from `get_join_way`). The guide sends the code to the customer in their chat; the customer's join comes back as
change_external_chat add_member, and groupchat/get names the state the member joined through.
"""
from __future__ import annotations

import secrets

from sqlalchemy.orm import Session

from bot.services import service_groups
from bot.wecom.errors import WeComError
from models import Customer, Guide, GroupChat
from models.group_guard import ServiceGroup

STATE_PREFIX = "svc-"          # "svc-" + 16 hex characters: within the 30 characters a state may have


def start_service_group(*, session: Session, client, guide: Guide, customer: Customer,
                        group: GroupChat) -> ServiceGroup | str:
    """Make the group's 「加入群聊」 code for the customer; the row, or a Chinese message of what went wrong."""
    state = STATE_PREFIX + secrets.token_hex(8)
    remark = f"一客一群 {customer.name or ''}"[:30]
    try:
        config_id = client.post("externalcontact/groupchat/add_join_way", data={
            "scene": 2, "remark": remark, "auto_create_room": 0, "chat_id_list": [group.chat_id],
            "state": state})["config_id"]
        way = client.post("externalcontact/groupchat/get_join_way", data={"config_id": config_id})["join_way"]
    except WeComError as exc:
        if exc.retryable:
            return "企业微信繁忙，请稍后再试。"
        return f"企业微信未能生成入群二维码（错误码 {exc.errcode}），请确认这个群仍是你的客户群。"
    return service_groups.record_code(session=session, guide=guide, customer=customer, group=group, state=state,
                                      config_id=config_id, qr_code=way.get("qr_code"))


def release_codes(*, client, pairs: list[ServiceGroup]) -> None:
    """Delete the 「加入群聊」 codes of pairs just made, so nobody else joins through them (best effort)."""
    for row in pairs:
        try:
            client.post("externalcontact/groupchat/del_join_way", data={"config_id": row.config_id})
        except WeComError as exc:
            if exc.retryable:
                raise
