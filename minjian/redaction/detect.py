"""Finding personal data in text: where it is in the text the reporter typed, and of what kind.

The detectors read the folded text (`normalise.fold`: NFKC, Chinese numerals as digits, no
zero-width characters) and report spans of the original text.

Numbers are read in three steps:

1. Runs of digits ("groups") joined by short separators (spaces, dashes, dots, brackets)
   form a chunk: "+86 (138) 1234-5678", "6222 0212 3456 7890 128".
2. Every run of whole groups inside a chunk is a candidate, so that two numbers written side
   by side ("0551-6543210 13812345678") are told apart. A candidate never starts or ends
   inside a group, nor next to a Latin letter ("SF1234567890123" is a parcel, "E12345678"
   a passport, read elsewhere).
3. A candidate is classified by its digits and the way they are grouped, in this order:
   resident ID number (checksum, region, birth date), phone number (prefix and length),
   bank card (Luhn, a card network's first digit, a card-like grouping). The first kind
   that fits wins, so a valid 18-digit ID is never taken for a card.

Where a check is weak on its own, the words just before the number decide (see `_Context`):

- An 18-character number shaped like an ID (known province, real birth date) whose check
  digit is wrong is an ID only after words like 身份证 / "ID number": most likely a typo in a
  real ID, which still identifies its holder; elsewhere it is left alone.
- 16 to 19 digits that fail Luhn are a bank card only after 卡号 / "card number" (some older
  Chinese cards do not carry a Luhn digit), and only when no other digits are joined to them
  nor a unit follows them (元, %, 人 …); after 订单号 / "order number" even a Luhn-valid
  number is not taken for a card (one in ten order numbers passes Luhn by chance).
- 7 or 8 digits without an area code are a landline only after 电话 / "tel", on the same
  two conditions ("400-810-8888" is a hotline, "电话费 2345678 元" an amount).
- A passport number is found without context only in the distinctive PRC forms: E or G and
  eight digits, or E, a letter and seven digits (the 2017 form, "EA1234567"). Any other
  form (one or two letters and seven or eight digits, or nine digits) needs 护照 /
  "passport" just before it: "G7" or "A1234567" is too often a train, a model or a part.

E-mail addresses (also "(at)", "[at]" and a Chinese full stop in the domain) and vehicle
plates (province, letter, five characters, or six on new-energy plates) are matched as a
whole by patterns.

When candidates overlap, the longest wins, then the kind earlier in `PRIORITY`: an e-mail
address made of a phone number is one e-mail address.
"""

from __future__ import annotations

import bisect
import datetime
import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum

from minjian.redaction.checksums import luhn_is_valid, resident_id_check_character
from minjian.redaction.kinds import Kind
from minjian.redaction.normalise import fold

PRIORITY = (
    Kind.ID_NUMBER,
    Kind.BANK_CARD,
    Kind.PASSPORT,
    Kind.MOBILE,
    Kind.LANDLINE,
    Kind.EMAIL,
    Kind.VEHICLE_PLATE,
)


@dataclass(frozen=True)
class Finding:
    """Personal data at `text[start:end]` of the original text.

    The value is left out of the repr, so that a finding in a log line or a traceback
    does not carry the number.
    """

    kind: Kind
    start: int
    end: int
    text: str = field(repr=False)


def find_personal_data(text: str) -> list[Finding]:
    """Every piece of personal data in `text`, in order, none overlapping another."""
    folded = fold(text)
    candidates = [*_number_candidates(folded.text), *_pattern_candidates(folded.text)]
    findings = []
    for candidate in _without_overlaps(candidates):
        start, end = folded.original_span(candidate.start, candidate.end)
        findings.append(Finding(kind=candidate.kind, start=start, end=end, text=text[start:end]))
    return findings


@dataclass(frozen=True)
class _Candidate:
    kind: Kind
    start: int
    end: int


