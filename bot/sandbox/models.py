"""Plain records of the sandbox world. No locking here: SandboxCorp guards them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]


@dataclass
class AppInfo:
    secret: str
    agentid: int | None  # None = the 客户联系 secret

    @property
    def is_contact_secret(self) -> bool:
        return self.agentid is None


@dataclass
class TokenInfo:
    token: str
    secret: str
    issued_at: float
    expires_at: float
    revoked: bool = False


@dataclass
class CallRecord:
    path: str
    method: str
    params: dict[str, str]
    body: Any
    response: Any
    time: float

    @property
    def errcode(self) -> int | None:
        if isinstance(self.response, dict):
            return self.response.get("errcode")
        return None


@dataclass
class Fault:
    errcode: int | None
    delay: float


@dataclass
class Member:
    userid: str
    name: str
    department: list[int]
    mobile: str = ""
    position: str = ""
    status: int = 1
    gender: str = "0"
    email: str = ""

    def to_api(self) -> JsonDict:
        return {
            "userid": self.userid, "name": self.name, "department": list(self.department),
            "order": [0] * len(self.department), "position": self.position, "mobile": self.mobile,
            "gender": self.gender, "email": self.email, "is_leader_in_dept": [0] * len(self.department),
            "status": self.status, "main_department": self.department[0] if self.department else 1,
        }


@dataclass
class Department:
    id: int
    name: str
    parentid: int
    order: int = 0

    def to_api(self) -> JsonDict:
        return {"id": self.id, "name": self.name, "parentid": self.parentid, "order": self.order}


@dataclass
class Customer:
    external_userid: str
    name: str
    type: int = 1
    gender: int = 0
    avatar: str = ""
    unionid: str | None = None
    corp_name: str | None = None
    corp_full_name: str | None = None
    position: str | None = None

    def to_api(self) -> JsonDict:
        out: JsonDict = {"external_userid": self.external_userid, "name": self.name}
        if self.position:
            out["position"] = self.position
        out["avatar"] = self.avatar
        if self.type == 2:
            out["corp_name"] = self.corp_name or ""
            out["corp_full_name"] = self.corp_full_name or ""
        out["type"] = self.type
        out["gender"] = self.gender
        if self.unionid and self.type == 1:
            out["unionid"] = self.unionid
        return out


@dataclass
class Follow:
    """One member <-> customer relation (a ``follow_user`` entry)."""

    userid: str
    external_userid: str
    createtime: int
    add_way: int
    oper_userid: str
    state: str | None = None
    remark: str = ""
    description: str = ""
    remark_corp_name: str = ""
    remark_mobiles: list[str] = field(default_factory=list)
    tag_ids: list[str] = field(default_factory=list)
    customer_deleted: bool = False  # customer removed the member (del_follow_user)
    half: bool = False


@dataclass
class Tag:
    id: str
    name: str
    create_time: int
    order: int
    group_id: str

    def to_api(self) -> JsonDict:
        return {"id": self.id, "name": self.name, "create_time": self.create_time,
                "order": self.order, "deleted": False}


@dataclass
class TagGroup:
    group_id: str
    group_name: str
    create_time: int
    order: int
    tags: list[Tag] = field(default_factory=list)

    def to_api(self, tags: list[Tag] | None = None, with_deleted: bool = True) -> JsonDict:
        out: JsonDict = {"group_id": self.group_id, "group_name": self.group_name,
                         "create_time": self.create_time, "order": self.order}
        if with_deleted:
            out["deleted"] = False
        out["tag"] = [t.to_api() for t in (self.tags if tags is None else tags)]
        if not with_deleted:
            for t in out["tag"]:
                t.pop("deleted")
        return out


@dataclass
class ContactWay:
    config_id: str
    type: int
    scene: int
    style: int
    remark: str
    skip_verify: bool
    state: str
    user: list[str]
    party: list[int]
    is_temp: bool
    expires_in: int
    chat_expires_in: int
    unionid: str
    conclusions: JsonDict
    qr_code: str
    created_at: float
    used: bool = False

    def to_api(self) -> JsonDict:
        out: JsonDict = {
            "config_id": self.config_id, "type": self.type, "scene": self.scene, "style": self.style,
            "remark": self.remark, "skip_verify": self.skip_verify, "state": self.state,
            "user": list(self.user), "party": list(self.party), "is_temp": self.is_temp,
            "expires_in": self.expires_in, "chat_expires_in": self.chat_expires_in,
            "unionid": self.unionid, "conclusions": self.conclusions,
        }
        if self.scene == 2:
            out["qr_code"] = self.qr_code
        return out


@dataclass
class JoinWay:
    config_id: str
    scene: int
    remark: str
    auto_create_room: int
    room_base_name: str
    room_base_id: int
    chat_id_list: list[str]
    state: str
    qr_code: str

    def to_api(self) -> JsonDict:
        out: JsonDict = {"config_id": self.config_id, "scene": self.scene, "remark": self.remark,
                         "auto_create_room": self.auto_create_room, "room_base_name": self.room_base_name,
                         "room_base_id": self.room_base_id, "chat_id_list": list(self.chat_id_list),
                         "state": self.state}
        if self.scene == 2:
            out["qr_code"] = self.qr_code
        return out


@dataclass
class GroupMember:
    userid: str
    type: int  # 1 internal member, 2 external contact
    join_time: int
    join_scene: int  # API codes: 1 direct invite, 2 invite link, 3 QR code
    invitor: str | None = None
    state: str | None = None
    group_nickname: str = ""


@dataclass
class GroupChat:
    chat_id: str
    name: str
    owner: str
    create_time: int
    notice: str
    member_version: str
    members: dict[str, GroupMember] = field(default_factory=dict)
    admins: list[str] = field(default_factory=list)


@dataclass
class WelcomeCode:
    code: str
    external_userid: str
    userid: str
    issued_at: float
    used_at: float | None = None
    payload: JsonDict | None = None

    @property
    def used(self) -> bool:
        return self.used_at is not None


@dataclass
class ResponseCode:
    code: str
    msgid: str
    userid: str | None
    issued_at: float
    used_at: float | None = None


@dataclass
class SentMessage:
    msgid: str
    agentid: int
    msgtype: str
    body: JsonDict
    delivered: list[str]
    dropped: list[str]
    sent_at: float
    response_code: str | None = None
    updates: list[JsonDict] = field(default_factory=list)

    @property
    def task_id(self) -> str | None:
        card = self.body.get("template_card") or {}
        return card.get("task_id")


@dataclass
class Media:
    media_id: str
    type: str
    filename: str
    content_type: str
    data: bytes
    created_at: float


@dataclass
class OAuthCode:
    code: str
    userid: str | None
    openid: str | None
    external_userid: str | None
    scope: str
    issued_at: float
    used: bool = False


@dataclass
class GroupSendTask:
    userid: str
    targets: list[str]  # external_userids (single) or chat_ids (group)
    status: int = 0  # 0 not sent, 2 sent
    send_time: int | None = None
    results: dict[str, int] = field(default_factory=dict)  # target -> send_result status


@dataclass
class GroupSend:
    msgid: str
    chat_type: str
    sender: str | None
    body: JsonDict
    create_time: int
    fail_list: list[str]
    tasks: dict[str, GroupSendTask] = field(default_factory=dict)
