"""Care cadences (seed 002 §5, seed 000 §01-02, seed 004 §2): which rules are due, pure and dated.

A rule has a trigger naming its reference day (the last purchase, the birthday, the day a cart was
filled, the day a consumable runs out), optional touches (offsets in days after the reference) and a
window [start, end] in days around each touch. On a day D a touch with anchor A (reference + offset)
is due when A + start <= D <= A + end; the anchor makes the to-do unique, so a customer gets each
touch once however many days the window spans. The database generation (bot/services/todos_sql.py)
computes the same thing set-based, with the bounds these functions give it.
"""
from __future__ import annotations

import calendar
import zlib
from dataclasses import dataclass
from functools import lru_cache
from datetime import date, datetime, timedelta

from bot.rules.birthdays import list_priority
from bot.rules.membership import is_active
from bot.rules.metrics import in_audience

KIND_LABELS = {"lifecycle": "会员关怀", "revisit": "回访", "birthday": "生日关怀", "second_purchase": "复购机会",
               "replenishment": "补货提醒"}
TRIGGER_LABELS = {
    "first_purchase": "首次购买日",
    "last_purchase": "最近一次购买日",
    "purchase_offsets": "最近一次购买日（按回访节点）",
    "single_item": "最近一次购买日（只买了一件）",
    "cart_no_order": "最近一次加购日（之后未下单）",
    "replenish_due": "商品用完日（按使用周期）",
    "birthday_month_start": "生日月第一天",
    "birthday_day": "生日当天",
    "birthday_month_end": "生日月最后一天",
    "birthday_next_month": "生日次月第一天",
}
BIRTHDAY_TRIGGERS = ("birthday_month_start", "birthday_day", "birthday_month_end", "birthday_next_month")
PURCHASE_TRIGGERS = ("first_purchase", "last_purchase", "purchase_offsets", "single_item")
TRIGGERS = tuple(TRIGGER_LABELS)
REPLENISH_LOOKBACK_DAYS = 400   # purchases older than this are not followed for replenishment
MAX_WINDOW_DAYS = 366


@dataclass(frozen=True)
class Cadence:
    """A rule as the pure functions see it."""

    code: str
    trigger: str
    window_start: int
    window_end: int
    priority: int = 50
    tiers: frozenset[str] = frozenset()     # empty: every tier
    offsets: tuple[int, ...] = ()           # empty: one touch on the reference day
    enabled: bool = True
    quadrants: frozenset[str] = frozenset()  # the value quadrants it is for (bot.rules.metrics); empty: all

    def touches(self) -> tuple[int, ...]:
        """The offsets of the rule's touches (a single touch at 0 when none are set)."""
        return tuple(sorted(set(self.offsets))) or (0,)


@dataclass(frozen=True)
class CustomerFacts:
    """What the rules read of one customer (as of the day asked about)."""

    tier: str = "none"
    first_purchase_day: date | None = None
    last_purchase_day: date | None = None
    last_purchase_items: int = 0            # items (quantity) bought on the last purchase day
    birthday: date | None = None
    last_cart_day: date | None = None       # the latest add-to-cart day
    runout_days: tuple[date, ...] = ()      # when each consumable last bought runs out
    quadrant: str | None = None             # the value quadrant on the day (bot.rules.metrics.quadrant)


@dataclass(frozen=True)
class Due:
    code: str
    anchor: date
    window_start: date
    window_end: date
    priority: int


@dataclass(frozen=True)
class BirthdayMatch:
    """Customers born in `month` (on one of `days`, or any day when None) have a touch anchored at `anchor`."""

    month: int
    days: tuple[int, ...] | None
    anchor: date


def cadence_problems(rule: Cadence) -> list[str]:
    """Every problem of a rule's trigger, window and touches, in HQ's words (empty when valid)."""
    problems = []
    if rule.trigger not in TRIGGER_LABELS:
        problems.append("未知的触发条件")
    if rule.window_start > rule.window_end:
        problems.append("时间窗口的开始不能晚于结束")
    if rule.window_end - rule.window_start > MAX_WINDOW_DAYS:
        problems.append(f"时间窗口最长 {MAX_WINDOW_DAYS} 天")
    if any(o < 0 or o > 3 * MAX_WINDOW_DAYS for o in rule.offsets):
        problems.append("回访节点须为 0 到 1098 之间的天数")
    if rule.offsets and rule.trigger in BIRTHDAY_TRIGGERS:
        problems.append("生日规则不使用回访节点")
    if not 0 <= rule.priority <= 100:
        problems.append("优先级须在 0 到 100 之间")
    return problems