def _without_overlaps(candidates: Sequence[_Candidate]) -> list[_Candidate]:
    ranked = sorted(
        candidates,
        key=lambda candidate: (
            candidate.start - candidate.end,
            PRIORITY.index(candidate.kind),
            candidate.start,
        ),
    )
    starts: list[int] = []
    ends: list[int] = []
    kept: list[_Candidate] = []
    for candidate in ranked:
        # The kept spans do not overlap, so their starts and ends are sorted alike: only
        # the neighbours on either side can overlap the candidate.
        position = bisect.bisect_left(starts, candidate.start)
        if position > 0 and ends[position - 1] > candidate.start:
            continue
        if position < len(starts) and starts[position] < candidate.end:
            continue
        starts.insert(position, candidate.start)
        ends.insert(position, candidate.end)
        kept.append(candidate)
    return sorted(kept, key=lambda candidate: candidate.start)


# --- Numbers -------------------------------------------------------------------------------

# An X ends a group only where it can be an ID's check character: not before a letter or digit.
_GROUP = re.compile(r"[0-9]+(?:[Xx](?![A-Za-z0-9]))?")
_SEPARATOR = re.compile(r"[ \t\-.()\u2010-\u2015\u2212]{1,3}")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
# The shortest number read is a landline without its area code, the longest a 19-digit
# card or a landline with country and area code.
_MIN_DIGITS = 7
_MAX_DIGITS = 19
# A number is written in at most six groups ("6222 0212 3456 7890 128", "+86 138 1234
# 5678"), or digit by digit: 11 digits, or 13 and 15 after 86 / 0086.
_MAX_GROUPS = 6
_DIGIT_BY_DIGIT_MOBILE_LENGTHS = (11, 13, 15)
_CONTEXT_WINDOW = 20
_EXTENSION = re.compile(
    r"(?:[ \t]*[,，]?[ \t]*(?:转|轉|分机|分機|ext\.?)|[ \t]*(?:x|-|#))[ \t]*[0-9]{1,5}(?![0-9])",
    re.IGNORECASE,
)
# A number followed by a unit is a quantity, whatever words come before it ("电话费 2345678 元").
_UNIT_AFTER = re.compile(
    r"[ \t]*(?:元|块|角|万|亿|%|个|人|次|户|件|套|只|台|辆|米|公里|公斤|吨|天|小时|分钟"
    r"|yuan|rmb|usd|kg|km)",
    re.IGNORECASE,
)


def _number_candidates(text: str) -> Iterator[_Candidate]:
    for chunk in _chunks(text):
        glued_after = [_LATIN_LETTER.match(text, group.end()) is not None for group in chunk]
        for first in range(len(chunk)):
            start = chunk[first].start()
            if start > 0 and _LATIN_LETTER.match(text, start - 1):
                continue
            plus = start > 0 and text[start - 1] == "+"
            context = functools.cache(functools.partial(_context_before, text, start - plus))
            digits = ""
            lengths: list[int] = []
            for last in range(first, len(chunk)):
                group = chunk[last].group()
                digits += group
                lengths.append(len(group))
                if len(digits) > _MAX_DIGITS or glued_after[last]:
                    break
                if len(digits) < _MIN_DIGITS or not _plausible_grouping(digits, lengths):
                    continue
                candidate = _classify_number(
                    text,
                    digits,
                    tuple(lengths),
                    start,
                    chunk[last].end(),
                    plus=plus,
                    context=context,
                    whole_chunk=first == 0 and last == len(chunk) - 1,
                )
                if candidate is not None:
                    yield candidate


def _plausible_grouping(digits: str, lengths: list[int]) -> bool:
    """Up to six groups; beyond, only a mobile spelled digit by digit ("1 3 8 1 2 …").

    It also keeps the work linear: a long run of "1 1 1 …" is not read in every way.
    """
    return len(lengths) <= _MAX_GROUPS or len(digits) in _DIGIT_BY_DIGIT_MOBILE_LENGTHS


def _chunks(text: str) -> Iterator[list[re.Match[str]]]:
    chunk: list[re.Match[str]] = []
    for group in _GROUP.finditer(text):
        if chunk and not _SEPARATOR.fullmatch(text, chunk[-1].end(), group.start()):
            yield chunk
            chunk = []
        chunk.append(group)
    if chunk:
        yield chunk


