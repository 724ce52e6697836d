"""Sign-in and sign-out: WeCom OAuth2 for members, username and password for HQ accounts."""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlencode

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from redis.exceptions import RedisError

from bot.flows.sign_in import authorize_url, userid_for_code
from bot.services.accounts import (KIND_HQ_USER, KIND_MEMBER, authenticate, end_session, member_for_userid,
                                   new_session_id)
from bot.wecom.errors import WeComError
from handlers.web.access import (SESSION_KEY, current_principal, error_page, home_endpoint, install_error_pages,
                                 public, safe_next, signed_in_as)

bp = Blueprint("auth", __name__, template_folder="templates")
install_error_pages(bp)

FAILURES_ALLOWED = 10
FAILURE_WINDOW_SECONDS = 900


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/")
@public
def index():
    principal = current_principal()
    return redirect(url_for(home_endpoint(principal)) if principal else url_for("auth.login"))


@bp.get("/auth/login")
@public
def login():
    next_url = safe_next(request.args.get("next"))
    principal = current_principal()
    if principal is not None:  # already signed in
        return redirect(next_url or url_for(home_endpoint(principal)))
    if "wxwork" in request.headers.get("User-Agent", "").lower():  # inside WeCom: sign in silently
        return redirect(url_for("auth.wecom_start", **({"next": next_url} if next_url else {})))
    return render_template("login.html", next_url=next_url or "")


@bp.post("/auth/login")
@public
def password_login():
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    next_url = safe_next(request.form.get("next"))
    if _too_many_failures(username):
        return render_template("login.html", next_url=next_url or "", username=username,
                               error="尝试次数过多，请15分钟后再试。"), 429
    with _runtime().db.transaction() as db_session:
        user = authenticate(session=db_session, username=username, password=password) if username else None
        user_id = user.id if user else None
    if user_id is None:
        _count_failure(username)
        return render_template("login.html", next_url=next_url or "", username=username,
                               error="用户名或密码错误。"), 401
    return _sign_in(KIND_HQ_USER, user_id, next_url)


@bp.get("/auth/wecom")
@public
def wecom_start():
    settings = current_app.config["SETTINGS"]
    state = secrets.token_urlsafe(24)
    session["oauth_state"] = state
    session["oauth_next"] = safe_next(request.args.get("next"))
    redirect_uri = settings.PUBLIC_BASE_URL.rstrip("/") + url_for("auth.wecom_callback")
    return redirect(authorize_url(client=_runtime().wecom_agent, oauth_base=settings.WECOM_OAUTH_BASE,
                                  redirect_uri=redirect_uri, state=state))


@bp.get("/auth/wecom/callback")
@public
def wecom_callback():
    expected = session.pop("oauth_state", None)
    next_url = session.pop("oauth_next", None)
    given = request.args.get("state", "")
    if not expected or not hmac.compare_digest(expected.encode(), given.encode()):
        return error_page(400, "登录请求已失效，请重新登录。")
    code = request.args.get("code", "")
    if not code:
        return error_page(400, "没有收到企业微信的授权，请重新登录。")
    try:
        userid = userid_for_code(client=_runtime().wecom_agent, code=code)
    except WeComError:
        current_app.logger.warning("WeCom OAuth code exchange failed", exc_info=True)
        return error_page(502, "企业微信登录失败，请稍后重试。")
    except RedisError:  # the WeCom access token lives in Redis
        current_app.logger.warning("WeCom OAuth code exchange without Redis", exc_info=True)
        return error_page(503, "系统繁忙，暂时无法登录，请稍后重新登录。")
    if userid is None:
        return error_page(403, "只有企业成员可以登录导购助手。")
    with _runtime().db.transaction() as db_session:
        member = member_for_userid(session=db_session, userid=userid)
        member_id = member.id if member else None
    if member_id is None:
        return error_page(403, "你的账号还没有开通导购助手，请联系总部同步组织架构。")
    return _sign_in(KIND_MEMBER, member_id, next_url)


@bp.post("/auth/logout")
@public
def logout():
    who = signed_in_as()
    if who is not None:   # ended on the server too: a copy of the cookie is refused from now on
        with _runtime().db.transaction() as db_session:
            end_session(session=db_session, session_id=who[2], lifetime=current_app.permanent_session_lifetime)
    session.clear()
    flash("已退出登录。")
    return redirect(url_for("auth.login"))


def _sign_in(kind: str, ident: int, next_url: str | None):
    session.clear()  # nothing from before sign-in survives it
    session.permanent = True
    session[SESSION_KEY] = [kind, ident, new_session_id()]
    return redirect(next_url or url_for("auth.index"))


def _failure_key(username: str) -> str:
    return "web-login-failures:" + urlencode({"u": username.lower()[:64], "ip": request.remote_addr or ""})


def _too_many_failures(username: str) -> bool:
    try:
        return int(_runtime().redis.get(_failure_key(username)) or 0) >= FAILURES_ALLOWED
    except RedisError:  # sign-in keeps working without Redis, only unthrottled
        return False


def _count_failure(username: str) -> None:
    try:
        pipe = _runtime().redis.pipeline()
        pipe.incr(_failure_key(username))
        pipe.expire(_failure_key(username), FAILURE_WINDOW_SECONDS)
        pipe.execute()
    except RedisError:
        pass
