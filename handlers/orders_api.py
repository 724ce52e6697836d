"""Order intake from the POS / mall (HMAC-signed) and the repurchase metrics (bearer API token)."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, jsonify, request

from bot.flows.orders import receive_orders
from bot.services.metrics import UnknownStore, repurchase_metrics, thresholds_from
from bot.rules.form_input import parse_day
from bot.rules.input_values import RANGE_TEXT, is_storable_text
from handlers.api_input import batch_status, json_error, signed_batch
from handlers.auth_helpers import api_token_required

bp = Blueprint("orders_api", __name__, url_prefix="/api/v1")


@bp.post("/orders")
def post_orders():
    settings = current_app.config["SETTINGS"]
    orders, problem = signed_batch(secret=settings.ORDER_WEBHOOK_SECRET, key="orders",
                                   batch_max=settings.ORDER_BATCH_MAX)
    if problem:
        return problem
    runtime = current_app.extensions["runtime"]
    with runtime.db.transaction() as session:
        result = receive_orders(session=session, raw_orders=orders, secret_key=settings.SECRET_KEY)
    summary = result.summary()
    return jsonify(summary=summary, results=[o.as_dict() for o in result.outcomes]), batch_status(summary, len(orders))


def _day(name: str) -> date | None:
    return parse_day(request.args.get(name, ""))


@bp.get("/metrics/repurchase")
@api_token_required
def get_repurchase_metrics():
    start, end, store = _day("from"), _day("to"), request.args.get("store") or None
    if store is not None and not is_storable_text(store):
        return json_error(404, "not_found", "unknown store")
    if start is None or end is None or start > end:
        return json_error(422, "invalid", f"from and to are required dates (YYYY-MM-DD, {RANGE_TEXT}), from <= to")
    settings = current_app.config["SETTINGS"]
    runtime = current_app.extensions["runtime"]
    try:
        with runtime.db.transaction() as session:
            return jsonify(repurchase_metrics(session=session, store_code=store,
                                              start=start, end=end, thresholds=thresholds_from(settings)))
    except UnknownStore:
        return json_error(404, "not_found", "unknown store")


post_orders.public_by_signature = True  # the HMAC of the timestamp and body is the check
