"""Group guard rules: who looks like an outsider in a customer group, and the reminder's text. Pure functions."""
from __future__ import annotations

from dataclasses import dataclass

from models.group_guard import REASON_KEYWORD, REASON_OTHER_CORP

MAX_RULES_CHARS = 1000      # the reminder goes out with add_msg_template, whose text is at most 4000 bytes
MAX_LIST_ITEMS = 200
MAX_ITEM_CHARS = 30
# A WeCom user's external_userid starts with "wo", a WeChat user's with "wm" (the protocol doc's samples agree:
# §4.2 "woAJ…" is type 2 with corp_name 腾讯, §4.7 "wmOgQ…" carries a unionid). groupchat/get says only
# "external" (type 2); externalcontact/get, which names the corporation, answers 84061 for a member nobody
# in our corp has added, so for those the prefix is all WeCom tells.
WECOM_USER_PREFIX = "wo"

ALERT_REASON_LABELS = {REASON_OTHER_CORP: "其他企业人员", REASON_KEYWORD: "昵称含关键词"}
ALERT_STATUS_LABELS = {"open": "待处理", "handled": "已处理", "ignored": "已忽略"}
NOTICE_STATUS_LABELS = {"pending": "待发送", "sending": "发送中", "sent": "已推给群主", "failed": "发送失败"}


@dataclass(frozen=True)
class Finding:
    """Why a member looks like an outsider."""

    reason: str
    detail: str


def parse_lines(text: str | None) -> list[str]:
    """The distinct non-empty items of a list typed one per line (or separated by commas), in order."""
    raw = (text or "").replace("，", "\n").replace(",", "\n").splitlines()
    items = [item.strip()[:MAX_ITEM_CHARS] for item in raw]
    return list(dict.fromkeys(i for i in items if i))[:MAX_LIST_ITEMS]


def keyword_in(name: str | None, keywords: list[str]) -> str | None:
    """The first keyword the name contains (case-insensitive), else None."""
    folded = (name or "").casefold()
    return next((k for k in keywords if k.casefold() in folded), None)


def is_wecom_user(member_id: str, contact_type: int | None) -> bool:
    """True when the external member is a WeCom user (of some corporation), not a WeChat user."""
    if contact_type is not None:
        return contact_type == 2
    return member_id.startswith(WECOM_USER_PREFIX)


def findings(*, member_id: str, names: list[str], contact_type: int | None, corp_name: str | None,
             own_corp_names: list[str], keywords: list[str]) -> list[Finding]:
    """Why an external group member looks like an outsider (empty: nothing suspicious).

    contact_type / corp_name come from externalcontact/get when WeCom answered it (None otherwise).
    """
    out = []
    own = {n.casefold() for n in own_corp_names}
    if is_wecom_user(member_id, contact_type):
        if not corp_name:
            out.append(Finding(REASON_OTHER_CORP, "其他企业的企业微信用户（企业名称未知）"))
        elif corp_name.casefold() not in own:
            out.append(Finding(REASON_OTHER_CORP, f"来自「{corp_name}」的企业微信用户"))
    hit = next((k for k in (keyword_in(n, keywords) for n in names) if k), None)
    if hit:
        out.append(Finding(REASON_KEYWORD, f"昵称含关键词「{hit}」"))
    return out


def rules_text(*, store_text: str | None, brand_text: str | None) -> str:
    """The rules a store's groups remind new members of: the store's own text, else the brand's ('' for none)."""
    return (store_text if store_text and store_text.strip() else brand_text or "").strip()


def reminder_text(*, names: list[str], rules: str, max_bytes: int | None = None) -> str:
    """The reminder posted to the group for the members who just joined: as many of them greeted by name as
    keep the text within max_bytes of UTF-8 (the others counted), so a crowd joining at once never cuts the rules."""
    named = [n for n in names if n]
    for shown in range(len(named), 0, -1):
        text = _greeting(named[:shown], len(named)) + rules
        if max_bytes is None or len(text.encode("utf-8")) <= max_bytes:
            return text
    return _greeting([], len(named)) + rules


def _greeting(shown: list[str], total: int) -> str:
    who = "、".join(shown) or (f"{total} 位新朋友" if total > 1 else "新朋友")
    if shown and total > len(shown):
        who += f" 等 {total} 位新朋友"
    return f"欢迎 {who} 入群！请阅读群规：\n"
