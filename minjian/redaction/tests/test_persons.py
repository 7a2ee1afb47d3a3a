"""A private person named with her address, workplace, family or a number that identifies
her is found in every written form the redaction reads; the same text without her name,
with the name made anonymous, or naming an official in office, is not; nor are the
ordinary words that begin with a surname's character."""

from __future__ import annotations

from dataclasses import dataclass

import opencc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from minjian.core.words import tokenizer
from minjian.redaction import Kind, Reason, exposure_reasons, find_exposed_persons, redact
from minjian.redaction.tests.strategies import (
    FULL_WIDTH,
    ZERO_WIDTH_SPACE,
    character_forms,
    written_bank_cards,
    written_emails,
    written_landlines,
    written_mobiles,
    written_plates,
    written_resident_ids,
)

SIMPLIFIED_TO_TRADITIONAL = opencc.OpenCC("s2t")
TRADITIONAL_TO_SIMPLIFIED = opencc.OpenCC("t2s")


@pytest.fixture(autouse=True, scope="module")
def _dictionary_loaded() -> None:
    """jieba loads its dictionary once per process, in a second or so: before the first
    example, so that no example runs past hypothesis's deadline for it."""
    find_exposed_persons("王伟住在幸福小区。")


# Common surnames, read as surnames wherever they stand, and two-character ones.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭肖董潘袁蔡蒋叶魏苏吕"
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官", "慕容", "司徒")
# Surnames that are more often words (和 "and", 高 "high", 方 "side" …): named with a form
# of address only.
WEAK_SURNAMES = "和高方石金钱白江向于常马"
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛超霞娟洁颖燕玲珍云波宇浩鹏飞斌辉峰健亮志春欣雪丹琳婷倩"
)
PRIVATE_TITLES = ("先生", "女士", "小姐", "阿姨", "师傅", "大爷", "大妈", "经理", "老师", "医生")
ROLES = ("局长", "书记", "市长", "县长", "镇长", "村主任", "主任", "厂长", "董事长", "记者")
ANONYMOUS = ("某", "某某", "某人")


def ordinary_word(word: str) -> bool:
    """Whether jieba's dictionary knows `word` as something other than a name: a name
    that is also such a word (杨梅 "bayberry", 朱红 "vermilion") is read as the word."""
    from minjian.redaction.persons import _known_names

    return word in tokenizer().FREQ and word not in _known_names()


@dataclass(frozen=True)
class Named:
    """A private person's name as it is written, and the same person made anonymous."""

    name: str
    anonymous: str
    official: str


@st.composite
def full_names(draw: st.DrawFn) -> Named:
    surname = draw(st.sampled_from((*SURNAMES, *COMPOUND_SURNAMES)))
    given_name = "".join(
        draw(st.lists(st.sampled_from(GIVEN_NAME_CHARACTERS), min_size=1, max_size=2))
    )
    assume(not ordinary_word(surname + given_name) and not ordinary_word(surname + given_name[0]))
    return Named(
        name=surname + given_name,
        anonymous=surname + draw(st.sampled_from(ANONYMOUS)),
        official=surname + given_name + draw(st.sampled_from(ROLES)),
    )


@st.composite
def addressed_names(draw: st.DrawFn) -> Named:
    """王先生, 李女士, 高阿姨; 老王, 小李."""
    surname = draw(st.sampled_from((*SURNAMES, *WEAK_SURNAMES)))
    if draw(st.booleans()):
        name = surname + draw(st.sampled_from(PRIVATE_TITLES))
    else:
        # Not 小叶 (a leaflet), 小许 (a little): `persons._FAMILIAR_WORDS`.
        name = draw(st.sampled_from("老小")) + draw(
            st.sampled_from(SURNAMES.translate({ord("叶"): None, ord("许"): None}))
        )
    return Named(
        name=name,
        anonymous=surname + "某" + draw(st.sampled_from(PRIVATE_TITLES)),
        official=surname + draw(st.sampled_from(ROLES)),
    )


NAMES = st.one_of(full_names(), addressed_names())


@st.composite
def numbers(draw: st.DrawFn, digits: int) -> str:
    """A house, building or room number, typed in ASCII, full width or Chinese numerals."""
    number = str(draw(st.integers(1, 10**digits - 1)))
    return draw(character_forms(number))


@st.composite
def addresses(draw: st.DrawFn) -> str:
    compound = draw(st.sampled_from(("幸福小区", "锦绣花园", "东风新村", "化肥厂宿舍")))
    building = draw(numbers(2))
    unit = draw(numbers(1))
    room = draw(numbers(3))
    return draw(
        st.sampled_from(
            (
                f"住在{compound}{building}栋{unit}单元{room}室",
                f"家住{compound}{building}号楼",
                f"住人民路{draw(numbers(3))}号",
                f"现住{compound}",
            )
        )
    )


