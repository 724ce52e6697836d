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
    assert seed.seed_cadences(runtime) == 16 and seed.seed_cadences(runtime) == 0      # every `make run`: once
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


def test_the_demo_env_file_is_all_a_command_needs(tmp_path):
    from bot.demo.__main__ import SANDBOX_PORT, WEB_PORT, ensure_demo_env
    from config import Settings

    path = tmp_path / "demo.env"
    path.write_text("SECRET_KEY=kept-from-an-earlier-run-of-the-demo-000000\n")   # an older file: kept, completed
    ensure_demo_env(path)
    ensure_demo_env(path)
    settings = Settings.from_env(env_file=tmp_path / "none.env", demo_env_file=path)
    assert settings.SECRET_KEY == "kept-from-an-earlier-run-of-the-demo-000000"
    assert settings.WECOM_CORP_ID.startswith("wwdemo") and len(settings.WECOM_ENCODING_AES_KEY) == 43
    assert settings.WECOM_API_BASE == f"http://127.0.0.1:{SANDBOX_PORT}/cgi-bin/"
    assert settings.PUBLIC_BASE_URL == f"http://127.0.0.1:{WEB_PORT}" and settings.WECOM_AGENT_ID == 1000002
    assert path.read_text().count("WECOM_CORP_ID=") == 1 and oct(path.stat().st_mode)[-3:] == "600"
