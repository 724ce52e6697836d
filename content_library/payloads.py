"""A material rendered for one customer: the text and the WeCom attachments of a send."""
from __future__ import annotations

from dataclasses import dataclass, field

from bot.rules.content_selection import SEASONS, season_of
from bot.rules.salutation import salutation
from content_library.templates import render
from models import Material

SEASON_NAMES = dict(zip(SEASONS, ("春季", "夏季", "秋季", "冬季")))


@dataclass
class Personal:
    """What the placeholders of a template are filled with for one send."""

    customer_name: str = ""
    customer_gender: int = 0
    guide: str = ""
    store: str = ""
    product: str = ""
    category: str = ""
    coupon: str = ""
    link: str = ""
    season: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def placeholder_values(personal: Personal) -> dict[str, str]:
    """The value of every placeholder for one customer (surname and honorific from the name)."""
    address = salutation(personal.customer_name, personal.customer_gender)
    return {"surname": address.surname, "honorific": address.honorific, "salutation": address.address,
            "guide": personal.guide, "store": personal.store, "product": personal.product,
            "category": personal.category, "coupon": personal.coupon, "link": personal.link,
            "season": personal.season, **personal.extra}


def text_for(material: Material, personal: Personal, on=None) -> str:
    """The material's copy rendered for the customer (empty when it has none)."""
    if not material.body:
        return ""
    if on is not None and not personal.season:
        personal.season = SEASON_NAMES[season_of(on)]
    if material.kind == "outfit" and not personal.product and material.items:
        personal.product = "、".join(i.product.name for i in material.items)
    return render(material.body, placeholder_values(personal))


def attachments_for(material: Material, media_ids: list[str], picture_url: str = "") -> list[dict]:
    """WeCom message attachments (externalcontact/add_msg_template format) for the material."""
    if material.kind in ("image", "outfit"):
        return [{"msgtype": "image", "image": {"media_id": media_id}} for media_id in media_ids]
    if material.kind == "link":
        link = {"title": material.title[:64], "url": material.link_url or ""}
        if material.link_desc:
            link["desc"] = material.link_desc
        if picture_url:
            link["picurl"] = picture_url
        return [{"msgtype": "link", "link": link}]
    if material.kind == "miniprogram" and media_ids:
        return [{"msgtype": "miniprogram", "miniprogram": {
            "title": material.title[:64], "pic_media_id": media_ids[0], "appid": material.mini_appid,
            "page": material.mini_page}}]
    return []
