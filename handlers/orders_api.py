"""Order intake from the POS / mall (HMAC-signed) and the repurchase metrics (bearer API token)."""
from __future__ import annotations

import json
import time
from datetime import date

from flask import Blueprint, current_app, jsonify, request

from bot.flows.orders import receive_orders
from bot.services.metrics import UnknownStore, repurchase_metrics, thresholds_from
from bot.rules.webhook import check_request
from handlers.auth_helpers import api_token_required

bp = Blueprint("orders_api", __name__, url_prefix="/api/v1")

MAX_BODY_BYTES = 16 * 1024 * 1024
MESSAGES = {"not_configured": "order intake is not configured", "bad_timestamp": "X-Timestamp missing or malformed",
            "stale_timestamp": "X-Timestamp is more than the allowed skew away from now",
            "bad_signature": "X-Signature does not match the timestamp and body"}


def _error(status: int, error: str, message: str):
    return jsonify(error=error, message=message), status


def _orders_of(body: bytes, limit: int):
    """The list of orders in the body, or an error response."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None, _error(400, "invalid", "body is not JSON")
    orders = payload.get("orders") if isinstance(payload, dict) else None
    if not isinstance(orders, list) or not orders:
        return None, _error(400, "invalid", "body must be {\"orders\": [...]} with at least one order")
    if len(orders) > limit:
        return None, _error(413, "too_many", f"at most {limit} orders per request")
    return orders, None


@bp.post("/orders")
def post_orders():
    settings = current_app.config["SETTINGS"]
    if (request.content_length or 0) > MAX_BODY_BYTES:
        return _error(413, "too_large", "body too large")
    body = request.get_data(cache=False)
    reason = check_request(secret=settings.ORDER_WEBHOOK_SECRET, body=body, now=time.time(),
                           signature=request.headers.get("X-Signature"), timestamp=request.headers.get("X-Timestamp"),
                           max_skew=settings.ORDER_MAX_SKEW_SECONDS)
    if reason:
        return _error(503 if reason == "not_configured" else 401, reason, MESSAGES[reason])
    orders, problem = _orders_of(body, settings.ORDER_BATCH_MAX)
    if problem:
        return problem
    runtime = current_app.extensions["runtime"]
    with runtime.db.transaction() as session:
        result = receive_orders(session=session, raw_orders=orders, secret_key=settings.SECRET_KEY)
    summary = result.summary()
    if summary["rejected"] == len(orders):
        status = 422
    elif summary["rejected"]:
        status = 207
    else:
        status = 201 if summary["created"] else 200
    return jsonify(summary=summary, results=[o.as_dict() for o in result.outcomes]), status


def _day(name: str) -> date | None:
    value = request.args.get(name, "")
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@bp.get("/metrics/repurchase")
@api_token_required
def get_repurchase_metrics():
    start, end = _day("from"), _day("to")
    if start is None or end is None or start > end:
        return _error(422, "invalid", "from and to are required dates (YYYY-MM-DD), from <= to")
    settings = current_app.config["SETTINGS"]
    runtime = current_app.extensions["runtime"]
    try:
        with runtime.db.transaction() as session:
            return jsonify(repurchase_metrics(session=session, store_code=request.args.get("store") or None,
                                              start=start, end=end, thresholds=thresholds_from(settings)))
    except UnknownStore:
        return _error(404, "not_found", "unknown store")


post_orders.public_by_signature = True  # the HMAC of the timestamp and body is the check
