"""Redis down, database down, crashes mid-job, expired tokens and WeCom rate limits."""
from __future__ import annotations

from dataclasses import replace

import pytest

from bot.app import create_app
from bot.wecom.errors import TokenInvalid
from tasks.sweeper import sweep_inbox
from tests.servers import free_port, private_redis  # noqa: F401  (a fixture)
from tests.spine.helpers import deliver, friendship, inbox


@pytest.fixture
def app(settings, private_redis):
    """The app on a Redis server this test may stop."""
    from tests.conftest import _empty_database

    application = create_app(replace(settings, REDIS_URL=private_redis.url))
    _empty_database(application.extensions["runtime"].db.engine)
    yield application
    application.extensions["runtime"].db.dispose()


def test_redis_stopped_during_a_burst_loses_no_event(org, sandbox, driver, work, db, private_redis):
    customers = [sandbox.new_customer(f"客户{i}") for i in range(12)]
    events = [sandbox.customer_adds_member(eid, "wangfang", with_welcome_code=False) for eid in customers]
    for xml in events[:4]:
        deliver(driver, xml)
    private_redis.stop()
    for xml in events[4:8]:
        deliver(driver, xml)  # still 200: the inbox row is committed
    private_redis.start()
    for xml in events[8:]:
        deliver(driver, xml)
    assert len(inbox(db)) == 12
    # The restarted Redis kept nothing (--save ""): the first eight jobs are gone, the last four queued.
    assert sweep_inbox() == 8
    work()
    assert {row.status for row in inbox(db)} == {"processed"}
    assert all(friendship(db, "wangfang", eid) for eid in customers)


def test_a_crash_mid_job_is_retried_not_lost(org, sandbox, driver, work, db):
    eid = sandbox.new_customer("韩女士")
    sandbox.inject_fault("externalcontact/get", errcode=-1, times=2)
    deliver(driver, sandbox.customer_adds_member(eid, "wangfang", with_welcome_code=False))
    work()
    row = inbox(db)[0]
    assert row.status == "processed" and row.attempts == 3
    assert friendship(db, "wangfang", eid) is not None


def test_wecom_rate_limit_answers_are_retried_until_processed(org, sandbox, driver, work, db):
    eid = sandbox.new_customer("杨先生")
    sandbox.inject_fault("externalcontact/get", errcode=45009, times=1)
    deliver(driver, sandbox.customer_adds_member(eid, "lixiao", with_welcome_code=False))
    work()
    assert inbox(db)[0].status == "processed"


def test_an_expired_token_is_refreshed_once(org, sandbox, runtime):
    runtime.wecom.get("user/get", params={"userid": "wangfang"})
    sandbox.expire_tokens()
    assert runtime.wecom.get("user/get", params={"userid": "wangfang"})["userid"] == "wangfang"
    assert len(sandbox.calls("gettoken")) == 2


def test_a_token_refused_again_after_refresh_raises_instead_of_looping(org, sandbox, runtime):
    sandbox.inject_fault("user/get", errcode=42001, times=50)
    with pytest.raises(TokenInvalid):
        runtime.wecom.get("user/get", params={"userid": "wangfang"})
    assert len(sandbox.calls("user/get")) == 2


def test_database_down_answers_503_so_wecom_retries(settings, sandbox, private_redis):
    from bot.sandbox import CallbackDriver
    from tests.conftest import AES_KEY, AGENT_ID, CORP_ID, TOKEN

    dead = replace(settings, DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_port()}/nothing",
                   REDIS_URL=private_redis.url)
    application = create_app(dead)
    client = application.test_client()
    driver = CallbackDriver("http://unused/wecom/callback", token=TOKEN, encoding_aes_key=AES_KEY,
                            corp_id=CORP_ID, agent_id=AGENT_ID)
    body, params = driver.build(sandbox.customer_adds_member(sandbox.new_customer("x"), "wangfang"))
    response = client.post("/wecom/callback", query_string=params, data=body)
    assert response.status_code == 503
