"""一客一群 on the guide's phone: make a 「加入群聊」 code of a group the guide created for one customer.

Open to the customer's guide (any scope outside answers 404) when the store has 一客一群 turned on.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from bot.flows.service_groups import start_service_group
from bot.rules.form_input import MAX_ID, parse_int
from bot.services import group_guard, service_groups
from bot.services.guide_views import customer_detail
from handlers.auth_helpers import get_or_404
from handlers.web.access import install_error_pages, require_guide_id, role_required
from models import Guide

bp = Blueprint("service_groups", __name__, url_prefix="/guide/customers/<external_userid>/service-group",
               template_folder="templates")
install_error_pages(bp)


def _runtime():
    return current_app.extensions["runtime"]


def _scope(session, external_userid: str):
    """The signed-in guide and the customer's detail; 404 outside the guide's customers or with 一客一群 off."""
    guide = get_or_404(session.get(Guide, require_guide_id()))
    detail = get_or_404(customer_detail(session=session, external_userid=external_userid, guide_id=guide.id))
    if not group_guard.one_customer_group_for(session=session, guide_id=guide.id):
        abort(404)
    return guide, detail


@bp.get("/")
@role_required("guide", "manager")
def page(external_userid: str):
    with _runtime().db.transaction() as session:
        guide, detail = _scope(session, external_userid)
        return render_template("groups/service_group.html", detail=detail,
                               groups=service_groups.pairable_groups(session=session, guide=guide),
                               services=service_groups.services_of(session=session, customer=detail["customer"]))


@bp.post("/")
@role_required("guide", "manager")
def create(external_userid: str):
    runtime = _runtime()
    with runtime.db.transaction() as session:
        guide, detail = _scope(session, external_userid)
        group_id = parse_int(request.form.get("group_id"), low=1, high=MAX_ID)
        group = service_groups.group_of_guide(session=session, guide=guide, group_id=group_id) if group_id else None
        if group is None:
            flash("请选择你在企业微信里建好的客户群。", "error")
        else:
            made = start_service_group(session=session, client=runtime.wecom, guide=guide,
                                       customer=detail["customer"], group=group)
            flash(made if isinstance(made, str) else "已生成入群二维码：发给顾客，顾客扫码入群后自动记录。",
                  "error" if isinstance(made, str) else "message")
    return redirect(url_for("service_groups.page", external_userid=external_userid))
