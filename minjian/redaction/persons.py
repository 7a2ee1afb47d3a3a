"""A private person named together with her personal data: where a "human flesh search"
(人肉搜索) starts, and what makes a report or a note wait for a moderator.

Redaction (`detect`, `text`) removes numbers that identify someone. A name is not removed
(a report must be able to say who did what), but a private person's name next to where she
lives, where she works, her family, or a number that identifies her is how people have been
found and hounded: that text waits for a moderator (`minjian.cases.services`). This module
only finds it, in the text as typed or as stored (a stored `[[redacted:…]]` token counts as
the personal data it replaced); it keeps no value, not even in the repr of what it returns.

What counts as a name (in the text read as `detect` reads it, and with traditional
characters read as simplified: 張偉 is 张伟):

- a common Chinese surname, one character or two (欧阳, 司马, 诸葛 …), and a given name of
  one or two characters: 张伟, 李秀英, 欧阳娜娜;
- a surname with a form of address, with or without the given name: 王先生, 李女士,
  张经理, 刘阿姨, 陈大爷, 王建国先生;
- a surname with 老 or 小 before it: 老王, 小李.

What does not:

- a name already made anonymous: 王某, 张某某, 李某人;
- a person named in a public role (an office of the state, the party, a court, the police,
  the head of a company or an institution, a journalist): 李局长, 王书记, 张市长, 村主任刘
  建国, 厂长王刚, 王记者. A civic platform exists so that citizens can name officials acting
  in office and those who answer for an organisation's conduct; the brake is for private
  persons;
- a surname character that begins or sits inside an ordinary word: 高速, 周围, 黄色, 和平,
  于是, 常常, 马路, 方向, 提高. jieba (`minjian.core.words`) cuts the sentence into words; a
  surname only counts where it starts a word of its own, and a character that is more often
  a word than a surname (和, 于, 向, 高, 方 …: `_WEAK_SURNAMES`) only with a form of address
  or where the sentence goes on about a person ("…住在", "…的儿子");
- a surname followed by what makes it a place or an organisation: 王庄村, 李宁公司.

What counts as exposing her: in the same sentence, and no further than `WINDOW` characters
from the name, an address (住在, 家住, a building, unit or room number, a street number, a
residential compound), a workplace or school (在…工作, 在…上学, 单位, the staff of a
company or a school), a relative (的妻子, 的儿子, 她的父母 …), or any personal data the
detectors find (`find_personal_data`) or already replaced by a token.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minjian.core.text import fold as simplified
from minjian.core.words import tokenizer
from minjian.redaction.detect import find_personal_data
from minjian.redaction.kinds import Kind
from minjian.redaction.normalise import fold

# How far (in characters, between the nearest ends) a name and the personal data may be.
WINDOW = 30


class Reason(StrEnum):
    """What was found next to a private person's name. The value is stored in the payload
    of the event that held the text; it never changes."""

    ADDRESS = "address"
    WORKPLACE = "workplace"
    RELATIVES = "relatives"
    PERSONAL_DATA = "personal_data"

    @property
    def label(self) -> str | Promise:
        """What a moderator reads, e.g. "names a private person with her address"."""
        return _REASON_LABELS[self]


_REASON_LABELS: dict[Reason, str | Promise] = {
    Reason.ADDRESS: _("names a private person with their address"),
    Reason.WORKPLACE: _("names a private person with their workplace or school"),
    Reason.RELATIVES: _("names a private person with their family"),
    Reason.PERSONAL_DATA: _("names a private person with a number or address that identifies them"),
}


@dataclass(frozen=True)
class Exposure:
    """A private person named at `text[name_start:name_end]`, and near it, at
    `text[start:end]`, what exposes her (`reason`; `kind` for personal data the detectors
    know). Only positions: neither the name nor the data is kept."""

    reason: Reason
    name_start: int
    name_end: int
    start: int
    end: int
    kind: Kind | None = None


def find_exposed_persons(text: str) -> list[Exposure]:
    """Every private person named in `text` together with personal data, in order."""
    if text.isascii():
        # Chinese names only: a text without a Chinese character names none.
        return []
    folded = fold(text)
    reading = _simplified(folded.text)
    if not _SURNAME_OR_FAMILIAR.search(reading):
        return []
    evidence = list(_evidence(reading))
    if not evidence:
        return []
    sentences = _Sentences(reading)
    names = _names_near(reading, evidence, sentences)
    exposures = []
    for name in names:
        for found in evidence:
            if sentences.same(name.start, found.start) and _gap(name, found) <= WINDOW:
                name_start, name_end = folded.original_span(name.start, name.end)
                start, end = folded.original_span(found.start, found.end)
                exposures.append(
                    Exposure(found.reason, name_start, name_end, start, end, found.kind)
                )
    return sorted(set(exposures), key=lambda e: (e.name_start, e.start, e.reason))


def exposure_reasons(*texts: str) -> list[Reason]:
    """What the texts expose of a private person they name, each reason once, in the
    order of `Reason`; empty if they expose nobody."""
    found = {exposure.reason for text in texts for exposure in find_exposed_persons(text)}
    return [reason for reason in Reason if reason in found]


# --- Reading --------------------------------------------------------------------------------


def _simplified(text: str) -> str:
    """`text` in simplified characters, one character for each of `text`'s; ASCII as it
    is (a passport number's letters are upper case)."""
    converted = simplified(text)
    if len(converted) != len(text):
        # Rare: a character that folds to several (or none). Convert one by one.
        converted = "".join(
            single if len(single := simplified(character)) == 1 else character for character in text
        )
    return "".join(
        original if original.isascii() else character
        for original, character in zip(text, converted, strict=True)
    )


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


@dataclass(frozen=True)
class _Evidence(_Span):
    reason: Reason
    kind: Kind | None = None


def _gap(first: _Span, second: _Span) -> int:
    return max(second.start - first.end, first.start - second.end, 0)


class _Sentences:
    """Where each sentence of the text starts: split at full stops, question and
    exclamation marks, semicolons and line breaks."""

    _END = re.compile(r"[。！？!?；;\n]+")

    def __init__(self, text: str) -> None:
        self.starts = [0, *(match.end() for match in self._END.finditer(text))]
        self.length = len(text)

    def index(self, position: int) -> int:
        return bisect.bisect_right(self.starts, position) - 1

    def same(self, first: int, second: int) -> bool:
        return self.index(first) == self.index(second)

    def bounds(self, position: int) -> tuple[int, int]:
        index = self.index(position)
        end = self.starts[index + 1] if index + 1 < len(self.starts) else self.length
        return self.starts[index], end


# --- What exposes a person ------------------------------------------------------------------

_NUMBER = r"[0-9一二三四五六七八九十百零〇○两幺]+"
_CLAUSE_CHARACTER = r"[^，,。！？!?；;\n]"
_RELATIVES = (
    "妻子|丈夫|老婆|老公|爱人|媳妇|前妻|前夫|儿子|女儿|儿媳|女婿|孙子|孙女|外孙|外孙女|父亲|母亲"
    "|爸爸|妈妈|父母|爷爷|奶奶|外公|外婆|姥姥|姥爷|哥哥|姐姐|弟弟|妹妹|家人|家属|亲戚|孩子"
    "|岳父|岳母|公公|婆婆|男朋友|女朋友|男友|女友"
)
_WORK_VERBS = "工作|上班|任职|就职|打工|实习|读书|上学|就读|念书"
_EVIDENCE = re.compile(
    "|".join(
        (
            # Where she lives: the words that say so, a building, unit or room, a street
            # number, a residential compound.
            r"(?P<address>家住|住在|住址|住处|居住|现住|家在|户籍|户口在|老家在|"
            rf"{_NUMBER}\s*(?:栋|幢|号楼|单元|室|层)|"
            rf"(?:路|街|道|巷|弄|胡同|里|村|组)\s*{_NUMBER}\s*号|{_NUMBER}\s*号院|"
            r"小区|公寓|宿舍|家属院|家属楼)",
            # Where she works or studies.
            rf"(?P<workplace>在{_CLAUSE_CHARACTER}{{2,20}}?(?:{_WORK_VERBS})(?![中上])|"
            r"就职于|任职于|供职于|工作单位|上班的地方|工作的地方|"
            r"(?:公司|厂|单位|学校|医院|银行|集团|超市|商场|酒店|饭店|门店|工地|车间)的?"
            r"(?:员工|职工|工人|会计|出纳|老师|教师|司机|保安|护士|医生|店员|营业员|前台|文员|"
            r"学生|保洁))",
            # Her family: a relative of someone ("的儿子", "她丈夫"), not any child nearby.
            rf"(?P<relatives>(?:的|之|[他她])(?:{_RELATIVES}))",
            # Personal data already replaced by a token, in stored text.
            r"\[\[redacted:(?P<token>[a-z_]+)\]\]",
        )
    )
)


def _evidence(reading: str) -> Iterator[_Evidence]:
    """What exposes a person, as spans of `reading` (the folded, simplified text, which the
    detectors read too: 京A0000學 is a learner's plate)."""
    for match in _EVIDENCE.finditer(reading):
        group = match.lastgroup
        if group == "token":
            kind = Kind(match.group("token")) if match.group("token") in _KINDS else None
            yield _Evidence(match.start(), match.end(), Reason.PERSONAL_DATA, kind)
        elif group is not None:
            yield _Evidence(match.start(), match.end(), Reason(group))
    for finding in find_personal_data(reading):
        yield _Evidence(finding.start, finding.end, Reason.PERSONAL_DATA, finding.kind)


_KINDS = frozenset(kind.value for kind in Kind)


# --- Names ----------------------------------------------------------------------------------

# Common surnames that are seldom a word of their own: one of them, cut off by itself from
# the words around it, is a surname.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩邓冯曹彭肖田董潘袁蔡蒋杜叶程魏苏吕"
    "丁任卢姚沈钟姜崔谭陆范汪廖韦贾夏邹熊孟秦邱侯尹薛闫黎陶贺郝顾龚邵覃武严莫孔汤赖施洪辛"
    "柯庄樊殷葛柴岳耿焦靳阮翟倪冉骆聂苗詹麦俞霍戚鲍裴粟刁饶卓缪伍滕蒲邬巫晏艾鄢阎娄祁邢邝"
    "隋苟佘窦揭翁訾芮雍冀郁蔺邸牟敖佟迟竺甄巩郜冼桑闵胥廉闻嵇郎虞蔚褚杭萧"
)
# Surnames that are more often a word: 和 (and), 于 (at), 向 (towards), 高 (high), 方
# (side), 付 (pay), 戴 (wear) … They name someone only with a form of address (高先生,
# 老高) or where the sentence goes on about a person (`_ABOUT_A_PERSON`).
_WEAK_SURNAMES = (
    "和于向将成应曾万余计从原路花水车钱金石高方白明文安关包左强代付江宁米谷盛尚甘管边房曲"
    "司官沙衣荣游满幸吉伏井凤支仲阳东木占冷毕古龙雷史毛常易乔华申鲁舒柳丰景桂习宗简解池农"
    "蒙童牛蓝兰梅康温季祝单齐符卜凌项晋楚全芦乌时查尤党惠谈练卫薄弓欧涂段"
)


