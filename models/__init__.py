"""SQLAlchemy models, one module per aggregate. Imports nothing from Flask, RQ, Redis or wechatpy."""
from models.account import EndedSession, HqUser
from models.base import Base, utcnow
from models.channel import KIND_CONTACT, KIND_GROUP, Channel
from models.content import (
    Material, MaterialFile, MaterialRegion, MaterialSend, MaterialStore, MaterialTag, MediaFile, OutfitItem, Product,
)
from models.customer import BirthdayClaim, Customer, Friendship
from models.group import GroupChat, GroupMember
from models.group_guard import GroupAlert, GroupJoinNotice, GroupPolicy, ServiceGroup
from models.handover import CustomerTransfer, GroupTransfer
from models.inbox import CallbackEvent
from models.order import CustomerMobile, CustomerPurchase, Order, OrderItem, PurchaseDay, TierTag, TierTagMark
from models.org import Guide, Store
from models.tag import CorpTag
from models.cadence import CadenceRule, ReplenishCycle
from models.commerce import CommerceEvent
from models.todo import GroupSend, Todo, TodoCandidate, TodoCard, TodoDerived, TodoRun, TodoRunout
from models.tracking import Click, HoldoutAssignment, OrderAttribution, PerformanceDay

__all__ = [
    "Base", "utcnow", "Channel", "KIND_CONTACT", "KIND_GROUP", "Customer", "Friendship",
    "GroupChat", "GroupMember", "CallbackEvent", "Guide", "Store", "CorpTag",
]
__all__ += ["Order", "OrderItem", "PurchaseDay", "CustomerPurchase", "CustomerMobile", "TierTag", "TierTagMark"]
__all__ += ["HqUser", "EndedSession"]
__all__ += ["MediaFile", "Product", "Material", "MaterialFile", "MaterialTag", "MaterialStore", "MaterialRegion",
            "OutfitItem", "MaterialSend"]
__all__ += ["CadenceRule", "ReplenishCycle", "CommerceEvent", "Todo", "TodoCandidate", "TodoRunout", "TodoDerived",
            "TodoRun", "TodoCard", "GroupSend"]
__all__ += ["Click", "OrderAttribution", "PerformanceDay", "HoldoutAssignment"]
__all__ += ["CustomerTransfer", "GroupTransfer"]
__all__ += ["BirthdayClaim"]
__all__ += ["GroupPolicy", "GroupJoinNotice", "GroupAlert", "ServiceGroup"]
