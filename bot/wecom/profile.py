"""WeCom's profile answers (externalcontact/get, groupchat/get), made storable where they enter the app."""
from __future__ import annotations

from bot.rules.wecom_text import clean_profile
from models import Customer, Friendship, GroupChat, GroupMember


def _length(column) -> int:
    return column.type.length


# Field name in WeCom's answers -> the length of the column it is stored in.
PROFILE_LIMITS = {
    "name": min(_length(Customer.name), _length(GroupChat.name)),
    "corp_name": _length(Customer.corp_name),
    "avatar": _length(Customer.avatar),
    "unionid": _length(Customer.unionid),
    "remark": _length(Friendship.remark),
    "state": min(_length(Friendship.state), _length(GroupMember.state)),
    "notice": _length(GroupChat.notice),
    "owner": _length(GroupChat.owner_userid),
    "member_version": _length(GroupChat.member_version),
    "userid": _length(GroupMember.invitor_userid),
}


def storable(answer: dict) -> dict:
    """The answer with NULs dropped and each stored field cut to its column's length."""
    return clean_profile(answer, PROFILE_LIMITS)
