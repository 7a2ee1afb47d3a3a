"""Hypothesis strategies: personal data in the ways people write it, and ordinary numbers.

The check digits are computed here independently of `minjian.redaction.checksums`
(ISO 7064 as (12 - sum) mod 11, Luhn by doubling from the right), so a shared mistake
cannot make the tests agree with the code.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hypothesis import assume
from hypothesis import strategies as st

from minjian.redaction.kinds import Kind

PROVINCE_CODES = (
    *(str(code) for code in range(11, 16)),
    *(str(code) for code in range(21, 24)),
    *(str(code) for code in range(31, 38)),
    *(str(code) for code in range(41, 47)),
    *(str(code) for code in range(50, 55)),
    *(str(code) for code in range(61, 66)),
    *("71", "81", "82", "83"),
)
AREA_CODES = (
    "010",
    "020",
    "021",
    "022",
    "023",
    "024",
    "025",
    "027",
    "028",
    "029",
    "0311",
    "0351",
    "0371",
    "0431",
    "0551",
    "0552",
    "0558",
    "0591",
    "0731",
    "0755",
    "0769",
    "0851",
    "0898",
    "0931",
    "0991",
)
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
# What a Chinese input method types in full-width mode: every printable ASCII character
# moved to U+FF01-U+FF5E, and the ideographic space.
FULL_WIDTH = str.maketrans(
    {chr(code): chr(code + 0xFEE0) for code in range(0x21, 0x7F)} | {" ": "\u3000"}
)
CHINESE_NUMERALS = {
    "0": "零〇",
    "1": "一幺",
    "2": "二两",
    "3": "三",
    "4": "四",
    "5": "五",
    "6": "六",
    "7": "七",
    "8": "八",
    "9": "九",
}
ZERO_WIDTH_SPACE = "\u200b"

# Words around a number; none holds a digit, a Chinese numeral or a word that changes how a
# number is read (订单号 makes a card an order number).
CHINESE_BEFORE = ("我的", "请联系", "他说：", "见下：", "对方留下了", "信息如下，", "（", "")
CHINESE_AFTER = ("。", "，谢谢", "）", "，请核实", "！", "")
ENGLISH_BEFORE = ("Please contact ", "Her details: ", "He wrote ", "(", "")
ENGLISH_AFTER = (".", " today", ")", ", thanks", "")
CONTEXT_WORDS = {
    Kind.ID_NUMBER: ("身份证号：", "公民身份号码 ", "ID number: "),
    Kind.BANK_CARD: ("银行卡号：", "卡号 ", "card number "),
    Kind.PASSPORT: ("护照号码：", "Passport No. "),
    Kind.MOBILE: ("手机：", "电话 ", "Tel: "),
    Kind.LANDLINE: ("座机：", "电话 ", "Phone: "),
    Kind.EMAIL: ("邮箱：", "E-mail: "),
    Kind.VEHICLE_PLATE: ("车牌号 ", "plate "),
}


@dataclass(frozen=True)
class Embedded:
    """A sentence with one piece of personal data at `text[start:end]`."""

    kind: Kind
    text: str
    start: int
    end: int


def resident_id_check_character(first_17: str) -> str:
    total = sum(int(digit) * pow(2, 17 - position, 11) for position, digit in enumerate(first_17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def is_resident_id(number: str) -> bool:
    if len(number) != 18:
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return (
        number[:2] in PROVINCE_CODES
        and born.year >= 1900
        and resident_id_check_character(number[:17]) == number[17]
    )


def luhn_check_digit(payload: str) -> str:
    total = 0
    for position, character in enumerate(reversed(payload)):
        digit = int(character)
        if position % 2 == 0:
            digit = sum(divmod(digit * 2, 10))
        total += digit
    return str((10 - total % 10) % 10)


def digit_strings(length: int) -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=length, max_size=length)


@st.composite
def resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCE_CODES)) + draw(digit_strings(4))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)))
    first_17 = region + birth.strftime("%Y%m%d") + draw(digit_strings(3))
    check = resident_id_check_character(first_17)
    if check == "X" and draw(st.booleans()):
        check = "x"
    return first_17 + check


@st.composite
def old_resident_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(PROVINCE_CODES)) + draw(digit_strings(4))
    birth = draw(st.dates(datetime.date(1900, 1, 1), datetime.date(1999, 12, 31)))
    return region + birth.strftime("%y%m%d") + draw(digit_strings(3))


@st.composite
def mobiles(draw: st.DrawFn) -> str:
    return "1" + draw(st.sampled_from("3456789")) + draw(digit_strings(9))


@st.composite
def landlines(draw: st.DrawFn) -> tuple[str, str]:
    """An area code (with its 0) and a subscriber number."""
    area = draw(st.sampled_from(AREA_CODES))
    subscriber = draw(st.sampled_from("23456789")) + draw(
        digit_strings(draw(st.sampled_from((6, 7))))
    )
    return area, subscriber


@st.composite
def bank_cards(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(("62", "4", "51", "35", "9558")))
    length = draw(st.integers(16, 19))
    payload = prefix + draw(digit_strings(length - len(prefix) - 1))
    number = payload + luhn_check_digit(payload)
    # An 18-digit number that is also a valid resident ID is read as the ID, rightly.
    assume(not is_resident_id(number))
    return number


@st.composite
def emails(draw: st.DrawFn) -> str:
    word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
    local = draw(word)
    if draw(st.booleans()):
        local += draw(st.sampled_from("._-")) + draw(word)
    domain = draw(st.sampled_from(("qq", "163", "gmail", "example", "ngo-net", "mail.ustc.edu")))
    return f"{local}@{domain}.{draw(st.sampled_from(('com', 'cn', 'org', 'com.cn', 'net')))}"


@st.composite
def passports(draw: st.DrawFn) -> str:
    form = draw(st.sampled_from(("E8", "G8", "EX7")))
    if form == "EX7":
        return "E" + draw(st.sampled_from(PLATE_LETTERS)) + draw(digit_strings(7))
    return form[0] + draw(digit_strings(8))


@st.composite
def plates(draw: st.DrawFn) -> tuple[str, str]:
    """The province and letter, and the rest of the plate."""
    head = draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from(PLATE_LETTERS))
    form = draw(st.sampled_from(("ordinary", "small new energy", "large new energy", "learner")))
    if form == "small new energy":
        tail = draw(st.sampled_from("DF")) + draw(st.sampled_from(PLATE_LETTERS + "0123456789"))
        tail += draw(digit_strings(4))
    elif form == "large new energy":
        tail = draw(digit_strings(5)) + draw(st.sampled_from("DF"))
    elif form == "learner":
        tail = draw(digit_strings(4)) + "学"
    else:
        characters = list(draw(digit_strings(5)))
        for position in draw(st.sets(st.integers(0, 4), max_size=2)):
            characters[position] = draw(st.sampled_from(PLATE_LETTERS))
        tail = "".join(characters)
    return head, tail


# --- Written forms -------------------------------------------------------------------------


def grouped(digits: str, sizes: tuple[int, ...], separator: str) -> str:
    groups = []
    for size in sizes:
        groups.append(digits[:size])
        digits = digits[size:]
    if digits:
        groups.append(digits)
    return separator.join(group for group in groups if group)


@st.composite
def character_forms(draw: st.DrawFn, written: str, *, numerals: bool = True) -> str:
    """`written` as typed: as is, full-width, in Chinese numerals, or with zero-width spaces."""
    forms = ("ascii", "full width", "chinese", "zero width")
    form = draw(st.sampled_from(forms if numerals else forms[:2]))
    if form == "full width":
        return written.translate(FULL_WIDTH)
    if form == "chinese":
        return "".join(
            draw(st.sampled_from(CHINESE_NUMERALS[character]))
            if character in CHINESE_NUMERALS
            else character
            for character in written
        )
    if form == "zero width":
        return ZERO_WIDTH_SPACE.join(written) if draw(st.booleans()) else written
    return written


SEPARATORS = st.sampled_from((" ", "-", ".", " - ", "\u3000", "－"))


@st.composite
def written_resident_ids(draw: st.DrawFn) -> str:
    number = draw(st.one_of(resident_ids(), old_resident_ids()))
    if len(number) == 18 and draw(st.booleans()):
        number = grouped(number, (6, 8, 4), draw(SEPARATORS))
    return draw(character_forms(number))


@st.composite
def written_mobiles(draw: st.DrawFn) -> str:
    number = draw(mobiles())
    layout = draw(st.sampled_from(("plain", "3-4-4", "3-8", "4-3-4")))
    if layout != "plain":
        sizes = tuple(int(size) for size in layout.split("-"))
        number = grouped(number, sizes, draw(SEPARATORS))
    prefix = draw(st.sampled_from(("", "+86 ", "+86-", "+86", "0086 ", "86 ", "(+86) ")))
    return draw(character_forms(prefix + number))


@st.composite
def written_landlines(draw: st.DrawFn) -> str:
    area, subscriber = draw(landlines())
    layout = draw(st.sampled_from(("plain", "separated", "bracketed", "international")))
    if layout != "plain" and len(subscriber) == 8 and draw(st.booleans()):
        subscriber = grouped(subscriber, (4, 4), draw(st.sampled_from((" ", "-"))))
    if layout == "plain":
        number = area + subscriber
    elif layout == "separated":
        number = area + draw(SEPARATORS) + subscriber
    elif layout == "bracketed":
        number = f"({area})" + draw(st.sampled_from(("", " "))) + subscriber
    else:
        number = "+86 " + area[1:] + " " + subscriber
    if draw(st.booleans()):
        number += draw(st.sampled_from(("转", "-", " ext. "))) + draw(digit_strings(3))
    return draw(character_forms(number))


@st.composite
def written_bank_cards(draw: st.DrawFn) -> str:
    number = draw(bank_cards())
    if draw(st.booleans()):
        number = grouped(number, (4,) * 4, draw(st.sampled_from((" ", "-"))))
    return draw(character_forms(number))


@st.composite
def written_emails(draw: st.DrawFn) -> str:
    address = draw(emails())
    form = draw(st.sampled_from(("plain", "(at)", "[at]", "full width at", "upper")))
    if form == "(at)":
        return address.replace("@", " (at) ")
    if form == "[at]":
        return address.replace("@", "[at]")
    if form == "full width at":
        return address.replace("@", "＠")
    if form == "upper":
        return address.upper()
    return draw(character_forms(address, numerals=False))


@st.composite
def written_passports(draw: st.DrawFn) -> str:
    return draw(character_forms(draw(passports())))


@st.composite
def written_plates(draw: st.DrawFn) -> str:
    head, tail = draw(plates())
    return draw(character_forms(head + draw(st.sampled_from(("", "·", " ", "-"))) + tail))


WRITTEN = {
    Kind.ID_NUMBER: written_resident_ids,
    Kind.MOBILE: written_mobiles,
    Kind.LANDLINE: written_landlines,
    Kind.BANK_CARD: written_bank_cards,
    Kind.EMAIL: written_emails,
    Kind.PASSPORT: written_passports,
    Kind.VEHICLE_PLATE: written_plates,
}


@st.composite
def embedded(draw: st.DrawFn, kind: Kind) -> Embedded:
    """One value of `kind`, written some way, inside a Chinese or English sentence."""
    written = draw(WRITTEN[kind]())
    chinese = draw(st.booleans())
    before = draw(st.sampled_from(CHINESE_BEFORE if chinese else ENGLISH_BEFORE))
    if draw(st.booleans()):
        before += draw(st.sampled_from(CONTEXT_WORDS[kind]))
    after = draw(st.sampled_from(CHINESE_AFTER if chinese else ENGLISH_AFTER))
    return Embedded(kind, before + written + after, len(before), len(before) + len(written))


# --- Ordinary numbers ----------------------------------------------------------------------


@st.composite
def ordinary_numbers(draw: st.DrawFn) -> str:
    """A number that identifies nobody, written as Chinese and English texts write them."""
    day = draw(st.dates(datetime.date(1950, 1, 1), datetime.date(2030, 12, 31)))
    amount = draw(st.integers(1, 9_999_999))
    small = draw(st.integers(0, 9999))
    return draw(
        st.sampled_from(
            (
                f"{day.year}年{day.month}月{day.day}日",
                day.isoformat(),
                f"{day.year}/{day.month}/{day.day}",
                f"{day.year}.{day.month:02d}.{day.day:02d}",
                f"{day.day} {day.strftime('%B')} {day.year}",
                f"{day.year}年",
                f"¥{amount:,}",
                f"￥{amount:,}.{small % 100:02d}",
                f"{amount}元",
                f"{amount:,} yuan",
                f"${amount:,}",
                f"({day.year}){draw(st.sampled_from(PROVINCES))}{small:04d}民初{amount % 10000}号",
                f"{small % 100}.{small % 10}%",
                f"{small}%",
                f"{amount}套防护服",
                f"{small}人",
                f"{small}公斤",
                f"邮编{draw(digit_strings(6))}",
                f"{small % 24:02d}:{small % 60:02d}",
                f"第{small}条",
                f"No. {small}",
                f"{amount}",
            )
        )
    )


ORDINARY_JOINERS = ("，", "。", "、", "；", " and ", "，共", " on ", "的", " at ", "\n", "，截至")


@st.composite
def ordinary_texts(draw: st.DrawFn) -> str:
    numbers = draw(st.lists(ordinary_numbers(), min_size=1, max_size=6))
    text = numbers[0]
    for number in numbers[1:]:
        text += draw(st.sampled_from(ORDINARY_JOINERS)) + number
    return text
