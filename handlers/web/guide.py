"""The guide's pages (WeCom's built-in browser on a phone): 我的客户 and a customer's timeline."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.rules.birthday_input import parse_typed_birthday
from bot.services.group_guard import one_customer_group_for
from bot.services.guide_views import STATUS_FILTERS, customer_detail, customer_page, set_birthday
from handlers.auth_helpers import get_or_404
from handlers.web.access import install_error_pages, require_guide_id, role_required, store_today
from handlers.web.paging import page_number

bp = Blueprint("guide", __name__, url_prefix="/guide", template_folder="templates")
install_error_pages(bp)


@bp.get("/")
@role_required("guide", "manager")
def customers():
    query = request.args.get("q", "").strip()[:50]
    status = request.args.get("status", "active")
    status = status if status in STATUS_FILTERS else "active"
    with current_app.extensions["runtime"].db.transaction() as session:
        listing = customer_page(session=session, guide_id=require_guide_id(), query=query, status=status,
                                page=page_number())
    return render_template("guide/customers.html", listing=listing, query=query, status=status)


def _customer_detail_page(external_userid: str, status: int = 200, **extra):
    with current_app.extensions["runtime"].db.transaction() as session:
        detail = get_or_404(customer_detail(session=session, external_userid=external_userid,
                                            guide_id=require_guide_id()))
        service_group_on = one_customer_group_for(session=session, guide_id=require_guide_id())
    return render_template("guide/customer.html", detail=detail, back_url="guide.customers", back_args={},
                           service_group_on=service_group_on, **extra), status


@bp.get("/customers/<external_userid>")
@role_required("guide", "manager")
def customer(external_userid: str):
    return _customer_detail_page(external_userid)


@bp.post("/customers/<external_userid>/birthday")
@role_required("guide", "manager")
def birthday(external_userid: str):
    """The guide records the customer's birthday (the birthday ritual's to-dos follow from the next run)."""
    typed = request.form.get("birthday", "")
    with current_app.extensions["runtime"].db.transaction() as session:
        try:
            value = parse_typed_birthday(typed, store_today(session))
        except ValueError as exc:
            error = str(exc)
        else:
            error = None
            get_or_404(set_birthday(session=session, external_userid=external_userid, guide_id=require_guide_id(),
                                    birthday=value))
    if error:
        return _customer_detail_page(external_userid, 422, birthday_error=error, birthday_input=typed)
    flash("已保存生日。" if value else "已清除生日。")
    return redirect(url_for("guide.customer", external_userid=external_userid))
