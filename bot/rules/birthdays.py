"""Birthdays from every source, and the birthday greeting's place on a guide's list: pure rules.

Where a birthday comes from. A guide types it on the customer page (`guide`); the brand's POS or mall sends
it with an order (`pos`); the brand's member system sends it in bulk (`import`: the customers API or a file).
The latest statement wins, whichever its source: each write carries the moment it was stated (a guide's and
an import's: when written; an order's: when the order was paid), and a birthday stated before the stored one
was (a replayed old order, say) changes nothing. The source is kept beside the birthday.

A birthday known without its year ("MM-DD") is stored in NO_YEAR: a leap year, so 29 February exists, and a
year no living customer was born in (a typed birthday may go back 120 years at most); the ritual reads only
the month and day.

The birthday greeting on the day (trigger `birthday_day`) is never pushed off a list or held out: a brand
would not have a customer's birthday ignored. Its list priority is raised above every other touch's
(RANKS_FIRST_BOOST: it ranks before first-purchase care, so a full list still takes it), it is exempt from
the pause after a recent contact, and from the holdout (the ritual's other touches keep theirs). It still
counts as the customer's one new to-do of the day, and WeCom's receive cap still applies.
"""
from __future__ import annotations

import re
from datetime import date, datetime

SOURCE_GUIDE, SOURCE_POS, SOURCE_IMPORT = "guide", "pos", "import"
SOURCE_LABELS = {SOURCE_GUIDE: "导购录入", SOURCE_POS: "订单", SOURCE_IMPORT: "会员系统导入"}
NO_YEAR = 1904
MAX_AGE_YEARS = 120

RANKS_FIRST_TRIGGERS = frozenset({"birthday_day"})
HOLDOUT_EXEMPT_TRIGGERS = frozenset({"birthday_day"})
RANKS_FIRST_BOOST = 1000        # above any rule priority (0-100): the touch ranks first on the list

_FULL = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NO_YEAR = re.compile(r"(?:--)?(\d{1,2})-(\d{1,2})")


def parse_birthday_value(value: object, today: date) -> tuple[date | None, str | None]:
    """A birthday as the brand's systems send it: "YYYY-MM-DD", or "MM-DD" when the year is unknown (a
    spreadsheet's date cell too). Return (birthday, None), (None, None) when absent, or (None, reason)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _checked(value.year, value.month, value.day, today)
    if not isinstance(value, str):
        return None, "birthday must be a string (YYYY-MM-DD or MM-DD)"
    text = value.strip().replace("/", "-")
    full, short = _FULL.fullmatch(text), _NO_YEAR.fullmatch(text)
    if full:
        return _checked(int(full[1]), int(full[2]), int(full[3]), today)
    if short:
        return _checked(None, int(short[1]), int(short[2]), today)
    return None, "birthday must be YYYY-MM-DD or MM-DD"


def _checked(year: int | None, month: int, day: int, today: date) -> tuple[date | None, str | None]:
    """The birthday of a day of a year (None: the year is unknown, stored in NO_YEAR), or why it is not one.

    A full date is checked whatever its year, NO_YEAR included: only a value sent without a year is year-less."""
    try:
        value = date(NO_YEAR if year is None else year, month, day)   # year 0 is not one either
    except ValueError:
        return None, f"birthday {month:02d}-{day:02d} is not a day of the {'year' if year is None else year}"
    if year is None:
        return value, None
    if value > today:
        return None, "birthday is in the future"
    if year < today.year - MAX_AGE_YEARS:
        return None, f"birthday year is more than {MAX_AGE_YEARS} years ago"
    return value, None


def year_known(birthday: date) -> bool:
    """False for a birthday stored without its year."""
    return birthday.year != NO_YEAR


def birthday_text(birthday: date | None) -> str | None:
    """A stored birthday as the API shows it: "YYYY-MM-DD", or "MM-DD" without the year."""
    if birthday is None:
        return None
    return birthday.isoformat() if year_known(birthday) else f"{birthday.month:02d}-{birthday.day:02d}"


def birthday_note(birthday: date | None, source: str | None) -> str:
    """What the guide's customer page says of a stored birthday: "5月20日（年份未知）· 来源：订单"."""
    if birthday is None:
        return ""
    known = year_known(birthday)
    day = (f"{birthday.year}年" if known else "") + f"{birthday.month}月{birthday.day}日" + ("" if known else "（年份未知）")
    label = SOURCE_LABELS.get(source or "")
    return day + (f" · 来源：{label}" if label else "")


def supersedes(stated_at: datetime, stored_at: datetime | None) -> bool:
    """A birthday stated at `stated_at` replaces the one stored (stated at `stored_at`): the latest wins."""
    return stored_at is None or stated_at >= stored_at


def list_priority(trigger: str, priority: int) -> int:
    """A touch's priority on the list: the rule's, raised above every other rule's for the birthday greeting."""
    return priority + RANKS_FIRST_BOOST if trigger in RANKS_FIRST_TRIGGERS else priority


def holdout_exempt(trigger: str) -> bool:
    """True for the touches no customer is held out of (the birthday greeting on the day)."""
    return trigger in HOLDOUT_EXEMPT_TRIGGERS

