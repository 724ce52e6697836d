"""What the metrics pages show for a scope (a store, a region or every store) over a period.

The repurchase figures are bot.services.metrics.store_metrics (the same numbers as the JSON API); the
friend deletion rate (删粉率) is counted per guide in SQL as bot.rules.metrics.deletion_counts counts it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from bot.rules.form_input import MAX_ID, parse_int
from bot.rules.metrics import DeletionCounts, QuadrantThresholds
from bot.services.metrics import store_metrics
from models import Friendship, Guide, Store

F = Friendship


@dataclass(frozen=True)
class Scope:
    """Which stores a page covers: a label and the store ids (None: every store)."""

    label: str
    store_ids: list[int] | None
    key: str = "all"                 # all | store:<id> | region:<name>


@dataclass(frozen=True)
class GuideDeletions:
    guide_id: int
    name: str
    counts: DeletionCounts


@dataclass
class MetricsPage:
    scope: Scope
    start: date
    end: date
    repurchase: dict
    deletions: DeletionCounts
    by_guide: list[GuideDeletions] = field(default_factory=list)


def scope_choices(*, session: Session) -> tuple[list[Store], list[str]]:
    """Every store (by code) and every region named on a store, for HQ's scope picker."""
    stores = list(session.scalars(select(Store).order_by(Store.code)))
    return stores, sorted({s.region for s in stores if s.region})


def resolve_scope(*, session: Session, key: str | None) -> Scope | None:
    """HQ's scope from its key: every store, one store by id, or a region's stores; None when unknown."""
    key = (key or "all").strip()
    if key == "all":
        return Scope("全部门店", None)
    kind, _, value = key.partition(":")
    if kind == "store":
        store_id = parse_int(value, low=1, high=MAX_ID)
        store = session.get(Store, store_id) if store_id is not None else None
        return Scope(store.name, [store.id], key) if store else None
    if kind == "region" and value:
        ids = list(session.scalars(select(Store.id).where(Store.region == value).order_by(Store.id)))
        return Scope(f"{value}区域", ids, key) if ids else None
    return None


def _instant(day: date, tz: str) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def deletions_by_guide(*, session: Session, store_ids: list[int] | None, start: datetime,
                       end: datetime) -> list[GuideDeletions]:
    """Per guide, the deletion-rate counts of the scope's friendships over [start, end), in SQL: the twin of
    bot.rules.metrics.deletion_counts (friend_at the start from the row's first and latest add and deletions)."""
    added_before = case((F.added_at < start, F.added_at), else_=F.first_added_at)

    def not_ended_before(ended):
        return or_(ended.is_(None), ended >= start, added_before > ended)

    at_start = and_(F.first_added_at < start, not_ended_before(F.deleted_by_guide_at),
                    not_ended_before(F.deleted_by_customer_at))
    made = or_(and_(F.first_added_at >= start, F.first_added_at < end), and_(F.added_at >= start, F.added_at < end))
    deleted = and_(or_(at_start, made), F.deleted_by_customer_at >= start, F.deleted_by_customer_at < end)

    def count(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    stmt = (select(Guide.id, Guide.name, count(at_start), count(and_(~at_start, made)), count(deleted))
            .join(Guide, Guide.id == F.guide_id).where(F.first_added_at < end)
            .group_by(Guide.id, Guide.name).order_by(Guide.name, Guide.id))
    if store_ids is not None:
        stmt = stmt.where(F.store_id.in_(store_ids))
    rows = [GuideDeletions(gid, name, DeletionCounts(int(a), int(b), int(c)))
            for gid, name, a, b, c in session.execute(stmt)]
    return [r for r in rows if r.counts.at_start + r.counts.added]


def metrics_page(*, session: Session, scope: Scope, start: date, end: date, tz: str,
                 thresholds: QuadrantThresholds) -> MetricsPage:
    """Everything a metrics page shows for a scope and an inclusive period of local days in `tz`."""
    repurchase = store_metrics(session=session, store_ids=scope.store_ids, start=start, end=end,
                               thresholds=thresholds)
    by_guide = deletions_by_guide(session=session, store_ids=scope.store_ids, start=_instant(start, tz),
                                  end=_instant(end + timedelta(days=1), tz))
    total = DeletionCounts(*(sum(getattr(g.counts, name) for g in by_guide)
                             for name in ("at_start", "added", "deleted")))
    return MetricsPage(scope, start, end, repurchase, total, by_guide)
