"""Daily to-do generation for a group of stores sharing a time zone: a handful of set-based statements.

1. expire open to-dos whose window ended; wake snoozed ones whose snooze is over;
2. bring the kept candidates (todo_candidate: touches due without a to-do, with the customer's caring guide)
   up to the day with the rules' SELECTs (bot/services/todos_sql.py): after a first, full run only the
   touches whose window opened since the previous run and the touches of customers whose data changed since
   are derived;
3. make each guide's list: the TODO_CAP_PER_GUIDE most urgent among the guide's pending to-dos and the
   candidates the guide may get today (first-purchase customers first, then priority, then age), skipping
   customers the guide contacted lately and customers at WeCom's group-send receive cap, one new to-do per
   guide x customer a day. The candidates that make a list become to-dos (idempotent through the unique
   key); the others wait for the next run until their window ends, as do the pending to-dos off the list.
A rerun of a day adds nothing. The personal text is rendered when the guide first opens or sends a to-do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

from sqlalchemy import (JSON, BigInteger, Boolean, Column, ColumnElement, Date, Integer, MetaData, Select, Table,
                        case, delete, exists, false, func, literal, null, or_, select, text, true,
                        tuple_, union_all, update)
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session

from bot.rules.birthdays import RANKS_FIRST_BOOST, holdout_exempt, list_priority
from bot.rules.cadence import REPLENISH_LOOKBACK_DAYS, derivation, derivation_edits, receive_cap
from bot.rules.metrics import QuadrantThresholds
from bot.services.bulk import (analyze, estimated_rows, fill_scratch, insert_from_select, insert_ignoring_conflicts,
                               insert_rows, is_postgresql, scratch_table, secondary_indexes_rebuilt, update_rows,
                               vacuum_analyze)
from bot.services.effect import held_out, record_assignments, with_bucket
from bot.services.metrics import thresholds_from
from bot.services.todos_cadences import as_cadence, list_rules
from bot.services.todos_sql import ALL, Scope, active_friendship, owners, rule_selects, runout_rows, with_constants
from models import (CadenceRule, CommerceEvent, Customer, CustomerPurchase, Friendship, Guide, HoldoutAssignment,
                    MaterialSend, ReplenishCycle, Store, TodoRun, utcnow)
from models.base import UTCDateTime
from models.todo import (CHANNEL_GROUP_SEND, OPEN_STATUSES, RETRACTED_REASON, TODO_DONE, TODO_EXPIRED, TODO_PENDING,
                         TODO_SKIPPED, TODO_SNOOZED, Todo, TodoCandidate, TodoDerived, TodoRunout)

F, G, P, T = Friendship.__table__, Guide.__table__, CustomerPurchase.__table__, Todo.__table__
RECEIVE_LIMIT = "receive_limit"


@dataclass(frozen=True)
class Policy:
    """The knobs of a run (from Settings)."""

    cap_per_guide: int = 20
    recent_contact_days: int = 3
    receive_cap_mode: str = "month"
    holdout_percent: int = 0                              # issue 7: each rule's held-out share (no to-do)
    # A change written just before a run started may commit after the run read: an incremental run
    # re-reads what changed since the previous run started, less this margin.
    commit_lag: timedelta = timedelta(hours=1)
    # PostgreSQL reads only the top of each guide's kept candidates (_tops); False ranks every eligible one,
    # as SQLite does (the same lists, slower).
    read_tops: bool = True
    quadrants: QuadrantThresholds = QuadrantThresholds()    # the QUADRANT_* settings, for quadrant audiences

    @classmethod
    def from_settings(cls, settings) -> "Policy":
        return cls(settings.TODO_CAP_PER_GUIDE, settings.TODO_RECENT_CONTACT_DAYS, settings.GROUPSEND_CAP_MODE,
                   holdout_percent=settings.HOLDOUT_PERCENT, quadrants=thresholds_from(settings))


@dataclass
class Outcome:
    on: date
    store_ids: list[int]
    expired: int = 0
    woken: int = 0
    withdrawn: int = 0                                      # open to-dos whose touch no longer holds
    created: int = 0
    carried: int = 0                                        # waiting off the lists (to-dos and kept touches)
    listed: dict[int, int] = field(default_factory=dict)   # store id -> to-dos on today's lists


def local_midnight(day: date, tz: str) -> datetime:
    """The UTC instant a store-local day starts."""
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def _guides(store_ids: list[int]) -> Select:
    return select(Guide.id).where(Guide.store_id.in_(store_ids))


def expire_open(*, session: Session, store_ids: list[int], on: date) -> int:
    """Pending and snoozed to-dos whose window ended before `on` become expired."""
    return session.execute(update(Todo).where(
        Todo.guide_id.in_(_guides(store_ids)), Todo.status.in_(OPEN_STATUSES), Todo.expires_on < on,
    ).values(status=TODO_EXPIRED, updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount


def wake_snoozed(*, session: Session, store_ids: list[int], on: date) -> int:
    """Snoozed to-dos whose snooze is over are pending again, listed from `on`."""
    return session.execute(update(Todo).where(
        Todo.guide_id.in_(_guides(store_ids)), Todo.status == TODO_SNOOZED, Todo.snoozed_until <= on,
    ).values(status=TODO_PENDING, due_on=on, listed=False, snoozed_until=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount


# The touches due and without a to-do are kept in `todo_candidate` from one run to the next, with the guide
# caring for the customer, so a day's run reads what changed, not every customer inside a window (a customer
# stays inside one for weeks), and makes a to-do only for a touch that reaches its guide's list.
CANDIDATES = TodoCandidate.__table__
RUNOUTS = TodoRunout.__table__
CANDIDATE_COLUMNS = ["customer_id", "anchor", "expires_on", "tier", "rule_id", "rank", "priority", "bucket"]
# The customers whose data changed since the previous run; `bought`: their purchases did.
CHANGED = Table("todo_changed", MetaData(), Column("customer_id", BigInteger, primary_key=True),
                Column("bought", Boolean), prefixes=["TEMPORARY"])


def _scratch(name: str, *columns: Column, key: str | None = None) -> Table:
    """A temporary table with these columns' names and types (taken from the tables the rows come from)."""
    return Table(name, MetaData(), *(Column(c.name, c.type, primary_key=c.name == key) for c in columns),
                 prefixes=["TEMPORARY"])


