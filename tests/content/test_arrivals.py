"""Bulk import of new arrivals from CSV and XLSX, with a per-row report."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from content_library.arrivals import ImportFileInvalid, import_arrivals, parse_rows, read_table
from content_library.files import MB, store_image
from content_library.storage import storage_for
from models import Product
from tests.content.helpers import EXE_BYTES, image_bytes

CSV = """SKU,名称,品类,价格,季节,风格,上市日期,图片
A100,真丝衬衫,衬衫,399,秋,"通勤,简约",2026-09-01,
A101,阔腿西裤,裤装,459.50,autumn,通勤,2026/09/05,
A102,,裤装,abc,夏天,,2026-13-01,
A100,重复衬衫,衬衫,1,秋,,2026-09-01,
A103,羊毛大衣,大衣,1299.999,冬,,2026-10-10,
"""


def test_csv_rows_are_imported_and_bad_rows_reported(db):
    with db.transaction() as session:
        report = import_arrivals(session=session, data=CSV.encode("utf-8-sig"))
    assert [(r.row, r.sku, r.status) for r in report] == [
        (2, "A100", "created"), (3, "A101", "created"), (4, "A102", "error"), (5, "A100", "error"),
        (6, "A103", "error")]
    assert report[2].errors == ["名称不能为空", "价格「abc」不是数字（单位：元）", "上市日期「2026-13-01」格式应为 2026-09-01",
                                "季节「夏天」无效，可填：春、夏、秋、冬、四季"]
    assert report[3].errors == ["SKU A100 与第 2 行重复"]
    assert "最多两位小数" in report[4].errors[0]
    with db.transaction() as session:
        products = {p.sku: p for p in session.scalars(select(Product))}
    assert set(products) == {"A100", "A101"}
    shirt = products["A100"]
    assert (shirt.price_fen, shirt.season, shirt.styles, shirt.launch_on) == (39900, "autumn", ["通勤", "简约"],
                                                                              date(2026, 9, 1))
    assert products["A101"].price_fen == 45950


def test_importing_again_updates_by_sku(db):
    with db.transaction() as session:
        import_arrivals(session=session, data="SKU,名称,品类,价格,上市日期\nB1,针织衫,针织衫,299,2026-09-01\n".encode())
    with db.transaction() as session:
        report = import_arrivals(session=session,
                                 data="sku,name,category,price,launch_date\nB1,羊绒针织衫,针织衫,599,2026-09-02\n".encode())
    assert [r.status for r in report] == ["updated"]
    with db.transaction() as session:
        (row,) = session.scalars(select(Product)).all()
    assert (row.name, row.price_fen) == ("羊绒针织衫", 59900)


def test_gbk_csv_from_excel_is_read():
    rows = read_table("货号,商品名称,品类,价格,上市日期\nC1,风衣,风衣,899,2026-09-01\n".encode("gb18030"))
    assert rows[0]["name"] == "风衣"


def test_xlsx_with_date_and_number_cells(db, runtime):
    book = Workbook()
    sheet = book.active
    sheet.append(["SKU", "名称", "品类", "价格", "季节", "风格", "上市日期", "图片"])
    sheet.append(["X1", "半身裙", "半身裙", 359.9, "秋", "优雅, 通勤", datetime(2026, 9, 20), "skirt.png"])
    sheet.append([1002, "短靴", "鞋履", 699, "冬", None, "2026-10-01", "missing.png"])
    out = io.BytesIO()
    book.save(out)
    with db.transaction() as session:
        image_id = store_image(session=session, storage=storage_for(runtime.settings), data=image_bytes(),
                               filename="skirt.png", max_bytes=20 * MB).id
        report = import_arrivals(session=session, data=out.getvalue())
    assert [(r.sku, r.status) for r in report] == [("X1", "created"), ("1002", "error")]
    assert report[1].errors == ["图片「missing.png」未找到，请先上传该图片"]
    with db.transaction() as session:
        skirt = session.scalars(select(Product)).one()
    assert (skirt.price_fen, skirt.launch_on, skirt.image_file_id, skirt.styles) == (
        35990, date(2026, 9, 20), image_id, ["优雅", "通勤"])


@pytest.mark.parametrize("data, message", [
    (b"", "空"), (EXE_BYTES, "不是 CSV"), (b"PK\x03\x04garbage", "不是有效的 XLSX"),
    ("名称,品类\n衬衫,衬衫\n".encode(), "表头缺少列：SKU、价格、上市日期"),
])
def test_unreadable_files_are_refused_as_a_whole(data, message):
    with pytest.raises(ImportFileInvalid, match=message):
        read_table(data)


def test_parse_rows_is_pure():
    valid, errors = parse_rows([{"sku": "Z", "name": "n", "category": "c", "price": "¥1,299.00",
                                 "launch_on": "2026.09.01"}])
    assert errors == [] and valid[0].price_fen == 129900 and valid[0].launch_on == date(2026, 9, 1)


def test_a_price_of_twenty_digits_or_not_finite_is_a_row_error_and_the_others_are_stored(db):
    data = ("SKU,名称,品类,价格,上市日期\n"
            f"D1,风衣,风衣,{'9' * 20},2026-09-01\n"
            "D2,风衣,风衣,NaN,2026-09-01\n"
            "D3,风衣,风衣,1e309,2026-09-01\n"
            "D4,风衣,风衣,21474836.47,2026-09-01\n").encode()
    with db.transaction() as session:
        report = import_arrivals(session=session, data=data)
    assert [(r.sku, r.status) for r in report] == [("D1", "error"), ("D2", "error"), ("D3", "error"),
                                                     ("D4", "created")]
    assert all("须为不小于 0 的金额（最高 21,474,836.47 元）" in r.errors[0] for r in report[:3])
    with db.transaction() as session:
        assert [(p.sku, p.price_fen) for p in session.scalars(select(Product))] == [("D4", 2**31 - 1)]


def test_a_nul_past_the_files_start_is_a_row_error(db):
    filler = "".join(f"F{i},针织衫,针织衫,199,2026-09-01\n" for i in range(150))   # past the binary sniff
    data = ("SKU,名称,品类,价格,上市日期\n" + filler + "N1,风\x00衣,风衣,10,2026-09-01\n").encode()
    with db.transaction() as session:
        report = import_arrivals(session=session, data=data)
    assert [(r.sku, r.errors) for r in report if r.status == "error"] == [("N1", ["含有无效字符（NUL）"])]
    assert sum(r.status == "created" for r in report) == 150


def test_a_cell_csv_cannot_read_refuses_the_file_naming_its_line():
    data = ("SKU,名称,品类,价格,上市日期\nE1,风衣,风衣,1,2026-09-01\nE2," + "长" * 200_000 + ",风衣,1,2026-09-01\n")
    with pytest.raises(ImportFileInvalid, match="第 3 行无法读取"):
        read_table(data.encode())