def _classify_number(
    text: str,
    digits: str,
    lengths: tuple[int, ...],
    start: int,
    end: int,
    *,
    plus: bool,
    context: Callable[[], _Context | None],
    whole_chunk: bool,
) -> _Candidate | None:
    """The kind of the digits at `text[start:end]`, if any; `plus` if a "+" comes before.

    `context` is asked only where the digits alone do not decide.
    """
    if _is_resident_id(digits, lengths) or (
        _has_resident_id_shape(digits) and context() is _Context.ID
    ):
        return _Candidate(Kind.ID_NUMBER, start, end)
    if not digits.isdigit():
        return None
    # A number joined to other digits or followed by a unit is no phone or card number,
    # whatever the words before it say.
    context_may_decide = whole_chunk and _UNIT_AFTER.match(text, end) is None
    phone = _phone_kind(digits, lengths, plus=plus)
    if phone is None and context_may_decide and _is_local_landline(digits, lengths):
        phone = Kind.LANDLINE if context() is _Context.PHONE else None
    if phone is not None:
        # A leading "+" or an opening bracket belongs to the number: "+86 …", "(0551) …".
        phone_start = start - plus
        if phone_start > 0 and text[phone_start - 1] == "(" and ")" in text[phone_start:end]:
            phone_start -= 1
        extension = _EXTENSION.match(text, end) if phone is Kind.LANDLINE else None
        return _Candidate(phone, phone_start, extension.end() if extension else end)
    if _has_card_shape(digits, lengths):
        card_context = context()
        if card_context is not _Context.ORDER and (
            luhn_is_valid(digits)
            or (context_may_decide and card_context is _Context.CARD and len(digits) >= 16)
        ):
            return _Candidate(Kind.BANK_CARD, start, end)
    return None


# GB/T 2260 province-level codes, the first two digits of every resident ID number, in
# blocks by region (North, North-east, East, Central-South, South-west, North-west), then
# 71 (Taiwan) and 81-83 (residence permits of Hong Kong, Macao and Taiwan residents).
_PROVINCE_CODES = frozenset(
    str(code)
    for block in (
        range(11, 16),
        range(21, 24),
        range(31, 38),
        range(41, 47),
        range(50, 55),
        range(61, 66),
        (71, 81, 82, 83),
    )
    for code in block
)


def _is_resident_id(digits: str, lengths: tuple[int, ...]) -> bool:
    """An 18-digit ID with its check character, or a plausible first-generation 15-digit ID.

    A 15-digit ID has no check digit: it must be written in one piece or as region, birth
    date and sequence (6-6-3), or "1 1 1 1 1 …" would be an ID born on 11 November 1911.
    """
    if len(digits) == 18:
        return _has_resident_id_shape(digits) and (
            resident_id_check_character(digits[:17]) == digits[17].upper()
        )
    return (
        len(digits) == 15
        and lengths in ((15,), (6, 6, 3))
        and digits.isdigit()
        and digits[:2] in _PROVINCE_CODES
        and _is_birth_date("19" + digits[6:12])
    )


def _has_resident_id_shape(digits: str) -> bool:
    """18 characters, a known province and a real birth date, whatever the check character."""
    return (
        len(digits) == 18
        and digits[:17].isdigit()
        and (digits[17].isdigit() or digits[17] in "Xx")
        and digits[:2] in _PROVINCE_CODES
        and _is_birth_date(digits[6:14])
    )


def _is_birth_date(yyyymmdd: str) -> bool:
    year, month, day = int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:])
    if not 1900 <= year <= 2099:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _phone_kind(digits: str, lengths: tuple[int, ...], *, plus: bool) -> Kind | None:
    """A mobile, a landline with its area code, or neither."""
    national = _without_country_code(digits, lengths, plus=plus)
    if national is not None:
        national_digits, national_lengths = national
        if _is_mobile(national_digits, national_lengths):
            return Kind.MOBILE
        if _is_landline(national_digits, national_lengths, trunk_prefix=False):
            return Kind.LANDLINE
        return None
    if _is_mobile(digits, lengths):
        return Kind.MOBILE
    if _is_landline(digits, lengths, trunk_prefix=True):
        return Kind.LANDLINE
    return None


