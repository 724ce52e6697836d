"""`flask orders import` (CSV and XLSX), `flask tags sync`, and the purchase fields of the customer API."""
from __future__ import annotations

import csv
from datetime import datetime
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy import func, select

from bot.rules.purchases import TIER_TAG_GROUP
from models import Order, OrderItem, TierTag
from tests.purchases.helpers import befriend, customer_json, order, post_orders, tier_tags_on

HEADER = ["order_no", "store_code", "paid_at", "amount", "status", "refunded_amount", "external_userid", "unionid",
          "mobile", "guide_userid", "sku", "name", "category", "quantity", "unit_price"]


def _rows(eid: str) -> list[list]:
    return [
        ["K-1", "SH001", "2026-03-01 10:00:00", 29700, "paid", "", eid, "", "", "wangfang", "MASK-12", "面膜", "护肤", 2,
         9900],
        ["K-1", "SH001", "2026-03-01 10:00:00", 29700, "paid", "", eid, "", "", "wangfang", "TONER-50", "柔肤水", "护肤",
         1, 9900],
        ["K-2", "SH001", "2026-03-05T09:00:00+08:00", 12.5, "paid", "", eid, "", "", "", "MASK-12", "面膜", "", 1, 1250],
        ["K-3", "NOPE1", "2026-03-06 09:00:00", 100, "paid", "", eid, "", "", "", "X", "x", "", 1, 100],
        ["K-4", "SH001", "2026-03-09 09:00:00", 9900, "paid", "", "", "", "13700137000", "", "MASK-12", "面膜", "", 1,
         9900],
    ]


def _write_csv(path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def _write_xlsx(path, rows) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        row = list(row)
        if " " in str(row[2]):  # Excel keeps local date-times as naive datetime cells
            row[2] = datetime.fromisoformat(row[2])
        sheet.append(row)
    book.save(path)


def _import(app, path):
    return app.test_cli_runner().invoke(args=["orders", "import", str(path)])


def _check_import(app, db, path) -> None:
    result = _import(app, path)
    assert result.exit_code == 0, result.output
    assert "imported 2, updated 0, unchanged 0, rejected 2" in result.output
    assert "line 4 (K-2): amount must be an integer number of fen (no decimals)" in result.output
    assert "line 5 (K-3): unknown store_code 'NOPE1'" in result.output
    with db.transaction() as session:
        k1 = session.scalars(select(Order).where(Order.order_no == "K-1")).one()
        assert k1.amount == 29700 and [i.sku for i in k1.items] == ["MASK-12", "TONER-50"]
        assert k1.paid_at.isoformat() == "2026-03-01T02:00:00+00:00"  # local 10:00 in Asia/Shanghai
        assert k1.customer_id is not None and k1.guide_userid == "wangfang"
        assert session.scalar(select(func.count()).select_from(OrderItem)) == 3
    again = _import(app, path)
    assert "imported 0, updated 0, unchanged 2, rejected 2" in again.output


def test_import_a_csv_export(app, org, sandbox, driver, work, db, tmp_path):
    eid = sandbox.new_customer("冯女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    path = tmp_path / "orders.csv"
    _write_csv(path, _rows(eid))
    _check_import(app, db, path)
    work()
    assert tier_tags_on(sandbox, eid, "wangfang") == {"首次购买"}


def test_import_an_xlsx_export(app, org, sandbox, driver, work, db, tmp_path):
    eid = sandbox.new_customer("蒋先生")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    path = tmp_path / "orders.xlsx"
    _write_xlsx(path, _rows(eid))
    _check_import(app, db, path)


def test_import_refuses_other_files(app, org, tmp_path):
    path = tmp_path / "orders.txt"
    path.write_text("hello")
    result = _import(app, path)
    assert result.exit_code != 0 and "only .csv and .xlsx" in result.output


def test_tags_sync_reuses_the_group_by_name_and_keys_on_tag_id(app, org, sandbox, db):
    sandbox.admin_creates_tag(TIER_TAG_GROUP, "首次购买")
    existing = sandbox.tag_id(TIER_TAG_GROUP, "首次购买")
    result = app.test_cli_runner().invoke(args=["tags", "sync"])
    assert result.exit_code == 0, result.output
    assert f"first: {existing}" in result.output
    group = sandbox.group_by_name(TIER_TAG_GROUP)
    assert sorted(t.name for t in group.tags) == ["购买三次及以上", "购买过二次", "首次购买"]
    assert len([g for g in sandbox.tag_groups.values() if g.group_name == TIER_TAG_GROUP]) == 1
    sandbox.admin_renames_tag(existing, "首购")  # renamed in the admin console: still the same tag
    again = app.test_cli_runner().invoke(args=["tags", "sync", "--no-jobs"])
    assert f"first: {existing}" in again.output
    assert len(sandbox.calls("externalcontact/add_corp_tag")) == 1
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(TierTag)) == 3


def test_tags_sync_recreates_a_tier_tag_deleted_in_wecom(app, org, sandbox, db):
    app.test_cli_runner().invoke(args=["tags", "sync"])
    doomed = sandbox.tag_id(TIER_TAG_GROUP, "购买过二次")
    sandbox.admin_deletes_tag(doomed)
    result = app.test_cli_runner().invoke(args=["tags", "sync"])
    assert result.exit_code == 0
    fresh = sandbox.tag_id(TIER_TAG_GROUP, "购买过二次")
    assert fresh != doomed and f"second: {fresh}" in result.output


def test_the_customer_api_shows_purchases_tier_quadrant_and_tag_sync(client, org, sandbox, driver, work):
    eid = sandbox.new_customer("韩女士")
    befriend(sandbox, driver, eid, "wangfang")
    work()
    before = customer_json(client, eid)
    assert (before["purchase_count"], before["tier"], before["quadrant"], before["tag_sync"]["status"]) == (
        0, "none", None, None)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    post_orders(client, [order("V-1", customer=eid, paid_at=f"{today}T00:30:00+08:00", amount=45000),
                         order("V-2", customer=eid, paid_at="2025-01-10T12:00:00+08:00", amount=30000)])
    pending = customer_json(client, eid)
    assert pending["tag_sync"]["status"] == "pending"
    work()
    body = customer_json(client, eid)
    assert (body["purchase_count"], body["order_count"], body["tier"], body["lifetime_amount"]) == (2, 2, "second",
                                                                                                   75000)
    assert body["first_purchase_at"] == "2025-01-10T04:00:00+00:00"
    assert body["last_purchase_at"].startswith(today[:4])
    assert body["quadrant"] == "一般发展"  # one purchase of 450 yuan in the last three months
    assert body["repurchase_cycle_days"] > 300  # from January 2025 to today
    assert body["tag_sync"]["status"] == "synced" and body["tag_sync"]["error"] is None
