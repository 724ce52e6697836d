"""The pages' inputs at the boundary: ids in paths, numbers and days in query strings, NUL in any text.

A value the page cannot use answers 400 with a Chinese message (`InvalidParameter`), never a 500; an id
larger than any row's in a path answers 404 like any unknown id.
"""
from __future__ import annotations

from datetime import date

from flask import current_app, request
from werkzeug.routing import IntegerConverter

from bot.rules.form_input import MAX_ID, has_nul, parse_day, parse_int

NUL_MESSAGE = "输入中含有无效字符，请检查后重试。"


class InvalidParameter(ValueError):
    """A query parameter or form field the page cannot use; the message (Chinese) is shown with a 400."""


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: an id no row can have (past BIGINT) does not match, so the route answers 404."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(name: str, *, low: int = 0, high: int = MAX_ID, label: str | None = None) -> int | None:
    """Query parameter `name` as an integer within [low, high]; None when absent or empty, else 400."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return None
    value = parse_int(raw, low=low, high=high)
    if value is None:
        raise InvalidParameter(f"{label or name}参数无效，请返回页面重新选择。")
    return value


def date_arg(name: str, default: date) -> date:
    """Query parameter `name` as a day (YYYY-MM-DD in 2000-2099); `default` when absent or empty, else 400."""
    raw = request.args.get(name, "")
    if not raw.strip():
        return default
    day = parse_day(raw)
    if day is None:
        raise InvalidParameter("日期无效：请使用 2000-01-01 到 2099-12-31 之间的日期，格式如 2026-03-05。")
    return day


def _texts():
    yield from (v for v in (request.view_args or {}).values() if isinstance(v, str))
    fields = [request.args]
    if request.method == "POST":
        fields += [request.form, request.files]
    for multi in fields:
        for name, values in multi.lists():
            yield name
            yield from (getattr(value, "filename", value) or "" for value in values)


def refuse_nul() -> None:
    """Before a page's view: a NUL in the path, the query, a form field or a file name is a 400."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "access_rule", None) is not None and has_nul(*_texts()):
        raise InvalidParameter(NUL_MESSAGE)
