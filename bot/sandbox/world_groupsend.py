"""企业群发 (add_msg_template): tasks per member, confirmation in the client, receive caps."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta, timezone

from . import ids
from .models import GroupSend, GroupSendTask, JsonDict
from .world_messages import MessagesMixin

CHINA = timezone(timedelta(hours=8))
# send_result statuses
NOT_SENT, SENT, NOT_FRIEND, CAP_REACHED = 0, 1, 2, 3


class GroupSendMixin(MessagesMixin):
    """Group-send tasks wait until each member confirms them in the client."""

    def _init_groupsend(self) -> None:
        self.group_sends: dict[str, GroupSend] = {}
        self.groupmsg_cap_mode = "month"  # "month" (days in month) | "week" (7) | "day" (1)

    def create_group_send(self, chat_type: str, sender: str | None, body: JsonDict,
                          assignment: dict[str, list[str]], fail_list: list[str]) -> GroupSend:
        """``assignment`` maps each member to the customers/chats its task covers."""
        with self.lock:
            send = GroupSend(ids.msgid(), chat_type, sender, body, self.event_time(), fail_list)
            for userid, targets in assignment.items():
                send.tasks[userid] = GroupSendTask(userid, list(targets))
            self.group_sends[send.msgid] = send
            return send

    # ----- world actions -------------------------------------------------------------------
    def member_confirms_group_send(self, msgid: str, userid: str) -> None:
        """The member taps 发送 in 群发助手; recipients over their receive cap get status 3."""
        with self.lock:
            send = self.group_sends.get(msgid)
            task = send.tasks.get(userid) if send else None
            if send is None or task is None:
                raise ValueError(f"{userid!r} has no task in {msgid!r}")
            if task.status == 2:
                raise ValueError("already sent")
            task.status, task.send_time = 2, self.event_time()
            for target in task.targets:
                task.results[target] = self._delivery_status(send, userid, target)

    # ----- read helpers --------------------------------------------------------------------
    def received_group_sends(self, target: str) -> int:
        """How many group sends ``target`` (external_userid or chat_id) received this cap period."""
        with self.lock:
            period = self._period(self.event_time())
            return sum(1 for s in self.group_sends.values() for t in s.tasks.values()
                       if t.results.get(target) == SENT and t.send_time is not None
                       and self._period(t.send_time) == period)

    def group_send_cap(self) -> int:
        if self.groupmsg_cap_mode == "day":
            return 1
        if self.groupmsg_cap_mode == "week":
            return 7
        now = datetime.fromtimestamp(self.event_time(), CHINA)
        return calendar.monthrange(now.year, now.month)[1]

    # ----- internals -----------------------------------------------------------------------
    def _delivery_status(self, send: GroupSend, userid: str, target: str) -> int:
        if send.chat_type == "single":
            follow = self.follow(target, userid)
            if follow is None or follow.customer_deleted:
                return NOT_FRIEND
        elif target not in self.groups:
            return NOT_SENT
        if self.received_group_sends(target) >= self.group_send_cap():
            return CAP_REACHED
        return SENT

    def _period(self, ts: int) -> tuple[int, ...]:
        day = datetime.fromtimestamp(ts, CHINA)
        if self.groupmsg_cap_mode == "day":
            return (day.year, day.month, day.day)
        if self.groupmsg_cap_mode == "week":
            iso = day.isocalendar()
            return (iso[0], iso[1])
        return (day.year, day.month)
