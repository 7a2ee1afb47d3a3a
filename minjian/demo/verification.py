"""Checking claims in the demo: verifiers, the Huai River paper mill's reports as one
cluster, verdicts with their rationale and evidence, and rumours written down.

What a newcomer meets:

- verifiers: two members of the Huai River Watchers and a lawyer of the Dandelion
  network, given the mark by their organisations' admins;
- the paper mill's first report (`paper-mill-huaiyuan`) as the one public case of its
  story: the second report of that night, told in its reporter's own words, merged by a
  verifier by number (the similar-case index does not take it for the same story: it
  shares 7 % of its text); a copy of the first report passed on from a WeChat group,
  which the index suggests and a verifier confirms; a later copy from Weibo, still
  waiting in the verifiers' queue; a witness's photo added to the case rather than
  reported again, and what the second reporter adds after the merge;
- two patrol records on the Watchers' form, which the index suggests as one story and
  a verifier rejects: two outfalls 60 km apart;
- verdicts: the paper mill's report *being checked* while the water samples are at the
  laboratory, then *corroborated* (the volunteers' samples and the environment bureau's
  official response); a rumour of three villagers poisoned, written down where it
  circulated and judged *false*; the well water of a village on the Shaying River
  *being checked*; a rumour about the Wenzhou train crash judged *false* by the site's
  staff.

*False* and *corroborated* need verifiers of `MINJIAN_VERDICT_CONFIRMATIONS`
organisations (one by default). The demo follows the instance's setting: with two,
the Dandelion network confirms the Watchers' verdicts, and the staff's verdict on the
Wenzhou rumour waits for a second verifier (the rumour desk's "needs a second
verifier"); with one, each verdict is public as it is given and the confirmations are
not made.

Duplicates are suggested the way the platform suggests them: each case goes into the
similar-case index a moment after it is published, and the index is asked for its
near-duplicates then (the job after its events does both; the demo's jobs run after its
one commit, when its history is written).

Every step is a service call, timed like the inbox steps (minjian/demo/routing.py):
hours after a case's submission.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from django.urls import reverse
from django.utils import timezone

from minjian.accounts.models import User
from minjian.cases import services_merge, services_similarity
from minjian.cases.models import Case, CaseEvent
from minjian.cases.selectors_duplicates import suggested_duplicates
from minjian.cases.services import case_add_by_reporter, case_add_by_witness, case_release_note
from minjian.claims import selectors as claim_selectors
from minjian.claims import services as claim_services
from minjian.claims.access import AS_STAFF
from minjian.claims.models import Claim
from minjian.core.errors import DomainError
from minjian.demo.content import CASES, ORGANISATIONS, STAFF_PSEUDONYM, DemoOrganisation
from minjian.demo.photos import photo_uploads
from minjian.orgs.models import Organisation
from minjian.orgs.services import membership_set_verifier

if TYPE_CHECKING:
    # The loader imports this module; at run time the import waits for the call.
    from minjian.demo.loader import Step

Verdict = Case.Verdict


class DemoRecord(Protocol):
    """What the loader has written so far, by the demo's names."""

    users: dict[str, User]
    organisations: dict[str, Organisation]
    cases: dict[str, Case]
    claims: dict[str, int]

    def prepare_photos(self, case_id: int) -> None:
        """Prepare the case's photos still waiting, as their jobs would."""


class VerificationDemoAction(ABC):
    """A step of the demo carried out by a service of claims or of duplicates."""

    @abstractmethod
    def run(self, demo: DemoRecord) -> None: ...


@dataclass(frozen=True)
class MarkVerifier(VerificationDemoAction):
    organisation: DemoOrganisation
    pseudonym: str

    def run(self, demo: DemoRecord) -> None:
        membership_set_verifier(
            actor=demo.users[self.organisation.admins[0]],
            organisation=demo.organisations[self.organisation.slug],
            user=demo.users[self.pseudonym],
            verifier=True,
        )


@dataclass(frozen=True)
class Index(VerificationDemoAction):
    """What the job after a case's publication does: its entry in the similar-case
    index, then the duplicates the index suggests for it."""

    case_key: str

    def run(self, demo: DemoRecord) -> None:
        case_id = demo.cases[self.case_key].pk
        services_similarity.case_fingerprint_update(case_id)
        services_merge.duplicates_suggest(case_id=case_id)


