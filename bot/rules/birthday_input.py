"""Validation of the birthdays the brand's systems send (an order's buyer birthday and the member system's
records) and of the one a guide types (pure, no database; the rules of a birthday value are bot.rules.birthdays')."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.rules.birthdays import SOURCE_IMPORT, parse_birthday_value
from bot.rules.order_input import customer_identity


@dataclass
class BirthdayStatement:
    """A birthday someone stated for a customer named by id or by external_userid / unionid / mobile (digits)."""

    birthday: date | None
    source: str
    stated_at: datetime
    customer_id: int | None = None
    external_userid: str | None = None
    unionid: str | None = None
    mobile: str | None = None


def parse_birthday_record(raw: Any, stated_at: datetime, today: date) -> tuple[BirthdayStatement | None, list[str]]:
    """One record of the member system's birthdays: {"external_userid" | "unionid" | "mobile", "birthday"}."""
    if not isinstance(raw, dict):
        return None, ["record must be a JSON object"]
    errors: list[str] = []
    external_userid, unionid, mobile = customer_identity(raw, errors)
    birthday, problem = parse_birthday_value(raw.get("birthday"), today)
    if problem or birthday is None:
        errors.append(problem or "birthday is required (YYYY-MM-DD or MM-DD)")
    if errors:
        return None, errors
    return BirthdayStatement(birthday, SOURCE_IMPORT, stated_at, None, external_userid, unionid, mobile), []


_CHINESE = [
    (re.compile(r"birthday (\d\d)-(\d\d) is not a day of the .*"), r"生日 \1-\2 不存在"),
    (re.compile(r"birthday is in the future"), "生日不能晚于今天"),
    (re.compile(r"birthday year is more than \d+ years ago"), "生日年份不合理"),
    (re.compile(r"birthday (must be|is required).*"), "生日格式应为 年-月-日 或 月-日，如 1990-05-20 或 05-20"),
    (re.compile(r"the customer is required.*"), "请填写 external_userid、unionid 或 mobile 之一"),
    (re.compile(r"mobile is not a phone number"), "手机号格式不对"),
    (re.compile(r"(\w+) is longer than (\d+) characters"), r"\1 超过 \2 个字符"),
    (re.compile(r"(\w+) (contains a NUL character|must be a string)"), r"\1 格式不对"),
]


def parse_typed_birthday(text: str, today: date) -> date | None:
    """A birthday as a guide enters it (YYYY-MM-DD; empty clears it); ValueError with a Chinese message when
    it is not a real past date within a human lifetime (bot.rules.birthdays' checks)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise ValueError("生日格式应为 年-月-日，例如 1990-05-20") from None
    birthday, problem = parse_birthday_value(value, today)
    if problem:
        raise ValueError(reason_in_chinese(problem))
    return birthday


def reason_in_chinese(reason: str) -> str:
    """A record's rejection reason (the API's English) in HQ's words, for the import page."""
    for pattern, chinese in _CHINESE:
        if pattern.fullmatch(reason):
            return pattern.sub(chinese, reason)
    return reason
