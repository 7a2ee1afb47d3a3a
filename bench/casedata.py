"""Benchmark data: a million public cases in minutes, in the shape the services write.

    python bench/casedata.py [--cases 1000000] [--seed 2026] [--database-url postgres://...]

As a program it drops and recreates a PostgreSQL database of its own (default
`minjian_bench_data`; the name must contain "bench"), migrates it, loads China's regions,
generates, runs `VACUUM ANALYZE`, and prints the seconds each part took. Other benchmarks
call `generate_cases(count=..., seed=...)` on a migrated database with its regions.

Why this bypasses the services: `case_submit` runs one transaction with a handful of
queries per report, so a million reports through it take hours. Here the rows are drawn
in Python, a batch of cases at a time (memory stays flat), and written with COPY on
PostgreSQL (with the tables' plain indexes dropped during the load and built again after
it) or with `executemany` on SQLite, in one transaction.

The rows are the ones the services would have written, field by field (kept in step with
`cases.services` `case_file`, `needs_review`, `_apply`, `_move`,
`case_acknowledge_for_organisation`, `case_post_update`, `case_post_official_response`;
`routing.services.case_route_to_subscribers` and `inbox_items_acknowledge`;
`orgs.services`; `search.indexing.index_case`; keep them so):

- a case is created `submitted` with `created_at` = `updated_at` = the moment of the
  report and its point as `published_point` makes it (the centre of a 1 km grid cell for
  "approximate", as given for "exact"), with an event `submitted` (actor: the reporter or
  none; payload `{"photos", "unblurred_photos", "has_point", "location_precision",
  "personal_data": []}`) at that moment; an anonymous report keeps the SHA-256 digest of a
  receipt code;
- its photos (one case in `PHOTO_SHARE`, one to four each) are rows already prepared:
  `ready`, their upload name emptied, `photos/<key>.jpg` (and `.thumb.jpg`, `.small.jpg`)
  as names, size and faces blurred set. No file is written: pages run their photo
  queries and links, but the files answer 404;
- a report from an account (all of them here are established reporters) is published a
  moment later by no actor; an anonymous one waits for review and is published by a
  moderator (staff) minutes to days later; either way with an event `published`, payload
  `{"from": "submitted", "to": "published"}`, and `published_at` and `updated_at` set;
- the routing job, a moment after the publication, puts the case in the inbox of every
  verified organisation subscribed to its topic (or all topics) in its region, a region
  above it, or everywhere: one `routed` event per organisation (no actor, empty payload,
  `organisation` set, all at the same moment) and an `InboxItem` at that moment; it does
  not change `updated_at`;
- some cases move on (acknowledged, in progress, resolved, closed) along the transitions
  the services allow, each with its event (`{"from", "to"}` and sometimes a `note`) by a
  moderator, by a member of an organisation that has the case (then `organisation` is set,
  and her organisation's inbox marks the case acknowledged at its acknowledgement), or
  (closing only) by the reporter; `updated_at` is the time of the last one;
- some routed cases get a public update from an NGO or an official response from an
  agency that has them (payload `{"note"}`, `organisation` set), which moves `updated_at`;
- 1,000 organisations (`ORGANISATIONS`): NGOs, informal groups and agencies, each with an
  admin, its `created` event, agencies verified at once as staff register them (and their
  member added by staff), a share of NGOs verified later by staff; their subscriptions with
  a `subscription_added` event each, and their topics and regions as the subscriptions say;
- one aid drive in Wuhan with 1,000 recipients (`generate_drive`), made through the aid
  services themselves (a few thousand calls: seconds);
- the search document of every public case, as `index_case` makes it: the terms of the
  title, of the description and of the public notes, and the notes; `vector` is computed
  by the database (`search.indexing.fill_derived_columns`). The terms are those of each
  sentence, segmented once per distinct sentence: the same terms as segmenting the whole
  text, but jieba's extra dictionary words come after each sentence rather than at the end
  of the text, so their positions in `vector` differ a little from `index_case`'s;
- what the services keep as they go, made again from the rows above by the site's own
  rebuilds: the case tallies (`cases.tallies.rebuild_tallies`) and the accountability
  facts of every routed case (`accountability.facts.rebuild_facts`).

What the generated data leaves out: photo files, cases still waiting for review, hidden
cases, held notes, addressed cases and internal notes.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_data"
GOAL_SECONDS = 600.0
# Cases drawn and written at a time: what memory holds.
BATCH_SIZE = 10_000
REPORTERS = 500
RESPONDERS = 20
ORGANISATIONS = 1_000
RECIPIENTS = 1_000
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
# What organisations say to a case they have (public updates and official responses).
UPDATE_NOTES = (
    "我们已联系当事人，正在核实情况。",
    "志愿者已到现场查看，情况属实。",
    "已向主管部门提交书面材料。",
    "We have visited the site and confirmed the report.",
    "经调查，相关单位已责令整改，限期一个月。",
    "The matter has been referred to the responsible department.",
)

# Later states, as fractions of all cases; the rest stay published. Each path is a
# chain of transitions the services allow (`cases.services.TRANSITIONS`).
LATER_STATES: tuple[tuple[float, tuple[str, ...]], ...] = (
    (0.12, ("acknowledged",)),
    (0.05, ("acknowledged", "in_progress")),
    (0.08, ("acknowledged", "in_progress", "resolved")),
    (0.02, ("resolved",)),
    (0.03, ("closed",)),
)
POINT_SHARE = 0.3
# Of the reports with a point: how many chose the exact point rather than about 1 km.
EXACT_SHARE = 0.3
ANONYMOUS_SHARE = 0.4
CHINESE_SHARE = 0.7
PHOTO_SHARE = 0.15
PHOTOS_PER_CASE = (1, 1, 1, 1, 2, 2, 3, 4)
# Of the photos: how many the reporter sent with faces left as they are (she confirmed).
UNBLURRED_SHARE = 0.05
PHOTO_SIZES = ((2048, 1536), (1536, 2048), (2048, 1152), (1600, 1200))
# Of the cases that move on and reached an organisation: how many it moves itself.
ORGANISATION_ACTS_SHARE = 0.6
# Of the routed cases: how many get a public update or an official response.
ORGANISATION_UPDATE_SHARE = 0.15
# Old enough that `needs_review` counts the reporters as established.
ACCOUNTS_JOINED = timedelta(days=3 * 365)

# Organisations: shares of kinds, and of each kind the share verified (agencies are
# verified when staff register them).
KIND_SHARES = (("ngo", 0.6), ("informal", 0.1), ("agency", 0.3))
VERIFIED_SHARE = {"ngo": 0.6, "informal": 0.2, "agency": 1.0}
# NGOs working nationwide on one topic (subscribed "everywhere").
NATIONAL_NGOS = 5
AGENCIES = {
    "environment": ("生态环境局", "Ecology and Environment Bureau"),
    "labour": ("人力资源和社会保障局", "Human Resources and Social Security Bureau"),
    "health": ("卫生健康委员会", "Health Commission"),
    "education": ("教育局", "Education Bureau"),
    "disability": ("残疾人联合会", "Disabled Persons' Federation"),
    "disaster-relief": ("应急管理局", "Emergency Management Bureau"),
    "public-safety": ("公安局", "Public Security Bureau"),
    "corruption": ("纪律检查委员会", "Discipline Inspection Commission"),
    "housing-land": ("住房和城乡建设局", "Housing and Urban-Rural Development Bureau"),
    "legal-aid": ("司法局", "Justice Bureau"),
    "other": ("人民政府办公室", "People's Government Office"),
}

# The drive: Wuhan's districts (codes of `load_regions`).
DRIVE_REGION = "420100"
DRIVE_DISTRICTS = ("420102", "420103", "420104", "420105", "420106", "420107", "420111")
# Pledges per item: one per so many recipients, at most `PLEDGES_PER_ITEM`.
PLEDGES_PER_ITEM = 50
RECIPIENTS_PER_PLEDGE = 20
# One allocation line in so many is shipped; of those, two in three are received.
SHIPPED_LINE_EVERY = 10

CASE_COLUMNS = (
    "id",
    "title",
    "description",
    "topic_id",
    "region_id",
    "latitude",
    "longitude",
    "location_precision",
    "reporter_id",
    "state",
    "receipt_digest",
    "personal_data_found",
    "hidden_reason",
    "verdict",
    "created_at",
    "published_at",
    "updated_at",
)
EVENT_COLUMNS = (
    "id",
    "case_id",
    "kind",
    "actor_id",
    "created_at",
    "payload",
    "organisation_id",
    "internal",
)
PHOTO_COLUMNS = (
    "id",
    "case_id",
    "key",
    "status",
    "upload",
    "image",
    "thumbnail",
    "small",
    "width",
    "height",
    "position",
    "blur_faces",
    "blur_boxes",
    "faces_blurred",
    "held",
    "created_at",
)
INBOX_COLUMNS = ("id", "organisation_id", "case_id", "routed_at", "addressed", "acknowledged_at")
# `filters` is derived from the case by `fill_derived_columns` once the rows are in.
DOCUMENT_COLUMNS = (
    "case_id",
    "title",
    "description",
    "updates",
    "update_notes",
    "indexed_at",
    "filters",
)
# The tables the cases' rows go into, by part.
TABLES = {
    "cases": "cases_case",
    "events": "cases_caseevent",
    "photos": "cases_casephoto",
    "routing": "routing_inboxitem",
    "documents": "search_searchdocument",
}

Row = tuple[Any, ...]


@dataclass(frozen=True)
class GeneratedCases:
    cases: int
    events: int
    photos: int
    inbox_items: int
    documents: int
    organisations: int
    subscriptions: int
    drive: dict[str, int]
    # Seconds per part, in the order they ran.
    seconds: dict[str, float]


class Timer:
    """Seconds spent per part; a part may be timed in many short pieces."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def part(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started


