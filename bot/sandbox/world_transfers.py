"""在职继承 / 离职继承: customers and groups handed from one member to another.

A customer transfer waits (status 2) until ``transfer_delay`` has passed (24 h in WeCom), then completes (1),
unless the customer refused it (3, 在职 only) or the takeover member has no room (4). Results are applied
lazily, when transfer_result is read or settle_transfers() is called; the callbacks WeCom sends when a
transfer completes or fails go to ``transfer_outbox`` for the driver to deliver.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import events
from .models import Follow, GroupMember
from .world_directory import DirectoryMixin
from .world_groups import GroupsMixin

TRANSFER_DELAY = 24 * 3600.0
ONJOB_WINDOW = 90 * 86400.0     # 在职继承: each customer at most twice in 90 days
ONJOB_MAX_IN_WINDOW = 2
DONE, WAITING, REFUSED, LIMIT = 1, 2, 3, 4
ADD_WAY_ASSIGNED = 202          # follow_user.add_way: 管理员/负责人分配
RESULT_PAGE = 1000              # transfer_result: at most 1000 customers a page


@dataclass
class Transfer:
    kind: str                   # "onjob" | "resigned"
    handover: str
    takeover: str
    external_userid: str
    requested_at: float
    due_at: float
    status: int = WAITING
    takeover_time: int = 0

    def render(self) -> dict:
        return {"external_userid": self.external_userid, "status": self.status,
                "takeover_time": self.takeover_time if self.status in (DONE, WAITING) else 0}


class TransfersMixin(DirectoryMixin, GroupsMixin):
    """Customer and group hand-overs; ``customer_limits`` caps a member's customers (status 4 beyond)."""

    def _init_transfers(self) -> None:
        self.transfers: list[Transfer] = []
        self.transfer_delay = TRANSFER_DELAY
        self.customer_limits: dict[str, int] = {}
        self.transfer_outbox: list[str] = []
        self.transfer_result_page = RESULT_PAGE

    def request_transfer(self, kind: str, handover: str, takeover: str, eid: str) -> int:
        """One customer of a transfer_customer call: 0 when the transfer starts, else the errcode."""
        with self.lock:
            if eid not in self.customers:
                return 40096
            if handover == takeover:
                return 40130
            follow = self.follow(eid, handover)
            if follow is None:
                return 84061
            if any(t.external_userid == eid and t.status == WAITING for t in self.transfers):
                return 40129
            now = self.now()
            if kind == "onjob" and sum(1 for t in self.transfers if t.external_userid == eid and t.kind == "onjob"
                                       and t.status in (WAITING, DONE)
                                       and now - t.requested_at < ONJOB_WINDOW) >= ONJOB_MAX_IN_WINDOW:
                return 40128
            due = now + self.transfer_delay
            self.transfers.append(Transfer(kind, handover, takeover, eid, now, due, takeover_time=int(due)))
            return 0

    def transfer_results(self, kind: str, handover: str, takeover: str) -> list[dict]:
        """transfer_result rows of the pair: the latest transfer of each customer."""
        with self.lock:
            self._settle_due()
            latest: dict[str, Transfer] = {}
            for t in self.transfers:
                if (t.kind, t.handover, t.takeover) == (kind, handover, takeover):
                    latest[t.external_userid] = t
            return [t.render() for t in latest.values()]

    # ----- world actions -------------------------------------------------------------------
    def customer_refuses_transfer(self, external_userid: str) -> str:
        """The customer taps 拒绝 on a 在职继承 notice: status 3 and a transfer_fail callback."""
        with self.lock:
            t = next((t for t in self.transfers if t.external_userid == external_userid and t.status == WAITING
                      and t.kind == "onjob"), None)
            if t is None:
                raise ValueError(f"no 在职继承 of {external_userid!r} is waiting")
            t.status = REFUSED
            return events.external_contact(self.corp_id, self.event_time(), "transfer_fail", t.takeover,
                                           external_userid, fail_reason="customer_refused")

    def settle_transfers(self) -> list[str]:
        """Complete the transfers whose time has come; return (and clear) the callbacks WeCom sends."""
        with self.lock:
            self._settle_due()
            out, self.transfer_outbox = self.transfer_outbox, []
            return out

    def transfer_group(self, chat_id: str, new_owner: str, *, resigned: bool) -> int:
        """groupchat/transfer (resigned) or groupchat/onjob_transfer: 0, or the chat's errcode."""
        with self.lock:
            chat = self.groups.get(chat_id)
            if chat is None:
                return 90501   # not a customer group of this corp
            if resigned and not self.is_departed(chat.owner):
                return 90500
            if not resigned and self.is_departed(chat.owner):
                return 90502
            chat.owner = new_owner
            if new_owner not in chat.members:
                chat.members[new_owner] = GroupMember(new_owner, 1, self.event_time(), 1)
            return 0   # made through the API: no callback

    # ----- internals -----------------------------------------------------------------------
    def _settle_due(self) -> None:
        now = self.now()
        for t in self.transfers:
            if t.status == WAITING and t.due_at <= now:
                self._complete(t)

    def _complete(self, t: Transfer) -> None:
        limit = self.customer_limits.get(t.takeover)
        if limit is not None and len(self.customers_of(t.takeover)) >= limit:
            t.status, t.takeover_time = LIMIT, 0
            self.transfer_outbox.append(events.external_contact(
                self.corp_id, int(t.due_at), "transfer_fail", t.takeover, t.external_userid,
                fail_reason="customer_limit_exceed"))
            return
        t.status = DONE
        relations = self.follows.setdefault(t.external_userid, {})
        previous = relations.pop(t.handover, None)
        if t.takeover not in relations:   # already a friend: WeCom sends no add event
            relations[t.takeover] = Follow(t.takeover, t.external_userid, int(t.due_at), ADD_WAY_ASSIGNED,
                                           t.takeover, remark=previous.remark if previous else "")
            self.transfer_outbox.append(events.external_contact(
                self.corp_id, int(t.due_at), "add_external_contact", t.takeover, t.external_userid))
        if t.kind == "onjob":
            self.transfer_outbox.append(events.external_contact(
                self.corp_id, int(t.due_at), "del_external_contact", t.handover, t.external_userid,
                source="DELETE_BY_TRANSFER"))
