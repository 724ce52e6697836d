"""Who may see what: the one module with login_required, role_required and the scope helpers.

Every view of the app declares an access rule, checked by tests/web/test_url_map.py through
`unruled_endpoints`:
- `public` (sign-in pages, health), `public_by_signature` (the WeCom callback: its signature is the check),
  `scope_checked` set by `api_token_required` (the JSON API) or by the decorators below;
- `login_required` / `role_required(*roles)`: a signed-in principal, and for the second one of these roles.
Scope is enforced on the server: a guide's queries take their own guide id, a manager's their own store id
(`require_store`), and anything outside answers 404, never the data.
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime, timezone
from functools import wraps
from typing import Callable
from urllib.parse import unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from flask import Flask, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError

from bot.services.accounts import Principal, load_principal
from models import Store

ROLE_HOME = {"guide": "guide.customers", "manager": "manager.home", "hq": "hq.home"}
SESSION_KEY = "who"
MAX_NEXT = 2000


def _mark(view: Callable, rule: str) -> Callable:
    view.access_rule = rule
    view.scope_checked = True
    return view


def public(view: Callable) -> Callable:
    """Mark a view as open to anyone (sign-in pages)."""
    return _mark(view, "public")


def current_principal() -> Principal | None:
    """The signed-in principal of this request, reloaded from the database once per request."""
    if "principal" not in g:
        g.principal = _load_from_session()
    return g.principal


def signed_in_as() -> tuple[str, int, str] | None:
    """(kind, id, session id) from the session cookie, or None (a cookie of another shape is no sign-in)."""
    who = session.get(SESSION_KEY)
    if isinstance(who, list) and len(who) == 3 and isinstance(who[1], int) and isinstance(who[2], str):
        return str(who[0]), who[1], who[2]
    return None


def _load_from_session() -> Principal | None:
    who = signed_in_as()
    if who is None:
        return None
    runtime = current_app.extensions["runtime"]
    with runtime.db.transaction() as db_session:
        principal = load_principal(session=db_session, kind=who[0], ident=who[1], session_id=who[2])
    if principal is None:
        session.pop(SESSION_KEY, None)
    return principal


def _to_login():
    target = request.full_path if request.query_string else request.path
    return redirect(url_for("auth.login") + "?" + urlencode({"next": target}))


def login_required(view: Callable) -> Callable:
    """Require a signed-in principal; send others to the sign-in page."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_principal() is None:
            return _to_login()
        return view(*args, **kwargs)
    return _mark(wrapper, "login")


def role_required(*roles: str) -> Callable[[Callable], Callable]:
    """Require a signed-in principal with one of roles (403 for other roles)."""
    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = current_principal()
            if principal is None:
                return _to_login()
            if principal.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return _mark(wrapper, "roles:" + ",".join(roles))
    return decorator


def require_guide_id() -> int:
    """The signed-in member's own guide id (HQ password accounts have none: 404)."""
    principal = current_principal()
    if principal is None or principal.guide_id is None:
        abort(404)
    return principal.guide_id


def store_today(session) -> date:
    """Today in the signed-in member's store time zone (the business time zone without a store)."""
    principal = current_principal()
    return today_at(session.get(Store, principal.store_id) if principal and principal.store_id else None)


def today_at(store: Store | None) -> date:
    """Today in the store's time zone (the business time zone without a store or a zone)."""
    tz = (store.timezone if store else None) or current_app.config["SETTINGS"].TIMEZONE
    return datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).date()


def can_see_store(principal: Principal | None, store_id: int) -> bool:
    """HQ sees every store; a manager only their own."""
    if principal is None:
        return False
    return principal.role == "hq" or (principal.role == "manager" and principal.store_id == store_id)


def require_store(store_id: int) -> int:
    """Return store_id if the principal may see it, else answer 404."""
    if not can_see_store(current_principal(), store_id):
        abort(404)
    return store_id


def home_endpoint(principal: Principal) -> str:
    """The first page of a principal's role."""
    return ROLE_HOME.get(principal.role, "auth.login")


def safe_next(target: str | None) -> str | None:
    """A same-origin path to go back to after signing in, or None (no open redirects).

    Browsers drop tabs and newlines from a Location and read a backslash as a slash, so "/<tab>/evil" or
    "/<backslash>evil" would leave the site: a control character, whitespace or backslash (raw, or
    percent-encoded in the path), a scheme, a host or a leading "//" refuses the target.
    """
    if not target or len(target) > MAX_NEXT or not target.startswith("/") or _unsafe(target):
        return None
    parts = urlsplit(target)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc or _unsafe(path):
        return None
    return target


def _unsafe(text: str) -> bool:
    return any(ch == "\\" or ch.isspace() or unicodedata.category(ch).startswith("C") for ch in text) \
        or text.startswith("//")


def unruled_endpoints(app: Flask) -> list[str]:
    """Endpoints whose view declares no access rule (static files excepted)."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        view = app.view_functions[rule.endpoint]
        if not (getattr(view, "scope_checked", False) or getattr(view, "public_by_signature", False)):
            missing.append(rule.endpoint)
    return sorted(set(missing))


def error_page(status: int, message: str):
    """Render the Chinese error page with status."""
    return render_template("error.html", status=status, message=message), status


ERROR_MESSAGES = {
    400: "请求无效，请返回重试。", 403: "你没有权限查看这个页面。", 404: "页面不存在，或你没有权限查看。",
}


CSRF_MESSAGE = "页面已过期，请刷新后重试。"


def install_error_pages(bp) -> None:
    """Answer 400 / 403 / 404 (and a failed CSRF check) raised in bp's views with the Chinese error page."""
    for status, message in ERROR_MESSAGES.items():
        bp.register_error_handler(status, lambda _exc, s=status, m=message: error_page(s, m))
    bp.register_error_handler(CSRFError, lambda _exc: error_page(400, CSRF_MESSAGE))
