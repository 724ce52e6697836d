"""CallbackDriver: envelope, signature, retries, URL verification."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from defusedxml import ElementTree
from wechatpy.work.crypto import WeChatCrypto

from bot.sandbox import CallbackDriver

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "wwsandbox0000000001"

PLAIN = ("<xml><ToUserName><![CDATA[wwsandbox0000000001]]></ToUserName><FromUserName><![CDATA[sys]]>"
         "</FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[event]]></MsgType>"
         "<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[del_follow_user]]>"
         "</ChangeType><UserID><![CDATA[张三]]></UserID><ExternalUserID><![CDATA[wmX]]></ExternalUserID></xml>")


class Recorder:
    """WSGI app answering a scripted list of (status, delay, body) and recording requests."""

    def __init__(self, script: list[tuple[int, float, bytes]], default: tuple[int, float, bytes]) -> None:
        self.script, self.default = list(script), default
        self.requests: list[dict[str, Any]] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        self.requests.append({"method": environ["REQUEST_METHOD"], "query": environ.get("QUERY_STRING", ""),
                              "body": body})
        status, delay, reply = self.script.pop(0) if self.script else self.default
        if delay:
            time.sleep(delay)
        start_response(f"{status} X", [("Content-Type", "text/plain"), ("Content-Length", str(len(reply)))])
        return [reply]


def make_driver(url: str, **kwargs: Any) -> CallbackDriver:
    return CallbackDriver(url, token=TOKEN, encoding_aes_key=AES_KEY, corp_id=CORP_ID, agent_id=1000002,
                          **kwargs)


def decrypt(req: dict[str, Any]) -> str:
    q = {k: v[0] for k, v in parse_qs(req["query"]).items()}
    return str(WeChatCrypto(TOKEN, AES_KEY, CORP_ID).decrypt_message(
        req["body"].decode(), q["msg_signature"], q["timestamp"], q["nonce"]))


def test_envelope_decrypts_to_plaintext(wsgi: Any) -> None:
    app = Recorder([], (200, 0.0, b""))
    with wsgi(app) as url:
        delivery = make_driver(url).deliver(PLAIN)
    assert delivery.ok and delivery.acked_empty and len(delivery.attempts) == 1
    req = app.requests[0]
    assert decrypt(req) == PLAIN
    root = ElementTree.fromstring(req["body"])
    assert [c.tag for c in root] == ["ToUserName", "Encrypt", "AgentID"]
    assert root.findtext("ToUserName") == CORP_ID and root.findtext("AgentID") == "1000002"


def test_retries_on_500_with_fresh_ciphertext(wsgi: Any) -> None:
    app = Recorder([(500, 0.0, b"boom"), (500, 0.0, b"boom")], (200, 0.0, b""))
    with wsgi(app) as url:
        delivery = make_driver(url, retry_pause=0.01).deliver(PLAIN)
    assert [a.status for a in delivery.attempts] == [500, 500, 200]
    assert len(app.requests) == 3
    assert all(decrypt(r) == PLAIN for r in app.requests)
    assert len({r["body"] for r in app.requests}) == 3  # re-encrypted per attempt


def test_gives_up_after_three_retries(wsgi: Any) -> None:
    app = Recorder([], (503, 0.0, b""))
    with wsgi(app) as url:
        delivery = make_driver(url, retry_pause=0.0).deliver(PLAIN)
    assert len(app.requests) == 4 and not delivery.ok and delivery.status == 503


def test_retries_after_timeout(wsgi: Any) -> None:
    app = Recorder([(200, 0.6, b"")], (200, 0.0, b""))
    with wsgi(app) as url:
        delivery = make_driver(url, timeout=0.2, retry_pause=0.0).deliver(PLAIN)
    assert delivery.attempts[0].status is None and delivery.attempts[0].error
    assert delivery.ok and len(delivery.attempts) == 2


def test_passive_reply_is_decrypted(wsgi: Any) -> None:
    reply_plain = "<xml><MsgType><![CDATA[update_button]]></MsgType></xml>"
    reply = WeChatCrypto(TOKEN, AES_KEY, CORP_ID).encrypt_message(reply_plain, "123", "1700000000")
    app = Recorder([], (200, 0.0, reply.encode()))
    with wsgi(app) as url:
        delivery = make_driver(url).deliver(PLAIN)
    assert delivery.reply_plaintext == reply_plain and not delivery.acked_empty


def test_verify_url_percent_encodes_echostr(wsgi: Any) -> None:
    crypto = WeChatCrypto(TOKEN, AES_KEY, CORP_ID)
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        q = {k: v[0] for k, v in parse_qs(environ["QUERY_STRING"]).items()}
        seen.append(environ["QUERY_STRING"])
        body = crypto.check_signature(q["msg_signature"], q["timestamp"], q["nonce"], q["echostr"]).encode()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [body]

    with wsgi(app) as url:
        driver = make_driver(url)
        bodies = [driver.verify_url(f"{n}1288432023552776189") for n in range(8)]
    assert bodies == [f"{n}1288432023552776189" for n in range(8)]
    assert all("+" not in q.split("echostr=")[1] for q in seen)


def test_post_raw_with_forged_signature(wsgi: Any) -> None:
    app = Recorder([], (403, 0.0, b""))
    with wsgi(app) as url:
        driver = make_driver(url)
        body, params = driver.build(PLAIN)
        params["msg_signature"] = driver.sign_raw("forged", params["timestamp"], params["nonce"])
        assert driver.post_raw(body, params).status_code == 403