@dataclass(frozen=True)
class Edits:
    """What changed between two derivation bases (see derivation)."""

    rules: frozenset[int]           # rules whose touches changed: edited, enabled or disabled; on a cycle
                                    # change, the replenishment rules too
    reranked: dict[int, int]        # the new rank of the others whose rank alone moved
    cycles: bool                    # a usage cycle was set, changed or dropped: runout days may move


# The shape of a derivation basis: a basis of another shape cannot be compared (the run re-derives everything).
DERIVATION_VERSION = 1


def derivation(rules: list[tuple[int, Cadence]], cycles: dict[str, int]) -> dict:
    """What the kept touches follow (a JSON object): for each enabled rule, by id, its rank among them (the
    order given: the run's tie-break order) and the fields that decide its touches (trigger, window, list priority,
    tiers, offsets, and the quadrants when it has some); and the usage cycles by SKU. Copy and materials are not in
    it: texts are rendered on use."""
    enabled = [(rule_id, rule) for rule_id, rule in rules if rule.enabled]
    followed = {str(rule_id): {"rank": rank, "trigger": rule.trigger,
                               "touches": [rule.window_start, rule.window_end,
                                           list_priority(rule.trigger, rule.priority), sorted(rule.tiers),
                                           sorted(set(rule.offsets))]
                               + ([sorted(rule.quadrants)] if rule.quadrants else [])}
                for rank, (rule_id, rule) in enumerate(enabled)}
    return {"version": DERIVATION_VERSION, "rules": followed, "cycles": dict(sorted(cycles.items()))}


def derivation_edits(before: dict, now: dict) -> Edits:
    """The edits between the basis the kept touches follow and the current one."""
    old, new = before.get("rules", {}), now["rules"]
    cycles = before.get("cycles") != now["cycles"]
    both = old.keys() & new.keys()
    edited = {int(i) for i in old.keys() ^ new.keys()}
    edited |= {int(i) for i in both if (old[i]["trigger"], old[i]["touches"]) != (new[i]["trigger"], new[i]["touches"])}
    if cycles:
        edited |= {int(i) for i, rule in new.items() if rule["trigger"] == "replenish_due"}
    reranked = {int(i): new[i]["rank"] for i in both if int(i) not in edited and old[i]["rank"] != new[i]["rank"]}
    return Edits(frozenset(edited), reranked, cycles)


def reference_range(on: date, rule: Cadence, offset: int = 0) -> tuple[date, date]:
    """The reference days r whose touch (r + offset) has `on` inside its window, as (earliest, latest)."""
    return on - timedelta(days=offset + rule.window_end), on - timedelta(days=offset + rule.window_start)


def window_of(anchor: date, rule: Cadence) -> tuple[date, date]:
    """The first and last day a touch anchored at `anchor` is due."""
    return anchor + timedelta(days=rule.window_start), anchor + timedelta(days=rule.window_end)


def birthday_in(year: int, birthday: date) -> date:
    """The birthday in a given year (29 February is kept on the 28th in other years)."""
    if birthday.month == 2 and birthday.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, birthday.month, birthday.day)


