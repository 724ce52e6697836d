"""HQ's 关怀效果 page: per cadence rule, repurchase of the customers cared for vs the held-out ones."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import Blueprint, current_app, render_template

from bot.services.effect import effect_report
from handlers.web.access import install_error_pages, role_required
from handlers.web.charts import interval_svg
from handlers.web.params import date_arg

bp = Blueprint("effect", __name__, template_folder="templates")
install_error_pages(bp)

DEFAULT_DAYS = 90


@bp.get("/hq/effect")
@role_required("hq")
def report():
    settings = current_app.config["SETTINGS"]
    today = datetime.now(timezone.utc).astimezone(settings.tz).date()
    end = date_arg("to", today)
    start = min(date_arg("from", end - timedelta(days=DEFAULT_DAYS - 1)), end)
    with current_app.extensions["runtime"].db.transaction() as session:
        rows = effect_report(session=session, start=start, end=end, window_days=settings.EFFECT_WINDOW_DAYS,
                             today=today)
    scale = max([abs(v) for r in rows if r.difference for v in (r.difference.low, r.difference.high)] or [0.1])
    bars = {r.rule_id: interval_svg(r.difference.difference, r.difference.low, r.difference.high, scale)
            for r in rows if r.difference}
    return render_template("effect/report.html", rows=rows, bars=bars, start=start, end=end,
                           window=settings.EFFECT_WINDOW_DAYS, percent=settings.HOLDOUT_PERCENT)
