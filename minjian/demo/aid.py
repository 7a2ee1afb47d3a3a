"""The demo's aid drive, shaped like the volunteer drive "Face Masks Guru" ran for Wuhan.

In January 2020 volunteers collected 4,330 protective suits and 14,000 surgical
masks for 20 hospitals in Wuhan. The demo replays a drive of that shape through
the services, on the dates it would have happened (the clock is moved with
time-machine, as the rest of the demo does): 20 hospitals in Wuhan's districts
register and state their needs, about 100 donors pledge (a few declined, a few
still waiting), three allocation rounds run, and shipments are planned, in
transit, received in full, received short, received damaged, and once confirmed
by an organiser on a hospital's behalf.

The numbers are made up but fixed, so every load gives the same drive.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import time_machine

from minjian.accounts.models import User
from minjian.accounts.services import account_sign_up
from minjian.aid import services
from minjian.aid.models import Drive, Item, Recipient, Shipment

WUHAN = ZoneInfo("Asia/Shanghai")
DRIVE_REGION = "420100"
ORGANISERS = ("口罩大师-阿杰", "口罩大师-小林", "口罩大师-Mei")
SUITS_PLEDGED = 4_330
MASKS_PLEDGED = 14_000
DONORS = 100
# Donors with an account; the others pledge anonymously with a receipt code.
DONOR_ACCOUNTS = 12
# The organisers' smallest allocation lines.
SUITS_PER_CARTON = 10
MASKS_PER_BOX = 50


@dataclass(frozen=True)
class DemoHospital:
    name: str
    district: str
    region: str
    suits: int
    masks: int
    priority: str


HOSPITALS: tuple[DemoHospital, ...] = (
    DemoHospital("武汉市金银潭医院", "东西湖区", "420112", 600, 2000, "urgent"),
    DemoHospital("华中科技大学同济医学院附属协和医院", "江汉区", "420103", 500, 2000, "urgent"),
    DemoHospital("华中科技大学同济医学院附属同济医院", "硚口区", "420104", 500, 2000, "urgent"),
    DemoHospital("武汉大学人民医院", "武昌区", "420106", 400, 1500, "urgent"),
    DemoHospital("武汉大学中南医院", "武昌区", "420106", 400, 1500, "urgent"),
    DemoHospital("武汉市中心医院", "江岸区", "420102", 400, 1500, "urgent"),
    DemoHospital("武汉市第一医院", "硚口区", "420104", 300, 1000, "urgent"),
    DemoHospital("武汉市第三医院", "武昌区", "420106", 300, 1000, "high"),
    DemoHospital("武汉市第四医院", "硚口区", "420104", 250, 800, "high"),
    DemoHospital("武汉市第五医院", "汉阳区", "420105", 250, 800, "high"),
    DemoHospital("武汉市第六医院", "江岸区", "420102", 200, 800, "high"),
    DemoHospital("武汉市第七医院", "武昌区", "420106", 200, 800, "high"),
    DemoHospital("武汉市第八医院", "江岸区", "420102", 150, 600, "normal"),
    DemoHospital("武汉市第九医院", "青山区", "420107", 200, 800, "high"),
    DemoHospital("武汉市汉口医院", "江岸区", "420102", 300, 1000, "urgent"),
    DemoHospital("武汉市红十字会医院", "硚口区", "420104", 300, 1000, "urgent"),
    DemoHospital("武汉市肺科医院", "江汉区", "420103", 250, 800, "high"),
    DemoHospital("湖北省中西医结合医院", "硚口区", "420104", 200, 800, "normal"),
    DemoHospital("武汉市江夏区第一人民医院", "江夏区", "420115", 150, 600, "normal"),
    DemoHospital("武汉市黄陂区人民医院", "黄陂区", "420116", 150, 600, "normal"),
)
# The last hospital registered late: the organisers had not verified it yet.
UNVERIFIED = 1


def required_region_codes() -> set[str]:
    return {DRIVE_REGION} | {hospital.region for hospital in HOSPITALS}


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=WUHAN)


def _shares(total: int, parts: int) -> list[int]:
    """`total` split into `parts` uneven whole shares that add up exactly."""
    weights = [1 + (index * 7) % 5 for index in range(parts)]
    shares = [total * weight // sum(weights) for weight in weights]
    shares[0] += total - sum(shares)
    return shares


class _AidDemo:
    def __init__(self, password: str) -> None:
        self.password = password
        self.start = date(2020, 1, 24)
        self.queue: list[tuple[datetime, int, Callable[[], object]]] = []
        self.order = itertools.count()

    def sign_up(self, pseudonym: str) -> User:
        return account_sign_up(username=pseudonym, email="", password=self.password)

    def load(self) -> Drive:
        with time_machine.travel(_at(self.start, 9), tick=False) as clock:
            self.clock = clock
            organisers = [self.sign_up(pseudonym) for pseudonym in ORGANISERS]
            self.organiser = organisers[0]
            drive = services.drive_create(
                actor=self.organiser,
                title_zh="口罩大师：武汉医院防护物资",
                title_en="Face Masks Guru: protection for Wuhan hospitals",
                description=(
                    "志愿者为武汉 20 家医院募集防护服和医用外科口罩，每一笔捐赠、分配、"
                    "发货和签收都公开记录。\n"
                    "Volunteers collect protective suits and surgical masks for 20 hospitals "
                    "in Wuhan; every pledge, allocation, shipment and receipt is public."
                ),
                region_code=DRIVE_REGION,
                starts_at=_at(self.start, 9),
                ends_at=_at(date(2020, 2, 29), 23, 59),
                organisers=organisers[1:],
            )
            self.drive = drive
            self.suits = drive.items.get(name_en="Protective suit")
            self.masks = drive.items.get(name_en="Surgical mask")
            # Suits travel in cartons of 10 and masks in boxes of 50: no smaller parcels.
            for item, smallest in ((self.suits, SUITS_PER_CARTON), (self.masks, MASKS_PER_BOX)):
                services.item_set_min_line(
                    actor=self.organiser, drive_id=drive.pk, item_id=item.pk, quantity=smallest
                )
            recipients = self._hospitals()
            self._verify(recipients)
            donors = [self.sign_up(f"武汉加油-{index + 1:02d}") for index in range(DONOR_ACCOUNTS)]
            self._pledges(recipients, donors)
            self._rounds(recipients)
            self.run_queue()
        return drive

    def move_to(self, moment: datetime) -> None:
        self.clock.move_to(moment)

    def _hospitals(self) -> list[tuple[Recipient, User, DemoHospital]]:
        recipients = []
        for index, hospital in enumerate(HOSPITALS):
            self.move_to(_at(self.start, 10, 0) + timedelta(minutes=17 * index))
            desk = self.sign_up(f"{hospital.name}-物资科")
            recipient = services.recipient_register(
                actor=desk,
                drive_id=self.drive.pk,
                name=hospital.name,
                kind="hospital",
                place=hospital.district,
                region_code=hospital.region,
            )
            for item, quantity in ((self.suits, hospital.suits), (self.masks, hospital.masks)):
                services.need_set(
                    actor=desk,
                    recipient_id=recipient.pk,
                    item_id=item.pk,
                    quantity=quantity,
                    priority=hospital.priority,
                    deadline=self.start + timedelta(days=7),
                )
            recipients.append((recipient, desk, hospital))
        return recipients

    def _verify(self, recipients: list[tuple[Recipient, User, DemoHospital]]) -> None:
        for index, (recipient, _desk, _hospital) in enumerate(recipients[:-UNVERIFIED]):
            self.move_to(_at(self.start + timedelta(days=1), 9) + timedelta(minutes=5 * index))
            services.recipient_verify(actor=self.organiser, recipient_id=recipient.pk)
        # Jinyintan's need of suits grew once the first wards filled up.
        recipient, desk, hospital = recipients[0]
        self.move_to(_at(self.start + timedelta(days=1), 16))
        services.need_set(
            actor=desk,
            recipient_id=recipient.pk,
            item_id=self.suits.pk,
            quantity=hospital.suits + 200,
            priority="urgent",
        )
        # Outlying districts reached last by volunteers' cars weigh a little more.
        for region in ("420115", "420116"):
            services.region_weight_set(
                actor=self.organiser, drive_id=self.drive.pk, region_code=region, weight=1.5
            )

    def later(self, moment: datetime, action: Callable[[], object]) -> None:
        heapq.heappush(self.queue, (moment, next(self.order), action))

    def run_queue(self) -> None:
        """Run the scheduled steps in time order, with the clock at each step's moment."""
        while self.queue:
            moment, _order, action = heapq.heappop(self.queue)
            self.move_to(moment)
            action()

    def _pledges(
        self, recipients: list[tuple[Recipient, User, DemoHospital]], donors: list[User]
    ) -> None:
        suit_donors = DONORS * 3 // 10
        plan: list[tuple[Item, int]] = [
            (self.suits, quantity) for quantity in _shares(SUITS_PLEDGED, suit_donors)
        ] + [(self.masks, quantity) for quantity in _shares(MASKS_PLEDGED, DONORS - suit_donors)]
        # Suit and mask pledges alternate, about one every hour and a half over eight days.
        plan = [
            entry
            for pair in zip(plan[:suit_donors], plan[suit_donors:], strict=False)
            for entry in pair
        ] + (plan[2 * suit_donors :])
        first = _at(self.start + timedelta(days=1), 8)
        for index, (item, quantity) in enumerate(plan):
            donor = donors[index % len(donors)] if index % 8 == 0 else None
            # Every tenth pledge is earmarked for a hospital its donor knows.
            earmark = recipients[index % 7][0] if index % 10 == 3 else None
            self.later(
                first + timedelta(minutes=110 * index),
                partial(self._pledge, donor, item, quantity, earmark),
            )
        # Offers the organisers could not use, and two still waiting at the end.
        for offset, (quantity, reason) in enumerate(
            (
                (500, "不是医用级别 Not medical grade"),
                (2000, "无法核实来源 Source could not be checked"),
            )
        ):
            self.later(
                _at(self.start + timedelta(days=3), 11 + offset),
                partial(self._declined_pledge, quantity, reason),
            )
        for offset, quantity in enumerate((120, 300)):
            self.later(
                _at(self.start + timedelta(days=9), 15 + offset),
                partial(
                    services.pledge_make,
                    actor=None,
                    drive_id=self.drive.pk,
                    item_id=self.masks.pk,
                    quantity=quantity,
                ),
            )

    def _pledge(
        self, donor: User | None, item: Item, quantity: int, earmark: Recipient | None
    ) -> None:
        made = services.pledge_make(
            actor=donor,
            drive_id=self.drive.pk,
            item_id=item.pk,
            quantity=quantity,
            earmarked_recipient_id=earmark.pk if earmark else None,
        )
        self.later(
            datetime.now(tz=WUHAN) + timedelta(minutes=50),
            partial(services.pledge_accept, actor=self.organiser, pledge_id=made.pledge.pk),
        )

    def _declined_pledge(self, quantity: int, reason: str) -> None:
        declined = services.pledge_make(
            actor=None, drive_id=self.drive.pk, item_id=self.masks.pk, quantity=quantity
        )
        services.pledge_decline(actor=self.organiser, pledge_id=declined.pledge.pk, reason=reason)

    def _rounds(self, recipients: list[tuple[Recipient, User, DemoHospital]]) -> None:
        desks = {recipient.pk: desk for recipient, desk, _hospital in recipients}
        for round_number, day in enumerate((3, 6, 9)):
            self.later(
                _at(self.start + timedelta(days=day), 18),
                partial(self._round, day, last_round=round_number == 2, desks=desks),
            )

    def _round(self, day: int, *, last_round: bool, desks: dict[int, User]) -> None:
        round_ = services.drive_allocate(actor=self.organiser, drive_id=self.drive.pk)
        for index, line in enumerate(round_.lines.select_related("need").order_by("id")):
            if last_round and index % 3 == 0:
                continue  # allocated, not yet planned
            self.later(
                _at(self.start + timedelta(days=day + 1), 9) + timedelta(minutes=index),
                partial(
                    self._ship,
                    line.pk,
                    index,
                    desks[line.need.recipient_id],
                    day=day,
                    last_round=last_round,
                ),
            )

    def _ship(self, line_id: int, index: int, desk: User, *, day: int, last_round: bool) -> None:
        shipment = services.shipment_plan(
            actor=self.organiser,
            line_id=line_id,
            courier_note="顺丰 SF Express" if index % 2 else "志愿者车队 Volunteer drivers",
        )
        if last_round and index % 3 == 1:
            return  # planned, waiting for a car
        self.later(
            _at(self.start + timedelta(days=day + 1), 14) + timedelta(minutes=index),
            partial(self._send, shipment.pk, index, desk, day=day, last_round=last_round),
        )

    def _send(
        self, shipment_id: int, index: int, desk: User, *, day: int, last_round: bool
    ) -> None:
        shipment = services.shipment_send(actor=self.organiser, shipment_id=shipment_id)
        if last_round:
            return  # on its way
        self.later(
            _at(self.start + timedelta(days=day + 2), 11) + timedelta(minutes=index),
            partial(self._receive, shipment, desk, index),
        )

    def _receive(self, shipment: Shipment, desk: User, index: int) -> None:
        sent = shipment.sent_quantity or 0
        if index % 9 == 4:
            services.shipment_confirm_receipt(
                actor=self.organiser,
                shipment_id=shipment.pk,
                received_quantity=sent,
                on_behalf_reason=(
                    "医院物资科电话确认，科室无人上网 The supplies office confirmed by phone"
                ),
            )
        elif index % 7 == 2:
            services.shipment_confirm_receipt(
                actor=desk,
                shipment_id=shipment.pk,
                received_quantity=sent - max(1, sent // 20),
                note="少了一箱 One box short",
            )
        elif index % 11 == 5:
            services.shipment_confirm_receipt(
                actor=desk,
                shipment_id=shipment.pk,
                received_quantity=sent,
                damaged_quantity=max(1, sent // 10),
                note="雨水浸湿 Soaked by rain",
            )
        else:
            services.shipment_confirm_receipt(
                actor=desk, shipment_id=shipment.pk, received_quantity=sent
            )


def load_aid_demo(*, password: str) -> Drive:
    """The Wuhan drive, written through the services in January and February 2020."""
    return _AidDemo(password).load()
