"""HQ content library pages (/hq/content): materials, image uploads, outfits, new-arrival imports."""
from __future__ import annotations

from pathlib import PurePath

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from bot.rules.metrics import QUADRANTS
from content_library.arrivals import FIELD_LABELS, ImportFileInvalid, import_arrivals
from content_library.catalogue import (
    editor_choices, form_of, get_material, list_materials, list_products, material_stats, save_material,
    set_enabled, store_names,
)
from content_library.files import MB, store_image
from content_library.forms import (
    DIMENSION_LABELS, FIXED_VALUES, KIND_LABELS, SCOPE_LABELS, MaterialForm, MaterialInvalid, form_from_fields,
)
from content_library.images import UploadRejected
from content_library.storage import storage_for
from content_library.templates import PLACEHOLDERS
from handlers.auth_helpers import get_or_404
from handlers.web.access import current_principal, install_error_pages, role_required

bp = Blueprint("hq_content", __name__, url_prefix="/hq/content", template_folder="templates")
install_error_pages(bp)

LABELS = {"kinds": KIND_LABELS, "scopes": SCOPE_LABELS, "dimensions": DIMENSION_LABELS, "fixed": FIXED_VALUES,
          "placeholders": PLACEHOLDERS, "arrival_fields": FIELD_LABELS, "quadrants": QUADRANTS}


def _runtime():
    return current_app.extensions["runtime"]


def _max_bytes() -> int:
    return current_app.config["SETTINGS"].MEDIA_MAX_UPLOAD_MB * MB


@bp.get("/")
@role_required("hq")
def index():
    kind = request.args.get("kind") if request.args.get("kind") in KIND_LABELS else None
    query = request.args.get("q", "").strip()[:50]
    with _runtime().db.transaction() as session:
        materials = list_materials(session=session, kind=kind, query=query)
        stats = material_stats(session=session, material_ids=[m.id for m in materials])
        stores = store_names(session=session)
        return render_template("content/index.html", materials=materials, stats=stats, kind=kind, query=query,
                               store_names=stores, labels=LABELS)


def _editor(form: MaterialForm, errors: dict[str, str], material_id: int | None = None, status: int = 200):
    with _runtime().db.transaction() as session:
        choices = editor_choices(session=session, file_ids=form.file_ids)
        stats = material_stats(session=session, material_ids=[material_id])[material_id] if material_id else None
        return render_template("content/edit.html", form=form, errors=errors, material_id=material_id,
                               choices=choices, stats=stats, labels=LABELS, max_mb=_max_bytes() // MB), status


def _save(form: MaterialForm, material_id: int | None):
    principal = current_principal()
    with _runtime().db.transaction() as session:
        material = get_or_404(get_material(session=session, material_id=material_id)) if material_id else None
        saved = save_material(session=session, form=form, material=material,
                              created_by_id=principal.guide_id if principal else None)
        return saved.id


@bp.route("/new", methods=["GET", "POST"])
@role_required("hq")
def new():
    kind = request.values.get("kind", "image")
    if kind not in KIND_LABELS:
        abort(404)
    if request.method == "GET":
        return _editor(MaterialForm(kind=kind, title=""), {})
    form, errors = form_from_fields(kind, request.form)
    try:
        if errors:
            raise MaterialInvalid(errors)
        material_id = _save(form, None)
    except MaterialInvalid as exc:
        return _editor(form, exc.errors, status=422)
    flash(f"已创建素材「{form.title.strip()}」。")
    return redirect(url_for("hq_content.edit", material_id=material_id))


@bp.route("/<int:material_id>", methods=["GET", "POST"])
@role_required("hq")
def edit(material_id: int):
    if request.method == "GET":
        with _runtime().db.transaction() as session:
            form = form_of(get_or_404(get_material(session=session, material_id=material_id)))
        return _editor(form, {}, material_id)
    form, errors = form_from_fields(request.form.get("kind", ""), request.form)
    try:
        if errors:
            raise MaterialInvalid(errors)
        _save(form, material_id)
    except MaterialInvalid as exc:
        return _editor(form, exc.errors, material_id, status=422)
    flash("已保存。")
    return redirect(url_for("hq_content.edit", material_id=material_id))


@bp.post("/<int:material_id>/enabled")
@role_required("hq")
def toggle(material_id: int):
    enabled = request.form.get("enabled") == "1"
    with _runtime().db.transaction() as session:
        get_or_404(set_enabled(session=session, material_id=material_id, enabled=enabled))
    flash("已启用。" if enabled else "已停用：导购将看不到这条素材。")
    back_to_edit = request.form.get("back") == "edit"
    return redirect(url_for("hq_content.edit", material_id=material_id) if back_to_edit
                    else url_for("hq_content.index"))


@bp.get("/upload")
@role_required("hq")
def upload_page():
    return render_template("content/upload.html", max_mb=_max_bytes() // MB, labels=LABELS)


@bp.post("/files")
@role_required("hq")
def upload_file():
    """One image per request (the page uploads a batch one by one, with progress); JSON answer."""
    cap = _max_bytes()
    request.max_content_length = cap + MB   # room for the multipart envelope
    try:
        upload = request.files.get("file")
    except RequestEntityTooLarge:
        return jsonify(error="too_large", message=f"文件超过 {cap // MB} MB 上限"), 413
    if upload is None:
        return jsonify(error="invalid", message="没有收到文件"), 400
    name = PurePath(upload.filename or "").name
    try:
        with _runtime().db.transaction() as session:
            media = store_image(session=session, storage=storage_for(_runtime().settings),
                                data=upload.read(cap + 1), filename=name, max_bytes=cap)
            material_id = None
            if request.form.get("create_material") == "1":
                form = MaterialForm(kind="image", title=(PurePath(name).stem or "图片")[:100], file_ids=[media.id])
                material_id = save_material(session=session, form=form).id
            answer = {"id": media.id, "name": media.original_name, "width": media.width, "height": media.height,
                      "thumb_url": url_for("media.file", key=media.thumb_key),
                      "url": url_for("media.file", key=media.storage_key), "material_id": material_id}
    except UploadRejected as exc:
        if exc.too_large:
            return jsonify(error="too_large", message=str(exc)), 413
        return jsonify(error="rejected", message=str(exc)), 422
    return jsonify(answer), 201


@bp.get("/products")
@role_required("hq")
def products():
    with _runtime().db.transaction() as session:
        rows = list_products(session=session)
        return render_template("content/products.html", products=rows, report=None, labels=LABELS)


@bp.post("/products/import")
@role_required("hq")
def import_products():
    upload = request.files.get("file")
    data = upload.read(_max_bytes() + 1) if upload else b""
    try:
        if len(data) > _max_bytes():
            raise ImportFileInvalid(f"文件超过 {_max_bytes() // MB} MB 上限")
        with _runtime().db.transaction() as session:
            report = import_arrivals(session=session, data=data)
    except ImportFileInvalid as exc:
        flash(f"无法导入：{exc}", "error")
        return redirect(url_for("hq_content.products"))
    with _runtime().db.transaction() as session:
        rows = list_products(session=session)
        return render_template("content/products.html", products=rows, report=report, labels=LABELS)
