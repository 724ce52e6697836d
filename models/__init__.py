"""SQLAlchemy models, one module per aggregate. Imports nothing from Flask, RQ, Redis or wechatpy."""
from models.base import Base, utcnow
from models.channel import KIND_CONTACT, KIND_GROUP, Channel
from models.customer import Customer, Friendship
from models.group import GroupChat, GroupMember
from models.inbox import CallbackEvent
from models.org import Guide, Store
from models.tag import CorpTag

__all__ = [
    "Base", "utcnow", "Channel", "KIND_CONTACT", "KIND_GROUP", "Customer", "Friendship",
    "GroupChat", "GroupMember", "CallbackEvent", "Guide", "Store", "CorpTag",
]
