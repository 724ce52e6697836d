"""The leaderboard API (bearer API_TOKEN): a store's guides, or every store, ranked on a metric."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, jsonify, request

from bot.rules.form_input import parse_day
from bot.rules.input_values import RANGE_TEXT, is_storable_text
from bot.rules.leaderboard import DEFAULT_METRIC, DEFAULT_PERIOD, METRICS, PERIODS
from bot.services.leaderboard import guide_board, store_board, store_by_code
from handlers.api_input import json_error
from handlers.auth_helpers import api_token_required, get_or_404

bp = Blueprint("performance_api", __name__, url_prefix="/api/v1")


def _invalid(message: str):
    return json_error(422, "invalid", message)


@bp.get("/leaderboard")
@api_token_required
def get_leaderboard():
    period = request.args.get("period") or DEFAULT_PERIOD
    metric = request.args.get("metric") or DEFAULT_METRIC
    if period not in PERIODS:
        return _invalid("period must be one of " + ", ".join(PERIODS))
    if metric not in METRICS:
        return _invalid("metric must be one of " + ", ".join(METRICS))
    given_day = request.args.get("date")
    day = parse_day(given_day) if given_day else None
    if given_day and day is None:
        return _invalid(f"date must be YYYY-MM-DD, {RANGE_TEXT}")
    code = request.args.get("store")
    if code and not is_storable_text(code):
        abort(404)
    default_tz = current_app.config["SETTINGS"].TIMEZONE

    def read(connection):
        store = get_or_404(store_by_code(session=connection, code=code)) if code else None
        tz = (store.timezone if store else None) or default_tz
        on = day or datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).date()
        return guide_board(session=connection, store=store, period=period, day=on, metric=metric) if store \
            else store_board(session=connection, period=period, day=on, metric=metric)

    board = current_app.extensions["runtime"].db.autocommit(read)   # read only: no BEGIN / COMMIT
    return jsonify(board.as_json())
