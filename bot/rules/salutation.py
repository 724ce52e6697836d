"""How a guide addresses a customer: surname plus honorific ("王姐", "李先生").

The domain brief asks for personal, surname-based copy. Customer names come from
WeChat and are often nicknames, so a surname is used only when the name plainly
starts with one; otherwise the copy falls back to a neutral address.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

GENDER_MALE = 1    # WeCom's gender codes for external contacts
GENDER_FEMALE = 2

FALLBACK_ADDRESS = "亲"

COMPOUND_SURNAMES = frozenset(
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 司徒 夏侯 长孙 宇文 轩辕 端木 南宫 独孤 西门 "
    "百里 呼延 澹台 公冶 太史 申屠 钟离 闻人 赫连 万俟 濮阳 淳于 单于 司空 第五".split()
)
COMMON_SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包尚符舒阮柯纪梅童凌毕单季裴霍涂苗谷盛曲翁冉"
    "骆蓝路游辛靳管柴蒙鲍喻祁蒲房滕屈饶解牟艾尤穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆冀郁胥南班储原栗燕楚"
    "鄢劳谌奚皮粟冼蔺楼闻厉伊仝郜阚屠朴盖练廉禹井祖漆巴丰卿狄宣晋扈晁芮阙浦戈伏鹿薄邸雍辜羊裘亓修邰赫杭况宿鲜"
    "印逯隆茹诸亢嵩漕"
)
# Honorifics a customer's name may already carry ("林女士", "王姐").
KNOWN_HONORIFICS = ("女士", "先生", "小姐", "太太", "阿姨", "姐", "哥")
_NON_CJK = re.compile(r"[^\u4e00-\u9fff]")


@dataclass(frozen=True)
class Salutation:
    surname: str      # "王", "欧阳", or "" when the name has no recognisable surname
    honorific: str    # "姐", "先生", "女士", ... or "" when unknown

    @property
    def address(self) -> str:
        """The full form of address: "王姐", or a neutral fallback."""
        return f"{self.surname}{self.honorific}" if self.surname and self.honorific else FALLBACK_ADDRESS


def surname_of(name: str) -> str:
    """Return the surname a Chinese name starts with, or "" when it starts with none."""
    cjk = _NON_CJK.sub("", name or "")
    if cjk[:2] in COMPOUND_SURNAMES:
        return cjk[:2]
    return cjk[:1] if cjk[:1] in COMMON_SURNAMES else ""


def honorific_for(gender: int, female_style: str = "姐") -> str:
    """Return the honorific for a WeCom gender code: female_style, "先生", or "" when unknown."""
    if gender == GENDER_FEMALE:
        return female_style
    if gender == GENDER_MALE:
        return "先生"
    return ""


def salutation(name: str, gender: int = 0, female_style: str = "姐") -> Salutation:
    """Address a customer by surname and honorific, keeping an honorific the name already carries."""
    cjk = _NON_CJK.sub("", name or "")
    for honorific in KNOWN_HONORIFICS:
        stem = cjk[: -len(honorific)]
        if cjk.endswith(honorific) and 1 <= len(stem) <= 2 and surname_of(stem) == stem:
            return Salutation(stem, honorific)
    surname = surname_of(cjk)
    return Salutation(surname, honorific_for(gender, female_style) if surname else "")