def generate_cases(
    *,
    count: int,
    seed: int,
    organisations: int = ORGANISATIONS,
    recipients: int = RECIPIENTS,
) -> GeneratedCases:
    """Write `count` public cases with their timelines, photos' rows, routing and search
    documents, plus the accounts that act on them, `organisations` organisations with
    their subscriptions, and one aid drive with `recipients` recipients.

    Needs the topics (a migration makes them) and the regions (`load_regions`).
    """
    from django.db import connection, transaction

    rng = random.Random(seed)
    timer = Timer()
    with transaction.atomic():
        with timer.part("accounts"):
            reporter_ids = _accounts("bench-reporter", REPORTERS)
            responder_ids = _accounts("bench-responder", RESPONDERS, is_staff=True)
        with timer.part("organisations"):
            network = _organisations(rng, count=organisations)
        with _loading_as_a_restore_does(timer):
            drawer = CaseDrawer(
                rng, reporter_ids=reporter_ids, responder_ids=responder_ids, network=network
            )
            written = _write_cases(drawer, count, _writer(), timer)
            with timer.part("documents"):
                from minjian.search.indexing import fill_derived_columns

                fill_derived_columns()
        _reset_sequences()
        with timer.part("tallies"):
            # What the case services count as they go (minjian/cases/tallies.py).
            from minjian.cases.tallies import rebuild_tallies

            rebuild_tallies()
        with timer.part("accountability facts"):
            # What the accountability app keeps as the timelines grow (its facts.py).
            from minjian.accountability.facts import rebuild_facts

            rebuild_facts()
        with timer.part("drive"):
            drive = generate_drive(recipients=recipients) if recipients else {}
        if connection.vendor == "sqlite":
            with timer.part("indexes and ANALYZE"), connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    return GeneratedCases(
        cases=count,
        events=written["events"],
        photos=written["photos"],
        inbox_items=written["routing"],
        documents=written["documents"],
        organisations=len(network.organisations),
        subscriptions=network.subscriptions,
        drive=drive,
        seconds={name: round(seconds, 1) for name, seconds in timer.seconds.items()},
    )


