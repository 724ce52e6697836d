"""Opening WeCom callbacks: XML safety, signature, decryption, CorpID check, event fields.

Crypto is wechatpy's WeChatCrypto; XML is parsed with defusedxml so that a DTD or an
entity (an "XML bomb") is refused before anything expands it.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.work.exceptions import InvalidCorpIdException
from wechatpy.work.crypto import WeChatCrypto

from bot.rules.form_input import unix_time


DIRECTORY_FIELDS = ("NewUserID", "Status", "Department", "MainDepartment", "IsLeaderInDept", "Position")


class CallbackRejected(Exception):
    """The request is not a valid callback; `status` is the HTTP answer."""

    status = 400


class BadSignature(CallbackRejected):
    status = 403


class WrongCorp(CallbackRejected):
    status = 403


class Malformed(CallbackRejected):
    status = 400


def parse_xml(text: str | bytes) -> Element:
    """Parse XML refusing DTDs, entities and external references."""
    try:
        return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise Malformed(f"unsafe or malformed XML: {exc.__class__.__name__}") from exc


@dataclass(frozen=True)
class WeComEvent:
    """A decrypted callback: its top-level fields, plus list-valued ones, and when the inbox received it."""

    fields: dict[str, str]
    lists: dict[str, list[str]] = field(default_factory=dict)
    received_at: datetime | None = None

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    @property
    def event(self) -> str:
        return self.get("Event") or self.get("MsgType")

    @property
    def change_type(self) -> str:
        return self.get("ChangeType")

    @property
    def create_time(self) -> datetime | None:
        """WeCom's CreateTime; None when it is missing or not a usable time ('²', year 312873)."""
        return unix_time(self.get("CreateTime"))

    @property
    def occurred_at(self) -> datetime | None:
        """When the event happened, for ordering: its CreateTime, else the time the inbox received it."""
        return self.create_time or self.received_at

    def items(self, name: str) -> list[str]:
        return self.lists.get(name, [])

    def dedupe_key(self) -> str:
        """A key equal for WeCom's retries of one event and different for distinct events.

        FromUserName + CreateTime (WeCom's advice) collides for customer-contact events
        (all come from `sys` with second resolution), so every identifying field counts.
        """
        if self.get("MsgId"):
            basis = ["msg", self.get("MsgId")]
        else:
            names = ("Event", "ChangeType", "UpdateDetail", "FromUserName", "UserID", "ExternalUserID",
                     "ChatId", "Id", "TagType", "TaskId", "EventKey", "ResponseCode", "Source", "FailReason",
                     "CurMemVer", "CreateTime")
            basis = [f"{n}={self.get(n)}" for n in names]
            # Directory updates of one member within a second differ by what changed (only when present,
            # so that the keys of every other event stay as they were).
            basis += [f"{n}={self.get(n)}" for n in DIRECTORY_FIELDS if self.get(n)]
            basis += sorted(self.items("MemChangeList"))
        return hashlib.sha256("\x1f".join(basis).encode()).hexdigest()


def event_from_xml(text: str, received_at: datetime | None = None) -> WeComEvent:
    """Flatten a decrypted event's XML into a WeComEvent (received_at: when the inbox stored it)."""
    root = parse_xml(text)
    fields: dict[str, str] = {}
    lists: dict[str, list[str]] = {}
    for child in root:
        if len(child):
            lists[child.tag] = [(item.text or "").strip() for item in child]
        else:
            fields[child.tag] = (child.text or "").strip()
    return WeComEvent(fields, lists, received_at)


class CallbackCrypto:
    """Verify and open callbacks for one corp."""

    def __init__(self, token: str, encoding_aes_key: str, corp_id: str):
        self.corp_id = corp_id
        self._crypto = WeChatCrypto(token, encoding_aes_key, corp_id)

    def verify_url(self, signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """Answer WeCom's GET URL verification with the decrypted echostr."""
        try:
            return self._crypto.check_signature(signature, timestamp, nonce, echostr)
        except InvalidSignatureException as exc:
            raise BadSignature("bad signature") from exc
        except InvalidCorpIdException as exc:
            raise WrongCorp("echostr is for another corp") from exc
        except Exception as exc:  # undecodable echostr: wechatpy raises assorted errors
            raise Malformed("echostr cannot be decrypted") from exc

    def open(self, body: bytes, signature: str, timestamp: str, nonce: str) -> str:
        """Return the decrypted plaintext of a POSTed callback, or raise CallbackRejected."""
        envelope = parse_xml(body)
        encrypt = envelope.findtext("Encrypt")
        if not encrypt:
            raise Malformed("no Encrypt element")
        to_user = envelope.findtext("ToUserName")
        if to_user is not None and to_user.strip() != self.corp_id:
            raise WrongCorp("ToUserName is another corp")
        try:
            plaintext = self._crypto.decrypt_message(body.decode("utf-8"), signature, timestamp, nonce)
        except InvalidSignatureException as exc:
            raise BadSignature("bad signature") from exc
        except InvalidCorpIdException as exc:
            raise WrongCorp("message is for another corp") from exc
        except Exception as exc:  # bad base64, padding or UTF-8
            raise Malformed("message cannot be decrypted") from exc
        parse_xml(plaintext)
        return plaintext
