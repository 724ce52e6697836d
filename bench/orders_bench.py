"""Order intake benchmark: POST /api/v1/orders beside the no-op endpoint, in the same run.

Real gunicorn, PostgreSQL and Redis. The customers are friends of the guides both in the database
and in an in-process WeCom sandbox, and every order names one of them, so each batch recomputes
tiers and enqueues tag jobs. After intake an RQ worker runs the tag jobs against the sandbox and
the mark_tag calls are counted. Prints orders/s, the ratio to the no-op endpoint (same bodies,
same number of requests) and WeCom calls per 1,000 orders.

    .venv/bin/python -m bench.orders_bench                 # 3 rounds x 10 batches x 1,000 orders
    .venv/bin/python -m bench.orders_bench --batches 20 --customers 5000
"""
from __future__ import annotations

import argparse
import json
import logging
import random
import time
from datetime import datetime, timedelta, timezone

import psycopg
import redis
from sqlalchemy import insert

from bench.common import REDIS_URL, fresh_postgres, gunicorn, post_requests
from bot.rules.webhook import signed_headers

CORP, CONTACT_SECRET, ORDER_SECRET = "wwbench0000000001", "bench-contact-secret", "bench-order-secret"
SKUS = [("MASK-12", 9900), ("TONER-50", 12000), ("TONER-100", 21000), ("SERUM-30", 36000), ("CREAM-50", 28000)]
GUIDES = 50


def build_world(customers: int):
    """A sandbox corp whose customers each follow one guide; returns (sandbox, [(eid, guide)])."""
    from bot.sandbox import SandboxCorp

    sandbox = SandboxCorp(CORP, {CONTACT_SECRET: None})
    sandbox.add_department(2, "上海南京路店")
    for g in range(GUIDES):
        sandbox.add_member(f"guide{g:03d}", f"导购{g}", department=[2])
    pairs = []
    for i in range(customers):
        eid, guide = sandbox.new_customer(f"顾客{i}"), f"guide{i % GUIDES:03d}"
        sandbox.customer_adds_member(eid, guide, with_welcome_code=False)
        pairs.append((eid, guide))
    return sandbox, pairs


def seed_database(db_url: str, pairs) -> None:
    """Store, guides, customers and active friendships, inserted in bulk."""
    from bot.db import make_engine
    from models import Customer, Friendship, Guide, Store

    engine = make_engine(db_url)
    now = datetime.now(timezone.utc)
    with engine.begin() as conn:
        store_id = conn.execute(insert(Store).returning(Store.id), {"code": "SH001", "name": "上海南京路店",
                                "timezone": "Asia/Shanghai", "created_at": now}).scalar_one()
        conn.execute(insert(Guide), [{"userid": f"guide{g:03d}", "name": f"导购{g}", "store_id": store_id,
                                      "role": "guide", "active": True, "created_at": now} for g in range(GUIDES)])
        conn.execute(insert(Customer), [{"external_userid": eid, "name": "", "gender": 0, "type": 1,
                                         "created_at": now, "updated_at": now} for eid, _ in pairs])
        guide_ids = dict(conn.execute(Guide.__table__.select().with_only_columns(Guide.userid, Guide.id)).all())
        customer_ids = dict(conn.execute(Customer.__table__.select()
                                         .with_only_columns(Customer.external_userid, Customer.id)).all())
        conn.execute(insert(Friendship), [{
            "guide_id": guide_ids[g], "customer_id": customer_ids[eid], "store_id": store_id, "half": False,
            "added_at": now - timedelta(days=120), "first_added_at": now - timedelta(days=120),
            "deleted_by_transfer": False, "add_count": 1, "updated_at": now} for eid, g in pairs])
    engine.dispose()


def batches(round_no: int, count: int, size: int, pairs, rng: random.Random) -> list[bytes]:
    """`count` JSON bodies of `size` distinct orders for random customers over the last 90 days."""
    start = datetime.now(timezone(timedelta(hours=8))).replace(microsecond=0) - timedelta(days=90)
    bodies = []
    for b in range(count):
        orders = []
        for n in range(size):
            eid, guide = rng.choice(pairs)
            lines = [(sku, price, rng.randint(1, 3)) for sku, price in rng.sample(SKUS, rng.randint(1, 3))]
            paid = start + timedelta(days=rng.randint(0, 89), minutes=rng.randint(0, 24 * 60 - 1))
            orders.append({
                "order_no": f"R{round_no}-B{b:04d}-{n:04d}", "store_code": "SH001", "paid_at": paid.isoformat(),
                "amount": sum(p * q for _, p, q in lines), "status": "paid", "external_userid": eid,
                "guide_userid": guide,
                "items": [{"sku": s, "name": s, "category": "护肤", "quantity": q, "unit_price": p}
                          for s, p, q in lines],
            })
        bodies.append(json.dumps({"orders": orders}, ensure_ascii=False).encode())
    return bodies


def signed(body: bytes) -> dict[str, str]:
    return signed_headers(ORDER_SECRET, body, int(time.time()))


