"""The store's 客户群 page reads: the join / leave log is cut to its newest lines by the database."""
from __future__ import annotations

from datetime import timedelta

from bot.services.group_views import join_log
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
