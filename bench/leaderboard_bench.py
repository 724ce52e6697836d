"""Leaderboard and click-redirect benchmark: real gunicorn, PostgreSQL and Redis.

1. Loads 50 guides x 90 days of raw events with COPY: 9,000,000 clicks and 1,000,000 commerce events
   (10,000,000 by default), 50,000 customers and friendships, 180,000 attributed orders.
2. Runs the real rollup (bot.services.performance) over the 90 days into performance_day.
3. GET /api/v1/leaderboard with random store / period / date / metric: p50, p95, p99 (target p95 <= 50 ms).
4. GET /t/<token> (record the click, dedupe, live counters, 302) beside GET /noop, same number of requests
   and concurrency, best of the rounds: requests/s and the ratio.

    .venv/bin/python -m bench.leaderboard_bench                       # 10M raw events
    .venv/bin/python -m bench.leaderboard_bench --clicks 900000 --events 100000   # a quicker run
"""
from __future__ import annotations

import argparse
import http.client
import io
import random
import threading
import time
from datetime import date, datetime, timedelta, timezone

import psycopg
import redis

from bench.common import REDIS_URL, LoadResult, fresh_postgres, gunicorn

GUIDES, DAYS, CUSTOMERS = 50, 90, 50_000
SECRET_KEY, API_TOKEN = "b" * 40, "bench-token"
LAST_DAY = date(2026, 3, 31)
FIRST_DAY = LAST_DAY - timedelta(days=DAYS - 1)
CHUNK = 250_000


def _copy(conn, sql: str, rows) -> None:
    """COPY rows (an iterable of text lines) into the table, a chunk at a time."""
    with conn.cursor() as cursor, cursor.copy(sql) as copy:
        buffer = io.StringIO()
        for n, line in enumerate(rows, start=1):
            buffer.write(line)
            if n % CHUNK == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def _days() -> list[str]:
    return [(FIRST_DAY + timedelta(days=d)).isoformat() for d in range(DAYS)]


def seed_people(conn) -> tuple[int, list[int]]:
    """A store, 50 guides, 50,000 customers each a friend of one guide (added over the 90 days)."""
    now = datetime.now(timezone.utc).isoformat()
    store = conn.execute("INSERT INTO store (code, name, timezone, created_at) VALUES ('SH001', '上海南京路店', "
                         "'Asia/Shanghai', %s) RETURNING id", (now,)).fetchone()[0]
    guides = [conn.execute("INSERT INTO guide (userid, name, store_id, role, active, created_at) VALUES "
                           "(%s, %s, %s, 'guide', true, %s) RETURNING id",
                           (f"guide{g:03d}", f"导购{g}", store, now)).fetchone()[0] for g in range(GUIDES)]
    _copy(conn, "COPY customer (external_userid, name, gender, type, created_at, updated_at) FROM STDIN",
          (f"wm-bench-{c}\t顾客{c}\t0\t1\t{now}\t{now}\n" for c in range(CUSTOMERS)))
    first = conn.execute("SELECT min(id) FROM customer").fetchone()[0]
    days, rng = _days(), random.Random(1)
    _copy(conn, "COPY friendship (guide_id, customer_id, store_id, first_added_at, added_at, half, "
                "deleted_by_transfer, add_count, updated_at) FROM STDIN",
          (f"{guides[c % GUIDES]}\t{first + c}\t{store}\t{(t := days[rng.randrange(DAYS)] + ' 10:00:00+08')}\t{t}"
           f"\tf\tf\t1\t{now}\n" for c in range(CUSTOMERS)))
    return store, guides


def seed_clicks(conn, guides: list[int], count: int, rng: random.Random) -> None:
    days, first = _days(), conn.execute("SELECT min(id) FROM customer").fetchone()[0]

    def rows():
        for _ in range(count):
            c = rng.randrange(CUSTOMERS)
            day = days[rng.randrange(DAYS)]
            s = rng.randrange(86400)
            yield (f"{rng.randrange(400_000):032x}\tc:{first + c}\t{guides[c % GUIDES]}\t{first + c}\t"
                   f"https://shop.example.com/p\t{'t' if rng.random() < 0.8 else 'f'}\t"
                   f"{day} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}+08\t{day}\n")
    _copy(conn, "COPY click (link_key, visitor, guide_id, customer_id, target, counted, clicked_at, clicked_on) "
                "FROM STDIN", rows())


