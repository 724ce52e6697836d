"""The effect of care: a deterministic holdout per cadence rule, and the interval for treated vs holdout.

Holdout. Each (rule, customer) falls in a bucket 0-99 by Knuth's multiplicative hashing: the customer
id plus a 32-bit salt, times an odd multiplier, modulo 2**32, and the bucket is the top of that product
scaled to 100 (the high bits are the well-mixed ones). Salt and multiplier are drawn from the rule's
code, so each rule holds out a different set of customers. The buckets below HOLDOUT_PERCENT get no
to-do from that rule. Only integer +, *, & and >> are used and every product stays below 2**63, so
bot/services/effect.py evaluates the very same function in SQL on PostgreSQL and SQLite, inside the
set-based generation; tests check both agree and that about HOLDOUT_PERCENT of customers fall out.

Interval. The difference of two repurchase rates p1 - p2 gets Newcombe's hybrid score interval
(Newcombe 1998, method 10), built from the Wilson score interval of each rate; it behaves well for
small groups and rates near 0 or 1, where the normal approximation (Wald) does not.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from statistics import NormalDist

MASK32 = 0xFFFFFFFF
BUCKETS = 100


def rule_hash(rule_code: str) -> tuple[int, int]:
    """The rule's (salt, multiplier): 32-bit salt, odd multiplier in [2**30, 2**31)."""
    digest = hashlib.sha256(f"holdout:{rule_code}".encode()).digest()
    salt = int.from_bytes(digest[:4], "big")
    multiplier = (1 << 30) | (int.from_bytes(digest[4:8], "big") & ((1 << 30) - 1)) | 1
    return salt, multiplier


def holdout_bucket(rule_code: str, customer_id: int) -> int:
    """The customer's bucket (0-99) for the rule: stable, and unrelated to anything about the customer."""
    salt, multiplier = rule_hash(rule_code)
    mixed = (((customer_id + salt) & MASK32) * multiplier) & MASK32
    return (mixed * BUCKETS) >> 32


def is_held_out(rule_code: str, customer_id: int, percent: int) -> bool:
    """True when the rule's care is withheld from the customer (bucket below percent)."""
    return holdout_bucket(rule_code, customer_id) < percent


def _z(confidence: float) -> float:
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 for an empty group)."""
    if n <= 0:
        return 0.0, 1.0
    z, p = _z(confidence), successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Difference:
    """p1 - p2 with its confidence interval."""

    difference: float
    low: float
    high: float
    confidence: float

    def excludes_zero(self) -> bool:
        return self.low > 0 or self.high < 0


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, confidence: float = 0.95) -> Difference | None:
    """Newcombe's hybrid score interval for p1 - p2 (None when a group is empty)."""
    if n1 <= 0 or n2 <= 0:
        return None
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, confidence)
    l2, u2 = wilson_interval(k2, n2, confidence)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return Difference(d, low, high, confidence)
