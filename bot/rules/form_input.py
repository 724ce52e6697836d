"""Numbers, days and text out of what a person, a browser or a file sent: pure functions, never raising.

`str.isdigit()` is true for '²' and '١', `int()` takes '1_000', ' 7 ' and 5,000 digits, and PostgreSQL
refuses a NUL in text: a value the app stores or queries with must be plain ASCII digits within its column's
range, a day within the years the business can mean, and text without NUL.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

MAX_ID = 2**63 - 1          # the largest BIGINT (SQLite's INTEGER): no row has a larger id
MAX_INT = 2**31 - 1         # the largest INTEGER column value
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)
# Times outside the days above (a year 312873 CreateTime) are not times the business can mean.
FIRST_SECOND = int(datetime(FIRST_DAY.year, 1, 1, tzinfo=timezone.utc).timestamp())
LAST_SECOND = int(datetime(LAST_DAY.year + 1, 1, 1, tzinfo=timezone.utc).timestamp()) - 1
NUL = "\x00"


def parse_int(text: str | None, *, low: int = 0, high: int = MAX_INT) -> int | None:
    """The integer `text` spells in ASCII digits (an optional leading minus) within [low, high], else None."""
    text = (text or "").strip()
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > len(str(max(abs(low), abs(high)))):
        return None
    value = int(text)
    return value if low <= value <= high else None


def parse_day(text: str | None, *, first: date = FIRST_DAY, last: date = LAST_DAY) -> date | None:
    """The ISO day (YYYY-MM-DD) `text` spells within [first, last], else None."""
    text = (text or "").strip()
    if len(text) != 10 or not text.isascii():
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if first <= day <= last else None


def unix_time(text: str | None) -> datetime | None:
    """A unix time in seconds (WeCom's CreateTime) as an aware UTC datetime, None when it is not a usable one."""
    seconds = parse_int(text, low=FIRST_SECOND, high=LAST_SECOND)
    return datetime.fromtimestamp(seconds, timezone.utc) if seconds is not None else None


def has_nul(*texts: str | None) -> bool:
    """True when any of the texts holds a NUL character (which no text column can store)."""
    return any(text and NUL in text for text in texts)


def decode_text_file(data: bytes) -> str | None:
    """An uploaded CSV as text: UTF-8 (with or without BOM), else GB18030, the superset of the GBK that Excel in
    China saves CSV as; None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
