"""What HQ submits for a material, and its validation (messages in Simplified Chinese)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from bot.rules.content_selection import ALL_SEASONS, OCCASION_LABELS, TIER_LABELS
from bot.rules.metrics import quadrant_problems
from bot.rules.form_input import MAX_ID, parse_int
from content_library.templates import template_problems
from models.content import MATERIAL_KINDS, SCOPES, TAG_DIMENSIONS

KIND_LABELS = {"image": "图片", "copy": "文案模板", "link": "链接（H5 / 领券页）", "miniprogram": "小程序页面",
               "outfit": "搭配"}
SCOPE_LABELS = {"all": "全部门店", "region": "按区域", "stores": "指定门店"}
SEASON_LABELS = {"spring": "春", "summer": "夏", "autumn": "秋", "winter": "冬", ALL_SEASONS: "四季"}
DIMENSION_LABELS = {"category": "品类", "season": "季节", "scene": "场景", "style": "风格", "tier": "顾客层级",
                    "occasion": "场合"}
# Dimensions whose values come from a fixed list (the others are free text).
FIXED_VALUES = {"season": SEASON_LABELS, "tier": TIER_LABELS, "occasion": OCCASION_LABELS}
MAX_IMAGES = 9            # WeCom attachments per message (externalcontact/add_msg_template)
MIN_OUTFIT_PRODUCTS = 2
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
_APPID = re.compile(r"^wx[0-9a-f]{16}$")



@dataclass
class MaterialForm:
    kind: str
    title: str
    body: str = ""
    link_url: str = ""
    link_desc: str = ""
    mini_appid: str = ""
    mini_page: str = ""
    tags: dict[str, list[str]] = field(default_factory=dict)
    scope: str = "all"
    regions: list[str] = field(default_factory=list)
    store_ids: list[int] = field(default_factory=list)
    valid_from: date | None = None
    valid_to: date | None = None
    enabled: bool = True
    file_ids: list[int] = field(default_factory=list)
    product_ids: list[int] = field(default_factory=list)
    quadrants: list[str] = field(default_factory=list)   # value quadrants (bot.rules.metrics); empty: all


class MaterialInvalid(ValueError):
    """The form has errors: field name -> message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def form_errors(form: MaterialForm, *, known_store_ids: set[int], known_file_ids: set[int],
                known_product_ids: set[int]) -> dict[str, str]:
    """Every problem of the form, keyed by field (empty when it is valid)."""
    errors: dict[str, str] = {}
    if form.kind not in MATERIAL_KINDS:
        errors["kind"] = "请选择素材类型"
    if not form.title.strip():
        errors["title"] = "请填写标题"
    elif len(form.title) > 100:
        errors["title"] = "标题最多 100 字"
    problems = template_problems(form.body)
    if problems:
        errors["body"] = "；".join(p.message for p in problems)
    errors.update(_kind_errors(form))
    errors.update(_tag_errors(form.tags))
    errors.update(_scope_errors(form, known_store_ids))
    if form.valid_from and form.valid_to and form.valid_from > form.valid_to:
        errors["valid_to"] = "结束日期不能早于开始日期"
    if set(form.file_ids) - known_file_ids:
        errors["files"] = "图片不存在，请重新上传"
    if set(form.product_ids) - known_product_ids:
        errors["products"] = "商品不存在"
    if quadrant_problems(form.quadrants):
        errors["quadrants"] = "未知的顾客象限"
    return errors


