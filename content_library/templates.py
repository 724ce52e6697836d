"""Copy templates with placeholders, validated when saved and rendered safely.

A template is plain text with `{name}` placeholders from a fixed set. HQ's text and
the customer's data are never evaluated as a template language: the text is only
split by `string.Formatter().parse` (no attribute or index access, no conversions or
format specs), and each placeholder is replaced by its value as literal text, which
is never parsed again. Literal braces are written `{{` and `}}`.
"""
from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

# name -> what it stands for (shown to HQ next to the template editor)
PLACEHOLDERS: dict[str, str] = {
    "surname": "顾客姓氏，如「王」",
    "honorific": "称谓，如「姐」「先生」",
    "salutation": "完整称呼，如「王姐」；无法识别姓氏时为「亲」",
    "product": "商品名称",
    "category": "商品品类",
    "guide": "导购姓名",
    "store": "门店名称",
    "coupon": "优惠券名称或面额",
    "link": "链接地址",
    "season": "当季，如「秋季」",
}
MAX_TEMPLATE_CHARS = 2000  # WeCom text content is capped at 4000 bytes; leave room for values

_FORMATTER = string.Formatter()


@dataclass(frozen=True)
class TemplateProblem:
    message: str                 # Simplified Chinese, shown in the form
    placeholder: str | None = None


class TemplateInvalid(ValueError):
    """The template has problems; `problems` lists each one."""

    def __init__(self, problems: list[TemplateProblem]):
        super().__init__("；".join(p.message for p in problems))
        self.problems = problems


@lru_cache(maxsize=1024)   # a daily run renders the same few templates hundreds of thousands of times
def _fields(text: str) -> tuple[tuple[str, str | None, str | None, str | None], ...]:
    return tuple(_FORMATTER.parse(text))


def template_problems(text: str) -> list[TemplateProblem]:
    """Return every problem of a template (empty when it is valid)."""
    if len(text) > MAX_TEMPLATE_CHARS:
        return [TemplateProblem(f"文案过长：最多 {MAX_TEMPLATE_CHARS} 字")]
    try:
        parts = _fields(text)
    except ValueError:
        return [TemplateProblem("大括号不成对：占位符写作 {surname}，文字中的大括号请写作 {{ 或 }}")]
    problems: list[TemplateProblem] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        problem = _field_problem(name, spec, conversion)
        if problem and problem not in problems:
            problems.append(problem)
    return problems


def _field_problem(name: str, spec: str | None, conversion: str | None) -> TemplateProblem | None:
    shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    if name == "":
        return TemplateProblem("空占位符 {}：请写明占位符名称，如 {surname}")
    if any(ch in name for ch in ".[]") or conversion or spec:
        return TemplateProblem(f"占位符 {shown} 格式不支持：只能写 {{名称}}", name)
    if name not in PLACEHOLDERS:
        known = "、".join("{" + key + "}" for key in PLACEHOLDERS)
        return TemplateProblem(f"未知占位符 {{{name}}}；可用的占位符：{known}", name)
    return None


def validate_template(text: str) -> str:
    """Return the template unchanged, or raise TemplateInvalid naming each problem."""
    problems = template_problems(text)
    if problems:
        raise TemplateInvalid(problems)
    return text


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a valid template uses, in order of first use."""
    names = [name for _l, name, _s, _c in _fields(validate_template(text)) if name]
    return list(dict.fromkeys(names))


def render(text: str, values: Mapping[str, object]) -> str:
    """Substitute each placeholder by its value as literal text; a missing value renders empty."""
    out: list[str] = []
    for literal, name, _spec, _conversion in _fields(validate_template(text)):
        out.append(literal)
        if name:
            value = values.get(name)
            out.append("" if value is None else str(value))
    return "".join(out)
