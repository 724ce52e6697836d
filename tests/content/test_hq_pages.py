"""The HQ content pages over HTTP: access rules, uploads, templates, imports, file caching, guide scope."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from content_library.catalogue import save_material
from content_library.forms import MaterialForm
from content_library.storage import storage_for
from handlers.web.access import unruled_endpoints
from models import Material, MediaFile, Product
from tests.content.helpers import EXE_BYTES, image_bytes
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member

CONTENT_BLUEPRINTS = ("hq_content", "guide_content", "media")


@pytest.fixture
def hq(client, db):
    make_hq_user(db)
    assert sign_in_hq(client).status_code == 302
    return {"X-CSRFToken": csrf_token(client, "/hq/content/")}


def _counts(db) -> tuple[int, int]:
    with db.transaction() as session:
        return (session.scalar(select(func.count()).select_from(MediaFile)),
                session.scalar(select(func.count()).select_from(Material)))


def _upload(client, headers, data: bytes, name: str, **form):
    return client.post("/hq/content/files", headers=headers, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), **form})


def test_every_content_route_declares_its_access_rule(app):
    endpoints = [r.endpoint for r in app.url_map.iter_rules() if r.endpoint.split(".")[0] in CONTENT_BLUEPRINTS]
    assert len(endpoints) >= 10
    assert not [e for e in unruled_endpoints(app) if e.split(".")[0] in CONTENT_BLUEPRINTS]
    hq_views = [app.view_functions[e] for e in endpoints if e.startswith("hq_content.")]
    assert {v.access_rule for v in hq_views} == {"roles:hq"}


def test_an_image_upload_answers_json_and_can_create_a_material(client, hq, db, runtime):
    response = _upload(client, hq, image_bytes(fmt="JPEG"), "秋装.jpg", create_material="1")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "秋装.jpg" and body["material_id"]
    assert client.get(body["thumb_url"]).status_code == 200
    assert _counts(db) == (1, 1)


def test_an_exe_renamed_jpg_gets_a_clear_error_and_nothing_is_stored(client, hq, db, runtime):
    response = _upload(client, hq, EXE_BYTES, "新品.jpg", create_material="1")
    assert response.status_code == 422
    assert "「新品.jpg」的内容不是图片（检测到Windows 可执行程序 (.exe)）" in response.get_json()["message"]
    assert _counts(db) == (0, 0) and storage_for(runtime.settings).keys() == []


def test_an_oversized_file_gets_a_clear_error_and_nothing_is_stored(client, hq, db, runtime):
    runtime.settings.MEDIA_MAX_UPLOAD_MB = 1   # the same check as 20 MB, with a smaller request
    response = _upload(client, hq, image_bytes(fmt="PNG") + b"\0" * (1024 * 1024), "大图.png")
    assert response.status_code == 413
    assert response.get_json()["message"] == "「大图.png」大小 1.0 MB，超过 1 MB 上限"
    huge = _upload(client, hq, b"\0" * (2 * 1024 * 1024 + 10), "巨图.png")   # past the request cap too
    assert huge.status_code == 413 and "上限" in huge.get_json()["message"]
    assert _counts(db) == (0, 0) and storage_for(runtime.settings).keys() == []


def test_a_template_with_an_unknown_placeholder_is_shown_in_the_form_and_not_saved(client, hq, db):
    response = client.post("/hq/content/new", data={
        "csrf_token": hq["X-CSRFToken"], "kind": "copy", "title": "老客专享", "scope": "all", "enabled": "1",
        "body": "{salutation}，{vip_level}专享礼已到账"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'data-testid="error-body">未知占位符 \{vip_level\}', page)
    assert "{salutation}，{vip_level}专享礼已到账" in page          # what HQ typed is kept in the form
    assert _counts(db) == (0, 0)


def test_a_valid_copy_template_is_saved_and_listed_with_zero_statistics(client, hq, db):
    response = client.post("/hq/content/new", data={
        "csrf_token": hq["X-CSRFToken"], "kind": "copy", "title": "新品到店", "scope": "all", "enabled": "1",
        "body": "{salutation}，{season}新品到店啦，{guide}给您留了尺码", "tag_occasion": "new_arrival"})
    assert response.status_code == 302
    listing = client.get("/hq/content/").get_data(as_text=True)
    assert "新品到店" in listing and "新品上市" in listing and "<b>0</b>发送" in listing


def test_new_arrivals_import_shows_the_per_row_report(client, hq, db):
    csv = "SKU,名称,品类,价格,上市日期\nA1,衬衫,衬衫,299,2026-09-01\nA2,裤子,裤装,-1,2026-09-01\n".encode()
    response = client.post("/hq/content/products/import", data={
        "csrf_token": hq["X-CSRFToken"], "file": (io.BytesIO(csv), "arrivals.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "成功 <b>1</b> 行，失败 <b>1</b> 行" in page
    assert "价格「-1」须为不小于 0 的金额" in page
    with db.transaction() as session:
        assert session.scalars(select(Product.sku)).all() == ["A1"]


def test_files_are_served_with_immutable_caching_to_signed_in_users_only(app, client, hq):
    body = _upload(client, hq, image_bytes(fmt="PNG"), "a.png").get_json()
    first = client.get(body["url"])
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert first.headers["Cache-Control"] == "private, max-age=31536000, immutable"
    etag = first.headers["ETag"]
    assert client.get(body["url"], headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/media/ab/missing.png").status_code == 404
    anonymous = app.test_client().get(body["url"])
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_a_guide_outside_the_scope_gets_404(app, client, sandbox, db, org, web):
    with db.transaction() as session:
        scoped = save_material(session=session, form=MaterialForm(
            kind="copy", title="南京路专享", body="{salutation}好", scope="stores", store_ids=[org["SH001"]])).id
        shared = save_material(session=session, form=MaterialForm(kind="copy", title="全员可用", body="好")).id
    sign_in_member(client, sandbox, "chenjing")            # a guide of HZ001
    assert client.get(f"/guide/content/{scoped}").status_code == 404
    assert client.get(f"/guide/content/{shared}").status_code == 200
    listing = client.get("/guide/content/").get_data(as_text=True)
    assert "全员可用" in listing and "南京路专享" not in listing
    assert client.get("/hq/content/").status_code == 403
    other = app.test_client()
    sign_in_member(other, sandbox, "wangfang")             # a guide of SH001
    assert "王姐好" in other.get(f"/guide/content/{scoped}").get_data(as_text=True)
