"""Validation of one incoming order (API batch or POS export row): pure, no database.

Money is integer fen: a float (or "12.50") is an error, never rounded. Each problem is reported
as a short reason so the sender can fix the order.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from bot.rules.birthdays import parse_birthday_value
from bot.rules.input_values import RANGE_TEXT, is_storable_text, parse_moment
from bot.rules.purchases import STATUS_PAID, STATUS_PARTIALLY_REFUNDED, STATUS_REFUNDED

STATUSES = (STATUS_PAID, STATUS_PARTIALLY_REFUNDED, STATUS_REFUNDED)
MAX_ITEMS = 200
MAX_FEN = 10**12          # ten billion yuan: anything larger is a unit mistake
MAX_QUANTITY = 1_000_000
_MOBILE = re.compile(r"\d{6,15}")


@dataclass
class ItemInput:
    sku: str
    name: str
    category: str | None
    quantity: int
    unit_price: int


@dataclass
class OrderInput:
    """A valid order, normalised."""

    order_no: str
    store_code: str
    paid_at: datetime
    amount: int
    status: str
    refunded_amount: int
    items: list[ItemInput] = field(default_factory=list)
    external_userid: str | None = None
    unionid: str | None = None
    mobile: str | None = None  # normalised digits; hashed before it is stored
    guide_userid: str | None = None
    customer_birthday: date | None = None   # the buyer's birthday, when the POS knows it (bot.rules.birthdays)

    @property
    def key(self) -> tuple[str, str]:
        return self.store_code, self.order_no


def normalize_mobile(raw: str) -> str | None:
    """Digits of a mobile number without the +86 / 0086 prefix, or None if it is not one."""
    digits = re.sub(r"[\s\-()]", "", raw)
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits if _MOBILE.fullmatch(digits) else None


def mobile_hash(secret: str, mobile: str) -> str:
    """The keyed hash (HMAC-SHA256 with SECRET_KEY) under which a normalised mobile is stored."""
    return hmac.new(secret.encode(), mobile.encode(), hashlib.sha256).hexdigest()


def _text(raw: dict, name: str, errors: list[str], *, required: bool = False, max_len: int = 64) -> str | None:
    value = raw.get(name)
    if value is None or value == "":
        if required:
            errors.append(f"{name} is required")
        return None
    if isinstance(value, (int,)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.append(f"{name} must be a string")
        return None
    value = value.strip()
    if "\x00" in value:
        errors.append(f"{name} contains a NUL character")
        return None
    if not is_storable_text(value):
        errors.append(f"{name} is not valid Unicode text")
        return None
    if len(value) > max_len:
        errors.append(f"{name} is longer than {max_len} characters")
        return None
    if required and not value:
        errors.append(f"{name} is required")
    return value or None


def _fen(value: Any, name: str, errors: list[str], *, minimum: int = 0, maximum: int = MAX_FEN) -> int | None:
    """An integer amount; digit strings are accepted (CSV), floats never are."""
    if isinstance(value, bool) or value is None:
        errors.append(f"{name} must be an integer")
        return None
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value.strip())
    if not isinstance(value, int):
        errors.append(f"{name} must be an integer number of fen (no decimals)")
        return None
    if value < minimum:
        errors.append(f"{name} must be at least {minimum}")
        return None
    if value > maximum:
        errors.append(f"{name} must be at most {maximum}")
        return None
    return value


PAID_AT_PROBLEMS = {"malformed": "paid_at is not an ISO 8601 date-time",
                    "naive": "paid_at must carry a time zone offset",
                    "out_of_range": f"paid_at must be {RANGE_TEXT}"}


def _paid_at(raw: dict, errors: list[str]) -> datetime | None:
    value = raw.get("paid_at")
    if not isinstance(value, str) or not value.strip():
        errors.append("paid_at is required (ISO 8601 with a time zone)")
        return None
    parsed, problem = parse_moment(value)
    if problem:
        errors.append(PAID_AT_PROBLEMS[problem])
    return parsed


def _item(raw: Any, index: int, errors: list[str]) -> ItemInput | None:
    if not isinstance(raw, dict):
        errors.append(f"items[{index}] must be an object")
        return None
    item_errors: list[str] = []
    sku = _text(raw, "sku", item_errors, required=True)
    name = _text(raw, "name", item_errors, max_len=200) or ""
    category = _text(raw, "category", item_errors)
    quantity = _fen(raw.get("quantity"), "quantity", item_errors, minimum=1, maximum=MAX_QUANTITY)
    unit_price = _fen(raw.get("unit_price"), "unit_price", item_errors)
    errors.extend(f"items[{index}].{e}" for e in item_errors)
    if item_errors:
        return None
    return ItemInput(sku, name, category, quantity, unit_price)


def _items(raw: dict, errors: list[str]) -> list[ItemInput]:
    value = raw.get("items", [])
    if value is None:
        return []
    if not isinstance(value, list):
        errors.append("items must be a list")
        return []
    if len(value) > MAX_ITEMS:
        errors.append(f"items has more than {MAX_ITEMS} lines")
        return []
    items = [_item(entry, i, errors) for i, entry in enumerate(value)]
    return [i for i in items if i is not None]


def _refund(status: str | None, amount: int | None, raw: dict, errors: list[str]) -> int:
    given = raw.get("refunded_amount")
    if status == STATUS_PARTIALLY_REFUNDED:
        refunded = _fen(given, "refunded_amount", errors, minimum=1)
        if refunded is not None and amount is not None and refunded >= amount:
            errors.append("refunded_amount of a partial refund must be less than amount")
        return refunded or 0
    if status == STATUS_REFUNDED:
        refunded = amount if given in (None, "") else _fen(given, "refunded_amount", errors)
        if refunded is not None and amount is not None and refunded != amount:
            errors.append("refunded_amount of a full refund must equal amount")
        return amount or 0
    if given not in (None, "", 0, "0"):
        errors.append("refunded_amount is only allowed with status refunded or partially_refunded")
    return 0


def parse_customer_birthday(raw: dict, paid_at: datetime | None, errors: list[str]) -> date | None:
    """The buyer's birthday an order may carry: "customer_birthday", YYYY-MM-DD or MM-DD (year unknown); a bad
    one rejects the order like any bad field (no birthday is later than the order)."""
    if paid_at is None:
        return None
    value, problem = parse_birthday_value(raw.get("customer_birthday"), paid_at.date())
    if problem:
        errors.append(f"customer_{problem}")
    return value


def customer_identity(raw: dict, errors: list[str]) -> tuple[str | None, str | None, str | None]:
    """The customer a record names: (external_userid, unionid, normalised mobile); at least one is required."""
    external_userid, unionid = _text(raw, "external_userid", errors), _text(raw, "unionid", errors)
    mobile_raw = _text(raw, "mobile", errors, max_len=32)
    mobile = normalize_mobile(mobile_raw) if mobile_raw else None
    if mobile_raw and mobile is None:
        errors.append("mobile is not a phone number")
    if not (external_userid or unionid or mobile_raw):
        errors.append("the customer is required: external_userid, unionid or mobile")
    return external_userid, unionid, mobile


def parse_order(raw: Any) -> tuple[OrderInput | None, list[str]]:
    """Validate one order; return (order, []) or (None, reasons)."""
    if not isinstance(raw, dict):
        return None, ["order must be a JSON object"]
    errors: list[str] = []
    order_no = _text(raw, "order_no", errors, required=True)
    store_code = _text(raw, "store_code", errors, required=True, max_len=32)
    paid_at = _paid_at(raw, errors)
    amount = _fen(raw.get("amount"), "amount", errors)
    status = raw.get("status") or STATUS_PAID
    if status not in STATUSES:
        errors.append(f"status must be one of {', '.join(STATUSES)}")
        status = None
    refunded = _refund(status, amount, raw, errors)
    items = _items(raw, errors)
    external_userid, unionid, mobile = customer_identity(raw, errors)
    guide_userid = _text(raw, "guide_userid", errors)
    birthday = parse_customer_birthday(raw, paid_at, errors)
    if errors:
        return None, errors
    return OrderInput(order_no, store_code, paid_at, amount, status, refunded, items, external_userid, unionid,
                      mobile, guide_userid, birthday), []
