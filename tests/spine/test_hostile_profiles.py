"""Over-long and NUL-bearing profile fields from externalcontact/get and groupchat/get: cut and cleaned, recorded."""
from __future__ import annotations

from sqlalchemy import select

from models import GroupChat, GroupMember
from tests.spine.helpers import customer, deliver, friendship, inbox


def test_a_customer_and_group_with_hostile_profile_fields_are_recorded(org, sandbox, driver, work, db):
    eid = sandbox.new_customer("林" * 150 + "\x00女士", type=2, corp_name="\x00公司" * 80,
                               avatar="http://a/" + "p" * 600)
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang", with_welcome_code=False))
    deliver(driver, sandbox.member_edits_customer(eid, "wangfang", remark="备\x00注" + "长" * 200,
                                                  description="描述\x00" * 400))
    chat_id, created = sandbox.create_group("wangfang", "群\x00" * 120)
    deliver(driver, created)
    deliver(driver, sandbox.change_group_notice(chat_id, "公告\x00" * 1500))
    deliver(driver, sandbox.join_group(chat_id, [eid], join_scene_api=1, invitor="wangfang"))
    work()

    assert [row.status for row in inbox(db)] == ["processed"] * 5
    found = customer(db, eid)
    assert found.name == "林" * 100 and found.corp_name == ("公司" * 80)[:100] and len(found.avatar) == 512
    assert friendship(db, "wangfang", eid).remark == ("备注" + "长" * 200)[:100]
    with db.transaction() as session:
        group = session.scalars(select(GroupChat).where(GroupChat.chat_id == chat_id)).one()
        assert group.name == "群" * 100 and group.notice == ("公告" * 1500)[:2000]
        member = session.scalars(select(GroupMember).where(GroupMember.member_id == eid)).one()
        assert member.customer_id == found.id
