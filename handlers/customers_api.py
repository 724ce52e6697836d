"""Customer birthdays from the brand's member system (POST /api/v1/customers/birthdays), HMAC-signed like the
orders."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, jsonify

from bot.services.birthdays import receive_records, summary_of
from handlers.api_input import batch_status, signed_batch

bp = Blueprint("customers_api", __name__, url_prefix="/api/v1")


@bp.post("/customers/birthdays")
def post_birthdays():
    settings = current_app.config["SETTINGS"]
    records, problem = signed_batch(secret=settings.ORDER_WEBHOOK_SECRET, key="customers",
                                    batch_max=settings.ORDER_BATCH_MAX)
    if problem:
        return problem
    now = datetime.now(timezone.utc)
    with current_app.extensions["runtime"].db.transaction() as session:
        outcomes = receive_records(session=session, raw_records=records, secret_key=settings.SECRET_KEY, now=now,
                                   today=now.astimezone(ZoneInfo(settings.TIMEZONE)).date())
    summary = summary_of(outcomes)
    return jsonify(summary=summary, results=outcomes), batch_status(summary, len(records))


post_birthdays.public_by_signature = True  # the HMAC of the timestamp and body is the check
