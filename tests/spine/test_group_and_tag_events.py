"""change_external_chat and change_external_tag end to end, with group-join attribution."""
from __future__ import annotations

from sqlalchemy import select

from models import CorpTag, GroupChat, GroupMember, Guide
from tests.conftest import API_TOKEN
from tests.spine.helpers import deliver, inbox

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def members(db, chat_id):
    with db.transaction() as session:
        rows = session.execute(
            select(GroupMember, Guide.userid).join(GroupChat, GroupMember.group_id == GroupChat.id)
            .outerjoin(Guide, GroupMember.attributed_guide_id == Guide.id).where(GroupChat.chat_id == chat_id)
        ).all()
        return {m.member_id: (m, userid) for m, userid in rows}


def group(db, chat_id):
    with db.transaction() as session:
        return session.scalars(select(GroupChat).where(GroupChat.chat_id == chat_id)).one()


def test_group_lifecycle_and_join_attribution(client, org, sandbox, driver, work, clock, db):
    chat_id, xml = sandbox.create_group("zhangli", "南京路VIP群", ["wangfang", "lixiao"])
    deliver(driver, xml)
    work()
    assert group(db, chat_id).owner_userid == "zhangli" and group(db, chat_id).name == "南京路VIP群"

    response = client.post("/api/v1/channels", json={"guide_userid": "wangfang", "chat_id": chat_id,
                                                      "campaign": "入群礼"}, headers=AUTH)
    assert response.status_code == 201
    join_way = response.get_json()
    assert join_way["kind"] == "group" and join_way["qr_code"]

    scanner, invited, walk_in = (sandbox.new_customer(n) for n in ("扫码客", "受邀客", "链接客"))
    clock.advance(1)
    deliver(driver, sandbox.customer_scans_join_way(join_way["config_id"], [scanner]))
    clock.advance(1)
    deliver(driver, sandbox.join_group(chat_id, [invited], join_scene_api=1, invitor="lixiao"))
    clock.advance(1)
    deliver(driver, sandbox.join_group(chat_id, [walk_in], join_scene_api=2))
    work()
    seen = members(db, chat_id)
    assert seen[scanner][1] == "wangfang" and seen[scanner][0].join_scene == 3
    assert seen[scanner][0].state == join_way["state"] and seen[scanner][0].channel_id == join_way["id"]
    assert seen[invited][1] == "lixiao" and seen[invited][0].invitor_userid == "lixiao"
    assert seen[walk_in][1] == "zhangli"

    clock.advance(1)
    deliver(driver, sandbox.quit_group(chat_id, [walk_in], quit_scene=1))
    deliver(driver, sandbox.rename_group(chat_id, "南京路尊享群"))
    deliver(driver, sandbox.change_group_notice(chat_id, "文明沟通"))
    deliver(driver, sandbox.change_group_owner(chat_id, "wangfang"))
    work()
    assert members(db, chat_id)[walk_in][0].quit_at is not None
    assert members(db, chat_id)[walk_in][0].quit_scene == 1
    info = group(db, chat_id)
    assert (info.name, info.notice, info.owner_userid) == ("南京路尊享群", "文明沟通", "wangfang")

    body = client.get(f"/api/v1/customers/{invited}", headers=AUTH).get_json()
    assert body["groups"][0]["attributed_guide"] == "lixiao" and body["groups"][0]["active"] is True

    clock.advance(1)
    deliver(driver, sandbox.dismiss_group(chat_id))
    work()
    assert group(db, chat_id).dismissed_at is not None
    assert {e.status for e in inbox(db)} == {"processed"}


def tags(db):
    with db.transaction() as session:
        return {t.tag_id: t for t in session.scalars(select(CorpTag))}


def test_corp_tags_follow_the_admin_console(org, sandbox, driver, work, db):
    deliver(driver, sandbox.admin_creates_tag("会员等级", "金卡"))
    work()
    group_id = sandbox.group_by_name("会员等级").group_id
    gold = sandbox.tag_id("会员等级", "金卡")
    assert tags(db)[group_id].is_group and tags(db)[gold].name == "金卡"

    deliver(driver, sandbox.admin_creates_tag("会员等级", "银卡"))
    deliver(driver, sandbox.admin_renames_tag(gold, "黑金卡"))
    work()
    silver = sandbox.tag_id("会员等级", "银卡")
    assert tags(db)[gold].name == "黑金卡" and tags(db)[silver].group_id == group_id

    deliver(driver, sandbox.admin_deletes_tag(silver))
    deliver(driver, sandbox.admin_reorders_tags(group_id))
    work()
    assert tags(db)[silver].deleted and not tags(db)[gold].deleted
    deliver(driver, sandbox.admin_deletes_tag(group_id))
    work()
    assert all(t.deleted for t in tags(db).values())
    assert {e.status for e in inbox(db)} == {"processed"}