def birthday_reference(trigger: str, year: int, month: int, day: int = 1) -> date:
    """The reference day of a birthday touch for someone born on (month, day), in `year`."""
    if trigger == "birthday_month_start":
        return date(year, month, 1)
    if trigger == "birthday_month_end":
        return date(year, month, calendar.monthrange(year, month)[1])
    if trigger == "birthday_next_month":
        return date(year + month // 12, month % 12 + 1, 1)
    return birthday_in(year, date(2000, month, day))


@lru_cache(maxsize=1024)
def birthday_matches(rule: Cadence, on: date) -> tuple[BirthdayMatch, ...]:
    """Which birthdays have a touch of this rule due on `on`, with each touch's anchor."""
    if rule.trigger == "birthday_day":
        earliest, latest = reference_range(on, rule)
        matches, day = [], earliest
        while day <= latest:
            leap_day = day.month == 2 and day.day == 28 and not calendar.isleap(day.year)
            matches.append(BirthdayMatch(day.month, (28, 29) if leap_day else (day.day,), day))
            day += timedelta(days=1)
        return tuple(matches)
    matches = []
    for year in (on.year - 1, on.year, on.year + 1):
        for month in range(1, 13):
            anchor = birthday_reference(rule.trigger, year, month)
            first, last = window_of(anchor, rule)
            if first <= on <= last:
                matches.append(BirthdayMatch(month, None, anchor))
    return tuple(matches)


def _references(rule: Cadence, facts: CustomerFacts) -> list[date]:
    trigger = rule.trigger
    if trigger == "first_purchase":
        return [facts.first_purchase_day] if facts.first_purchase_day else []
    if trigger in ("last_purchase", "purchase_offsets"):
        return [facts.last_purchase_day] if facts.last_purchase_day else []
    if trigger == "single_item":
        return [facts.last_purchase_day] if facts.last_purchase_day and facts.last_purchase_items == 1 else []
    if trigger == "cart_no_order":
        cart, bought = facts.last_cart_day, facts.last_purchase_day
        return [cart] if cart and (bought is None or bought < cart) else []
    if trigger == "replenish_due":
        return sorted(set(facts.runout_days))
    return []


def _birthday_due(rule: Cadence, facts: CustomerFacts, on: date) -> list[Due]:
    if facts.birthday is None:
        return []
    out = []
    for match in birthday_matches(rule, on):
        if match.month == facts.birthday.month and (match.days is None or facts.birthday.day in match.days):
            first, last = window_of(match.anchor, rule)
            out.append(Due(rule.code, match.anchor, first, last, list_priority(rule.trigger, rule.priority)))
    return out


def due(rule: Cadence, facts: CustomerFacts, on: date) -> list[Due]:
    """The touches of one rule due for a customer on a day (usually none or one)."""
    if not rule.enabled or (rule.tiers and facts.tier not in rule.tiers):
        return []
    if not in_audience(rule.quadrants, facts.quadrant):
        return []
    if rule.trigger in BIRTHDAY_TRIGGERS:
        return _birthday_due(rule, facts, on)
    out: dict[date, Due] = {}
    for reference in _references(rule, facts):
        for offset in rule.touches():
            anchor = reference + timedelta(days=offset)
            first, last = window_of(anchor, rule)
            if first <= on <= last:
                out[anchor] = Due(rule.code, anchor, first, last, rule.priority)
    return [out[a] for a in sorted(out)]


def due_rules(rules: list[Cadence], facts: CustomerFacts, on: date) -> list[Due]:
    """Every touch due for a customer on a day, most urgent first."""
    found = [d for rule in rules for d in due(rule, facts, on)]
    return sorted(found, key=lambda d: (-d.priority, d.code, d.anchor))


def pick_for_day(dues: list[Due]) -> Due | None:
    """The one touch a customer gets today: the highest priority (one message a day is plenty)."""
    return min(dues, key=lambda d: (-d.priority, d.code, d.anchor)) if dues else None


def template_index(customer_id: int, rule_code: str, anchor: date, count: int) -> int:
    """Which of `count` copy templates a customer gets for a touch: stable, and spread over a segment."""
    if count <= 1:
        return 0
    return zlib.crc32(f"{customer_id}:{rule_code}:{anchor.isoformat()}".encode()) % count


def runout_day(purchase_day: date, cycle_days: int, quantity: int) -> date:
    """When a consumable bought on purchase_day runs out: cycle_days per unit (seed 002 §7)."""
    return purchase_day + timedelta(days=cycle_days * max(quantity, 1))


def receive_cap(mode: str, on: date) -> tuple[date, int]:
    """WeCom's group-send receive cap per customer (§4.8): the period's first day and its cap.

    "month": as many as the month has days (the default); "week": 7 a week; "day": 1 a day.
    """
    if mode == "day":
        return on, 1
    if mode == "week":
        return on - timedelta(days=on.weekday()), 7
    return on.replace(day=1), calendar.monthrange(on.year, on.month)[1]


@dataclass(frozen=True)
class Relation:
    """One guide x customer friendship as the owner rule reads it."""

    id: int
    guide_id: int
    guide_active: bool
    first_added_at: datetime | None
    added_at: datetime | None
    deleted_by_guide_at: datetime | None = None
    deleted_by_customer_at: datetime | None = None


def owner_of(relations: list[Relation]) -> Relation | None:
    """The guide who cares for a customer: the earliest still-active friendship with an active member.

    The guide who brought the customer keeps them (attribution, seed 000 §03); a transfer ends the
    old friendship, so the new guide takes over. Deleted friendships never count (membership rules).
    """
    live = [r for r in relations if r.guide_active
            and is_active(r.added_at, r.deleted_by_guide_at, r.deleted_by_customer_at)]
    return min(live, key=lambda r: (r.first_added_at or r.added_at, r.id), default=None)


# The groups of a guide's card, in display order: first-purchase care first (seed 002 §5).
CARD_GROUPS = {"first": "首购关怀", "birthday": "生日关怀", "second_purchase": "复购机会",
               "replenishment": "补货提醒", "lifecycle": "老客关怀", "revisit": "回访"}


def card_group(first_purchase: bool, kind: str) -> str:
    """Which group of the card a to-do counts in: a first-purchase customer's care is "first"."""
    if first_purchase and kind in ("lifecycle", "revisit"):
        return "first"
    return kind if kind in CARD_GROUPS else "lifecycle"
