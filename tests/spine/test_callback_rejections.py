"""Bad input gets a clear answer and stores nothing."""
from __future__ import annotations

from bot.sandbox import CallbackDriver
from tests.conftest import AES_KEY, AGENT_ID, TOKEN
from tests.spine.helpers import inbox_count


def add_event(sandbox):
    return sandbox.customer_adds_member(sandbox.new_customer("测试"), "wangfang")


def test_url_verification_answers_the_plain_echostr(driver):
    assert driver.verify_url("1288432023552776189") == "1288432023552776189"


def test_bad_signature_is_403_and_stores_nothing(sandbox, driver, db):
    body, params = driver.build(add_event(sandbox))
    params["msg_signature"] = "0" * 40
    assert driver.post_raw(body, params).status_code == 403
    assert inbox_count(db) == 0


def test_wrong_corp_is_403_and_stores_nothing(sandbox, live_app, db):
    other = CallbackDriver(f"{live_app}/wecom/callback", token=TOKEN, encoding_aes_key=AES_KEY,
                           corp_id="wwanothercorp0001", agent_id=AGENT_ID, retries=0)
    assert other.deliver(add_event(sandbox)).status == 403
    assert inbox_count(db) == 0


def test_a_one_mebibyte_body_is_413(sandbox, driver, db):
    body, params = driver.build(add_event(sandbox))
    huge = body.replace(b"</xml>", b"<Pad>" + b"x" * (1024 * 1024) + b"</Pad></xml>")
    assert driver.post_raw(huge, params).status_code == 413
    assert inbox_count(db) == 0


def test_an_xml_bomb_is_400_without_expansion(driver, db):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                       for i in range(1, 10))
            + b']><xml><ToUserName>x</ToUserName><Encrypt>&lol9;</Encrypt></xml>')
    assert driver.post_raw(bomb, {"msg_signature": "a", "timestamp": "1", "nonce": "2"}).status_code == 400
    assert inbox_count(db) == 0


def test_garbage_and_undecryptable_bodies_are_400(driver, db):
    assert driver.post_raw(b"not xml at all", {"msg_signature": "a", "timestamp": "1", "nonce": "2"}).status_code == 400
    encrypt = "bm90IHJlYWxseSBlbmNyeXB0ZWQ="
    params = {"timestamp": "1700000000", "nonce": "n1", "msg_signature": driver.sign_raw(encrypt, "1700000000", "n1")}
    assert driver.post_raw(driver.envelope(encrypt), params).status_code == 400
    assert inbox_count(db) == 0


def _chunked(body: bytes, size: int):
    """The body as a generator: requests sends it with Transfer-Encoding: chunked, `size` bytes a chunk."""
    return (body[i:i + size] for i in range(0, len(body), size))


def test_a_chunked_callback_is_read_whole_and_stored(sandbox, driver, db):
    body, params = driver.build(add_event(sandbox))
    answer = driver.session.post(driver.url, params=params, data=_chunked(body, 50), timeout=5,
                                 headers={"Content-Type": "text/xml"})
    assert answer.status_code == 200
    assert inbox_count(db) == 1


def test_a_chunked_body_over_the_limit_is_413(sandbox, driver, db):
    body, params = driver.build(add_event(sandbox))
    huge = body.replace(b"</xml>", b"<Pad>" + b"x" * (1024 * 1024) + b"</Pad></xml>")
    answer = driver.session.post(driver.url, params=params, data=_chunked(huge, 8192), timeout=5,
                                 headers={"Content-Type": "text/xml"})
    assert answer.status_code == 413
    assert inbox_count(db) == 0
