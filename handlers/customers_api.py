"""Customer birthdays from the brand's member system (POST /api/v1/customers/birthdays), HMAC-signed like the
orders."""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify, request

from bot.rules.webhook import check_request
from bot.services.birthdays import receive_records, summary_of
from handlers.orders_api import MAX_BODY_BYTES, MESSAGES

bp = Blueprint("customers_api", __name__, url_prefix="/api/v1")


def _error(status: int, error: str, message: str):
    return jsonify(error=error, message=message), status


def _records_of(body: bytes, limit: int):
    """The list of customer records in the body, or an error response."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, _error(400, "invalid", "body is not JSON")
    records = payload.get("customers") if isinstance(payload, dict) else None
    if not isinstance(records, list) or not records:
        return None, _error(400, "invalid", "body must be {\"customers\": [...]} with at least one record")
    if len(records) > limit:
        return None, _error(413, "too_many", f"at most {limit} records per request")
    return records, None


@bp.post("/customers/birthdays")
def post_birthdays():
    settings = current_app.config["SETTINGS"]
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", "body too large")
    body = request.get_data(cache=False)
    reason = check_request(secret=settings.ORDER_WEBHOOK_SECRET, body=body, now=time.time(),
                           signature=request.headers.get("X-Signature"), timestamp=request.headers.get("X-Timestamp"),
                           max_skew=settings.ORDER_MAX_SKEW_SECONDS)
    if reason:
        return _error(503 if reason == "not_configured" else 401, reason, MESSAGES[reason])
    records, problem = _records_of(body, settings.ORDER_BATCH_MAX)
    if problem:
        return problem
    now = datetime.now(timezone.utc)
    with current_app.extensions["runtime"].db.transaction() as session:
        outcomes = receive_records(session=session, raw_records=records, secret_key=settings.SECRET_KEY, now=now,
                                   today=now.astimezone(ZoneInfo(settings.TIMEZONE)).date())
    summary = summary_of(outcomes)
    status = 422 if summary["rejected"] == len(records) else 207 if summary["rejected"] else 200
    return jsonify(summary=summary, results=outcomes), status


post_birthdays.public_by_signature = True  # the HMAC of the timestamp and body is the check
