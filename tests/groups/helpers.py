"""Group-guard test helpers: the brand's policy, a store manager of the second store, rows read back."""
from __future__ import annotations

from sqlalchemy import select

from bot.services.group_guard import save_policy
from models import Guide, GroupChat
from models.group_guard import GroupAlert, GroupJoinNotice
from tests.spine.helpers import deliver

RULES = "本群为会员服务群：请勿私加群成员、发广告，违者移出。"


def brand_policy(db, *, rules: str = RULES, keywords: str = "代购\n加微信", own: str = "南京路服饰") -> None:
    with db.transaction() as session:
        save_policy(session=session, store_id=None, by="总部运营", rules_text=rules, keywords=keywords,
                    own_corp_names=own)


def make_manager(db, userid: str) -> None:
    with db.transaction() as session:
        session.scalars(select(Guide).where(Guide.userid == userid)).one().role = "manager"


def open_group(sandbox, driver, work, owner: str = "wangfang", name: str = "南京路VIP群") -> str:
    chat_id, xml = sandbox.create_group(owner, name)
    deliver(driver, xml)
    work()
    return chat_id


def alerts(db, chat_id: str) -> list[GroupAlert]:
    with db.transaction() as session:
        return list(session.scalars(select(GroupAlert).join(GroupChat, GroupChat.id == GroupAlert.group_id)
                                    .where(GroupChat.chat_id == chat_id).order_by(GroupAlert.id)))


def notices(db) -> list[GroupJoinNotice]:
    with db.transaction() as session:
        return list(session.scalars(select(GroupJoinNotice).order_by(GroupJoinNotice.id)))


def group_sends(sandbox, chat_id: str) -> list:
    """The 群发 tasks the sandbox holds for this group chat."""
    return [s for s in sandbox.group_sends.values()
            if s.chat_type == "group" and any(chat_id in t.targets for t in s.tasks.values())]


def cards_to(sandbox, userid: str) -> list[dict]:
    return [m.body["template_card"] for m in sandbox.sent_messages(userid) if m.msgtype == "template_card"]
