"""A guide's to-dos: today's list and its summary, and what the guide does with one (skip, snooze, sent)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.rules.benefits import benefit_text
from bot.rules.cadence import CARD_GROUPS, card_group
from content_library.catalogue import record_send
from models import CadenceRule, Customer, CustomerPurchase, Material, utcnow
from models.todo import (CHANNEL_SIDEBAR, TODO_DONE, TODO_FAILED, TODO_PENDING, TODO_SENT, TODO_SKIPPED,
                         TODO_SNOOZED, Todo)

SKIP_REASONS = ("已线下联系过", "顾客近期不宜打扰", "信息有误", "顾客已到店", "其他")
MAX_SNOOZE_DAYS = 14
STATUS_LABELS = {TODO_PENDING: "待发送", TODO_SENT: "待确认", TODO_DONE: "已送达", TODO_SKIPPED: "已跳过",
                 TODO_SNOOZED: "稍后提醒", "expired": "已过期", TODO_FAILED: "未送达"}
FAILURE_LABELS = {"not_friend": "已不是好友", "receive_limit": "顾客本月接收群发已达上限", "not_sent": "未勾选发送",
                  "unsendable": "无法发送（不是该导购的客户）", "not_confirmed": "未在群发助手确认"}


class TodoActionRefused(ValueError):
    """The to-do cannot take this action (not the guide's, or no longer pending); message is Chinese."""


@dataclass(frozen=True)
class TodoView:
    todo: Todo
    rule: CadenceRule
    customer: Customer
    tier: str
    group: str
    materials: list[Material]

    @property
    def benefit(self) -> str:
        """The benefit the touch carries (its rule's coupon, amount and code), as `{coupon}` reads it."""
        return benefit_text(self.rule.coupon, self.rule.coupon_amount, self.rule.coupon_code)


def _ordered():
    return (Todo.first_purchase.desc(), Todo.priority.desc(), Todo.due_on, Todo.id)


def _views(session: Session, rows) -> list[TodoView]:
    material_ids = {mid for todo, *_ in rows for mid in todo.material_ids or []}
    materials = {m.id: m for m in session.scalars(select(Material).where(Material.id.in_(material_ids)))} \
        if material_ids else {}
    return [TodoView(todo, rule, customer, tier or "none", card_group(todo.first_purchase, rule.kind),
                     [materials[m] for m in todo.material_ids or [] if m in materials])
            for todo, rule, customer, tier in rows]


def _query():
    return (select(Todo, CadenceRule, Customer, CustomerPurchase.tier)
            .join(CadenceRule, CadenceRule.id == Todo.rule_id).join(Customer, Customer.id == Todo.customer_id)
            .outerjoin(CustomerPurchase, CustomerPurchase.customer_id == Todo.customer_id))


def todays_list(*, session: Session, guide_id: int, on: date) -> list[TodoView]:
    """The guide's list for a day: the pending to-dos the day's run listed, first-purchase customers first."""
    rows = session.execute(_query().where(Todo.guide_id == guide_id, Todo.status == TODO_PENDING,
                                          Todo.listed.is_(True), Todo.due_on <= on).order_by(*_ordered())).all()
    return _views(session, rows)


def handled_recently(*, session: Session, guide_id: int, since: date, limit: int = 50) -> list[TodoView]:
    """To-dos the guide acted on (or WeCom settled) lately, newest first."""
    rows = session.execute(_query().where(Todo.guide_id == guide_id, Todo.status != TODO_PENDING,
                                          Todo.status != "expired", Todo.due_on >= since)
                           .order_by(Todo.updated_at.desc(), Todo.id.desc()).limit(limit)).all()
    return _views(session, rows)


def summary(views: list[TodoView]) -> dict[str, int]:
    """How many to-dos per card group, in the card's group order (groups with none left out)."""
    counts = Counter(v.group for v in views)
    return {group: counts[group] for group in CARD_GROUPS if counts[group]}


def pending_in_group(*, session: Session, guide_id: int, day: date, group: str) -> list[int]:
    """Ids of the guide's pending to-dos of a card group on the list (as of `day`)."""
    return [v.todo.id for v in todays_list(session=session, guide_id=guide_id, on=day) if v.group == group]


def _own_open(session: Session, guide_id: int, todo_id: int) -> Todo:
    todo = session.get(Todo, todo_id, with_for_update=True)
    if todo is None or todo.guide_id != guide_id:
        raise TodoActionRefused("没有找到这条待办")
    if todo.status != TODO_PENDING:
        raise TodoActionRefused(f"这条待办{STATUS_LABELS.get(todo.status, '')}，不能再操作")
    return todo


def skip(*, session: Session, guide_id: int, todo_id: int, reason: str) -> Todo:
    """The guide will not send this to-do, with one of SKIP_REASONS."""
    if reason not in SKIP_REASONS:
        raise TodoActionRefused("请选择跳过原因")
    todo = _own_open(session, guide_id, todo_id)
    todo.status, todo.skip_reason = TODO_SKIPPED, reason
    return todo


def snooze(*, session: Session, guide_id: int, todo_id: int, on: date, days: int) -> Todo:
    """Put the to-do away for `days` days; it comes back (keeping its priority) if its window allows."""
    if not 1 <= days <= MAX_SNOOZE_DAYS:
        raise TodoActionRefused(f"稍后提醒须为 1-{MAX_SNOOZE_DAYS} 天")
    todo = _own_open(session, guide_id, todo_id)
    todo.status, todo.snoozed_until, todo.listed = TODO_SNOOZED, on + timedelta(days=days), False
    return todo


def sent_in_chat(*, session: Session, guide_id: int, todo_id: int) -> Todo:
    """The guide sent the to-do in the chat (sidebar, sendChatMessage succeeded): it reached the customer."""
    todo = _own_open(session, guide_id, todo_id)
    todo.status, todo.channel, todo.sent_at = TODO_DONE, CHANNEL_SIDEBAR, utcnow()
    for material_id in todo.material_ids or []:
        record_send(session=session, material_id=material_id, customer_id=todo.customer_id, guide_id=guide_id)
    return todo


def for_customer(*, session: Session, guide_id: int, external_userid: str) -> list[TodoView]:
    """The guide's pending to-dos for one customer that were listed already (the chat sidebar)."""
    rows = session.execute(_query().where(Todo.guide_id == guide_id, Todo.status == TODO_PENDING,
                                          Todo.text.is_not(None), Customer.external_userid == external_userid)
                           .order_by(*_ordered())).all()
    return _views(session, rows)
