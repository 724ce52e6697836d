"""The `page` query parameter of a paged list."""
from __future__ import annotations

from flask import request

MAX_DIGITS = 6   # beyond any list; a longer number is not parsed at all


def page_number() -> int:
    """The requested page, 1-based: anything that is not a page number is the first page (the list clamps a
    page past its end to its last)."""
    raw = request.args.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS and int(raw) > 0 else 1
