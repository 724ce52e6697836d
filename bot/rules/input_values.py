"""Values from outside (API bodies, query strings) checked at the boundary: pure functions, no database.

What json.loads and datetime.fromisoformat accept is wider than what can be stored or computed with:
NUL and lone surrogates in strings (PostgreSQL text and UTF-8 refuse them), NaN and Infinity (JSON
columns refuse them), and date-times at the ends of the calendar, where converting to UTC or a store's
zone overflows. Days and the supported years are bot/rules/form_input.py's (the pages' parser).
"""
from __future__ import annotations

import math
from datetime import datetime, time, timezone

from bot.rules.form_input import FIRST_DAY, LAST_DAY, has_nul

_EARLIEST = datetime.combine(FIRST_DAY, time.min, tzinfo=timezone.utc)
_LATEST = datetime.combine(LAST_DAY, time.max, tzinfo=timezone.utc)
RANGE_TEXT = f"between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"


def is_storable_text(value: str) -> bool:
    """False for text PostgreSQL or UTF-8 cannot hold: a NUL character or a lone surrogate."""
    if has_nul(value):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_finite_scalar(value: object) -> bool:
    """A JSON scalar that is storable: no NaN or Infinity, no NUL, a sane integer."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        return is_storable_text(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) < 2**63
    return value is None or isinstance(value, bool)


def parse_moment(value: object) -> tuple[datetime | None, str | None]:
    """An ISO 8601 date-time with an offset, within the supported years: (moment, None) or (None, problem).

    The problem is 'malformed', 'naive' (no offset) or 'out_of_range'.
    """
    if not isinstance(value, str) or not value.strip() or not value.isascii():
        return None, "malformed"
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, "malformed"
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        return None, "naive"
    try:
        in_range = _EARLIEST <= parsed.astimezone(timezone.utc) <= _LATEST
    except OverflowError:      # year 1 or 9999 with an offset: the UTC instant is off the calendar
        in_range = False
    return (parsed, None) if in_range else (None, "out_of_range")


def text_fields(body: dict, limits: dict[str, int], required: tuple[str, ...] = ()) -> tuple[dict, list[str]]:
    """The named optional text fields of a JSON object, each checked against its length limit.

    Returns ({name: text or None}, problems); absent or empty fields are None unless required.
    """
    values: dict[str, str | None] = {}
    problems: list[str] = []
    for name, limit in limits.items():
        value = body.get(name)
        if value in (None, ""):
            values[name] = None
            if name in required:
                problems.append(f"{name} is required")
        elif not isinstance(value, str) or not is_storable_text(value) or len(value) > limit:
            problems.append(f"{name} must be text of at most {limit} characters")
        else:
            values[name] = value
    return values, problems
