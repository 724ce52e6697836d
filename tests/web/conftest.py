"""Web tests: the shared fixtures, orders enabled, OAuth pointed at the sandbox, and a browser."""
from __future__ import annotations

import json
import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.web.helpers import ORDER_SECRET, build_shop

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
WECOM_UA = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh ColorScheme/Light")


@pytest.fixture
def settings(settings, sandbox_server):
    settings.ORDER_WEBHOOK_SECRET = ORDER_SECRET
    settings.TIER_TAG_DELAY_SECONDS = 0  # the burst worker of the tests does not run scheduled jobs
    settings.WECOM_OAUTH_BASE = sandbox_server.base_url.removesuffix("cgi-bin/")
    return settings


@pytest.fixture
def shop(client, sandbox, driver, work, db, org):
    """Customers of both stores, built through the callback, the worker and the order API."""
    return build_shop(client, sandbox, driver, work, db, org)


@pytest.fixture
def web(live_app, settings):
    """The live app's URL, also used as the OAuth redirect base."""
    settings.PUBLIC_BASE_URL = live_app
    return live_app


_SHARED: dict = {}


def _shared_browser():
    """One chromium per test process, however many conftests import the `browser` fixture.

    Playwright's sync API cannot run two instances at once in one thread, and a fixture function
    imported into another conftest is a second session fixture.
    """
    if "browser" not in _SHARED:
        if not os.path.exists(CHROMIUM):
            pytest.fail("chromium is not installed: run `make test` (it installs Debian's chromium)")
        from playwright.sync_api import sync_playwright

        _SHARED["playwright"] = sync_playwright().start()
        _SHARED["browser"] = _SHARED["playwright"].chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    return _SHARED["browser"]


def _close_shared_browser() -> None:
    if "browser" in _SHARED:
        _SHARED.pop("browser").close()
        _SHARED.pop("playwright").stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    yield _shared_browser()
    _close_shared_browser()


def _context(browser, user_agent: str | None = None):
    options = {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True,
               "locale": "zh-CN"}
    if user_agent:
        options["user_agent"] = user_agent
    return browser.new_context(**options)


@pytest.fixture
def phone(browser):
    """A fresh phone-sized page (its own cookies)."""
    context = _context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


# WeCom's JS bridge (`wx`) as the WeCom client provides it, stood in (like the sandbox for the server APIs):
# window.__wecom records wx.config / wx.agentConfig and what sendChatMessage and shareToExternalContact were given.
WECOM_BRIDGE = """
window.__wecom = {config: null, agentConfig: null, sent: [], shared: [], entry: "normal"};
window.wx = {
  config: function (c) { window.__wecom.config = c; },
  ready: function (f) { setTimeout(f, 0); },
  error: function (f) {},
  agentConfig: function (c) { window.__wecom.agentConfig = c; setTimeout(c.success, 0); },
  invoke: function (name, args, cb) {
    var ok = {err_msg: name + ":ok"}, contact = %s;
    if (name === "getCurExternalContact" && contact) { ok.userId = contact; cb(ok); return; }
    if (name === "getContext") { ok.entry = window.__wecom.entry; cb(ok); return; }
    if (name === "sendChatMessage") { window.__wecom.sent.push(args); cb(ok); return; }
    if (name === "shareToExternalContact") { window.__wecom.shared.push(args); cb(ok); return; }
    cb({err_msg: name + ":fail"});
  }
};
"""


@contextmanager
def in_wecom_client(browser, external_userid: str | None = None):
    """A phone page in WeCom's built-in browser with its JS bridge stood in (WECOM_BRIDGE; WeCom's own scripts
    are not fetched); getCurExternalContact answers `external_userid` (fails without one: not in a chat) and
    getContext answers window.__wecom.entry."""
    context = _context(browser, WECOM_UA)
    context.add_init_script(WECOM_BRIDGE % json.dumps(external_userid))
    for sdk in ("https://res.wx.qq.com/**", "https://open.work.weixin.qq.com/**"):
        context.route(sdk, lambda route: route.fulfill(body="", content_type="application/javascript"))
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def open_in_wecom(page, web: str, path: str, userid: str) -> None:
    """Open a page as WeCom's browser does: straight to the sandbox's authorize page, where the member is picked."""
    page.goto(web + path)
    page.wait_for_url(re.compile(r".*/connect/oauth2/authorize.*"))
    page.locator(f'a.member[data-userid="{userid}"]').click()
    page.wait_for_url(web + path)


@pytest.fixture
def wecom_phone(browser):
    """A phone page whose user agent says it is WeCom's built-in browser."""
    context = _context(browser, WECOM_UA)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot of page under test-artifacts/screenshots/NAME.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # a sticky header would land mid-page otherwise
        page.screenshot(path=str(path), full_page=True)
        return path
    return take
