"""The pure cleaning of WeCom's profile text: NULs dropped, lone surrogates replaced, stored fields cut."""
from __future__ import annotations

from bot.rules.wecom_text import clean_profile, clean_text


def test_clean_text_drops_nul_replaces_lone_surrogates_and_cuts():
    assert clean_text("王\x00芳") == "王芳"
    assert clean_text("a\ud800b") == "a?b"
    assert clean_text("林" * 150, 100) == "林" * 100
    assert clean_text("短", 100) == "短"


def test_clean_profile_cuts_only_the_listed_keys_at_any_depth_and_keeps_other_values():
    answer = {"errcode": 0, "external_contact": {"name": "林" * 120 + "\x00", "gender": 2, "position": "x" * 300},
              "follow_user": [{"remark": "备\x00注" * 80, "tags": [{"tag_name": "\x00标签"}], "add_way": 1}]}
    cleaned = clean_profile(answer, {"name": 100, "remark": 100})
    assert cleaned["external_contact"] == {"name": "林" * 100, "gender": 2, "position": "x" * 300}
    assert cleaned["follow_user"][0]["remark"] == ("备注" * 80)[:100]
    assert cleaned["follow_user"][0]["tags"] == [{"tag_name": "标签"}] and cleaned["follow_user"][0]["add_way"] == 1
    assert cleaned["errcode"] == 0 and answer["external_contact"]["name"].endswith("\x00")  # the input is untouched
