"""Routing in the demo: organisations subscribe to what they work on, published
cases reach their inboxes, and members acknowledge, update, note and answer.

The loader (minjian/demo/loader.py) puts these steps into its schedule, so
each runs at its moment in time order like every other step of the demo, and
through the same services people use. Routing runs as its job does, right after
a case is published; the jobs the demo's commit defers then find nothing left.
The unverified Zhaotong volunteers subscribe too, and receive nothing: only
verified organisations are routed cases (see `selectors.subscribed_organisation_ids`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import product
from typing import TYPE_CHECKING, Literal

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.demo.content import CASES, ORGANISATIONS, DemoCase, DemoOrganisation
from minjian.orgs.models import Organisation
from minjian.routing import services
from minjian.routing.jobs import route_case

if TYPE_CHECKING:
    # The loader imports this module; at run time the import waits for the call.
    from minjian.demo.loader import Step

InboxAction = Literal["acknowledge", "update", "note", "response"]


class RoutingDemoAction(ABC):
    """A step of the demo carried out by a routing service (or the routing job)."""

    @abstractmethod
    def run(
        self,
        users: Mapping[str, User],
        organisations: Mapping[str, Organisation],
        cases: Mapping[str, Case],
    ) -> None: ...


@dataclass(frozen=True)
class Subscribe(RoutingDemoAction):
    """An organisation's admin subscribes it to each of its topics in each of its regions."""

    organisation: DemoOrganisation

    def run(
        self,
        users: Mapping[str, User],
        organisations: Mapping[str, Organisation],
        cases: Mapping[str, Case],
    ) -> None:
        for topic, region in product(self.organisation.topics, self.organisation.regions):
            services.subscription_add(
                actor=users[self.organisation.admins[0]],
                organisation=organisations[self.organisation.slug],
                topic_slug=topic,
                region_code=region,
            )


@dataclass(frozen=True)
class Route(RoutingDemoAction):
    case: DemoCase

    def run(
        self,
        users: Mapping[str, User],
        organisations: Mapping[str, Organisation],
        cases: Mapping[str, Case],
    ) -> None:
        route_case(cases[self.case.key].pk)


@dataclass(frozen=True)
class Act(RoutingDemoAction):
    case_key: str
    organisation: str
    by: str
    action: InboxAction
    after_hours: float
    note: str

    def run(
        self,
        users: Mapping[str, User],
        organisations: Mapping[str, Organisation],
        cases: Mapping[str, Case],
    ) -> None:
        services.MEMBER_ACTIONS[self.action](
            actor=users[self.by],
            organisation=organisations[self.organisation],
            case_id=cases[self.case_key].pk,
            note=self.note,
        )


@dataclass(frozen=True)
class Address(RoutingDemoAction):
    case_key: str
    by: str
    agency: str
    after_hours: float
    note: str

    def run(
        self,
        users: Mapping[str, User],
        organisations: Mapping[str, Organisation],
        cases: Mapping[str, Case],
    ) -> None:
        services.case_address_to_agency(
            actor=users[self.by],
            case_id=cases[self.case_key].pk,
            agency_slug=self.agency,
            note=self.note,
        )


