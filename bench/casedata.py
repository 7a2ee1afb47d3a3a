"""Generated cases for benchmarks: many rows, fast, in the shape the case services write.

Why this bypasses `minjian.cases.services`: `case_submit` runs one transaction with
a handful of queries per report, so 100,000 reports through it take many minutes;
a benchmark that takes that long is not run. Here the rows are built in memory and
written with `bulk_create` in batches inside one transaction, which takes well
under a minute.

The rows are the ones the services would have written, field by field (kept in
step with `case_submit`, `needs_review` and `_move` by reading them; keep them so):

- a case is created `submitted` with `created_at` = `updated_at` = the moment of
  the report and its point as `published_point` makes it (the centre of a 1 km
  grid cell for "approximate", as given for "exact"), with an event `submitted` (actor: the
  reporter or none; payload `{"photos": 0, "has_point", "location_precision"}`)
  at that moment; an anonymous report keeps the SHA-256 digest of a receipt code;
- a report from an account (all of them here are established reporters) is
  published a moment later by no actor; an anonymous one waits for review and
  is published by a moderator (staff) minutes to days later; either way with an
  event `published`, payload `{"from": "submitted", "to": "published"}`, and
  `published_at` and `updated_at` set to that moment;
- some cases move on (acknowledged, in progress, resolved, closed) along the
  transitions the services allow, each with its event (`{"from", "to"}` and
  sometimes a `note`) by a responder or the reporter, and `updated_at` at the last one.

What the generated data leaves out: photos (no files are written; the pages only
run their photo queries), cases still waiting for review, and hidden cases.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from minjian.accounts.models import User
from minjian.cases.location import Precision, published_point
from minjian.cases.models import Case, CaseEvent
from minjian.places.models import Region
from minjian.topics.models import Topic

BATCH_SIZE = 5000
REPORTERS = 500
RESPONDERS = 20
SPAN = timedelta(days=730)

# (subject zh, subject en, problem zh, problem en) by topic slug: what people report.
PROBLEMS: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "environment": (
        (
            "造纸厂",
            "The paper mill",
            "夜间向河里直排污水",
            "discharges sewage into the river at night",
        ),
        ("化工厂", "The chemical plant", "排放刺鼻废气", "releases acrid fumes"),
        ("养猪场", "The pig farm", "粪污流进农田", "lets manure run into the fields"),
        ("砂石场", "The gravel yard", "粉尘污染严重", "covers the village in dust"),
    ),
    "labour": (
        (
            "建筑工地",
            "The construction site",
            "拖欠农民工工资半年",
            "owes migrant workers six months of wages",
        ),
        ("电子厂", "The electronics factory", "强制加班不给加班费", "forces unpaid overtime"),
        ("快递站点", "The delivery depot", "不签劳动合同", "hires without written contracts"),
    ),
    "health": (
        (
            "乡镇卫生院",
            "The township clinic",
            "长期缺少常用药品",
            "has run out of common medicines",
        ),
        ("自来水", "The tap water", "发黄有异味", "is yellow and smells"),
        ("小诊所", "The small clinic", "重复使用一次性针头", "reuses disposable needles"),
    ),
    "education": (
        (
            "村小学",
            "The village primary school",
            "校舍漏雨无人维修",
            "has a leaking roof nobody repairs",
        ),
        (
            "打工子弟学校",
            "The migrant children's school",
            "突然被要求关停",
            "was suddenly ordered to close",
        ),
        ("中学", "The middle school", "乱收补课费", "charges illegal tutoring fees"),
    ),
    "disability": (
        (
            "地铁站",
            "The metro station",
            "无障碍电梯长期停用",
            "keeps its lift for wheelchairs out of service",
        ),
        (
            "残疾人补贴",
            "The disability allowance",
            "连续三个月没有发放",
            "has not been paid for three months",
        ),
        ("盲道", "The tactile paving", "被违规停车占用", "is blocked by parked cars"),
    ),
    "disaster-relief": (
        ("洪水过后", "After the flood", "安置点缺少饮用水", "the shelter has no drinking water"),
        (
            "山体滑坡",
            "The landslide",
            "阻断了唯一的进村道路",
            "has cut the only road into the village",
        ),
        (
            "地震后",
            "After the earthquake",
            "救灾物资发放不透明",
            "relief goods are handed out in secret",
        ),
    ),
    "public-safety": (
        (
            "学校门口",
            "The school gate",
            "没有红绿灯事故频发",
            "has no traffic light and many accidents",
        ),
        ("老旧小区", "The old housing estate", "消防通道被堵死", "has its fire lanes blocked"),
        ("河堤", "The river embankment", "出现裂缝无人处理", "is cracking and nobody acts"),
    ),
    "corruption": (
        (
            "村委会",
            "The village committee",
            "账目多年不公开",
            "has not published its accounts for years",
        ),
        ("扶贫款", "The poverty relief fund", "被挪作他用", "was diverted to other uses"),
        (
            "低保名额",
            "The minimum-income list",
            "优先给了干部亲属",
            "went to officials' relatives first",
        ),
    ),
    "housing-land": (
        (
            "征地补偿",
            "Compensation for the seized land",
            "远低于标准",
            "is far below the legal rate",
        ),
        ("强拆", "A forced demolition", "没有任何书面通知", "came without any written notice"),
        (
            "商品房",
            "The new apartments",
            "交房两年仍未办证",
            "still have no title deeds two years on",
        ),
    ),
    "legal-aid": (
        ("工伤认定", "The work-injury claim", "被拖了一年多", "has been stalled for over a year"),
        (
            "家暴受害者",
            "A domestic violence victim",
            "申请保护令被拒",
            "was refused a protection order",
        ),
        ("法律援助中心", "The legal aid centre", "电话一直打不通", "never answers the phone"),
    ),
    "other": (
        (
            "公交线路",
            "The bus route",
            "被取消后老人出行困难",
            "was cut and the elderly cannot get around",
        ),
        ("菜市场", "The food market", "拆除后没有替代", "was torn down with no replacement"),
    ),
}
PLACES_ZH = ("", "", "村口的", "镇上的", "小区旁的", "河边的", "学校附近的", "我们县的")
PLACES_EN = ("", "", " near the village", " in town", " by the river", " next to our estate")
DETAILS_ZH = (
    "这种情况已经持续了三个多月。",
    "附近居民多次向有关部门反映，至今没有回复。",
    "照片是今天早上拍的。",
    "受影响的有上百户人家，很多是老人和孩子。",
    "希望有关部门尽快调查处理。",
    "打过12345热线，说会转给相关单位，之后就没有消息了。",
    "村里人不敢公开说，怕被报复。",
    "去年也发生过一次，当时说会整改。",
    "如果有公益组织能提供帮助，请联系我们。",
    "具体位置在路口往东大约两百米。",
)
DETAILS_EN = (
    "This has been going on for more than three months.",
    "Residents have complained to the authorities several times without an answer.",
    "The photos were taken this morning.",
    "Over a hundred households are affected, many of them old people and children.",
    "We ask the authorities to investigate and act quickly.",
    "We called the 12345 hotline; they said it would be passed on and nothing happened.",
    "People here are afraid to speak out in public.",
    "The same thing happened last year and we were promised it would be fixed.",
    "If an NGO can help, please get in touch.",
    "The exact place is about two hundred metres east of the crossroads.",
)
NOTES = ("", "", "", "已转交属地处理。", "We have contacted the county office.", "现场核实属实。")

# Later states, as fractions of all cases; the rest stay published. Each path is
# a chain of transitions the services allow.
LATER_STATES: tuple[tuple[float, tuple[Case.State, ...]], ...] = (
    (0.12, (Case.State.ACKNOWLEDGED,)),
    (0.05, (Case.State.ACKNOWLEDGED, Case.State.IN_PROGRESS)),
    (0.08, (Case.State.ACKNOWLEDGED, Case.State.IN_PROGRESS, Case.State.RESOLVED)),
    (0.02, (Case.State.RESOLVED,)),
    (0.03, (Case.State.CLOSED,)),
)
KIND_OF_STATE = {
    Case.State.ACKNOWLEDGED: CaseEvent.Kind.ACKNOWLEDGED,
    Case.State.IN_PROGRESS: CaseEvent.Kind.IN_PROGRESS,
    Case.State.RESOLVED: CaseEvent.Kind.RESOLVED,
    Case.State.CLOSED: CaseEvent.Kind.CLOSED,
}
POINT_SHARE = 0.3
# Of the reports with a point: how many chose the exact point rather than about 1 km.
EXACT_SHARE = 0.3
ANONYMOUS_SHARE = 0.4
# Old enough that `needs_review` counts the reporters as established.
ACCOUNTS_JOINED = timedelta(days=3 * 365)


@dataclass(frozen=True)
class GeneratedCases:
    cases: int
    events: int


@dataclass(frozen=True)
class PlannedEvent:
    """A timeline entry drawn before its case has an id."""

    kind: CaseEvent.Kind
    actor_id: int | None
    created_at: datetime
    payload: dict[str, object]


def generate_cases(*, count: int, seed: int) -> GeneratedCases:
    """Write `count` public cases with their timelines, plus the accounts that act on them.

    Needs the topics (a migration makes them) and the regions (`load_regions`).
    Foreign keys are set by id, not by object: that halves the time spent in
    Python, which is most of the time here.
    """
    rng = random.Random(seed)
    topics = list(Topic.objects.values_list("id", "slug"))
    region_ids = list(
        Region.objects.filter(level__gte=Region.Level.PREFECTURE).values_list("id", flat=True)
    )
    if not topics or not region_ids:
        raise RuntimeError("Load the topics and the regions before generating cases.")
    with transaction.atomic():
        reporter_ids = _accounts("bench-reporter", REPORTERS)
        responder_ids = _accounts("bench-responder", RESPONDERS, is_staff=True)
        now = timezone.now()
        written_events = 0
        for start in range(0, count, BATCH_SIZE):
            cases: list[Case] = []
            timelines: list[list[PlannedEvent]] = []
            for _ in range(min(BATCH_SIZE, count - start)):
                case = _case(
                    rng, topics=topics, region_ids=region_ids, reporter_ids=reporter_ids, now=now
                )
                timeline = _timeline(rng, case, responder_ids=responder_ids, now=now)
                case.updated_at = timeline[-1].created_at
                cases.append(case)
                timelines.append(timeline)
            Case.objects.bulk_create(cases, batch_size=BATCH_SIZE)
            events = [
                CaseEvent(
                    case_id=case.pk,
                    kind=planned.kind,
                    actor_id=planned.actor_id,
                    created_at=planned.created_at,
                    payload=planned.payload,
                )
                for case, timeline in zip(cases, timelines, strict=True)
                for planned in timeline
            ]
            CaseEvent.objects.bulk_create(events, batch_size=BATCH_SIZE)
            written_events += len(events)
    return GeneratedCases(cases=count, events=written_events)


def _accounts(prefix: str, count: int, *, is_staff: bool = False) -> list[int]:
    unusable = make_password(None)
    joined = timezone.now() - ACCOUNTS_JOINED
    accounts = User.objects.bulk_create(
        User(
            username=f"{prefix}-{number:04d}",
            password=unusable,
            is_staff=is_staff,
            date_joined=joined,
        )
        for number in range(1, count + 1)
    )
    return [account.pk for account in accounts]


def _case(
    rng: random.Random,
    *,
    topics: Sequence[tuple[int, str]],
    region_ids: Sequence[int],
    reporter_ids: Sequence[int],
    now: datetime,
) -> Case:
    topic_id, topic_slug = rng.choice(topics)
    subject_zh, subject_en, problem_zh, problem_en = rng.choice(PROBLEMS[topic_slug])
    details = rng.sample(range(len(DETAILS_ZH)), rng.randint(2, 6))
    if rng.random() < 0.7:
        title = f"{rng.choice(PLACES_ZH)}{subject_zh}{problem_zh}"
        description = f"{title}。" + "".join(DETAILS_ZH[i] for i in details)
    else:
        title = f"{subject_en}{rng.choice(PLACES_EN)} {problem_en}"
        description = f"{title}. " + " ".join(DETAILS_EN[i] for i in details)
    reported_at = now - SPAN * rng.random()
    point = None
    precision = Precision.APPROXIMATE
    if rng.random() < POINT_SHARE:
        # Within mainland China's bounding box.
        reported = (
            Decimal(f"{rng.uniform(21.0, 45.0):.6f}"),
            Decimal(f"{rng.uniform(98.0, 123.0):.6f}"),
        )
        if rng.random() < EXACT_SHARE:
            precision = Precision.EXACT
        point = published_point(reported, precision)
    anonymous = rng.random() < ANONYMOUS_SHARE
    return Case(
        title=title,
        description=description,
        topic_id=topic_id,
        region_id=rng.choice(region_ids),
        latitude=point[0] if point else None,
        longitude=point[1] if point else None,
        location_precision=precision,
        reporter_id=None if anonymous else rng.choice(reporter_ids),
        receipt_digest=hashlib.sha256(rng.randbytes(15)).hexdigest() if anonymous else "",
        state=Case.State.SUBMITTED,
        created_at=reported_at,
        updated_at=reported_at,
    )


def _later_states(rng: random.Random) -> tuple[Case.State, ...]:
    draw = rng.random()
    for share, path in LATER_STATES:
        if draw < share:
            return path
        draw -= share
    return ()


def _timeline(
    rng: random.Random, case: Case, *, responder_ids: Sequence[int], now: datetime
) -> list[PlannedEvent]:
    """Submitted, published, then maybe further along; moves `case` there."""
    if case.reporter_id is None:
        # An anonymous report waits for a moderator.
        published_at = min(case.created_at + timedelta(minutes=rng.uniform(10, 48 * 60)), now)
        publisher_id: int | None = rng.choice(responder_ids)
    else:
        published_at = case.created_at + timedelta(milliseconds=rng.randint(5, 40))
        publisher_id = None
    case.state = Case.State.PUBLISHED
    case.published_at = published_at
    events = [
        PlannedEvent(
            CaseEvent.Kind.SUBMITTED,
            case.reporter_id,
            case.created_at,
            {
                "photos": 0,
                "has_point": case.has_point,
                "location_precision": case.location_precision,
            },
        ),
        PlannedEvent(
            CaseEvent.Kind.PUBLISHED,
            publisher_id,
            published_at,
            {"from": Case.State.SUBMITTED.value, "to": Case.State.PUBLISHED.value},
        ),
    ]
    moment = published_at
    for state in _later_states(rng):
        moment = min(moment + timedelta(hours=rng.uniform(1, 24 * 20)), now)
        by_reporter = state in (Case.State.RESOLVED, Case.State.CLOSED) and rng.random() < 0.3
        payload: dict[str, object] = {"from": case.state, "to": state.value}
        note = rng.choice(NOTES)
        if note:
            payload["note"] = note
        actor_id = case.reporter_id if by_reporter and case.reporter_id else None
        events.append(
            PlannedEvent(
                KIND_OF_STATE[state], actor_id or rng.choice(responder_ids), moment, payload
            )
        )
        case.state = state
    return events
