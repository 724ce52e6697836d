"""A care touch's benefit (the birthday gift, the one-month gift ...): its name, an amount and a coupon code, as
HQ sets them on the rule and as the customer reads them in the `{coupon}` placeholder. Pure."""
from __future__ import annotations

import re

MAX_AMOUNT_FEN = 100_000 * 100     # 100,000 yuan: more is a unit mistake
_YUAN = re.compile(r"(\d{1,6})(?:\.(\d{1,2}))?")
_CODE = re.compile(r"[0-9A-Za-z_\-]{1,64}")


def parse_yuan(text: str) -> tuple[int | None, str | None]:
    """An amount HQ types in yuan ("50", "49.9") as fen; (None, None) when empty, (None, reason) when invalid."""
    text = (text or "").strip().removesuffix("元").strip()
    if not text:
        return None, None
    match = _YUAN.fullmatch(text)
    if not match:
        return None, "金额请填写元，最多两位小数，如 50 或 49.9"
    fen = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
    if not 0 < fen <= MAX_AMOUNT_FEN:
        return None, "金额须大于 0 元、不超过 10 万元"
    return fen, None


def code_problem(code: str) -> str | None:
    """Why a coupon code is invalid (letters, digits, - and _, at most 64), or None."""
    return None if not code or _CODE.fullmatch(code) else "券码只能包含字母、数字、- 和 _，最多 64 位"


def yuan_text(fen: int) -> str:
    """Fen as the customer reads yuan: 5000 -> "50元", 4990 -> "49.9元"."""
    whole, cents = divmod(fen, 100)
    return f"{whole}元" if not cents else f"{whole}.{cents:02d}".rstrip("0") + "元"


def benefit_text(name: str, amount_fen: int | None, code: str) -> str:
    """What `{coupon}` says: the name, with the amount and the code when set ("生日专享礼券（50元，券码 BD50）");
    an amount alone reads "50元礼券"; nothing set reads ""."""
    name = (name or "").strip()
    details = ([yuan_text(amount_fen)] if amount_fen and name else []) + ([f"券码 {code}"] if code else [])
    label = name or (f"{yuan_text(amount_fen)}礼券" if amount_fen else ("礼券" if code else ""))
    return f"{label}（{'，'.join(details)}）" if details else label
