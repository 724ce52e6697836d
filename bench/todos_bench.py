"""Daily to-do generation benchmark on PostgreSQL, beside one bare aggregate over the same orders.

Bulk-loads (generate_series, set-based SQL) 1,000,000 customers, 3,000,000 orders, 10,000 guides in
1,000 stores, their friendships, day-merged purchases and purchase summaries, 200,000 add-to-cart
events, SKU usage cycles, the default cadences and a few materials. Then, in a fresh process each
(so its peak RSS is its own), generates consecutive days for every store: day 1 on an empty to-do table
(a full run: every touch currently in a window is derived, and every guide's list is filled), then the
daily routine (nobody acts on the lists here, so they stay full; their places free up as windows end).
Prints each day's time, its ratio to the bare aggregate, and the peak RSS of the generating process; then the
time of the tidy the job runs once the lists are committed (VACUUM ANALYZE of the tables the run churned: the
server's autovacuum is off on this machine), apart and with the ratio both ways.
The bare aggregate is each customer's order count, spend and latest day over every order, run with the
generation's session settings (the best of three).

    .venv/bin/python -m bench.todos_bench                   # the full size
    .venv/bin/python -m bench.todos_bench --scale 0.1       # a tenth
    .venv/bin/python -m bench.todos_bench --load-only       # load, keep the database, print its URL
    .venv/bin/python -m bench.todos_bench --keep URL        # reuse a loaded database (no load)
    .venv/bin/python -m bench.todos_bench --start 2027-03-14  # another simulated calendar (day 1)

The simulated calendar is fixed (day 1 is START unless --start says otherwise) and the data seeded, so runs on
different dates load and generate the same business.

Targets: generation <= 120 s, ratio <= 4, peak RSS <= 500 MB.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta

import psycopg

from bench.common import ROOT, fresh_postgres

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CATEGORIES = ["外套", "衬衫", "裤装", "连衣裙", "针织衫", "半身裙", "鞋履", "包袋", "面膜", "护肤"]
# The loaded rows are history: written before the first run (a daily run re-reads what changed since the last).
HISTORY = "now() - interval '2 days'"
# Day 1 of the simulated calendar, fixed so that runs on different dates compare: its day 3 is a month's first
# day, when the birthday ritual opens the month's birthdays and closes the month before's.
START = date(2026, 11, 29)
# The baseline: every customer's order count, spend and latest day over all orders. The outer query uses
# each aggregate: PostgreSQL drops a subquery's unused outputs, and a bare count of the groups would be an
# index-only scan of customer ids that reads no amount and no day (COUNT_ONLY, printed beside it).
AGGREGATE = ("SELECT count(*), sum(orders), sum(spent), max(latest) FROM (SELECT customer_id, count(*) AS orders, "
             "sum(amount) AS spent, max(purchase_day) AS latest FROM purchase_order GROUP BY customer_id) per_customer")
COUNT_ONLY = ("SELECT count(*) FROM (SELECT customer_id, count(*), sum(amount), max(purchase_day) "
              "FROM purchase_order GROUP BY customer_id) per_customer")
# A daily run re-reads the changes since the previous run started, less a commit lag (an hour: a run a day
# re-reads an hour of the day before). Here the simulated days are seconds apart, so that hour would hold
# every earlier simulated day's changes (day 4 would re-derive three days of business): nothing runs
# concurrently here, and no lag is needed.
BENCH_COMMIT_LAG = timedelta(0)


def load_sql(customers: int, orders: int, guides: int, carts: int, start: date = START) -> list[str]:
    """The set-based statements that fill a migrated database, with business days before `start` (day 1)."""
    day1 = f"date '{start.isoformat()}'"
    stores = guides // 10
    surnames = "ARRAY[" + ",".join(f"'{s}'" for s in SURNAMES) + "]"
    categories = "ARRAY[" + ",".join(f"'{c}'" for c in CATEGORIES) + "]"
    return [
        "SELECT setseed(0.42)",
        f"""INSERT INTO store (id, code, name, region, timezone, created_at)
            SELECT s, 'S' || lpad(s::text, 5, '0'), '门店' || s, '华东', 'Asia/Shanghai', now()
            FROM generate_series(1, {stores}) s""",
        f"""INSERT INTO guide (id, userid, name, store_id, role, active, created_at)
            SELECT g, 'g' || g, '导购' || g, 1 + (g - 1) / 10, 'guide', true, now()
            FROM generate_series(1, {guides}) g""",
        f"""INSERT INTO customer (id, external_userid, name, gender, type, birthday, created_at, updated_at)
            SELECT c, 'wm' || c, ({surnames})[1 + c % 20] || CASE WHEN c % 2 = 0 THEN '女士' ELSE '先生' END,
                   CASE WHEN c % 2 = 0 THEN 2 ELSE 1 END, 1,
                   CASE WHEN c % 5 = 0 THEN NULL ELSE date '1960-01-01' + (random() * 16000)::int END,
                   {HISTORY}, {HISTORY}
            FROM generate_series(1, {customers}) c""",
        f"""INSERT INTO friendship (guide_id, customer_id, store_id, half, first_added_at, added_at,
                                    deleted_by_customer_at, deleted_by_transfer, add_count, updated_at)
            SELECT 1 + c % {guides}, c, 1 + (c % {guides}) / 10, false, t, t,
                   CASE WHEN c % 33 = 0 THEN t + interval '10 days' END, false, 1, {HISTORY}
            FROM (SELECT c, ({day1} + time '12:00') AT TIME ZONE 'Asia/Shanghai' - random() * interval '700 days' AS t
                  FROM generate_series(1, {customers}) c) f""",
        f"""INSERT INTO purchase_order (store_id, order_no, customer_id, status, amount, refunded_amount, paid_at,
                                        purchase_day, created_at, updated_at)
            SELECT 1 + (cid % {guides}) / 10, 'O' || o, cid, CASE WHEN o % 20 = 0 THEN 'refunded' ELSE 'paid' END,
                   amount, CASE WHEN o % 20 = 0 THEN amount ELSE 0 END,
                   (day + time '10:00') AT TIME ZONE 'Asia/Shanghai', day, now(), now()
            FROM (SELECT o, 1 + floor(random() * {customers})::int AS cid,
                         {day1} - floor(random() * 540)::int AS day,
                         (50 + floor(random() * 2000))::int * 100 AS amount
                  FROM generate_series(1, {orders}) o) src""",
        f"""INSERT INTO order_item (order_id, line_no, sku, name, category, quantity, unit_price)
            SELECT id, 1, 'SKU' || (id % 200), ({categories})[1 + (id % 200) % 10] || (id % 200),
                   ({categories})[1 + (id % 200) % 10], 1 + (id % 3 = 0)::int, amount / (1 + (id % 3 = 0)::int)
            FROM purchase_order""",
        """INSERT INTO purchase_day (customer_id, day, order_count, amount, first_paid_at, item_count)
           SELECT o.customer_id, o.purchase_day, count(*), sum(o.amount - o.refunded_amount), min(o.paid_at),
                  sum(i.quantity)
           FROM purchase_order o JOIN order_item i ON i.order_id = o.id   -- one line an order
           WHERE o.status <> 'refunded' GROUP BY o.customer_id, o.purchase_day""",
        f"""INSERT INTO customer_purchase (customer_id, purchase_count, order_count, lifetime_amount, first_purchase_at,
                                          last_purchase_at, first_purchase_day, last_purchase_day,
                                          last_purchase_items, tier, tag_sync_version, tag_synced_version, updated_at)
           SELECT customer_id, count(*), sum(order_count), sum(amount), min(first_paid_at), max(first_paid_at),
                  min(day), max(day), (array_agg(item_count ORDER BY day DESC))[1],
                  CASE count(*) WHEN 1 THEN 'first' WHEN 2 THEN 'second' ELSE 'third_plus' END, 0, 0, {HISTORY}
           FROM purchase_day GROUP BY customer_id""",
        f"""INSERT INTO commerce_event (event_id, kind, customer_id, sku, occurred_at, occurred_on, payload, created_at)
            SELECT 'cart-' || e, 'add_to_cart', 1 + floor(random() * {customers})::int, 'SKU' || (e % 200),
                   (d + time '20:00') AT TIME ZONE 'Asia/Shanghai', d, '{{}}', {HISTORY}
            FROM (SELECT e, {day1} - floor(random() * 14)::int AS d FROM generate_series(1, {carts}) e) src""",
        f"""INSERT INTO replenish_cycle (sku, name, cycle_days, updated_at)
           SELECT 'SKU' || s, '面膜' || s, 20 + s, {HISTORY} FROM generate_series(8, 198, 10) s""",
        "SELECT setval(pg_get_serial_sequence('store', 'id'), (SELECT max(id) FROM store))",
        "SELECT setval(pg_get_serial_sequence('guide', 'id'), (SELECT max(id) FROM guide))",
        "SELECT setval(pg_get_serial_sequence('customer', 'id'), (SELECT max(id) FROM customer))",
    ]


BULK_TABLES = ("customer", "friendship", "purchase_order", "order_item", "purchase_day", "customer_purchase",
               "commerce_event")


def load(url: str, scale: float, start: date = START) -> None:
    """Fill the database: secondary indexes are dropped during the load and rebuilt after, FK triggers off."""
    customers, orders = int(1_000_000 * scale), int(3_000_000 * scale)
    guides, carts = max(10, int(10_000 * scale) // 10 * 10), int(200_000 * scale)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '512MB'")
        conn.execute("SET session_replication_role = replica")   # the generated rows are consistent by design
        indexes = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) AND indexname LIKE 'ix\\_%%'",
            [list(BULK_TABLES)]).fetchall()
        for name, _definition in indexes:
            conn.execute(f'DROP INDEX "{name}"')
        for statement in load_sql(customers, orders, guides, carts, start):
            started = time.perf_counter()
            conn.execute(statement)
            print(f"  {statement.split()[0].lower()} {statement.split()[2] if ' INTO ' in statement else '':<18} "
                  f"{time.perf_counter() - started:6.1f} s", flush=True)
        started = time.perf_counter()
        for _name, definition in indexes:
            conn.execute(definition)
        print(f"  rebuilt {len(indexes)} indexes    {time.perf_counter() - started:6.1f} s", flush=True)
        conn.execute("VACUUM ANALYZE")
    _seed_rules_and_materials(url)


def _seed_rules_and_materials(url: str) -> None:
    """The default cadences and a handful of HQ materials, through the services."""
    from sqlalchemy import text

    from bot.db import Database
    from bot.services.todos_cadences import seed_defaults
    from content_library.catalogue import save_material
    from content_library.forms import MaterialForm

    db = Database(url)
    with db.transaction() as session:
        seed_defaults(session=session)
        for n, occasion in enumerate(["after_sales", "new_arrival", "recall", "birthday", "replenishment"] * 4):
            save_material(session=session, form=MaterialForm(
                kind="link", title=f"{occasion} 素材 {n}", link_url=f"https://shop.example.com/m/{n}",
                tags={"occasion": [occasion], "category": [CATEGORIES[n % len(CATEGORIES)]]}))
        session.execute(text(f"UPDATE cadence_rule SET updated_at = {HISTORY}"))   # HQ set the rules up earlier
    db.dispose()


def simulate_day(url: str, day: date, orders: int, carts: int) -> None:
    """A day of business before `day`'s run: new orders of random customers, summarised by the tier service
    (as the order intake does), and new add-to-cart events. Not timed."""
    from bot.db import Database
    from bot.services import tiers

    yesterday = day - timedelta(days=1)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT setseed(%s)", [day.toordinal() % 1000 / 1000])   # the same business every run
        top, guides = conn.execute("SELECT (SELECT max(id) FROM customer), (SELECT count(*) FROM guide)").fetchone()
        ids = [r[0] for r in conn.execute(
            f"""INSERT INTO purchase_order (store_id, order_no, customer_id, status, amount, refunded_amount, paid_at,
                                            purchase_day, created_at, updated_at)
                SELECT 1 + (cid %% {guides}) / 10, 'D' || %s::text || '-' || n, cid, 'paid', 29900, 0,
                       (%s::date + time '15:00') AT TIME ZONE 'Asia/Shanghai', %s::date, now(), now()
                FROM (SELECT n, 1 + floor(random() * {top})::int AS cid FROM generate_series(1, {orders}) n) src
                RETURNING customer_id""", [day.isoformat(), yesterday, yesterday])]
        conn.execute("""INSERT INTO order_item (order_id, line_no, sku, name, category, quantity, unit_price)
                        SELECT id, 1, 'SKU' || (id %% 200), '外套', '外套', 1, amount FROM purchase_order
                        WHERE order_no LIKE %s""", [f"D{day.isoformat()}-%"])
        conn.execute(f"""INSERT INTO commerce_event (event_id, kind, customer_id, sku, occurred_at, occurred_on,
                                                     payload, created_at)
                         SELECT 'cart-' || %s::text || '-' || e, 'add_to_cart', 1 + floor(random() * {top})::int,
                                'SKU' || (e %% 200), (%s::date + time '20:00') AT TIME ZONE 'Asia/Shanghai',
                                %s::date, '{{}}', now()
                         FROM generate_series(1, {carts}) e""", [day.isoformat(), yesterday, yesterday])
    db = Database(url)
    with db.transaction() as session:
        tiers.recompute(session=session, customer_ids=ids)
    db.dispose()


def aggregate_seconds(url: str, query: str = AGGREGATE, repeats: int = 3) -> float:
    """The best of a few runs of one bare aggregate over every order (with the generation's settings)."""
    from bot.services.todos import RUN_SETTINGS

    best = float("inf")
    with psycopg.connect(url) as conn:
        for name, value in RUN_SETTINGS.items():
            conn.execute(f"SET {name} = '{value}'")
        for _ in range(repeats):
            started = time.perf_counter()
            conn.execute(query).fetchone()
            best = min(best, time.perf_counter() - started)
    return best


def generate_in_this_process(url: str, day: str) -> dict:
    """One day's generation for every store (one time zone), timed; with this process's peak RSS."""
    from bot.db import Database
    from bot.services.todos import Policy, generate, stores_by_timezone, tidy

    db = Database(url)
    phases: dict[str, float] = {}
    last = time.perf_counter()

    def progress(label: str) -> None:
        nonlocal last
        now = time.perf_counter()
        phases[label] = round(now - last, 2)
        last = now

    started = time.perf_counter()
    with db.transaction() as session:
        groups = stores_by_timezone(session=session)
        outcome = None
        for tz, store_ids in groups.items():
            outcome = generate(session=session, on=date.fromisoformat(day), store_ids=store_ids, tz=tz,
                               policy=Policy(commit_lag=BENCH_COMMIT_LAG), progress=progress)
    seconds = time.perf_counter() - started
    tidy(db)   # what the job does next, once the lists are committed (timed apart)
    tidied = time.perf_counter() - started - seconds
    db.dispose()
    return {"seconds": seconds, "tidy_seconds": tidied, "created": outcome.created, "carried": outcome.carried,
            "listed": sum(outcome.listed.values()), "phases": phases,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def generate_in_child(url: str, day: date) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.todos_bench", "--generate", url, day.isoformat()],
                         cwd=ROOT, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(url: str, days: int, start: date = START) -> None:
    with psycopg.connect(url) as conn:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("customer", "purchase_order", "guide", "store", "friendship", "commerce_event")}
    print("rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    aggregate = aggregate_seconds(url)
    print(f"bare aggregate over {counts['purchase_order']:,} orders (per customer: count, sum, max): "
          f"{aggregate:.2f} s  [the groups' count alone: {aggregate_seconds(url, COUNT_ONLY):.2f} s]")
    for n in range(days):   # day 1 starts from an empty to-do table; later days are the daily routine
        if n:   # a day's worth of new orders (the loaded ones span 540 days) and add-to-carts (14 days)
            simulate_day(url, start + timedelta(days=n), counts["purchase_order"] // 540,
                         counts["commerce_event"] // 14)
        result = generate_in_child(url, start + timedelta(days=n))
        label = "day 1 (empty to-do table)" if n == 0 else f"day {n + 1}"
        ratio = result['seconds'] / aggregate
        met = result['seconds'] <= 120 and ratio <= 4 and result['peak_rss_mb'] <= 500
        with_tidy = (result['seconds'] + result['tidy_seconds']) / aggregate
        print(f"{label} ({(start + timedelta(days=n)).isoformat()}): {result['seconds']:.2f} s  ratio {ratio:.1f}  "
              f"(then the tidy: {result['tidy_seconds']:.2f} s, ratio with it {with_tidy:.1f})  "
              f"peak RSS {result['peak_rss_mb']:.0f} MB  targets {'met' if met else 'missed'}  "
              f"created {result['created']:,}  "
              f"listed {result['listed']:,}  waiting {result['carried']:,}  phases {result['phases']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 1M customers, 3M orders, 10k guides")
    parser.add_argument("--keep", metavar="URL", help="use this already loaded database")
    parser.add_argument("--load-only", action="store_true", help="load a database and keep it (prints its URL)")
    parser.add_argument("--days", type=int, default=4, help="consecutive days generated (the first cold)")
    parser.add_argument("--start", type=date.fromisoformat, default=START,
                        help=f"day 1 (default {START}; with --keep, the day the database was loaded for)")
    parser.add_argument("--generate", nargs=2, metavar=("URL", "DAY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        print(json.dumps(generate_in_this_process(*args.generate)))
        return
    if args.keep:
        report(args.keep, args.days, args.start)
        return
    with fresh_postgres("todos_bench", keep=args.load_only) as url:
        started = time.perf_counter()
        print(f"loading scale {args.scale} into {url.rsplit('/', 1)[1]}", flush=True)
        load(url, args.scale, args.start)
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
        if not args.load_only:
            report(url, args.days, args.start)


if __name__ == "__main__":
    main()
