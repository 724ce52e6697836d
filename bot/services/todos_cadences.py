"""Cadence rules and replenishment cycles: seed the defaults, list, validate and save HQ's edits."""
from __future__ import annotations

from dataclasses import dataclass, field

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.rules.benefits import code_problem
from bot.rules.cadence import TRIGGER_LABELS, Cadence, cadence_problems
from bot.rules.content_selection import OCCASIONS
from bot.rules.metrics import QUADRANTS, quadrant_problems
from bot.services.todos_defaults import DEFAULT_RULES
from content_library.templates import template_problems
from models import CadenceRule, ReplenishCycle
from models.cadence import CADENCE_KINDS
from models.content import MATERIAL_KINDS

TIER_CODES = ("none", "first", "second", "third_plus")
MAX_TEMPLATES = 10
MAX_MATERIALS = 9        # WeCom takes at most 9 attachments per message


class CadenceInvalid(ValueError):
    """The edit has problems; `errors` maps a field to its message (Chinese)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass
class CadenceEdit:
    """What HQ may change on a rule (the trigger and kind are fixed by the seed)."""

    name: str
    window_start_days: int
    window_end_days: int
    priority: int
    tiers: list[str] = field(default_factory=list)
    offsets: list[int] = field(default_factory=list)
    templates: list[str] = field(default_factory=list)
    material_spec: dict = field(default_factory=dict)
    coupon: str = ""
    enabled: bool = True
    quadrants: list[str] = field(default_factory=list)   # value quadrants (bot.rules.metrics); empty: all
    coupon_amount: int | None = None     # fen (the benefit, bot.rules.benefits)
    coupon_code: str = ""


def as_cadence(rule: CadenceRule) -> Cadence:
    """The stored rule as the pure rules see it."""
    return Cadence(code=rule.code, trigger=rule.trigger, window_start=rule.window_start_days,
                   window_end=rule.window_end_days, priority=rule.priority, tiers=frozenset(rule.tiers or ()),
                   offsets=tuple(int(o) for o in rule.offsets or ()), enabled=rule.enabled,
                   quadrants=frozenset(rule.quadrants or ()))


def seed_defaults(*, session: Session) -> int:
    """Insert the default rules that are missing (by code); never touch HQ's edits. Return how many."""
    existing = set(session.scalars(select(CadenceRule.code)))
    added = [CadenceRule(**spec) for spec in DEFAULT_RULES if spec["code"] not in existing]
    session.add_all(added)
    session.flush()
    return len(added)


def create_rule(*, session: Session, name: str, kind: str, trigger: str) -> CadenceRule:
    """A new HQ-defined rule (disabled until HQ fills it in and enables it); CadenceInvalid on errors."""
    errors = {}
    if not name.strip() or len(name) > 50:
        errors["name"] = "名称须为 1-50 个字"
    if kind not in CADENCE_KINDS:
        errors["kind"] = "请选择类别"
    if trigger not in TRIGGER_LABELS:
        errors["trigger"] = "请选择触发条件"
    if errors:
        raise CadenceInvalid(errors)
    count = session.scalar(select(func.count()).select_from(CadenceRule)) or 0
    rule = CadenceRule(code=f"custom_{count + 1}_{secrets.token_hex(3)}", name=name.strip(), kind=kind,
                       trigger=trigger, window_start_days=0, window_end_days=2, offsets=[], priority=50, tiers=[],
                       templates=["{salutation}，您好！我是{store}的{guide}，最近有什么需要随时找我～"],
                       material_spec={"limit": 0}, coupon="", enabled=False)
    session.add(rule)
    session.flush()
    return rule


def list_rules(*, session: Session, enabled_only: bool = False) -> list[CadenceRule]:
    """Every rule, most urgent first."""
    stmt = select(CadenceRule).order_by(CadenceRule.priority.desc(), CadenceRule.code)
    if enabled_only:
        stmt = stmt.where(CadenceRule.enabled.is_(True))
    return list(session.scalars(stmt))


