"""Acting together in the demo: a coalition along the Huai River, its joint proposal, and
the petition it became, delivered to the Bengbu bureau and answered.

The Huai River runs from Henan through Anhui into Jiangsu. After the paper mill's night
discharges (the demo's `paper-mill-huaiyuan`, corroborated in minjian/demo/verification.py),
four environmental groups of those three provinces act together:

- the Huai River Watchers found the Huai River Basin Clean Water Coalition (its member
  list public) and invite three groups registered for the demo here: the Shaying River
  Keepers (Zhoukou, Henan), Huainan Green Home (Anhui) and Hongze Lake Wetland Watch
  (Huai'an, Jiangsu); each accepts, and each admin names a member as its delegate;
- their people discuss, in a thread, what to ask of the Bengbu bureau;
- a delegate puts a joint proposal to the members; three delegates agree and one abstains,
  each with a reason; voting closes, the votes are counted, and the outcome is stated;
- from it the three organisations that agreed start a petition they co-own, each signing
  it as an organisation, addressed to the Bengbu Municipal Ecology and Environment Bureau
  (the demo's agency) and citing the paper mill's case and a patrol record. Two people
  sponsor it, staff open it, and people sign: demo accounts, and people without one by
  e-mail, each confirming by the link of her mail (one withdraws hers the next day), from
  several provinces. At its goal it closes and is delivered to the bureau's inbox, which
  answers a week later: the time to answer counts in the accountability figures;
- a smaller petition of a fisherman on the sand dredging at Yingshang is still open and
  gathering signatures (the Watchers sign it as an organisation), a second proposal of
  the coalition is still being voted on, and a petition repeating the joint one was
  rejected by a moderator with a public reason.

Every step is a service call at its moment in the demo's history (the loader moves the
clock), timed in days before the demo is loaded, as the content is. E-mail signers use
addresses of example domains; only the keyed hash of each stays once she has confirmed.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Protocol

from django.utils import timezone

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.coalitions import services as coalitions
from minjian.coalitions.models import Coalition, Option, Proposal, Thread
from minjian.demo.content import CASES, STAFF_PSEUDONYM, DemoOrganisation
from minjian.orgs.models import Membership, Organisation
from minjian.petitions import services as petitions
from minjian.petitions import tokens
from minjian.petitions.addresses import address_hash
from minjian.petitions.models import Petition, Signature
from minjian.places.selectors import region_by_code
from minjian.topics.selectors import topic_by_slug

if TYPE_CHECKING:
    # The loader imports this module; at run time the import waits for the call.
    from minjian.demo.loader import Step


class DemoRecord(Protocol):
    """What the loader has written so far, by the demo's names."""

    users: dict[str, User]
    organisations: dict[str, Organisation]
    cases: dict[str, Case]


class CollectiveDemoAction(ABC):
    """A step of the demo carried out by a service of coalitions or of petitions."""

    @abstractmethod
    def run(self, demo: DemoRecord) -> None: ...


# --- who acts -------------------------------------------------------------------------------

WATCHERS = "huai-river-watchers"
SHAYING = "shaying-river-keepers"
HUAINAN = "huainan-green-home"
HONGZE = "hongze-lake-watch"
AGENCY = "bengbu-eeb"
AGENCY_OFFICE = "蚌埠市生态环境局-办公室"
PAPER_MILL = "paper-mill-huaiyuan"

# The groups registered for this story, one in each province of the river's course but
# Anhui's, which has the Watchers already (their work spans the three provinces).
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        slug=SHAYING,
        kind="ngo",
        name_zh="沙颍河守护者",
        name_en="Shaying River Keepers",
        description=(
            "沙颍河是淮河最大的支流。我们是周口沿河村镇的志愿者，记录河水和井水的变化，"
            "帮村民把水样送去检测，再把结果公开出来。\n\n"
            "The Shaying is the Huai River's largest tributary. We are volunteers in the towns "
            "and villages along it in Zhoukou: we record changes in the river and the wells, "
            "help villagers get their water tested, and publish the results."
        ),
        topics=("environment", "health"),
        regions=("411600",),
        contact_email="contact@shaying-keepers.example.org",
        contact_url="",
        contact_note="",
        admins=("周口护河人",),
        members=("shaying-volunteer-gao",),
        created_days_ago=47,
        verified=True,
    ),
    DemoOrganisation(
        slug=HUAINAN,
        kind="ngo",
        name_zh="淮南绿色家园",
        name_en="Huainan Green Home",
        description=(
            "淮南的环保志愿者团体，关注采煤沉陷区和淮河淮南段的水质，组织周末巡河和环境课堂。\n\n"
            "Environmental volunteers in Huainan. We follow the subsided coal-mining land and "
            "the water of the Huai River's Huainan reach, and run weekend river patrols and "
            "classes on the environment."
        ),
        topics=("environment", "education"),
        regions=("340400",),
        contact_email="hello@huainan-green.example.org",
        contact_url="https://huainan-green.example.org/",
        contact_note="",
        admins=("淮南绿家-小唐",),
        members=("green-home-mei",),
        created_days_ago=47,
        verified=True,
    ),
    DemoOrganisation(
        slug=HONGZE,
        kind="ngo",
        name_zh="洪泽湖湿地观察",
        name_en="Hongze Lake Wetland Watch",
        description=(
            "淮河在江苏流入洪泽湖。我们在淮安观鸟、记录湿地和湖水的变化，"
            "每年冬天做一次水鸟同步调查。\n\n"
            "The Huai River flows into Hongze Lake in Jiangsu. In Huai'an we watch birds, "
            "record changes in the wetlands and the lake's water, and count the waterbirds "
            "every winter."
        ),
        topics=("environment",),
        regions=("320800",),
        contact_email="birds@hongze-watch.example.org",
        contact_url="",
        contact_note="",
        admins=("洪泽湖观鸟人",),
        members=("hongze-volunteer-xu",),
        created_days_ago=46,
        verified=True,
    ),
)
# Who votes for each member organisation, named by its admin.
DELEGATES = {
    WATCHERS: "huai-volunteer-lin",
    SHAYING: "shaying-volunteer-gao",
    HUAINAN: "green-home-mei",
    HONGZE: "hongze-volunteer-xu",
}


