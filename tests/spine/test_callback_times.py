"""A callback whose CreateTime is not a usable time is still stored, acknowledged and processed.

Before, a CreateTime of year 312873 or a '²' made the callback answer 500, so the event was never stored
and WeCom retried it forever. Now the inbox row has no event time, and the handlers order the event by
the time the inbox received it.
"""
from __future__ import annotations

import re

import pytest

from sqlalchemy import select

from bot.rules.membership import friendship_status
from models import GroupMember
from tests.spine.helpers import deliver, friendship, inbox

YEAR_312873 = str(9_810_000_000_000)   # seconds since 1970 in year 312873


def with_create_time(xml: str, value: str) -> str:
    return re.sub(r"<CreateTime>[^<]*</CreateTime>", f"<CreateTime>{value}</CreateTime>", xml, count=1)


def status(db, userid: str, eid: str) -> str:
    row = friendship(db, userid, eid)
    return friendship_status(row.added_at, row.deleted_by_guide_at, row.deleted_by_customer_at)


@pytest.mark.parametrize("create_time", [YEAR_312873, "²", "١٧٠٠٠٠٠٠٠٠", "-5", ""])
def test_an_add_with_an_unusable_create_time_is_stored_and_makes_a_friend(org, sandbox, driver, work, db,
                                                                          create_time):
    eid = sandbox.new_customer("林女士")
    deliver(driver, with_create_time(sandbox.customer_adds_member(eid, "wangfang"), create_time))
    [row] = inbox(db)
    assert row.event_time is None and row.event == "change_external_contact"
    assert work() >= 1
    [row] = inbox(db)
    assert row.status == "processed", row.error
    assert status(db, "wangfang", eid) == "active"
    assert friendship(db, "wangfang", eid).added_at == row.received_at


def test_a_timeless_event_is_ordered_by_its_arrival(org, sandbox, driver, work, db, clock):
    eid = sandbox.new_customer("周先生")
    added = sandbox.customer_adds_member(eid, "lixiao")
    deliver(driver, with_create_time(added, "²"))
    work()
    clock.advance(60)
    deliver(driver, sandbox.customer_deletes_member(eid, "lixiao"))   # a real CreateTime, after the arrival
    work()
    assert status(db, "lixiao", eid) == "deleted_by_customer"
    assert [r.status for r in inbox(db)] == ["processed", "processed"]


def test_a_group_quit_with_an_odd_scene_and_no_time_is_processed(org, sandbox, driver, work, db):
    lin = sandbox.new_customer("林女士")
    chat_id, created = sandbox.create_group("wangfang", "南京路VIP群", [lin])
    deliver(driver, created)
    work()
    quit_xml = with_create_time(sandbox.quit_group(chat_id, [lin]), "²")
    deliver(driver, re.sub(r"<QuitScene>[^<]*</QuitScene>", "<QuitScene>²</QuitScene>", quit_xml))
    work()
    assert [r.status for r in inbox(db)] == ["processed", "processed"], [r.error for r in inbox(db)]
    with db.transaction() as session:
        member = session.scalars(select(GroupMember).where(GroupMember.member_id == lin)).one()
        assert member.quit_at is not None and member.quit_scene is None
