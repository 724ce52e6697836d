"""A PostgreSQL restart (a private cluster) fails no request: the pages' pool pre-pings, the callback's and the
click's pool retries once on a fresh connection (and costs them no pre-ping)."""
from __future__ import annotations

import re

import psycopg

from bot.app import create_app
from bot.sandbox import CallbackDriver
from tests.conftest import AES_KEY, AGENT_ID, CORP_ID, TOKEN, _empty_database, make_settings
from tests.servers import private_postgres  # noqa: F401  (a fixture)
from tests.tracking.helpers import token


def _count(url: str, table: str) -> int:
    """Rows in table, read on a connection of its own (not the app's pools)."""
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_first_click_and_callback_after_a_database_restart_are_kept(private_postgres, redis_url,
                                                                         sandbox, sandbox_server, tmp_path):
    app = create_app(make_settings(private_postgres.url, redis_url, sandbox_server.base_url, tmp_path))
    db = app.extensions["runtime"].db
    _empty_database(db.engine)
    app.extensions["runtime"].redis.flushdb()
    client = app.test_client()
    driver = CallbackDriver("http://unused/wecom/callback", token=TOKEN, encoding_aes_key=AES_KEY,
                            corp_id=CORP_ID, agent_id=AGENT_ID)

    def callback():
        body, params = driver.build(sandbox.customer_adds_member(sandbox.new_customer("冯女士"), "wangfang"))
        return client.post("/wecom/callback", query_string=params, data=body).status_code

    try:
        assert client.get(f"/t/{token()}").status_code == 302 and callback() == 200  # both pools hold a connection
        private_postgres.restart()
        assert client.get(f"/t/{token()}").status_code == 302
        assert callback() == 200  # not 503: WeCom need not retry
        assert _count(private_postgres.url, "click") == 2
        assert _count(private_postgres.url, "callback_event") == 2
    finally:
        db.dispose()


def test_a_callback_costs_the_database_one_statement(private_postgres, redis_url, sandbox, sandbox_server, tmp_path):
    """The inbox write is the callback's only round trip to PostgreSQL: no pre-ping (a `SELECT 1` on every
    checkout) before it. The private server logs every statement of the app's database."""
    with psycopg.connect(private_postgres.admin_url, autocommit=True) as conn:
        conn.execute("ALTER DATABASE guide SET log_statement = 'all'")   # for the connections opened from now on
    app = create_app(make_settings(private_postgres.url, redis_url, sandbox_server.base_url, tmp_path))
    db = app.extensions["runtime"].db
    client = app.test_client()
    driver = CallbackDriver("http://unused/wecom/callback", token=TOKEN, encoding_aes_key=AES_KEY,
                            corp_id=CORP_ID, agent_id=AGENT_ID)
    log = private_postgres.root / "log"

    def callback() -> list[str]:
        """The statements the server ran for one callback."""
        body, params = driver.build(sandbox.customer_adds_member(sandbox.new_customer("冯女士"), "wangfang"))
        start = log.stat().st_size
        assert client.post("/wecom/callback", query_string=params, data=body).status_code == 200
        with log.open(encoding="utf-8", errors="replace") as text:
            text.seek(start)
            return re.findall(r"LOG:  (?:statement|execute [^:]*): (.*)", text.read())

    try:
        callback()   # the pool opens its connection
        [statement] = callback()
        assert "INSERT INTO callback_event" in statement
    finally:
        db.dispose()
        with psycopg.connect(private_postgres.admin_url, autocommit=True) as conn:
            conn.execute("ALTER DATABASE guide RESET log_statement")
