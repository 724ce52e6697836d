"""Plumbing shared by the API handler modules: request record, route registry, validators."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import ApiError, invalid
from .models import AppInfo, JsonDict

if TYPE_CHECKING:
    from flask import Response
    from werkzeug.datastructures import MultiDict
    from werkzeug.datastructures.file_storage import FileStorage

    from .state import SandboxCorp


@dataclass
class ApiRequest:
    path: str
    method: str
    args: dict[str, str]
    body: JsonDict
    files: MultiDict[str, FileStorage]
    app: AppInfo


Handler = Callable[["SandboxCorp", ApiRequest], "JsonDict | Response"]
ROUTES: dict[str, Handler] = {}


def route(path: str) -> Callable[[Handler], Handler]:
    """Register a handler for ``/cgi-bin/<path>``."""

    def register(fn: Handler) -> Handler:
        ROUTES[path] = fn
        return fn

    return register


def utf8_len(text: str) -> int:
    return len(text.encode("utf-8"))


def req_str(body: JsonDict, key: str, *, max_chars: int | None = None, errcode: int = 40058) -> str:
    """A required non-empty string field."""
    value = body.get(key)
    if not isinstance(value, str) or not value:
        raise ApiError(errcode, f"{key} missing or invalid")
    if max_chars is not None and len(value) > max_chars:
        raise invalid(f"{key} longer than {max_chars} chars")
    return value


def opt_str(body: JsonDict, key: str, *, max_chars: int | None = None, default: str = "") -> str:
    value = body.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid(f"{key} must be a string")
    if max_chars is not None and len(value) > max_chars:
        raise invalid(f"{key} longer than {max_chars} chars")
    return value


def opt_int(body: JsonDict, key: str, default: int) -> int:
    value = body.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.isdigit():
            return int(value)
        raise invalid(f"{key} must be an integer")
    return value


def str_list(body: JsonDict, key: str, *, max_items: int | None = None) -> list[str]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(f"{key} must be a list of strings")
    if max_items is not None and len(value) > max_items:
        raise invalid(f"{key} has more than {max_items} items")
    return value


def int_list(body: JsonDict, key: str) -> list[int]:
    value = body.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
        raise invalid(f"{key} must be a list of integers")
    return value


def page(items: list[Any], cursor: str | None, limit: int) -> tuple[list[Any], str]:
    """Offset-based cursor paging: returns (slice, next_cursor or "")."""
    start = int(cursor) if cursor and cursor.isdigit() else 0
    chunk = items[start:start + limit]
    nxt = str(start + limit) if start + limit < len(items) else ""
    return chunk, nxt


def require_contact_permission(corp: SandboxCorp, app: AppInfo) -> None:
    """客户联系 APIs: the 客户联系 secret, or an app listed in 「可调用应用」 (else 48002)."""
    allowed = corp.contact_api_agents
    if app.is_contact_secret or allowed is None or app.agentid in allowed:
        return
    raise ApiError(48002)