def _kind_errors(form: MaterialForm) -> dict[str, str]:
    errors: dict[str, str] = {}
    if form.kind == "copy" and not form.body.strip():
        errors["body"] = errors.get("body") or "文案模板不能为空"
    if form.kind in ("image", "outfit", "miniprogram") and not form.file_ids:
        errors["files"] = {"image": "请至少上传一张图片", "outfit": "请上传搭配的场景图",
                           "miniprogram": "请上传小程序卡片封面图"}[form.kind]
    if len(form.file_ids) > MAX_IMAGES:
        errors["files"] = f"最多 {MAX_IMAGES} 张图片（企业微信单条消息附件上限）"
    if form.kind == "link" and not _URL.match(form.link_url.strip()):
        errors["link_url"] = "请填写以 http:// 或 https:// 开头的链接"
    if form.kind == "miniprogram":
        if not _APPID.match(form.mini_appid.strip()):
            errors["mini_appid"] = "小程序 AppID 格式为 wx 加 16 位字符"
        if not form.mini_page.strip():
            errors["mini_page"] = "请填写小程序页面路径"
    if form.kind == "outfit" and len(set(form.product_ids)) < MIN_OUTFIT_PRODUCTS:
        errors["products"] = f"搭配至少包含 {MIN_OUTFIT_PRODUCTS} 件商品"
    return errors


def _tag_errors(tags: dict[str, list[str]]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for dimension, values in tags.items():
        if dimension not in TAG_DIMENSIONS:
            errors["tags"] = f"未知标签维度：{dimension}"
            continue
        allowed = FIXED_VALUES.get(dimension)
        bad = [v for v in values if (allowed is not None and v not in allowed) or not v.strip() or len(v) > 50]
        if bad:
            errors[f"tag_{dimension}"] = f"{DIMENSION_LABELS[dimension]}标签无效：{'、'.join(bad)}"
    return errors


def _scope_errors(form: MaterialForm, known_store_ids: set[int]) -> dict[str, str]:
    if form.scope not in SCOPES:
        return {"scope": "请选择门店范围"}
    if form.scope == "region" and not [r for r in form.regions if r.strip()]:
        return {"scope": "请至少选择一个区域"}
    if form.scope == "stores":
        if not form.store_ids:
            return {"scope": "请至少选择一家门店"}
        if set(form.store_ids) - known_store_ids:
            return {"scope": "门店不存在"}
    return {}


def split_values(raw: str) -> list[str]:
    """Split free-text tag input on commas (ASCII or Chinese) and whitespace, keeping order."""
    parts = re.split(r"[,，、;；\s]+", raw or "")
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def _int_list(values: list[str]) -> list[int]:
    ids = (parse_int(v, high=MAX_ID) for v in values)
    return [i for i in ids if i is not None]


def _date_field(raw: str, name: str, errors: dict[str, str]) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[name] = "日期格式应为 2026-10-01"
        return None


def form_from_fields(kind: str, fields) -> tuple[MaterialForm, dict[str, str]]:
    """Build a MaterialForm from submitted fields (anything with get/getlist); parse errors by field."""
    errors: dict[str, str] = {}
    tags = {d: split_values(fields.get(f"tag_{d}", "")) for d in ("category", "scene", "style")}
    tags.update({d: [v for v in fields.getlist(f"tag_{d}") if v] for d in FIXED_VALUES})
    form = MaterialForm(
        kind=kind, title=fields.get("title", ""), body=fields.get("body", "").replace("\r\n", "\n"),
        link_url=fields.get("link_url", ""), link_desc=fields.get("link_desc", ""),
        mini_appid=fields.get("mini_appid", ""), mini_page=fields.get("mini_page", ""),
        tags={d: v for d, v in tags.items() if v}, scope=fields.get("scope", "all"),
        regions=[r for r in fields.getlist("regions") if r.strip()],
        store_ids=_int_list(fields.getlist("store_ids")),
        valid_from=_date_field(fields.get("valid_from", ""), "valid_from", errors),
        valid_to=_date_field(fields.get("valid_to", ""), "valid_to", errors),
        enabled=fields.get("enabled") == "1",
        file_ids=_int_list(fields.getlist("file_ids")), product_ids=_int_list(fields.getlist("product_ids")),
        quadrants=[q for q in fields.getlist("quadrants") if q],
    )
    return form, errors