# Steps timed from a case's submission (`case_key`), like the inbox steps.
@dataclass(frozen=True)
class Merge(VerificationDemoAction):
    """A verifier merges a report into its original by their numbers."""

    case_key: str
    after_hours: float
    into_key: str
    by: str

    def run(self, demo: DemoRecord) -> None:
        merged = demo.cases[self.case_key].pk
        services_merge.case_merge(
            actor=demo.users[self.by], case_id=merged, into_id=demo.cases[self.into_key].pk
        )
        # The merged report leaves the index, as the job after its event makes it.
        services_similarity.case_fingerprint_update(merged)


@dataclass(frozen=True)
class Decide(VerificationDemoAction):
    """A verifier confirms (merges) or rejects the index's suggestion that the report
    `case_key` repeats `original_key`."""

    case_key: str
    after_hours: float
    original_key: str
    by: str
    confirm: bool

    def run(self, demo: DemoRecord) -> None:
        case_id = demo.cases[self.case_key].pk
        suggestion = (
            suggested_duplicates()
            .filter(case_id=case_id, original_id=demo.cases[self.original_key].pk)
            .first()
        )
        if suggestion is None:
            # The demo's story needs the index to find this pair: its texts or the
            # similarity engine changed.
            raise DomainError(
                "demo_pair_not_suggested",
                f"the similar-case index did not suggest {self.case_key} as a duplicate "
                f"of {self.original_key}",
            )
        if self.confirm:
            services_merge.duplicate_confirm(actor=demo.users[self.by], suggestion_id=suggestion.pk)
            services_similarity.case_fingerprint_update(case_id)
        else:
            services_merge.duplicate_reject(actor=demo.users[self.by], suggestion_id=suggestion.pk)


@dataclass(frozen=True)
class WitnessAdds(VerificationDemoAction):
    """Someone who saw it too adds a note and photos to the case instead of reporting
    it again, without an account; her addition waits for a moderator."""

    case_key: str
    after_hours: float
    text: str
    photos: tuple[str, ...]

    def run(self, demo: DemoRecord) -> None:
        case = demo.cases[self.case_key]
        case_add_by_witness(
            case=case,
            actor=None,
            text=self.text,
            photos=list(photo_uploads(f"{self.case_key}/witness", self.photos)),
        )
        demo.prepare_photos(case.pk)


@dataclass(frozen=True)
class ReleaseWitness(VerificationDemoAction):
    """Staff let the public read the witness's addition waiting on the case."""

    case_key: str
    after_hours: float

    def run(self, demo: DemoRecord) -> None:
        held = (
            CaseEvent.objects.filter(
                case=demo.cases[self.case_key],
                kind=CaseEvent.Kind.ADDED_BY_WITNESS,
                payload__held=True,
            )
            .order_by("-id")
            .values_list("pk", flat=True)
            .first()
        )
        if held is not None:
            case_release_note(actor=demo.users[STAFF_PSEUDONYM], event_id=held)


@dataclass(frozen=True)
class ReporterAdds(VerificationDemoAction):
    """The reporter of a merged case adds what she learnt: it joins the original."""

    case_key: str
    after_hours: float
    by: str
    text: str

    def run(self, demo: DemoRecord) -> None:
        case_add_by_reporter(
            case=demo.cases[self.case_key], actor=demo.users[self.by], text=self.text
        )


# Evidence as the demo names it; made into what a verdict cites when it is given.
@dataclass(frozen=True)
class Link:
    url: str


@dataclass(frozen=True)
class CasePage:
    """A case's page on this site, as a document of the site."""

    case_key: str


@dataclass(frozen=True)
class Response:
    """One of the case's official responses (0: the first, -1: the latest)."""

    position: int


@dataclass(frozen=True)
class Photo:
    position: int


Cited = Link | CasePage | Response | Photo


def _evidence(cited: Sequence[Cited], demo: DemoRecord, case: Case | None) -> list[dict[str, Any]]:
    evidence: list[dict[str, Any]] = []
    for item in cited:
        match item:
            case Link(url):
                evidence.append({"kind": "link", "url": url})
            case CasePage(case_key):
                path = reverse("cases:detail", args=[demo.cases[case_key].pk])
                evidence.append({"kind": "document", "path": path})
            case Response(position):
                assert case is not None, "only a case has official responses"
                response = claim_selectors.public_official_responses(case)[position]
                evidence.append({"kind": "response", "event": response.pk})
            case Photo(position):
                assert case is not None, "only a case has photos"
                photo = claim_selectors.ready_photos(case)[position]
                evidence.append({"kind": "photo", "key": photo.key})
    return evidence


