"""Chinese labels the pages show for tiers, friendship states and WeCom codes: pure data and functions."""
from __future__ import annotations

TIER_LABELS = {"none": "潜客", "first": "首次购买", "second": "购买过二次", "third_plus": "购买三次及以上"}
STATUS_LABELS = {"active": "好友", "deleted_by_customer": "客户已删除", "deleted_by_guide": "已删除客户",
                 "unknown": "未添加"}
ADD_WAY_LABELS = {0: "未知来源", 1: "扫码添加", 2: "搜索手机号", 3: "名片分享", 4: "群聊", 5: "手机通讯录",
                  6: "微信联系人", 8: "第三方应用", 9: "搜索邮箱", 10: "视频号", 201: "内部共享", 202: "管理员分配"}
ORDER_STATUS_LABELS = {"paid": "已支付", "partially_refunded": "部分退款", "refunded": "已退款"}
ROLE_LABELS = {"guide": "导购", "manager": "店长", "hq": "总部"}


def tier_label(tier: str | None) -> str:
    """The tier's tag name, or 潜客 for a customer with no purchase."""
    return TIER_LABELS.get(tier or "none", TIER_LABELS["none"])


def channel_label(campaign: str | None, has_channel: bool, add_way: int | None) -> str:
    """How the customer came: the campaign, a channel code, or WeCom's add_way."""
    if campaign:
        return campaign
    if has_channel:
        return "渠道活码"
    return ADD_WAY_LABELS.get(add_way, "未知来源") if add_way is not None else "未知来源"