def _listed(words: str) -> frozenset[str]:
    """The words of a list written as one string, separated by spaces."""
    return frozenset(words.split())


_COMPOUND_SURNAMES = _listed(
    "欧阳 司马 诸葛 上官 皇甫 尉迟 公孙 慕容 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 呼延 澹台 "
    "公冶 申屠 赫连 钟离 宗政 濮阳 万俟 拓跋 完颜"
)
_WEAK_COMPOUND_SURNAMES = _listed("东方 南宫 西门 百里 长孙 单于 太史 闻人 东郭")
_STRONG = frozenset(_SURNAMES)
_WEAK = frozenset(_WEAK_SURNAMES)
# Two-character surnames first: 欧阳 is not 欧.
_SURNAME_OR_FAMILIAR = re.compile(
    "|".join(sorted(_COMPOUND_SURNAMES | _WEAK_COMPOUND_SURNAMES))
    + f"|[{_SURNAMES}{_WEAK_SURNAMES}]"
)

# How a private person is addressed: 王先生, 李女士, 张经理. The one-character ones only
# right after the surname (李姐, 王哥).
_PRIVATE_TITLES = _listed(
    "先生 女士 小姐 太太 夫人 师傅 阿姨 大爷 大妈 大娘 大婶 大叔 大伯 大哥 大姐 大嫂 奶奶 爷爷 "
    "婆婆 老师 同学 医生 大夫 护士 律师 会计 经理 老板娘 工程师 阿婆 阿公"
)
_SHORT_PRIVATE_TITLES = frozenset("姐哥叔婶嫂伯姨工")
# A person in a public role: an office of the state or the party, a court, the police, the
# head of a company or an institution, the press.
_ROLES = _listed(
    "书记 支书 主席 总理 省长 市长 县长 区长 镇长 乡长 村长 主任 局长 厅长 处长 科长 部长 司长 "
    "署长 所长 站长 队长 秘书长 委员 代表 议员 干部 官员 领导 法官 检察官 检察长 庭长 警官 民警 "
    "警察 协警 辅警 城管 专员 院长 校长 厂长 董事长 总经理 总裁 董事 法人 法定代表人 负责人 老板 "
    "包工头 行长 社长 会长 理事长 主编 记者"
)


