"""Bulk import of new arrivals from CSV or XLSX, with a per-row report.

Valid rows are saved (upserted by SKU, so a corrected file can be imported again);
each invalid row is reported with its row number and every problem it has.
"""
from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.form_input import MAX_INT, decode_text_file, has_nul
from content_library.forms import SEASON_LABELS, split_values
from models import MediaFile, Product

MAX_ROWS = 5000
MAX_PRICE = Decimal(MAX_INT) / 100   # price_fen is an INTEGER column
# Accepted header spellings -> field.
HEADERS = {
    "sku": "sku", "货号": "sku", "商品编码": "sku",
    "name": "name", "名称": "name", "商品名称": "name",
    "category": "category", "品类": "category",
    "price": "price", "价格": "price", "价格(元)": "price", "价格（元）": "price", "吊牌价": "price",
    "season": "season", "季节": "season",
    "style": "styles", "styles": "styles", "风格": "styles",
    "launch_date": "launch_on", "上市日期": "launch_on",
    "image": "image", "图片": "image", "图片文件名": "image",
}
REQUIRED = ("sku", "name", "category", "price", "launch_on")
FIELD_LABELS = {"sku": "SKU", "name": "名称", "category": "品类", "price": "价格", "season": "季节",
                "styles": "风格", "launch_on": "上市日期", "image": "图片"}
_SEASON_BY_NAME = {**{v: k for k, v in SEASON_LABELS.items()}, **{k: k for k in SEASON_LABELS},
                   "春季": "spring", "夏季": "summer", "秋季": "autumn", "冬季": "winter"}


class ImportFileInvalid(ValueError):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""


@dataclass
class RowResult:
    row: int                 # 1-based row number as the spreadsheet shows it (header is row 1)
    sku: str
    status: str              # created | updated | error
    errors: list[str] = field(default_factory=list)


@dataclass
class ArrivalRow:
    row: int
    sku: str
    name: str
    category: str
    price_fen: int
    season: str | None
    styles: list[str]
    launch_on: date
    image: str


def read_table(data: bytes) -> list[dict[str, object]]:
    """Rows of a CSV or XLSX file (decided by content) as dicts keyed by field name."""
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(data)
    else:
        raw_rows = _csv_rows(_decode(data))
    raw_rows = [r for r in raw_rows if any(str(c or "").strip() for c in r)]
    if not raw_rows:
        raise ImportFileInvalid("文件是空的")
    header = [HEADERS.get(str(h or "").strip().lower()) for h in raw_rows[0]]
    missing = [FIELD_LABELS[f] for f in REQUIRED if f not in header]
    if missing:
        raise ImportFileInvalid(f"表头缺少列：{'、'.join(missing)}（第一行须为表头）")
    if len(raw_rows) - 1 > MAX_ROWS:
        raise ImportFileInvalid(f"一次最多导入 {MAX_ROWS} 行")
    return [{name: (cells[i] if i < len(cells) else None) for i, name in enumerate(header) if name}
            for cells in raw_rows[1:]]


def _decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise ImportFileInvalid("文件不是 CSV 或 XLSX 表格")
    text = decode_text_file(data)
    if text is None:
        raise ImportFileInvalid("无法识别文件编码，请另存为 UTF-8 CSV 或 XLSX")
    return text


def _csv_rows(text: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text))
    try:
        return list(reader)
    except csv.Error as exc:   # a cell over csv's size limit, a NUL where a quote should close
        raise ImportFileInvalid(f"第 {reader.line_num} 行无法读取（单元格过长或格式错误）") from exc


def _xlsx_rows(data: bytes) -> list[list[object]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise ImportFileInvalid("文件不是有效的 XLSX 表格") from exc
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for _, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True))]
    finally:
        workbook.close()


