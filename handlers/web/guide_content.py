"""The guide's view of HQ materials (素材): only what is shared with their store, valid and enabled."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from bot.services.tracking import guide_link
from content_library.catalogue import get_material, materials_for_store, visible_to_store
from content_library.forms import KIND_LABELS
from content_library.payloads import Personal, text_for
from handlers.web.access import current_principal, install_error_pages, require_guide_id, role_required, today_at
from models import Store

bp = Blueprint("guide_content", __name__, url_prefix="/guide/content", template_folder="templates")
install_error_pages(bp)


def _own_store(session) -> Store:
    """The signed-in member's store; members without one see nothing (404)."""
    principal = current_principal()
    store = session.get(Store, principal.store_id) if principal and principal.store_id else None
    if store is None:
        abort(404)
    return store


@bp.get("/")
@role_required("guide", "manager")
def materials():
    with current_app.extensions["runtime"].db.transaction() as session:
        store = _own_store(session)
        rows = materials_for_store(session=session, store=store, on=today_at(store))
        return render_template("content/guide_list.html", materials=rows, store=store, kinds=KIND_LABELS)


@bp.get("/<int:material_id>")
@role_required("guide", "manager")
def material(material_id: int):
    with current_app.extensions["runtime"].db.transaction() as session:
        store = _own_store(session)
        found = get_material(session=session, material_id=material_id)
        if found is None or not visible_to_store(found, store, today_at(store)):
            abort(404)
        settings = current_app.config["SETTINGS"]
        link = guide_link(settings.SECRET_KEY, settings.PUBLIC_BASE_URL, guide_id=require_guide_id(),
                          target=found.link_url, material_id=found.id) or ""
        preview, share_text = _texts(found, store, current_principal().name, link)
        return render_template("content/guide_material.html", material=found, preview=preview, share_text=share_text,
                               link=link, kinds=KIND_LABELS,
                               in_wecom="wxwork" in request.headers.get("User-Agent", "").lower())


def _texts(material, store: Store, guide: str, link: str) -> tuple[str, str]:
    """The copy for a sample customer (the preview), and the text to send: a neutral address the guide may edit,
    `{link}` being the guide's own tracked link."""
    on = today_at(store)
    sample = Personal(customer_name="王芳", customer_gender=2, guide=guide, store=store.name, link=link)
    return text_for(material, sample, on=on), text_for(material, Personal(guide=guide, store=store.name, link=link),
                                                       on=on)