# --- what they write ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoCoalition:
    name_zh: str
    name_en: str
    purpose: str
    founder: str
    by: str


@dataclass(frozen=True)
class DemoProposal:
    title: str
    text: str
    voting_hours: float


@dataclass(frozen=True)
class DemoPetition:
    title: str
    request: str
    background: str
    topic: str
    region: str
    cited: tuple[str, ...]
    goal: int
    open_days: int
    # An agency on Minjian (its slug), or a named body with its public address.
    agency: str = ""
    body_name: str = ""
    body_contact: str = ""


COALITION = DemoCoalition(
    name_zh="淮河流域清水联盟",
    name_en="Huai River Basin Clean Water Coalition",
    purpose=(
        "淮河从河南流经安徽，进入江苏的洪泽湖。我们是这三个省沿河的四家民间环保组织："
        "一起巡河、取样、公开记录，就同一条河上的问题一起向主管部门提出建议。"
        "成员名单公开。\n\n"
        "The Huai River runs from Henan through Anhui into Jiangsu's Hongze Lake. We are four "
        "environmental groups along it in those three provinces: we patrol, take samples and "
        "keep public records together, and put joint proposals to the authorities about the "
        "river we share. Our member list is public."
    ),
    founder=WATCHERS,
    by="守望者阿河",
)

THREAD_TITLE = "暗管封了以后：怎么一起盯住淮河的夜间排口？"

JOINT_PROPOSAL = DemoProposal(
    title="就淮河怀远段造纸厂向蚌埠市生态环境局提出联合建议",
    text=(
        "建议联盟成员共同向蚌埠市生态环境局提出三点：一、公开怀远县造纸厂的处罚决定、"
        "整改方案和验收结果，验收时请沿河村民和志愿者到场；二、对淮河蚌埠段（含怀远、五河）"
        "的入河排口做三个月夜间排查，公布排口清单和处理结果；三、排查期间每月公布造纸厂"
        "排口上下游的水质监测数据。通过后，赞成的组织在本站联名发起请愿，递交该局。\n\n"
        "That the members ask the Bengbu Ecology and Environment Bureau together: 1. to "
        "publish the penalty decision, the repair plan and the inspection of the paper mill "
        "in Huaiyuan County, with villagers and volunteers present at the inspection; 2. to "
        "check the outfalls of the Huai River's Bengbu reach (with Huaiyuan and Wuhe) at "
        "night for three months and publish the list of outfalls and what was done about "
        "each; 3. meanwhile, to publish each month the water quality above and below the "
        "mill's outfall. If agreed, the organisations that agree start a joint petition on "
        "this site, addressed to the bureau."
    ),
    voting_hours=5 * 24 + 10,
)

JOINT_PETITION = DemoPetition(
    title="关于淮河怀远段造纸厂偷排和淮河蚌埠段夜间排口的联合建议",
    request=(
        "我们请蚌埠市生态环境局：\n"
        "一、公开怀远县淮河北岸造纸厂的行政处罚决定书、整改方案和验收结果，"
        "验收时邀请沿河村民和志愿者代表到场；\n"
        "二、对淮河蚌埠段（含怀远县、五河县）的入河排口开展为期三个月的夜间排查，"
        "公布排查到的排口清单和每一处的处理结果；\n"
        "三、排查期间，每月公布一次造纸厂排口上下游的水质监测数据。\n\n"
        "We ask the Bengbu Ecology and Environment Bureau:\n"
        "1. to publish the penalty decision, the repair plan and the inspection of the paper "
        "mill on the Huai River's north bank in Huaiyuan County, and to invite villagers and "
        "volunteers living along the river to the inspection;\n"
        "2. to check the outfalls of the Huai River's Bengbu reach (with Huaiyuan and Wuhe "
        "counties) at night for three months, and to publish the list of outfalls found and "
        "what was done about each;\n"
        "3. meanwhile, to publish each month the water quality measured above and below the "
        "mill's outfall."
    ),
    background=(
        "今年秋天，村民在本站报告怀远县淮河北岸一家造纸厂夜里往河里排黑水。淮河守望者的"
        "志愿者在排污口上下游取了水样，排污口的化学需氧量是地表水 III 类标准的 20 倍。"
        "蚌埠市生态环境局夜间检查发现了未登记的排水暗管，已责令停产整改、立案处罚，"
        "暗管也已封堵，这是好的开始。但白天不排、夜里排的排口不止这一个：志愿者的巡河记录里，"
        "蚌埠段北岸还有一处雨水排口在旱天排出灰白色污水。淮河流域清水联盟的四家组织"
        "（河南、安徽、江苏）讨论后表决：三家赞成，一家弃权。赞成的三家联名发起这份请愿。\n\n"
        "This autumn villagers reported on this site that a paper mill on the Huai River's "
        "north bank in Huaiyuan County was discharging black water at night. Volunteers of the "
        "Huai River Watchers took samples above and below the outfall: its chemical oxygen "
        "demand was 20 times the standard for class III surface water. The Bengbu Ecology and "
        "Environment Bureau's night inspection found an unregistered discharge pipe; the "
        "bureau stopped the mill, opened a penalty case and had the pipe sealed, which is a "
        "good start. But the mill's is not the only outfall that discharges by night and not "
        "by day: the volunteers' patrol records show a storm drain on the Bengbu reach's north "
        "bank discharging grey water in dry weather. The four groups of the Huai River Basin "
        "Clean Water Coalition (Henan, Anhui, Jiangsu) discussed it and voted: three agreed, "
        "one abstained. The three that agreed start this petition together."
    ),
    topic="environment",
    region="340300",
    cited=(PAPER_MILL, "patrol-log-bengbu"),
    goal=50,
    open_days=60,
    agency=AGENCY,
)

