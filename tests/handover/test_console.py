"""The demo plays a departure from the sandbox console: 离职, the hand-over, 24 h passing, WeCom's events."""
from __future__ import annotations

from flask import Flask

from bot.sandbox.console import console_blueprint
from bot.sandbox.console_handover import handover_blueprint
from tests.handover.helpers import guide, hand_over, poll, transfers
from tests.spine.helpers import deliver, friendship
from tests.web.helpers import sign_in_member


def test_the_console_plays_a_member_leaving_and_the_transfer_completing(client, sandbox, driver, work, db, clock,
                                                                         org):
    console_app = Flask("console")
    console_app.register_blueprint(console_blueprint(sandbox, driver))
    console_app.register_blueprint(handover_blueprint(sandbox, driver))
    console = console_app.test_client()
    lin = sandbox.new_customer("林女士")
    deliver(driver, sandbox.customer_adds_member(lin, "wangfang"))
    assert "王芳" in console.get("/_sandbox/handover").get_data(as_text=True)
    answer = console.post("/_sandbox/act/member_leaves", json={"userid": "wangfang"}).get_json()
    assert answer["delivered"] and "delete_user" in answer["event"]
    work()
    assert not guide(db, "wangfang").active
    sign_in_member(client, sandbox, "zhangli")
    hand_over(client, org["SH001"], guide(db, "wangfang").id, guide(db, "lixiao").id)
    work()
    assert lin in console.get("/_sandbox/handover").get_data(as_text=True)
    assert console.post("/_sandbox/act/settle_transfers", json={}).get_json()["delivered"] == []   # not yet
    clock.advance(sandbox.transfer_delay)
    answer = console.post("/_sandbox/act/settle_transfers", json={}).get_json()
    assert answer["delivered"] == [True] and "add_external_contact" in answer["events"][0]
    work()
    assert friendship(db, "lixiao", lin).via_transfer
    poll(work, clock)
    assert transfers(db)["林女士"].status == "done"
