"""Commerce events from the mall (POST /api/v1/events), HMAC-signed exactly like the order webhook."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from bot.flows.credit import bump_after_commit
from bot.services.attribution import Rule
from bot.services.events import ingest_events
from bot.services.tracking import guide_zones
from handlers.api_input import batch_status, signed_batch

bp = Blueprint("events_api", __name__, url_prefix="/api/v1")

LIVE_FIELD = {"coupon_claim": "coupon_claims", "add_to_cart": "add_to_carts", "page_view": "page_views"}


@bp.post("/events")
def post_events():
    settings = current_app.config["SETTINGS"]
    events, problem = signed_batch(secret=settings.EVENTS_WEBHOOK_SECRET or settings.ORDER_WEBHOOK_SECRET,
                                   key="events", batch_max=settings.EVENTS_BATCH_MAX)
    if problem:
        return problem
    with current_app.extensions["runtime"].db.transaction() as session:
        batch = ingest_events(session=session, raw_events=events, secret_key=settings.SECRET_KEY,
                              rule=Rule.from_settings(settings), default_tz=settings.TIMEZONE,
                              zones=guide_zones(session=session, default_tz=settings.TIMEZONE))
        bump_after_commit(session, [(r["guide_id"], r["occurred_on"], LIVE_FIELD[r["kind"]], 1)
                                    for r in batch.stored if r["guide_id"]])
    summary = batch.summary()
    return jsonify(summary=summary, results=[o.as_dict() for o in batch.outcomes]), batch_status(summary, len(events))


post_events.public_by_signature = True  # the HMAC of the timestamp and body is the check