def _accounts(prefix: str, count: int, *, is_staff: bool = False) -> list[int]:
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from minjian.accounts.models import User

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


@dataclass
class Network:
    """The organisations, and which verified ones a case reaches, by (topic, region)."""

    organisations: list[int]
    member_of: dict[int, int]
    agencies: set[int]
    # (topic id or None, region id or None) -> verified organisations subscribed there.
    subscribed: dict[tuple[int | None, int | None], list[int]]
    subscriptions: int
    # Region id -> the ids of the region and of every region above it.
    chains: dict[int, tuple[int, ...]]
    routes: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)

    def reached(self, topic_id: int, region_id: int) -> tuple[int, ...]:
        """What `routing.selectors.subscribed_organisation_ids` gives, sorted."""
        key = (topic_id, region_id)
        found = self.routes.get(key)
        if found is None:
            wanted: set[int] = set()
            for region in (*self.chains[region_id], None):
                for topic in (topic_id, None):
                    wanted.update(self.subscribed.get((topic, region), ()))
            found = self.routes[key] = tuple(sorted(wanted))
        return found


def _organisations(rng: random.Random, *, count: int) -> Network:
    """Organisations as `orgs.services.organisation_create` and `organisation_set_verified`
    leave them, with their subscriptions as `routing.services.subscription_add` does.

    Agencies are registered, and organisations verified, by a staff account of its own
    that moves no case: a moderator who belonged to an organisation would act for it."""
    from django.utils import timezone

    from minjian.accounts.models import User
    from minjian.orgs.models import Membership, Organisation, OrganisationEvent
    from minjian.places.models import Region
    from minjian.routing.models import Subscription
    from minjian.topics.models import Topic

    now = timezone.now()
    topics = list(Topic.objects.order_by("position", "slug"))
    regions = list(Region.objects.only("id", "code", "level", "path", "name_zh", "name_en"))
    by_code = {region.code: region for region in regions}
    provinces = [r for r in regions if r.level == Region.Level.PROVINCE]
    prefectures = [r for r in regions if r.level == Region.Level.PREFECTURE]
    chains = {
        region.id: tuple(by_code[code].id for code in region.path.split("/") if code in by_code)
        for region in regions
    }
    member_ids = _accounts("bench-member", count)
    kinds = rng.choices(
        [kind for kind, _ in KIND_SHARES], weights=[share for _, share in KIND_SHARES], k=count
    )
    planned: list[tuple[Organisation, list[tuple[Topic | None, Region | None]]]] = []
    for number, kind in enumerate(kinds, start=1):
        created_at = now - timedelta(days=rng.uniform(60, 3 * 365))
        topic = rng.choice(topics)
        if kind == "agency":
            place = rng.choice(prefectures)
            name_zh = f"{place.name_zh}{AGENCIES[topic.slug][0]}"
            name_en = f"{place.name_en or place.name_zh} {AGENCIES[topic.slug][1]}"
            wants: list[tuple[Topic | None, Region | None]] = [(topic, place)]
        else:
            place = rng.choice(provinces)
            group = "志愿者协会" if kind == "ngo" else "关注小组"
            name_zh = f"{place.name_zh}{topic.name_zh}{group}"
            name_en = f"{place.name_en or place.name_zh} {topic.name_en} " + (
                "Volunteers" if kind == "ngo" else "Watch"
            )
            if number <= NATIONAL_NGOS:
                wants = [(topic, None)]
            else:
                chosen = rng.sample(topics, rng.choice((1, 1, 1, 2)))
                # Most work in their province; some in a few of its prefectures.
                scope = [place]
                if rng.random() < 0.3:
                    inside = [r for r in prefectures if r.path.startswith(place.path)]
                    scope = rng.sample(inside, min(len(inside), rng.randint(1, 3))) or [place]
                wants = [(t, r) for t in chosen for r in scope]
        verified = rng.random() < VERIFIED_SHARE[kind]
        verified_at = (
            created_at if kind == "agency" else created_at + timedelta(days=rng.uniform(1, 30))
        )
        organisation = Organisation(
            slug=f"bench-{kind}-{number:04d}",
            kind=kind,
            name_zh=name_zh,
            name_en=name_en,
            description="",
            verified=verified,
            verified_at=verified_at if verified else None,
            created_at=created_at,
        )
        planned.append((organisation, wants))
    Organisation.objects.bulk_create([organisation for organisation, _ in planned])

    memberships: list[Membership] = []
    events: list[OrganisationEvent] = []
    subscriptions: list[Subscription] = []
    topic_links: list[Any] = []
    region_links: list[Any] = []
    subscribed: dict[tuple[int | None, int | None], list[int]] = {}
    member_of: dict[int, int] = {}
    (staff_id,) = _accounts("bench-registrar", 1, is_staff=True)
    staff_name = User.objects.get(pk=staff_id).username
    for number, ((organisation, wants), member_id) in enumerate(
        zip(planned, member_ids, strict=True), start=1
    ):
        is_agency = organisation.kind == "agency"
        # Only staff register an agency, and become its first admin; its own member
        # is then added by staff.
        admin_id = staff_id if is_agency else member_id
        member_name = f"bench-member-{number:04d}"
        admin_name = staff_name if is_agency else member_name
        at = organisation.created_at
        member_of[organisation.pk] = member_id
        memberships.append(
            Membership(organisation=organisation, user_id=admin_id, role="admin", created_at=at)
        )
        topic_slugs = sorted({t.slug for t, _ in wants if t})
        region_codes = sorted({r.code for _, r in wants if r})
        events.append(
            OrganisationEvent(
                organisation=organisation,
                kind="created",
                actor_id=admin_id,
                created_at=at,
                payload={
                    "kind": organisation.kind,
                    "slug": organisation.slug,
                    "name_zh": organisation.name_zh,
                    "name_en": organisation.name_en,
                    "topics": topic_slugs,
                    "regions": region_codes,
                    "admin": admin_name,
                },
            )
        )
        if is_agency:
            events.append(
                OrganisationEvent(
                    organisation=organisation,
                    kind="verified",
                    actor_id=staff_id,
                    created_at=at,
                    payload={"reason": "agency_registered_by_staff"},
                )
            )
            memberships.append(
                Membership(organisation=organisation, user_id=member_id, created_at=at)
            )
            events.append(
                OrganisationEvent(
                    organisation=organisation,
                    kind="member_added",
                    actor_id=staff_id,
                    created_at=at,
                    payload={"user_id": member_id, "pseudonym": member_name, "role": "member"},
                )
            )
        elif (verified_on := organisation.verified_at) is not None:
            events.append(
                OrganisationEvent(
                    organisation=organisation,
                    kind="verified",
                    actor_id=staff_id,
                    created_at=verified_on,
                    payload={"reason": "staff_decision"},
                )
            )
        topic_links += [
            Organisation.topics.through(organisation_id=organisation.pk, topic_id=t.pk)
            for t in {t for t, _ in wants if t}
        ]
        region_links += [
            Organisation.regions.through(organisation_id=organisation.pk, region_id=r.pk)
            for r in {r for _, r in wants if r}
        ]
        for wanted_topic, region in wants:
            subscriptions.append(
                Subscription(
                    organisation=organisation,
                    topic=wanted_topic,
                    region=region,
                    created_at=at,
                )
            )
            events.append(
                OrganisationEvent(
                    organisation=organisation,
                    kind="subscription_added",
                    actor_id=admin_id,
                    created_at=at,
                    payload={
                        "topic": wanted_topic.slug if wanted_topic else None,
                        "region": region.code if region else None,
                    },
                )
            )
            if organisation.verified:
                key = (wanted_topic.pk if wanted_topic else None, region.pk if region else None)
                subscribed.setdefault(key, []).append(organisation.pk)
    Membership.objects.bulk_create(memberships)
    OrganisationEvent.objects.bulk_create(events)
    Subscription.objects.bulk_create(subscriptions)
    Organisation.topics.through.objects.bulk_create(topic_links)
    Organisation.regions.through.objects.bulk_create(region_links)
    return Network(
        organisations=[organisation.pk for organisation, _ in planned],
        member_of=member_of,
        agencies={o.pk for o, _ in planned if o.kind == "agency"},
        subscribed=subscribed,
        subscriptions=len(subscriptions),
        chains=chains,
    )


