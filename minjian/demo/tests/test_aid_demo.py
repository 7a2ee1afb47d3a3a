"""The demo's Wuhan drive: 20 hospitals, about 100 donors, every state a drive goes through."""

from __future__ import annotations

import pytest
from django.test import Client

from minjian.aid import selectors
from minjian.aid.models import Pledge, Shipment
from minjian.demo.aid import HOSPITALS, MASKS_PLEDGED, SUITS_PLEDGED, load_aid_demo
from minjian.places.tests.factories import make_region

pytestmark = pytest.mark.django_db
DISTRICTS = {
    "420102": "江岸区",
    "420103": "江汉区",
    "420104": "硚口区",
    "420105": "汉阳区",
    "420106": "武昌区",
    "420107": "青山区",
    "420112": "东西湖区",
    "420115": "江夏区",
    "420116": "黄陂区",
}


def test_the_wuhan_drive_is_loaded_in_every_state(client: Client) -> None:
    hubei = make_region("420000", "湖北省", "Hubei")
    wuhan = make_region("420100", "武汉市", "Wuhan", parent=hubei, level=2)
    for code, name in DISTRICTS.items():
        make_region(code, name, parent=wuhan, level=3)

    drive = load_aid_demo(password="demo password 2020")

    assert drive.starts_at.year == 2020 and drive.starts_at.month == 1
    assert drive.recipients.count() == len(HOSPITALS) == 20
    assert drive.recipients.filter(verified_at__isnull=True).count() == 1
    pledges = Pledge.objects.filter(drive=drive)
    accepted = pledges.filter(state=Pledge.State.ACCEPTED)
    assert sum(p.quantity for p in accepted if p.item.name_en == "Protective suit") == SUITS_PLEDGED
    assert sum(p.quantity for p in accepted if p.item.name_en == "Surgical mask") == MASKS_PLEDGED
    assert 95 <= pledges.count() <= 110
    assert set(pledges.values_list("state", flat=True)) == {
        "pending",
        "accepted",
        "declined",
    }
    assert pledges.exclude(earmarked_need=None).exists()
    shipments = Shipment.objects.filter(line__need__recipient__drive=drive)
    assert set(shipments.values_list("state", flat=True)) == {"planned", "shipped", "received"}
    received = shipments.filter(state="received")
    assert any(shipment.shortfall > 0 for shipment in received)
    assert received.filter(damaged_quantity__gt=0).exists()
    assert received.exclude(on_behalf_reason="").exists()
    assert drive.allocation_rounds.count() == 3

    ledger = selectors.ledger(drive)
    suits = next(row for row in ledger.totals if row.item.name_en == "Protective suit")
    assert suits.figures.pledged == SUITS_PLEDGED
    assert 0 < suits.figures.received < suits.figures.shipped <= suits.figures.allocated
    page = client.get(f"/aid/{drive.pk}/ledger/")
    assert page.status_code == 200 and "武汉市金银潭医院" in page.content.decode()
