"""Stores and guides from WeCom's directory or from an HQ CSV (the rules are in bot/rules/org.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.org import OrgRow, RowError, place_member, store_departments
from models import Guide, Store


@dataclass
class OrgChanges:
    """What a sync or an import changed."""

    stores_created: int = 0
    stores_updated: int = 0
    guides_created: int = 0
    guides_updated: int = 0
    deactivated: int = 0
    absent: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def apply_directory(*, session: Session, departments: list[dict], members: list[dict],
                    now: datetime) -> OrgChanges:
    """Upsert stores (leaf departments) and guides (members) from department/list and user/list."""
    changes = OrgChanges()
    stores = store_departments(departments)
    by_department = {dept_id: _store_for_department(session, dept_id, name, changes)
                     for dept_id, name in stores.items()}
    listed = set()
    for member in members:
        apply_member(session=session, member=member, stores=stores, now=now, changes=changes,
                     by_department=by_department)
        listed.add(member["userid"])
    changes.absent = sorted(
        userid for userid in session.scalars(select(Guide.userid).where(Guide.active.is_(True)))
        if userid not in listed
    )
    session.flush()
    return changes


def apply_member(*, session: Session, member: dict, stores: dict[int, str], now: datetime,
                 changes: OrgChanges | None = None, by_department: dict[int, Store] | None = None) -> Guide:
    """Place one directory member (user/list or user/get) by the org rule and upsert them.

    stores: the store departments (store_departments); by_department: their stores when already read.
    """
    changes = changes if changes is not None else OrgChanges()
    placement = place_member(member, stores)
    dept_id = placement.department_id
    store = None
    if dept_id:
        store = (by_department or {}).get(dept_id) or _store_for_department(session, dept_id, stores[dept_id],
                                                                            changes)
    return _upsert_guide(session, member["userid"], member.get("name") or member["userid"], placement.role,
                         store.id if store else None, placement.active, now, changes)


def _store_for_department(session: Session, dept_id: int, name: str, changes: OrgChanges) -> Store:
    store = session.scalars(select(Store).where(Store.wecom_department_id == dept_id)).one_or_none()
    if store is None:
        code = f"WD{dept_id}"
        store = session.scalars(select(Store).where(Store.code == code)).one_or_none()
        if store is None:
            store = Store(code=code, name=name or code)
            session.add(store)
            changes.stores_created += 1
        store.wecom_department_id = dept_id
    elif name and store.name != name:
        store.name = name
        changes.stores_updated += 1
    session.flush()
    return store


def _upsert_guide(session: Session, userid: str, name: str, role: str, store_id: int | None, active: bool,
                  now: datetime, changes: OrgChanges) -> Guide:
    guide = session.scalars(select(Guide).where(Guide.userid == userid)).one_or_none()
    if guide is None:
        guide = Guide(userid=userid, name=name, role=role, store_id=store_id, active=active,
                      left_at=None if active else now)
        session.add(guide)
        changes.guides_created += 1
        return guide
    before = (guide.name, guide.role, guide.store_id, guide.active)
    guide.name, guide.role, guide.store_id = name, role, store_id
    if guide.active and not active:
        guide.left_at = now
        changes.deactivated += 1
    elif active:
        guide.left_at = None
    guide.active = active
    if before != (guide.name, guide.role, guide.store_id, guide.active):
        changes.guides_updated += 1
    return guide


def import_rows(*, session: Session, rows: list[OrgRow], now: datetime) -> OrgChanges:
    """Apply valid CSV rows: create or rename stores, upsert members; rows that cannot apply become errors."""
    changes = OrgChanges()
    for row in rows:
        store = None
        if row.store_code:
            store = _store_for_code(session, row, changes)
            if store is None:
                changes.errors.append(RowError(row.line, row.userid, f"新门店 {row.store_code} 需要填写门店名称 store_name"))
                continue
        _upsert_guide(session, row.userid, row.name, row.role, store.id if store and row.role != "hq" else None,
                      True, now, changes)
    session.flush()
    return changes


def _store_for_code(session: Session, row: OrgRow, changes: OrgChanges) -> Store | None:
    store = session.scalars(select(Store).where(Store.code == row.store_code)).one_or_none()
    if store is None:
        if not row.store_name:
            return None
        store = Store(code=row.store_code, name=row.store_name)
        session.add(store)
        session.flush()
        changes.stores_created += 1
    elif row.store_name and store.name != row.store_name:
        store.name = row.store_name
        changes.stores_updated += 1
    return store
