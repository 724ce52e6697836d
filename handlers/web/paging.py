"""The `page` query parameter of a paged list."""
from __future__ import annotations

from flask import request

MAX_PAGE = 10_000


def page_number() -> int:
    """The requested page, 1-based: anything that is not a page number is the first page."""
    raw = request.args.get("page", "1")
    return min(int(raw), MAX_PAGE) if raw.isdigit() and int(raw) > 0 else 1