SAND_PETITION = DemoPetition(
    title="请颍上县水利局公布夜间联合执法结果，制止淮河颍上段非法采砂",
    request=(
        "请颍上县水利局公布今年夜间联合执法查到的采砂船和处理结果，在我们村外的河段设固定"
        "监控，并在汛期前把塌岸的地方加固。\n\n"
        "We ask the Yingshang County Water Resources Bureau to publish which dredging boats "
        "its joint night patrols found this year and what was done about them, to keep a "
        "fixed camera on the reach outside our village, and to shore up the collapsed bank "
        "before the flood season."
    ),
    background=(
        "半夜来抽砂的船没有编号，天亮前就走。上个月河岸塌了二十多米，离大堤只剩几十米。"
        "县里答复会安排夜间联合执法，但之后采砂船还来过。\n\n"
        "The boats that come to dredge at night carry no numbers and leave before dawn. Last "
        "month more than twenty metres of the bank collapsed, a few dozen metres from the "
        "levee. The county answered that it would send joint night patrols, but the boats "
        "came back since."
    ),
    topic="environment",
    region="341226",
    cited=("sand-dredging-yingshang",),
    goal=300,
    open_days=45,
    body_name="颍上县水利局 Yingshang County Water Resources Bureau",
    body_contact="hezhang@yingshang-water.example.org",
)

REPEATED_PETITION = DemoPetition(
    title="强烈要求关停怀远淮河边的造纸厂",
    request=(
        "造纸厂偷排污染淮河，要求县政府立即关停，还我们一条干净的河。\n\n"
        "The paper mill polluted the Huai River: close it now and give us back a clean river."
    ),
    background="",
    topic="environment",
    region="340321",
    cited=(PAPER_MILL,),
    goal=1000,
    open_days=30,
    body_name="怀远县人民政府 Huaiyuan County People's Government",
    body_contact="xinfang@huaiyuan-gov.example.org",
)

SECOND_PROPOSAL = DemoProposal(
    title="联盟下一步：联合调查淮河颍上段夜间非法采砂",
    text=(
        "颍上的渔民在本站发起了请愿，请水利局制止夜间非法采砂。建议联盟以联盟名义支持，"
        "并在下个月组织两次夜间联合巡河，记录采砂船出现的时间和位置。\n\n"
        "A fisherman in Yingshang started a petition on this site asking the water bureau to "
        "stop the illegal dredging at night. We propose that the coalition supports it and "
        "organises two joint night patrols next month to record when and where the boats "
        "appear."
    ),
    voting_hours=14 * 24,
)


# --- the steps ------------------------------------------------------------------------------


def _coalition() -> Coalition:
    return Coalition.objects.get(name_zh=COALITION.name_zh)


def _proposal(title: str) -> Proposal:
    return Proposal.objects.select_related("coalition").get(title=title)


def _petition(title: str) -> Petition:
    return Petition.objects.get(title=title)


def _signature(title: str, email: str) -> Signature:
    """Her signature, as the links of her mail name it."""
    return Signature.objects.get(petition__title=title, address_hash=address_hash(email))


@dataclass(frozen=True)
class Found(CollectiveDemoAction):
    coalition: DemoCoalition

    def run(self, demo: DemoRecord) -> None:
        coalitions.coalition_found(
            actor=demo.users[self.coalition.by],
            organisation=demo.organisations[self.coalition.founder],
            name_zh=self.coalition.name_zh,
            name_en=self.coalition.name_en,
            purpose=self.coalition.purpose,
            members_hidden=False,
        )


@dataclass(frozen=True)
class Invite(CollectiveDemoAction):
    organisation: str
    by: str

    def run(self, demo: DemoRecord) -> None:
        coalitions.coalition_invite(
            actor=demo.users[self.by],
            coalition=_coalition(),
            organisation=demo.organisations[self.organisation],
        )


@dataclass(frozen=True)
class Accept(CollectiveDemoAction):
    organisation: str
    by: str

    def run(self, demo: DemoRecord) -> None:
        coalitions.coalition_accept(
            actor=demo.users[self.by],
            coalition=_coalition(),
            organisation=demo.organisations[self.organisation],
        )


@dataclass(frozen=True)
class NameDelegate(CollectiveDemoAction):
    organisation: str
    by: str

    def run(self, demo: DemoRecord) -> None:
        coalitions.coalition_name_delegate(
            actor=demo.users[self.by],
            coalition=_coalition(),
            organisation=demo.organisations[self.organisation],
            delegate=demo.users[DELEGATES[self.organisation]],
        )


