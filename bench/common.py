"""Shared pieces of the benchmarks: a fresh PostgreSQL database, gunicorn, a load generator."""
from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def fresh_postgres(prefix: str, keep: bool = False):
    """Create a throw-away PostgreSQL database, migrated to head; drop it afterwards (unless `keep`)."""
    from bot import migrate

    name = f"{prefix}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        if keep:
            print(f"kept {url}", flush=True)
        else:
            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def gunicorn(env: dict[str, str], workers: int, threads: int = 1):
    """Run `gunicorn wsgi:app` with env on a free port; yield the port."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env={**os.environ, **env},
    )
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


@dataclass
class LoadResult:
    sent: int
    ok: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(round(p / 100 * (len(data) - 1))))] if data else float("nan")

    def line(self, label: str) -> str:
        return (f"{label:<10} {self.ok:>6}/{self.sent:<6} ok  {self.per_second:8.1f} req/s  "
                f"p50 {self.percentile(50):6.1f} ms  p99 {self.percentile(99):6.1f} ms  "
                f"mean {statistics.fmean(self.latencies_ms):6.1f} ms")


def post_all(port: int, requests: list[tuple[str, bytes]], concurrency: int) -> LoadResult:
    """POST every (path, body) with `concurrency` threads, a connection per request."""
    latencies: list[float] = []
    ok = 0
    lock = threading.Lock()
    cursor = iter(range(len(requests)))

    def run() -> None:
        nonlocal ok
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            path, body = requests[index]
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("POST", path, body=body, headers={"Content-Type": "text/xml"})
                status = conn.getresponse().status
            except OSError:
                status = 0
            finally:
                conn.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                ok += status == 200

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(len(requests), ok, time.perf_counter() - started, latencies)


def post_requests(port: int, requests: list[tuple[str, bytes, dict[str, str]]], concurrency: int,
                  timeout: float = 60) -> LoadResult:
    """POST every (path, body, headers) with `concurrency` threads on kept-alive connections; 2xx is ok."""
    latencies: list[float] = []
    ok = 0
    lock = threading.Lock()
    cursor = iter(range(len(requests)))

    def run() -> None:
        nonlocal ok
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                conn.close()
                return
            path, body, headers = requests[index]
            started = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                status = 0
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                ok += 200 <= status < 300

    threads = [threading.Thread(target=run) for _ in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(len(requests), ok, time.perf_counter() - started, latencies)
