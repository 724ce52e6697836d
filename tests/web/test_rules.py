"""Pure rules behind the pages: periods, the org rule, the CSV reader, labels and formats (no database)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.rules.org import place_member, read_org_csv, store_departments
from bot.rules.periods import normalize_period, period_bounds
from bot.sandbox.oauth import _with_query
from handlers.web import yuan
from handlers.web.access import safe_next
from tests.web.helpers import HOSTILE_NEXT

DEPARTMENTS = [{"id": 1, "name": "品牌", "parentid": 0}, {"id": 2, "name": "上海南京路店", "parentid": 1},
               {"id": 5, "name": "华东大区", "parentid": 1}, {"id": 6, "name": "杭州湖滨店", "parentid": 5},
               {"id": 7, "name": "总部", "parentid": 1}, {"id": 8, "name": "运营部", "parentid": 7}]


def test_periods_are_whole_local_days_up_to_now():
    now = datetime(2026, 3, 10, 17, 30, tzinfo=timezone.utc)  # 01:30 on 11 March in Shanghai
    assert period_bounds("today", now, "Asia/Shanghai") == (datetime(2026, 3, 10, 16, 0, tzinfo=timezone.utc), now)
    assert period_bounds("7d", now, "Asia/Shanghai")[0] == datetime(2026, 3, 4, 16, 0, tzinfo=timezone.utc)
    assert period_bounds("30d", now, "Asia/Shanghai")[0] == datetime(2026, 2, 9, 16, 0, tzinfo=timezone.utc)
    assert normalize_period("forever") == "7d"


def test_stores_are_leaf_departments_outside_hq():
    assert store_departments(DEPARTMENTS) == {2: "上海南京路店", 6: "杭州湖滨店"}


@pytest.mark.parametrize("member, expected", [
    ({"department": [2], "position": "导购"}, (2, "guide", True)),
    ({"department": [2], "position": "副店长"}, (2, "manager", True)),
    ({"department": [5, 6], "is_leader_in_dept": [0, 1]}, (6, "manager", True)),
    ({"department": [2, 6], "main_department": 6, "is_leader_in_dept": [1, 0]}, (6, "guide", True)),
    ({"department": [8], "position": "店长"}, (None, "hq", True)),
    ({"department": [1]}, (None, "hq", True)),
    ({"department": [2], "status": 5}, (2, "guide", False)),
])
def test_members_are_placed_by_department_position_and_leadership(member, expected):
    placement = place_member({"userid": "u", **member}, store_departments(DEPARTMENTS))
    assert (placement.department_id, placement.role, placement.active) == expected


def test_csv_reader_accepts_bom_gbk_and_chinese_roles():
    text = "\ufeffStore_Code,store_name,userid,name,ROLE\nSH001,上海,wang,王芳,店长\n,,ops,运营,总部\n\n"
    for data in (text.encode("utf-8"), text[1:].encode("gbk")):
        rows, errors = read_org_csv(data)
        assert errors == [] and [(r.userid, r.role, r.store_code) for r in rows] == [
            ("wang", "manager", "SH001"), ("ops", "hq", None)]


def test_money_is_formatted_from_integer_fen():
    assert yuan(129900) == "¥1,299.00" and yuan(5) == "¥0.05" and yuan(-150) == "-¥1.50" and yuan(None) == "—"


@pytest.mark.parametrize("target", HOSTILE_NEXT)
def test_hostile_targets_are_never_followed_after_sign_in(target):
    assert safe_next(target) is None


@pytest.mark.parametrize("target", ["/guide/?q=1", "/guide/?status=all&page=2", "/guide/?q=%E7%8E%8B", "/guide/?q=王",
                                    "/manager/stores/3", "/guide/customers/wm%2D1"])
def test_local_paths_are_followed_after_sign_in(target):
    assert safe_next(target) == target


def test_the_sandbox_keeps_the_redirect_uri_query_and_adds_code_and_state():
    url = _with_query("http://app.test/auth/wecom/callback?x=1&code=old", code="C0DE", state="S")
    assert url == "http://app.test/auth/wecom/callback?x=1&code=C0DE&state=S"
