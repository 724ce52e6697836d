"""客户交接: a store's departed or moved members, their customers and groups, handed to a colleague.

Managers see their own store, HQ any store; a member outside the store's hand-over scope answers 404.
"""
from __future__ import annotations

from functools import partial

import redis
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.flows.handover import request_customers, request_groups
from bot.rules.form_input import MAX_ID, parse_int
from bot.rules.handover import KIND_LABELS, STATUS_LABELS, reason_label, transfer_kind
from bot.services import handover, store_views
from handlers.auth_helpers import get_or_404
from handlers.web.access import current_principal, install_error_pages, require_store, role_required
from models import utcnow
from tasks.handover import enqueue_send

bp = Blueprint("handover", __name__, url_prefix="/manager/stores/<int:store_id>/handover",
               template_folder="templates")
install_error_pages(bp)
LABELS = {"status_labels": STATUS_LABELS, "kind_labels": KIND_LABELS, "reason_label": reason_label}


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/")
@role_required("manager", "hq")
def index(store_id: int):
    require_store(store_id)
    with _runtime().db.transaction() as session:
        shop = get_or_404(store_views.store_by_id(session=session, store_id=store_id))
        members = handover.scope_guides(session=session, store_id=store_id)
        return render_template("handover/index.html", store=shop, members=members,
                               history=handover.history(session=session, store_id=store_id, limit=50), **LABELS)


@bp.get("/<int:guide_id>")
@role_required("manager", "hq")
def member(store_id: int, guide_id: int):
    require_store(store_id)
    with _runtime().db.transaction() as session:
        shop = get_or_404(store_views.store_by_id(session=session, store_id=store_id))
        src = get_or_404(handover.guide_in_scope(session=session, store_id=store_id, guide_id=guide_id))
        return render_template(
            "handover/member.html", store=shop, member=src, kind=transfer_kind(src.active),
            customers=handover.scope_customers(session=session, store_id=store_id, guide=src),
            groups=handover.owned_groups(session=session, guide=src),
            receivers=handover.receivers(session=session, store_id=store_id, excluding=src.id),
            history=handover.history(session=session, store_id=store_id, guide_id=src.id),
            group_history=handover.group_history(session=session, store_id=store_id, guide_id=src.id), **LABELS)


def _receiver(session, store_id: int, src_id: int):
    wanted = parse_int(request.form.get("to_guide_id"), low=1, high=MAX_ID)
    return next((g for g in handover.receivers(session=session, store_id=store_id, excluding=src_id)
                 if g.id == wanted), None)


def _chosen_ids() -> list[int] | None:
    if request.form.get("scope") == "all":
        return None
    ids = (parse_int(v, low=1, high=MAX_ID) for v in request.form.getlist("customer_id"))
    return [i for i in ids if i is not None]


def _start(store_id: int, guide_id: int, unit: str, no_receiver: str, start) -> None:
    """Find the member (404 outside the store's scope) and the chosen receiver, queue the transfers, enqueue
    their sending (a job: WeCom takes 100 a call) and say what was submitted."""
    runtime = _runtime()
    with runtime.db.transaction() as session:
        src = get_or_404(handover.guide_in_scope(session=session, store_id=store_id, guide_id=guide_id))
        dst = _receiver(session, store_id, src.id)
        if dst is None:
            flash(no_receiver, "error")
            return
        requested = start(session=session, store_id=store_id, src=src, dst=dst,
                          requested_by=current_principal().name, now=utcnow())
    if requested.queued:
        try:
            enqueue_send(runtime, src.id, dst.id)
        except redis.RedisError as exc:   # the rows stay queued: the hand-over poll enqueues them
            current_app.logger.warning("hand-over of %s to %s not enqueued: %s", src.id, dst.id, exc)
    flash(_summary(unit, requested), "message")


@bp.post("/<int:guide_id>")
@role_required("manager", "hq")
def hand_over(store_id: int, guide_id: int):
    require_store(store_id)
    chosen = _chosen_ids()
    if chosen == []:
        flash("请选择要交接的客户，或选择“全部客户”。", "error")
    else:
        _start(store_id, guide_id, "位客户", "请选择本店在职的接替导购。",
               partial(request_customers, customer_ids=chosen))
    return redirect(url_for("handover.member", store_id=store_id, guide_id=guide_id))


@bp.post("/<int:guide_id>/groups")
@role_required("manager", "hq")
def hand_over_chats(store_id: int, guide_id: int):
    require_store(store_id)
    _start(store_id, guide_id, "个客户群", "请选择本店在职的新群主。", request_groups)
    return redirect(url_for("handover.member", store_id=store_id, guide_id=guide_id) + "#groups")


def _summary(unit: str, requested) -> str:
    sending = "，正在发起…" if requested.queued else "。"
    busy = f"（{requested.skipped} {unit}已在交接中）" if requested.skipped else ""
    return f"已提交 {requested.queued} {unit}的交接{sending}{busy}"
