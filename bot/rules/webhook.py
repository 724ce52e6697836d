"""Authentication of the order and event webhooks: HMAC-SHA256 of `<timestamp>.<raw body>`, the timestamp fresh.

The timestamp is signed with the body, so a captured request cannot be replayed later under a new timestamp
(within the allowed skew a replay is harmless: intake is idempotent)."""
from __future__ import annotations

import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="


def sign_request(secret: str, timestamp: str, body: bytes) -> str:
    """The X-Signature header value for a body sent with this X-Timestamp."""
    signed = timestamp.strip().encode() + b"." + body
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int) -> dict[str, str]:
    """The headers a POS or mall sends with a JSON body at unix time `timestamp`."""
    stamp = str(timestamp)
    return {"Content-Type": "application/json", "X-Signature": sign_request(secret, stamp, body), "X-Timestamp": stamp}


def check_request(*, secret: str, body: bytes, signature: str | None, timestamp: str | None, now: float,
                  max_skew: int) -> str | None:
    """Return None when the request is authentic and fresh, else the reason it is not."""
    if not secret:
        return "not_configured"
    if not timestamp or not timestamp.strip().isdigit():
        return "bad_timestamp"
    if abs(now - int(timestamp.strip())) > max_skew:
        return "stale_timestamp"
    if not signature:
        return "bad_signature"
    expected = sign_request(secret, timestamp, body)
    if not hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
        return "bad_signature"
    return None
