"""Customers (external contacts), follow relations, welcome codes and 「联系我」 scans."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import events, ids
from .core import CorpCore
from .errors import ApiError
from .models import ContactWay, Customer, Follow, JsonDict, Tag, TagGroup, WelcomeCode

WELCOME_TTL = 20.0
# [GAP] the doc does not say what an expired-but-unused welcome_code answers; 41051 is the code
# WeCom uses once the welcome window is closed for the pair, so it is the plausible default.
WELCOME_EXPIRED_ERRCODE = 41051


class ContactsMixin(CorpCore):
    """Customers and what members/customers do with each other in the client."""

    def _init_contacts(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.follows: dict[str, dict[str, Follow]] = {}  # external_userid -> userid -> Follow
        self.tag_groups: dict[str, TagGroup] = {}
        self.contact_ways: dict[str, ContactWay] = {}
        self.welcome_codes: dict[str, WelcomeCode] = {}
        self.welcome_ttl = WELCOME_TTL
        self.welcome_expired_errcode = WELCOME_EXPIRED_ERRCODE

    # ----- setup ---------------------------------------------------------------------------
    def new_customer(self, name: str, *, unionid: str | None = None, type: int = 1, gender: int = 0,
                     corp_name: str | None = None, corp_full_name: str | None = None,
                     avatar: str | None = None, position: str | None = None) -> str:
        """Create an external contact (nobody follows it yet); returns its external_userid."""
        with self.lock:
            eid = ids.external_userid(type)
            avatar = avatar if avatar is not None else f"http://wx.qlogo.cn/mmhead/{ids.rand_chars(24)}/0"
            self.customers[eid] = Customer(eid, name, type, gender, avatar, unionid, corp_name,
                                           corp_full_name or corp_name, position)
            return eid

    def customer(self, external_userid: str) -> Customer:
        with self.lock:
            if external_userid not in self.customers:
                raise ValueError(f"unknown customer {external_userid!r}")
            return self.customers[external_userid]

    def follow(self, external_userid: str, userid: str) -> Follow | None:
        with self.lock:
            return self.follows.get(external_userid, {}).get(userid)

    # ----- world actions -------------------------------------------------------------------
    def customer_adds_member(self, external_userid: str, userid: str, *, state: str | None = None,
                             add_way: int = 1, half: bool = False, with_welcome_code: bool = True) -> str:
        """The customer adds the member (scan, card...): add_external_contact or add_half_external_contact."""
        return self._add_relation(external_userid, userid, oper=external_userid, state=state,
                                  add_way=add_way, half=half, with_welcome_code=with_welcome_code)

    def member_adds_customer(self, external_userid: str, userid: str, *, add_way: int = 2,
                             with_welcome_code: bool = True) -> str:
        """The member adds the customer (search by mobile...): add_external_contact, oper_userid = member."""
        return self._add_relation(external_userid, userid, oper=userid, state=None, add_way=add_way,
                                  half=False, with_welcome_code=with_welcome_code)

    def customer_scans_contact_way(self, config_id: str, external_userid: str, *,
                                   userid: str | None = None, half: bool = False) -> str:
        """The customer scans a 「联系我」 QR code: State = the way's state, add_way 1."""
        with self.lock:
            way = self.contact_ways.get(config_id)
            if way is None:
                raise ValueError(f"unknown contact way {config_id!r}")
            if way.is_temp and way.used:
                raise ValueError("temporary contact way QR code already used")
            chosen = userid or (way.user[0] if way.user else self._first_member_of(way.party))
            if chosen not in way.user and not self._member_in_parties(chosen, way.party):
                raise ValueError(f"{chosen!r} is not on contact way {config_id!r}")
            way.used = True
            return self._add_relation(external_userid, chosen, oper=external_userid, state=way.state or None,
                                      add_way=1, half=half, with_welcome_code=True)

    def member_edits_customer(self, external_userid: str, userid: str, *, remark: str | None = None,
                              description: str | None = None, remark_mobiles: list[str] | None = None,
                              remark_corp_name: str | None = None, add_tags: Iterable[str] = (),
                              remove_tags: Iterable[str] = ()) -> str | None:
        """edit_external_contact; None when only remark_mobiles changed (WeCom sends nothing then)."""
        with self.lock:
            f = self._require_follow(external_userid, userid)
            add, remove = list(add_tags), list(remove_tags)
            for tid in add + remove:
                if self.find_tag(tid) is None:
                    raise ValueError(f"unknown tag {tid!r}")
            if remark_mobiles is not None:
                f.remark_mobiles = list(remark_mobiles)
            changed = self._apply_edits(f, remark, description, remark_corp_name, add, remove)
            if not changed:
                return None
            return events.external_contact(self.corp_id, self.event_time(), "edit_external_contact",
                                           userid, external_userid)

    def member_deletes_customer(self, external_userid: str, userid: str, by_transfer: bool = False) -> str:
        """del_external_contact (Source DELETE_BY_TRANSFER for 在职继承)."""
        with self.lock:
            self._require_follow(external_userid, userid)
            del self.follows[external_userid][userid]
            return events.external_contact(self.corp_id, self.event_time(), "del_external_contact", userid,
                                           external_userid, source="DELETE_BY_TRANSFER" if by_transfer else None)

    def customer_deletes_member(self, external_userid: str, userid: str) -> str:
        """del_follow_user; the member keeps the one-sided relation (marked customer_deleted)."""
        with self.lock:
            self._require_follow(external_userid, userid).customer_deleted = True
            return events.external_contact(self.corp_id, self.event_time(), "del_follow_user",
                                           userid, external_userid)

    def transfer_fail(self, external_userid: str, userid: str, reason: str = "customer_refused") -> str:
        """transfer_fail: ``userid`` is the takeover member; reason customer_refused|customer_limit_exceed."""
        with self.lock:
            self.customer(external_userid)
            self.member(userid)
            return events.external_contact(self.corp_id, self.event_time(), "transfer_fail", userid,
                                           external_userid, fail_reason=reason)

    # ----- read helpers --------------------------------------------------------------------
    def tags_of(self, external_userid: str, userid: str) -> set[str]:
        with self.lock:
            f = self.follow(external_userid, userid)
            return set(f.tag_ids) if f else set()

    def customers_of(self, userid: str) -> list[str]:
        with self.lock:
            return [eid for eid, rel in self.follows.items() if userid in rel]

    def follow_users(self, external_userid: str) -> list[JsonDict]:
        """``follow_user`` exactly as externalcontact/get renders it."""
        with self.lock:
            return [self._render_follow(f) for f in self.follows.get(external_userid, {}).values()]

    def welcome_messages(self) -> list[JsonDict]:
        """Every welcome code issued, with when (and whether) send_welcome_msg used it."""
        with self.lock:
            return [{"code": w.code, "external_userid": w.external_userid, "userid": w.userid,
                     "issued_at": w.issued_at, "used_at": w.used_at, "payload": w.payload,
                     "latency": None if w.used_at is None else w.used_at - w.issued_at}
                    for w in self.welcome_codes.values()]

    def consume_welcome_code(self, code: str, payload: JsonDict) -> WelcomeCode:
        """send_welcome_msg semantics: 20 s validity, single use (41051 on reuse)."""
        with self.lock:
            w = self.welcome_codes.get(code)
            if w is None:
                raise ApiError(40058, "invalid welcome_code")
            if w.used:
                raise ApiError(41051)
            if self.now() - w.issued_at > self.welcome_ttl:
                raise ApiError(self.welcome_expired_errcode, "welcome_code expired")
            w.used_at, w.payload = self.now(), payload
            return w

    # ----- tag lookups (tag groups live in world_tags) -----------------------------------
    def find_tag(self, tag_id: str) -> Tag | None:
        with self.lock:
            for group in self.tag_groups.values():
                for tag in group.tags:
                    if tag.id == tag_id:
                        return tag
            return None

    # ----- internals -----------------------------------------------------------------------
    def _add_relation(self, eid: str, userid: str, *, oper: str, state: str | None, add_way: int,
                      half: bool, with_welcome_code: bool) -> str:
        with self.lock:
            customer, _ = self.customer(eid), self.member(userid)
            rel = self.follows.setdefault(eid, {})
            previous = rel.get(userid)
            half_code_used = bool(previous and previous.half and self._pair_code_used(eid, userid))
            follow = Follow(userid, eid, self.event_time(), add_way, oper, state=state, half=half)
            if previous is not None:  # a re-add keeps what the member had noted
                follow.tag_ids, follow.remark, follow.description = previous.tag_ids, previous.remark, \
                    previous.description
            rel[userid] = follow
            code = None
            if with_welcome_code and customer.type == 1 and not half_code_used:
                code = self._issue_welcome_code(eid, userid)
            change = "add_half_external_contact" if half else "add_external_contact"
            return events.external_contact(self.corp_id, self.event_time(), change, userid, eid,
                                           state=state, welcome_code=code)

    def _issue_welcome_code(self, eid: str, userid: str) -> str:
        code = ids.welcome_code()
        self.welcome_codes[code] = WelcomeCode(code, eid, userid, self.now())
        return code

    def _pair_code_used(self, eid: str, userid: str) -> bool:
        return any(w.used for w in self.welcome_codes.values()
                   if w.external_userid == eid and w.userid == userid)

    def _require_follow(self, eid: str, userid: str) -> Follow:
        f = self.follow(eid, userid)
        if f is None:
            raise ValueError(f"{eid!r} is not a customer of {userid!r}")
        return f

    def _apply_edits(self, f: Follow, remark: str | None, description: str | None,
                     remark_corp_name: str | None, add: list[str], remove: list[str]) -> bool:
        before = (f.remark, f.description, f.remark_corp_name, list(f.tag_ids))
        f.remark = f.remark if remark is None else remark
        f.description = f.description if description is None else description
        f.remark_corp_name = f.remark_corp_name if remark_corp_name is None else remark_corp_name
        f.tag_ids = [t for t in f.tag_ids if t not in remove] + [t for t in add if t not in f.tag_ids]
        return before != (f.remark, f.description, f.remark_corp_name, f.tag_ids)

    def _render_follow(self, f: Follow) -> JsonDict:
        tags: list[JsonDict] = []
        for tid in f.tag_ids:
            tag = self.find_tag(tid)
            if tag is not None:
                group = self.tag_groups[tag.group_id]
                tags.append({"group_name": group.group_name, "tag_name": tag.name, "tag_id": tag.id, "type": 1})
        out: dict[str, Any] = {"userid": f.userid, "remark": f.remark, "description": f.description,
                               "createtime": f.createtime, "tags": tags}
        if f.remark_corp_name:
            out["remark_corp_name"] = f.remark_corp_name
        out["remark_mobiles"] = list(f.remark_mobiles)
        if f.state:
            out["state"] = f.state
        out["oper_userid"], out["add_way"] = f.oper_userid, f.add_way
        return out

    def _member_in_parties(self, userid: str, parties: list[int]) -> bool:
        depts = {d for p in parties for d in self.department_tree(p)}
        member = self.members.get(userid)
        return bool(member and depts.intersection(member.department))

    def _first_member_of(self, parties: list[int]) -> str:
        for member in self.members.values():
            if self._member_in_parties(member.userid, parties):
                return member.userid
        raise ValueError("contact way has no member")