def seed_commerce(conn, guides: list[int], count: int, rng: random.Random) -> None:
    days, first = _days(), conn.execute("SELECT min(id) FROM customer").fetchone()[0]
    kinds = ("add_to_cart", "coupon_claim", "page_view")

    def rows():
        for n in range(count):
            c = rng.randrange(CUSTOMERS)
            day = days[rng.randrange(DAYS)]
            yield (f"ev-{n}\t{kinds[n % 3]}\t{first + c}\t{guides[c % GUIDES]}\t{day} 12:00:00+08\t{day}\t{{}}\t"
                   f"{day} 12:00:01+08\tlast_click\n")
    _copy(conn, "COPY commerce_event (event_id, kind, customer_id, guide_id, occurred_at, occurred_on, payload, "
                "created_at, attribution) FROM STDIN", rows())


def seed_orders(conn, store: int, guides: list[int], count: int, rng: random.Random) -> None:
    days, first = _days(), conn.execute("SELECT min(id) FROM customer").fetchone()[0]
    plan = [(rng.randrange(CUSTOMERS), days[rng.randrange(DAYS)], rng.randrange(5_000, 200_000)) for _ in range(count)]
    _copy(conn, "COPY purchase_order (store_id, order_no, customer_id, status, amount, refunded_amount, paid_at, "
                "purchase_day, created_at, updated_at) FROM STDIN",
          (f"{store}\tB-{n}\t{first + c}\tpaid\t{amount}\t0\t{day} 15:00:00+08\t{day}\t{day} 15:00:00+08\t"
           f"{day} 15:00:00+08\n" for n, (c, day, amount) in enumerate(plan)))
    first_order = conn.execute("SELECT min(id) FROM purchase_order").fetchone()[0]
    _copy(conn, "COPY order_attribution (order_id, guide_id, customer_id, day, reason, attributed_at) FROM STDIN",
          (f"{first_order + n}\t{guides[c % GUIDES]}\t{first + c}\t{day}\tchannel\t{day} 15:00:01+08\n"
           for n, (c, day, _amount) in enumerate(plan)))
    conn.execute("INSERT INTO purchase_day (customer_id, day, order_count, amount, first_paid_at) "
                 "SELECT customer_id, purchase_day, count(*), sum(amount), min(paid_at) FROM purchase_order "
                 "GROUP BY customer_id, purchase_day")


def roll_up(db_url: str, store: int) -> tuple[int, float]:
    from bot.db import Database
    from bot.services.performance import rollup

    db = Database(db_url)
    started = time.perf_counter()
    with db.transaction() as session:
        written = rollup(session=session, store_ids=[store], start=FIRST_DAY, end=LAST_DAY, tz="Asia/Shanghai")
    seconds = time.perf_counter() - started
    db.dispose()
    return written, seconds