# The touches due today within a run's scopes (all, or the changed customers' and those opened since).
DUE = _scratch("todo_due", *(CANDIDATES.c[name] for name in CANDIDATE_COLUMNS))
# The changed customers' purchase summaries (the columns the rules read), copied once for the changed scope.
CHANGED_PURCHASES = _scratch("todo_changed_purchases", P.c.customer_id, P.c.first_purchase_day, P.c.last_purchase_day,
                             P.c.last_purchase_items, P.c.tier, key="customer_id")


# A day whose due touches number this share of the kept candidates or more (a month's first day opens the
# month's birthdays) builds the candidates' list-order index again after keeping them, rather than placing
# each entry at random (day 3 of the bench: 1.5 s to 1.2 s); a usual day adds a few percent and keeps it.
REBUILD_SHARE = 0.2


@dataclass(frozen=True)
class Previous:
    """The latest run before a day that every store of a group finished (the incremental run's base)."""

    day: date
    started_at: datetime


def previous_run(*, session: Session, store_ids: list[int], on: date) -> Previous | None:
    """The base of an incremental run: None when a store never ran before `on` (a full run then)."""
    last = dict(session.execute(select(TodoRun.store_id, func.max(TodoRun.day))
                                .where(TodoRun.store_id.in_(store_ids), TodoRun.day < on,
                                       TodoRun.finished_at.is_not(None)).group_by(TodoRun.store_id)).all())
    if len(last) < len(set(store_ids)):
        return None
    day = min(last.values())
    started = session.scalar(select(func.min(TodoRun.started_at)).where(
        TodoRun.store_id.in_(store_ids), TodoRun.day >= day, TodoRun.day < on))
    return Previous(day, started)


def _changed_since(since: datetime) -> Select:
    """(customer_id, bought) of the customers whose purchases (bought), birthday, carts or friendships changed
    since `since`, and of the friends of a member who changed since (left, or came back: their caring guide
    may be another one now, and a leaver's open to-dos are withdrawn)."""
    c, ce = Customer.__table__, CommerceEvent.__table__
    bought, other = literal(True).label("bought"), literal(False).label("bought")
    changes = union_all(select(P.c.customer_id, bought).where(P.c.updated_at >= since),
                        select(c.c.id, other).where(c.c.updated_at >= since),
                        select(ce.c.customer_id, other).where(ce.c.created_at >= since, ce.c.kind == "add_to_cart"),
                        select(F.c.customer_id, other).where(F.c.updated_at >= since),
                        select(F.c.customer_id, other).join(G, G.c.id == F.c.guide_id)
                        .where(G.c.updated_at >= since)).subquery("changes")
    return select(changes.c.customer_id, func.max(case((changes.c.bought, 1), else_=0)) == 1) \
        .group_by(changes.c.customer_id)


def _basis(session: Session, rules: list[CadenceRule]) -> dict:
    """What the kept touches follow now: the enabled rules in the run's order, and the usage cycles."""
    cycles = dict(session.execute(select(ReplenishCycle.sku, ReplenishCycle.cycle_days)).all())
    return derivation([(rule.id, as_cadence(rule)) for rule in rules], cycles)


