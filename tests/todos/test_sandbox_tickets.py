"""The sandbox's JS-SDK tickets (protocol doc §4.15): kinds, reuse while valid, the hourly fetch limits."""
from __future__ import annotations

import requests

from tests.conftest import AGENT_SECRET, CONTACT_SECRET, CORP_ID


def _token(base: str, secret: str) -> str:
    return requests.get(base + "gettoken", params={"corpid": CORP_ID, "corpsecret": secret}).json()["access_token"]


def test_tickets_are_reused_while_valid_and_renewed_after(sandbox, sandbox_server, clock):
    base = sandbox_server.base_url
    token = _token(base, AGENT_SECRET)
    corp = requests.get(base + "get_jsapi_ticket", params={"access_token": token}).json()
    agent = requests.get(base + "ticket/get", params={"access_token": token, "type": "agent_config"}).json()
    assert corp["errcode"] == 0 and agent["errcode"] == 0 and corp["ticket"] != agent["ticket"]
    assert corp["expires_in"] == 7200
    again = requests.get(base + "get_jsapi_ticket", params={"access_token": token}).json()
    assert again["ticket"] == corp["ticket"]
    clock.advance(7200)
    token = _token(base, AGENT_SECRET)
    assert requests.get(base + "get_jsapi_ticket", params={"access_token": token}).json()["ticket"] != corp["ticket"]


def test_agent_tickets_need_the_type_and_an_app(sandbox, sandbox_server):
    base = sandbox_server.base_url
    token = _token(base, AGENT_SECRET)
    assert requests.get(base + "ticket/get", params={"access_token": token}).json()["errcode"] == 40058
    contact = _token(base, CONTACT_SECRET)
    answer = requests.get(base + "ticket/get", params={"access_token": contact, "type": "agent_config"}).json()
    assert answer["errcode"] == 48002


def test_an_app_may_fetch_a_hundred_tickets_an_hour(sandbox, sandbox_server, clock):
    base = sandbox_server.base_url
    token = _token(base, AGENT_SECRET)
    codes = [requests.get(base + "get_jsapi_ticket", params={"access_token": token}).json()["errcode"]
             for _ in range(101)]
    assert codes[:100] == [0] * 100 and codes[100] == 45009
    clock.advance(3601)
    token = _token(base, AGENT_SECRET)
    assert requests.get(base + "get_jsapi_ticket", params={"access_token": token}).json()["errcode"] == 0