@dataclass(frozen=True)
class StartThread(CollectiveDemoAction):
    by: str
    title: str
    text: str

    def run(self, demo: DemoRecord) -> None:
        coalitions.thread_start(
            actor=demo.users[self.by], coalition=_coalition(), title=self.title, text=self.text
        )


@dataclass(frozen=True)
class Reply(CollectiveDemoAction):
    by: str
    text: str

    def run(self, demo: DemoRecord) -> None:
        thread = Thread.objects.select_related("coalition").get(title=THREAD_TITLE)
        coalitions.thread_reply(actor=demo.users[self.by], thread=thread, text=self.text)


@dataclass(frozen=True)
class Propose(CollectiveDemoAction):
    by: str
    proposal: DemoProposal

    def run(self, demo: DemoRecord) -> None:
        coalitions.proposal_open(
            actor=demo.users[self.by],
            coalition=_coalition(),
            title=self.proposal.title,
            text=self.proposal.text,
            closes_at=timezone.now() + timedelta(hours=self.proposal.voting_hours),
        )


@dataclass(frozen=True)
class Vote(CollectiveDemoAction):
    proposal: str
    organisation: str
    option: Option
    reason: str

    def run(self, demo: DemoRecord) -> None:
        coalitions.proposal_vote(
            actor=demo.users[DELEGATES[self.organisation]],
            proposal=_proposal(self.proposal),
            option=self.option,
            reason=self.reason,
        )


@dataclass(frozen=True)
class CountVotes(CollectiveDemoAction):
    """What the first page read after the closing time does: the votes are counted."""

    def run(self, demo: DemoRecord) -> None:
        coalitions.proposals_close_due(coalition_id=_coalition().pk)


@dataclass(frozen=True)
class StateOutcome(CollectiveDemoAction):
    proposal: str
    by: str
    outcome: str

    def run(self, demo: DemoRecord) -> None:
        coalitions.proposal_state_outcome(
            actor=demo.users[self.by], proposal=_proposal(self.proposal), outcome=self.outcome
        )


def _deadline(petition: DemoPetition) -> date:
    return timezone.localdate() + timedelta(days=petition.open_days)


def _cited(petition: DemoPetition, demo: DemoRecord) -> list[Case]:
    return [demo.cases[key] for key in petition.cited]


@dataclass(frozen=True)
class StartJointPetition(CollectiveDemoAction):
    """The organisations that agreed co-own the petition and sign it as organisations."""

    proposal: str
    by: str
    petition: DemoPetition

    def run(self, demo: DemoRecord) -> None:
        coalitions.petition_start(
            actor=demo.users[self.by],
            proposal=_proposal(self.proposal),
            title=self.petition.title,
            request=self.petition.request,
            background=self.petition.background,
            deadline=_deadline(self.petition),
            signature_goal=self.petition.goal,
            addressed_organisation=demo.organisations[self.petition.agency],
            topic=topic_by_slug(self.petition.topic),
            region=region_by_code(self.petition.region),
            cited_cases=_cited(self.petition, demo),
        )


@dataclass(frozen=True)
class WritePetition(CollectiveDemoAction):
    """A person writes a petition of her own, to a named body."""

    by: str
    petition: DemoPetition

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_create(
            actor=demo.users[self.by],
            title=self.petition.title,
            request=self.petition.request,
            background=self.petition.background,
            deadline=_deadline(self.petition),
            signature_goal=self.petition.goal,
            addressed_name=self.petition.body_name,
            addressed_contact=self.petition.body_contact,
            topic=topic_by_slug(self.petition.topic),
            region=region_by_code(self.petition.region),
            cited_cases=_cited(self.petition, demo),
        )


@dataclass(frozen=True)
class LookForSponsors(CollectiveDemoAction):
    petition: str
    by: str

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_submit_for_sponsors(
            actor=demo.users[self.by], petition=_petition(self.petition)
        )


@dataclass(frozen=True)
class Approve(CollectiveDemoAction):
    """Staff open a sponsored petition (the instance's MINJIAN_PETITION_SPONSORS first
    signers; the demo brings five)."""

    petition: str

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_approve(
            actor=demo.users[STAFF_PSEUDONYM], petition=_petition(self.petition)
        )


@dataclass(frozen=True)
class Reject(CollectiveDemoAction):
    petition: str
    reason: str

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_reject(
            actor=demo.users[STAFF_PSEUDONYM],
            petition=_petition(self.petition),
            reason=self.reason,
        )


@dataclass(frozen=True)
class AccountSigner:
    pseudonym: str
    province: str


@dataclass(frozen=True)
class EmailSigner:
    email: str
    name: str
    province: str | None
    hidden: bool = False
    language: str = "zh-hans"
    # She takes her signature back by her mail's link this long after confirming.
    withdraws_after: timedelta | None = None


@dataclass(frozen=True)
class SignWithAccount(CollectiveDemoAction):
    petition: str
    signer: AccountSigner

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_sign(
            actor=demo.users[self.signer.pseudonym],
            petition=_petition(self.petition),
            signer=petitions.Signer(region=region_by_code(self.signer.province)),
        )


@dataclass(frozen=True)
class SignAsOrganisation(CollectiveDemoAction):
    petition: str
    organisation: str
    by: str

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_sign_as_organisation(
            actor=demo.users[self.by],
            petition=_petition(self.petition),
            organisation=demo.organisations[self.organisation],
        )


