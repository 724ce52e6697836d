"""JS-SDK configuration for the chat sidebar (protocol §4.15): tickets cached in Redis, signatures.

wx.config needs the corp's jsapi_ticket (get_jsapi_ticket), wx.agentConfig the app's ticket
(ticket/get?type=agent_config). Both live 7200 s and WeCom allows only 400 fetches an hour per corp
and 100 per app, so every process shares one cached ticket per kind. The signature is wechatpy's:
sha1 of "jsapi_ticket=..&noncestr=..&timestamp=..&url=.." with the URL's #fragment dropped.
"""
from __future__ import annotations

import secrets
import string
import time

import redis

TICKET_KEYS = {"corp": "wecom-jsapi-ticket:corp", "agent_config": "wecom-jsapi-ticket:agent"}
TICKET_PATHS = {"corp": ("get_jsapi_ticket", {}), "agent_config": ("ticket/get", {"type": "agent_config"})}
EARLY_REFRESH_SECONDS = 120    # stop handing out a ticket two minutes before WeCom's 7200 s run out
_NONCE = string.ascii_letters + string.digits


def ticket(*, client, connection: redis.Redis, kind: str) -> str:
    """A valid ticket of `kind` ("corp" or "agent_config"), fetched from WeCom only when none is cached."""
    key = f"{TICKET_KEYS[kind]}:{client.corp_id}:{getattr(client, 'agent_id', None) or 0}"
    cached = connection.get(key)
    if cached:
        return cached.decode()
    with connection.lock(f"{key}:lock", timeout=30, blocking_timeout=10):
        cached = connection.get(key)
        if cached:
            return cached.decode()
        path, params = TICKET_PATHS[kind]
        answer = client.get(path, params=params)
        ttl = max(60, int(answer.get("expires_in") or 7200) - EARLY_REFRESH_SECONDS)
        connection.set(key, answer["ticket"], ex=ttl)
        return str(answer["ticket"])


def signature(*, client, jsapi_ticket: str, noncestr: str, timestamp: int, url: str) -> str:
    """The JS-SDK signature of a page URL (its #fragment removed)."""
    return client.jsapi.get_jsapi_signature(noncestr, jsapi_ticket, timestamp, url.split("#", 1)[0])


def sidebar_config(*, client, connection: redis.Redis, corp_id: str, agent_id: int, url: str,
                   now: float | None = None) -> dict:
    """What the sidebar page needs for wx.config and wx.agentConfig on `url`."""
    timestamp = int(now if now is not None else time.time())
    nonce = "".join(secrets.choice(_NONCE) for _ in range(16))
    corp_ticket = ticket(client=client, connection=connection, kind="corp")
    agent_ticket = ticket(client=client, connection=connection, kind="agent_config")
    return {
        "corpid": corp_id, "agentid": agent_id, "timestamp": timestamp, "nonceStr": nonce,
        "signature": signature(client=client, jsapi_ticket=corp_ticket, noncestr=nonce, timestamp=timestamp, url=url),
        "agentSignature": signature(client=client, jsapi_ticket=agent_ticket, noncestr=nonce, timestamp=timestamp,
                                    url=url),
        "jsApiList": ["sendChatMessage", "getCurExternalContact", "getContext", "shareToExternalContact"],
    }
