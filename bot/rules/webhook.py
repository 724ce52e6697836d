"""Authentication of the order webhook: HMAC-SHA256 of the raw body plus a fresh timestamp."""
from __future__ import annotations

import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="


def sign_body(secret: str, body: bytes) -> str:
    """The X-Signature header value for body."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
    expected = sign_body(secret, body)
    if not hmac.compare_digest(signature.strip().lower().encode(), expected.encode()):
        return "bad_signature"
    return None
