"""Friendship and group membership decided by event times, not arrival order.

Events may arrive twice or out of order (a deletion before the add it follows), so
each row keeps the latest time of each kind of change and the state is derived.
"""
from __future__ import annotations

from datetime import datetime


def later(current: datetime | None, candidate: datetime | None) -> datetime | None:
    """Return the later of two optional times."""
    if current is None:
        return candidate
    if candidate is None:
        return current
    return max(current, candidate)


def earlier(current: datetime | None, candidate: datetime | None) -> datetime | None:
    """Return the earlier of two optional times."""
    if current is None:
        return candidate
    if candidate is None:
        return current
    return min(current, candidate)


def is_active(added_at: datetime | None, *ended_at: datetime | None) -> bool:
    """A relation is active when its latest start is after every end (ties: ended)."""
    if added_at is None:
        return False
    return all(end is None or added_at > end for end in ended_at)


def friendship_status(added_at, deleted_by_guide_at, deleted_by_customer_at) -> str:
    """One of 'active', 'deleted_by_guide', 'deleted_by_customer', 'unknown'."""
    if is_active(added_at, deleted_by_guide_at, deleted_by_customer_at):
        return "active"
    if deleted_by_guide_at is None and deleted_by_customer_at is None:
        return "unknown"
    if deleted_by_customer_at is None:
        return "deleted_by_guide"
    if deleted_by_guide_at is None:
        return "deleted_by_customer"
    return "deleted_by_guide" if deleted_by_guide_at > deleted_by_customer_at else "deleted_by_customer"
