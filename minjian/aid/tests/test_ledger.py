"""The public ledger: figures summed from events, traceable to them, downloadable as CSV and HXL."""

from __future__ import annotations

import csv
import io
from typing import Any

import hxl
import pytest
from django.test import Client
from django.utils import translation

from minjian.accounts.tests.factories import make_user
from minjian.aid import selectors, services
from minjian.aid.downloads import SCHEMA_PATH, ledger_download
from minjian.aid.tests.factories import (
    DriveSetup,
    accepted_pledge,
    add_need,
    add_recipient,
    make_drive,
)

pytestmark = pytest.mark.django_db


def _busy_drive() -> DriveSetup:
    """Two hospitals, earmarked and general supply, one shipment received short and damaged."""
    setup = make_drive()
    suits, masks = setup.item("Protective suit"), setup.item("Surgical mask")
    union = add_recipient(setup, "Union Hospital", region_code="420102")
    tongji = add_recipient(setup, "Tongji Hospital", region_code="420106")
    add_need(setup, union, suits, 100, "urgent")
    add_need(setup, tongji, suits, 50, "high")
    add_need(setup, tongji, masks, 1000, "normal")
    donor = make_user("donor")
    accepted_pledge(setup, suits, 20, donor=donor, recipient=tongji)
    accepted_pledge(setup, suits, 60, donor=donor)
    accepted_pledge(setup, masks, 400, donor=donor)
    round_ = services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    line = round_.lines.filter(need__recipient=union).first()
    assert line is not None
    shipment = services.shipment_plan(actor=setup.organiser, line_id=line.pk)
    services.shipment_send(actor=setup.organiser, shipment_id=shipment.pk)
    services.shipment_confirm_receipt(
        actor=setup.speakers[0],
        shipment_id=shipment.pk,
        received_quantity=line.quantity - 3,
        damaged_quantity=2,
    )
    return setup


def _read(text: str) -> Any:
    return hxl.data(io.BytesIO(text.encode()))


def _schema() -> Any:
    return hxl.data(io.BytesIO(SCHEMA_PATH.read_bytes()))


def test_every_figure_is_the_sum_of_the_events_behind_it(regions: Any) -> None:
    setup = _busy_drive()
    ledger = selectors.ledger(setup.drive)
    assert ledger.rows
    for row in ledger.rows:
        assert row.recipient is not None
        for figure in ("needed", "pledged", "allocated", "shipped", "received"):
            events = selectors.ledger_events(
                setup.drive, recipient_id=row.recipient.pk, item_id=row.item.pk, figure=figure
            )
            assert getattr(row.figures, figure) == sum(event.delta for event in events)
    suits = next(row for row in ledger.totals if row.item.name_en == "Protective suit")
    # Needed 150; pledged 80 (20 earmarked + 60); all 80 allocated; one shipment short by 3.
    assert (suits.figures.needed, suits.figures.pledged, suits.figures.allocated) == (150, 80, 80)
    assert suits.figures.received == suits.figures.shipped - 3
    assert (suits.figures.damaged, suits.figures.shortfall) == (2, 3)
    # Figures match the rows they describe, too.
    union = next(row for row in ledger.rows if row.recipient == setup.recipients[0])
    assert union.figures.needed == setup.recipients[0].needs.get().quantity


def test_the_ledger_page_links_each_figure_to_its_events(regions: Any, client: Client) -> None:
    setup = _busy_drive()
    page = client.get(f"/aid/{setup.drive.pk}/ledger/", headers={"Accept-Language": "en"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "polyline" in html and 'style="' not in html
    union = setup.recipients[0]
    suits = setup.item("Protective suit")
    link = (
        f"/aid/{setup.drive.pk}/ledger/events/"
        f"?item={suits.pk}&amp;recipient={union.pk}&amp;figure=received"
    )
    assert link in html
    events = client.get(link.replace("&amp;", "&"), headers={"Accept-Language": "en"})
    received = selectors.ledger(setup.drive, recipient_id=union.pk).rows[0].figures.received
    assert f"These events add up to {received}." in events.content.decode()


def test_ledger_downloads_are_csv_and_valid_hxl(regions: Any, client: Client) -> None:
    setup = _busy_drive()
    as_csv = client.get(f"/api/v1/drives/{setup.drive.pk}/ledger.csv")
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(as_csv.getvalue().decode())))
    assert len(rows) == 1 + 3 + 2  # header, three needs, un-earmarked pool of two items

    as_hxl = client.get(f"/api/v1/drives/{setup.drive.pk}/ledger.hxl")
    text = as_hxl.getvalue().decode()
    hashtags = text.splitlines()[1]
    for tag in (
        "#org+recipient",
        "#adm1",
        "#adm2",
        "#loc",
        "#item+name",
        "#item+unit",
        "#need+num",
        "#value+num+pledged",
        "#output+num+shipped",
        "#reached+num+received",
        "#status",
        "#date",
    ):
        assert tag in hashtags
    errors: list[str] = []
    assert _read(text).validate(schema=_schema(), callback=lambda e: errors.append(str(e)))
    assert errors == []
    received = [row.get("#reached+num+received") for row in _read(text)]
    assert any(int(value) > 0 for value in received)