def get_all(port: int, paths: list[str], headers: dict[str, str], concurrency: int,
            ok_statuses: tuple[int, ...] = (200,)) -> LoadResult:
    """GET every path with `concurrency` threads on kept-alive connections."""
    latencies: list[float] = []
    ok, lock, cursor = 0, threading.Lock(), iter(range(len(paths)))

    def run() -> None:
        nonlocal ok
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                conn.close()
                return
            started = time.perf_counter()
            try:
                conn.request("GET", paths[index], headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                ok += status in ok_statuses

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(len(paths), ok, time.perf_counter() - started, latencies)


def leaderboard_paths(count: int, rng: random.Random) -> list[str]:
    from bot.rules.leaderboard import METRICS

    metrics = list(METRICS)
    paths = []
    for _ in range(count):
        day = (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()
        store = "store=SH001&" if rng.random() < 0.9 else ""        # one in ten: HQ's store ranking
        paths.append(f"/api/v1/leaderboard?{store}period={rng.choice(['day', 'week', 'month'])}&date={day}"
                     f"&metric={rng.choice(metrics)}")
    return paths


def click_paths(count: int, guides: list[int], first_customer: int, rng: random.Random) -> list[str]:
    from bot.rules.tracking import LinkRef, sign_link

    return ["/t/" + sign_link(SECRET_KEY, LinkRef(f"https://shop.example.com/p/{n % 97}",
                                                  guide_id=guides[n % GUIDES],
                                                  customer_id=first_customer + rng.randrange(CUSTOMERS),
                                                  material_id=n % 13 + 1)) for n in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clicks", type=int, default=9_000_000, help="raw clicks to load")
    parser.add_argument("--events", type=int, default=1_000_000, help="raw commerce events to load")
    parser.add_argument("--orders", type=int, default=180_000)
    parser.add_argument("--requests", type=int, default=3000, help="leaderboard API requests")
    parser.add_argument("--click-requests", type=int, default=6000, help="redirects per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    rng = random.Random(7)
    redis.Redis.from_url(REDIS_URL).flushdb()
    with fresh_postgres("guide_leaderboard_bench") as db_url:
        started = time.perf_counter()
        with psycopg.connect(db_url, autocommit=True) as conn:
            store, guides = seed_people(conn)
            seed_clicks(conn, guides, args.clicks, rng)
            loaded_clicks = time.perf_counter() - started
            seed_commerce(conn, guides, args.events, rng)
            seed_orders(conn, store, guides, args.orders, rng)
            conn.execute("ANALYZE")
            first_customer = conn.execute("SELECT min(id) FROM customer").fetchone()[0]
            sizes = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("click", "commerce_event", "purchase_order", "friendship")}
        load_seconds = time.perf_counter() - started
        print(f"loaded {sizes} with COPY in {load_seconds:.0f} s (clicks {loaded_clicks:.0f} s)")
        written, rollup_seconds = roll_up(db_url, store)
        print(f"rollup  {written} performance rows for {GUIDES} guides x {DAYS} days in {rollup_seconds:.1f} s")

        env = {"APP_ENV": "development", "DATABASE_URL": db_url, "REDIS_URL": REDIS_URL, "API_TOKEN": API_TOKEN,
               "SECRET_KEY": SECRET_KEY, "WECOM_API_BASE": "http://127.0.0.1:9/cgi-bin/"}
        auth = {"Authorization": f"Bearer {API_TOKEN}"}
        with gunicorn(env, args.workers) as port:
            get_all(port, leaderboard_paths(200, rng), auth, args.concurrency)                    # warm up
            board = get_all(port, leaderboard_paths(args.requests, rng), auth, args.concurrency)
            print(board.line("leaderboard") + f"  p95 {board.percentile(95):6.1f} ms")
            best_noop = best_click = None
            for round_no in range(args.rounds):
                paths = click_paths(args.click_requests, guides, first_customer, rng)
                noop = get_all(port, ["/noop"] * len(paths), {}, args.concurrency)
                click = get_all(port, paths, {"User-Agent": "MicroMessenger bench"}, args.concurrency, (302,))
                print(f"round {round_no + 1}: " + noop.line("no-op"))
                print(f"round {round_no + 1}: " + click.line("click"))
                best_noop = noop if best_noop is None or noop.per_second > best_noop.per_second else best_noop
                best_click = click if best_click is None or click.per_second > best_click.per_second else best_click
        with psycopg.connect(db_url) as conn:
            recorded = conn.execute("SELECT count(*) FROM click").fetchone()[0] - sizes["click"]
    print(f"\ngunicorn workers={args.workers} concurrency={args.concurrency}; raw events "
          f"{sizes['click'] + sizes['commerce_event']:,} ({sizes['click']:,} clicks, {sizes['commerce_event']:,} "
          f"commerce events), {sizes['purchase_order']:,} orders; load {load_seconds:.0f} s, rollup "
          f"{rollup_seconds:.1f} s")
    print(f"leaderboard API  p50 {board.percentile(50):.1f} ms  p95 {board.percentile(95):.1f} ms  "
          f"p99 {board.percentile(99):.1f} ms  ({board.ok}/{board.sent} ok, target p95 <= 50 ms: "
          f"{'met' if board.percentile(95) <= 50 else 'NOT met'})")
    print(f"click redirect   {best_click.per_second:.0f} req/s vs no-op {best_noop.per_second:.0f} req/s: ratio "
          f"{best_click.per_second / best_noop.per_second:.2f}; p99 {best_click.percentile(99):.1f} ms; "
          f"{recorded:,} clicks recorded")


if __name__ == "__main__":
    main()
