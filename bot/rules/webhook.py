"""Authentication of the order and event webhooks: HMAC-SHA256 of `<timestamp>.<raw body>`, the timestamp fresh.

The timestamp is signed with the body, so a captured request cannot be replayed later under a new timestamp
(within the allowed skew a replay is harmless: intake is idempotent). The headers are checked before the
body is read (`check_headers`), so an unsigned or stale request is refused without buffering its body.
"""
from __future__ import annotations

import hashlib
import hmac
import re

from bot.rules.form_input import parse_int

SIGNATURE_PREFIX = "sha256="
MAX_TIMESTAMP = 10**12 - 1      # unix seconds in at most 12 ASCII digits (int() refuses 4,301 of them)
_SIGNATURE = re.compile(r"sha256=[0-9a-f]{64}")


def sign_request(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Signature header value for a body sent with this X-Timestamp."""
    signed = timestamp.strip().encode() + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers a POS or mall sends with a JSON body at unix time `timestamp`."""
    stamp = str(timestamp)
    return {"Content-Type": "application/json", "X-Signature": sign_request(secret, stamp, body), "X-Timestamp": stamp}


def check_headers(*, secret: str, signature: str | None, timestamp: str | None, now: float,
                  max_skew: int) -> str | None:
    """Return None when the headers could sign a fresh request, else the reason they cannot (body unread)."""
    if not secret:
        return "not_configured"
    stamp = parse_int(timestamp, low=0, high=MAX_TIMESTAMP)   # ASCII digits: str.isdigit accepts '²' and '١٢٣'
    if stamp is None:
        return "bad_timestamp"
    if abs(now - stamp) > max_skew:
        return "stale_timestamp"
    if not _SIGNATURE.fullmatch((signature or "").strip().lower()):
        return "bad_signature"
    return None


def check_signature(*, secret: str, body: bytes, signature: str, timestamp: str) -> str | None:
    """Return None when the signature matches the timestamp and body, else 'bad_signature'."""
    expected = sign_request(secret, timestamp, body)
    if not hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
        return "bad_signature"
    return None

