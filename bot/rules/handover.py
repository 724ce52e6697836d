"""Hand-over rules (在职继承 / 离职继承): pure functions, no database.

WeCom takes at most 100 customers (or groups) per call; a transfer_result status is one of 1 接替完毕,
2 等待接替, 3 客户拒绝, 4 接替成员客户达到上限 (5 无接替记录 leaves the transfer as it is). A member who left
hands over through the resigned APIs, a member still here through the on-job ones.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from models.handover import (KIND_ONJOB, KIND_RESIGNED, OPEN_STATUSES, TRANSFER_DONE, TRANSFER_FAILED,
                             TRANSFER_LIMIT, TRANSFER_QUEUED, TRANSFER_REFUSED, TRANSFER_SENDING, TRANSFER_WAITING)

T = TypeVar("T")
BATCH_SIZE = 100
RESULT_STATUS = {1: TRANSFER_DONE, 2: TRANSFER_WAITING, 3: TRANSFER_REFUSED, 4: TRANSFER_LIMIT}
FAIL_REASON_STATUS = {"customer_refused": TRANSFER_REFUSED, "customer_limit_exceed": TRANSFER_LIMIT}
NOT_RESIGNED = 40097   # resigned/transfer_customer for a member still in the directory (e.g. disabled)

STATUS_LABELS = {
    TRANSFER_QUEUED: "正在发起", TRANSFER_SENDING: "正在发起",
    TRANSFER_WAITING: "等待接替", TRANSFER_DONE: "接替完毕", TRANSFER_REFUSED: "客户拒绝",
    TRANSFER_LIMIT: "接替导购客户已满", TRANSFER_FAILED: "未能发起",
}
ERRCODE_LABELS = {
    -1: "企业微信繁忙，请稍后重试", 40003: "成员无效", 40096: "不是有效的客户", 40097: "原导购尚未离职", 40128: "90天内已转接两次",
    40129: "客户正在转接中", 40130: "接替导购与原导购相同", 84061: "已不是该导购的客户",
    90500: "群主尚未离职", 90501: "不是客户群", 90502: "群主已离职",
}
KIND_LABELS = {KIND_RESIGNED: "离职继承", KIND_ONJOB: "在职继承"}


def transfer_kind(member_active: bool) -> str:
    """离职继承 for a member who left, 在职继承 for one still here."""
    return KIND_ONJOB if member_active else KIND_RESIGNED


def batches(items: Sequence[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    """Split items into lists of at most size (WeCom's per-call limit)."""
    for start in range(0, len(items), size):
        yield list(items[start:start + size])


def result_status(code: int | None) -> str | None:
    """Our status for a transfer_result status code; None when it tells nothing (5, unknown)."""
    return RESULT_STATUS.get(code) if code is not None else None


def is_final(status: str) -> bool:
    """A transfer that will not change any more."""
    return status not in OPEN_STATUSES


def reason_label(status: str, errcode: int | None, reason: str | None) -> str:
    """The Chinese explanation shown beside a transfer's status."""
    if errcode:
        return ERRCODE_LABELS.get(errcode, f"企业微信错误 {errcode}")
    if reason == "customer_refused":
        return "客户拒绝接替"
    if reason == "customer_limit_exceed":
        return "接替导购的客户数已达上限"
    return reason or ""
