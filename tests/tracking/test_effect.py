"""The effect of care: the holdout inside the real generation, and a simulated population with a known effect."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import insert, literal_column, select, text

from bot.rules.effect import holdout_bucket
from bot.services.effect import bucket_sql, effect_report
from bot.services.todos import Policy, generate
from bot.services.todos_cadences import seed_defaults
from models import CustomerPurchase, Customer, Friendship, Guide, HoldoutAssignment, PurchaseDay, Todo
from tests.web.helpers import make_hq_user, sign_in_hq

D = date(2026, 3, 2)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_sql_bucket_is_the_python_bucket_for_ten_thousand_ids(db):
    numbers = text("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10000) "
                   "SELECT x FROM n").columns(literal_column("x")).subquery()
    with db.transaction() as session:
        rows = session.execute(select(numbers.c.x, bucket_sql("first_care", numbers.c.x))).all()
    assert len(rows) == 10_000 and all(bucket == holdout_bucket("first_care", x) for x, bucket in rows)


def first_buyers(db, count: int, day: date = D) -> list[int]:
    """`count` first-purchase customers of wangfang (friends for a month), bought on `day`."""
    paid = datetime.combine(day, time(10), tzinfo=SHANGHAI).astimezone(timezone.utc)
    with db.transaction() as session:
        seed_defaults(session=session)
        guide = session.scalars(select(Guide).where(Guide.userid == "wangfang")).one()
        now = datetime.now(timezone.utc)
        session.execute(insert(Customer), [{"external_userid": f"wm-sim-{n}", "name": f"顾客{n}", "gender": 2,
                                            "type": 1, "created_at": now, "updated_at": now} for n in range(count)])
        ids = list(session.scalars(select(Customer.id).where(Customer.external_userid.like("wm-sim-%"))
                                   .order_by(Customer.id)))
        added = paid - timedelta(days=30)
        session.execute(insert(Friendship), [{"guide_id": guide.id, "customer_id": c, "store_id": guide.store_id,
                                              "first_added_at": added, "added_at": added, "add_count": 1,
                                              "half": False, "deleted_by_transfer": False, "updated_at": now}
                                             for c in ids])
        session.execute(insert(CustomerPurchase), [
            {"customer_id": c, "purchase_count": 1, "order_count": 1, "lifetime_amount": 19900, "tier": "first",
             "first_purchase_at": paid, "last_purchase_at": paid, "first_purchase_day": day, "last_purchase_day": day,
             "tag_sync_version": 0, "tag_synced_version": 0, "updated_at": now} for c in ids])
        session.execute(insert(PurchaseDay), [{"customer_id": c, "day": day, "order_count": 1, "amount": 19900,
                                               "first_paid_at": paid} for c in ids])
    if db.engine.dialect.name == "postgresql":
        # what autovacuum does after a bulk load: planner statistics
        db.autocommit(lambda connection: connection.exec_driver_sql("ANALYZE"))
    return ids


def run(db, day: date, percent: int):
    with db.transaction() as session:
        store_ids = [sid for (sid,) in session.execute(select(Guide.store_id).distinct()) if sid]
        return generate(session=session, on=day, store_ids=store_ids, tz="Asia/Shanghai",
                        policy=Policy(cap_per_guide=500, holdout_percent=percent))   # every treated one is listed


def test_held_out_customers_get_no_to_do_and_every_arm_is_recorded(db, org):
    ids = first_buyers(db, 400)
    outcome = run(db, D, 10)
    held = {c for c in ids if holdout_bucket("first_care", c) < 10}
    assert 20 <= len(held) <= 60
    with db.transaction() as session:
        cared = set(session.scalars(select(Todo.customer_id)))
        arms = dict(session.execute(select(HoldoutAssignment.customer_id, HoldoutAssignment.arm)).all())
    assert outcome.created == len(cared) == 400 - len(held) and cared.isdisjoint(held)
    assert {c for c, arm in arms.items() if arm == "holdout"} == held and len(arms) == 400
    assert run(db, D + timedelta(days=1), 10).created == 0          # still in the window: nobody new, nobody twice
    with db.transaction() as session:
        assert len(list(session.scalars(select(HoldoutAssignment.id)))) == 400


def test_a_known_effect_is_measured_inside_the_interval(db, org, client):
    """3,000 first buyers; the cared-for buy again within 30 days with p=0.35, the held-out with p=0.20."""
    ids = first_buyers(db, 3000)
    run(db, D, 10)
    rng, p = random.Random(7), {"treated": 0.35, "holdout": 0.20}
    with db.transaction() as session:
        arms = session.execute(select(HoldoutAssignment.customer_id, HoldoutAssignment.arm)).all()
        rows = []
        for customer, arm in arms:
            if rng.random() < p[arm]:
                rows.append({"customer_id": customer, "day": D + timedelta(days=rng.randint(1, 30))})
            elif rng.random() < 0.3:                                   # bought, but after the window closed
                rows.append({"customer_id": customer, "day": D + timedelta(days=rng.randint(31, 60))})
        session.execute(insert(PurchaseDay), [{**r, "order_count": 1, "amount": 9900,
                                               "first_paid_at": datetime.combine(r["day"], time(2), timezone.utc)}
                                              for r in rows])
        [report] = effect_report(session=session, start=D, end=D, window_days=30, today=D + timedelta(days=61))
    assert report.code == "first_care" and report.treated.customers + report.holdout.customers == len(ids)
    assert 240 <= report.holdout.customers <= 360
    d = report.difference
    assert d.low < 0.35 - 0.20 < d.high and d.low > 0               # the truth is inside, and care measurably helps
    assert abs(report.treated.rate - 0.35) < 0.03 and abs(report.holdout.rate - 0.20) < 0.07

    make_hq_user(db)
    sign_in_hq(client)
    html = client.get(f"/hq/effect?from={D.isoformat()}&to={D.isoformat()}").get_data(as_text=True)
    assert "首购关怀" in html and f"{d.difference * 100:+.1f} 个百分点" in html
    assert f"{d.low * 100:+.1f} ~ {d.high * 100:+.1f}" in html
