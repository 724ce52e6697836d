"""Daily to-do generation for a group of stores sharing a time zone: a handful of set-based statements.

1. expire open to-dos whose window ended; wake snoozed ones whose snooze is over;
2. stage every enabled rule's candidates (bot/services/todos_sql.py) that have no to-do yet in a temporary
   table, then INSERT ... SELECT the day's new to-dos: joined to the customer's caring guide (the owner
   friendship), skipping customers the guide contacted lately and customers at WeCom's group-send receive
   cap; one new to-do per guide x customer a day (ROW_NUMBER), idempotent through the unique key
   (ON CONFLICT DO NOTHING);
3. cap each guide's list: the TODO_CAP_PER_GUIDE most urgent pending to-dos are listed (first-purchase
   customers first, then priority); the others wait off the list, keeping their priority, for the next day;
4. render the text and materials of the to-dos listed today (bot/services/todos_render.py).
A rerun of a day adds nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import (JSON, BigInteger, Column, Date, Integer, MetaData, Select, String, Table, exists, func, literal,
                        select, text, tuple_, union_all, update)
from sqlalchemy.orm import Session

from bot.rules.cadence import receive_cap
from bot.services.bulk import insert_ignoring_conflicts
from bot.services.effect import held_out, record_assignments, with_bucket
from bot.services.tracking import issue_link_tokens
from bot.services.todos_cadences import as_cadence, list_rules
from bot.services.todos_render import render_listed
from bot.services.todos_sql import owners, rule_selects, with_constants
from models import CustomerPurchase, Friendship, Guide, MaterialSend, Store, TodoRun, utcnow
from models.base import UTCDateTime
from models.todo import CHANNEL_GROUP_SEND, TODO_DONE, TODO_EXPIRED, TODO_PENDING, TODO_SNOOZED, Todo

F, G, P, T = Friendship.__table__, Guide.__table__, CustomerPurchase.__table__, Todo.__table__
RECEIVE_LIMIT = "receive_limit"


@dataclass(frozen=True)
class Policy:
    """The knobs of a run (from Settings)."""

    cap_per_guide: int = 20
    recent_contact_days: int = 3
    receive_cap_mode: str = "month"
    holdout_percent: int = 0                              # issue 7: each rule's held-out share (no to-do)
    link_secret: str = field(default="", repr=False)      # issue 7: signs the to-dos' tracked links

    @classmethod
    def from_settings(cls, settings) -> "Policy":
        return cls(settings.TODO_CAP_PER_GUIDE, settings.TODO_RECENT_CONTACT_DAYS, settings.GROUPSEND_CAP_MODE,
                   holdout_percent=settings.HOLDOUT_PERCENT, link_secret=settings.SECRET_KEY)


@dataclass
class Outcome:
    on: date
    store_ids: list[int]
    expired: int = 0
    woken: int = 0
    created: int = 0
    carried: int = 0                                        # pending, waiting off the lists
    rendered: int = 0
    listed: dict[int, int] = field(default_factory=dict)   # store id -> to-dos on today's lists


def local_midnight(day: date, tz: str) -> datetime:
    """The UTC instant a store-local day starts."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def _guides(store_ids: list[int]) -> Select:
    return select(Guide.id).where(Guide.store_id.in_(store_ids))


