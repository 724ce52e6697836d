"""Sync stores and guides from WeCom's directory (department/list + user/list)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.rules.org import ROOT_DEPARTMENT
from bot.services.org_sync import OrgChanges, apply_directory
from models import utcnow


def sync_org(*, session: Session, client) -> OrgChanges:
    """Read every department and member visible to the app and apply the directory rule."""
    departments = client.get("department/list").get("department", [])
    members = client.get("user/list", params={"department_id": ROOT_DEPARTMENT, "fetch_child": 1}).get("userlist", [])
    return apply_directory(session=session, departments=departments, members=members, now=utcnow())