def _without_country_code(
    digits: str, lengths: tuple[int, ...], *, plus: bool
) -> tuple[str, tuple[int, ...]] | None:
    """The national number after a leading 0086 / +86 / 86, if the number has one."""
    for code in ("0086", "86"):
        if not digits.startswith(code):
            continue
        national = digits[len(code) :]
        national_lengths = _drop_leading_digits(lengths, len(code))
        written_as_code = code == "0086" or plus or lengths[0] == len(code)
        if written_as_code or _is_mobile(national, national_lengths):
            return national, national_lengths
    return None


def _drop_leading_digits(lengths: tuple[int, ...], count: int) -> tuple[int, ...]:
    remaining = list(lengths)
    while count and remaining:
        if remaining[0] <= count:
            count -= remaining.pop(0)
        else:
            remaining[0] -= count
            count = 0
    return tuple(remaining)


def _is_mobile(digits: str, lengths: tuple[int, ...]) -> bool:
    # Written in up to four groups ("138 1234 5678", "+86 138-1234-5678"), or digit by digit.
    return (
        len(digits) == 11
        and digits[0] == "1"
        and digits[1] in "3456789"
        and (len(lengths) <= 4 or all(length == 1 for length in lengths))
    )


def _is_landline(digits: str, lengths: tuple[int, ...], *, trunk_prefix: bool) -> bool:
    """An area code (0 + 2 or 3 digits; without the 0 after a country code) and 7-8 digits.

    The area code is its own group, or the whole number is one: "0551-6543 2100",
    "055165432100"; "05 5165 432100" is not a landline.
    """
    if not lengths or not digits:
        return False
    national = digits
    if trunk_prefix:
        if not digits.startswith("0"):
            return False
        national = digits[1:]
    if national.startswith(("10", "2")):
        area_length = 2
    elif national[:1] in ("3", "4", "5", "6", "7", "8", "9"):
        area_length = 3
    else:
        return False
    area_length += int(trunk_prefix)
    subscriber = digits[area_length:]
    return (
        len(subscriber) in (7, 8)
        and subscriber[0] in "23456789"
        and (len(lengths) == 1 or (lengths[0] == area_length and len(lengths) <= 3))
    )


def _is_local_landline(digits: str, lengths: tuple[int, ...]) -> bool:
    return len(digits) in (7, 8) and digits[0] in "23456789" and len(lengths) <= 2


def _has_card_shape(digits: str, lengths: tuple[int, ...]) -> bool:
    """13-19 digits, grouped like a card, starting as cards start; Luhn is checked apart."""
    return 13 <= len(digits) <= 19 and _has_card_prefix(digits) and _has_card_grouping(lengths)


def _has_card_prefix(digits: str) -> bool:
    """A first digit that card networks issue: 3 (Amex, JCB), 4 (Visa), 5 and 2221-2720
    (Mastercard), 6 (UnionPay, Discover), 9 (older Chinese domestic cards).

    It keeps runs of years ("2019 2020 2021 2022") and millisecond timestamps out.
    """
    return digits[0] in "34569" or "2221" <= digits[:4] <= "2720"


def _has_card_grouping(lengths: tuple[int, ...]) -> bool:
    """One run of digits, fours ("6222 0212 3456 7890 128") or the 4-6-5 / 4-6-4 of Amex/Diners."""
    return (
        len(lengths) == 1
        or (all(length == 4 for length in lengths[:-1]) and lengths[-1] <= 4)
        or lengths in ((4, 6, 5), (4, 6, 4))
    )


# --- Context words -------------------------------------------------------------------------


class _Context(Enum):
    ID = "id"
    CARD = "card"
    ORDER = "order"
    PHONE = "phone"
    PASSPORT = "passport"


