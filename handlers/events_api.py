"""Commerce events from the mall (POST /api/v1/events), HMAC-signed exactly like the order webhook."""
from __future__ import annotations

import json
import time

from flask import Blueprint, current_app, jsonify, request

from bot.flows.credit import bump_after_commit
from bot.rules.webhook import check_request
from bot.services.attribution import Rule
from bot.services.events import ingest_events
from bot.services.tracking import guide_zones
from handlers.orders_api import MAX_BODY_BYTES, MESSAGES

bp = Blueprint("events_api", __name__, url_prefix="/api/v1")

LIVE_FIELD = {"coupon_claim": "coupon_claims", "add_to_cart": "add_to_carts", "page_view": "page_views"}


def _error(status: int, error: str, message: str):
    return jsonify(error=error, message=message), status


def _events_of(body: bytes, limit: int):
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, _error(400, "invalid", "body is not JSON")
    events = payload.get("events") if isinstance(payload, dict) else None
    if not isinstance(events, list) or not events:
        return None, _error(400, "invalid", "body must be {\"events\": [...]} with at least one event")
    if len(events) > limit:
        return None, _error(413, "too_many", f"at most {limit} events per request")
    return events, None


@bp.post("/events")
def post_events():
    settings = current_app.config["SETTINGS"]
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", "body too large")
    body = request.get_data(cache=False)
    reason = check_request(secret=settings.EVENTS_WEBHOOK_SECRET or settings.ORDER_WEBHOOK_SECRET, body=body,
                           signature=request.headers.get("X-Signature"), timestamp=request.headers.get("X-Timestamp"),
                           now=time.time(), max_skew=settings.ORDER_MAX_SKEW_SECONDS)
    if reason:
        return _error(503 if reason == "not_configured" else 401, reason, MESSAGES[reason])
    events, problem = _events_of(body, settings.EVENTS_BATCH_MAX)
    if problem:
        return problem
    with current_app.extensions["runtime"].db.transaction() as session:
        batch = ingest_events(session=session, raw_events=events, secret_key=settings.SECRET_KEY,
                              rule=Rule.from_settings(settings), default_tz=settings.TIMEZONE,
                              zones=guide_zones(session=session, default_tz=settings.TIMEZONE))
        bump_after_commit(session, [(r["guide_id"], r["occurred_on"], LIVE_FIELD[r["kind"]], 1)
                                    for r in batch.stored if r["guide_id"]])
    summary = batch.summary()
    status = 422 if summary["rejected"] == len(events) else 207 if summary["rejected"] else \
        201 if summary["created"] else 200
    return jsonify(summary=summary, results=[o.as_dict() for o in batch.outcomes]), status


post_events.public_by_signature = True  # the HMAC of the timestamp and body is the check
