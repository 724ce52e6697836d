"""Copy templates: validated when saved, rendered without evaluating anyone's text."""
from __future__ import annotations

import pytest

from content_library.templates import (
    PLACEHOLDERS, TemplateInvalid, placeholders_in, render, template_problems, validate_template,
)


def test_a_valid_template_renders_each_placeholder():
    text = "{salutation}，恭喜您收获一件称心如意的{product}！{guide}在{store}等您，{coupon}已放入您的账户。"
    values = {"salutation": "王姐", "product": "真丝衬衫", "guide": "王芳", "store": "南京路店", "coupon": "50元券"}
    assert render(text, values) == "王姐，恭喜您收获一件称心如意的真丝衬衫！王芳在南京路店等您，50元券已放入您的账户。"
    assert placeholders_in(text) == ["salutation", "product", "guide", "store", "coupon"]


def test_an_unknown_placeholder_is_an_error_naming_it():
    problems = template_problems("{surname}{honorific}您好，{nickname}专享")
    assert [p.placeholder for p in problems] == ["nickname"]
    assert "未知占位符 {nickname}" in problems[0].message
    with pytest.raises(TemplateInvalid, match="nickname"):
        validate_template("{nickname}")


def test_each_unknown_placeholder_is_reported_once():
    problems = template_problems("{a}{b}{a}")
    assert [p.placeholder for p in problems] == ["a", "b"]


@pytest.mark.parametrize("text", ["{surname.__class__}", "{store[0]}", "{guide!r}", "{coupon:>10}", "{}", "{0}"])
def test_attribute_index_conversion_and_positional_fields_are_refused(text):
    assert template_problems(text), text


@pytest.mark.parametrize("text", ["您好 {surname", "您好 }", "{{surname}"])
def test_unbalanced_braces_are_an_error(text):
    problems = template_problems(text)
    assert problems and "大括号不成对" in problems[0].message


def test_doubled_braces_are_literal_braces():
    assert render("{{surname}} 是占位符的写法，{surname}", {"surname": "王"}) == "{surname} 是占位符的写法，王"


def test_values_are_never_parsed_as_templates():
    hostile = "{store.__init__.__globals__}{{guide}}{0}"
    assert render("{salutation}：{product}", {"salutation": hostile, "product": "{guide}"}) == f"{hostile}：{{guide}}"


def test_a_missing_value_renders_empty_and_render_refuses_an_invalid_template():
    assert render("{salutation}您好{coupon}", {"salutation": "李先生"}) == "李先生您好"
    with pytest.raises(TemplateInvalid):
        render("{unknown}", {})


def test_an_overlong_template_is_refused():
    assert "过长" in template_problems("好" * 2001)[0].message


def test_every_placeholder_is_described_in_chinese():
    assert set(PLACEHOLDERS) >= {"surname", "honorific", "product", "guide", "store", "coupon"}
    assert all(PLACEHOLDERS.values())