def parse_rows(rows: list[dict[str, object]]) -> tuple[list[ArrivalRow], list[RowResult]]:
    """Valid rows and the error report of the invalid ones (duplicate SKUs included)."""
    valid: list[ArrivalRow] = []
    errors: list[RowResult] = []
    first_row_of: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        parsed, problems = _parse_row(number, raw)
        sku = _text(raw.get("sku"))
        if sku and sku in first_row_of:
            problems.append(f"SKU {sku} 与第 {first_row_of[sku]} 行重复")
        first_row_of.setdefault(sku, number)
        if problems:
            errors.append(RowResult(number, sku, "error", problems))
        else:
            valid.append(parsed)
    return valid, errors


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _parse_row(number: int, raw: dict[str, object]) -> tuple[ArrivalRow | None, list[str]]:
    problems: list[str] = []
    if has_nul(*(_text(v) for v in raw.values())):
        problems.append("含有无效字符（NUL）")
    values = {f: _text(raw.get(f)) for f in ("sku", "name", "category")}
    for f, text in values.items():
        if not text:
            problems.append(f"{FIELD_LABELS[f]}不能为空")
        elif len(text) > {"sku": 64, "name": 100, "category": 50}[f]:
            problems.append(f"{FIELD_LABELS[f]}过长")
    price_fen = _price_fen(raw.get("price"), problems)
    launch_on = _date(raw.get("launch_on"), problems)
    season = _season(_text(raw.get("season")), problems)
    if problems:
        return None, problems
    return ArrivalRow(number, values["sku"], values["name"], values["category"], price_fen, season,
                      split_values(_text(raw.get("styles"))), launch_on, _text(raw.get("image"))), []


def _price_fen(value: object, problems: list[str]) -> int:
    text = _text(value).replace("¥", "").replace("￥", "").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        problems.append(f"价格「{text}」不是数字（单位：元）" if text else "价格不能为空")
        return 0
    if not amount.is_finite() or not 0 <= amount <= MAX_PRICE or amount != amount.quantize(Decimal("0.01")):
        problems.append(f"价格「{text[:30]}」须为不小于 0 的金额（最高 {MAX_PRICE:,} 元），最多两位小数")
        return 0
    return int(amount * 100)


def _date(value: object, problems: list[str]) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(f"上市日期「{text}」格式应为 2026-09-01" if text else "上市日期不能为空")
        return date.min


def _season(text: str, problems: list[str]) -> str | None:
    if not text:
        return None
    season = _SEASON_BY_NAME.get(text.lower())
    if season is None:
        problems.append(f"季节「{text}」无效，可填：春、夏、秋、冬、四季")
    return season


def import_arrivals(*, session: Session, data: bytes) -> list[RowResult]:
    """Import a CSV/XLSX of new arrivals; return one result per data row, in file order."""
    valid, report = parse_rows(read_table(data))
    images = _images_by_name(session, {r.image for r in valid if r.image})
    existing = {p.sku: p for p in session.scalars(select(Product).where(Product.sku.in_([r.sku for r in valid])))}
    for row in valid:
        if row.image and row.image not in images:
            report.append(RowResult(row.row, row.sku, "error", [f"图片「{row.image}」未找到，请先上传该图片"]))
            continue
        product = existing.get(row.sku)
        report.append(RowResult(row.row, row.sku, "updated" if product else "created"))
        if product is None:
            product = Product(sku=row.sku)
            session.add(product)
        product.name, product.category, product.price_fen = row.name, row.category, row.price_fen
        product.season, product.styles, product.launch_on = row.season, row.styles, row.launch_on
        if row.image:
            product.image_file_id = images[row.image]
    session.flush()
    return sorted(report, key=lambda r: r.row)


def _images_by_name(session: Session, names: set[str]) -> dict[str, int]:
    """Uploaded images by original file name (the latest upload wins)."""
    if not names:
        return {}
    rows = session.execute(select(MediaFile.original_name, MediaFile.id)
                           .where(MediaFile.original_name.in_(names)).order_by(MediaFile.id)).all()
    return {name: file_id for name, file_id in rows}

