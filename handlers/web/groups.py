"""客户群 guard pages: a store's customer groups, joins and leaves, outsider alerts; HQ's rules and keywords.

Managers see their own store, HQ any store; an alert of another store answers 404.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.rules.group_guard import (
    ALERT_REASON_LABELS, ALERT_STATUS_LABELS, MAX_RULES_CHARS, NOTICE_STATUS_LABELS, parse_lines,
)
from bot.services import group_guard, group_views, store_views
from handlers.auth_helpers import get_or_404
from handlers.web.access import current_principal, install_error_pages, require_store, role_required
from models import utcnow
from models.group_guard import ALERT_STATUSES, BRAND_SCOPE

bp = Blueprint("groups", __name__, template_folder="templates")
install_error_pages(bp)
LABELS = {"reason_labels": ALERT_REASON_LABELS, "alert_labels": ALERT_STATUS_LABELS,
          "notice_labels": NOTICE_STATUS_LABELS}
WEEK = timedelta(days=7)
MAX_TEXT_FIELD = 10_000


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/manager/stores/<int:store_id>/groups/")
@role_required("manager", "hq")
def store(store_id: int):
    require_store(store_id)
    since = utcnow() - WEEK
    with _runtime().db.transaction() as session:
        shop = get_or_404(store_views.store_by_id(session=session, store_id=store_id))
        return render_template(
            "groups/store.html", store=shop, since=since,
            groups=group_views.store_groups(session=session, store_id=store_id, since=since),
            log=group_views.join_log(session=session, store_id=store_id, since=since),
            alerts=group_views.store_alerts(session=session, store_id=store_id),
            policy=group_guard.effective_policy(session=session, store_id=store_id),
            own=group_guard.policy_row(session=session, store_id=store_id),
            is_hq=current_principal().role == "hq", **LABELS)


@bp.post("/manager/stores/<int:store_id>/groups/alerts/<int:alert_id>")
@role_required("manager", "hq")
def alert(store_id: int, alert_id: int):
    require_store(store_id)
    status = request.form.get("status", "")
    with _runtime().db.transaction() as session:
        row = get_or_404(group_views.alert_in_store(session=session, store_id=store_id, alert_id=alert_id))
        if status not in ALERT_STATUSES:
            flash("请选择：已处理、忽略或重新打开。", "error")
        else:
            group_guard.set_alert_status(session=session, alert=row, status=status, by=current_principal().name,
                                         at=utcnow())
            flash(f"已标记为{ALERT_STATUS_LABELS[status]}。", "message")
    return redirect(url_for("groups.store", store_id=store_id) + "#alerts")


@bp.post("/manager/stores/<int:store_id>/groups/settings")
@role_required("manager", "hq")
def store_settings(store_id: int):
    """Managers turn 一客一群 on or off; HQ also sets the store's own rules text (empty: the brand's)."""
    require_store(store_id)
    values = {"one_customer_group": request.form.get("one_customer_group") == "1"}
    if current_principal().role == "hq" and "rules_text" in request.form:
        text = _text("rules_text", MAX_RULES_CHARS)
        if text is None:
            return redirect(url_for("groups.store", store_id=store_id) + "#settings")
        values["rules_text"] = text or None
    with _runtime().db.transaction() as session:
        get_or_404(store_views.store_by_id(session=session, store_id=store_id))
        group_guard.save_policy(session=session, store_id=store_id, by=current_principal().name, **values)
    flash("门店客户群设置已保存。", "message")
    return redirect(url_for("groups.store", store_id=store_id) + "#settings")


def _text(field: str, limit: int) -> str | None:
    """The form's text field, stripped; None (with a message) when it is too long.

    A NUL never reaches here: refuse_nul answers 400 before any page's view runs."""
    text = (request.form.get(field) or "").strip()
    if len(text) > limit:
        flash(f"内容不能超过 {limit} 个字。", "error")
        return None
    return text


@bp.get("/hq/groups")
@role_required("hq")
def brand():
    with _runtime().db.transaction() as session:
        row = group_guard.policy_row(session=session, store_id=None)
        return render_template("groups/brand.html", policy=row, scope=BRAND_SCOPE,
                               stores=store_views.stores_overview(session=session))


@bp.post("/hq/groups")
@role_required("hq")
def save_brand():
    rules = _text("rules_text", MAX_RULES_CHARS)
    keywords = _text("keywords", MAX_TEXT_FIELD)
    own = _text("own_corp_names", MAX_TEXT_FIELD)
    if rules is None or keywords is None or own is None:
        return redirect(url_for("groups.brand"))
    with _runtime().db.transaction() as session:
        group_guard.save_policy(session=session, store_id=None, by=current_principal().name,
                                rules_text=rules or None, keywords="\n".join(parse_lines(keywords)),
                                own_corp_names="\n".join(parse_lines(own)))
    flash("群规和防骚扰设置已保存。", "message")
    return redirect(url_for("groups.brand"))