def stage_candidates(*, session: Session, on: date, previous: Previous | None, store_ids: list[int],
                     commit_lag: timedelta = timedelta(hours=1),
                     thresholds: QuadrantThresholds = QuadrantThresholds()) -> int:
    """Bring the kept candidates up to `on`; return how many open to-dos of these stores were withdrawn.

    Incremental (a previous run, the derived state whole): drop the candidates whose window ended, re-derive
    the touches of the customers that changed since that run started and every touch of the rules HQ edited
    since (their window, priority, tiers or offsets; enabled or disabled: the basis recorded with the derived
    state tells), and add the touches whose window opened after its day. A usage cycle set, changed or
    dropped re-derives every runout day and the replenishment rules' touches. Full otherwise: every touch due
    on `on`. Touches with a to-do are never kept, nor touches of a customer no active guide cares for. An open
    to-do of these stores whose touch no longer holds (among the customers and rules re-derived) is withdrawn:
    skipped, RETRACTED_REASON; one whose touch holds takes the touch's current window and priority.
    A rule for some value quadrants is re-derived whole every run: a customer's quadrant moves as the days pass
    (purchases leave its window) without any change to their data.
    """
    rules = sorted(list_rules(session=session, enabled_only=True),
                   key=lambda r: (-list_priority(r.trigger, r.priority), r.code))
    basis = _basis(session, rules)
    mark = session.get(TodoDerived, 1)   # gone after a crash (PostgreSQL: unlogged, as the derived state is)
    with scratch_table(session, DUE):
        if previous is None or mark is None or (mark.basis or {}).get("version") != basis["version"]:
            session.execute(delete(CANDIDATES))
            refresh_runouts(session, on, ALL)
            _derive_due(session, rules, on, [ALL], thresholds=thresholds)
            withdrawn = _withdraw(session, store_ids, ALL)
            with secondary_indexes_rebuilt(session, CANDIDATES):   # every candidate is new
                _keep_candidates(session, every=True)
            # Rebuilt: their statistics are refreshed now, for the lists made next (after a daily run, which
            # changes a part of them, the tidy that follows the run refreshes them).
            analyze(session, RUNOUTS.name)
            analyze(session, CANDIDATES.name)
            session.merge(TodoDerived(id=1, rebuilt_at=utcnow(), basis=basis))
            session.flush()
            return withdrawn
        edits = derivation_edits(mark.basis, basis)
        rederived = edits.rules | {rule.id for rule in rules if rule.quadrants}
        session.execute(delete(CANDIDATES).where(or_(CANDIDATES.c.expires_on < on,
                                                     CANDIDATES.c.rule_id.in_(sorted(rederived)))))
        if edits.reranked:   # another rule came before or after theirs: the tie-break order moved
            session.execute(update(CANDIDATES).where(CANDIDATES.c.rule_id.in_(sorted(edits.reranked)))
                            .values(rank=case(edits.reranked, value=CANDIDATES.c.rule_id)))
        with scratch_table(session, CHANGED), scratch_table(session, CHANGED_PURCHASES):
            session.execute(CHANGED.insert().from_select(["customer_id", "bought"],
                                                         _changed_since(previous.started_at - commit_lag)))
            analyze(session, CHANGED.name)
            names = [c.name for c in CHANGED_PURCHASES.c]
            session.execute(CHANGED_PURCHASES.insert().from_select(names, select(*(P.c[n] for n in names)).join(
                CHANGED, CHANGED.c.customer_id == P.c.customer_id)))
            analyze(session, CHANGED_PURCHASES.name)
            changed = Scope(customers=select(CHANGED.c.customer_id), purchases=CHANGED_PURCHASES)
            session.execute(delete(CANDIDATES).where(*changed.of(CANDIDATES.c.customer_id)))
            refresh_runouts(session, on, ALL if edits.cycles else Scope(
                customers=select(CHANGED.c.customer_id).where(CHANGED.c.bought)))
            due = _derive_due(session, rules, on, [changed, Scope(opened_after=previous.day)],
                              every_of=rederived, thresholds=thresholds)
            withdrawn = _withdraw(session, store_ids, changed, rule_ids=rederived)
            with secondary_indexes_rebuilt(session, CANDIDATES, when=due >= REBUILD_SHARE * estimated_rows(
                    session, CANDIDATES)):
                _keep_candidates(session)
        if mark.basis != basis:
            mark.basis = basis
            session.flush()
        return withdrawn


def withdrawn_by_run(todo) -> ColumnElement:
    """A to-do the run withdrew (a to-do table or alias)."""
    return (todo.c.status == TODO_SKIPPED) & (func.coalesce(todo.c.skip_reason, "") == RETRACTED_REASON)