def edit_errors(rule: CadenceRule, edit: CadenceEdit) -> dict[str, str]:
    """Every problem of an edit, by field."""
    errors: dict[str, str] = {}
    if not edit.name.strip() or len(edit.name) > 50:
        errors["name"] = "名称须为 1-50 个字"
    candidate = Cadence(rule.code, rule.trigger, edit.window_start_days, edit.window_end_days, edit.priority,
                        frozenset(edit.tiers), tuple(edit.offsets), edit.enabled)
    problems = cadence_problems(candidate)
    if problems:
        errors["window"] = "；".join(problems)
    if quadrant_problems(edit.quadrants):
        errors["quadrants"] = "未知的顾客象限"
    if set(edit.tiers) - set(TIER_CODES):
        errors["tiers"] = "未知的顾客层级"
    templates = [t for t in edit.templates if t.strip()]
    if not templates or len(templates) > MAX_TEMPLATES:
        errors["templates"] = f"请填写 1-{MAX_TEMPLATES} 条文案"
    for number, text in enumerate(templates, start=1):
        found = template_problems(text)
        if found:
            errors["templates"] = f"第 {number} 条文案：" + "；".join(p.message for p in found)
            break
    spec_problem = material_spec_problem(edit.material_spec)
    if spec_problem:
        errors["material_spec"] = spec_problem
    if len(edit.coupon) > 100:
        errors["coupon"] = "优惠券名称最多 100 字"
    if code_problem(edit.coupon_code.strip()):
        errors["coupon"] = code_problem(edit.coupon_code.strip())
    return errors


def material_spec_problem(spec: dict) -> str | None:
    """Why a material selector is invalid, or None."""
    occasion, kinds, limit = spec.get("occasion"), spec.get("kinds") or [], spec.get("limit", 0)
    if occasion not in (None, "", *OCCASIONS):
        return "未知的素材场合"
    if not isinstance(kinds, list) or set(kinds) - set(MATERIAL_KINDS):
        return "未知的素材类型"
    if not isinstance(limit, int) or not 0 <= limit <= MAX_MATERIALS:
        return f"素材数量须在 0 到 {MAX_MATERIALS} 之间"
    return None


def save_rule(*, session: Session, rule_id: int, edit: CadenceEdit) -> CadenceRule | None:
    """Validate and apply HQ's edit; None when the rule does not exist; CadenceInvalid on errors."""
    rule = session.get(CadenceRule, rule_id)
    if rule is None:
        return None
    errors = edit_errors(rule, edit)
    if errors:
        raise CadenceInvalid(errors)
    rule.name, rule.priority, rule.enabled = edit.name.strip(), edit.priority, edit.enabled
    rule.window_start_days, rule.window_end_days = edit.window_start_days, edit.window_end_days
    rule.tiers, rule.offsets = sorted(set(edit.tiers)), sorted(set(edit.offsets))
    rule.quadrants = [q for q in QUADRANTS if q in edit.quadrants]
    rule.templates = [t for t in edit.templates if t.strip()]
    rule.material_spec = {k: v for k, v in edit.material_spec.items() if v not in (None, "", [])}
    rule.material_spec.setdefault("limit", 0)
    rule.coupon = edit.coupon.strip()
    rule.coupon_amount, rule.coupon_code = edit.coupon_amount, edit.coupon_code.strip()
    session.flush()
    return rule


def list_cycles(*, session: Session) -> list[ReplenishCycle]:
    """Every SKU usage cycle, by SKU."""
    return list(session.scalars(select(ReplenishCycle).order_by(ReplenishCycle.sku)))


def save_cycle(*, session: Session, sku: str, cycle_days: int, name: str = "") -> ReplenishCycle:
    """Create or change the usage cycle (days per unit) of a SKU; ValueError when invalid."""
    sku = sku.strip()
    if not sku or len(sku) > 64:
        raise ValueError("SKU 须为 1-64 个字符")
    if not 1 <= cycle_days <= 3650:
        raise ValueError("使用周期须在 1 到 3650 天之间")
    cycle = session.get(ReplenishCycle, sku) or ReplenishCycle(sku=sku)
    cycle.cycle_days, cycle.name = cycle_days, name.strip()[:100]
    session.add(cycle)
    session.flush()
    return cycle


def delete_cycle(*, session: Session, sku: str) -> bool:
    """Stop following a SKU for replenishment; False when it was not set."""
    cycle = session.get(ReplenishCycle, sku)
    if cycle is None:
        return False
    session.delete(cycle)
    return True