def _alternatives(words: Iterable[str]) -> str:
    # Longest first, so that 老板娘 is not read as 老板.
    return "|".join(sorted(set(words), key=lambda word: (-len(word), word)))


_TITLE_AFTER = re.compile(rf"副?(?:{_alternatives([*_ROLES, *_PRIVATE_TITLES])})")
_ROLE_BEFORE = re.compile(rf"(?:{_alternatives(_ROLES)})\s?$")
# Characters that do not begin or make up a given name: grammar, pronouns, time, the verbs
# that follow a subject; 某 (王某, 张某某: already made anonymous).
_NOT_IN_GIVEN_NAMES = frozenset(
    "的了着过在是和与及或说讲道问住家被把给对向从到等也都就还又很最更不没无为以于之其这那哪谁"
    "么们他她它我你您咱个年月日号时天元块次去来上下里外前后内间边面头要会能可让叫请吗呢吧啊呀"
    "哦嘛啦地得所并而且但却因由若将已曾再只每各某此该本男女岁总跟同找打看拿买卖做干用走跑吃喝"
    "想知见听写送带回进出起拉推发报骂欠拖收交付多少几些啥怎样今昨当往离比像一两自全反称表告称"
    "姓叫名晚早午夜壹贰叁肆伍陆柒捌玖拾佰仟"
)
# What jieba may join to the end of a given name: 李/静静的.
_GRAMMAR = frozenset("的了着过在是和与及也都就还又很说")
# A surname character after a number or a demonstrative counts something: 一张照片, 这段文字.
_COUNTING_BEFORE = frozenset(
    "0123456789一二三四五六七八九十百千万两几这那哪每某该此本各多数第半整好壹贰叁肆伍陆柒捌玖拾佰仟"
)
# A place or an organisation, not a person: 王庄村, 李宁公司, 张家港.
_PLACE_CHARACTERS = frozenset(
    "村屯庄寨堡营集镇乡县市区省路街巷桥塘坝坡岭沟洼寺庙店厂院局所处科站队部委办社司馆厅园场港湾"
)
_PLACE_AFTER = re.compile(
    r"公司|集团|超市|医院|诊所|药店|学校|大学|中学|小学|幼儿园|银行|酒店|饭店|餐厅|酒家|"
    r"小区|大厦|广场|大街|大道|工作室|事务所|牌|家族"
)
# 老/小 and a surname that together are an ordinary word: 小时 (hour), 小米 (millet), 老赖
# (a debtor who will not pay) …
_FAMILIAR_WORDS = _listed(
    "小时 小麦 小于 小康 小孔 小路 小米 小牛 小车 小农 小包 小花 小曲 小钱 小童 小房 小解 "
    "小井 小池 小水 小支 小官 小成 小幸 小宗 小景 小石 小苗 小叶 小熊 小许 小段 小方 小区 "
    "老练 老牛 老成 老农 老路 老花 老井 老边 老官 老房 老赖 老翁 老庄 老许 老乡 老总"
)
# Where the sentence goes on about a person right after a word: where she lives, her
# family, where she works, her phone, her sex or age.
_ABOUT_A_PERSON = re.compile(
    r"\s*(?:家住|住在|住(?![户宅房院所宿])|家在|现住|居住|"
    rf"的?(?:{_RELATIVES})|"
    rf"在{_CLAUSE_CHARACTER}{{1,20}}?(?:{_WORK_VERBS})|"
    r"(?:的|[，,:：]\s*)?(?:家里|家庭|联系)?(?:电话|手机|方式|身份证|住址|车牌|邮箱|银行卡|微信)|"
    rf"[，,、]\s*[男女][，,、]|[，,、]?\s*(?:今年)?{_NUMBER}岁|\[\[redacted:)"
)
_RELATIVE = re.compile(_RELATIVES)
# How often jieba's dictionary must have seen a two-character word for it to be an ordinary
# word rather than a name: 李娜 438, 王明 368; 孙子 871, 胡子 1297.
_COMMON_WORD = 500
# How much text around the personal data is cut into words to find the names near it.
_CONTEXT = 6
_LONGEST_NAME = 6


