"""A guide leaves: inactive at once, her customers handed to a colleague, the transfer polled to its end,
history kept, the customers' to-dos following the new guide (sandbox, callback, real worker, both databases)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from bot.services import store_views
from bot.services.performance import tally_days
from bot.services.todos_cadences import seed_defaults
from models import Customer, Todo
from tests.handover.helpers import deliver_all, guide, hand_over, poll, transfers
from tests.spine.helpers import deliver, friendship
from tests.todos.world import Store as World
from tests.web.helpers import sign_in_member

DAY1 = date(2026, 3, 9)


def _todos_of(db, name: str) -> list[tuple[str, str]]:
    with db.transaction() as session:
        rows = session.execute(select(Todo.status, Todo.guide_id).join(Customer, Customer.id == Todo.customer_id)
                               .where(Customer.name == name).order_by(Todo.id)).all()
        return [(status, guide_id) for status, guide_id in rows]


def test_a_departed_guides_customers_are_handed_over(client, sandbox, driver, work, db, clock, org):
    with db.transaction() as session:
        seed_defaults(session=session)
    world = World(client, sandbox, driver, work, db, clock)
    world.at(DAY1, 10)
    lin = world.customer_adds("林女士", "wangfang", 2)
    world.customer_adds("周先生", "wangfang", 1)
    world.buys(lin, DAY1, "H-1", [("SKU-COAT", "外套", 1)])
    world.morning(DAY1 + timedelta(days=1))
    wangfang, lixiao = guide(db, "wangfang"), guide(db, "lixiao")
    assert ("pending", wangfang.id) in _todos_of(db, "林女士")

    # She leaves: WeCom's delete_user callback makes her inactive at once (no org sync).
    left = world.at(DAY1 + timedelta(days=1), 11)
    deliver(driver, sandbox.member_leaves("wangfang"))
    work()
    gone = guide(db, "wangfang")
    assert not gone.active and gone.left_at.timestamp() == int(left.timestamp())

    # The manager sees her under 离职导购 and hands every customer to 李晓.
    sign_in_member(client, sandbox, "zhangli")
    sh = org["SH001"]
    index = client.get(f"/manager/stores/{sh}/handover/").get_data(as_text=True)
    assert "王芳" in index and "2 位客户待交接" in index
    page = client.get(f"/manager/stores/{sh}/handover/{wangfang.id}").get_data(as_text=True)
    assert "林女士" in page and "周先生" in page and "离职继承" in page
    answer = hand_over(client, sh, wangfang.id, lixiao.id)
    assert answer.status_code == 302
    work()
    sent = [c for c in sandbox.calls("externalcontact/resigned/transfer_customer") if c.errcode == 0]
    assert len(sent) == 1 and sent[0].body["handover_userid"] == "wangfang" and sent[0].body["takeover_userid"] \
        == "lixiao" and len(sent[0].body["external_userid"]) == 2
    rows = transfers(db)
    assert {(r.status, r.kind, r.from_guide_id, r.to_guide_id, r.requested_by) for r in rows.values()} == \
        {("waiting", "resigned", wangfang.id, lixiao.id, "张丽")}

    # The scheduled poll: WeCom still waits (24 h); a day later the takeover is done.
    poll(work, clock)
    assert {r.status for r in transfers(db).values()} == {"waiting"}
    world.at(DAY1 + timedelta(days=2), 12)
    deliver_all(driver, work, sandbox.settle_transfers())        # WeCom's add_external_contact for 李晓 first
    assert friendship(db, "lixiao", lin).via_transfer            # a transfer's friend, not an acquisition
    poll(work, clock)
    rows = transfers(db)
    assert {r.status for r in rows.values()} == {"done"} and all(r.finished_at for r in rows.values())
    mine, hers = friendship(db, "lixiao", lin), friendship(db, "wangfang", lin)
    assert mine.via_transfer and mine.added_at.timestamp() == int(rows["林女士"].takeover_at.timestamp())
    assert hers.deleted_by_transfer and hers.first_added_at.date() == DAY1 and not hers.via_transfer

    # History, and the performance record: no friend added for 李晓, none lost for 王芳.
    history = client.get(f"/manager/stores/{sh}/handover/{wangfang.id}").get_data(as_text=True)
    assert history.count("接替完毕") == 2 and "没有待交接的客户" in history
    timeline = client.get(f"/manager/stores/{sh}/customers/{lin}").get_data(as_text=True)
    for line in ("添加导购王芳为好友", "客户已转接，离开导购王芳", "由导购李晓接替"):
        assert line in timeline, line
    with db.transaction() as session:
        tally = tally_days(session=session, guide_ids=[wangfang.id, lixiao.id], start=DAY1,
                           end=DAY1 + timedelta(days=2), tz="Asia/Shanghai")
    added = {g: sum(c["friends_added"] for (gid, _d), c in tally.counts.items() if gid == g) for g in
             (wangfang.id, lixiao.id)}
    lost = sum(c["friends_lost"] for c in tally.counts.values())
    assert added == {wangfang.id: 2, lixiao.id: 0} and lost == 0
    with db.transaction() as session:
        board = store_views.guide_stats(session=session, store_id=sh, start=datetime(2026, 3, 1, tzinfo=timezone.utc))
    assert {s.userid: (s.added, s.friends) for s in board}["lixiao"] == (0, 2)    # the store page's 新增 / 好友

    # The next morning 林女士's care goes to 李晓; 王芳's open to-do was withdrawn.
    world.morning(DAY1 + timedelta(days=3))
    todos = _todos_of(db, "林女士")
    assert ("pending", lixiao.id) in todos and ("pending", wangfang.id) not in todos
    assert ("skipped", wangfang.id) in todos
