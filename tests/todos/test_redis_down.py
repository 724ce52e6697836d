"""Redis stopped (a private server): the radar, a one-tap send and the WeCom sign-in answer in Chinese, lose nothing."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from models import Todo
from tests.servers import private_redis  # noqa: F401  (a fixture)
from tests.todos.test_web import _shop_with_todos, _todo_id
from tests.web.helpers import csrf_token, sign_in_member


@pytest.fixture
def settings(settings, private_redis):
    return replace(settings, REDIS_URL=private_redis.url)


def test_the_radar_shows_the_sends_without_live_counters(client, sandbox, org, private_redis):
    sign_in_member(client, sandbox, "wangfang")
    private_redis.stop()
    response = client.get("/guide/radar/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "今日实时计数暂时不可用" in html and "近 14 天发出的关怀" in html


def test_a_send_without_redis_answers_503_and_the_todo_stays_pending(client, sandbox, driver, work, db, clock,
                                                                      org, private_redis):
    _shop_with_todos(client, sandbox, driver, work, db, clock)
    sign_in_member(client, sandbox, "wangfang")
    token = csrf_token(client, "/guide/todos/")
    lin = _todo_id(db, "林")
    private_redis.stop()
    response = client.post(f"/guide/todos/{lin}/send", data={"csrf_token": token})
    assert response.status_code == 503 and "待办没有发出" in response.get_data(as_text=True)
    with db.transaction() as session:
        assert session.scalars(select(Todo.status).where(Todo.id == lin)).one() == "pending"
    assert not sandbox.group_sends
    private_redis.start()  # back: the same tap sends
    assert client.post(f"/guide/todos/{lin}/send", data={"csrf_token": token}).status_code == 302
    assert len(sandbox.group_sends) == 1


def test_the_wecom_sign_in_without_redis_answers_503_in_chinese(client, sandbox, org, private_redis):
    start = client.get("/auth/wecom")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    private_redis.stop()
    response = client.get(f"/auth/wecom/callback?code={sandbox.issue_oauth_code('wangfang')}&state={state}")
    assert response.status_code == 503 and "暂时无法登录" in response.get_data(as_text=True)
