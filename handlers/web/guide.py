"""The guide's pages (WeCom's built-in browser on a phone): 我的客户 and a customer's timeline."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from bot.services.guide_views import STATUS_FILTERS, customer_detail, customer_rows
from handlers.auth_helpers import get_or_404
from handlers.web.access import install_error_pages, require_guide_id, role_required

bp = Blueprint("guide", __name__, url_prefix="/guide", template_folder="templates")
install_error_pages(bp)


@bp.get("/")
@role_required("guide", "manager")
def customers():
    query = request.args.get("q", "").strip()[:50]
    status = request.args.get("status", "active")
    status = status if status in STATUS_FILTERS else "active"
    with current_app.extensions["runtime"].db.transaction() as session:
        rows = customer_rows(session=session, guide_id=require_guide_id(), query=query, status=status)
    return render_template("guide/customers.html", rows=rows, query=query, status=status)


@bp.get("/customers/<external_userid>")
@role_required("guide", "manager")
def customer(external_userid: str):
    with current_app.extensions["runtime"].db.transaction() as session:
        detail = get_or_404(customer_detail(session=session, external_userid=external_userid,
                                            guide_id=require_guide_id()))
    return render_template("guide/customer.html", detail=detail, back_url="guide.customers", back_args={})
