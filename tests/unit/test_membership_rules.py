from datetime import datetime, timedelta, timezone

from bot.rules.membership import earlier, friendship_status, is_active, later

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=timezone.utc)


def test_later_and_earlier_ignore_missing_values():
    assert later(None, T0) == T0 and later(T0, None) == T0
    assert later(T0, T0 + timedelta(seconds=1)) == T0 + timedelta(seconds=1)
    assert earlier(T0, T0 - timedelta(seconds=1)) == T0 - timedelta(seconds=1)
    assert earlier(None, None) is None


def test_deletion_before_the_add_it_follows_leaves_the_friendship_deleted():
    added, deleted = T0, T0 + timedelta(seconds=5)
    assert friendship_status(added, None, deleted) == "deleted_by_customer"
    assert not is_active(added, None, deleted)


def test_re_adding_after_a_deletion_reopens():
    assert friendship_status(T0 + timedelta(days=1), T0, None) == "active"


def test_the_latest_deletion_names_who_ended_it():
    assert friendship_status(T0, T0 + timedelta(2), T0 + timedelta(1)) == "deleted_by_guide"
    assert friendship_status(None, None, None) == "unknown"
