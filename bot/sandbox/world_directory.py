"""Members joining, moving, being disabled and leaving (通讯录变更, change_contact callbacks)."""

from __future__ import annotations

from collections.abc import Iterable

from . import events
from .core import CorpCore
from .models import Member

DISABLED, LEFT = 2, 5


class DirectoryMixin(CorpCore):
    """Admin actions in the directory; a deleted member is kept in ``departed`` (their customers wait)."""

    def _init_directory(self) -> None:
        self.departed: dict[str, Member] = {}
        self.departed_at: dict[str, float] = {}

    def is_departed(self, userid: str) -> bool:
        with self.lock:
            return userid in self.departed and userid not in self.members

    # ----- world actions -------------------------------------------------------------------
    def member_leaves(self, userid: str) -> str:
        """The admin deletes the member (离职): delete_user; their customers and groups wait for a takeover."""
        with self.lock:
            member = self.member(userid)
            del self.members[userid]
            member.status = LEFT
            self.departed[userid], self.departed_at[userid] = member, self.now()
            return events.contact_change(self.corp_id, self.event_time(), "delete_user", userid)

    def member_disabled(self, userid: str) -> str:
        """The admin disables the member: update_user with Status 2."""
        with self.lock:
            self.member(userid).status = DISABLED
            return events.contact_change(self.corp_id, self.event_time(), "update_user", userid,
                                         [("Status", DISABLED)])

    def member_moves(self, userid: str, department: Iterable[int], position: str | None = None) -> str:
        """The member moves to other departments (a store change): update_user with Department/MainDepartment."""
        with self.lock:
            member = self.member(userid)
            depts = [int(d) for d in department]
            if not depts or any(d not in self.departments for d in depts):
                raise ValueError("unknown department")
            member.department = depts
            fields: list[tuple[str, str | int]] = [("Department", ",".join(map(str, depts))),
                                                   ("MainDepartment", depts[0]),
                                                   ("IsLeaderInDept", ",".join("0" for _ in depts))]
            if position is not None:
                member.position = position
                fields.append(("Position", position))
            return events.contact_change(self.corp_id, self.event_time(), "update_user", userid, fields)

    def member_joins(self, userid: str, name: str, department: Iterable[int], position: str = "") -> str:
        """The admin adds a member: create_user (sensitive fields such as Name are not sent to new apps)."""
        with self.lock:
            member = self.add_member(userid, name, department=department, position=position)
            self.departed.pop(userid, None)
            fields: list[tuple[str, str | int]] = [("Department", ",".join(map(str, member.department))),
                                                   ("MainDepartment", member.department[0]),
                                                   ("Position", position), ("Status", member.status)]
            return events.contact_change(self.corp_id, self.event_time(), "create_user", userid, fields)