@dataclass(frozen=True)
class Judgement:
    """A verdict as a verifier gives it, in the name of `organisation` (AS_STAFF: the
    site's staff). A confirmation is given only while a proposal of the same verdict
    waits for it (the instance asks more than one organisation)."""

    by: str
    organisation: str
    verdict: Verdict
    rationale: str
    evidence: tuple[Cited, ...]
    confirms: bool = False


def _awaited(claim: Claim | None, judgement: Judgement) -> bool:
    """Whether the claim's pending proposal is of the verdict the judgement gives."""
    proposal = claim.proposal if claim is not None else None
    return proposal is not None and proposal.payload.get("verdict") == judgement.verdict


@dataclass(frozen=True)
class JudgeCase(VerificationDemoAction):
    case_key: str
    after_hours: float
    judgement: Judgement

    def run(self, demo: DemoRecord) -> None:
        case = demo.cases[self.case_key]
        if self.judgement.confirms and not _awaited(
            claim_selectors.case_claim(case), self.judgement
        ):
            return
        claim_services.case_verdict_give(
            actor=demo.users[self.judgement.by],
            case_id=case.pk,
            organisation=self.judgement.organisation,
            verdict=self.judgement.verdict,
            rationale=self.judgement.rationale,
            evidence=_evidence(self.judgement.evidence, demo, case),
        )


@dataclass(frozen=True)
class Seen:
    """Where a verifier saw a claim: an address, a platform, and how many days before
    she wrote it down."""

    url: str
    platform: str
    days_before: int


@dataclass(frozen=True)
class WriteClaim(VerificationDemoAction):
    """A verifier writes down a claim as it circulates (timed from the case it is about)."""

    case_key: str
    after_hours: float
    claim_key: str
    by: str
    organisation: str
    statement: str
    seen: tuple[Seen, ...]

    def run(self, demo: DemoRecord) -> None:
        today = timezone.localdate()
        claim = claim_services.claim_write(
            actor=demo.users[self.by],
            organisation=self.organisation,
            statement=self.statement,
            appearances=[
                {
                    "url": seen.url,
                    "platform": seen.platform,
                    "seen_on": today - timedelta(days=seen.days_before),
                }
                for seen in self.seen
            ],
        )
        demo.claims[self.claim_key] = claim.pk


@dataclass(frozen=True)
class JudgeClaim(VerificationDemoAction):
    case_key: str
    after_hours: float
    claim_key: str
    judgement: Judgement

    def run(self, demo: DemoRecord) -> None:
        claim_id = demo.claims[self.claim_key]
        if self.judgement.confirms and not _awaited(
            Claim.objects.select_related("proposal").filter(pk=claim_id).first(), self.judgement
        ):
            return
        claim_services.claim_verdict_give(
            actor=demo.users[self.judgement.by],
            claim_id=claim_id,
            organisation=self.judgement.organisation,
            verdict=self.judgement.verdict,
            rationale=self.judgement.rationale,
            evidence=_evidence(self.judgement.evidence, demo, None),
        )


WATCHERS = "huai-river-watchers"
DANDELION = "dandelion-legal"
PAPER_MILL = "paper-mill-huaiyuan"
PAPER_MILL_SAMPLES = "https://huai-watchers.example.org/samples/huaiyuan-paper-mill.pdf"

TimedAction = (
    Merge
    | Decide
    | WitnessAdds
    | ReleaseWitness
    | ReporterAdds
    | JudgeCase
    | WriteClaim
    | JudgeClaim
)

