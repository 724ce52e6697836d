"""Create channel codes in WeCom (联系我 / 加入群聊) and keep their state."""
from __future__ import annotations

from sqlalchemy.orm import Session

from bot.services import channels, org
from models import KIND_CONTACT, KIND_GROUP, Channel


class ChannelError(ValueError):
    """The channel cannot be created as asked."""


def create_channel(*, session: Session, client, guide_userid: str, campaign: str | None = None,
                   chat_id: str | None = None, welcome_text: str | None = None) -> Channel:
    """Create a 联系我 code for a guide, or a 加入群聊 code when chat_id is given."""
    guide = org.guide_by_userid(session=session, userid=guide_userid)
    if guide is None:
        raise ChannelError(f"unknown guide {guide_userid!r}")
    kind = KIND_GROUP if chat_id else KIND_CONTACT
    channel = channels.new_channel(session=session, kind=kind, guide=guide, campaign=campaign,
                                   chat_id=chat_id, welcome_text=welcome_text)
    remark = (campaign or guide.name or guide.userid)[:30]
    if kind == KIND_CONTACT:
        result = client.post("externalcontact/add_contact_way", data={
            "type": 1, "scene": 2, "style": 1, "remark": remark, "skip_verify": True,
            "state": channel.state, "user": [guide.userid],
        })
        channel.config_id, channel.qr_code = result["config_id"], result.get("qr_code")
    else:
        result = client.post("externalcontact/groupchat/add_join_way", data={
            "scene": 2, "remark": remark, "chat_id_list": [chat_id], "state": channel.state,
        })
        channel.config_id = result["config_id"]
        way = client.post("externalcontact/groupchat/get_join_way", data={"config_id": channel.config_id})
        channel.qr_code = way.get("join_way", {}).get("qr_code")
    session.flush()
    return channel
