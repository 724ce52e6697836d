"""Customer group chats (客户群) and their 「加入群聊」 ways."""

from __future__ import annotations

from collections.abc import Iterable

from . import events, ids
from .errors import ApiError
from .models import GroupChat, GroupMember, JoinWay, JsonDict
from .world_tags import TagsMixin

# API join_scene (groupchat/get) -> event JoinScene (change_external_chat): 1/2 -> 0, 3 -> 3
EVENT_JOIN_SCENE = {1: 0, 2: 0, 3: 3}
MAX_GROUP_MEMBERS = 500


class GroupsMixin(TagsMixin):
    """Group chats: every membership change bumps member_version."""

    def _init_groups(self) -> None:
        self.groups: dict[str, GroupChat] = {}
        self.join_ways: dict[str, JoinWay] = {}

    # ----- world actions -------------------------------------------------------------------
    def create_group(self, owner: str, name: str, member_ids: Iterable[str] = ()) -> tuple[str, str]:
        """The owner creates a customer group (optionally with first members): create event."""
        with self.lock:
            self.member(owner)
            now = self.event_time()
            chat = GroupChat(ids.chat_id(), name, owner, now, "", ids.member_version())
            chat.members[owner] = GroupMember(owner, 1, now, 1)
            for mid in member_ids:
                if mid != owner:
                    chat.members[mid] = GroupMember(mid, self._member_type(mid), now, 1, invitor=owner)
            self.groups[chat.chat_id] = chat
            return chat.chat_id, events.external_chat(self.corp_id, now, chat.chat_id, "create")

    def join_group(self, chat_id: str, member_ids: Iterable[str], *, join_scene_api: int,
                   invitor: str | None = None, state: str | None = None) -> str:
        """People join: API join_scene 1 direct invite / 2 link / 3 QR; event JoinScene 0 or 3."""
        with self.lock:
            if join_scene_api not in EVENT_JOIN_SCENE:
                raise ValueError("join_scene_api must be 1, 2 or 3")
            chat = self.chat(chat_id)
            if invitor is not None and invitor not in self.members:
                raise ValueError("invitor must be an internal member")
            newcomers = [m for m in dict.fromkeys(member_ids) if m not in chat.members]
            if not newcomers:
                raise ValueError("nobody new joins")
            if len(chat.members) + len(newcomers) > MAX_GROUP_MEMBERS:
                raise ValueError("group is full")
            now = self.event_time()
            for mid in newcomers:
                chat.members[mid] = GroupMember(mid, self._member_type(mid), now, join_scene_api,
                                                invitor=invitor if join_scene_api != 3 else None, state=state)
            last, cur = self._bump_version(chat)
            return events.external_chat(self.corp_id, now, chat_id, "update", update_detail="add_member",
                                        join_scene=EVENT_JOIN_SCENE[join_scene_api], changed=newcomers,
                                        last_ver=last, cur_ver=cur)

    def customer_scans_join_way(self, config_id: str, external_userids: Iterable[str]) -> str:
        """Customers scan a 「加入群聊」 QR: join the first chat of the way with room, scene 3 + state."""
        with self.lock:
            way = self.join_ways.get(config_id)
            if way is None:
                raise ValueError(f"unknown join way {config_id!r}")
            joiners = list(external_userids)
            for chat_id in way.chat_id_list:
                chat = self.groups.get(chat_id)
                if chat and len(chat.members) + len(joiners) <= MAX_GROUP_MEMBERS:
                    return self.join_group(chat_id, joiners, join_scene_api=3, state=way.state or None)
            raise ValueError("no chat of the join way has room")

    def quit_group(self, chat_id: str, member_ids: Iterable[str], quit_scene: int = 0) -> str:
        """Members leave (0 themselves, 1 removed by owner/admin): del_member."""
        with self.lock:
            chat = self.chat(chat_id)
            leaving = list(dict.fromkeys(member_ids))
            for mid in leaving:
                if mid not in chat.members:
                    raise ValueError(f"{mid!r} is not in {chat_id}")
                if mid == chat.owner:
                    raise ValueError("the owner must hand over the group before leaving")
            for mid in leaving:
                del chat.members[mid]
                chat.admins = [a for a in chat.admins if a != mid]
            last, cur = self._bump_version(chat)
            return events.external_chat(self.corp_id, self.event_time(), chat_id, "update",
                                        update_detail="del_member", quit_scene=quit_scene, changed=leaving,
                                        last_ver=last, cur_ver=cur)

    def change_group_owner(self, chat_id: str, new_owner: str) -> str:
        with self.lock:
            chat = self.chat(chat_id)
            if new_owner not in chat.members or chat.members[new_owner].type != 1:
                raise ValueError("the new owner must be an internal member of the group")
            chat.owner = new_owner
            return self._update_event(chat_id, "change_owner")

    def rename_group(self, chat_id: str, name: str) -> str:
        with self.lock:
            self.chat(chat_id).name = name
            return self._update_event(chat_id, "change_name")

    def change_group_notice(self, chat_id: str, notice: str) -> str:
        with self.lock:
            self.chat(chat_id).notice = notice
            return self._update_event(chat_id, "change_notice")

    def set_group_admins(self, chat_id: str, admins: Iterable[str]) -> None:
        """Owner appoints admins (WeCom sends no event for this)."""
        with self.lock:
            chat = self.chat(chat_id)
            chat.admins = [a for a in admins if a in chat.members]

    def dismiss_group(self, chat_id: str) -> str:
        with self.lock:
            self.chat(chat_id)
            del self.groups[chat_id]
            return events.external_chat(self.corp_id, self.event_time(), chat_id, "dismiss")

    # ----- read helpers --------------------------------------------------------------------
    def chat(self, chat_id: str) -> GroupChat:
        with self.lock:
            if chat_id not in self.groups:
                raise ValueError(f"unknown group chat {chat_id!r}")
            return self.groups[chat_id]

    def render_group(self, chat_id: str, need_name: bool) -> JsonDict:
        """``group_chat`` as groupchat/get returns it; 40050 for unknown/dismissed chats."""
        with self.lock:
            chat = self.groups.get(chat_id)
            if chat is None:
                raise ApiError(40050)  # errcode for an unknown chat_id is not in the doc
            return {"chat_id": chat.chat_id, "name": chat.name, "owner": chat.owner,
                    "create_time": chat.create_time, "notice": chat.notice,
                    "member_list": [self._render_member(m, need_name) for m in chat.members.values()],
                    "admin_list": [{"userid": a} for a in chat.admins],
                    "member_version": chat.member_version}

    # ----- internals -----------------------------------------------------------------------
    def _render_member(self, m: GroupMember, need_name: bool) -> JsonDict:
        out: JsonDict = {"userid": m.userid, "type": m.type}
        customer = self.customers.get(m.userid) if m.type == 2 else None
        if customer and customer.unionid and customer.type == 1:
            out["unionid"] = customer.unionid
        out["join_time"], out["join_scene"] = m.join_time, m.join_scene
        if m.invitor:
            out["invitor"] = {"userid": m.invitor}
        out["group_nickname"] = m.group_nickname
        if need_name:
            out["name"] = self.members[m.userid].name if m.type == 1 and m.userid in self.members else (
                customer.name if customer else "")
        if m.state:
            out["state"] = m.state
        return out

    def _member_type(self, userid: str) -> int:
        if userid in self.members:
            return 1
        if userid in self.customers:
            return 2
        raise ValueError(f"{userid!r} is neither a member nor a customer")

    def _bump_version(self, chat: GroupChat) -> tuple[str, str]:
        last = chat.member_version
        chat.member_version = ids.member_version()
        return last, chat.member_version

    def _update_event(self, chat_id: str, detail: str) -> str:
        return events.external_chat(self.corp_id, self.event_time(), chat_id, "update", update_detail=detail)
