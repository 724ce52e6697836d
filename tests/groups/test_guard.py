"""Group guard end to end: WeCom's group events through the callback and a real worker, against the sandbox."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from bot.sandbox import events
from bot.services.group_guard import claim_reminders
from tasks.group_guard import sweep_group_guard
from tasks.schedule import fire, slot_of
from tests.groups.helpers import RULES, alerts, brand_policy, cards_to, group_sends, notices, open_group
from tests.spine.helpers import deliver


def test_a_new_member_is_reminded_of_the_rules_once(org, sandbox, driver, work, db, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    lin = sandbox.new_customer("林女士")
    clock.advance(5)
    joined = sandbox.join_group(chat_id, [lin], join_scene_api=2)
    deliver(driver, joined)
    deliver(driver, joined)            # WeCom delivers the same callback again
    work()
    clock.advance(5)                   # a second add_member for the same join (same join_time in groupchat/get)
    deliver(driver, events.external_chat(sandbox.corp_id, sandbox.event_time(), chat_id, "update",
                                         update_detail="add_member", join_scene=0, changed=[lin]))
    work()

    sends = group_sends(sandbox, chat_id)
    assert len(sends) == 1
    assert sends[0].sender == "wangfang" and sends[0].tasks["wangfang"].targets == [chat_id]
    assert RULES in sends[0].body["text"]["content"] and "林女士" in sends[0].body["text"]["content"]
    assert [(n.status, n.msgid) for n in notices(db)] == [("sent", sends[0].msgid)]
    assert alerts(db, chat_id) == []

    clock.advance(60)                  # she leaves and comes back: a new join, a new reminder
    deliver(driver, sandbox.quit_group(chat_id, [lin]))
    clock.advance(60)
    deliver(driver, sandbox.join_group(chat_id, [lin], join_scene_api=2))
    work()
    assert len(group_sends(sandbox, chat_id)) == 2 and [n.status for n in notices(db)] == ["sent", "sent"]


def test_no_rules_text_no_reminder(org, sandbox, driver, work, db, clock):
    brand_policy(db, rules="")
    chat_id = open_group(sandbox, driver, work)
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("林女士")], join_scene_api=2))
    work()
    assert group_sends(sandbox, chat_id) == [] and notices(db) == []


def test_another_corporations_member_alerts_the_owner(org, sandbox, driver, work, db, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    rival = sandbox.new_customer("李经理", type=2, corp_name="竞品服饰")      # a WeCom user nobody here added
    known = sandbox.new_customer("赵总", type=2, corp_name="友商百货")        # a WeCom user lixiao added
    ours = sandbox.new_customer("陈主管", type=2, corp_name="南京路服饰")     # our own corporation's other entity
    deliver(driver, sandbox.customer_adds_member(known, "lixiao"))
    deliver(driver, sandbox.customer_adds_member(ours, "lixiao"))
    clock.advance(5)
    deliver(driver, sandbox.join_group(chat_id, [rival, known, ours], join_scene_api=3))
    work()

    found = {a.member_id: a for a in alerts(db, chat_id)}
    assert set(found) == {rival, known}
    assert found[known].reason == "other_corp" and found[known].corp_name == "友商百货"
    assert found[rival].corp_name is None and "企业名称未知" in found[rival].detail
    assert {a.status for a in found.values()} == {"open"} and {a.notify_status for a in found.values()} == {"sent"}
    cards = cards_to(sandbox, "wangfang")
    assert len(cards) == 2 and {c["emphasis_content"]["title"] for c in cards} == {"李经理", "赵总"}
    assert all("/groups/" in c["card_action"]["url"] for c in cards)
    assert len(cards_to(sandbox, "zhangli")) == 2          # the store's manager gets them too
    assert [len(group_sends(sandbox, chat_id))] == [1]     # everyone who joined is reminded in one 群发


def test_a_keyword_name_alerts_once(org, sandbox, driver, work, db, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    seller = sandbox.new_customer("海外代购小王")
    plain = sandbox.new_customer("周先生")
    clock.advance(5)
    joined = sandbox.join_group(chat_id, [seller, plain], join_scene_api=2)
    deliver(driver, joined)
    deliver(driver, joined)
    work()
    found = alerts(db, chat_id)
    assert [(a.member_id, a.reason, a.detail) for a in found] == [(seller, "keyword", "昵称含关键词「代购」")]
    assert len(cards_to(sandbox, "wangfang")) == 1


def sweep(work, clock) -> int:
    """The scheduler fires the group-guard sweep and the worker runs what it enqueues."""
    fire("group-guard-sweep", slot_of(datetime.fromtimestamp(clock(), timezone.utc)))
    return work()


def test_wecom_busy_leaves_the_reminder_pending_until_the_sweep_sends_it_once(org, sandbox, driver, work, db,
                                                                               clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    sandbox.inject_fault("externalcontact/add_msg_template", errcode=-1, times=4)   # the job and its 3 retries
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("林女士")], join_scene_api=2))
    work()
    assert group_sends(sandbox, chat_id) == [] and [n.status for n in notices(db)] == ["pending"]
    clock.advance(300)
    sweep(work, clock)
    sweep(work, clock)
    assert len(group_sends(sandbox, chat_id)) == 1 and [n.status for n in notices(db)] == ["sent"]


def test_a_card_wecom_refuses_is_recorded_as_failed(org, sandbox, driver, work, db, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    sandbox.inject_fault("message/send", errcode=40003)
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("代购小王")], join_scene_api=2))
    work()
    (alert,) = alerts(db, chat_id)
    assert (alert.status, alert.notify_status, alert.notify_error) == ("open", "failed", "企业微信错误 40003")
    sweep(work, clock)
    assert cards_to(sandbox, "wangfang") == []       # a refused card is not sent again by the sweep


def test_a_crowd_joining_at_once_still_gets_the_whole_rules_in_one_reminder(org, sandbox, driver, work, db, clock):
    rules = "群" * 1000                       # the longest rules text HQ may save: 3000 bytes in UTF-8
    brand_policy(db, rules=rules)
    chat_id = open_group(sandbox, driver, work)
    crowd = [sandbox.new_customer(f"来自南京路步行街旗舰店的老顾客会员第{i:02d}位") for i in range(20)]
    clock.advance(5)
    deliver(driver, sandbox.join_group(chat_id, crowd, join_scene_api=2))
    work()
    (send,) = group_sends(sandbox, chat_id)
    content = send.body["text"]["content"]
    assert len(content.encode("utf-8")) <= 4000 and content.endswith(rules)
    assert "来自南京路步行街旗舰店的老顾客会员第00位" in content and "等 20 位" in content
    assert [n.status for n in notices(db)] == ["sent"] * 20


def test_two_jobs_claiming_the_same_reminders_at_once_take_them_once(org, sandbox, driver, work, db, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    sandbox.inject_fault("externalcontact/add_msg_template", errcode=-1, times=4)   # leave them pending
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("林女士"), sandbox.new_customer("周先生")],
                                       join_scene_api=2))
    work()
    group_id = notices(db)[0].group_id
    second: list = []

    def claim_meanwhile() -> None:
        with db.transaction() as session:
            second.extend(n.id for n, _earlier in claim_reminders(session=session, group_id=group_id))

    with db.transaction() as session:
        first = [n.id for n, _earlier in claim_reminders(session=session, group_id=group_id)]
        other = threading.Thread(target=claim_meanwhile)
        other.start()
        other.join(0.5)                          # it waits for this transaction's claim to commit
    other.join(10)
    assert len(first) == 2 and second == [] and [n.status for n in notices(db)] == ["sending", "sending"]


def test_the_sweep_keeps_one_job_per_group_while_its_last_one_waits(org, sandbox, driver, work, db, clock):
    brand_policy(db)
    chat_id = open_group(sandbox, driver, work)
    sandbox.inject_fault("externalcontact/add_msg_template", errcode=-1, times=4)   # the job and its 3 retries
    deliver(driver, sandbox.join_group(chat_id, [sandbox.new_customer("林女士")], join_scene_api=2))
    work()
    assert [n.status for n in notices(db)] == ["pending"]
    assert [sweep_group_guard(), sweep_group_guard()] == [1, 0]     # the first one's job is still queued
    work()
    assert len(group_sends(sandbox, chat_id)) == 1 and [n.status for n in notices(db)] == ["sent"]
    assert sweep_group_guard() == 0
