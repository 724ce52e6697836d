"""Sign-in and sessions without a browser: OAuth state and code, HQ passwords, cookies, CSRF."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import select, update

from bot.app import create_app
from models import Guide, HqUser
from tests.conftest import CORP_ID
from tests.web.helpers import HOSTILE_NEXT, HQ_PASSWORD, csrf_token, make_hq_user, sign_in_hq, sign_in_member


def test_wecom_sign_in_redirects_to_the_configured_authorize_page(client, settings, org):
    response = client.get("/auth/wecom?next=/guide/")
    location = urlsplit(response.headers["Location"])
    assert response.status_code == 302
    assert f"{location.scheme}://{location.netloc}/" == settings.WECOM_OAUTH_BASE
    assert location.path == "/connect/oauth2/authorize" and location.fragment == "wechat_redirect"
    query = parse_qs(location.query)
    assert query["appid"] == [CORP_ID] and query["response_type"] == ["code"] and query["scope"] == ["snsapi_base"]
    assert query["redirect_uri"] == [settings.PUBLIC_BASE_URL + "/auth/wecom/callback"]
    assert len(query["state"][0]) >= 24


def test_a_member_signs_in_and_lands_where_they_were_going(client, sandbox, org):
    response = sign_in_member(client, sandbox, "wangfang", next_path="/guide/?status=all")
    assert response.status_code == 302 and response.headers["Location"] == "/guide/?status=all"
    assert "王芳" in client.get("/guide/").get_data(as_text=True)
    assert len(sandbox.calls("auth/getuserinfo")) == 1 and not sandbox.calls("user/getuserinfo")


def test_each_role_lands_on_its_home(client, sandbox, org, db):
    sign_in_member(client, sandbox, "zhangli")
    assert client.get("/").headers["Location"] == "/manager/"
    assert client.get("/auth/login").headers["Location"] == "/manager/"  # already signed in
    assert client.get("/manager/").headers["Location"] == f"/manager/stores/{org['SH001']}"
    other = client.application.test_client()
    sign_in_member(other, sandbox, "lixiao")
    assert other.get("/").headers["Location"] == "/guide/"


def test_a_wrong_state_is_refused_and_the_code_is_not_used(client, sandbox, org):
    client.get("/auth/wecom")
    code = sandbox.issue_oauth_code("wangfang")
    response = client.get(f"/auth/wecom/callback?code={code}&state=forged")
    assert response.status_code == 400 and "登录请求已失效" in response.get_data(as_text=True)
    assert not sandbox.calls("auth/getuserinfo")
    assert client.get("/guide/").status_code == 302  # still signed out


def test_a_used_code_and_a_stranger_are_refused(client, sandbox, org):
    start = client.get("/auth/wecom")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    code = sandbox.issue_oauth_code("wangfang")
    sandbox.consume_oauth_code(code)
    assert client.get(f"/auth/wecom/callback?code={code}&state={state}").status_code == 502
    sandbox.add_member("xinren", "新人", department=[2])  # in WeCom, not yet in the app
    denied = sign_in_member(client, sandbox, "xinren")
    assert denied.status_code == 403 and "还没有开通" in denied.get_data(as_text=True)


def test_a_disabled_member_is_signed_out(client, sandbox, org, db):
    sign_in_member(client, sandbox, "wangfang")
    assert client.get("/guide/").status_code == 200
    with db.transaction() as session:
        session.execute(update(Guide).where(Guide.userid == "wangfang").values(active=False))
    assert client.get("/guide/").status_code == 302


def test_hq_password_sign_in_and_wrong_passwords(client, db, org):
    make_hq_user(db)
    wrong = sign_in_hq(client, password="not-it")
    assert wrong.status_code == 401 and "用户名或密码错误" in wrong.get_data(as_text=True)
    unknown = sign_in_hq(client, username="nobody")
    assert unknown.status_code == 401
    assert sign_in_hq(client).headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/hq/"
    with db.transaction() as session:
        user = session.scalars(select(HqUser)).one()
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:")) and HQ_PASSWORD not in user.password_hash
        assert user.last_login_at is not None


def test_password_guessing_is_throttled(client, db, org):
    make_hq_user(db)
    for _ in range(10):
        assert sign_in_hq(client, password="guess").status_code == 401
    assert sign_in_hq(client).status_code == 429  # even the right password, for a while


def test_forms_without_the_csrf_token_are_refused(client, db, sandbox, org):
    make_hq_user(db)
    no_token = client.post("/auth/login", data={"username": "zongbu", "password": HQ_PASSWORD})
    assert no_token.status_code == 400 and "页面已过期" in no_token.get_data(as_text=True)
    sign_in_hq(client)
    assert client.post("/hq/org/sync").status_code == 400
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/hq/").status_code == 200  # still signed in


def test_sign_out_ends_the_session(client, sandbox, org):
    sign_in_member(client, sandbox, "wangfang")
    token = csrf_token(client, "/guide/")
    assert client.post("/auth/logout", data={"csrf_token": token}).headers["Location"] == "/auth/login"
    assert client.get("/guide/").status_code == 302


def test_session_cookie_flags(client, sandbox, org, settings):
    response = sign_in_member(client, sandbox, "wangfang")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("guide_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # test / development run on plain http
    production = create_app(settings.__class__(**{**settings.__dict__, "ENV": "production"}))
    assert production.config["SESSION_COOKIE_SECURE"] is True
    production.extensions["runtime"].db.dispose()


def test_machine_endpoints_keep_working_without_csrf(client, org):
    assert client.post("/noop").status_code == 200
    assert client.post("/api/v1/channels", json={}).status_code == 401  # token check, not CSRF


def test_inside_wecom_the_sign_in_page_goes_straight_to_oauth(client, org):
    response = client.get("/auth/login?next=/guide/", headers={"User-Agent": "Mozilla/5.0 wxwork/4.1.22"})
    assert response.headers["Location"] == "/auth/wecom?next=/guide/"


def test_sign_in_never_redirects_off_site(client, sandbox, org):
    response = sign_in_member(client, sandbox, "wangfang", next_path="//evil.example.com/")
    assert response.headers["Location"] == "/"


def _stays_on_site(location: str, home: str) -> bool:
    return location == home and urlsplit(location).netloc == ""


def _goes_home(answer, home: str, target: str) -> bool:
    """Sent home, or (a NUL in the request) refused with 400 before any view runs: never off site."""
    if "\x00" in target:
        return answer.status_code == 400 and "Location" not in answer.headers
    return _stays_on_site(answer.headers.get("Location", ""), home)


def test_no_sign_in_path_redirects_off_site_whatever_next_says(client, sandbox, db, org):
    """Password sign-in, WeCom sign-in and an already signed-in /auth/login all refuse every hostile next."""
    make_hq_user(db)
    hostile = [target for target in HOSTILE_NEXT if target]
    for target in hostile:
        password = client.application.test_client()
        token = csrf_token(password)
        answer = password.post("/auth/login", data={"username": "zongbu", "password": HQ_PASSWORD,
                                                    "csrf_token": token, "next": target})
        assert _goes_home(answer, "/", target), (target, answer.status_code, answer.headers.get("Location"))
        assert _goes_home(password.get("/auth/login", query_string={"next": target}), "/hq/", target), target
        member = client.application.test_client()
        start = member.get("/auth/wecom", query_string={"next": target})
        if "\x00" in target:   # refused with 400 before any view runs: nothing to follow
            assert start.status_code == 400, target
            continue
        state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
        code = sandbox.issue_oauth_code("wangfang")
        back = member.get(f"/auth/wecom/callback?code={code}&state={state}")
        assert _goes_home(back, "/", target), (target, back.headers.get("Location"))


def _http_sign_in(web: str, sandbox, userid: str) -> requests.Session:
    """WeCom sign-in over real HTTP, as a browser keeps its cookies."""
    browser = requests.Session()
    start = browser.get(f"{web}/auth/wecom", allow_redirects=False, timeout=5)
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    back = browser.get(f"{web}/auth/wecom/callback", params={"code": sandbox.issue_oauth_code(userid), "state": state},
                       allow_redirects=False, timeout=5)
    assert back.status_code == 302 and back.headers["Location"] == "/"
    return browser


def test_a_cookie_captured_before_sign_out_is_refused_after_it(web, sandbox, org):
    phone, desktop = _http_sign_in(web, sandbox, "wangfang"), _http_sign_in(web, sandbox, "wangfang")
    captured = phone.cookies.get("guide_session")
    page = phone.get(f"{web}/guide/", timeout=5)
    assert page.status_code == 200 and "王芳" in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    out = phone.post(f"{web}/auth/logout", data={"csrf_token": token}, allow_redirects=False, timeout=5)
    assert out.status_code == 302 and out.headers["Location"] == "/auth/login"
    replay = requests.get(f"{web}/guide/", cookies={"guide_session": captured}, allow_redirects=False, timeout=5)
    assert replay.status_code == 302 and replay.headers["Location"].startswith("/auth/login")
    assert requests.get(f"{web}/hq/", cookies={"guide_session": captured}, allow_redirects=False,
                        timeout=5).status_code == 302
    assert desktop.get(f"{web}/guide/", allow_redirects=False, timeout=5).status_code == 200   # another sign-in


def test_an_hq_cookie_replayed_after_sign_out_is_refused(client, db, org):
    make_hq_user(db)
    sign_in_hq(client)
    captured = client.get_cookie("guide_session").value
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/hq/")})
    replay = client.application.test_client()
    replay.set_cookie("guide_session", captured)
    assert replay.get("/hq/").status_code == 302
    assert sign_in_hq(client).status_code == 302 and client.get("/hq/").status_code == 200   # signs in again


def test_pages_may_be_framed_only_by_the_app_and_the_sidebar_also_by_wecom(client, sandbox, org):
    sign_in_member(client, sandbox, "wangfang")
    for path in ("/guide/", "/guide/todos", "/auth/logout-nowhere"):
        response = client.get(path)
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'self'", path
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN", path
    for path in ("/guide/sidebar/", "/auth/login"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert policy.startswith("frame-ancestors 'self' ") and "https://*.work.weixin.qq.com" in policy, path
        assert "X-Frame-Options" not in response.headers, path