@dataclass(frozen=True)
class _Name(_Span):
    pass


def _names_near(reading: str, evidence: Sequence[_Evidence], sentences: _Sentences) -> list[_Name]:
    """The private persons named within `WINDOW` of the evidence, in its sentence."""
    names: set[_Name] = set()
    for start, end in _regions(evidence, sentences):
        names.update(_names_in(reading, start, end))
    return sorted(names, key=lambda name: name.start)


def _regions(evidence: Sequence[_Evidence], sentences: _Sentences) -> list[tuple[int, int]]:
    """The stretches of text where a name could be near the evidence, merged."""
    reach = WINDOW + _LONGEST_NAME + _CONTEXT
    stretches = []
    for found in evidence:
        first, last = sentences.bounds(found.start)
        stretches.append((max(first, found.start - reach), min(last, found.end + reach)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(stretches):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _names_in(reading: str, start: int, end: int) -> Iterator[_Name]:
    words: _Words | None = None  # cut only once a surname might be one
    read_up_to = start
    for match in _SURNAME_OR_FAMILIAR.finditer(reading, start, end):
        position, surname = match.start(), match.group()
        if position < read_up_to or not _might_name(reading, position, surname):
            continue  # 明 in 张小明; 一张照片; 和 that is "and"
        words = words or _Words(reading, start, end)
        name = _familiar_name(reading, position, words)
        if name is None and position in words.starts:
            # A surname inside a word that began earlier is none: 提高, 平和.
            name = _surname_name(reading, position, surname, words)
        if name is not None:
            read_up_to = name.end
            if not _in_public_role(reading, name):
                yield name


def _might_name(reading: str, position: int, surname: str) -> bool:
    """What can be told without cutting the text into words: a surname after a number
    counts something (一张照片, 这段文字), and a weak surname names someone only with a
    title right after it, or a given name and then words about a person."""
    before = reading[position - 1 : position]
    if before and before in "老小":
        return True
    if before and before in _COUNTING_BEFORE:
        return False
    if surname not in _WEAK and surname not in _WEAK_COMPOUND_SURNAMES:
        return True
    after = position + len(surname)
    return (
        reading[after : after + 1] in _SHORT_PRIVATE_TITLES
        or _TITLE_AFTER.match(reading, after) is not None
        or any(_ABOUT_A_PERSON.match(reading, end) for end in (after + 1, after + 2))
    )


class _Words:
    """`reading[start:end]` cut into words by jieba: where each word starts and ends."""

    def __init__(self, reading: str, start: int, end: int) -> None:
        self.ends: dict[int, int] = {}
        position = start
        for word in tokenizer().cut(reading[start:end], HMM=False):
            self.ends[position] = position + len(word)
            position += len(word)
        self.starts = self.ends.keys()
        self.boundaries = {start, *self.ends.values()}

    def single(self, position: int) -> bool:
        return self.ends.get(position) == position + 1


def _familiar_name(reading: str, position: int, words: _Words) -> _Name | None:
    """老王, 小李: 老 or 小 and the surname, as one word or two of one character each."""
    start = position - 1
    if start < 0 or reading[start] not in "老小" or start not in words.starts:
        return None
    end = position + 1
    if reading[start:end] in _FAMILIAR_WORDS:
        return None
    if words.ends[start] != end and not (
        words.single(start) and _surname_alone(reading, position, words)
    ):
        return None
    return _not_a_place(reading, _Name(start, end))


def _surname_alone(reading: str, position: int, words: _Words) -> bool:
    """The surname is a word of its own, or jieba joined it to a word of grammar: 老/何在."""
    word_end = words.ends.get(position)
    return word_end is not None and all(
        character in _NOT_IN_GIVEN_NAMES for character in reading[position + 1 : word_end]
    )


def _surname_name(reading: str, position: int, surname: str, words: _Words) -> _Name | None:
    """A surname with a title (王先生), a given name (张伟), or both (王建国先生)."""
    weak = surname in _WEAK or surname in _WEAK_COMPOUND_SURNAMES
    after = position + len(surname)
    titled = _titled(reading, position, after, words, weak=weak)
    if titled is not None:
        name, role = titled
        # Someone in a public role is no private person, with or without a given name.
        return None if role else name
    if len(surname) == 2:
        return _compound_surname_name(reading, position, after, weak=weak)
    word_end = words.ends[position]
    if word_end > after:
        # A dictionary word that starts with the surname: a name jieba knows (李秀英,
        # 诸葛亮) or an ordinary word (周围, 马路, 任何). Only where the sentence goes on
        # about a person: jieba also tags 马赛克 and 杨树林 as names. A name it knows may
        # go on with one more character (罗丹/伟).
        if not _is_known_name(reading[position:word_end], surname, weak=weak):
            return None
        ends = [word_end]
        if word_end - after == 1 and words.single(word_end) and _could_be_given(reading[word_end]):
            ends.append(word_end + 1)
        given = next((end for end in ends if _ABOUT_A_PERSON.match(reading, end)), 0)
        if not given:
            return None
    else:
        found = _given_name_end(reading, after, words)
        if found is None:
            return None
        given, one_word = found
        # A weak surname, or a given name that is a word of its own (李/春花, and 段/缺失),
        # only where the sentence goes on about a person.
        if (weak or one_word) and not _ABOUT_A_PERSON.match(reading, given):
            return None
    return _not_a_place(reading, _Name(position, given))


def _compound_surname_name(reading: str, position: int, after: int, *, weak: bool) -> _Name | None:
    """欧阳娜娜, 上官军: a two-character surname begins few ordinary words, but jieba does
    not always keep it whole (上/官军), so its given name is read by the characters: one or
    two, up to a word of grammar."""
    end = after
    while end < after + 2 and end < len(reading) and _could_be_given(reading[end]):
        end += 1
    if end == after:
        return None
    if weak and not _ABOUT_A_PERSON.match(reading, end):
        return None
    return _not_a_place(reading, _Name(position, end))


def _is_known_name(word: str, surname: str, *, weak: bool) -> bool:
    return not weak and word in _known_names()


def _titled(
    reading: str, position: int, after: int, words: _Words, *, weak: bool
) -> tuple[_Name, bool] | None:
    """王先生, 王建国先生, 李姐, 张局长: the name with its title, and whether the title is a
    public role (`_ROLES`). A weak surname only right before its title (高先生)."""
    word_end = words.ends[position]
    for given_end in (after,) if weak else (after, after + 1, after + 2):
        given = reading[after:given_end]
        if not all(_is_han(c) and c not in _NOT_IN_GIVEN_NAMES for c in given):
            return None
        if not given and reading[after : after + 1] in _SHORT_PRIVATE_TITLES:
            title_end, role = after + 1, False
        else:
            title = _TITLE_AFTER.match(reading, given_end)
            if title is None:
                continue
            title_end, role = title.end(), title.group().removeprefix("副") in _ROLES
        if title_end not in words.boundaries:
            continue
        # The surname starts a word of its own, or one that is part of the name:
        # 王/先生, 何先生, 王/建国/先生; not 全科医生 (a general practitioner), 施工 (building
        # work), 木工 (a carpenter).
        whole = word_end == title_end and reading[position:title_end] in _known_names()
        if word_end > after and not (whole or (word_end <= given_end and not weak)):
            return None
        return _Name(position, title_end), role
    return None


def _given_name_end(reading: str, after: int, words: _Words) -> tuple[int, bool] | None:
    """Where a given name of one or two characters after a surname ends, if there is one:
    one or two words of one character (张/伟, 张/小/明), or one word of two (李/春花), and
    whether it is the latter. jieba may have joined a word of grammar to it (李/静静的)."""
    word_end = words.ends.get(after)
    if word_end is None:
        return None
    end = after
    while end < word_end and end - after < 2 and _could_be_given(reading[end]):
        end += 1
    if end == after or not all(c in _GRAMMAR for c in reading[end:word_end]):
        return None
    if end - after == 2:
        return end, True
    if end == word_end and words.single(end) and _could_be_given(reading[end]):
        return end + 1, False
    return end, False


def _could_be_given(characters: str) -> bool:
    return all(
        _is_han(c) and c not in _NOT_IN_GIVEN_NAMES and c not in _PLACE_CHARACTERS
        for c in characters
    )


def _not_a_place(reading: str, name: _Name) -> _Name | None:
    """The name, unless what follows makes it a place or an organisation: 王庄村, 李宁公司."""
    if reading[name.end : name.end + 1] in _PLACE_CHARACTERS or _PLACE_AFTER.match(
        reading, name.end
    ):
        return None
    return name


def _in_public_role(reading: str, name: _Name) -> bool:
    """局长王刚, 王刚局长: a person named in her public role."""
    if _ROLE_BEFORE.search(reading, max(0, name.start - 8), name.start):
        return True
    title = _TITLE_AFTER.match(reading, name.end)
    return title is not None and title.group().removeprefix("副") in _ROLES


@functools.cache
def _known_names() -> frozenset[str]:
    """The names jieba's dictionary holds that start with a common surname (李秀英, 王建国,
    白小姐), but for two-character ones as frequent as ordinary words: its person-name tag
    is also on 孙子, 顾客, 洪水 …, whose frequency gives them away."""
    names = set()
    with tokenizer().get_dict_file() as dictionary:
        for line in dictionary:
            word, frequency, tag = line.decode("utf-8").split()
            if (
                (word[0] in _STRONG or word[0] in _WEAK)
                and tag.startswith("nr")
                and (len(word) == 3 or (len(word) == 2 and int(frequency) < _COMMON_WORD))
                and not _RELATIVE.fullmatch(word)
            ):
                names.add(word)
    return frozenset(names)


def _is_han(character: str) -> bool:
    return "\u4e00" <= character <= "\u9fff" or "\u3400" <= character <= "\u4dbf"
