"""The store's 客户群 page reads: its groups and their counts, and the join / leave log cut to its newest lines."""
from __future__ import annotations

from datetime import timedelta

from bot.services.group_views import join_log, store_groups
from models import utcnow
from tests.groups.helpers import open_group
from tests.spine.helpers import deliver


def test_the_log_keeps_the_newest_lines_whether_a_join_or_a_leave(org, sandbox, driver, work, db, clock):
    chat_id = open_group(sandbox, driver, work)
    lin, zhou, wu = (sandbox.new_customer(n) for n in ("林女士", "周先生", "吴小姐"))
    for eid in (lin, zhou, wu):
        clock.advance(60)
        deliver(driver, sandbox.join_group(chat_id, [eid], join_scene_api=2))
        work()                                              # groupchat/get names her while she is in
    clock.advance(60)
    deliver(driver, sandbox.quit_group(chat_id, [lin]))      # the first to join is the last to move
    work()
    with db.transaction() as session:
        lines = lambda limit: [(line.kind, line.member_name) for line in join_log(  # noqa: E731
            session=session, store_id=org["SH001"], since=utcnow() - timedelta(days=7), limit=limit)]
        assert lines(2) == [("left", "林女士"), ("joined", "吴小姐")]
        assert lines(100)[:4] == [("left", "林女士"), ("joined", "吴小姐"), ("joined", "周先生"), ("joined", "林女士")]


def test_each_store_counts_only_its_own_groups(org, sandbox, driver, work, db, clock):
    ours = open_group(sandbox, driver, work)
    theirs = open_group(sandbox, driver, work, owner="chenjing", name="湖滨会员群")
    clock.advance(60)
    deliver(driver, sandbox.join_group(ours, [sandbox.new_customer("林女士")], join_scene_api=2))
    deliver(driver, sandbox.join_group(theirs, [sandbox.new_customer(n) for n in ("周先生", "吴小姐")],
                                       join_scene_api=2))
    work()
    since = utcnow() - timedelta(days=7)
    with db.transaction() as session:
        rows = {store: [(r.group.name, r.owner_name, r.members, r.customers, r.joined) for r in
                        store_groups(session=session, store_id=org[store], since=since)] for store in ("SH001", "HZ001")}
    assert rows == {"SH001": [("南京路VIP群", "王芳", 2, 1, 2)], "HZ001": [("湖滨会员群", "陈静", 3, 2, 3)]}
