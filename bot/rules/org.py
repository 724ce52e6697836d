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

ROOT_DEPARTMENT = 1
MANAGER_MARK = "店长"
HQ_MARK = "总部"
INACTIVE_STATUSES = {2, 5}
ROLE_ALIASES = {
    "guide": "guide", "导购": "guide", "manager": "manager", "店长": "manager", "hq": "hq", "总部": "hq",
}
CSV_COLUMNS = ("store_code", "store_name", "userid", "name", "role")


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
    if not values["userid"]:
        return "缺少 userid"
    if len(values["userid"]) > 64 or len(values["name"]) > 100 or len(values["store_code"]) > 32:
        return "字段过长"
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


def decode_csv(data: bytes) -> str:
    """Decode an uploaded CSV: UTF-8 (with or without BOM), else GBK as Excel saves it in China."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def read_org_csv(data: bytes) -> tuple[list[OrgRow], list[RowError]]:
    """Parse an org CSV (store_code, store_name, userid, name, role); valid rows and per-line errors."""
    reader = csv.DictReader(io.StringIO(decode_csv(data)))
    missing = missing_columns(reader.fieldnames)
    if missing:
        return [], [RowError(1, "", "缺少列：" + ", ".join(missing))]
    reader.fieldnames = [h.strip().lower() for h in reader.fieldnames or []]
    rows: list[OrgRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
            continue
        parsed = parse_org_row(number, raw)
        userid = (raw.get("userid") or "").strip()
        if isinstance(parsed, str):
            errors.append(RowError(number, userid, parsed))
        elif parsed.userid in seen:
            errors.append(RowError(number, userid, f"userid 与第 {seen[parsed.userid]} 行重复"))
        else:
            seen[parsed.userid] = number
            rows.append(parsed)
    return rows, errors