VERIFICATION_STEPS: tuple[TimedAction, ...] = (
    Merge("paper-mill-duplicate", 20, into_key=PAPER_MILL, by="守望者阿河"),
    Decide("paper-mill-repost", 9, original_key=PAPER_MILL, by="huai-volunteer-lin", confirm=True),
    WitnessAdds(
        PAPER_MILL,
        38,
        "我家在下游两公里的渡口边。这几天早上河面上也是一层黄泡沫，岸边有死鱼，拍了一张。"
        "晚上确实能闻到一股酸臭味。",
        photos=("dead_fish",),
    ),
    ReleaseWitness(PAPER_MILL, 41),
    ReporterAdds(
        "paper-mill-duplicate",
        100,
        by="怀远老钓友",
        text="这两天晚上又去钓鱼，没再闻到那股臭味了。听说环保局夜里来查过，北岸那根管子被堵上了。",
    ),
    JudgeCase(
        PAPER_MILL,
        121,
        Judgement(
            by="守望者阿河",
            organisation=WATCHERS,
            verdict=Verdict.CHECKING,
            rationale=(
                "志愿者已在排污口上游、排污口和下游各取了一份水样，送有资质的实验室检测；"
                "蚌埠市生态环境局已受理举报，答复将夜间检查并公布水样检测结果。"
                "照片和几位村民的描述一致，但排的是什么、超标多少，要等检测结果出来。"
            ),
            evidence=(Response(0), Photo(0)),
        ),
    ),
    WriteClaim(
        PAPER_MILL,
        140,
        claim_key="three-villagers",
        by="huai-volunteer-lin",
        organisation=WATCHERS,
        statement=(
            "怀远淮河边那家造纸厂排的毒水已经毒死了三个村民，政府压着不让报道，"
            "大家千万别喝河水、别吃河里的鱼！"
        ),
        seen=(
            Seen(url="", platform="微信群", days_before=2),
            Seen(url="https://example.org/douyin/video/7301884", platform="抖音", days_before=1),
        ),
    ),
    JudgeClaim(
        PAPER_MILL,
        141,
        claim_key="three-villagers",
        judgement=Judgement(
            by="huai-volunteer-lin",
            organisation=WATCHERS,
            verdict=Verdict.CHECKING,
            rationale=(
                "We have asked the county health commission and the county hospital whether "
                "anyone was treated for poisoning after drinking or touching the river water, "
                "and we are tracing the funeral scene in the video. The discharge itself is "
                "being investigated on the case linked here."
            ),
            evidence=(CasePage(PAPER_MILL),),
        ),
    ),
    JudgeCase(
        PAPER_MILL,
        232,
        Judgement(
            by="守望者阿河",
            organisation=WATCHERS,
            verdict=Verdict.CORROBORATED,
            rationale=(
                "报告属实。志愿者在排污口上下游取的水样（化学需氧量）：上游 18 mg/L，"
                "排污口 412 mg/L，下游 500 米 96 mg/L，地表水 III 类标准是 20 mg/L，"
                "检测报告见链接。蚌埠市生态环境局的官方答复与此一致：夜间检查发现一处未登记的"
                "排水暗管，外排水化学需氧量超标 4.6 倍，已立案处罚。照片里的排污口就是执法人员"
                "找到暗管的地方。同一晚的另一条报告和一条转发的报告说的是同一件事，已合并到本案。"
                "\n\n"
                "Corroborated. The volunteers' water samples (chemical oxygen demand): 18 mg/L "
                "upstream, 412 mg/L at the outfall and 96 mg/L 500 m downstream, against a "
                "standard of 20 mg/L for class III surface water; the laboratory's report is "
                "linked. The Bengbu Ecology and Environment Bureau's official response agrees: "
                "its night inspection found an unregistered discharge pipe, the discharged "
                "water was 4.6 times over the limit, and the company is being penalised. The "
                "outfall in the photo is where the inspectors found the pipe. Another report "
                "of the same night and a report passing this one on were merged into this case."
            ),
            evidence=(Response(-1), Photo(0), Link(PAPER_MILL_SAMPLES)),
        ),
    ),
    JudgeClaim(
        PAPER_MILL,
        240,
        claim_key="three-villagers",
        judgement=Judgement(
            by="守望者阿河",
            organisation=WATCHERS,
            verdict=Verdict.FALSE,
            rationale=(
                "不实。怀远县卫生健康委员会和县人民医院答复我们：这个月没有接诊因为喝了或接触了"
                "淮河水而中毒的病人，全县也没有相关的死亡报告。蚌埠市生态环境局的检测显示，"
                "造纸厂外排水超标的是化学需氧量（有机污染），不是能让人急性中毒死亡的毒物。"
                "视频里的送葬画面是 2019 年在外省拍的，和这件事无关。造纸厂偷排是真的"
                "（见本站案例），“毒死三人”没有任何依据。不过整改验收之前，"
                "仍然不要喝河水，也不要吃排污口附近打的鱼。"
                "\n\n"
                "False. The county health commission and the county hospital told us that "
                "nobody was treated this month for poisoning after drinking or touching the "
                "river water, and no such death was reported in the county. The bureau's tests "
                "found the mill's discharge over the limit for chemical oxygen demand (organic "
                "pollution), not a poison that kills. The funeral in the video was filmed in "
                "2019 in another province. The discharge is real (see the case on this site); "
                "the three deaths are not. Until the mill's repairs are inspected, still do not "
                "drink the river water or eat fish caught near the outfall."
            ),
            evidence=(
                Link("https://huaiyuan-health.example.org/notices/river-water-rumour"),
                Link("https://example.org/factcheck/funeral-video-2019"),
                CasePage(PAPER_MILL),
            ),
        ),
    ),
    JudgeCase(
        PAPER_MILL,
        250,
        Judgement(
            by="蒲公英律师-老陈",
            organisation=DANDELION,
            verdict=Verdict.CORROBORATED,
            rationale=(
                "我们核对了蚌埠市生态环境局网站公开的行政处罚决定书：处罚的企业、地点和超标倍数"
                "与本页的官方答复一致。"
            ),
            evidence=(Link("https://bengbu-eeb.example.org/penalties/2024-017"),),
            confirms=True,
        ),
    ),
    JudgeClaim(
        PAPER_MILL,
        262,
        claim_key="three-villagers",
        judgement=Judgement(
            by="蒲公英律师-老陈",
            organisation=DANDELION,
            verdict=Verdict.FALSE,
            rationale="我们向县人民医院要了书面答复的原件，内容与上面所说的一致。",
            evidence=(Link("https://huaiyuan-health.example.org/notices/river-water-rumour"),),
            confirms=True,
        ),
    ),
    Decide("patrol-log-wuhe", 15, original_key="patrol-log-bengbu", by="守望者阿河", confirm=False),
    JudgeCase(
        "well-water-shenqiu",
        221,
        Judgement(
            by="守望者阿河",
            organisation=WATCHERS,
            verdict=Verdict.CHECKING,
            rationale=(
                "志愿者已取了村里 6 口井的水样，送有资质的第三方实验室检测，大约两周出结果；"
                "县卫健委已答应安排村民体检。井水发黄、有怪味是真的，"
                "但“井水让村里得癌症的人变多”现在既不能证实也不能否定，要看检测和体检的结果。"
            ),
            evidence=(Link("https://huai-watchers.example.org/samples/shenqiu-wells"),),
        ),
    ),
    WriteClaim(
        "rumour-check-lucheng",
        19,
        claim_key="foreign-victim",
        by=STAFF_PSEUDONYM,
        organisation=AS_STAFF,
        statement="动车事故遇难者里有一名外国乘客，官方隐瞒了没有公布。",
        seen=(Seen(url="https://example.org/weibo/4890231166", platform="微博", days_before=1),),
    ),
    JudgeClaim(
        "rumour-check-lucheng",
        19.5,
        claim_key="foreign-victim",
        judgement=Judgement(
            by=STAFF_PSEUDONYM,
            organisation=AS_STAFF,
            verdict=Verdict.FALSE,
            rationale=(
                "找不到任何可靠来源：最早的帖子已被发帖人删除，转发的帖子都没有出处；"
                "公布的遇难者名单和各家媒体的报道里都没有外国乘客。\n\n"
                "No reliable source: the first post was deleted by its author and none of the "
                "reposts names one; neither the published list of victims nor any news report "
                "mentions a foreign passenger."
            ),
            evidence=(
                Link("https://example.org/news/train-crash-victims-list"),
                CasePage("rumour-check-lucheng"),
            ),
        ),
    ),
)

# A moment after the organisation is verified, its admin gives the marks.
MARK_AFTER = timedelta(hours=2)
# A moment after a case is published (and routed), its entry in the index.
INDEX_AFTER = timedelta(minutes=2)


def verification_demo_steps(schedule: Sequence[Step]) -> list[Step]:
    """The verification steps of the demo, timed from the loader's own schedule."""
    from minjian.demo.loader import Step, Submit, Verify

    verified: dict[str, datetime] = {}
    submitted: dict[str, datetime] = {}
    for step in schedule:
        match step.action:
            case Verify(organisation):
                verified[organisation.slug] = step.at
            case Submit(case):
                submitted[case.key] = step.at
    steps = [
        Step(verified[organisation.slug] + MARK_AFTER, MarkVerifier(organisation, pseudonym))
        for organisation in ORGANISATIONS
        for pseudonym in organisation.verifiers
    ]
    steps += [Step(submitted[case.key] + INDEX_AFTER, Index(case.key)) for case in CASES]
    steps += [
        Step(submitted[step.case_key] + timedelta(hours=step.after_hours), step)
        for step in VERIFICATION_STEPS
    ]
    return steps