WORKPLACES = st.sampled_from(
    (
        "在县人民医院上班",
        "在城关镇中心小学工作",
        "在淮河造纸厂打工",
        "在县一中读书",
        "在一家物流公司任职",
    )
)
RELATIVES = st.sampled_from(
    ("的儿子在外地", "的妻子也被骂了", "的女儿今年上初中", "的父母都七十多了", "的丈夫经常打她")
)
PERSONAL_DATA = {
    Kind.MOBILE: written_mobiles,
    Kind.LANDLINE: written_landlines,
    Kind.ID_NUMBER: written_resident_ids,
    Kind.BANK_CARD: written_bank_cards,
    Kind.EMAIL: written_emails,
    Kind.VEHICLE_PLATE: written_plates,
}
DATA_WORDS = {
    Kind.MOBILE: "的手机号是",
    Kind.LANDLINE: "，家里电话",
    Kind.ID_NUMBER: "的身份证号",
    Kind.BANK_CARD: "的银行卡号",
    Kind.EMAIL: "的邮箱是",
    Kind.VEHICLE_PLATE: "的车牌是",
}


@dataclass(frozen=True)
class Exposing:
    """A sentence about `who`, and what it says of her, with the reason it exposes her."""

    before: str
    who: Named
    after: str
    reason: Reason

    def naming(self, person: str) -> str:
        return self.before + person + self.after


@st.composite
def exposing(draw: st.DrawFn) -> Exposing:
    who = draw(NAMES)
    before = draw(st.sampled_from(("", "举报：", "听说", "我们村的", "大家注意，")))
    choice = draw(st.sampled_from(("address", "workplace", "relatives", "personal data")))
    if choice == "address":
        reason, after = Reason.ADDRESS, draw(addresses())
    elif choice == "workplace":
        reason, after = Reason.WORKPLACE, draw(WORKPLACES)
    elif choice == "relatives":
        reason, after = Reason.RELATIVES, draw(RELATIVES)
    else:
        kind = draw(st.sampled_from(list(PERSONAL_DATA)))
        reason, after = Reason.PERSONAL_DATA, DATA_WORDS[kind] + draw(PERSONAL_DATA[kind]())
    ending = draw(st.sampled_from(("。", "，大家去找她！", "，请转告。", "")))
    return Exposing(before, who, after + ending, reason)


@st.composite
def written(draw: st.DrawFn, example: Exposing, person: str) -> str:
    """The sentence naming `person` as it may be typed: as is, in traditional characters,
    with a zero-width space pasted into the name, or its spaces full width. (The numbers
    in it come in every form the redaction reads: `strategies.character_forms`.)"""
    form = draw(st.sampled_from(("as is", "traditional", "zero width", "full width spaces")))
    if form == "zero width" and len(person) > 1:
        cut = draw(st.integers(1, len(person) - 1))
        person = person[:cut] + ZERO_WIDTH_SPACE + person[cut:]
    text = example.naming(person)
    if form == "traditional":
        return str(SIMPLIFIED_TO_TRADITIONAL.convert(text))
    if form == "full width spaces":
        return text.translate({ord(" "): " ".translate(FULL_WIDTH)})
    return text


@given(st.data())
@settings(max_examples=400)
def test_a_private_person_named_with_her_personal_data_is_found_in_every_written_form(
    data: st.DataObject,
) -> None:
    example = data.draw(exposing())
    text = data.draw(written(example, example.who.name))

    found = find_exposed_persons(text)

    assert example.reason in {exposure.reason for exposure in found}, text
    # Where she is named: the name, give or take a character where its length cannot be
    # told ("徐伟现住…" may name 徐伟现).
    exposure = next(e for e in found if e.reason == example.reason)
    named = text[exposure.name_start : exposure.name_end].replace(ZERO_WIDTH_SPACE, "")
    name = example.who.name
    assert abs(len(named) - len(name)) <= 1, (named, text)
    assert TRADITIONAL_TO_SIMPLIFIED.convert(named)[:2] == name[:2], (named, text)


@given(st.data())
@settings(max_examples=300)
def test_the_same_text_without_her_name_anonymous_or_about_an_official_holds_nobody(
    data: st.DataObject,
) -> None:
    example = data.draw(exposing())
    instead = data.draw(
        st.sampled_from(
            (
                "",
                "他",
                "一位村民",
                "有个工人",
                example.who.anonymous,
                example.who.official,
                "局长" + example.who.name,
            )
        )
    )
    text = data.draw(written(example, instead))

    assert find_exposed_persons(text) == [], text


