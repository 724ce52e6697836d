"""Pure group-guard rules: who looks like an outsider, lists typed by HQ, which rules text applies."""
from __future__ import annotations

from bot.rules.group_guard import findings, keyword_in, parse_lines, reminder_text, rules_text


def test_lists_are_split_on_lines_and_commas_without_blanks_or_repeats():
    assert parse_lines("代购，加微信\n\n 代购 ,VX") == ["代购", "加微信", "VX"]
    assert parse_lines(None) == [] and len(parse_lines("\n".join(str(i) for i in range(500)))) == 200


def test_keywords_match_case_insensitively_inside_a_name():
    assert keyword_in("专业VX代购", ["vx"]) == "vx"
    assert keyword_in("林女士", ["代购"]) is None and keyword_in(None, ["代购"]) is None


def test_a_wecom_user_of_another_corporation_is_an_outsider_and_of_ours_is_not():
    rival = findings(member_id="wo1", names=["李经理"], contact_type=2, corp_name="竞品服饰",
                     own_corp_names=["南京路服饰"], keywords=[])
    assert [(f.reason, f.detail) for f in rival] == [("other_corp", "来自「竞品服饰」的企业微信用户")]
    assert findings(member_id="wo2", names=[""], contact_type=2, corp_name="南京路服饰",
                    own_corp_names=["南京路服饰"], keywords=[]) == []
    unknown = findings(member_id="wo3", names=[""], contact_type=None, corp_name=None, own_corp_names=[], keywords=[])
    assert [f.reason for f in unknown] == ["other_corp"] and "未知" in unknown[0].detail
    assert findings(member_id="wm4", names=["林女士"], contact_type=None, corp_name=None, own_corp_names=[],
                    keywords=["代购"]) == []


def test_a_keyword_name_is_found_in_any_of_the_names():
    found = findings(member_id="wm5", names=["", "海外代购"], contact_type=1, corp_name=None, own_corp_names=[],
                     keywords=["加微信", "代购"])
    assert [(f.reason, f.detail) for f in found] == [("keyword", "昵称含关键词「代购」")]


def test_the_store_text_overrides_the_brand_text_unless_blank():
    assert rules_text(store_text="店规", brand_text="品牌群规") == "店规"
    assert rules_text(store_text="  ", brand_text="品牌群规") == "品牌群规"
    assert rules_text(store_text=None, brand_text=None) == ""
    assert reminder_text(names=["林女士", ""], rules="勿加好友").startswith("欢迎 林女士 入群")
    assert "新朋友" in reminder_text(names=[], rules="勿加好友")


def test_the_reminder_greets_only_as_many_names_as_fit_and_keeps_the_rules_whole():
    names = [f"顾客{i}" for i in range(10)]
    full = reminder_text(names=names, rules="勿加好友")
    assert full.startswith("欢迎 顾客0、") and "顾客9 入群" in full
    cut = reminder_text(names=names, rules="勿加好友", max_bytes=len(full.encode("utf-8")) - 1)
    assert cut.startswith("欢迎 顾客0、") and "顾客9" not in cut and "等 10 位新朋友 入群" in cut
    assert len(cut.encode("utf-8")) < len(full.encode("utf-8")) and cut.endswith("勿加好友")
    assert reminder_text(names=names, rules="勿加好友", max_bytes=10).startswith("欢迎 10 位新朋友 入群")
