"""Reading machine requests defensively: capped bodies (chunked ones too; the WeCom callback's as well), JSON
that cannot crash the parser, the webhooks' signature checked before their body is read, and API errors answered
as JSON."""
from __future__ import annotations

import json
import time
from typing import Any

from flask import Flask, current_app, jsonify, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from bot.rules.webhook import check_headers, check_signature

WEBHOOK_MAX_BYTES = 16 * 1024 * 1024     # a full batch of orders or events is far below this
JSON_MAX_BYTES = 64 * 1024               # the other JSON bodies (a channel) are a few fields
_READ = 64 * 1024
WEBHOOK_MESSAGES = {
    "not_configured": "intake is not configured (no webhook secret)",
    "bad_timestamp": "X-Timestamp missing or malformed (unix seconds, ASCII digits)",
    "stale_timestamp": "X-Timestamp is more than the allowed skew away from now",
    "bad_signature": "X-Signature missing or not sha256=<hex HMAC of the timestamp and body>",
}


def json_error(status: int, error: str, message: str):
    """An API error answer: {"error": ..., "message": ...} with the status."""
    return jsonify(error=error, message=message), status


def answer_api_errors_as_json(app: Flask) -> None:
    """HTTP errors (404, 405, 413 ...) of /api/ paths, unknown routes and methods too, as JSON like the API's
    other answers; every other path keeps its own error pages."""
    def handle(exc: HTTPException):
        if not request.path.startswith("/api/"):
            return exc
        name = (exc.name or "error").lower().replace(" ", "_")
        return json_error(exc.code or 500, name, exc.description or exc.name)
    app.register_error_handler(HTTPException, handle)


def read_body(limit: int) -> bytes:
    """The raw body, reading at most limit + 1 bytes: RequestEntityTooLarge (413) past `limit`.

    Content-Length is not trusted to be there: a chunked body is counted as it is read.
    """
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(f"the body is larger than {limit} bytes")
    body = bytearray()
    while len(body) <= limit:
        chunk = request.stream.read(min(_READ, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        raise RequestEntityTooLarge(f"the body is larger than {limit} bytes")
    return bytes(body)


def parse_json(body: bytes) -> tuple[Any, tuple | None]:
    """(the JSON value, None) or (None, a 400 answer): never an exception, however deep the nesting."""
    try:
        return json.loads(body), None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, json_error(400, "invalid", "body is not JSON")


def json_object(limit: int = JSON_MAX_BYTES) -> tuple[dict | None, tuple | None]:
    """The body as a JSON object, or a 400 answer (not JSON, or not an object)."""
    payload, problem = parse_json(read_body(limit))
    if problem is None and not isinstance(payload, dict):
        problem = json_error(400, "invalid", "body must be a JSON object")
    return (payload, None) if problem is None else (None, problem)


def signed_batch(*, secret: str, key: str, batch_max: int) -> tuple[list | None, tuple | None]:
    """The list under `key` of an HMAC-signed webhook body, or the answer refusing the request.

    The headers are checked first, so an unsigned or stale request is refused without reading its body.
    """
    settings = current_app.config["SETTINGS"]
    signature, timestamp = request.headers.get("X-Signature"), request.headers.get("X-Timestamp")
    reason = check_headers(secret=secret, signature=signature, timestamp=timestamp, now=time.time(),
                           max_skew=settings.ORDER_MAX_SKEW_SECONDS)
    body = b"" if reason else read_body(WEBHOOK_MAX_BYTES)
    reason = reason or check_signature(secret=secret, body=body, signature=signature, timestamp=timestamp)
    if reason:
        return None, json_error(503 if reason == "not_configured" else 401, reason, WEBHOOK_MESSAGES[reason])
    payload, problem = parse_json(body)
    if problem:
        return None, problem
    items = payload.get(key) if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items:
        return None, json_error(400, "invalid", f'body must be {{"{key}": [...]}} with at least one entry')
    if len(items) > batch_max:
        return None, json_error(413, "too_many", f"at most {batch_max} {key} per request")
    return items, None


def batch_status(summary: dict[str, int], total: int) -> int:
    """422 when every entry was rejected, 207 when some were, else 201 when one was created (a batch that
    creates nothing, such as birthdays, never says created), else 200."""
    if summary["rejected"] == total:
        return 422
    if summary["rejected"]:
        return 207
    return 201 if summary.get("created") else 200