class RowWriter(Protocol):
    def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None: ...


class CopyWriter:
    """PostgreSQL: one COPY per table and batch."""

    def __init__(self, raw_connection: Any) -> None:
        self.raw = raw_connection

    def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        with (
            self.raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)


class InsertWriter:
    """Any other database (SQLite): one `executemany` per table and batch, with each
    moment stored as the backend stores it."""

    def __init__(self) -> None:
        from django.db import connection

        self.adapt = connection.ops.adapt_datetimefield_value

    def write(self, table: str, columns: Sequence[str], rows: Sequence[Row]) -> None:
        from django.db import connection

        adapt = self.adapt
        placeholders = ", ".join(["%s"] * len(columns))
        # The table and columns are this module's constants, never input.
        insert = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.executemany(
                insert,
                [
                    tuple(adapt(value) if isinstance(value, datetime) else value for value in row)
                    for row in rows
                ],
            )


def _writer() -> RowWriter:
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        return CopyWriter(connection.connection)
    return InsertWriter()


@contextmanager
def _loading_as_a_restore_does(timer: Timer) -> Iterator[None]:
    """On PostgreSQL, load the cases' tables without their plain indexes (those that back
    no constraint) and foreign keys, then build the indexes and add the foreign keys again
    (which checks every row against them, one join per key), as `pg_restore` does:
    building an index once is much cheaper than keeping it in step with a million
    inserts, and a foreign key checked row by row costs a lookup and a lock per row.
    Whatever indexes and keys the migrations made are the ones made again."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    tables = list(TABLES.values())
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i"
            " WHERE i.indrelid IN (SELECT unnest(%s::text[])::regclass)"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, quote_ident(conname), pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE contype = 'f'"
            " AND conrelid IN (SELECT unnest(%s::text[])::regclass)",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        # A key cannot be dropped while checks of rows written earlier in this
        # transaction wait for its end (regions, in the tests): run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with timer.part("indexes and ANALYZE"), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
        # Django's keys are checked at the end of the transaction again.
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _reset_sequences() -> None:
    """After rows written with their ids, the next id each table gives is past them."""
    from django.core.management.color import no_style
    from django.db import connection

    from minjian.cases.models import Case, CaseEvent, CasePhoto
    from minjian.routing.models import InboxItem

    statements = connection.ops.sequence_reset_sql(
        no_style(), [Case, CaseEvent, CasePhoto, InboxItem]
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _next_ids() -> dict[str, int]:
    from django.db.models import Max

    from minjian.cases.models import Case, CaseEvent, CasePhoto
    from minjian.routing.models import InboxItem

    return {
        part: (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1
        for part, model in (
            ("cases", Case),
            ("events", CaseEvent),
            ("photos", CasePhoto),
            ("routing", InboxItem),
        )
    }


@dataclass
class Batch:
    """The rows of a batch of cases, by part (the routed events go with the events)."""

    cases: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    photos: list[Row] = field(default_factory=list)
    routing: list[Row] = field(default_factory=list)
    documents: list[Row] = field(default_factory=list)


def _write_cases(drawer: CaseDrawer, count: int, writer: RowWriter, timer: Timer) -> dict[str, int]:
    """Draw and write `count` cases a batch at a time. With COPY the database takes a batch
    while the next one is drawn: a second thread writes (psycopg's connection may be used
    from another thread; Django's, which the SQLite writer uses, may not), and waits on
    the server without holding Python's lock, so both cores work. At most two batches are
    in memory."""
    written = dict.fromkeys(TABLES, 0)
    columns = {
        "cases": CASE_COLUMNS,
        "events": EVENT_COLUMNS,
        "photos": PHOTO_COLUMNS,
        "routing": INBOX_COLUMNS,
        "documents": DOCUMENT_COLUMNS,
    }

    def write(batch: Batch) -> None:
        for part, table in TABLES.items():
            rows: list[Row] = getattr(batch, part)
            with timer.part(part):
                writer.write(table, columns[part], rows)
            written[part] += len(rows)
        _say(f"  {written['cases']} cases")

    def batches() -> Iterator[Batch]:
        for start in range(0, count, BATCH_SIZE):
            batch = Batch()
            with timer.part("drawing rows"):
                for _ in range(min(BATCH_SIZE, count - start)):
                    drawer.draw(batch)
            yield batch

    if not isinstance(writer, CopyWriter):
        for batch in batches():
            write(batch)
        return written
    with ThreadPoolExecutor(max_workers=1) as pool:
        writing: Future[None] | None = None
        for batch in batches():
            if writing is not None:
                writing.result()
            writing = pool.submit(write, batch)
        if writing is not None:
            writing.result()
    return written


class CaseDrawer:
    """Draws one public case at a time, with everything the services write for it."""

    def __init__(
        self,
        rng: random.Random,
        *,
        reporter_ids: Sequence[int],
        responder_ids: Sequence[int],
        network: Network,
    ) -> None:
        from django.utils import timezone

        from minjian.places.models import Region
        from minjian.topics.models import Topic

        self.rng = rng
        self.reporter_ids = reporter_ids
        self.responder_ids = responder_ids
        self.network = network
        self.topics = list(Topic.objects.values_list("id", "slug"))
        self.region_ids = list(
            Region.objects.filter(level__gte=Region.Level.PREFECTURE).values_list("id", flat=True)
        )
        if not self.topics or not self.region_ids:
            raise RuntimeError("Load the topics and the regions before generating cases.")
        self.now = timezone.now()
        self.next_id = _next_ids()
        self.terms: dict[str, str] = {}
        self.payloads: dict[tuple[Any, ...], str] = {}

    def draw(self, batch: Batch) -> None:
        rng = self.rng
        case_id = self._take("cases")
        topic_id, topic_slug = rng.choice(self.topics)
        region_id = rng.choice(self.region_ids)
        title, description, sentences = self._text(topic_slug)
        reported_at = self.now - SPAN * rng.random()
        latitude, longitude, precision = self._point()
        anonymous = rng.random() < ANONYMOUS_SHARE
        reporter_id = None if anonymous else rng.choice(self.reporter_ids)
        receipt = hashlib.sha256(rng.randbytes(15)).hexdigest() if anonymous else ""
        photos = self._photos(case_id, reported_at) if rng.random() < PHOTO_SHARE else []
        batch.photos += photos
        events = batch.events
        unblurred = sum(not photo[11] for photo in photos)
        events.append(
            (
                self._take("events"),
                case_id,
                "submitted",
                reporter_id,
                reported_at,
                self._submitted_payload(len(photos), unblurred, latitude is not None, precision),
                None,
                False,
            )
        )
        if anonymous:
            # Waits for a moderator.
            published_at = min(reported_at + timedelta(minutes=rng.uniform(10, 48 * 60)), self.now)
            publisher_id = rng.choice(self.responder_ids)
        else:
            published_at = reported_at + timedelta(milliseconds=rng.randint(5, 40))
            publisher_id = None
        events.append(
            (
                self._take("events"),
                case_id,
                "published",
                publisher_id,
                published_at,
                self._payload(**{"from": "submitted", "to": "published"}),
                None,
                False,
            )
        )
        reached = self.network.reached(topic_id, region_id)
        routed_at = min(published_at + timedelta(seconds=rng.uniform(0.05, 5)), self.now)
        inbox: dict[int, list[Any]] = {}
        for organisation_id in reached:
            events.append(
                (
                    self._take("events"),
                    case_id,
                    "routed",
                    None,
                    routed_at,
                    "{}",
                    organisation_id,
                    False,
                )
            )
            inbox[organisation_id] = [
                self._take("routing"),
                organisation_id,
                case_id,
                routed_at,
                False,
                None,
            ]
        state, moment, notes = self._moves(
            case_id, events, reporter_id, reached, inbox, published_at
        )
        batch.routing += [tuple(item) for item in inbox.values()]
        batch.cases.append(
            (
                case_id,
                title,
                description,
                topic_id,
                region_id,
                latitude,
                longitude,
                precision,
                reporter_id,
                state,
                receipt,
                "[]",
                "",
                "unverified",
                reported_at,
                published_at,
                moment,
            )
        )
        batch.documents.append(
            (
                case_id,
                self._terms(title),
                " ".join(self._terms(sentence) for sentence in sentences),
                " ".join(self._terms(note) for note in notes),
                json.dumps(notes, ensure_ascii=False),
                max(moment, routed_at) if reached else moment,
                "",
            )
        )

    def _take(self, part: str) -> int:
        taken = self.next_id[part]
        self.next_id[part] = taken + 1
        return taken

    def _text(self, topic_slug: str) -> tuple[str, str, list[str]]:
        """The title, the description, and its sentences (the title's first)."""
        rng = self.rng
        subject_zh, subject_en, problem_zh, problem_en = rng.choice(PROBLEMS[topic_slug])
        details = rng.sample(range(len(DETAILS_ZH)), rng.randint(2, 6))
        if rng.random() < CHINESE_SHARE:
            title = f"{rng.choice(PLACES_ZH)}{subject_zh}{problem_zh}"
            sentences = [f"{title}。", *(DETAILS_ZH[i] for i in details)]
            return title, "".join(sentences), sentences
        title = f"{subject_en}{rng.choice(PLACES_EN)} {problem_en}"
        sentences = [f"{title}.", *(DETAILS_EN[i] for i in details)]
        return title, " ".join(sentences), sentences

    def _point(self) -> tuple[Decimal | None, Decimal | None, str]:
        from minjian.cases.location import Precision, published_point

        rng = self.rng
        if rng.random() >= POINT_SHARE:
            return None, None, Precision.APPROXIMATE.value
        precision = Precision.EXACT if rng.random() < EXACT_SHARE else Precision.APPROXIMATE
        # Within mainland China's bounding box.
        reported = (
            Decimal(f"{rng.uniform(21.0, 45.0):.6f}"),
            Decimal(f"{rng.uniform(98.0, 123.0):.6f}"),
        )
        # Never None for a precision finer than the region.
        latitude, longitude = published_point(reported, precision) or reported
        return latitude, longitude, precision.value

    def _photos(self, case_id: int, at: datetime) -> list[Row]:
        rng = self.rng
        rows: list[Row] = []
        for position in range(rng.choice(PHOTOS_PER_CASE)):
            key = base64.urlsafe_b64encode(rng.randbytes(16)).rstrip(b"=").decode()
            width, height = rng.choice(PHOTO_SIZES)
            blur_faces = rng.random() >= UNBLURRED_SHARE
            rows.append(
                (
                    self._take("photos"),
                    case_id,
                    key,
                    "ready",
                    "",
                    f"photos/{key}.jpg",
                    f"photos/{key}.thumb.jpg",
                    f"photos/{key}.small.jpg",
                    width,
                    height,
                    position,
                    blur_faces,
                    "",
                    rng.choice((0, 0, 0, 1, 2)) if blur_faces else 0,
                    False,
                    at,
                )
            )
        return rows

    def _moves(
        self,
        case_id: int,
        events: list[Row],
        reporter_id: int | None,
        reached: Sequence[int],
        inbox: dict[int, list[Any]],
        published_at: datetime,
    ) -> tuple[str, datetime, list[str]]:
        """The case's later transitions and organisations' updates, appended to `events`:
        its state, the moment of its last public change and its public notes."""
        rng = self.rng
        state = "published"
        moment = published_at
        notes: list[str] = []
        acting = rng.choice(reached) if reached and rng.random() < ORGANISATION_ACTS_SHARE else None
        for to in _later_states(rng):
            moment = min(moment + timedelta(hours=rng.uniform(1, 24 * 20)), self.now)
            organisation_id = None
            if to == "closed" and reporter_id is not None and rng.random() < 0.3:
                actor_id: int = reporter_id
            elif acting is not None:
                actor_id, organisation_id = self.network.member_of[acting], acting
                if to == "acknowledged":
                    inbox[acting][5] = moment
            else:
                actor_id = rng.choice(self.responder_ids)
            note = rng.choice(NOTES)
            payload = {"from": state, "to": to} | ({"note": note} if note else {})
            if note:
                notes.append(note)
            events.append(
                (
                    self._take("events"),
                    case_id,
                    to,
                    actor_id,
                    moment,
                    self._payload(**payload),
                    organisation_id,
                    False,
                )
            )
            state = to
        if reached and rng.random() < ORGANISATION_UPDATE_SHARE:
            organisation_id = rng.choice(reached)
            is_agency = organisation_id in self.network.agencies
            note = rng.choice(UPDATE_NOTES)
            moment = min(moment + timedelta(hours=rng.uniform(1, 24 * 10)), self.now)
            notes.append(note)
            events.append(
                (
                    self._take("events"),
                    case_id,
                    "official_response" if is_agency else "public_update",
                    self.network.member_of[organisation_id],
                    moment,
                    self._payload(note=note),
                    organisation_id,
                    False,
                )
            )
        return state, moment, notes

    def _payload(self, **payload: str) -> str:
        """The JSON of a payload, made once per distinct payload."""
        key = tuple(payload.items())
        text = self.payloads.get(key)
        if text is None:
            text = self.payloads[key] = json.dumps(payload, ensure_ascii=False)
        return text

    def _submitted_payload(
        self, photos: int, unblurred_photos: int, has_point: bool, precision: str
    ) -> str:
        key = ("submitted", photos, unblurred_photos, has_point, precision)
        text = self.payloads.get(key)
        if text is None:
            text = self.payloads[key] = json.dumps(
                {
                    "photos": photos,
                    "unblurred_photos": unblurred_photos,
                    "has_point": has_point,
                    "location_precision": precision,
                    "personal_data": [],
                }
            )
        return text

    def _terms(self, sentence: str) -> str:
        """`search.indexing.searchable` of a sentence, segmented once per distinct one."""
        terms = self.terms.get(sentence)
        if terms is None:
            from minjian.search.indexing import searchable

            terms = self.terms[sentence] = searchable(sentence)
        return terms


def _later_states(rng: random.Random) -> tuple[str, ...]:
    draw = rng.random()
    for share, path in LATER_STATES:
        if draw < share:
            return path
        draw -= share
    return ()


def generate_drive(*, recipients: int, region_code: str = DRIVE_REGION) -> dict[str, int]:
    """One aid drive in Wuhan, as its organisers would make it: `recipients` verified
    hospitals in its districts, each needing protective suits and surgical masks; accepted
    pledges covering about 60 % of the need; one allocation round (the real allocation
    over every need); one line in ten shipped, and of those two in three received, some
    short. Needs the region `region_code` and its districts (`DRIVE_DISTRICTS`).

    The recipients and their needs are written in bulk, as `recipient_register` (by a
    help desk that then speaks for them), `recipient_verify` and `need_set` write them,
    event by event: through the services they took most of a minute. The rest goes
    through the services: `pledge_make`, `pledge_accept`, `drive_allocate`,
    `shipment_plan`, `shipment_send`, `shipment_confirm_receipt`."""
    from django.db import transaction
    from django.utils import timezone

    from minjian.accounts.models import User
    from minjian.aid import services
    from minjian.aid.models import DriveEvent, Need, Recipient
    from minjian.places.models import Region

    with transaction.atomic():
        organiser = User.objects.create_user(username="bench-organiser", password=None)
        desk = User.objects.create_user(username="bench-desk", password=None)
        donor = User.objects.create_user(username="bench-donor", password=None)
        now = timezone.now()
        drive = services.drive_create(
            actor=organiser,
            title_zh="武汉医用防护物资",
            title_en="Protective equipment for Wuhan's hospitals",
            description="",
            region_code=region_code,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
        )
        suits = drive.items.get(name_en="Protective suit")
        masks = drive.items.get(name_en="Surgical mask")
        districts = {r.code: r for r in Region.objects.filter(code__in=DRIVE_DISTRICTS)}
        registered = Recipient.objects.bulk_create(
            Recipient(
                drive=drive,
                name=f"Hospital {index:04d}",
                kind=Recipient.Kind.HOSPITAL,
                place="",
                region=districts[DRIVE_DISTRICTS[index % len(DRIVE_DISTRICTS)]],
                verified_at=now,
                created_at=now,
            )
            for index in range(recipients)
        )
        Recipient.accounts.through.objects.bulk_create(
            Recipient.accounts.through(recipient_id=recipient.pk, user_id=desk.pk)
            for recipient in registered
        )
        needs = Need.objects.bulk_create(
            Need(
                recipient=recipient, item=item, quantity=quantity, priority=priority, updated_at=now
            )
            for index, recipient in enumerate(registered)
            for item, quantity, priority in (
                (suits, 50 + index % 200, ("urgent", "high", "normal")[index % 3]),
                (masks, 500 + (index * 37) % 1000, ("high", "normal")[index % 2]),
            )
        )
        events: list[DriveEvent] = []
        for index, recipient in enumerate(registered):
            events += [
                DriveEvent(
                    drive=drive,
                    kind=DriveEvent.Kind.RECIPIENT_ADDED,
                    actor=desk,
                    recipient=recipient,
                    created_at=now,
                ),
                DriveEvent(
                    drive=drive,
                    kind=DriveEvent.Kind.RECIPIENT_VERIFIED,
                    actor=organiser,
                    recipient=recipient,
                    created_at=now,
                ),
            ]
            events += [
                DriveEvent(
                    drive=drive,
                    kind=DriveEvent.Kind.NEED_SET,
                    actor=organiser,
                    recipient=recipient,
                    item_id=need.item_id,
                    figure=DriveEvent.Figure.NEEDED,
                    delta=need.quantity,
                    created_at=now,
                    payload={
                        "need": need.pk,
                        "quantity": need.quantity,
                        "priority": need.priority,
                        "deadline": None,
                    },
                )
                for need in needs[2 * index : 2 * index + 2]
            ]
        DriveEvent.objects.bulk_create(events)
        needed = {suits.pk: 0, masks.pk: 0}
        for need in needs:
            needed[need.item_id] += need.quantity
        pledges = 0
        per_item = max(1, min(PLEDGES_PER_ITEM, recipients // RECIPIENTS_PER_PLEDGE))
        for item_id, total in needed.items():
            for _part in range(per_item):
                made = services.pledge_make(
                    actor=donor,
                    drive_id=drive.pk,
                    item_id=item_id,
                    quantity=total * 600 // (1000 * per_item),
                )
                services.pledge_accept(actor=organiser, pledge_id=made.pledge.pk)
                pledges += 1
        round_ = services.drive_allocate(actor=organiser, drive_id=drive.pk)
        lines = list(round_.lines.order_by("id"))
        planned = services.shipment_plan_many(
            actor=organiser,
            drive_id=drive.pk,
            line_ids=[line.pk for line in lines[::SHIPPED_LINE_EVERY]],
        )
        received = 0
        for index, shipment in enumerate(planned):
            shipment = services.shipment_send(actor=organiser, shipment_id=shipment.pk)
            if index % 3:
                services.shipment_confirm_receipt(
                    actor=organiser,
                    shipment_id=shipment.pk,
                    received_quantity=(shipment.sent_quantity or 0) - index % 2,
                    on_behalf_reason="bench",
                )
                received += 1
    return {
        "drive": drive.pk,
        "recipients": recipients,
        "needs": 2 * recipients,
        "pledges": pledges,
        "allocation_lines": len(lines),
        "shipments": len(planned),
        "receipts": received,
        "events": drive.events.count(),
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Generate a million cases (and the rest of issue 12's data) and time it."
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--recipients", type=int, default=RECIPIENTS, help="of the aid drive")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help="PostgreSQL database to (re)create; its name must contain 'bench' "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--results-dir", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    from bench.http_pages import droppable_database, fresh_database, server_environment
    from bench.report import machine, say_where, write_results

    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-bench-data-") as data_dir:
        os.environ.update(server_environment(args, Path(data_dir)))
        import django

        django.setup()
        from django.db import connection

        fresh_database(args.database_url, database_name)
        _say(f"Generating {args.cases} cases ...")
        server_cpu_before = _server_cpu_seconds()
        cpu_before = time.process_time()
        started = time.monotonic()
        generated = generate_cases(count=args.cases, seed=args.seed, recipients=args.recipients)
        analyse_started = time.monotonic()
        with connection.cursor() as cursor:
            # What autovacuum would do on a live instance: the planner needs statistics,
            # index-only scans the visibility map.
            cursor.execute("VACUUM ANALYZE")
        finished = time.monotonic()
        cpu = {
            "this process": round(time.process_time() - cpu_before, 1),
            "its PostgreSQL server process": round(_server_cpu_seconds() - server_cpu_before, 1),
        }
        seconds = generated.seconds | {
            "indexes and ANALYZE": round(
                generated.seconds.get("indexes and ANALYZE", 0.0) + finished - analyse_started, 1
            )
        }
        total = finished - started
        about = machine(
            database=f"PostgreSQL {connection.pg_version // 10000}",  # type: ignore[attr-defined]  # the PostgreSQL backend's
            load_average_at_start=load_at_start,
        )
    report = {
        "machine": about,
        "data": {
            "cases": generated.cases,
            "events": generated.events,
            "photos": generated.photos,
            "inbox_items": generated.inbox_items,
            "documents": generated.documents,
            "organisations": generated.organisations,
            "subscriptions": generated.subscriptions,
            "drive": generated.drive,
        },
        "seconds": seconds | {"total": round(total, 1)},
        # Load-independent: on a quiet machine the total nears the larger of the two
        # (plus the parallel workers of the index builds), since they work side by side.
        "cpu_seconds": cpu,
    }
    path = write_results(args.results_dir, "casedata", report)
    _print(report, total)
    say_where(path)
    return 0


def _print(report: dict[str, Any], total: float) -> None:
    data, seconds = report["data"], report["seconds"]
    print(
        f"\n{data['cases']:,} cases, {data['events']:,} events, {data['photos']:,} photos, "
        f"{data['inbox_items']:,} inbox items, {data['documents']:,} search documents; "
        f"{data['organisations']:,} organisations with {data['subscriptions']:,} subscriptions; "
        f"a drive with {data['drive'].get('recipients', 0):,} recipients "
        f"(load average {report['machine']['load_average_at_start']} at the start)\n"
    )
    print("| part | seconds |")
    print("|---|--:|")
    for part, value in seconds.items():
        print(f"| {part} | {value:.1f} |")
    cpu = report["cpu_seconds"]
    print(
        f"\nCPU seconds: {cpu['this process']} in this process (drawing rows), "
        f"{cpu['its PostgreSQL server process']} in its PostgreSQL server process"
    )
    holds = "holds" if total < GOAL_SECONDS else "NOT MET"
    print(
        f"\nGOAL data at scale: {data['cases']:,} cases in {total:.0f} s "
        f"(goal: minutes, < {GOAL_SECONDS:.0f} s) {holds}"
    )


def _server_cpu_seconds() -> float:
    """CPU time of this connection's PostgreSQL process so far, when the server runs on
    this machine (/proc); 0 otherwise."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    # utime and stime, the 14th and 15th fields of stat(5), in clock ticks.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
