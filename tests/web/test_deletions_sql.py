"""The metrics pages' friend deletion rate (删粉率) in SQL counts what the pure rule counts (bot.rules.metrics.
deletion_counts), per guide, on a seeded random set of friendships: re-adds, deletions by either side, and events
falling exactly on a period's bounds (both backends)."""
from __future__ import annotations

import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from bot.rules.metrics import FriendSpan, deletion_counts
from bot.services.metrics_pages import deletions_by_guide
from models import Friendship, Guide
from tests.todos.helpers import customer

START = datetime(2026, 11, 1, tzinfo=timezone.utc)
PERIODS = [(START, START + timedelta(days=30)), (START + timedelta(days=10), START + timedelta(days=11)),
           (START - timedelta(days=40), START + timedelta(days=60))]


def _moment(rng: random.Random, after: datetime | None = None) -> datetime:
    """A time around the periods, sometimes exactly on one of their bounds."""
    if rng.random() < 0.25:
        bounds = [b for period in PERIODS for b in period if after is None or b >= after]
        if bounds:
            return rng.choice(bounds)
    base = after or START - timedelta(days=70)
    return base + timedelta(hours=rng.randint(0 if after is None else 1, 24 * 140))


def _span(rng: random.Random) -> FriendSpan:
    first = _moment(rng)
    added = first if rng.random() < 0.6 else _moment(rng, first)          # added again later
    by_guide = _moment(rng, first) if rng.random() < 0.3 else None
    by_customer = _moment(rng, first) if rng.random() < 0.5 else None
    return FriendSpan(first, added, by_guide, by_customer)


def test_the_deletion_rate_sql_matches_the_pure_rule(db, org):
    rng = random.Random(20261101)
    spans: dict[int, list[FriendSpan]] = defaultdict(list)
    with db.transaction() as session:
        guides = list(session.scalars(select(Guide)))
        for n in range(150):
            guide, span = rng.choice(guides), _span(rng)
            session.add(Friendship(guide_id=guide.id, customer_id=customer(session, f"顾客{n}"),
                                   store_id=guide.store_id, first_added_at=span.first_added_at,
                                   added_at=span.added_at, add_count=1, deleted_by_guide_at=span.deleted_by_guide_at,
                                   deleted_by_customer_at=span.deleted_by_customer_at))
            spans[guide.id].append(span)
        session.flush()
        for start, end in PERIODS:
            from_sql = {g.guide_id: g.counts for g in deletions_by_guide(session=session, store_ids=None,
                                                                          start=start, end=end)}
            expected = {gid: deletion_counts(of_guide, start, end) for gid, of_guide in spans.items()}
            expected = {gid: c for gid, c in expected.items() if c.at_start + c.added}
            assert from_sql == expected, (start, end)
            assert sum(c.deleted for c in expected.values()) > 0
