"""The default care cadences (domain brief "Care cadences"), seeded once and then HQ's to edit.

Copy follows "How the message should read": surname and honorific, congratulate rather than
thank, playful, and several templates per rule so one segment does not all get the same words.
"""
from __future__ import annotations

FIRST, SECOND, THIRD = "first", "second", "third_plus"
BUYERS = [FIRST, SECOND, THIRD]


def _rule(code, name, kind, trigger, window, priority, templates, *, tiers=(), offsets=(), spec=None,
          coupon="", enabled=True) -> dict:
    return {"code": code, "name": name, "kind": kind, "trigger": trigger, "window_start_days": window[0],
            "window_end_days": window[1], "priority": priority, "templates": list(templates),
            "tiers": list(tiers), "offsets": list(offsets), "material_spec": spec or {"limit": 0},
            "coupon": coupon, "enabled": enabled}


LIFECYCLE = [
    _rule("first_care", "首购关怀", "lifecycle", "first_purchase", (0, 5), 90, [
        "{salutation}，恭喜您收获一件称心如意的{product}！我是{store}的{guide}，使用上有任何问题随时找我就好～",
        "{salutation}好呀，我是{guide}～恭喜入手{product}，眼光真不错！这两天用着感觉怎么样？",
        "{salutation}，恭喜您把{product}带回家啦！我是{store}的{guide}，后续保养和售后都可以找我哦。",
    ], tiers=[FIRST]),
    _rule("first_recommend", "首购关怀+搭配推荐", "lifecycle", "first_purchase", (5, 30), 80, [
        "{salutation}，{product}用着还顺手吗？我给您挑了几款和它很搭的单品，您看看喜不喜欢～",
        "{salutation}好呀～{guide}又来啦！最近到了几件和您的{product}特别配的新款，先给您看看。",
        "{salutation}，最近店里{season}新品陆续到了，我按您的{product}搭了几套，给您做个参考～",
    ], tiers=[FIRST], spec={"occasion": "after_sales", "limit": 2}),
    _rule("first_month_gift", "满月礼", "lifecycle", "first_purchase", (30, 45), 85, [
        "{salutation}，恭喜您和我们认识满一个月啦！为您准备了满月礼：{coupon}，到店和线上都能用哦～",
        "叮～{salutation}的满月礼到啦：{coupon}！恭喜解锁，挑件喜欢的犒劳一下自己吧～",
        "{salutation}，满月快乐！{guide}给您留了一份{coupon}，这个月内都有效，有空来店里坐坐～",
    ], tiers=[FIRST], coupon="满月礼券", spec={"occasion": "after_sales", "limit": 1}),
    _rule("repeat_perks", "老客专享", "lifecycle", "last_purchase", (7, 30), 60, [
        "{salutation}，老客专享来啦：{coupon}，只给像您这样的老朋友，{season}新品也可以用～",
        "{salutation}好呀～恭喜您成为我们的老朋友！{guide}给您申请了{coupon}，下次来店直接用。",
        "{salutation}，{store}的老客专享福利已经放进您的账户：{coupon}，需要帮您留款随时说～",
    ], tiers=[SECOND, THIRD], coupon="老客专享券", spec={"occasion": "after_sales", "limit": 2}),
    _rule("at_risk", "流失挽回", "lifecycle", "last_purchase", (45, 90), 70, [
        "{salutation}，好久不见啦！{guide}想您了～给您留了一份{coupon}，{season}新品到了不少，来看看？",
        "{salutation}，最近还好吗？店里{season}新品上架了，我给您挑了几件，另外还有{coupon}等您哦～",
        "{salutation}好呀，{store}的{guide}来报到！给老朋友的{coupon}已经准备好了，有空来坐坐～",
    ], tiers=BUYERS, coupon="回归礼券", spec={"occasion": "recall", "limit": 2}),
    _rule("dormant_care", "沉睡主题关怀", "lifecycle", "last_purchase", (90, 135), 50, [
        "{salutation}，{season}到了，{guide}给您整理了一份当季穿搭小贴士，希望对您有用～",
        "{salutation}好呀，好久没见到您啦！{season}的新搭配给您看看，有喜欢的跟我说～",
    ], tiers=BUYERS, spec={"occasion": "new_arrival", "limit": 2}),
    _rule("dormant_promo", "沉睡强促唤醒", "lifecycle", "last_purchase", (135, 180), 55, [
        "{salutation}，给老朋友的大礼：{coupon}，这次力度是今年最大的，千万别错过～",
        "{salutation}，{guide}偷偷给您争取到了{coupon}，限时有效，回来逛逛吧！",
    ], tiers=BUYERS, coupon="唤醒专享大额券", spec={"occasion": "recall", "limit": 1}),
]