@given(st.data())
@settings(max_examples=100)
def test_a_name_stored_next_to_a_removed_number_is_still_found(data: st.DataObject) -> None:
    """In stored text the number is a token; the token counts as the number did."""
    kind = data.draw(st.sampled_from(list(PERSONAL_DATA)))
    name = data.draw(NAMES).name
    text = name + DATA_WORDS[kind] + data.draw(PERSONAL_DATA[kind]()) + "。"

    stored = redact(text).text

    assert "[[redacted:" in stored
    assert exposure_reasons(stored) == [Reason.PERSONAL_DATA]


# Ordinary words that begin with, or hold, a surname's character, in sentences that do
# hold an address, a workplace, a relative or a number.
ORDINARY = (
    "高速公路边",
    "周围的居民",
    "黄色的污水",
    "和平路上的工厂",
    "于是他们",
    "常常有人",
    "马路对面",
    "方向不对",
    "水平提高了",
    "任何人",
    "许多工人",
    "石头砸坏了车",
    "金额不对",
    "钱包丢了",
    "时间不够",
    "江水发黑",
    "路边的垃圾",
    "拍了一张照片",
    "这段文字",
    "向政府反映",
    "程序不合法",
    "范围很大",
    "陆续有人",
    "严重超标",
    "顾客投诉",
    "林业部门",
    "杨树林倒了",
    "王府井大街",
)
CONTEXTS = (
    "{}，附近的人住在幸福小区三栋",
    "{}，有人在县医院上班",
    "{}，他的儿子也病了",
    "{}，请打13812345678",
    "{}，车牌皖A12345",
)


@given(st.sampled_from(ORDINARY), st.sampled_from(CONTEXTS), st.sampled_from(("", "traditional")))
@settings(max_examples=300)
def test_ordinary_words_with_a_surnames_character_name_nobody(
    words: str, context: str, form: str
) -> None:
    text = context.format(words)
    if form:
        text = str(SIMPLIFIED_TO_TRADITIONAL.convert(text))

    assert find_exposed_persons(text) == [], text


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("张小明住在幸福小区3栋2单元。", [Reason.ADDRESS]),
        ("李秀英的儿子在县环保局上班。", [Reason.WORKPLACE, Reason.RELATIVES]),
        ("歐陽娜娜住在幸福小區。", [Reason.ADDRESS]),
        ("工友老李的身份证是 341202 19560619 0597。", [Reason.PERSONAL_DATA]),
        ("联系人：刘女士，电话 186-5512-3344。", [Reason.PERSONAL_DATA]),
        ("张三，男，45岁，住幸福小区３栋。", [Reason.ADDRESS]),
        ("住在锦绣花园十二栋的王阿姨天天被骚扰。", [Reason.ADDRESS]),
        # Officials and people who answer for an organisation, in their role.
        ("林业局局长王刚家住幸福小区。", []),
        ("王局长的儿子在县医院上班。", []),
        ("厂长王刚的电话13812345678。", []),
        ("村主任刘建国在镇政府工作。", []),
        # Made anonymous.
        ("王某家住幸福小区3栋。", []),
        ("张某某的儿子在县医院上班。", []),
        # Two sentences apart.
        ("张伟是个好人。我们住在幸福小区。", []),
    ],
)
def test_examples(text: str, reasons: list[Reason]) -> None:
    assert exposure_reasons(text) == reasons


def test_an_exposure_keeps_positions_only() -> None:
    text = "黄伟的电话13812345678"
    [exposure] = find_exposed_persons(text)

    assert (exposure.reason, exposure.kind) == (Reason.PERSONAL_DATA, Kind.MOBILE)
    assert text[exposure.name_start : exposure.name_end] == "黄伟"
    assert text[exposure.start : exposure.end] == "13812345678"
    assert "黄伟" not in repr(exposure) and "1381" not in repr(exposure)


@given(st.text(max_size=60))
def test_any_text_is_read_without_error(text: str) -> None:
    for exposure in find_exposed_persons(text):
        assert 0 <= exposure.name_start < exposure.name_end <= len(text)
        assert 0 <= exposure.start < exposure.end <= len(text)


def test_english_text_names_nobody() -> None:
    assert find_exposed_persons("Mr Wang lives at 12 Renmin Road, phone 13812345678.") == []


def test_a_number_far_from_the_name_is_not_hers() -> None:
    padding = "，" + "工厂每天夜里往河里排放黑色的污水" * 2 + "，"
    assert find_exposed_persons("张伟说" + padding + "举报电话13812345678") == []
