"""Official WeCom crypto vectors (protocol doc §1.4) against wechatpy and the driver."""

from __future__ import annotations

import base64

import pytest
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.work.crypto import PrpCrypto, WeChatCrypto
from wechatpy.work.exceptions import InvalidCorpIdException

from bot.sandbox import CallbackDriver

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
AES_KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP_ID = "ww1436e0e65a779aee"

GET_SIGNATURE = "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb"
GET_TIMESTAMP, GET_NONCE = "1476416373", "47744683"
ECHOSTR = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="

POST_SIGNATURE = "0c3914025cb4b4d68103f6bfc8db550f79dcf48e"
POST_TIMESTAMP, POST_NONCE = "1476422779", "1597212914"
POST_ENCRYPT = (
    "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew"
    "+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24Yhm"
    "ZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwo"
    "cugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+")
POST_BODY = (f"<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName>\n<Encrypt><![CDATA[{POST_ENCRYPT}]]>"
             f"</Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>")
POST_PLAIN = ("<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
              "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
              "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>")

REPLY_PLAIN = ("<xml><ToUserName><![CDATA[ChenJiaShun]]></ToUserName><FromUserName><![CDATA[ww1436e0e65a779aee]]>"
               "</FromUserName><CreateTime>1476422779</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               "<Content><![CDATA[hello]]></Content></xml>")
REPLY_SIGNATURE = "3aec9c9bc44372a2c90ea67329accfecc4373ee9"
REPLY_ENCRYPT = (
    "RBkZDeI8jqj0PZbWAaXjNZEmIDRFMgBht09m8lOqVaXCCK+861Cm3uAG/eCZAyTOb4bJCmQvQyXWl4li1slMJn5AWqez3to0BynZr3bIVk"
    "EPpiX+KiDtcSw6z7A2jgaWogwt81yssptF3CUW9K1RGv1Ni6JXGDgY4T0YaBRFYnwvyHYpRiPOFOQfWONG0eQOgFYYhCeeTRrHJ0OJO8sy9F"
    "bzISAhk+oTY5zt5EmUb6RXXARWOo7q9HWxKtiL29Pq7lrfdtgX1XULw17NhP0xbIbZi4eWC7JvdoCQw2vHA+WHeta7m8miHPxSyN690aeT"
    "fYBhCgDWg3bzi220QI68DRgM8BzTl39tQU+MYg/qk4A41V231Y2qZE2wxDx6DhXz")


def fixed_prefix(prefix: str) -> type[PrpCrypto]:
    """wechatpy's PrpCrypto with a deterministic 16-byte random prefix."""

    class FixedPrp(PrpCrypto):
        def get_random_string(self) -> str:
            return prefix

    return FixedPrp


@pytest.fixture
def crypto() -> WeChatCrypto:
    return WeChatCrypto(TOKEN, AES_KEY, CORP_ID)


def test_get_vector_decrypts_echostr(crypto: WeChatCrypto) -> None:
    assert crypto.check_signature(GET_SIGNATURE, GET_TIMESTAMP, GET_NONCE, ECHOSTR) == "1288432023552776189"


def test_driver_signature_matches_official_vectors() -> None:
    driver = CallbackDriver("http://127.0.0.1:9/unused", token=TOKEN, encoding_aes_key=AES_KEY,
                            corp_id=CORP_ID, agent_id=1000002)
    assert driver.sign_raw(ECHOSTR, GET_TIMESTAMP, GET_NONCE) == GET_SIGNATURE
    assert driver.sign_raw(POST_ENCRYPT, POST_TIMESTAMP, POST_NONCE) == POST_SIGNATURE


def test_fixed_prefix_encrypt_reproduces_echostr() -> None:
    key = base64.b64decode(AES_KEY + "=")
    encrypted = fixed_prefix("8908d0ff052afda0")(key).encrypt("1288432023552776189", CORP_ID)
    assert encrypted.decode() == ECHOSTR


def test_post_vector_decrypts(crypto: WeChatCrypto) -> None:
    assert crypto.decrypt_message(POST_BODY, POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE) == POST_PLAIN


def test_derived_reply_vector(crypto: WeChatCrypto) -> None:
    out = crypto._encrypt_message(REPLY_PLAIN, POST_NONCE, POST_TIMESTAMP, fixed_prefix("aaaabbbbccccdddd"))
    assert f"<Encrypt><![CDATA[{REPLY_ENCRYPT}]]></Encrypt>" in out
    assert f"<MsgSignature><![CDATA[{REPLY_SIGNATURE}]]></MsgSignature>" in out


def test_negative_cases() -> None:
    with pytest.raises(InvalidCorpIdException):
        WeChatCrypto(TOKEN, AES_KEY, "wwSomeOtherCorp").decrypt_message(
            POST_BODY, POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE)
    with pytest.raises(InvalidSignatureException):
        WeChatCrypto(TOKEN, AES_KEY, CORP_ID).decrypt_message(POST_BODY, "0" * 40, POST_TIMESTAMP, POST_NONCE)
