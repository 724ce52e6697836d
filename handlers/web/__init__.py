"""The web pages: one blueprint per audience (auth, guide, manager, hq), server-rendered in Chinese.

`init_app` sets the session cookie, CSRF protection, template filters, the shared error pages and the
check of every page's inputs for NUL (handlers/web/params.py);
the app factory registers the blueprints.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, Flask, Response, request
from flask_wtf.csrf import CSRFError, CSRFProtect

from bot.rules.labels import ROLE_LABELS
from handlers.web.access import CSRF_MESSAGE, current_principal, error_page
from handlers.web.params import InvalidParameter, refuse_nul

csrf = CSRFProtect()
# WeCom's client shows the chat sidebar (and its sign-in) in its own webview, which may frame it on these hosts.
WECOM_FRAME_ANCESTORS = "https://*.work.weixin.qq.com https://*.weixin.qq.com"
WECOM_FRAMED_BLUEPRINTS = ("guide_sidebar", "auth")
assets = Blueprint("web", __name__, static_folder="static", static_url_path="/static/web")


def init_app(app: Flask) -> None:
    """Configure sessions, CSRF, filters and error pages for the web pages."""
    settings = app.config["SETTINGS"]
    app.config.update(
        SESSION_COOKIE_NAME="guide_session", SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.ENV not in ("development", "test"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.SESSION_HOURS),
        # A guide may leave a page open for hours: the token lives as long as the session.
        WTF_CSRF_TIME_LIMIT=None,
    )
    csrf.init_app(app)
    app.after_request(frame_policy)
    app.register_error_handler(CSRFError, lambda _exc: error_page(400, CSRF_MESSAGE))
    app.before_request(refuse_nul)
    app.register_error_handler(InvalidParameter, lambda exc: error_page(400, str(exc)))
    app.jinja_env.filters["localtime"] = lambda value, fmt="%Y-%m-%d %H:%M": _localtime(app, value, fmt)
    app.jinja_env.filters["yuan"] = yuan
    app.context_processor(lambda: {"principal": current_principal(), "role_labels": ROLE_LABELS})


def frame_policy(response: Response) -> Response:
    """Only our own pages may frame a page (no clickjacking); WeCom may also frame the sidebar and sign-in.

    X-Frame-Options cannot name other sites, so the WeCom-framed pages carry only the CSP (browsers that
    know frame-ancestors ignore X-Frame-Options anyway).
    """
    if request.blueprint in WECOM_FRAMED_BLUEPRINTS:
        response.headers.setdefault("Content-Security-Policy", f"frame-ancestors 'self' {WECOM_FRAME_ANCESTORS}")
    else:
        response.headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
        response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    return response


def _localtime(app: Flask, value: datetime | None, fmt: str) -> str:
    if value is None:
        return "—"
    return value.astimezone(app.config["SETTINGS"].tz).strftime(fmt)


def yuan(fen: int | None) -> str:
    """Format integer fen as ¥1,234.50 (no floats)."""
    if fen is None:
        return "—"
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100:,}.{fen % 100:02d}"
