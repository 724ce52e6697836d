"""Rules that turn WeCom's directory or an HQ CSV into stores and guides: pure functions.

Directory rule (org sync):
- a store is a department with no child departments, except the root (id 1) and any department whose
  name, or an ancestor's, contains 总部 (HQ departments are never stores);
- a member belongs to the store of their main department (else of their first store department);
- their role is `manager` when their position contains 店长 or they lead that department
  (is_leader_in_dept), else `guide`; a member in no store department (the root, 总部, a region) is `hq`;
- a member whose status is 2 (disabled) or 5 (left) is inactive.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.rules.form_input import decode_text_file, has_nul

ROOT_DEPARTMENT = 1
MANAGER_MARK = "店长"
HQ_MARK = "总部"
INACTIVE_STATUSES = {2, 5}
ROLE_ALIASES = {
    "guide": "guide", "导购": "guide", "manager": "manager", "店长": "manager", "hq": "hq", "总部": "hq",
}
CSV_COLUMNS = ("store_code", "store_name", "userid", "name", "role")
MAX_LENGTHS = {"store_code": 32, "store_name": 100, "userid": 64, "name": 100}   # the columns' sizes


def store_departments(departments: list[dict]) -> dict[int, str]:
    """Map department id -> name for every department that is a store (a non-root, non-HQ leaf)."""
    by_id = {int(d["id"]): d for d in departments}
    parents = {int(d.get("parentid") or 0) for d in departments}
    return {dept_id: d.get("name", "") for dept_id, d in by_id.items()
            if dept_id != ROOT_DEPARTMENT and dept_id not in parents and not _under_hq(dept_id, by_id)}


def _under_hq(dept_id: int, by_id: dict[int, dict]) -> bool:
    seen: set[int] = set()
    while dept_id in by_id and dept_id not in seen and dept_id != ROOT_DEPARTMENT:
        seen.add(dept_id)
        if HQ_MARK in (by_id[dept_id].get("name") or ""):
            return True
        dept_id = int(by_id[dept_id].get("parentid") or 0)
    return False


@dataclass(frozen=True)
class MemberPlacement:
    """Where a WeCom member goes: store department (None for HQ), role and whether active."""

    department_id: int | None
    role: str
    active: bool


def place_member(member: dict, stores: dict[int, str]) -> MemberPlacement:
    """Decide a member's store department, role and activity by the directory rule."""
    departments = [int(d) for d in member.get("department") or []]
    main = member.get("main_department")
    ordered = ([int(main)] if main else []) + departments
    department = next((d for d in ordered if d in stores), None)
    active = int(member.get("status") or 1) not in INACTIVE_STATUSES
    if department is None:
        return MemberPlacement(None, "hq", active)
    leaders = member.get("is_leader_in_dept") or []
    leads = any(int(flag) == 1 and d == department for d, flag in zip(departments, leaders))
    role = "manager" if MANAGER_MARK in (member.get("position") or "") or leads else "guide"
    return MemberPlacement(department, role, active)


@dataclass(frozen=True)
class OrgRow:
    """One valid row of an org CSV."""

    line: int
    store_code: str | None
    store_name: str | None
    userid: str
    name: str
    role: str


def parse_org_row(line: int, raw: dict) -> OrgRow | str:
    """Validate one CSV row; return an OrgRow or the reason (Chinese) it is rejected."""
    values = {key: (raw.get(key) or "").strip() for key in CSV_COLUMNS}
    if has_nul(*values.values()):
        return "含有无效字符（NUL）"
    if not values["userid"]:
        return "缺少 userid"
    too_long = [key for key, limit in MAX_LENGTHS.items() if len(values[key]) > limit]
    if too_long:
        return "字段过长：" + "、".join(f"{key}（最多 {MAX_LENGTHS[key]} 字）" for key in too_long)
    if not values["name"]:
        return "缺少姓名 name"
    role = ROLE_ALIASES.get(values["role"].lower() if values["role"].isascii() else values["role"])
    if role is None:
        return f"角色 {values['role'] or '(空)'} 无效，应为 guide / manager / hq（导购 / 店长 / 总部）"
    if role != "hq" and not values["store_code"]:
        return "导购和店长必须填写门店编码 store_code"
    return OrgRow(line, values["store_code"] or None, values["store_name"] or None,
                  values["userid"], values["name"], role)


def missing_columns(header: list[str] | None) -> list[str]:
    """The required CSV columns absent from the header."""
    present = {h.strip().lower() for h in header or []}
    return [c for c in CSV_COLUMNS if c not in present]


@dataclass(frozen=True)
class RowError:
    """A rejected CSV line and why."""

    line: int
    userid: str
    reason: str


UNREADABLE_ENCODING = "无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV"
UNREADABLE_LINE = "这一行及之后无法读取（单元格过长或引号不配对），请检查后重新导入"


def read_org_csv(data: bytes) -> tuple[list[OrgRow], list[RowError]]:
    """Parse an org CSV (store_code, store_name, userid, name, role); valid rows and per-line errors.

    The file is UTF-8 or GBK (Excel in China); a line csv cannot read ends the file with an error there.
    """
    text = decode_text_file(data)
    if text is None:
        return [], [RowError(1, "", UNREADABLE_ENCODING)]
    reader = csv.DictReader(io.StringIO(text))
    try:
        missing = missing_columns(reader.fieldnames)
    except csv.Error:
        return [], [RowError(1, "", UNREADABLE_LINE)]
    if missing:
        return [], [RowError(1, "", "缺少列：" + ", ".join(missing))]
    reader.fieldnames = [h.strip().lower() for h in reader.fieldnames or []]
    rows: dict[str, OrgRow] = {}   # by userid: the first row of each
    errors: list[RowError] = []
    try:
        for raw in reader:
            _take_row(reader.line_num, raw, rows, errors)
    except csv.Error:
        errors.append(RowError(reader.line_num, "", UNREADABLE_LINE))
    return list(rows.values()), errors


def _take_row(number: int, raw: dict, rows: dict[str, OrgRow], errors: list[RowError]) -> None:
    if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
        return
    parsed = parse_org_row(number, raw)
    userid = (raw.get("userid") or "").strip()[:64]
    if isinstance(parsed, str):
        errors.append(RowError(number, userid, parsed))
    elif parsed.userid in rows:
        errors.append(RowError(number, userid, f"userid 与第 {rows[parsed.userid].line} 行重复"))
    else:
        rows[parsed.userid] = parsed
