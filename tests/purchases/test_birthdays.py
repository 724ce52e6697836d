"""Birthdays from the brand's systems: on an order, through the customers API, from a member-system file; the
latest statement wins whatever its source, and a birthday for someone not yet a friend waits for them."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from datetime import date, datetime, timedelta, timezone

from openpyxl import Workbook
from sqlalchemy import select

from bot.rules.birthdays import NO_YEAR
from bot.rules.webhook import signed_headers
from models import BirthdayClaim, Customer, Order
from tests.purchases.helpers import ORDER_SECRET, AUTH, befriend, order, post_orders
from tests.web.helpers import csrf_token, make_hq_user, sign_in_hq


def post_birthdays(client, records: list, *, secret: str = ORDER_SECRET):
    raw = json.dumps({"customers": records}, ensure_ascii=False).encode()
    return client.post("/api/v1/customers/birthdays", data=raw, headers=signed_headers(secret, raw, int(time.time())))


def birthday_of(db, eid: str) -> tuple:
    with db.transaction() as session:
        row = session.scalars(select(Customer).where(Customer.external_userid == eid)).one()
        return row.birthday, row.birthday_source


def _friend(sandbox, driver, work, name: str, **profile) -> str:
    eid = sandbox.new_customer(name, **profile)
    befriend(sandbox, driver, eid, "wangfang")
    work()
    return eid


def test_an_order_states_the_buyers_birthday_and_a_bad_one_rejects_only_its_order(client, org, sandbox, driver,
                                                                                  work, db):
    lin, wu = _friend(sandbox, driver, work, "林女士"), _friend(sandbox, driver, work, "吴女士")
    response = post_orders(client, [
        {**order("B-1", customer=lin), "customer_birthday": "1990-05-20"},
        {**order("B-2", customer=wu), "customer_birthday": "02-30"},
        {**order("B-3", customer=wu, paid_at="2026-03-02T10:00:00+08:00"), "customer_birthday": "12-24"},
    ])
    assert response.status_code == 207, response.get_json()
    results = response.get_json()["results"]
    assert [r["result"] for r in results] == ["created", "rejected", "created"]
    assert results[1]["errors"] == ["customer_birthday 02-30 is not a day of the year"]
    assert birthday_of(db, lin) == (date(1990, 5, 20), "pos")
    assert birthday_of(db, wu) == (date(NO_YEAR, 12, 24), "pos")      # known without its year
    view = client.get(f"/api/v1/customers/{wu}", headers=AUTH).get_json()
    assert (view["birthday"], view["birthday_source"]) == ("12-24", "pos")
    with db.transaction() as session:
        assert session.scalars(select(Order.order_no).order_by(Order.order_no)).all() == ["B-1", "B-3"]


def test_the_latest_statement_wins_whatever_its_source(client, org, sandbox, driver, work, db):
    lin = _friend(sandbox, driver, work, "林女士")
    post_orders(client, [{**order("B-1", customer=lin, paid_at="2026-03-01T10:00:00+08:00"),
                          "customer_birthday": "1990-05-20"}])
    assert post_birthdays(client, [{"external_userid": lin, "birthday": "1990-06-01"}]).status_code == 200
    assert birthday_of(db, lin) == (date(1990, 6, 1), "import")   # stated now, after the order was paid
    replay = post_orders(client, [{**order("B-1", customer=lin, paid_at="2026-03-01T10:00:00+08:00"),
                                   "customer_birthday": "1990-05-20"}])
    assert replay.status_code == 200 and birthday_of(db, lin) == (date(1990, 6, 1), "import")   # an old statement
    again = post_birthdays(client, [{"external_userid": lin, "birthday": "1990-06-01"}]).get_json()
    assert again["results"] == [{"index": 0, "result": "unchanged"}]


def test_the_customers_api_reports_each_record_and_a_birthday_waits_for_a_customer_to_come(
        client, org, sandbox, driver, work, db):
    lin = _friend(sandbox, driver, work, "林女士")
    later = sandbox.new_customer("周女士")          # not a friend yet
    response = post_birthdays(client, [
        {"external_userid": lin, "birthday": "1988-12-14"},
        {"external_userid": later, "birthday": "03-08"},
        {"external_userid": lin, "birthday": "1988-02-30"},
        {"birthday": "1988-01-01"},
        {"unionid": "nobody", "birthday": "2999-01-01"},
        "not an object",
    ])
    assert response.status_code == 207
    body = response.get_json()
    assert body["summary"] == {"updated": 1, "unchanged": 0, "waiting": 1, "rejected": 4}
    assert [r.get("errors") for r in body["results"][2:]] == [
        ["birthday 02-30 is not a day of the 1988"], ["the customer is required: external_userid, unionid or mobile"],
        ["birthday is in the future"], ["record must be a JSON object"]]
    assert birthday_of(db, lin) == (date(1988, 12, 14), "import")
    assert post_birthdays(client, [{"external_userid": later, "birthday": "03-08"}]).get_json()["summary"][
        "waiting"] == 1
    with db.transaction() as session:
        assert len(session.scalars(select(BirthdayClaim)).all()) == 1   # a replay keeps one claim
    befriend(sandbox, driver, later, "wangfang")
    work()
    assert birthday_of(db, later) == (date(NO_YEAR, 3, 8), "import")
    with db.transaction() as session:
        assert session.scalars(select(BirthdayClaim)).all() == []
    bad = post_birthdays(client, [{"birthday": "x"}])
    assert bad.status_code == 422
    unsigned = post_birthdays(client, [{"external_userid": lin, "birthday": "1970-01-01"}], secret="wrong")
    assert unsigned.status_code == 401 and birthday_of(db, lin)[0] == date(1988, 12, 14)


def test_a_birthday_in_year_zero_is_rejected_as_its_record_only(client, org, sandbox, driver, work, db):
    lin = _friend(sandbox, driver, work, "林女士")
    response = post_birthdays(client, [{"external_userid": lin, "birthday": "0000-05-20"},
                                       {"external_userid": lin, "birthday": "1988-12-14"}])
    assert response.status_code == 207, response.get_data(as_text=True)
    assert response.get_json()["results"][0]["errors"] == ["birthday 05-20 is not a day of the 0"]
    assert birthday_of(db, lin) == (date(1988, 12, 14), "import")


def test_a_waiting_birthday_keeps_the_latest_statement_per_person_named(db, org):
    from bot.rules.birthday_input import BirthdayStatement
    from bot.services.birthdays import record_birthdays

    day = datetime(2026, 3, 1, tzinfo=timezone.utc)

    def stated(birthday: date, days: int, **who) -> BirthdayStatement:
        return BirthdayStatement(birthday, "import", day + timedelta(days=days), None, **who)

    def claims() -> dict:
        with db.transaction() as session:
            return {(c.external_userid, c.unionid, c.mobile_hash is not None): c.birthday
                    for c in session.scalars(select(BirthdayClaim))}

    with db.transaction() as session:
        assert record_birthdays(session=session, secret_key="k", statements=[
            stated(date(1990, 3, 8), 1, external_userid="wm-a"), stated(date(1990, 4, 4), 0, external_userid="wm-a"),
            stated(date(1991, 1, 1), 0, mobile="13800138000"),
            stated(date(1992, 2, 2), 0, external_userid="wm-a", unionid="u-a")]) == ["waiting"] * 4
    expected = {("wm-a", None, False): date(1990, 3, 8), (None, None, True): date(1991, 1, 1),
                ("wm-a", "u-a", False): date(1992, 2, 2)}
    assert claims() == expected
    with db.transaction() as session:   # an older statement leaves a claim, a newer one replaces it
        record_birthdays(session=session, secret_key="k", statements=[
            stated(date(1980, 1, 1), -1, external_userid="wm-a"), stated(date(1993, 3, 3), 2, mobile="13800138000")])
    assert claims() == {**expected, (None, None, True): date(1993, 3, 3)}


def test_a_member_system_file_imports_row_by_row(app, client, org, sandbox, driver, work, db, tmp_path):
    lin, wu = _friend(sandbox, driver, work, "林女士"), _friend(sandbox, driver, work, "吴女士")
    rows = [["external_userid", "unionid", "mobile", "birthday"], [lin, "", "", "1991-07-07"],
            [wu, "", "", "04-31"], ["", "", "13800138000", "09-09"]]
    path = tmp_path / "members.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    result = app.test_cli_runner().invoke(args=["customers", "import-birthdays", str(path)])
    assert result.exit_code == 1, result.output
    assert "updated 1, unchanged 0, waiting 1 (not a friend yet), rejected 1" in result.output
    assert "line 3: birthday 04-31 is not a day of the year" in result.output
    assert birthday_of(db, lin) == (date(1991, 7, 7), "import") and birthday_of(db, wu) == (None, None)
    book = Workbook()
    book.active.append(rows[0])
    book.active.append([wu, None, None, datetime(1992, 8, 8)])    # a date cell
    book.save(tmp_path / "members.xlsx")
    result = app.test_cli_runner().invoke(args=["customers", "import-birthdays", str(tmp_path / "members.xlsx")])
    assert result.exit_code == 0 and "updated 1," in result.output, result.output
    assert birthday_of(db, wu) == (date(1992, 8, 8), "import")


def test_a_file_the_import_commands_cannot_read_is_refused_with_a_message(app, org, tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as packed:
        packed.writestr("notes.txt", "a zip, but not a workbook")
    for body in (b"an export saved under the wrong name", archive.getvalue()):
        for name, command in (("members.xlsx", ["customers", "import-birthdays"]), ("pos.xlsx", ["orders", "import"])):
            (tmp_path / name).write_bytes(body)
            result = app.test_cli_runner().invoke(args=[*command, str(tmp_path / name)])
            assert result.exit_code == 1 and result.output.startswith("Error: "), (command, result.output)
            assert "cannot be read as XLSX" in result.output and isinstance(result.exception, SystemExit), command
    too_long = 'external_userid,birthday\n"' + "x" * 200_000 + '",1990-01-01\n'   # over the csv module's field limit
    for name, command in (("members.csv", ["customers", "import-birthdays"]), ("pos.csv", ["orders", "import"])):
        (tmp_path / name).write_text(too_long, encoding="utf-8")
        result = app.test_cli_runner().invoke(args=[*command, str(tmp_path / name)])
        assert result.exit_code == 1 and "cannot be read as CSV" in result.output, (command, result.output)


def test_a_pos_export_carries_the_buyers_birthday_in_a_date_cell(app, org, sandbox, driver, work, db, tmp_path):
    lin = _friend(sandbox, driver, work, "林女士")
    book = Workbook()
    book.active.append(["order_no", "store_code", "paid_at", "amount", "external_userid", "customer_birthday", "sku",
                        "quantity", "unit_price"])
    book.active.append(["X-1", "SH001", datetime(2026, 3, 1, 10), 9900, lin, datetime(1993, 4, 4), "SKU-1", 1, 9900])
    book.save(tmp_path / "pos.xlsx")
    result = app.test_cli_runner().invoke(args=["orders", "import", str(tmp_path / "pos.xlsx")])
    assert result.exit_code == 0 and "imported 1," in result.output, result.output
    assert birthday_of(db, lin) == (date(1993, 4, 4), "pos")


def test_hq_imports_a_birthday_file_on_its_page_with_a_report_in_chinese(client, org, sandbox, driver, work, db,
                                                                          tmp_path):
    lin = _friend(sandbox, driver, work, "林女士")
    make_hq_user(db)
    sign_in_hq(client)
    token = csrf_token(client, "/hq/customers/birthdays")
    data = f"external_userid,birthday\n{lin},1989-10-10\n{lin}x,10-10\n,10-10\n{lin},2-30\n".encode()
    page = client.post("/hq/customers/birthdays", data={"csrf_token": token, "file": (io.BytesIO(data), "m.csv")},
                       content_type="multipart/form-data")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "已更新 <b>1</b> 位" in text and "等待添加好友 1 位" in text
    assert "请填写 external_userid、unionid 或 mobile 之一" in text and "生日 02-30 不存在" in text
    assert birthday_of(db, lin) == (date(1989, 10, 10), "import")
    for name, body in (("m.exe", b"MZ"), ("m.xlsx", b"not a workbook"), ("m.csv", "生日".encode("gbk"))):
        refused = client.post("/hq/customers/birthdays", content_type="multipart/form-data",
                              data={"csrf_token": token, "file": (io.BytesIO(body), name)})
        assert refused.status_code in (400, 422) and 'data-testid="import-error"' in refused.get_data(as_text=True)
    assert birthday_of(db, lin) == (date(1989, 10, 10), "import")