@dataclass(frozen=True)
class SignByEmail(CollectiveDemoAction):
    petition: str
    signer: EmailSigner

    def run(self, demo: DemoRecord) -> None:
        province = self.signer.province
        petitions.petition_sign_by_email(
            petition=_petition(self.petition),
            email=self.signer.email,
            language=self.signer.language,
            signer=petitions.Signer(
                display_name=self.signer.name,
                name_hidden=self.signer.hidden,
                region=region_by_code(province) if province else None,
            ),
        )


@dataclass(frozen=True)
class Confirm(CollectiveDemoAction):
    """She follows the confirmation link of her mail."""

    petition: str
    email: str

    def run(self, demo: DemoRecord) -> None:
        signature = _signature(self.petition, self.email)
        petitions.signature_confirm(token=tokens.confirmation_token(signature.pk, signature.nonce))


@dataclass(frozen=True)
class Withdraw(CollectiveDemoAction):
    """She follows the withdrawal link of her mail."""

    petition: str
    email: str

    def run(self, demo: DemoRecord) -> None:
        signature = _signature(self.petition, self.email)
        petitions.signature_withdraw(token=tokens.withdrawal_token(signature.pk))


@dataclass(frozen=True)
class Deliver(CollectiveDemoAction):
    """What the job deferred when the petition closed at its goal does: delivery."""

    petition: str

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_deliver_when_due(petition_id=_petition(self.petition).pk)


@dataclass(frozen=True)
class Answer(CollectiveDemoAction):
    petition: str
    by: str
    text: str

    def run(self, demo: DemoRecord) -> None:
        petitions.petition_answer(
            actor=demo.users[self.by], petition=_petition(self.petition), text=self.text
        )


# --- the story, in days before the demo is loaded ------------------------------------------

JOINT = JOINT_PETITION.title
SAND = SAND_PETITION.title
REPEATED = REPEATED_PETITION.title
SECOND = SECOND_PROPOSAL.title
AGREE, ABSTAIN = Option.AGREE, Option.ABSTAIN