# What members do in their inboxes, beside the responses in demo/content.py.
# Hours are counted from the case's submission, like those responses.
INBOX_STEPS: tuple[Act | Address, ...] = (
    Act(
        "paper-mill-huaiyuan",
        "huai-river-watchers",
        "河边取样员",
        "note",
        12,
        "周六早上六点在大堤东头集合，带采样瓶、手电和雨靴。谁都不要一个人靠近厂区围墙。",
    ),
    Address(
        "paper-mill-huaiyuan",
        "守望者阿河",
        "bengbu-eeb",
        14,
        "排污口在厂区围墙东边的芦苇丛后，只在夜里十点以后排放，请贵局安排夜间核查。",
    ),
    Act(
        "paper-mill-huaiyuan",
        "bengbu-eeb",
        "蚌埠市生态环境局-办公室",
        "acknowledge",
        20,
        "已收到，已转市生态环境保护综合行政执法支队。",
    ),
    Act(
        "paper-mill-huaiyuan",
        "bengbu-eeb",
        "蚌埠市生态环境局-办公室",
        "response",
        40,
        "我局已受理该举报，执法支队将于本周内对该企业开展夜间检查，检查和水样检测结果将在本页公布。",
    ),
    Act(
        "paper-mill-huaiyuan",
        "huai-river-watchers",
        "守望者阿河",
        "update",
        120,
        "志愿者周六在排污口上游、排污口和下游各取了一份水样，已送有资质的实验室检测，"
        "结果出来后和环境局的检测结果一起对照公布。",
    ),
    Act(
        "paper-mill-huaiyuan",
        "huai-river-watchers",
        "河边取样员",
        "update",
        200,
        "志愿者的水样结果出来了（化学需氧量）：排污口上游 18 mg/L，排污口 412 mg/L，"
        "下游 500 米 96 mg/L。地表水 III 类标准是 20 mg/L。检测报告已发在我们的网站上。",
    ),
    Act(
        "paper-mill-huaiyuan",
        "bengbu-eeb",
        "蚌埠市生态环境局-办公室",
        "response",
        228,
        "检测结果：该企业外排水化学需氧量超标 4.6 倍。依据《中华人民共和国水污染防治法》，"
        "我局已对该企业立案处罚，行政处罚决定书已在我局网站公开，并责令其拆除暗管。",
    ),
    Act(
        "chemical-smell-xiangshui",
        "huai-river-watchers",
        "huai-volunteer-lin",
        "note",
        41,
        "Ask our Yancheng group whether anyone lives east of the park and can log smells too.",
    ),
    Act(
        "hospital-ppe-wuchang",
        "face-masks-guru",
        "口罩达人-阿晴",
        "update",
        18,
        "已对接两家捐赠方：首批 300 件防护服明早送到医院东门，收货后请在这里确认。",
    ),
    Act(
        "tangled-wires-baoan",
        "nanling-workers-rights",
        "nanling-caseworker",
        "acknowledge",
        30,
        "收到。我们周末去这栋楼做一次用电安全讲座，也会把照片交给街道安全生产办。",
    ),
    Act(
        "tactile-paving-lucheng",
        "accessible-together",
        "ramp-mapper",
        "acknowledge",
        20,
        "收到。我们在温州的志愿者这周去走一遍这段盲道，把被占和断开的地方都标出来。",
    ),
    Act(
        "tactile-paving-lucheng",
        "accessible-together",
        "无障碍阿明",
        "update",
        72,
        "志愿者走了一遍：这段 400 米的盲道有 11 处被车辆或摊位占用，2 处断开。"
        "清单已交鹿城区住建局和城管，我们一个月后再走一次。",
    ),
    Act(
        "winter-classroom-bijie",
        "dandelion-legal",
        "pro-bono-oak",
        "acknowledge",
        30,
        "收到。学校的取暖经费由县教育局按生均公用经费拨付，我们帮你们起草一份申请书。",
    ),
)

SUBSCRIBE_AFTER = timedelta(hours=1)
ROUTE_AFTER = timedelta(minutes=1)


def routing_demo_steps(schedule: Sequence[Step]) -> list[Step]:
    """The routing steps of the demo, timed from the loader's own schedule: an
    organisation subscribes an hour after it is verified (or handed over to its
    officials; the unverified one, after it is created), a case is routed a
    minute after it is submitted (and published), and members act some hours
    after the submission."""
    from minjian.demo.loader import (
        CreateOrganisation,
        HandOverAgency,
        Step,
        Submit,
        Verify,
    )

    ready: dict[str, datetime] = {}
    submitted: dict[str, datetime] = {}
    for step in schedule:
        match step.action:
            case CreateOrganisation(organisation):
                ready.setdefault(organisation.slug, step.at)
            case Verify(organisation) | HandOverAgency(organisation):
                ready[organisation.slug] = step.at
            case Submit(case):
                submitted[case.key] = step.at
    steps = [
        Step(ready[organisation.slug] + SUBSCRIBE_AFTER, Subscribe(organisation))
        for organisation in ORGANISATIONS
    ]
    steps += [Step(submitted[case.key] + ROUTE_AFTER, Route(case)) for case in CASES]
    steps += [
        Step(submitted[step.case_key] + timedelta(hours=step.after_hours), step)
        for step in INBOX_STEPS
    ]
    return steps