def _withdraw(session: Session, store_ids: list[int], scope: Scope, rule_ids: set[int] = frozenset()) -> int:
    """Bring the open to-dos of these stores, of the scope's customers and of these rules, in line with the
    touches due today (DUE holds every touch of those customers and rules due today): one whose touch holds
    takes its current window and priority (HQ may have edited the rule); one whose touch is gone, whose
    customer is no longer the guide's friend, or whose guide left, is skipped with RETRACTED_REASON, off the
    lists (the touch may then go to another caring guide). Return how many were withdrawn."""
    whose = scope.of(T.c.customer_id)
    if whose and rule_ids:
        whose = [or_(*whose, T.c.rule_id.in_(sorted(rule_ids)))]
    open_ = (T.c.store_id.in_(store_ids), T.c.status.in_(OPEN_STATUSES), *whose)
    same = (DUE.c.customer_id == T.c.customer_id, DUE.c.rule_id == T.c.rule_id, DUE.c.anchor == T.c.anchor)
    session.execute(update(Todo).where(*open_, *same, or_(DUE.c.expires_on != T.c.expires_on,
                                                          DUE.c.priority != T.c.priority))
                    .values(expires_on=DUE.c.expires_on, priority=DUE.c.priority, updated_at=utcnow())
                    .execution_options(synchronize_session=False))
    f = F.alias("still_friends")
    friends = exists().where(f.c.customer_id == T.c.customer_id, f.c.guide_id == T.c.guide_id, active_friendship(f))
    member = exists().where(G.c.id == T.c.guide_id, G.c.active.is_(True))
    return session.execute(update(Todo).where(*open_, or_(~exists().where(*same), ~friends, ~member)).values(
        status=TODO_SKIPPED, skip_reason=RETRACTED_REASON, listed=False, snoozed_until=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount


def refresh_runouts(session: Session, on: date, scope: Scope) -> None:
    """Re-derive the kept runout days (todo_runout) of the customers in scope: every customer's on a full run,
    on a daily one those of the customers whose purchases changed (a runout day moves only with them)."""
    stale = delete(RUNOUTS)
    if scope.customers is not None:   # (and the purchases that left the look-back)
        stale = stale.where(or_(RUNOUTS.c.purchase_day < on - timedelta(days=REPLENISH_LOOKBACK_DAYS),
                                *scope.of(RUNOUTS.c.customer_id)))
    session.execute(stale)
    insert_from_select(session, RUNOUTS, ["customer_id", "sku", "purchase_day", "runout"], runout_rows(on, scope))


def _derive_due(session: Session, rules: list, on: date, scopes: list[Scope],
                every_of: set[int] = frozenset(), thresholds: QuadrantThresholds = QuadrantThresholds()) -> int:
    """Put the rules' touches due on `on` within these scopes in DUE (all of them for the rules `every_of`);
    return how many."""
    selects = [with_bucket(with_constants(stmt, rule.id, rank, list_priority(rule.trigger, rule.priority)),
                           rule.code, holdout_exempt(rule.trigger))
               for rank, rule in enumerate(rules) for scope in ([ALL] if rule.id in every_of else scopes)
               for stmt in rule_selects(as_cadence(rule), on, scope, thresholds)]
    due = fill_scratch(session, DUE, CANDIDATE_COLUMNS, union_all(*selects)) if selects else 0
    analyze(session, DUE.name)
    return due


def _keep_candidates(session: Session, every: bool = False) -> None:
    """Keep the touches in DUE that no to-do has yet (a withdrawn one aside), with the guide caring for the
    customer; a touch of a customer nobody cares for is not kept (a friendship coming back, or made,
    re-derives the customer's touches). `every`: DUE holds every customer's touches (a full run), so the caring
    guides are read for every customer at once rather than picked out for DUE's (and the kept ones are none).

    PostgreSQL inserts the rows plainly (an INSERT ... ON CONFLICT costs twice as much a row): the run is the only
    writer of the kept candidates, so the SELECT leaves out the touches already kept and keeps one row per key
    (a daily run's two scopes may both yield a touch). SQLite skips the conflicting rows.
    """
    postgresql = is_postgresql(session)
    care = owners(F, G, None if every else select(DUE.c.customer_id), postgresql=postgresql)
    seen = T.alias("t_seen")
    fresh = (select(*(DUE.c[name] for name in CANDIDATE_COLUMNS), care.c.guide_id,
                    -_score(_listed_first(DUE), DUE.c.priority))
             .join_from(DUE, care, care.c.customer_id == DUE.c.customer_id)
             .where(~exists().where(seen.c.customer_id == DUE.c.customer_id, seen.c.rule_id == DUE.c.rule_id,
                                    seen.c.anchor == DUE.c.anchor, ~withdrawn_by_run(seen)))
             # In key order: the key index fills page by page, not at random (a full run's insert: -30 %).
             .order_by(DUE.c.customer_id, DUE.c.rule_id, DUE.c.anchor))
    names = CANDIDATE_COLUMNS + ["guide_id", "sort_key"]
    if not postgresql:
        stmt = insert_ignoring_conflicts(session, CANDIDATES, ["customer_id", "rule_id", "anchor"])
        session.execute(stmt.from_select(names, fresh))
        return
    fresh = fresh.ext(distinct_on(DUE.c.customer_id, DUE.c.rule_id, DUE.c.anchor))
    if not every:
        kept = CANDIDATES.alias("kept")
        fresh = fresh.where(~exists().where(kept.c.customer_id == DUE.c.customer_id, kept.c.rule_id == DUE.c.rule_id,
                                            kept.c.anchor == DUE.c.anchor))
    session.execute(CANDIDATES.insert().from_select(names, fresh))


def drop_held_out(*, session: Session, percent: int) -> None:
    """Candidates held out (their arm recorded, no to-do ever) leave the kept candidates."""
    if percent > 0:
        h = HoldoutAssignment.__table__
        session.execute(delete(CANDIDATES).where(CANDIDATES.c.bucket < percent, exists().where(
            h.c.customer_id == CANDIDATES.c.customer_id, h.c.rule_id == CANDIDATES.c.rule_id,
            h.c.anchor == CANDIDATES.c.anchor)))


def _skips(cand, guide_id, on: date, tz: str, policy: Policy) -> list:
    """A new to-do today already; contacted by this guide lately (not for a touch that ranks first: the birthday
    greeting); at WeCom's receive cap this period."""
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
            or_(cand.c.priority >= RANKS_FIRST_BOOST, tuple_(guide_id, cand.c.customer_id).not_in(contacted)),
            cand.c.customer_id.not_in(capped), cand.c.customer_id.not_in(limited)]


def _eligible(store_ids: list[int], on: date, tz: str, policy: Policy, *narrower):
    """The kept candidates a guide of these stores may get today, numbered per guide x customer (`rn`, the
    treated first, then the rules' order)."""
    cand = CANDIDATES
    return (select(cand.c.guide_id, cand.c.customer_id, cand.c.rule_id, cand.c.anchor, cand.c.expires_on,
                   cand.c.priority, _listed_first(cand).label("first_purchase"), cand.c.rank, cand.c.bucket,
                   func.row_number().over(partition_by=(cand.c.guide_id, cand.c.customer_id),
                                          order_by=(held_out(cand.c.bucket, policy.holdout_percent), cand.c.rank,
                                                    cand.c.anchor)).label("rn"))
            .select_from(cand.join(G, G.c.id == cand.c.guide_id))
            .where(G.c.active.is_(True), G.c.store_id.in_(store_ids),
                   *_skips(cand, cand.c.guide_id, on, tz, policy), *narrower)
            .subquery("ranked"))


def _tops(store_ids: list[int], on: date, tz: str, policy: Policy) -> Select:
    """PostgreSQL: the same rows as the treated `rn = 1` rows of _eligible above the full lists' floor, but
    only each active guide's `cap` most urgent (no more can make a list), read from the top of the guide's
    candidates in list order (ix_todo_candidate_guide_order), not ranked all together.

    A customer's first candidate (rank, anchor) is also their most urgent: the rules' rank follows their
    priority, and a customer's candidates share a tier.
    """
    cand, better, cap = CANDIDATES, CANDIDATES.alias("better"), policy.cap_per_guide
    floors = _floors(cap)
    guides = (select(G.c.id, func.coalesce(floors.c.floor, -1).label("floor"))
              .outerjoin(floors, floors.c.guide_id == G.c.id)
              .where(G.c.active.is_(True), G.c.store_id.in_(store_ids)).subquery("g"))
    treated = literal(policy.holdout_percent, Integer)
    top = (select(cand.c.guide_id, cand.c.customer_id, cand.c.rule_id, cand.c.anchor, cand.c.expires_on,
                  cand.c.priority, _listed_first(cand).label("first_purchase"), cand.c.rank)
           .where(cand.c.guide_id == guides.c.id, cand.c.sort_key < -guides.c.floor, cand.c.bucket >= treated,
                  *_skips(cand, cand.c.guide_id, on, tz, policy),
                  ~exists().where(better.c.customer_id == cand.c.customer_id, better.c.guide_id == cand.c.guide_id,
                                  better.c.bucket >= treated,
                                  tuple_(better.c.rank, better.c.anchor) < tuple_(cand.c.rank, cand.c.anchor)))
           .order_by(cand.c.sort_key, cand.c.rank, cand.c.anchor, cand.c.customer_id)
           .limit(cap).lateral("top"))
    return select(top).select_from(guides.join(top, true()))


def _listed_first(cand) -> ColumnElement:
    """A touch listed before the others (a candidate or DUE row): a first-purchase customer's, or one whose
    rule ranks first (bot.rules.birthdays: the birthday greeting, whose list priority is raised)."""
    return or_(cand.c.tier == "first", cand.c.priority >= RANKS_FIRST_BOOST)


def _score(first_purchase, priority):
    """(first purchase, priority) as one number ordered the same way (rule priorities are 0-100; a list priority
    raised above 1000, the birthday greeting's, always comes with the first flag: _listed_first)."""
    return case((first_purchase, 1000), else_=0) + priority


def _floors(cap: int):
    """(guide_id, floor) of the guides whose wanted pending to-dos fill their list: the lowest score among
    them; a candidate scoring no higher cannot make that list (a to-do ranks before a candidate it ties with)."""
    return (select(WANTED.c.guide_id, func.min(WANTED.c.score).label("floor")).group_by(WANTED.c.guide_id)
            .having(func.count() >= cap).subquery("floors"))


def _below_full_lists(cap: int) -> ColumnElement:
    """A candidate that cannot make its guide's list (see _floors). Most candidates wait behind full lists:
    they are not ranked at all."""
    floors = _floors(cap)
    return exists().where(floors.c.guide_id == CANDIDATES.c.guide_id, floors.c.floor >= -CANDIDATES.c.sort_key)


def _ranking():
    return (T.c.first_purchase.desc(), T.c.priority.desc(), T.c.due_on, T.c.id)


WANTED_COLUMNS = ["id", "guide_id", "score", "customer_id", "rule_id", "anchor", "expires_on", "priority",
                  "first_purchase", "due_on", "listed"]


def _wanted(session: Session, guide_ids: list[int], on: date, cap: int) -> Select:
    """WANTED_COLUMNS of each guide's `cap` most urgent pending to-dos due by `on`.

    PostgreSQL reads the top of each guide's pending index (a LATERAL ... LIMIT per guide); SQLite ranks
    every pending to-do with a window function.
    """
    due = (T.c.status == TODO_PENDING, T.c.due_on <= on)
    columns = [_score(T.c.first_purchase, T.c.priority).label("score") if name == "score" else T.c[name]
               for name in WANTED_COLUMNS]
    if is_postgresql(session):
        guides = select(G.c.id).where(G.c.id.in_(guide_ids)).subquery("g")
        top = (select(*columns).where(T.c.guide_id == guides.c.id, *due).order_by(*_ranking())
               .limit(cap).lateral("top"))
        return select(*(top.c[name] for name in WANTED_COLUMNS)).select_from(guides.join(top, true()))
    ranked = (select(*columns, func.row_number().over(partition_by=T.c.guide_id, order_by=_ranking()).label("n"))
              .where(T.c.guide_id.in_(guide_ids), *due).subquery("ranked"))
    return select(*(ranked.c[name] for name in WANTED_COLUMNS)).where(ranked.c.n <= cap)


WANTED = _scratch("todo_wanted", *(Column("score", Integer) if name == "score" else T.c[name]
                                    for name in WANTED_COLUMNS), key="id")
LIST_COLUMNS = ["guide_id", "todo_id", "handled", "customer_id", "rule_id", "anchor", "expires_on", "priority",
                "first_purchase"]
LISTS = _scratch("todo_lists", T.c.guide_id, Column("todo_id", BigInteger), Column("handled", Boolean),
                 *(T.c[name] for name in LIST_COLUMNS[3:]), Column("place", Integer))


def fill_lists(*, session: Session, store_ids: list[int], on: date, tz: str, policy: Policy) -> int:
    """Make today's lists: each guide's `cap` most urgent among the pending to-dos and the kept candidates
    the guide may get (first-purchase customers first, then priority, then age). Candidates that make a list
    become listed to-dos; pending to-dos off it wait, keeping their priority; the candidates left over wait
    too, until their window ends. The to-dos made today and already handled keep their places, so a rerun of
    the day makes nothing new. Only the to-dos whose place changes are written. Return how many were made.
    """
    guide_ids = list(session.scalars(_guides(store_ids)))
    with scratch_table(session, WANTED), scratch_table(session, LISTS):
        session.execute(WANTED.insert().from_select(WANTED_COLUMNS,
                                                    _wanted(session, guide_ids, on, policy.cap_per_guide)))
        analyze(session, WANTED.name)
        record_assignments(session=session, ranked=_eligible(store_ids, on, tz, policy), on=on,
                           percent=policy.holdout_percent)
        wanted = select(WANTED.c.guide_id, WANTED.c.id.label("todo_id"), false().label("handled"),
                        WANTED.c.customer_id, WANTED.c.rule_id, WANTED.c.anchor, WANTED.c.expires_on,
                        WANTED.c.priority, WANTED.c.first_purchase, WANTED.c.due_on, literal(0).label("rank"))
        handled = select(T.c.guide_id, T.c.id, true(), T.c.customer_id, T.c.rule_id, T.c.anchor, T.c.expires_on,
                         T.c.priority, T.c.first_purchase, T.c.due_on, literal(0)) \
            .where(T.c.generated_on == on, T.c.guide_id.in_(guide_ids), T.c.status != TODO_PENDING)
        if policy.read_tops and is_postgresql(session):
            waiting = _tops(store_ids, on, tz, policy).subquery("waiting")
        else:   # SQLite: every eligible candidate above the floor, ranked
            eligible = _eligible(store_ids, on, tz, policy, ~_below_full_lists(policy.cap_per_guide))
            waiting = (select(eligible).where(eligible.c.rn == 1, eligible.c.bucket >= policy.holdout_percent)
                       .subquery("waiting"))
        new = select(waiting.c.guide_id, null().label("todo_id"), false().label("handled"), waiting.c.customer_id,
                     waiting.c.rule_id, waiting.c.anchor, waiting.c.expires_on, waiting.c.priority,
                     waiting.c.first_purchase, literal(on, Date).label("due_on"), waiting.c.rank)
        pool = union_all(wanted, handled, new).subquery("pool")
        place = func.row_number().over(partition_by=pool.c.guide_id, order_by=(
            pool.c.handled.desc(), pool.c.first_purchase.desc(), pool.c.priority.desc(), pool.c.due_on,
            pool.c.todo_id.is_(None), pool.c.todo_id, pool.c.rank, pool.c.anchor, pool.c.customer_id))
        placed = select(*(pool.c[name] for name in LIST_COLUMNS), place.label("place")).subquery("placed")
        session.execute(LISTS.insert().from_select(LIST_COLUMNS + ["place"], select(
            *(placed.c[name] for name in LIST_COLUMNS), placed.c.place).where(placed.c.place <= policy.cap_per_guide)))
        analyze(session, LISTS.name)   # (the relisting and the deletion of the placed candidates join it)
        _relist(session, guide_ids)
        made = _insert_listed(session, on)
        placed_new = select(LISTS.c.customer_id, LISTS.c.rule_id, LISTS.c.anchor).where(LISTS.c.todo_id.is_(None))
        session.execute(delete(CANDIDATES).where(tuple_(CANDIDATES.c.customer_id, CANDIDATES.c.rule_id,
                                                        CANDIDATES.c.anchor).in_(placed_new)))
        return made


def _relist(session: Session, guide_ids: list[int]) -> int:
    """The pending to-dos on today's lists are listed, the others not: only the changes are written (a to-do
    joining a list is a wanted one, whose flag WANTED holds; one leaving is listed and off the lists)."""
    on_lists = select(LISTS.c.todo_id).where(LISTS.c.todo_id.is_not(None))
    joining = (select(LISTS.c.todo_id.label("id"), true().label("want"))
               .join(WANTED, WANTED.c.id == LISTS.c.todo_id).where(WANTED.c.listed.is_(False)))
    leaving = select(T.c.id, false()).where(T.c.guide_id.in_(guide_ids), T.c.listed, T.c.status == TODO_PENDING,
                                            T.c.id.not_in(on_lists))
    changes = union_all(joining, leaving).subquery("changes")
    return session.execute(update(Todo).where(Todo.id == changes.c.id).values(listed=changes.c.want)
                           .execution_options(synchronize_session=False)).rowcount


def _insert_listed(session: Session, on: date) -> int:
    """The candidates that made a list become listed to-dos (the texts are rendered on first use). A touch the
    run once withdrew that holds again (a refund undid the purchase) revives its to-do; the others are inserted
    plainly (the run is the only writer of new to-dos; an INSERT ... ON CONFLICT costs more a row)."""
    now = utcnow()
    placed = (LISTS.c.todo_id.is_(None),)
    same = (T.c.customer_id == LISTS.c.customer_id, T.c.rule_id == LISTS.c.rule_id, T.c.anchor == LISTS.c.anchor,
            T.c.guide_id == LISTS.c.guide_id)
    revived = session.execute(update(Todo).where(*placed, *same, withdrawn_by_run(T)).values(
        expires_on=LISTS.c.expires_on, priority=LISTS.c.priority, first_purchase=LISTS.c.first_purchase,
        generated_on=on, due_on=on, listed=True, status=TODO_PENDING, skip_reason=None, text=None,
        template_index=None, material_ids=[], links=[], created_at=now, updated_at=now)
        .execution_options(synchronize_session=False)).rowcount
    columns = ["store_id", "guide_id", "customer_id", "rule_id", "anchor", "expires_on", "priority", "first_purchase",
               "generated_on", "due_on", "listed", "status", "material_ids", "links", "created_at", "updated_at"]
    rows = (select(G.c.store_id, LISTS.c.guide_id, LISTS.c.customer_id, LISTS.c.rule_id, LISTS.c.anchor,
                   LISTS.c.expires_on, LISTS.c.priority, LISTS.c.first_purchase, literal(on), literal(on),
                   literal(True), literal(TODO_PENDING), literal([], JSON), literal([], JSON),
                   literal(now, UTCDateTime), literal(now, UTCDateTime))
            .select_from(LISTS.join(G, G.c.id == LISTS.c.guide_id)).where(*placed, ~exists().where(*same))
            .order_by(LISTS.c.guide_id, LISTS.c.place))   # ids in list order (the last tie-break of a list)
    made = session.execute(T.insert().from_select(columns, rows).execution_options(preserve_rowcount=True)).rowcount
    return revived + made


def pending_counts(*, session: Session, store_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    """Per store, the pending to-dos on today's lists, and the touches waiting off them (pending to-dos off
    the lists and kept candidates of the store's guides)."""
    listed: dict[int, int] = {}
    waiting: dict[int, int] = {}
    rows = session.execute(select(G.c.store_id, T.c.listed, func.count())
                           .select_from(T.join(G, G.c.id == T.c.guide_id))
                           .where(G.c.store_id.in_(store_ids), T.c.status == TODO_PENDING)
                           .group_by(G.c.store_id, T.c.listed))
    for store_id, is_listed, count in rows:
        (listed if is_listed else waiting)[store_id] = count
    kept = session.execute(select(G.c.store_id, func.count())
                           .select_from(CANDIDATES.join(G, G.c.id == CANDIDATES.c.guide_id))
                           .where(G.c.store_id.in_(store_ids)).group_by(G.c.store_id))
    for store_id, count in kept:
        waiting[store_id] = waiting.get(store_id, 0) + count
    return listed, waiting


def _record_runs(session: Session, outcome: Outcome, started: datetime, carried: dict[int, int]) -> None:
    """One todo_run row per store and day: created adds up over reruns, listed and carried are the latest."""
    created = dict(session.execute(select(T.c.store_id, func.count()).where(
        T.c.generated_on == outcome.on, T.c.store_id.in_(outcome.store_ids), T.c.created_at >= started)
        .group_by(T.c.store_id)).all())
    runs = TodoRun.__table__
    before = {sid: (run_id, made) for sid, run_id, made in session.execute(
        select(runs.c.store_id, runs.c.id, runs.c.created).where(runs.c.store_id.in_(outcome.store_ids),
                                                                 runs.c.day == outcome.on))}
    finished = utcnow()
    latest = {sid: {"listed": outcome.listed.get(sid, 0), "carried": carried.get(sid, 0), "finished_at": finished}
              for sid in outcome.store_ids}
    insert_rows(session, runs, [{"store_id": sid, "day": outcome.on, "started_at": started,
                                 "created": created.get(sid, 0), **latest[sid]}
                                for sid in outcome.store_ids if sid not in before])
    update_rows(session, runs, "id", [{"id": run_id, "created": made + created.get(sid, 0), **latest[sid]}
                                      for sid, (run_id, made) in before.items()])


# PostgreSQL settings for the length of a run: the statements look expensive to the planner (JIT compiling
# them costs seconds); their sorts and hashes over the day's candidates should stay in memory; the day's reads
# are index probes into cached pages (the changed customers, the top of each list).
RUN_SETTINGS = {"jit": "off", "work_mem": "256MB", "random_page_cost": "1.1"}


def generate(*, session: Session, on: date, store_ids: list[int], tz: str, policy: Policy, full: bool = False,
             progress: Callable[[str], None] | None = None) -> Outcome:
    """Generate the day's to-dos for stores sharing time zone `tz`; safe to run again.

    The run is incremental after a previous run of these stores (see stage_candidates); `full` re-derives
    every due touch from the rules instead (the same outcome, slower: for an operator who doubts the state).

    The texts are not written here: a to-do's personal text, materials and links are rendered when its
    guide first opens or sends it (bot.services.todos_render.prepare_texts).
    """
    step = progress or (lambda _label: None)
    started, outcome = utcnow(), Outcome(on=on, store_ids=sorted(store_ids))
    if is_postgresql(session):
        for name, value in RUN_SETTINGS.items():
            session.execute(text(f"SET LOCAL {name} = '{value}'"))
    previous = None if full else previous_run(session=session, store_ids=store_ids, on=on)
    outcome.expired = expire_open(session=session, store_ids=store_ids, on=on)
    outcome.woken = wake_snoozed(session=session, store_ids=store_ids, on=on)
    step("expire")
    outcome.withdrawn = stage_candidates(session=session, on=on, previous=previous, store_ids=store_ids,
                                         commit_lag=policy.commit_lag, thresholds=policy.quadrants)
    step("stage")
    outcome.created = fill_lists(session=session, store_ids=store_ids, on=on, tz=tz, policy=policy)
    drop_held_out(session=session, percent=policy.holdout_percent)
    step("lists")
    outcome.listed, waiting = pending_counts(session=session, store_ids=store_ids)
    outcome.carried = sum(waiting.values())
    _record_runs(session, outcome, started, waiting)
    step("record")
    return outcome


# The tables a run churns: to-dos expired, relisted and made; candidates kept and placed; runout days.
CHURNED = [T, CANDIDATES, RUNOUTS]


def tidy(db) -> None:
    """After a run committed: vacuum and analyze the tables it churned (PostgreSQL), so the day's pages and the
    next run find them compact and with current statistics whether or not the server's autovacuum got to them
    (it may be off, or behind). A run's own planning reads these statistics (how big the kept candidates are)."""
    db.autocommit(lambda connection: vacuum_analyze(connection, CHURNED))


def stores_by_timezone(*, session: Session, codes: list[str] | None = None) -> dict[str, list[int]]:
    """Store ids grouped by time zone (all stores, or those with these codes)."""
    stmt = select(Store.id, Store.timezone).order_by(Store.id)
    if codes:
        stmt = stmt.where(Store.code.in_(codes))
    groups: dict[str, list[int]] = {}
    for store_id, tz in session.execute(stmt):
        groups.setdefault(tz or "Asia/Shanghai", []).append(store_id)
    return groups
