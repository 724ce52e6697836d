"""Fixtures for the WeCom sandbox tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from werkzeug.serving import make_server

from bot.sandbox import ManualClock, SandboxCorp, SandboxServer

CORP_ID = "wwsandbox0000000001"
APP_SECRET = "app-secret-0001"
CONTACT_SECRET = "contact-secret-0001"
AGENT_ID = 1000002


class ApiClient:
    """Minimal HTTP client for the sandbox (fetches a token per secret)."""

    def __init__(self, base_url: str, secret: str = APP_SECRET) -> None:
        self.base_url = base_url
        self.secret = secret
        self.http = requests.Session()
        self.token = ""

    def gettoken(self) -> dict[str, Any]:
        data = self.http.get(self.base_url + "gettoken",
                             params={"corpid": CORP_ID, "corpsecret": self.secret}).json()
        self.token = data.get("access_token", "")
        return data

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        self._ensure_token()
        return self.http.get(self.base_url + path, params={"access_token": self.token, **params}).json()

    def post(self, path: str, body: Any = None, **kwargs: Any) -> dict[str, Any]:
        self._ensure_token()
        params = {"access_token": self.token, **kwargs.pop("params", {})}
        if body is not None:
            kwargs["json"] = body
        return self.http.post(self.base_url + path, params=params, **kwargs).json()

    def _ensure_token(self) -> None:
        if not self.token:
            self.gettoken()

    def close(self) -> None:
        self.http.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(1_700_000_000.0)


@pytest.fixture
def corp(clock: ManualClock) -> SandboxCorp:
    c = SandboxCorp(CORP_ID, {APP_SECRET: AGENT_ID, CONTACT_SECRET: None}, clock=clock)
    c.add_department(2, "门店")
    c.add_member("zhangsan", "张三", department=[2], mobile="13800000001")
    c.add_member("lisi", "李四", department=[2])
    return c


@pytest.fixture
def server(corp: SandboxCorp) -> Iterator[SandboxServer]:
    with SandboxServer(corp) as srv:
        yield srv


@pytest.fixture
def api(server: SandboxServer) -> Iterator[ApiClient]:
    client = ApiClient(server.base_url)
    yield client
    client.close()


@pytest.fixture
def contact_api(server: SandboxServer) -> Iterator[ApiClient]:
    client = ApiClient(server.base_url, CONTACT_SECRET)
    yield client
    client.close()


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], list[bytes]]


@contextmanager
def running(app: WsgiApp) -> Iterator[str]:
    """Serve a WSGI app on an ephemeral local port; yields its URL."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_port}/callback"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=5)


@pytest.fixture
def wsgi() -> Callable[[WsgiApp], Any]:
    return running
