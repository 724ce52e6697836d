"""HQ's care cadences (/hq/cadences): the rules as data, their copy and materials, and product usage cycles."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from bot.rules.benefits import parse_yuan
from bot.rules.cadence import CARD_GROUPS, KIND_LABELS, TRIGGER_LABELS
from bot.rules.content_selection import OCCASION_LABELS, TIER_LABELS
from bot.rules.metrics import QUADRANTS
from bot.rules.form_input import MAX_INT, parse_int
from bot.services import todos_cadences as cadences
from content_library.forms import KIND_LABELS as MATERIAL_KIND_LABELS
from content_library.templates import PLACEHOLDERS
from handlers.auth_helpers import get_or_404
from handlers.web.access import install_error_pages, role_required
from models import CadenceRule

bp = Blueprint("hq_cadences", __name__, url_prefix="/hq/cadences", template_folder="templates")
install_error_pages(bp)

LABELS = {"kinds": KIND_LABELS, "triggers": TRIGGER_LABELS, "tiers": TIER_LABELS, "occasions": OCCASION_LABELS,
          "material_kinds": MATERIAL_KIND_LABELS, "placeholders": PLACEHOLDERS, "groups": CARD_GROUPS,
          "quadrants": QUADRANTS}


def _runtime():
    return current_app.extensions["runtime"]


def _int(form: MultiDict, name: str, errors: dict, field: str) -> int:
    value = parse_int(form.get(name), low=-MAX_INT, high=MAX_INT)
    if value is None:
        errors[field] = "请填写整数"
        return 0
    return value


def edit_from_form(form: MultiDict) -> tuple[cadences.CadenceEdit, dict[str, str]]:
    """HQ's form as an edit, plus the errors of fields that are not even numbers."""
    errors: dict[str, str] = {}
    offsets: list[int] = []
    for part in form.get("offsets", "").replace("，", ",").split(","):
        if part.strip():
            offset = parse_int(part, high=MAX_INT)
            if offset is not None:
                offsets.append(offset)
            else:
                errors["window"] = "回访节点请写成以逗号分隔的天数，如 3, 21, 30, 150"
    amount, amount_problem = parse_yuan(form.get("coupon_amount", ""))
    if amount_problem:
        errors["coupon"] = amount_problem
    edit = cadences.CadenceEdit(
        name=form.get("name", ""), window_start_days=_int(form, "window_start", errors, "window"),
        window_end_days=_int(form, "window_end", errors, "window"),
        priority=_int(form, "priority", errors, "priority"), tiers=form.getlist("tiers"), offsets=offsets,
        templates=[t.replace("\r\n", "\n") for t in form.getlist("templates")],
        material_spec={"occasion": form.get("occasion") or None, "kinds": form.getlist("material_kinds"),
                       "limit": _int(form, "limit", errors, "material_spec")},
        coupon=form.get("coupon", ""), enabled=form.get("enabled") == "1", quadrants=form.getlist("quadrants"),
        coupon_amount=amount, coupon_code=form.get("coupon_code", ""))
    return edit, errors


@bp.get("/")
@role_required("hq")
def index():
    with _runtime().db.transaction() as session:
        rules = cadences.list_rules(session=session)
        cycles = cadences.list_cycles(session=session)
        return render_template("todos/cadences.html", rules=rules, cycles=cycles, labels=LABELS)


@bp.post("/seed")
@role_required("hq")
def seed():
    with _runtime().db.transaction() as session:
        added = cadences.seed_defaults(session=session)
    flash(f"已补充 {added} 条默认规则。" if added else "默认规则都已存在。")
    return redirect(url_for("hq_cadences.index"))


@bp.post("/new")
@role_required("hq")
def new():
    try:
        with _runtime().db.transaction() as session:
            form = request.form
            rule_id = cadences.create_rule(session=session, name=form.get("name", ""), kind=form.get("kind", ""),
                                           trigger=form.get("trigger", "")).id
    except cadences.CadenceInvalid as exc:
        flash("；".join(exc.errors.values()), "error")
        return redirect(url_for("hq_cadences.index"))
    flash("已新建规则（未启用）：填写时间窗口、文案后启用。")
    return redirect(url_for("hq_cadences.edit", rule_id=rule_id))


def _editor(rule: CadenceRule, form: MultiDict | None, errors: dict[str, str], status: int = 200):
    return render_template("todos/cadence_edit.html", rule=rule, form=form, errors=errors, labels=LABELS), status


@bp.route("/<int:rule_id>", methods=["GET", "POST"])
@role_required("hq")
def edit(rule_id: int):
    with _runtime().db.transaction() as session:
        rule = get_or_404(session.get(CadenceRule, rule_id))
        if request.method == "GET":
            return _editor(rule, None, {})
        change, errors = edit_from_form(request.form)
        try:
            if errors:
                raise cadences.CadenceInvalid(errors)
            cadences.save_rule(session=session, rule_id=rule_id, edit=change)
        except cadences.CadenceInvalid as exc:
            session.rollback()
            return _editor(session.get(CadenceRule, rule_id), request.form, exc.errors, 422)
    flash("已保存：从下一次生成待办起按新规则执行。")
    return redirect(url_for("hq_cadences.edit", rule_id=rule_id))


@bp.post("/cycles")
@role_required("hq")
def save_cycle():
    days = parse_int(request.form.get("cycle_days")) or 0   # 0: refused by save_cycle with its message
    try:
        with _runtime().db.transaction() as session:
            cadences.save_cycle(session=session, sku=request.form.get("sku", ""),
                                cycle_days=days, name=request.form.get("name", ""))
        flash("已保存使用周期。")
    except ValueError as exc:
        flash(str(exc), "error")
    return redirect(url_for("hq_cadences.index") + "#cycles")


@bp.post("/cycles/<sku>/delete")
@role_required("hq")
def delete_cycle(sku: str):
    with _runtime().db.transaction() as session:
        get_or_404(cadences.delete_cycle(session=session, sku=sku) or None)
    flash(f"已不再跟踪 {sku} 的补货。")
    return redirect(url_for("hq_cadences.index") + "#cycles")