STORY: tuple[tuple[int, str, CollectiveDemoAction], ...] = (
    (40, "10:00", Found(COALITION)),
    (40, "10:10", Invite(SHAYING, by="守望者阿河")),
    (40, "10:15", Invite(HUAINAN, by="守望者阿河")),
    (40, "10:20", Invite(HONGZE, by="守望者阿河")),
    (40, "10:30", NameDelegate(WATCHERS, by="守望者阿河")),
    (40, "15:00", Accept(SHAYING, by="周口护河人")),
    (40, "15:10", NameDelegate(SHAYING, by="周口护河人")),
    (39, "09:30", Accept(HUAINAN, by="淮南绿家-小唐")),
    (39, "09:40", NameDelegate(HUAINAN, by="淮南绿家-小唐")),
    (39, "20:00", Accept(HONGZE, by="洪泽湖观鸟人")),
    (39, "20:05", NameDelegate(HONGZE, by="洪泽湖观鸟人")),
    (
        38,
        "09:00",
        StartThread(
            by="守望者阿河",
            title=THREAD_TITLE,
            text=(
                "造纸厂的暗管已经封堵了，但我们巡河时发现，白天不排、夜里排的排口不止这一个。"
                "想听听大家那边的情况：有没有类似的排口？我们能不能一起向蚌埠市生态环境局"
                "提一份建议？"
            ),
        ),
    ),
    (
        38,
        "10:15",
        Reply(
            by="周口护河人",
            text=(
                "沙颍河周口段也有几处夜里排水的排口，这两年我们记了几十次。建议里最好要求"
                "每月公布监测数据，光说“已整改”不够。"
            ),
        ),
    ),
    (
        38,
        "12:30",
        Reply(
            by="淮南绿家-小唐",
            text=(
                "同意联名，淮南段的情况和蚌埠很像。建议分三条写：公开处罚和验收、夜间排查、"
                "公布监测数据，这样对方好逐条答复。"
            ),
        ),
    ),
    (
        38,
        "21:00",
        Reply(
            by="洪泽湖观鸟人",
            text=(
                "We are downstream at Hongze Lake and we support this. Our board approves "
                "anything we sign as an organisation about another province's authorities, "
                "and it will not meet before the vote: we may have to abstain this time, but "
                "our members will sign in person."
            ),
        ),
    ),
    (
        37,
        "08:30",
        Reply(
            by="河边取样员",
            text=(
                "我把造纸厂排污口和蚌埠段北岸那处雨水排口的采样结果整理好了，放进建议的背景里，"
                "大家投票前可以再看看。"
            ),
        ),
    ),
    (36, "10:00", Propose(by=DELEGATES[WATCHERS], proposal=JOINT_PROPOSAL)),
    (
        35,
        "11:00",
        Vote(
            JOINT_PROPOSAL.title,
            WATCHERS,
            AGREE,
            "同意。造纸厂的暗管是夜里查出来的，别的排口也得夜里查；验收公开，村民才放心。\n\n"
            "Agree. The mill's pipe was found at night, so the other outfalls must be checked "
            "at night too, and an open inspection is one the villagers will trust.",
        ),
    ),
    (
        34,
        "09:00",
        Vote(
            JOINT_PROPOSAL.title,
            SHAYING,
            AGREE,
            "同意。沙颍河在颍上汇入淮河，上下游的水连在一起；请保留每月公布监测数据这一条。\n\n"
            "Agree. The Shaying joins the Huai at Yingshang: upstream and downstream are one "
            "water. Please keep the monthly publication of the measurements.",
        ),
    ),
    (
        33,
        "20:00",
        Vote(
            JOINT_PROPOSAL.title,
            HUAINAN,
            AGREE,
            "同意。淮南段也有类似的夜间排口，蚌埠如果做得公开透明，我们可以拿去和淮南市生态环境局谈。\n\n"
            "Agree. The Huainan reach has night outfalls like these; if Bengbu does this in "
            "the open, we can take it to Huainan's bureau.",
        ),
    ),
    (
        32,
        "21:00",
        Vote(
            JOINT_PROPOSAL.title,
            HONGZE,
            ABSTAIN,
            "弃权。我们支持这些要求，但理事会还没有讨论过以机构名义向外省的部门提建议，"
            "这次不联署；我们的成员会以个人身份签名。\n\n"
            "Abstain. We support these requests, but our board has not yet discussed putting "
            "proposals to another province's authorities in our name, so we do not co-sign "
            "this time; our members will sign in person.",
        ),
    ),
    (31, "20:05", CountVotes()),
    (
        30,
        "09:00",
        StateOutcome(
            JOINT_PROPOSAL.title,
            by=DELEGATES[WATCHERS],
            outcome=(
                "三家赞成、一家弃权，建议通过。淮河守望者、沙颍河守护者和淮南绿色家园以三家机构"
                "的名义在本站联名发起请愿，递交蚌埠市生态环境局；洪泽湖湿地观察不联署，"
                "它的成员以个人身份签名。\n\n"
                "Agreed, three in favour and one abstaining. The Huai River Watchers, the "
                "Shaying River Keepers and Huainan Green Home start a joint petition on this "
                "site in the names of the three organisations, addressed to the Bengbu Ecology "
                "and Environment Bureau; Hongze Lake Wetland Watch does not co-sign, and its "
                "members sign in person."
            ),
        ),
    ),
    (30, "10:00", StartJointPetition(JOINT_PROPOSAL.title, "守望者阿河", JOINT_PETITION)),
    (30, "10:05", LookForSponsors(JOINT, by="守望者阿河")),
    (30, "12:00", SignWithAccount(JOINT, AccountSigner("淮畔观察", "340000"))),
    (30, "19:00", SignWithAccount(JOINT, AccountSigner("河边取样员", "340000"))),
    (29, "08:00", Approve(JOINT)),
    # A petition repeating the joint one: sponsored, then rejected with a public reason.
    (28, "20:00", WritePetition("怀远老钓友", REPEATED_PETITION)),
    (28, "20:05", LookForSponsors(REPEATED, by="怀远老钓友")),
    (28, "20:10", SignWithAccount(REPEATED, AccountSigner("怀远老钓友", "340000"))),
    (28, "21:40", SignWithAccount(REPEATED, AccountSigner("下游的周家", "340000"))),
    (27, "07:20", SignWithAccount(REPEATED, AccountSigner("五河圩区村民", "340000"))),
    (27, "12:30", SignWithAccount(REPEATED, AccountSigner("颍上渔家", "340000"))),
    (27, "19:45", SignWithAccount(REPEATED, AccountSigner("钢筋工阿强", "440000"))),
    (
        26,
        "10:00",
        Reject(
            REPEATED,
            "这份请愿提出的要求，已经包含在正在征集签名的联名请愿《关于淮河怀远段造纸厂偷排和"
            "淮河蚌埠段夜间排口的联合建议》里；同一件事分成两份请愿会分散签名。请到那份请愿签名。"
            "\n\nThis petition asks what the joint petition on the Huaiyuan paper mill and the "
            "Bengbu reach's night outfalls, now open for signatures, asks already; two "
            "petitions on one matter split the signatures. Please sign that one.",
        ),
    ),
    (
        17,
        "15:00",
        Answer(
            JOINT,
            by=AGENCY_OFFICE,
            text=(
                "蚌埠市生态环境局答复：\n"
                "一、该造纸厂的行政处罚决定书已在我局网站公开；企业的整改方案已报我局，"
                "验收定于下月中旬，届时邀请沿河村民代表和联盟志愿者各两名到场。\n"
                "二、我局已制定淮河蚌埠段（含怀远县、五河县）入河排口夜间排查方案，排查三个月，"
                "每月在本页公布排口清单和处理情况。联盟志愿者巡河记录中的北岸雨水排口已列入"
                "第一批排查。\n"
                "三、造纸厂排口上下游两个断面的水质监测数据，自本月起每月公布一次。\n"
                "感谢联盟和签名市民的监督。\n\n"
                "The bureau's answer:\n"
                "1. The penalty decision on the paper mill is published on our website; the "
                "company's repair plan has been filed with us, and the inspection is set for "
                "the middle of next month, with two representatives of the villagers and two "
                "volunteers of the coalition invited.\n"
                "2. We have drawn up a plan to check the outfalls of the Huai River's Bengbu "
                "reach (with Huaiyuan and Wuhe counties) at night for three months, and will "
                "publish the list of outfalls and what was done about each on this page every "
                "month. The storm drain on the north bank in the volunteers' patrol records is "
                "among the first to be checked.\n"
                "3. The water quality at the two sections above and below the mill's outfall "
                "is published each month from this month on.\n"
                "We thank the coalition and everyone who signed for keeping watch."
            ),
        ),
    ),
    # The fisherman's petition on the sand dredging, still open.
    (8, "20:00", WritePetition("颍上渔家", SAND_PETITION)),
    (8, "20:05", LookForSponsors(SAND, by="颍上渔家")),
    (8, "20:10", SignWithAccount(SAND, AccountSigner("颍上渔家", "340000"))),
    (8, "21:30", SignWithAccount(SAND, AccountSigner("守望者阿河", "340000"))),
    (7, "07:30", SignWithAccount(SAND, AccountSigner("五河圩区村民", "340000"))),
    (7, "09:15", SignWithAccount(SAND, AccountSigner("河边取样员", "340000"))),
    (7, "12:40", SignWithAccount(SAND, AccountSigner("淮畔观察", "340000"))),
    (6, "08:00", Approve(SAND)),
    (6, "08:10", SignAsOrganisation(SAND, WATCHERS, by="守望者阿河")),
    # The coalition's next proposal, still being voted on.
    (3, "10:00", Propose(by=DELEGATES[SHAYING], proposal=SECOND_PROPOSAL)),
    (
        2,
        "15:00",
        Vote(
            SECOND,
            WATCHERS,
            AGREE,
            "同意，夜间巡河我们出两个人和一条船。\n\n"
            "Agree: we bring two people and a boat to the night patrols.",
        ),
    ),
    (
        2,
        "20:00",
        Vote(
            SECOND,
            HUAINAN,
            AGREE,
            "同意。颍上离淮南不远，我们可以派人一起去。\n\n"
            "Agree. Yingshang is not far from Huainan; we can send people along.",
        ),
    ),
)

