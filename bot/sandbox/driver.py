"""WeCom's side of the callback: encrypt, sign, POST, retry (protocol doc §1-2).

Crypto is wechatpy's (``WeChatCrypto.encrypt_message``); no AES here.
"""

from __future__ import annotations

import secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from defusedxml import ElementTree
from wechatpy.crypto import _get_signature
from wechatpy.work.crypto import WeChatCrypto

@dataclass
class Attempt:
    """One HTTP try of a delivery."""

    number: int
    timestamp: str
    nonce: str
    msg_signature: str
    encrypt: str
    status: int | None  # None: timeout / connection failure
    elapsed: float
    body: bytes = b""
    error: str | None = None


@dataclass
class Delivery:
    """The record of delivering one plaintext: every attempt, the last one decides."""

    plaintext: str
    attempts: list[Attempt] = field(default_factory=list)
    reply_plaintext: str | None = None  # decrypted passive reply, when the app sent one
    reply_error: str | None = None  # the passive reply could not be verified/decrypted

    @property
    def ok(self) -> bool:
        return bool(self.attempts) and self.attempts[-1].status == 200

    @property
    def status(self) -> int | None:
        return self.attempts[-1].status if self.attempts else None

    @property
    def body(self) -> bytes:
        return self.attempts[-1].body if self.attempts else b""

    @property
    def acked_empty(self) -> bool:
        """200 with an empty body (or the SDK-style literal ``success``)."""
        return self.ok and self.body.strip() in (b"", b"success")


class CallbackDriver:
    """Plays WeCom's servers calling the app's callback URL."""

    def __init__(self, url: str, *, token: str, encoding_aes_key: str, corp_id: str, agent_id: int | None,
                 timeout: float = 5.0, retries: int = 3, session: requests.Session | None = None,
                 retry_pause: float = 0.2, clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.token = token
        self.corp_id = corp_id
        self.agent_id = agent_id
        self.timeout = timeout
        self.retries = retries
        self.retry_pause = retry_pause  # real spacing is undocumented [GAP]
        self.session = session or requests.Session()
        self.clock = clock
        self.crypto = WeChatCrypto(token, encoding_aes_key, corp_id)
        self.deliveries: list[Delivery] = []

    # ----- crypto helpers ------------------------------------------------------------------
    def encrypt(self, plaintext: str, timestamp: str, nonce: str) -> tuple[str, str]:
        """(Encrypt, MsgSignature) for ``plaintext``; a fresh random prefix every call."""
        out = self.crypto.encrypt_message(plaintext, nonce, timestamp)
        root = ElementTree.fromstring(out)
        return root.findtext("Encrypt") or "", root.findtext("MsgSignature") or ""

    def sign_raw(self, body_encrypt: str, timestamp: str, nonce: str) -> str:
        """msg_signature over arbitrary Encrypt text (to craft forged/malformed deliveries)."""
        return str(_get_signature(self.token, timestamp, nonce, body_encrypt))

    def envelope(self, encrypt: str) -> bytes:
        """The POST body WeCom sends: ToUserName + Encrypt + AgentID."""
        agent = "" if self.agent_id is None else f"<AgentID><![CDATA[{self.agent_id}]]></AgentID>"
        return (f"<xml><ToUserName><![CDATA[{self.corp_id}]]></ToUserName>"
                f"<Encrypt><![CDATA[{encrypt}]]></Encrypt>{agent}</xml>").encode("utf-8")

    def build(self, plaintext: str) -> tuple[bytes, dict[str, str]]:
        """A ready-to-post (body, query params) pair without sending it (for replay tests)."""
        timestamp, nonce = self._timestamp(), _nonce()
        encrypt, signature = self.encrypt(plaintext, timestamp, nonce)
        return self.envelope(encrypt), {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}

    # ----- delivery ------------------------------------------------------------------------
    def deliver(self, plaintext_xml: str) -> Delivery:
        """POST like WeCom: retry on timeout/connection failure/non-200, ``retries`` times at most."""
        delivery = Delivery(plaintext_xml)
        for number in range(1, self.retries + 2):
            attempt = self._attempt(number, plaintext_xml)
            delivery.attempts.append(attempt)
            if attempt.status == 200:
                break
            if number <= self.retries and self.retry_pause > 0:
                time.sleep(self.retry_pause)
        if delivery.ok:
            try:
                delivery.reply_plaintext = self.decrypt_reply(delivery.body)
            except Exception as exc:  # noqa: BLE001 - any bad reply is recorded, not raised
                delivery.reply_error = f"{type(exc).__name__}: {exc}"
        self.deliveries.append(delivery)
        return delivery

    def post_raw(self, body: bytes, params: dict[str, str]) -> requests.Response:
        """One POST of an arbitrary body/query (no retries)."""
        return self.session.post(self.url, params=params, data=body, timeout=self.timeout,
                                 headers={"Content-Type": "text/xml"})

    def verify_url(self, echo_plain: str | None = None, timeout: float = 1.0) -> str:
        """GET URL verification with a random (or given) echostr; returns the app's body.

        WeCom wants the answer within 1 s, hence the default timeout.
        """
        echo_plain = echo_plain or "".join(secrets.choice(string.digits) for _ in range(19))
        timestamp, nonce = self._timestamp(), _nonce()
        echostr, signature = self.encrypt(echo_plain, timestamp, nonce)
        params = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce, "echostr": echostr}
        resp = self.session.get(self.url, params=params, timeout=timeout)
        return resp.text

    def decrypt_reply(self, body: bytes) -> str | None:
        """Decrypt a passive reply (``<xml><Encrypt>..<MsgSignature>..``); None for plain acks."""
        if b"<Encrypt>" not in body:
            return None
        root = ElementTree.fromstring(body)
        signature = root.findtext("MsgSignature") or ""
        timestamp, nonce = root.findtext("TimeStamp") or "", root.findtext("Nonce") or ""
        return str(self.crypto.decrypt_message(body.decode("utf-8"), signature, timestamp, nonce))

    # ----- internals -----------------------------------------------------------------------
    def _attempt(self, number: int, plaintext: str) -> Attempt:
        timestamp, nonce = self._timestamp(), _nonce()
        encrypt, signature = self.encrypt(plaintext, timestamp, nonce)
        params = {"msg_signature": signature, "timestamp": timestamp, "nonce": nonce}
        attempt = Attempt(number, timestamp, nonce, signature, encrypt, None, 0.0)
        started = time.monotonic()
        try:
            resp = self.post_raw(self.envelope(encrypt), params)
            attempt.status, attempt.body = resp.status_code, resp.content
        except requests.RequestException as exc:
            attempt.error = f"{type(exc).__name__}: {exc}"
        attempt.elapsed = time.monotonic() - started
        return attempt

    def _timestamp(self) -> str:
        return str(int(self.clock()))


def _nonce() -> str:
    return "".join(secrets.choice(string.digits) for _ in range(10))