_CONTEXT_WORDS = {
    _Context.ID: (
        r"身份证|身份證|证件号|證件號|身份号码|身份號碼",
        r"\bid\s*(?:card|number|no\b|#)|\bidentity\s*(?:card|number|document)",
        r"\b(?:citizen|resident)\s*id\b",
    ),
    _Context.CARD: (
        r"银行卡|銀行卡|卡号|卡號|账号|帳號|账户|帳戶|借记卡|借記卡|信用卡|储蓄卡|儲蓄卡",
        r"\bcard\s*(?:number|no\b|#)|\b(?:bank|debit|credit)\s*card|\baccount\s*(?:number|no\b|#)",
    ),
    _Context.ORDER: (
        r"订单|訂單|单号|單號|编号|編號|流水号|流水號|交易号|交易號|工单|工單|发票|發票|快递|快遞",
        r"\b(?:order|tracking|invoice|transaction|reference|ref|waybill|parcel)\b",
    ),
    _Context.PHONE: (
        r"电话|電話|手机|手機|座机|座機|联系方式|聯繫方式|致电|致電|拨打|撥打|来电|來電|传真|傳真",
        r"\b(?:tel|phone|telephone|mobile|cell|fax|call)\b",
    ),
    _Context.PASSPORT: (r"护照|護照", r"\bpassport\b"),
}
_CONTEXT = re.compile(
    "|".join(
        f"(?P<{context.value}>{'|'.join(words)})" for context, words in _CONTEXT_WORDS.items()
    ),
    re.IGNORECASE,
)


def _context_before(text: str, position: int) -> _Context | None:
    """The kind of words nearest before `position` (within a short window), if any."""
    nearest = None
    for match in _CONTEXT.finditer(text, max(0, position - _CONTEXT_WINDOW), position):
        nearest = match.lastgroup
    return None if nearest is None else _Context(nearest)


# --- Patterns ------------------------------------------------------------------------------

_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DOMAIN_DOT = r"(?:[.。]|[ ]?(?:\[dot\]|\(dot\))[ ]?)"
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}"
    r"[ ]?(?:@|\(at\)|\[at\])[ ]?"
    rf"{_DOMAIN_LABEL}(?:{_DOMAIN_DOT}{_DOMAIN_LABEL})*{_DOMAIN_DOT}[A-Za-z]{{2,24}}"
    r"(?![A-Za-z0-9-])",
    re.IGNORECASE,
)

# Letters on passports and plates leave out I and O, which read like 1 and 0.
_PASSPORT_DISTINCTIVE = re.compile(
    r"(?<![A-Za-z0-9])(?:[EG][0-9]{8}|E[A-HJ-NP-Z][0-9]{7})(?![A-Za-z0-9])"
)
_PASSPORT_AFTER_CONTEXT = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Za-z]{1,2}[0-9]{7,8}|[0-9]{9})(?![A-Za-z0-9])"
)

_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_PLATE_LETTER = "A-HJ-NP-Za-hj-np-z"
_PLATE = re.compile(
    rf"[{_PROVINCES}][{_PLATE_LETTER}][ ·•・\-.]?"
    r"(?:"
    # New-energy plates: D or F and five more (small cars), or five digits and D or F.
    rf"[DFdf][{_PLATE_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DFdf]"
    # Ordinary plates: five characters, the last maybe 学 (learner), 警 (police), 挂 (trailer)…
    rf"|(?P<ordinary>[{_PLATE_LETTER}0-9]{{4}}[{_PLATE_LETTER}0-9挂学警港澳领试超使])"
    r")(?![A-Za-z0-9])"
)


def _pattern_candidates(text: str) -> Iterator[_Candidate]:
    for match in _EMAIL.finditer(text):
        yield _Candidate(Kind.EMAIL, match.start(), match.end())
    for match in _PASSPORT_DISTINCTIVE.finditer(text):
        yield _Candidate(Kind.PASSPORT, match.start(), match.end())
    for match in _PASSPORT_AFTER_CONTEXT.finditer(text):
        if _context_before(text, match.start()) is _Context.PASSPORT:
            yield _Candidate(Kind.PASSPORT, match.start(), match.end())
    for match in _PLATE.finditer(text):
        ordinary = match.group("ordinary")
        # An ordinary plate has at most two letters among its five characters; "苏ABCDE1"
        # is a word, not a plate.
        if ordinary is None or sum(character.isdigit() for character in ordinary) >= 3:
            yield _Candidate(Kind.VEHICLE_PLATE, match.start(), match.end())
