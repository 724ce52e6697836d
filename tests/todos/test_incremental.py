"""The daily run is incremental, and it must not differ from a full run: after each day's incremental run a
full rerun of the same day (rolled back) creates nothing more and keeps exactly the same candidates.

Between days the population changes the ways the product sees: new orders and refunds (through the tier
service), carts, a birthday filled in, a customer who deleted the guide coming back, a member leaving and
coming back, HQ editing rules and usage cycles (a run re-derives the edited rules' touches, not all).
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import delete, select, text

from bot.rules.cadence import DERIVATION_VERSION
from bot.services import tiers
from bot.services.todos import Policy, generate, previous_run
from bot.services.todos_cadences import delete_cycle, save_cycle, seed_defaults
from models import (CadenceRule, Customer, Friendship, Guide, Order, Todo, TodoCandidate, TodoDerived,
                    TodoRunout)
from tests.todos.helpers import at, befriend, buy, cart, customer, store_id

START = date(2026, 11, 20)
SKUS = [("SKU-COAT", "外套"), ("SKU-SHIRT", "衬衫"), ("SKU-DRESS", "连衣裙"), ("SKU-MASK", "面膜")]
POLICY = Policy(cap_per_guide=6, holdout_percent=10, commit_lag=timedelta(0))   # (the days pass in seconds)


def _stores(session) -> list[int]:
    return [store_id(session, "SH001"), store_id(session, "HZ001")]


def _snapshot(session) -> tuple[set, set, set]:
    candidates = set(session.execute(select(
        TodoCandidate.customer_id, TodoCandidate.rule_id, TodoCandidate.anchor, TodoCandidate.expires_on,
        TodoCandidate.tier, TodoCandidate.rank, TodoCandidate.priority, TodoCandidate.bucket,
        TodoCandidate.guide_id, TodoCandidate.sort_key)).all())
    made = set(session.execute(select(Todo.guide_id, Todo.customer_id, Todo.rule_id, Todo.anchor)).all())
    runouts = set(session.execute(select(TodoRunout.customer_id, TodoRunout.sku, TodoRunout.runout)).all())
    return candidates, made, runouts


def _population(db, rng: random.Random) -> list[int]:
    ids = []
    with db.transaction() as session:
        seed_defaults(session=session)
        save_cycle(session=session, sku="SKU-MASK", cycle_days=12, name="面膜")   # a consumable: replenishment
        for n in range(60):
            birthday = rng.choice([None, date(1990, 12, 3), date(1988, 11, 30), date(1992, 12, 25)])
            cid = customer(session, f"{'王李张刘陈'[n % 5]}顾客{n}", birthday=birthday)
            guide = rng.choice(["wangfang", "lixiao", "chenjing"])
            gone = START + timedelta(days=rng.randint(-20, 5)) if n % 9 == 0 else None
            befriend(session, guide, cid, START - timedelta(days=rng.randint(30, 300)), deleted_by_customer=gone)
            for _ in range(rng.choice([0, 1, 1, 2, 3])):
                sku = rng.choice(SKUS)
                buy(session, cid, START - timedelta(days=rng.randint(1, 200)), [(*sku, rng.choice([1, 1, 2]))])
            if rng.random() < 0.3:
                cart(session, cid, START - timedelta(days=rng.randint(0, 10)))
            ids.append(cid)
    return ids


def _business(db, rng: random.Random, ids: list[int], day: date) -> None:
    """What happens between two runs: orders, a refund, carts, a birthday, a friend back, a member leaving
    and coming back, a rule edited."""
    yesterday = day - timedelta(days=1)
    with db.transaction() as session:
        for cid in rng.sample(ids, 4):
            buy(session, cid, yesterday, [(*rng.choice(SKUS), 1)])
        for cid in rng.sample(ids, 3):
            cart(session, cid, yesterday)
        paid = session.scalars(select(Order).where(Order.status == "paid").order_by(Order.id)).all()
        if paid and day.day % 3 == 0:
            order = rng.choice(paid)
            order.status, order.refunded_amount = "refunded", order.amount
            session.flush()
            tiers.recompute(session=session, customer_ids=[order.customer_id])
        if day.day % 4 == 0:
            someone = session.get(Customer, rng.choice(ids))
            someone.birthday = day + timedelta(days=rng.randint(-3, 20)) - timedelta(days=365 * 30)
        back = session.scalars(select(Friendship).where(Friendship.deleted_by_customer_at.is_not(None),
                                                        Friendship.added_at <= Friendship.deleted_by_customer_at)
                               .order_by(Friendship.id)).first()   # one who deleted the guide and is still gone
        if back is not None and day.day % 5 == 0:
            back.added_at = at(yesterday, 12)   # the customer added the guide again
        if day.day % 7 in (2, 5):   # a member leaves (her customers' touches wait for nobody) and comes back
            session.scalars(select(Guide).where(Guide.userid == "lixiao")).one().active = day.day % 7 == 5
        _hq_edits(session, day)


def _rule(session, code: str) -> CadenceRule:
    return session.scalars(select(CadenceRule).where(CadenceRule.code == code)).one()


def _hq_edits(session, day: date) -> None:
    """HQ's edits over the month: a window, the copy alone, a rule off and on again, a priority (the rules'
    order moves), a usage cycle changed, dropped and set again."""
    n = (day - START).days
    if n == 9:
        _rule(session, "at_risk").window_end_days -= 10
    elif n == 11:
        _rule(session, "first_care").templates = ["{salutation}，新品到店，欢迎来试穿～"]
    elif n in (13, 16):
        _rule(session, "repeat_perks").enabled = n == 16
    elif n == 18:
        _rule(session, "first_recommend").priority = 95
    elif n == 20:
        save_cycle(session=session, sku="SKU-MASK", cycle_days=9, name="面膜")
    elif n == 22:
        delete_cycle(session=session, sku="SKU-MASK")
    elif n == 23:
        save_cycle(session=session, sku="SKU-MASK", cycle_days=12, name="面膜")


def test_each_incremental_day_equals_a_full_run_of_that_day(db, org):
    rng = random.Random(20261129)
    ids = _population(db, rng)
    incremental_days = withdrawn = 0
    rebuilds = set()
    for n in range(24):
        day = START + timedelta(days=n)
        if n:
            _business(db, rng, ids, day)
        with db.transaction() as session:
            incremental_days += previous_run(session=session, store_ids=_stores(session), on=day) is not None
            withdrawn += generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai",
                                  policy=POLICY).withdrawn
            rebuilds.add(session.get(TodoDerived, 1).rebuilt_at)
        with db.transaction() as session:
            kept = _snapshot(session)
            # A rerun of the day re-derives the touches opened since the day before, which are kept already.
            again = generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
            assert (again.created, again.withdrawn, _snapshot(session)) == (0, 0, kept), day
            rerun = generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY,
                             full=True)
            assert (rerun.created, rerun.withdrawn, _snapshot(session)) == (0, 0, kept), day
            session.rollback()
    assert incremental_days == 23 and withdrawn > 0   # customers bought again, carted again: touches gone
    assert len(rebuilds) == 1   # only the first run was a full one: HQ's edits re-derived the edited rules
    with db.transaction() as session:
        candidates, made, runouts = _snapshot(session)
    assert len(made) > 60 and candidates and runouts   # the world is busy: many to-dos, and touches still waiting


def test_a_day_after_a_gap_catches_up_on_the_windows_opened_meanwhile(db, org):
    rng = random.Random(7)
    _population(db, rng)
    with db.transaction() as session:
        generate(session=session, on=START, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
    later = START + timedelta(days=12)   # the scheduler was down for eleven days
    with db.transaction() as session:
        assert previous_run(session=session, store_ids=_stores(session), on=later).day == START
        generate(session=session, on=later, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
    with db.transaction() as session:
        kept = _snapshot(session)
        rerun = generate(session=session, on=later, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY,
                         full=True)
        assert (rerun.created, _snapshot(session)) == (0, kept)
        session.rollback()


def test_a_crash_that_empties_the_derived_state_makes_the_next_run_a_full_one(db, org):
    """On PostgreSQL the derived state is unlogged: crash recovery empties it, the todo_derived mark with it."""
    rng = random.Random(11)
    ids = _population(db, rng)
    with db.transaction() as session:
        generate(session=session, on=START, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
        assert session.scalar(select(TodoCandidate.customer_id).limit(1)) is not None
        if session.get_bind().dialect.name == "postgresql":
            persistence = dict(session.execute(text(
                "SELECT relname, relpersistence FROM pg_class WHERE relname IN "
                "('todo_candidate', 'todo_runout', 'todo_derived', 'todo')")).all())
            assert persistence == {"todo_candidate": "u", "todo_runout": "u", "todo_derived": "u", "todo": "p"}
            # The full run dropped the candidates' list-order index to fill the table, and built it again.
            assert session.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = "
                                       "'ix_todo_candidate_guide_order'")).endswith(
                "(guide_id, sort_key, rank, anchor, customer_id)")
    day = START + timedelta(days=1)
    _business(db, rng, ids, day)
    with db.transaction() as session:   # what crash recovery does to unlogged tables
        for model in (TodoCandidate, TodoRunout, TodoDerived):
            session.execute(delete(model))
    with db.transaction() as session:
        generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
    with db.transaction() as session:
        kept = _snapshot(session)
        assert kept[0] and kept[2]   # candidates and runouts rebuilt
        rerun = generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY,
                         full=True)
        assert (rerun.created, _snapshot(session)) == (0, kept)
        session.rollback()


def test_a_basis_of_another_shape_makes_the_next_run_a_full_one(db, org):
    """The derived state records the basis its touches follow; one recorded in another shape cannot be compared
    with today's rules, so the next run re-derives every touch (and records the basis anew)."""
    rng = random.Random(3)
    _population(db, rng)
    with db.transaction() as session:
        generate(session=session, on=START, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
        mark = session.get(TodoDerived, 1)
        first_rebuild, mark.basis = mark.rebuilt_at, {"rules": {"1": [0, "first_purchase", 0, 5]}}
    with db.transaction() as session:
        generate(session=session, on=START + timedelta(days=1), store_ids=_stores(session), tz="Asia/Shanghai",
                 policy=POLICY)
        mark = session.get(TodoDerived, 1)
        assert mark.rebuilt_at > first_rebuild and mark.basis["version"] == DERIVATION_VERSION


def test_reading_the_top_of_each_list_makes_the_same_lists_as_ranking_every_candidate(db, org):
    """PostgreSQL reads only the top of each guide's kept candidates; ranking them all must give the same
    day: the same to-dos made, the same listed, the same candidates left waiting (on SQLite both are the
    ranking of every candidate)."""
    from dataclasses import replace

    rng = random.Random(5)
    ids = _population(db, rng)
    ranked_all, compared = replace(POLICY, read_tops=False), 0
    for n in range(12):
        day = START + timedelta(days=n)
        if n:
            _business(db, rng, ids, day)
        with db.transaction() as session:
            generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai", policy=ranked_all)
            expected = _lists(session)
            session.rollback()
        with db.transaction() as session:
            generate(session=session, on=day, store_ids=_stores(session), tz="Asia/Shanghai", policy=POLICY)
            assert _lists(session) == expected, day
            compared += len(expected[0])
    assert compared > 100


def _lists(session) -> tuple[set, set]:
    todos = set(session.execute(select(Todo.guide_id, Todo.customer_id, Todo.rule_id, Todo.anchor, Todo.status,
                                       Todo.listed)).all())
    return todos, _snapshot(session)[0]
