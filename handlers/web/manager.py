"""The store pages: a manager's own store (HQ may open any store): guides, friends, channel codes."""
from __future__ import annotations

import io

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for

from bot.flows.channels import ChannelError, create_channel
from bot.rules.periods import PERIOD_LABELS, normalize_period, period_bounds
from bot.services import store_views
from bot.services.guide_views import STATUS_FILTERS, customer_detail, customer_page
from bot.wecom.errors import WeComError
from handlers.auth_helpers import get_or_404
from handlers.web.access import current_principal, install_error_pages, require_store, role_required
from handlers.web.paging import page_number
from models import utcnow

bp = Blueprint("manager", __name__, url_prefix="/manager", template_folder="templates")
install_error_pages(bp)


def _db():
    return current_app.extensions["runtime"].db


@bp.get("/")
@role_required("manager", "hq")
def home():
    principal = current_principal()
    if principal.role == "hq":
        return redirect(url_for("hq.home"))
    if principal.store_id is None:
        abort(404)
    return redirect(url_for("manager.store", store_id=principal.store_id))


@bp.get("/stores/<int:store_id>")
@role_required("manager", "hq")
def store(store_id: int):
    require_store(store_id)
    period = normalize_period(request.args.get("period"))
    with _db().transaction() as session:
        shop = get_or_404(store_views.store_by_id(session=session, store_id=store_id))
        start, _end = period_bounds(period, utcnow(), shop.timezone)
        stats = store_views.guide_stats(session=session, store_id=store_id, start=start)
        channels = store_views.store_channels(session=session, store_id=store_id)
        guides = store_views.store_guides(session=session, store_id=store_id)
        return render_template("manager/store.html", store=shop, stats=stats, channels=channels, guides=guides,
                               period=period, periods=PERIOD_LABELS,
                               totals={k: sum(getattr(s, k) for s in stats) for k in ("added", "lost", "friends")})


@bp.get("/stores/<int:store_id>/guides/<int:guide_id>")
@role_required("manager", "hq")
def guide(store_id: int, guide_id: int):
    require_store(store_id)
    query = request.args.get("q", "").strip()[:50]
    status = request.args.get("status", "active")
    status = status if status in STATUS_FILTERS else "active"
    with _db().transaction() as session:
        member = get_or_404(store_views.guide_in_store(session=session, store_id=store_id, guide_id=guide_id))
        listing = customer_page(session=session, guide_id=member.id, query=query, status=status, page=page_number())
        return render_template("manager/guide.html", store_id=store_id, member=member, listing=listing, query=query,
                               status=status)


@bp.get("/stores/<int:store_id>/customers/<external_userid>")
@role_required("manager", "hq")
def customer(store_id: int, external_userid: str):
    require_store(store_id)
    with _db().transaction() as session:
        detail = get_or_404(customer_detail(session=session, external_userid=external_userid, store_id=store_id))
        return render_template("guide/customer.html", detail=detail, back_url="manager.store",
                               back_args={"store_id": store_id})


@bp.post("/stores/<int:store_id>/channels")
@role_required("manager", "hq")
def new_channel(store_id: int):
    require_store(store_id)
    campaign = request.form.get("campaign", "").strip()[:64] or None
    runtime = current_app.extensions["runtime"]
    try:
        with runtime.db.transaction() as session:
            member = get_or_404(store_views.guide_by_userid_in_store(
                session=session, store_id=store_id, userid=request.form.get("guide_userid", "")))
            create_channel(session=session, client=runtime.wecom, guide_userid=member.userid, campaign=campaign)
        flash(f"已为{member.name}创建渠道活码。")
    except (ChannelError, WeComError) as exc:
        current_app.logger.warning("channel creation failed: %s", exc)
        flash("创建渠道活码失败，请稍后重试。", "error")
    return redirect(url_for("manager.store", store_id=store_id) + "#channels")


@bp.get("/stores/<int:store_id>/channels/<int:channel_id>/qr.png")
@role_required("manager", "hq")
def channel_qr(store_id: int, channel_id: int):
    require_store(store_id)
    with _db().transaction() as session:
        channel = get_or_404(store_views.channel_in_store(session=session, store_id=store_id, channel_id=channel_id))
        content, state = channel.qr_code, channel.state
    if not content:
        abort(404)
    png = io.BytesIO()
    segno.make(content, error="m").save(png, kind="png", scale=8, border=4)
    png.seek(0)
    download = request.args.get("download") == "1"
    return send_file(png, mimetype="image/png", as_attachment=download, download_name=f"活码-{state}.png",
                     max_age=0)
