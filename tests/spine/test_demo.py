"""The demo's moving parts: seed data, the sandbox console playing an event, the saved world."""
from __future__ import annotations

from flask import Flask

from bot.demo import seed
from bot.sandbox import SandboxCorp, persist
from bot.sandbox.console import console_blueprint
from tests.spine.helpers import friendship, inbox


def test_console_plays_a_new_customer_through_the_callback(sandbox, sandbox_server, runtime, driver, work, db):
    seed.seed_sandbox(sandbox)
    assert seed.seed_app(runtime) is True and seed.seed_app(runtime) is False
    assert seed.channel_count(runtime) == len(seed.guide_userids(runtime)) == 3
    console_app = Flask("console")
    console_app.register_blueprint(console_blueprint(sandbox, driver))
    console = console_app.test_client()
    assert "新客户扫码加好友" in console.get("/_sandbox/").get_data(as_text=True)

    answer = console.post("/_sandbox/act/new_customer_scans", json={"guide": "chenjing", "name": "林女士"}).get_json()
    assert answer["delivered"] is True
    work()
    eid = next(c.external_userid for c in sandbox.customers.values() if c.name == "林女士")
    assert friendship(db, "chenjing", eid).campaign == "门店活码"
    assert inbox(db)[0].status == "processed"
    assert console.post("/_sandbox/act/eval", json={}).status_code == 404


def test_the_sandbox_world_survives_a_restart(tmp_path, clock):
    corp = SandboxCorp("wwx", {"s": 1}, clock=clock)
    seed.seed_sandbox(corp)
    eid = corp.new_customer("赵女士")
    corp.customer_adds_member(eid, "wangfang")
    persist.save(corp, tmp_path / "world.pickle")
    again = SandboxCorp("wwx", {"s": 1}, clock=clock)
    assert persist.load(again, tmp_path / "world.pickle")
    assert again.customers_of("wangfang") == [eid] and again.member("zhoumin").name == "周敏"
