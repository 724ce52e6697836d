"""Read models of customers for the API and pages."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from bot.rules.birthdays import birthday_text
from bot.rules.membership import friendship_status, is_active
from bot.services.tiers import purchase_view
from models import Channel, Customer, Friendship, GroupChat, GroupMember, Guide


def _iso(value):
    return value.isoformat() if value else None


def customer_view(*, session: Session, external_userid: str) -> dict | None:
    """The customer with each friendship and group membership, or None."""
    customer = session.scalars(
        select(Customer).where(Customer.external_userid == external_userid)
        .options(selectinload(Customer.friendships).selectinload(Friendship.guide).selectinload(Guide.store),
                 selectinload(Customer.friendships).selectinload(Friendship.channel))
    ).one_or_none()
    if customer is None:
        return None
    return {
        "external_userid": customer.external_userid, "unionid": customer.unionid, "name": customer.name,
        "gender": customer.gender, "type": "wechat" if customer.type == 1 else "wecom",
        "corp_name": customer.corp_name, "avatar": customer.avatar,
        "birthday": birthday_text(customer.birthday), "birthday_source": customer.birthday_source,
        "friendships": [_friendship_view(f) for f in sorted(customer.friendships, key=lambda f: f.id)],
        "groups": _groups_view(session, customer),
        **purchase_view(session=session, customer_id=customer.id),
    }


def _friendship_view(f: Friendship) -> dict:
    channel: Channel | None = f.channel
    return {
        "guide_userid": f.guide.userid, "guide_name": f.guide.name,
        "store": f.guide.store.code if f.guide.store else None,
        "channel_state": f.state, "channel_id": channel.id if channel else None,
        "campaign": f.campaign, "add_way": f.add_way, "remark": f.remark,
        "added_at": _iso(f.added_at), "first_added_at": _iso(f.first_added_at), "add_count": f.add_count,
        "deleted_by_guide_at": _iso(f.deleted_by_guide_at),
        "deleted_by_customer_at": _iso(f.deleted_by_customer_at),
        "status": friendship_status(f.added_at, f.deleted_by_guide_at, f.deleted_by_customer_at),
    }


def _groups_view(session: Session, customer: Customer) -> list[dict]:
    rows = session.execute(
        select(GroupMember, GroupChat, Guide.userid)
        .join(GroupChat, GroupMember.group_id == GroupChat.id)
        .outerjoin(Guide, GroupMember.attributed_guide_id == Guide.id)
        .where(GroupMember.member_id == customer.external_userid)
        .order_by(GroupMember.id)
    ).all()
    return [{
        "chat_id": group.chat_id, "name": group.name, "join_scene": member.join_scene,
        "invitor": member.invitor_userid, "state": member.state, "attributed_guide": guide_userid,
        "joined_at": _iso(member.joined_at), "quit_at": _iso(member.quit_at),
        "active": is_active(member.joined_at, member.quit_at),
    } for member, group, guide_userid in rows]
