"""Hostile values in the pages' inputs answer a clear 4xx in Chinese (each was a 500 before)."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from models import MediaFile, Todo
from tests.content.helpers import image_bytes
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq, sign_in_member

HUGE = "9" * 30


@pytest.fixture
def hq(client, db, org):
    make_hq_user(db)
    sign_in_hq(client)
    return client


def test_a_nul_in_the_customer_search_is_a_400_page(client, sandbox, org):
    sign_in_member(client, sandbox, "wangfang")
    response = client.get("/guide/?q=%E6%9E%97%00")
    assert response.status_code == 400 and "输入中含有无效字符" in response.get_data(as_text=True)
    assert client.get("/guide/?q=%E6%9E%97").status_code == 200


@pytest.mark.parametrize("path", ["/guide/customers/%00", "/guide/?status=%00", "/guide/?page=1&x%00=1"])
def test_a_nul_anywhere_in_a_page_address_is_a_400(client, sandbox, org, path):
    sign_in_member(client, sandbox, "wangfang")
    assert client.get(path).status_code == 400


@pytest.mark.parametrize("query, status, message", [
    ("store=%00", 400, "输入中含有无效字符"),
    ("store=%C2%B2", 400, "门店参数无效"),
    (f"store={HUGE}", 400, "门店参数无效"),
    ("store=0", 400, "门店参数无效"),
    ("store=9223372036854775807", 404, "页面不存在"),
    ("store={store}&date=0001-01-01", 400, "日期无效"),
    ("store={store}&date=9999-12-31&period=month", 400, "日期无效"),
])
def test_the_guides_leaderboard_refuses_bad_stores_and_dates(hq, org, query, status, message):
    for path in ("/manager/leaderboard", "/manager/leaderboard.xlsx"):
        response = hq.get(f"{path}?{query.format(store=org['SH001'])}")
        assert response.status_code == status
        assert message in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-02-30", "%C2%B2"])
def test_the_store_leaderboard_and_the_effect_report_refuse_days_they_cannot_count(hq, day):
    for period in ("day", "week", "month"):
        response = hq.get(f"/hq/leaderboard?period={period}&date={day}")
        assert response.status_code == 400 and "日期无效" in response.get_data(as_text=True)
    assert hq.get(f"/hq/effect?from={day}").status_code == 400
    assert hq.get("/hq/leaderboard?period=week&date=2026-03-05").status_code == 200


def test_an_id_no_row_can_have_is_a_404(hq, org):
    for path in (f"/hq/stores/{HUGE}", f"/hq/content/{HUGE}", f"/manager/stores/{org['SH001']}/guides/{HUGE}"):
        assert hq.get(path).status_code == 404


def test_snoozing_for_a_non_ascii_number_of_days_is_refused_with_a_message(client, sandbox, org, db):
    sign_in_member(client, sandbox, "wangfang")
    token = csrf_token(client, "/guide/todos/")
    for days in ("²", "١", HUGE, "-1"):
        response = client.post("/guide/todos/1/snooze", data={"csrf_token": token, "days": days})
        assert response.status_code == 302
    page = client.get("/guide/todos/").get_data(as_text=True)
    assert "稍后提醒须为 1-14 天" in page
    with db.transaction() as session:
        assert session.scalars(select(Todo)).all() == []


def test_odd_multipart_field_names_on_the_upload_answer_4xx_and_store_nothing(hq, db):
    token = csrf_token(hq, "/hq/content/upload")
    png = image_bytes()

    def upload(data: dict):
        return hq.post("/hq/content/files", data=data, content_type="multipart/form-data",
                       headers={"X-CSRFToken": token})

    assert upload({"fi\x00le": (io.BytesIO(png), "a.png")}).status_code == 400
    assert upload({"file": (io.BytesIO(png), "a\x00.png")}).status_code == 400
    for odd in ({"": (io.BytesIO(png), "a.png")}, {"f" * 5000: (io.BytesIO(png), "a.png")},
                {"photo": (io.BytesIO(png), "a.png")},
                {f"file{i}": (io.BytesIO(png), f"{i}.png") for i in range(50)}):
        response = upload(odd)
        assert response.status_code == 400 and response.get_json()["message"] == "没有收到文件"
    with db.transaction() as session:
        assert session.scalars(select(MediaFile)).all() == []
    many = upload({"file": (io.BytesIO(png), "好.png"), "create_material": "1", "x" * 5000: "y"})
    assert many.status_code == 201 and many.get_json()["name"] == "好.png"
