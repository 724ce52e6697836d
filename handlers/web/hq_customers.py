"""HQ imports the member system's birthdays (/hq/customers/birthdays): a CSV or XLSX file, a per-row report."""
from __future__ import annotations

import tempfile
from datetime import datetime, timezone
from pathlib import Path

from flask import Blueprint, current_app, render_template, request

from bot.flows.birthday_import import FIELDS, import_file
from bot.rules.birthday_input import reason_in_chinese
from handlers.web.access import install_error_pages, role_required

bp = Blueprint("hq_customers", __name__, url_prefix="/hq/customers", template_folder="templates")
install_error_pages(bp)

MAX_FILE_BYTES = 10 * 1024 * 1024


def _page(report=None, error: str | None = None, status: int = 200):
    return render_template("hq/birthdays.html", columns=FIELDS, report=report, error=error,
                           reason=reason_in_chinese), status


@bp.get("/birthdays")
@role_required("hq")
def birthdays_form():
    return _page()


@bp.post("/birthdays")
@role_required("hq")
def birthdays_import():
    upload = request.files.get("file")
    suffix = Path(upload.filename or "").suffix.lower() if upload else ""
    data = upload.read(MAX_FILE_BYTES + 1) if upload else b""
    if suffix not in (".csv", ".xlsx") or not data or len(data) > MAX_FILE_BYTES:
        return _page(error="请选择一个不超过 10 MB 的 .csv 或 .xlsx 文件。", status=400)
    runtime = current_app.extensions["runtime"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"birthdays{suffix}"
        path.write_bytes(data)
        try:
            report = import_file(db=runtime.db, path=path, timezone=runtime.settings.TIMEZONE,
                                 secret_key=runtime.settings.SECRET_KEY, now=datetime.now(timezone.utc))
        except ValueError:   # not a file of rows it can read (bot.services.order_files.read_rows)
            return _page(error="文件无法读取：请上传 UTF-8 编码的 CSV 或 Excel 的 .xlsx 文件。", status=422)
    return _page(report)
