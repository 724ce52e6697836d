"""HQ keeps the org: sync from WeCom's directory through the sandbox, CSV import with per-row errors, CLI."""
from __future__ import annotations

import io

from sqlalchemy import select

from models import Guide, HqUser, Store
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq


def _guides(db) -> dict[str, tuple[str, str | None, bool]]:
    with db.transaction() as session:
        rows = session.execute(select(Guide, Store.code).outerjoin(Store, Guide.store_id == Store.id)).all()
        return {g.userid: (g.role, code, g.active) for g, code in rows}


def test_sync_from_wecom_maps_departments_to_stores_and_positions_to_roles(client, sandbox, db, org):
    sandbox.member("zhangli").position = "店长"
    sandbox.member("chenjing").position = "导购"
    sandbox.add_department(4, "苏州观前店")
    sandbox.add_department(9, "总部")
    sandbox.add_department(10, "华东大区")
    sandbox.add_department(11, "南京新街口店", parentid=10)
    sandbox.add_member("sunli", "孙莉", department=[4], position="店长")
    sandbox.add_member("zhouyang", "周洋", department=[11], position="导购")
    sandbox.add_member("ops", "总部运营", department=[9])
    sandbox.add_member("quit", "离职者", department=[4], status=5)
    make_hq_user(db)
    sign_in_hq(client)
    response = client.post("/hq/org/sync", data={"csrf_token": csrf_token(client, "/hq/")})
    assert response.status_code == 302
    assert "新增门店 2" in client.get("/hq/").get_data(as_text=True)  # 苏州, 南京 (总部 is never a store)
    guides = _guides(db)
    assert guides["zhangli"] == ("manager", "SH001", True)
    assert guides["wangfang"] == ("guide", "SH001", True)
    assert guides["chenjing"] == ("guide", "HZ001", True)
    assert guides["sunli"] == ("manager", "WD4", True)
    assert guides["zhouyang"] == ("guide", "WD11", True)  # a store below a region
    assert guides["ops"] == ("hq", None, True)
    assert guides["quit"][2] is False
    with db.transaction() as session:
        stores = {s.code: (s.name, s.wecom_department_id) for s in session.scalars(select(Store))}
    assert stores["WD4"] == ("苏州观前店", 4) and stores["SH001"] == ("上海南京路店", 2) and "WD10" not in stores
    assert [c.path for c in sandbox.calls() if c.path in ("department/list", "user/list")] == [
        "department/list", "user/list"]


def test_a_member_outside_every_store_is_hq(client, sandbox, db, org):
    sandbox.add_member("boss", "老板", department=[1])
    make_hq_user(db)
    sign_in_hq(client)
    client.post("/hq/org/sync", data={"csrf_token": csrf_token(client, "/hq/")})
    assert _guides(db)["boss"] == ("hq", None, True)


def test_csv_import_applies_good_rows_and_reports_bad_ones(client, db, org):
    csv_text = "\n".join([
        "store_code,store_name,userid,name,role",
        "SH001,上海南京路店,wangfang,王芳,店长",
        "NJ001,南京新街口店,liuyi,刘一,guide",
        "NJ001,,chener,陈二,导购",
        ",,zhangsan,张三,guide",
        "XX999,,lisi,李四,guide",
        "NJ001,南京新街口店,liuyi,刘一,guide",
        ",,ops2,总部二号,hq",
        "NJ001,南京新街口店,wuwu,吴五,老板",
    ])
    make_hq_user(db)
    sign_in_hq(client)
    token = csrf_token(client, "/hq/org/import")
    response = client.post("/hq/org/import", data={
        "csrf_token": token, "file": (io.BytesIO(csv_text.encode("gbk")), "名单.csv")},
        content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "成功 <b>4</b> 行" in page and "失败 <b>4</b> 行" in page
    for line, reason in ((5, "必须填写门店编码"), (6, "需要填写门店名称"), (7, "与第 3 行重复"), (9, "角色 老板 无效")):
        assert f'<td class="num">{line}</td>' in page and reason in page
    guides = _guides(db)
    assert guides["wangfang"] == ("manager", "SH001", True)
    assert guides["liuyi"] == ("guide", "NJ001", True) and guides["chener"] == ("guide", "NJ001", True)
    assert guides["ops2"] == ("hq", None, True)
    assert "zhangsan" not in guides and "lisi" not in guides and "wuwu" not in guides


def test_csv_without_the_columns_is_rejected_whole(client, db, org):
    make_hq_user(db)
    sign_in_hq(client)
    response = client.post("/hq/org/import", data={
        "csrf_token": csrf_token(client, "/hq/org/import"),
        "file": (io.BytesIO("userid,name\nx,y\n".encode()), "bad.csv")}, content_type="multipart/form-data")
    assert "缺少列：store_code, store_name, role" in response.get_data(as_text=True)
    assert "x" not in _guides(db)


def test_users_create_command_stores_a_hash(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "yunying", "--name", "运营"],
                           input="s3cret-password\ns3cret-password\n")
    assert result.exit_code == 0, result.output
    assert "s3cret-password" not in result.output
    with db.transaction() as session:
        user = session.scalars(select(HqUser).where(HqUser.username == "yunying")).one()
        assert user.display_name == "运营" and user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    again = runner.invoke(args=["users", "create", "yunying"], input="another-pass\nanother-pass\n")
    assert again.exit_code != 0 and "already exists" in again.output
    short = runner.invoke(args=["users", "create", "x"], input="short\nshort\n")
    assert short.exit_code != 0 and "at least 8" in short.output


def _import(client, data: bytes):
    return client.post("/hq/org/import", data={
        "csrf_token": csrf_token(client, "/hq/org/import"), "file": (io.BytesIO(data), "名单.csv")},
        content_type="multipart/form-data")


def test_csv_rows_too_long_or_with_nul_are_row_errors_and_the_good_rows_are_stored(client, db, org):
    csv_text = "\n".join([
        "store_code,store_name,userid,name,role",
        "NJ001," + "店" * 300 + ",longstore,刘一,guide",
        "SH001,上海南京路店,nul\x00id,陈二,guide",
        "SH001,上海南京路店,zhaoliu,赵六,导购",
        "SH001,上海南京路店," + "u" * 65 + ",钱七,guide",
    ])
    make_hq_user(db)
    sign_in_hq(client)
    for encoding in ("utf-8", "gbk"):   # Excel in China saves CSV as GBK
        page = _import(client, csv_text.encode(encoding)).get_data(as_text=True)
        assert "成功 <b>1</b> 行" in page and "失败 <b>3</b> 行" in page
        assert "字段过长：store_name（最多 100 字）" in page and "含有无效字符（NUL）" in page
        assert "字段过长：userid（最多 64 字）" in page
    guides = _guides(db)
    assert guides["zhaoliu"] == ("guide", "SH001", True)
    assert "longstore" not in guides and not any(len(u) > 64 or "\x00" in u for u in guides)


def test_a_file_neither_utf8_nor_gbk_or_with_an_unreadable_line_is_reported(client, db, org):
    make_hq_user(db)
    sign_in_hq(client)
    page = _import(client, b"\xff\xfe\x00\x00\x81\x30").get_data(as_text=True)
    assert "无法识别文件编码" in page
    huge = "store_code,store_name,userid,name,role\nSH001,上海南京路店,ok1,甲,guide\nSH001,店,big," + "名" * 200_000
    page = _import(client, huge.encode()).get_data(as_text=True)
    assert "这一行及之后无法读取" in page and "成功 <b>1</b> 行" in page
    assert _guides(db)["ok1"] == ("guide", "SH001", True)