# The joint petition's signers once it is open, in the order they sign: with the three
# organisations and its two sponsors they reach its goal of 50 (one e-mail signer takes
# hers back, and the last confirmation closes it).
JOINT_SIGNERS: tuple[AccountSigner | EmailSigner, ...] = (
    AccountSigner("怀远老钓友", "340000"),
    EmailSigner("chen.xiaoyu@example.com", "陈晓雨", "340000"),
    EmailSigner("huaiyuan.teacher@example.net", "怀远的刘老师", "340000"),
    AccountSigner("下游的周家", "340000"),
    EmailSigner("zhanglin88@example.com", "张琳", "340000", hidden=True),
    AccountSigner("沙颍河边人", "410000"),
    EmailSigner("zhoukou.student@example.com", "周口读大学的", "410000"),
    EmailSigner("bengbu.runner@example.org", "蚌埠跑步的", "340000"),
    AccountSigner("五河巡河员", "340000"),
    EmailSigner(
        "changed.mind@example.net", "王先生", "340000", withdraws_after=timedelta(hours=20)
    ),
    EmailSigner("fish.market@example.com", "", "340000"),
    AccountSigner("yancheng-teacher", "320000"),
    EmailSigner("huaian.birder@example.com", "淮安观鸟", "320000"),
    AccountSigner("shaying-volunteer-gao", "410000"),
    EmailSigner("li.na.hefei@example.com", "李娜", "340000"),
    EmailSigner("tomli@example.com", "Tom Li", "310000", language="en"),
    AccountSigner("蒲公英律师-老陈", "110000"),
    EmailSigner("wuhe.farmer@example.net", "五河种菜的", "340000"),
    AccountSigner("颍上渔家", "340000"),
    EmailSigner("xiaoma.henan@example.org", "小马", "410000"),
    EmailSigner("yancheng.mum@example.net", "盐城妈妈", "320000", hidden=True),
    AccountSigner("洪泽湖观鸟人", "320000"),
    AccountSigner("hongze-volunteer-xu", "320000"),
    EmailSigner("guangzhou.anhui@example.net", "在广州的安徽人", "440000"),
    AccountSigner("钢筋工阿强", "440000"),
    EmailSigner("nanjing.env@example.com", "南京环境专业学生", "320000"),
    EmailSigner("chenjie.sh@example.com", "陈洁", "310000"),
    AccountSigner("劳权中心-小林", "440000"),
    EmailSigner("shenqiu.well@example.net", "", "410000"),
    EmailSigner("anna.w@example.net", "Anna W.", "110000", language="en"),
    AccountSigner("江城白衣", "420000"),
    EmailSigner("shenzhen.bengbu@example.com", "深圳打工的蚌埠人", "440000"),
    EmailSigner("hangzhou.kayak@example.com", "杭州划艇的", "330000"),
    AccountSigner("wheels-in-pudong", "310000"),
    EmailSigner("river.reader@example.com", "", None),
    EmailSigner("law.student.bj@example.org", "法学院学生", "110000"),
    AccountSigner("green-home-mei", "340000"),
    EmailSigner("wuhan.river@example.org", "武汉江边人", "420000"),
    EmailSigner("guo.ming@example.com", "郭明", "340000", hidden=True),
    AccountSigner("五河圩区村民", "340000"),
    EmailSigner("fengtai.parent@example.net", "凤台家长", "340000"),
    EmailSigner("miner.son@example.com", "矿工的儿子", "340000"),
    EmailSigner("huai.fan@example.com", "Huai River fan", None, language="en"),
    EmailSigner("bengbu.resident@example.org", "", "340000"),
    EmailSigner("yingshang.nurse@example.net", "颍上护士", "340000"),
    EmailSigner("xu.lan@example.com", "徐岚", "320000"),
)
# When they sign (days before the demo is loaded), and how long after signing an e-mail
# signer follows her confirmation link.
JOINT_SIGNING_DAYS = (29, 23)
SAND_SIGNING_DAYS = (6, 2)
CONFIRMED_AFTER = timedelta(minutes=35)
# The job that delivers a petition runs a moment after the signature that closed it.
DELIVERED_AFTER = timedelta(minutes=10)

