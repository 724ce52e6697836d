"""Hand-over rules: WeCom's batch size, its result codes, the API for a member, the reasons shown."""
from __future__ import annotations

from bot.rules.handover import batches, is_final, reason_label, result_status, transfer_kind


def test_batches_hold_at_most_one_hundred():
    assert [len(b) for b in batches(list(range(250)))] == [100, 100, 50]
    assert list(batches([])) == [] and [len(b) for b in batches(list(range(100)))] == [100]


def test_result_codes_and_finality():
    assert [result_status(code) for code in (1, 2, 3, 4, 5, None)] == \
        ["done", "waiting", "refused", "limit", None, None]
    assert not any(is_final(s) for s in ("queued", "sending", "waiting"))
    assert all(is_final(s) for s in ("done", "refused", "limit", "failed"))


def test_the_api_follows_the_member_and_reasons_read_in_chinese():
    assert (transfer_kind(False), transfer_kind(True)) == ("resigned", "onjob")
    assert reason_label("failed", 40128, None) == "90天内已转接两次"
    assert reason_label("failed", 99999, None) == "企业微信错误 99999"
    assert reason_label("refused", None, "customer_refused") == "客户拒绝接替"
    assert reason_label("done", None, None) == ""
