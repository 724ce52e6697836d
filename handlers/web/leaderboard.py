"""Leaderboards: a store's guides (managers: their own store; HQ: any) with trends and XLSX, HQ's store ranking."""
from __future__ import annotations

from datetime import date
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for

from bot.rules.leaderboard import METRICS, PERIODS, normalize_metric, normalize_period, shift, trend_range
from bot.services.leaderboard import board_xlsx, display, guide_board, store_board, trends
from handlers.auth_helpers import get_or_404
from handlers.web.access import current_principal, install_error_pages, require_store, role_required, today_at
from handlers.web.charts import trend_svg
from handlers.web.params import date_arg, int_arg
from models import Store

bp = Blueprint("leaderboard", __name__, template_folder="templates")
install_error_pages(bp)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _db():
    return current_app.extensions["runtime"].db


def _day(store: Store | None) -> date:
    """?date= (400 when it is not a day of 2000-2099, whose periods and neighbours all exist), else today."""
    return date_arg("date", today_at(store))


def _store_id() -> int:
    """The manager's own store; HQ names one with ?store= (404 outside the principal's scope)."""
    principal = current_principal()
    if principal.role == "manager":
        if principal.store_id is None:
            abort(404)
        return principal.store_id
    store = int_arg("store", low=1, label="门店")
    if store is None:
        abort(404)
    return require_store(store)


def _params(store: Store | None) -> tuple[str, date, str]:
    return normalize_period(request.args.get("period")), _day(store), normalize_metric(request.args.get("metric"))


@bp.get("/manager/leaderboard")
@role_required("manager", "hq")
def guides():
    if current_principal().role == "hq" and not request.args.get("store"):
        return redirect(url_for("leaderboard.stores", **request.args))
    store_id = _store_id()
    with _db().transaction() as session:
        store = get_or_404(session.get(Store, store_id))
        period, day, metric = _params(store)
        board = guide_board(session=session, store=store, period=period, day=day, metric=metric)
        start, end = trend_range(period, day)
        series = trends(session=session, store_id=store.id, guide_ids=[r["guide_id"] for r in board.rows],
                        start=start, end=end, metric=metric, today=today_at(store))   # the line stops there
        charts = {gid: trend_svg(points, METRICS[metric].label) for gid, points in series.items()}
        return render_template("leaderboard/guides.html", board=board, store=store, charts=charts,
                               metrics=METRICS, periods=PERIODS, display=display, day=day,
                               previous=shift(period, day, -1), following=shift(period, day, 1),
                               scope={"store": store.id} if current_principal().role == "hq" else {})


@bp.get("/manager/leaderboard.xlsx")
@role_required("manager", "hq")
def guides_xlsx():
    store_id = _store_id()
    with _db().transaction() as session:
        store = get_or_404(session.get(Store, store_id))
        period, day, metric = _params(store)
        board = guide_board(session=session, store=store, period=period, day=day, metric=metric)
        name = store.name
    data = board_xlsx(board, f"{name} 导购排行")
    filename = f"导购排行-{name}-{board.start.isoformat()}-{period}.xlsx"
    return Response(data, mimetype=XLSX, headers={
        "Content-Disposition": f"attachment; filename=leaderboard.xlsx; filename*=UTF-8''{quote(filename)}"})


@bp.get("/hq/leaderboard")
@role_required("hq")
def stores():
    period, day, metric = _params(None)
    with _db().transaction() as session:
        board = store_board(session=session, period=period, day=day, metric=metric)
        return render_template("leaderboard/stores.html", board=board, metrics=METRICS, periods=PERIODS,
                               display=display, day=day, previous=shift(period, day, -1),
                               following=shift(period, day, 1))