SAND_SIGNERS: tuple[AccountSigner | EmailSigner, ...] = (
    AccountSigner("沙颍河边人", "410000"),
    EmailSigner("fish.market@example.com", "", "340000"),
    EmailSigner("yingshang.nurse@example.net", "颍上护士", "340000"),
    AccountSigner("huai-volunteer-lin", "340000"),
    EmailSigner("xiaoma.henan@example.org", "小马", "410000"),
    AccountSigner("周口护河人", "410000"),
    EmailSigner("huaiyuan.teacher@example.net", "怀远的刘老师", "340000"),
    AccountSigner("yancheng-teacher", "320000"),
    EmailSigner("miner.son@example.com", "矿工的儿子", "340000"),
    AccountSigner("蒲公英律师-老陈", "110000"),
    EmailSigner("hangzhou.kayak@example.com", "杭州划艇的", "330000"),
    EmailSigner("anna.w@example.net", "Anna W.", "110000", language="en"),
    AccountSigner("green-home-mei", "340000"),
)


def collective_region_codes() -> set[str]:
    """The regions the story needs loaded."""
    codes = {code for organisation in ORGANISATIONS for code in organisation.regions}
    codes |= {JOINT_PETITION.region, SAND_PETITION.region, REPEATED_PETITION.region}
    for signer in (*JOINT_SIGNERS, *SAND_SIGNERS):
        if signer.province is not None:
            codes.add(signer.province)
    return codes


# --- timing ---------------------------------------------------------------------------------

# People sign between these hours of the day.
SIGNING_FROM = time(8, 30)
SIGNING_HOURS = 13


def _spread(today: date, count: int, days: tuple[int, int]) -> list[datetime]:
    """`count` moments, in order, from `days[0]` days before `today` to at most `days[1]`:
    as many on each day, evenly through its signing hours."""
    from minjian.demo.loader import local_moment

    first, last = days
    per_day = math.ceil(count / (first - last + 1))
    gap = timedelta(hours=SIGNING_HOURS) / per_day
    return [
        local_moment(today, first - position // per_day, SIGNING_FROM) + gap * (position % per_day)
        for position in range(count)
    ]


def _signing_steps(
    today: date, title: str, signers: Sequence[AccountSigner | EmailSigner], days: tuple[int, int]
) -> list[Step]:
    from minjian.demo.loader import Step

    steps: list[Step] = []
    for at, signer in zip(_spread(today, len(signers), days), signers, strict=True):
        match signer:
            case AccountSigner():
                steps.append(Step(at, SignWithAccount(title, signer)))
            case EmailSigner(email=email, withdraws_after=withdraws_after):
                steps.append(Step(at, SignByEmail(title, signer)))
                steps.append(Step(at + CONFIRMED_AFTER, Confirm(title, email)))
                if withdraws_after is not None:
                    steps.append(
                        Step(at + CONFIRMED_AFTER + withdraws_after, Withdraw(title, email))
                    )
    return steps


def _organisation_steps(today: date) -> list[Step]:
    """The story's groups registered by their admins, members added, verified a day later,
    as the loader registers the demo's others."""
    from minjian.demo.loader import (
        ORGANISATION_HOUR,
        SIGN_UP_LEAD,
        AddMember,
        CreateOrganisation,
        SignUp,
        Step,
        Verify,
        local_moment,
    )

    steps: list[Step] = []
    for organisation in ORGANISATIONS:
        created = local_moment(today, organisation.created_days_ago, ORGANISATION_HOUR)
        (admin,) = organisation.admins
        steps += [
            Step(created - SIGN_UP_LEAD, SignUp(admin)),
            Step(created, CreateOrganisation(organisation)),
        ]
        for position, member in enumerate(organisation.members, start=1):
            at = created + timedelta(minutes=20 * position)
            steps += [
                Step(at - SIGN_UP_LEAD, SignUp(member)),
                Step(at, AddMember(organisation, admin, member, Membership.Role.MEMBER.value)),
            ]
        steps.append(Step(created + timedelta(days=1), Verify(organisation)))
    return steps


def collective_demo_steps(schedule: Sequence[Step]) -> list[Step]:
    """The story's steps, timed as the demo's content is: days before the day the loader's
    schedule ends on (found from the paper mill's report, `days_ago` before it)."""
    from minjian.demo.loader import LOCAL_ZONE, Step, Submit, local_moment

    (paper_mill,) = (case for case in CASES if case.key == PAPER_MILL)
    submitted = next(
        step.at
        for step in schedule
        if isinstance(step.action, Submit) and step.action.case is paper_mill
    )
    today = submitted.astimezone(LOCAL_ZONE).date() + timedelta(days=paper_mill.days_ago)

    steps = _organisation_steps(today)
    for days_ago, clock, action in STORY:
        hour, minute = (int(part) for part in clock.split(":"))
        steps.append(Step(local_moment(today, days_ago, time(hour, minute)), action))
    joint = _signing_steps(today, JOINT, JOINT_SIGNERS, JOINT_SIGNING_DAYS)
    steps += joint
    steps.append(Step(max(step.at for step in joint) + DELIVERED_AFTER, Deliver(JOINT)))
    steps += _signing_steps(today, SAND, SAND_SIGNERS, SAND_SIGNING_DAYS)
    return steps