def test_the_schema_refuses_a_broken_ledger() -> None:
    """The schema is not a formality: a negative quantity or an unknown status fails it."""
    broken = (
        "Recipient,Province,Item,Unit,Needed,Pledged,Allocated,Shipped,Received,Damaged,"
        "Shortfall,Status,Date\n"
        "#org+recipient,#adm1+name,#item+name,#item+unit,#need+num,#value+num+pledged,"
        "#value+num+allocated,#output+num+shipped,#reached+num+received,#value+num+damaged,"
        "#value+num+shortfall,#status,#date\n"
        "Union,Hubei,Mask,mask,-5,0,0,0,0,0,0,lost,2020-01-25\n"
    )
    errors: list[str] = []
    assert not _read(broken).validate(schema=_schema(), callback=lambda e: errors.append(str(e)))
    assert len(errors) >= 2


def _ledger_text(setup: DriveSetup) -> str:
    return ledger_download(selectors.ledger(setup.drive), hxl=False).getvalue().decode("utf-8-sig")


def test_downloads_read_in_the_language_of_the_request(regions: Any) -> None:
    setup = _busy_drive()
    with translation.override("zh-hans"):
        zh = _ledger_text(setup)
    with translation.override("en"):
        en = _ledger_text(setup)
    assert zh.startswith("受助方") and "防护服" in zh
    assert en.startswith("Recipient") and "Protective suit" in en


def _all_allocated() -> DriveSetup:
    """General and earmarked supply, every unit of it allocated: the demo's end state."""
    setup = make_drive()
    suits = setup.item("Protective suit")
    union = add_recipient(setup, "Union Hospital", region_code="420102")
    tongji = add_recipient(setup, "Tongji Hospital", region_code="420106")
    add_need(setup, union, suits, 100, "urgent")
    add_need(setup, tongji, suits, 50, "high")
    donor = make_user("donor")
    accepted_pledge(setup, suits, 20, donor=donor, recipient=tongji)
    accepted_pledge(setup, suits, 60, donor=donor)
    accepted_pledge(setup, suits, 30, donor=donor)
    services.drive_allocate(actor=setup.organiser, drive_id=setup.drive.pk)
    return setup


def test_when_everything_is_allocated_no_row_says_not_yet_allocated(
    regions: Any, client: Client
) -> None:
    setup = _all_allocated()
    ledger = selectors.ledger(setup.drive)
    (general,) = ledger.general_supply
    assert (general.accepted, general.allocated, general.not_yet_allocated) == (90, 90, 0)
    (suits,) = ledger.totals
    assert (suits.figures.pledged, suits.figures.allocated) == (110, 110)
    page = client.get(f"/aid/{setup.drive.pk}/ledger/", headers={"Accept-Language": "en"}).text
    assert "not yet allocated)" not in page
    row = page.split('class="ledger general-supply"')[1].split("</table>")[0]
    assert '<td class="figure figure-waiting">0</td>' in row
    # Each figure of the general supply is the sum of the events it links to.
    for figure, source, shown in (
        ("pledged", "pool", general.accepted),
        ("allocated", "from_pool", general.allocated),
    ):
        link = f"?item={general.item.pk}&amp;figure={figure}&amp;{source}=1"
        assert f'{link}">{shown}</a>' in row
        events = client.get(
            f"/aid/{setup.drive.pk}/ledger/events/{link.replace('&amp;', '&')}",
            headers={"Accept-Language": "en"},
        )
        assert f"These events add up to {shown}." in events.text


def test_the_downloads_columns_add_up_to_the_totals(regions: Any) -> None:
    """The pool row counts what was pledged to the drive as a whole; what it gave is in
    the recipients' rows, so no unit is counted twice."""
    setup = _all_allocated()
    with translation.override("en"):
        rows = list(csv.reader(io.StringIO(_ledger_text(setup))))
    header, body = rows[0], rows[1:]
    (pool,) = [row for row in body if row[0].startswith("(pledged to the drive as a whole")]
    assert pool[header.index("Pledged")] == "90" and pool[header.index("Allocated")] == "0"
    for column, total in (("Needed", 150), ("Pledged", 110), ("Allocated", 110)):
        assert sum(int(row[header.index(column)]) for row in body) == total


def test_downloads_carry_a_byte_order_mark_and_the_csv_speaks_the_readers_language(
    regions: Any, client: Client
) -> None:
    setup = _busy_drive()
    chinese = client.get(
        f"/api/v1/drives/{setup.drive.pk}/ledger.csv", headers={"Accept-Language": "zh-hans"}
    )
    hxl_file = client.get(
        f"/api/v1/drives/{setup.drive.pk}/ledger.hxl", headers={"Accept-Language": "zh-hans"}
    )
    # A streamed answer is read once.
    chinese_bytes, hxl_bytes = chinese.getvalue(), hxl_file.getvalue()
    for content in (chinese_bytes, hxl_bytes):
        assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(chinese_bytes.decode("utf-8-sig"))))
    assert {row["状态"] for row in rows} <= {
        "需求已满足",
        "部分满足或在途",
        "尚未分配",
        "认捐给整个募集",
    }
    assert {"部分满足或在途", "认捐给整个募集"} <= {row["状态"] for row in rows}
    # HXL keeps the codes its schema and tools read, and stays valid with the mark.
    text = hxl_bytes.decode("utf-8-sig")
    assert {row.get("#status") for row in _read(text)} <= {"met", "partial", "open", "pool"}
    errors: list[str] = []
    assert hxl.data(io.BytesIO(hxl_bytes)).validate(
        schema=_schema(), callback=lambda e: errors.append(str(e))
    )
    assert errors == []