def expire_open(*, session: Session, store_ids: list[int], on: date) -> int:
    """Pending and snoozed to-dos whose window ended before `on` become expired."""
    return session.execute(update(Todo).where(
        Todo.guide_id.in_(_guides(store_ids)), Todo.status.in_((TODO_PENDING, TODO_SNOOZED)), Todo.expires_on < on,
    ).values(status=TODO_EXPIRED, updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def wake_snoozed(*, session: Session, store_ids: list[int], on: date) -> int:
    """Snoozed to-dos whose snooze is over are pending again, listed from `on`."""
    return session.execute(update(Todo).where(
        Todo.guide_id.in_(_guides(store_ids)), Todo.status == TODO_SNOOZED, Todo.snoozed_until <= on,
    ).values(status=TODO_PENDING, due_on=on, listed=False, snoozed_until=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount


# The day's candidates, staged in a temporary table: the planner then sees their real number (the rules'
# windows are wide, a customer stays a candidate for weeks) and each later step is an ordinary join.
CANDIDATES = Table(
    "todo_candidate", MetaData(),
    Column("customer_id", BigInteger), Column("anchor", Date), Column("expires_on", Date), Column("tier", String(16)),
    Column("rule_id", BigInteger), Column("rank", Integer), Column("priority", Integer), Column("bucket", BigInteger),
    prefixes=["TEMPORARY"])
CANDIDATE_COLUMNS = ["customer_id", "anchor", "expires_on", "tier", "rule_id", "rank", "priority", "bucket"]


def stage_candidates(*, session: Session, on: date) -> bool:
    """Fill the temporary candidate table with every enabled rule's touches due on `on` that no to-do
    has yet (the unique key's prefix); False when no rule is enabled."""
    rules = sorted(list_rules(session=session, enabled_only=True), key=lambda r: (-r.priority, r.code))
    selects = [with_bucket(with_constants(stmt, rule.id, rank, rule.priority), rule.code)
               for rank, rule in enumerate(rules) for stmt in rule_selects(as_cadence(rule), on)]
    if not selects:
        return False
    due = union_all(*selects).subquery("due")
    seen = T.alias("t_seen")
    fresh = select(*(due.c[name] for name in CANDIDATE_COLUMNS)).where(~exists().where(
        seen.c.customer_id == due.c.customer_id, seen.c.rule_id == due.c.rule_id, seen.c.anchor == due.c.anchor))
    CANDIDATES.drop(session.connection(), checkfirst=True)   # left by a failed run on this pooled connection
    CANDIDATES.create(session.connection())
    session.execute(CANDIDATES.insert().from_select(CANDIDATE_COLUMNS, fresh))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE todo_candidate"))
    return True


def _skips(cand, guide_id, on: date, tz: str, policy: Policy) -> list:
    """A new to-do today already; contacted by this guide lately; at WeCom's receive cap this period."""
    ms = MaterialSend.__table__
    since = local_midnight(on - timedelta(days=policy.recent_contact_days), tz)
    period_start, cap = receive_cap(policy.receive_cap_mode, on)
    period = local_midnight(period_start, tz)
    made_today = select(T.c.guide_id, T.c.customer_id).where(T.c.generated_on == on)
    contacted = union_all(select(T.c.guide_id, T.c.customer_id).where(T.c.sent_at >= since),
                          select(ms.c.guide_id, ms.c.customer_id).where(ms.c.sent_at >= since,
                                                                         ms.c.guide_id.is_not(None)))
    capped = (select(T.c.customer_id).where(T.c.channel == CHANNEL_GROUP_SEND, T.c.status == TODO_DONE,
                                            T.c.sent_at >= period)
              .group_by(T.c.customer_id).having(func.count() >= cap))
    limited = select(T.c.customer_id).where(T.c.failure_reason == RECEIVE_LIMIT, T.c.updated_at >= period)
    return [tuple_(guide_id, cand.c.customer_id).not_in(made_today),
            tuple_(guide_id, cand.c.customer_id).not_in(contacted),
            cand.c.customer_id.not_in(capped), cand.c.customer_id.not_in(limited)]


def insert_new(*, session: Session, store_ids: list[int], on: date, tz: str, policy: Policy) -> int:
    """INSERT ... SELECT the day's new to-dos for these stores; return how many were created."""
    if not stage_candidates(session=session, on=on):
        return 0
    created = _insert_from_candidates(session, store_ids, on, tz, policy)
    CANDIDATES.drop(session.connection())   # (a failure rolls the whole transaction back, the table with it)
    return created


def _insert_from_candidates(session: Session, store_ids: list[int], on: date, tz: str, policy: Policy) -> int:
    cand, now = CANDIDATES, utcnow()
    care = owners(F, G, select(cand.c.customer_id), store_ids)
    ranked = (select(
        care.c.store_id, care.c.guide_id, cand.c.customer_id, cand.c.rule_id, cand.c.anchor, cand.c.expires_on,
        cand.c.priority, (cand.c.tier == "first").label("first_purchase"), cand.c.bucket,
        func.row_number().over(partition_by=(care.c.guide_id, cand.c.customer_id),
                               order_by=(held_out(cand.c.bucket, policy.holdout_percent), cand.c.rank,
                                         cand.c.anchor)).label("rn"))
        .select_from(cand.join(care, care.c.customer_id == cand.c.customer_id))
        .where(*_skips(cand, care.c.guide_id, on, tz, policy))
        .subquery("ranked"))
    columns = ["store_id", "guide_id", "customer_id", "rule_id", "anchor", "expires_on", "priority", "first_purchase",
               "generated_on", "due_on", "listed", "status", "material_ids", "links", "created_at", "updated_at"]
    rows = select(ranked.c.store_id, ranked.c.guide_id, ranked.c.customer_id, ranked.c.rule_id, ranked.c.anchor,
                  ranked.c.expires_on, ranked.c.priority, ranked.c.first_purchase,
                  literal(on), literal(on), literal(False), literal(TODO_PENDING), literal([], JSON), literal([], JSON),
                  literal(now, UTCDateTime), literal(now, UTCDateTime)) \
        .where(ranked.c.rn == 1, ranked.c.bucket >= policy.holdout_percent)
    record_assignments(session=session, ranked=ranked, on=on, percent=policy.holdout_percent)   # treated / held out
    stmt = insert_ignoring_conflicts(session, T, ["customer_id", "rule_id", "anchor", "guide_id"])
    session.execute(stmt.from_select(columns, rows))   # (no RETURNING: a first run inserts ~600k rows)
    return session.scalar(select(func.count()).select_from(T).where(T.c.generated_on == on,
                                                                      T.c.created_at == now)) or 0


def relist(*, session: Session, store_ids: list[int], on: date, cap: int) -> int:
    """Put each guide's `cap` most urgent pending to-dos on today's list (first-purchase customers first,
    then priority, then age); the others stay pending off the list, keeping their priority, and compete
    again tomorrow. Only the to-dos whose place changes are written. Return how many changed."""
    order = func.row_number().over(partition_by=T.c.guide_id,
                                   order_by=(T.c.first_purchase.desc(), T.c.priority.desc(), T.c.due_on, T.c.id))
    ranked = (select(T.c.id, T.c.listed, (order <= literal(cap, Integer)).label("want"))
              .where(T.c.guide_id.in_(_guides(store_ids)), T.c.status == TODO_PENDING, T.c.due_on <= on)
              .subquery("ranked"))
    changed = select(ranked.c.id, ranked.c.want).where(ranked.c.want != ranked.c.listed).subquery("changed")
    return session.execute(update(Todo).where(Todo.id == changed.c.id).values(listed=changed.c.want)
                           .execution_options(synchronize_session=False)).rowcount


def pending_counts(*, session: Session, store_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per store, the pending to-dos on today's lists and those waiting off them (one pass)."""
    listed: dict[int, int] = {}
    waiting: dict[int, int] = {}
    rows = session.execute(select(Guide.store_id, Todo.listed, func.count(Todo.id))
                           .join(Guide, Guide.id == Todo.guide_id)
                           .where(Guide.store_id.in_(store_ids), Todo.status == TODO_PENDING)
                           .group_by(Guide.store_id, Todo.listed))
    for store_id, is_listed, count in rows:
        (listed if is_listed else waiting)[store_id] = count
    return listed, waiting


def _record_runs(session: Session, outcome: Outcome, started: datetime, carried: dict[int, int]) -> None:
    created = dict(session.execute(select(Todo.store_id, func.count(Todo.id)).where(
        Todo.generated_on == outcome.on, Todo.store_id.in_(outcome.store_ids), Todo.created_at >= started)
        .group_by(Todo.store_id)).all())
    for store_id in outcome.store_ids:
        run = session.scalars(select(TodoRun).where(TodoRun.store_id == store_id, TodoRun.day == outcome.on)) \
            .one_or_none() or TodoRun(store_id=store_id, day=outcome.on, started_at=started, created=0)
        session.add(run)
        run.created += created.get(store_id, 0)
        run.listed, run.carried = outcome.listed.get(store_id, 0), carried.get(store_id, 0)
        run.finished_at = utcnow()


def generate(*, session: Session, on: date, store_ids: list[int], tz: str, policy: Policy,
             progress: Callable[[str], None] | None = None) -> Outcome:
    """Generate the day's to-dos for stores sharing time zone `tz`; safe to run again."""
    step = progress or (lambda _label: None)
    started, outcome = utcnow(), Outcome(on=on, store_ids=sorted(store_ids))
    if session.get_bind().dialect.name == "postgresql":
        # The statements look expensive to the planner (JIT compiling them costs seconds), and their sorts
        # and hashes over the day's candidates should stay in memory.
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '256MB'"))
    outcome.expired = expire_open(session=session, store_ids=store_ids, on=on)
    outcome.woken = wake_snoozed(session=session, store_ids=store_ids, on=on)
    step("expire")
    outcome.created = insert_new(session=session, store_ids=store_ids, on=on, tz=tz, policy=policy)
    step("insert")
    relist(session=session, store_ids=store_ids, on=on, cap=policy.cap_per_guide)
    step("cap")
    outcome.rendered = render_listed(session=session, guide_ids=_guides(store_ids), on=on)
    if policy.link_secret:
        issue_link_tokens(session=session, guide_ids=_guides(store_ids), on=on, secret=policy.link_secret)
    step("render")
    outcome.listed, waiting = pending_counts(session=session, store_ids=store_ids)
    outcome.carried = sum(waiting.values())
    _record_runs(session, outcome, started, waiting)
    step("record")
    return outcome


def stores_by_timezone(*, session: Session, codes: list[str] | None = None) -> dict[str, list[int]]:
    """Store ids grouped by time zone (all stores, or those with these codes)."""
    stmt = select(Store.id, Store.timezone).order_by(Store.id)
    if codes:
        stmt = stmt.where(Store.code.in_(codes))
    groups: dict[str, list[int]] = {}
    for store_id, tz in session.execute(stmt):
        groups.setdefault(tz or "Asia/Shanghai", []).append(store_id)
    return groups
