"""The official WeCom crypto vectors (protocol doc §1.4) through our CallbackCrypto."""
import pytest

from bot.wecom.callback import BadSignature, CallbackCrypto, Malformed, WrongCorp, event_from_xml

TOKEN = "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo"
KEY = "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt"
CORP = "ww1436e0e65a779aee"
ECHO = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
POST_BODY = (
    "<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName>\n<Encrypt><![CDATA[Kl7kjoSf6DMD1zh7rtrHjFaDapSC"
    "kaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc"
    "+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZ"
    "UC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aS"
    "DPOYuPDGOCI8jmnKiypE+]]></Encrypt>\n<AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
).encode()
PLAIN = ("<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779"
         "</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>")


def crypto(corp=CORP):
    return CallbackCrypto(TOKEN, KEY, corp)


def test_official_url_verification_vector():
    assert crypto().verify_url("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", ECHO) \
        == "1288432023552776189"


def test_official_message_vector_decrypts():
    assert crypto().open(POST_BODY, "0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914") == PLAIN


def test_a_flipped_signature_character_is_a_bad_signature():
    with pytest.raises(BadSignature):
        crypto().open(POST_BODY, "1c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914")


def test_another_corp_is_refused():
    with pytest.raises(WrongCorp):
        crypto("wwsomeoneelse00000").open(POST_BODY, "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
                                           "1476422779", "1597212914")


def test_an_xml_bomb_is_refused_before_expansion():
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' \
           b'<xml><Encrypt>&lol2;</Encrypt></xml>'
    with pytest.raises(Malformed):
        crypto().open(bomb, "x", "1", "2")


def test_dedupe_key_tells_apart_two_customer_events_in_one_second():
    def xml(external):
        return ("<xml><ToUserName>c</ToUserName><FromUserName>sys</FromUserName><CreateTime>1700000000</CreateTime>"
                "<MsgType>event</MsgType><Event>change_external_contact</Event><ChangeType>add_external_contact"
                f"</ChangeType><UserID>g1</UserID><ExternalUserID>{external}</ExternalUserID></xml>")
    a, b = event_from_xml(xml("wmA")), event_from_xml(xml("wmB"))
    assert a.dedupe_key() != b.dedupe_key()
    assert a.dedupe_key() == event_from_xml(xml("wmA")).dedupe_key()


def test_member_lists_are_lists_even_with_one_item():
    event = event_from_xml("<xml><Event>change_external_chat</Event><MemChangeList><Item>wmX</Item></MemChangeList></xml>")
    assert event.items("MemChangeList") == ["wmX"]


def test_two_card_taps_in_one_second_are_two_events():
    def tap(code):
        return event_from_xml(
            "<xml><FromUserName>wangfang</FromUserName><CreateTime>1700000000</CreateTime><MsgType>event</MsgType>"
            "<Event>template_card_event</Event><EventKey>send</EventKey><TaskId>t1</TaskId>"
            f"<ResponseCode>{code}</ResponseCode></xml>")
    assert tap("rc1").dedupe_key() != tap("rc2").dedupe_key()
    assert tap("rc1").dedupe_key() == tap("rc1").dedupe_key()