def run_tag_jobs(db_url: str, sandbox) -> tuple[int, float]:
    """Run an RQ worker (burst) over the tag jobs against the sandbox; return (jobs, seconds)."""
    from rq import SimpleWorker

    from bot.app import create_app
    from bot.sandbox import SandboxServer
    from config import Settings

    with SandboxServer(sandbox) as server:
        settings = Settings(ENV="bench", DATABASE_URL=db_url, REDIS_URL=REDIS_URL, WECOM_CORP_ID=CORP,
                            WECOM_CONTACT_SECRET=CONTACT_SECRET, WECOM_API_BASE=server.base_url,
                            SECRET_KEY="b" * 40, API_TOKEN="bench", TIER_TAG_DELAY_SECONDS=0)
        runtime = create_app(settings).extensions["runtime"]
        logging.getLogger("werkzeug").setLevel(logging.WARNING)

        class Counting(SimpleWorker):
            performed = 0

            def perform_job(self, job, queue):
                self.performed += 1
                return super().perform_job(job, queue)

        worker = Counting(runtime.queues.all(), connection=runtime.redis)
        started = time.perf_counter()
        worker.work(burst=True, logging_level="WARNING")
        return worker.performed, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--batches", type=int, default=10, help="batches per round")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    rng = random.Random(7)
    redis.Redis.from_url(REDIS_URL).flushdb()
    sandbox, pairs = build_world(args.customers)
    with fresh_postgres("guide_orders_bench") as db_url:
        seed_database(db_url, pairs)
        env = {"APP_ENV": "development", "DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "WECOM_CORP_ID": CORP,
               "WECOM_API_BASE": "http://127.0.0.1:9/cgi-bin/", "API_TOKEN": "bench", "SECRET_KEY": "b" * 40,
               "ORDER_WEBHOOK_SECRET": ORDER_SECRET, "TIER_TAG_DELAY_SECONDS": "0"}
        best_noop = best_orders = None
        total_orders, per_round = 0, []
        with gunicorn(env, args.workers) as port:
            for round_no in range(args.rounds):
                bodies = batches(round_no, args.batches, args.batch_size, pairs, rng)
                noop = post_requests(port, [("/noop", b, {"Content-Type": "application/json"}) for b in bodies],
                                     args.concurrency)
                intake = post_requests(port, [("/api/v1/orders", b, signed(b)) for b in bodies], args.concurrency)
                total_orders += intake.ok * args.batch_size
                per_round.append(intake.per_second * args.batch_size)
                print(f"round {round_no + 1}: " + noop.line("no-op"))
                print(f"round {round_no + 1}: " + intake.line("orders") +
                      f"  = {intake.per_second * args.batch_size:8.0f} orders/s")
                best_noop = noop if best_noop is None or noop.per_second > best_noop.per_second else best_noop
                best_orders = intake if best_orders is None or intake.per_second > best_orders.per_second \
                    else best_orders
        with psycopg.connect(db_url) as conn:
            stored = conn.execute("SELECT count(*) FROM purchase_order").fetchone()[0]
            items = conn.execute("SELECT count(*) FROM order_item").fetchone()[0]
            tiers = dict(conn.execute("SELECT tier, count(*) FROM customer_purchase GROUP BY tier").fetchall())
        queued = redis.Redis.from_url(REDIS_URL).llen("rq:queue:sync")
        jobs, job_seconds = run_tag_jobs(db_url, sandbox)
        with psycopg.connect(db_url) as conn:
            synced = conn.execute("SELECT count(*) FROM customer_purchase WHERE tag_sync_status = 'synced'"
                                  ).fetchone()[0]
    marks = len(sandbox.calls("externalcontact/mark_tag"))
    wecom_calls = len([c for c in sandbox.calls() if c.path != "gettoken"])
    orders_per_s = best_orders.per_second * args.batch_size
    print(f"\ngunicorn workers={args.workers} concurrency={args.concurrency} customers={args.customers} "
          f"batch={args.batch_size} batches/round={args.batches} rounds={args.rounds}")
    print(f"intake   {orders_per_s:8.0f} orders/s ({best_orders.per_second:.2f} batches/s, "
          f"p99 {best_orders.percentile(99):.0f} ms per batch); rounds: "
          + " / ".join(f"{r:.0f}" for r in per_round))
    print(f"no-op    {best_noop.per_second:8.1f} req/s (same bodies); batch/no-op ratio "
          f"{best_orders.per_second / best_noop.per_second:.4f}; per order {orders_per_s / best_noop.per_second:.2f}x")
    print(f"stored   {stored} orders, {items} items (accepted {total_orders}); tiers {tiers}")
    print(f"tag jobs {queued} queued after intake, {jobs} run in {job_seconds:.1f} s; {synced} customers synced")
    print(f"WeCom    {marks} mark_tag calls = {1000 * marks / max(stored, 1):.1f} per 1,000 orders "
          f"({wecom_calls} calls in all, gettoken excluded)")


if __name__ == "__main__":
    main()
