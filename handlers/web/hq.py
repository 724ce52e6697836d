"""HQ pages: every store and guide; sync the org from WeCom or import it from a CSV."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from bot.flows.org_sync import sync_org
from bot.rules.org import CSV_COLUMNS, read_org_csv
from bot.services import store_views
from bot.services.org_sync import import_rows
from bot.wecom.errors import WeComError
from handlers.auth_helpers import get_or_404
from handlers.web.access import install_error_pages, role_required
from models import utcnow

bp = Blueprint("hq", __name__, url_prefix="/hq", template_folder="templates")
install_error_pages(bp)

MAX_CSV_BYTES = 2 * 1024 * 1024


def _runtime():
    return current_app.extensions["runtime"]


@bp.get("/")
@role_required("hq")
def home():
    with _runtime().db.transaction() as session:
        stores = store_views.stores_overview(session=session)
        members = store_views.all_guides(session=session)
        return render_template("hq/home.html", stores=stores, members=members)


@bp.get("/stores/<int:store_id>")
@role_required("hq")
def store(store_id: int):
    with _runtime().db.transaction() as session:
        shop = get_or_404(store_views.store_by_id(session=session, store_id=store_id))
        members = store_views.all_guides(session=session, store_id=store_id)
        return render_template("hq/store.html", store=shop, members=members)


@bp.post("/org/sync")
@role_required("hq")
def org_sync():
    runtime = _runtime()
    try:
        with runtime.db.transaction() as session:
            changes = sync_org(session=session, client=runtime.wecom_agent)
    except WeComError as exc:
        current_app.logger.warning("org sync failed: %s", exc)
        flash(f"同步失败：企业微信返回错误 {exc.errcode}，请稍后重试。", "error")
        return redirect(url_for("hq.home"))
    flash(f"已从企业微信同步：新增门店 {changes.stores_created}，更新门店 {changes.stores_updated}，"
          f"新增成员 {changes.guides_created}，更新成员 {changes.guides_updated}，停用 {changes.deactivated}。")
    if changes.absent:
        flash("通讯录中已找不到这些成员（未自动停用）：" + "、".join(changes.absent[:20]), "error")
    return redirect(url_for("hq.home"))


@bp.get("/org/import")
@role_required("hq")
def org_import_form():
    return render_template("hq/import.html", columns=CSV_COLUMNS, result=None)


@bp.post("/org/import")
@role_required("hq")
def org_import():
    upload = request.files.get("file")
    data = upload.read(MAX_CSV_BYTES + 1) if upload else b""
    if not data or len(data) > MAX_CSV_BYTES:
        flash("请选择一个不超过 2 MB 的 CSV 文件。", "error")
        return render_template("hq/import.html", columns=CSV_COLUMNS, result=None), 400
    rows, errors = read_org_csv(data)
    with _runtime().db.transaction() as session:
        changes = import_rows(session=session, rows=rows, now=utcnow())
    changes.errors = sorted(errors + changes.errors, key=lambda e: e.line)
    imported = len(rows) - (len(changes.errors) - len(errors))
    return render_template("hq/import.html", columns=CSV_COLUMNS, result=changes, imported=imported)
