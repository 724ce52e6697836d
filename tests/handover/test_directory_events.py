"""通讯录回调 (change_contact): a member who leaves is inactive at once; moves follow the org rule; by event time."""
from __future__ import annotations

from sqlalchemy import select

from bot.sandbox import events
from models import CallbackEvent, Guide, Store
from tests.conftest import CORP_ID
from tests.handover.helpers import guide
from tests.spine.helpers import deliver


def _statuses(db) -> list[str]:
    with db.transaction() as session:
        return list(session.scalars(select(CallbackEvent.status).order_by(CallbackEvent.id)))


def test_disabled_or_left_members_become_inactive_without_a_directory_read(sandbox, driver, work, db, clock, org):
    deliver(driver, sandbox.member_disabled("lixiao"))
    deliver(driver, sandbox.member_leaves("wangfang"))
    deliver(driver, events.contact_change(CORP_ID, int(clock()), "delete_user", "stranger"))
    work()
    assert not guide(db, "lixiao").active and not guide(db, "wangfang").active
    assert guide(db, "wangfang").directory_event_at is not None
    assert _statuses(db) == ["processed"] * 3 and not sandbox.calls("user/get")


def test_a_move_places_the_member_by_the_org_rule(sandbox, driver, work, db, clock, org):
    deliver(driver, sandbox.member_moves("lixiao", [3], position="店长"))
    deliver(driver, sandbox.member_joins("sunli", "孙丽", [2]))
    work()
    moved, new = guide(db, "lixiao"), guide(db, "sunli")
    assert (moved.store_id, moved.role, moved.active) == (org["HZ001"], "manager", True)
    assert (new.store_id, new.role, new.name) == (org["SH001"], "guide", "孙丽")
    with db.transaction() as session:
        assert session.scalars(select(Store.code).order_by(Store.id)).all() == ["SH001", "HZ001"]


def test_events_apply_by_their_time_not_their_arrival(sandbox, driver, work, db, clock, org):
    left = sandbox.member_leaves("wangfang")
    clock.advance(60)
    back = sandbox.member_joins("wangfang", "王芳", [2])
    deliver(driver, back)
    work()
    deliver(driver, left)        # WeCom's retry of the older deletion arrives last
    work()
    assert guide(db, "wangfang").active
    renamed = events.contact_change(CORP_ID, int(clock()) + 5, "update_user", "wangfang",
                                    [("NewUserID", "wangfang2"), ("Status", 5)])
    deliver(driver, renamed)
    work()
    with db.transaction() as session:
        row = session.scalars(select(Guide).where(Guide.userid == "wangfang2")).one()
        assert not row.active and row.name == "王芳"


def test_an_event_without_a_usable_time_applies_at_its_arrival(sandbox, driver, work, db, clock, org):
    deliver(driver, sandbox.member_moves("lixiao", [3]))
    work()
    sandbox.member_leaves("lixiao")
    deliver(driver, events.contact_change(CORP_ID, "²", "delete_user", "lixiao"))   # CreateTime unreadable
    work()
    assert _statuses(db) == ["processed", "processed"]
    gone = guide(db, "lixiao")
    with db.transaction() as session:
        received = session.scalars(select(CallbackEvent.received_at).order_by(CallbackEvent.id.desc())).first()
    assert not gone.active and gone.left_at == received and gone.directory_event_at == received


def test_a_status_that_is_not_a_number_reads_the_member_from_the_directory(sandbox, driver, work, db, clock, org):
    deliver(driver, events.contact_change(CORP_ID, int(clock()), "update_user", "lixiao", [("Status", "²")]))
    work()
    assert _statuses(db) == ["processed"] and guide(db, "lixiao").active
    assert [c.params.get("userid") for c in sandbox.calls("user/get")] == ["lixiao"]
