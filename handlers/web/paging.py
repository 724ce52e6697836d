"""The `page` query parameter of a paged list."""
from __future__ import annotations

from flask import request

from bot.rules.form_input import parse_int

MAX_PAGE = 999_999   # beyond any list


def page_number() -> int:
    """The requested page, 1-based: anything that is not a page number is the first page (the list clamps a
    page past its end to its last)."""
    return parse_int(request.args.get("page"), low=1, high=MAX_PAGE) or 1
