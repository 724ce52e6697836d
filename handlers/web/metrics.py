"""经营指标: repurchase rates and cycles, value quadrants and the friend deletion rate, with server-drawn charts.

Managers see their own store (/manager/metrics); HQ every store, one store or a region (/hq/metrics).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from bot.rules.metrics import QUADRANTS
from bot.rules.periods import METRIC_PERIODS, metric_period
from bot.services.metrics import thresholds_from
from bot.services.metrics_pages import MetricsPage, Scope, metrics_page, resolve_scope, scope_choices
from handlers.auth_helpers import get_or_404
from handlers.web.access import current_principal, install_error_pages, role_required
from handlers.web.charts import bars_svg, share_svg
from models import Store

bp = Blueprint("metrics", __name__, template_folder="templates")
install_error_pages(bp)


def _percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def charts(page: MetricsPage) -> dict:
    """The page's inline SVG charts: the two repeat rates, the quadrants, the deletion rate per guide."""
    r = page.repurchase
    rates = [(name, r[key]["rate"] or 0, _percent(r[key]["rate"]))
             for name, key in (("按人", "repeat_rate_customers"), ("按单", "repeat_rate_orders"))]
    counts = r["quadrant"]["counts"]
    guides = [(g.name, g.counts.rate.rate or 0, _percent(g.counts.rate.rate)) for g in page.by_guide]
    return {"rates": bars_svg(rates, "复购率", top=1),
            "quadrants": bars_svg([(q, counts[q], f"{counts[q]} 人") for q in QUADRANTS], "顾客象限"),
            "quadrant_share": share_svg([(q, counts[q]) for q in QUADRANTS], "顾客象限占比"),
            "deletions": bars_svg(guides, "各导购删粉率") if guides else None}


def _render(session, scope: Scope, tz: str, endpoint: str, choices=None):
    today = datetime.now(timezone.utc).astimezone(ZoneInfo(tz)).date()
    args = request.args
    settings = current_app.config["SETTINGS"]
    view = {"scope": scope, "endpoint": endpoint, "periods": METRIC_PERIODS, "choices": choices,
            "quadrants": QUADRANTS, "args": args, "window": settings.QUADRANT_WINDOW_DAYS, "percent": _percent}
    try:
        kind, start, end = metric_period(args.get("period"), args.get("from"), args.get("to"), today)
    except ValueError as exc:
        return render_template("metrics/report.html", page=None, error=str(exc), kind="custom", **view), 400
    page = metrics_page(session=session, scope=scope, start=start, end=end, tz=tz,
                        thresholds=thresholds_from(settings))
    return render_template("metrics/report.html", page=page, error=None, kind=kind, charts=charts(page), **view)


@bp.get("/manager/metrics")
@role_required("manager", "hq")
def store():
    principal = current_principal()
    if principal.role == "hq":
        return redirect(url_for("metrics.brand", **request.args))
    if principal.store_id is None:
        abort(404)
    with current_app.extensions["runtime"].db.transaction() as session:
        shop = get_or_404(session.get(Store, principal.store_id))
        return _render(session, Scope(shop.name, [shop.id], f"store:{shop.id}"), shop.timezone, "metrics.store")


@bp.get("/hq/metrics")
@role_required("hq")
def brand():
    with current_app.extensions["runtime"].db.transaction() as session:
        scope = get_or_404(resolve_scope(session=session, key=request.args.get("scope")))
        single = session.get(Store, scope.store_ids[0]) if scope.store_ids and len(scope.store_ids) == 1 else None
        tz = single.timezone if single else current_app.config["SETTINGS"].TIMEZONE
        return _render(session, scope, tz, "metrics.brand", scope_choices(session=session))