REVISIT = [
    _rule("revisit_3315", "3315 回访", "revisit", "purchase_offsets", (0, 2), 65, [
        "{salutation}，{product}穿了几次啦？洗护上有任何疑问随时问我～",
        "{salutation}好呀，{guide}来回访啦：{product}还合身吗？需要调整随时来店里。",
    ], offsets=[3, 21, 30, 150], tiers=BUYERS, enabled=False),
]

BIRTHDAY = [
    _rule("birthday_month_start", "生日月开始", "birthday", "birthday_month_start", (0, 6), 85, [
        "{salutation}，生日月快乐！您的生日福利已经发放：{coupon}，整个生日月都能用哦～",
        "叮～{salutation}的生日月到啦！{guide}提前祝您生日快乐，生日福利{coupon}已经放进您的账户～",
    ], coupon="生日专享礼券", spec={"occasion": "birthday", "limit": 1}),
    _rule("birthday_day", "生日当天", "birthday", "birthday_day", (0, 0), 95, [
        "{salutation}，生日快乐！{store}全体伙伴祝您新的一岁美美的～给您准备了一份{coupon}，来店里领取吧！",
        "{salutation}，今天是您的生日，{guide}第一时间来祝福：生日快乐！还有一份{coupon}在店里等您～",
    ], coupon="生日礼物", spec={"occasion": "birthday", "limit": 1}),
    _rule("birthday_month_end", "生日福利到期提醒", "birthday", "birthday_month_end", (-4, 0), 75, [
        "{salutation}，温馨提醒：您的{coupon}月底就要到期啦，到{store}或线上商城都能用，别浪费哦～",
        "{salutation}，生日月快结束啦，{coupon}还没用哦！{guide}帮您挑了几件，来店里试试？",
    ], coupon="生日专享礼券", spec={"occasion": "birthday", "limit": 1}),
    _rule("birthday_next_month", "生日次月", "birthday", "birthday_next_month", (0, 6), 60, [
        "{salutation}，生日折扣已经到期啦，不过您的生日礼物我们一直在{store}替您留着，有空随时来取～",
        "{salutation}好呀，您的生日礼物还在店里等您哦！{guide}帮您好好保管着，路过记得来拿～",
    ]),
]

SECOND_PURCHASE = [
    _rule("cart_no_order", "加购未下单", "second_purchase", "cart_no_order", (2, 7), 75, [
        "{salutation}，看到您把心仪的宝贝放进购物车啦，尺码或搭配拿不准的话，{guide}可以帮您参考～",
        "{salutation}好呀，购物车里的宝贝还在等您哦！有任何疑问问我就好，也可以来店里试试。",
    ], spec={"limit": 1}),
    _rule("single_item_outfit", "单品搭配推荐", "second_purchase", "single_item", (10, 20), 60, [
        "{salutation}，您的{product}特别百搭，我搭了几套完整的造型给您参考～",
        "{salutation}，{product}配什么最好看？{guide}帮您试了几套，挑一套喜欢的吧～",
    ], tiers=BUYERS, spec={"occasion": "after_sales", "kinds": ["outfit"], "limit": 2}),
    _rule("no_purchase_new_arrivals", "新品召回", "second_purchase", "last_purchase", (30, 44), 45, [
        "{salutation}，{season}新品到店啦！按您的喜好挑了几件，先给您看看～",
        "{salutation}好呀，一个月没见啦～店里上了一批{season}新款，{guide}觉得很适合您！",
    ], tiers=[SECOND, THIRD], spec={"occasion": "new_arrival", "limit": 2}),
]

REPLENISHMENT = [
    _rule("replenish", "补货提醒", "replenishment", "replenish_due", (-5, 0), 70, [
        "{salutation}，您的{product}差不多快用完啦，需要的话{guide}提前帮您备好～",
        "{salutation}，算算日子{product}该补货了，这次给您留一份老客价，要不要帮您预留？",
    ], tiers=BUYERS, spec={"occasion": "replenishment", "limit": 1}),
]

DEFAULT_RULES: list[dict] = LIFECYCLE + REVISIT + BIRTHDAY + SECOND_PURCHASE + REPLENISHMENT
