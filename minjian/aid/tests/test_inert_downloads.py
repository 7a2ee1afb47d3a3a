"""Ledger downloads are inert in a spreadsheet: a text cell that starts like a formula
is neutralised (OWASP CSV injection), while HXL figures stay numbers; and the
organiser's buttons refuse a target that is not an id instead of failing."""

from __future__ import annotations

import csv
import io
from typing import Any

import hxl
import pytest
from django.test import Client

from minjian.accounts.tests.factories import make_user
from minjian.aid import services
from minjian.aid.downloads import SCHEMA_PATH
from minjian.aid.models import Pledge
from minjian.aid.tests.factories import accepted_pledge, add_need, add_recipient, make_drive

pytestmark = pytest.mark.django_db
FORMULAS = ("=HYPERLINK(1)", "+SUM(1)", "-2+3", "@SUM(1)")


def _drive_with_formulas() -> Any:
    setup = make_drive()
    item = services.item_add(
        actor=setup.organiser,
        drive_id=setup.drive.pk,
        name_zh="=1+1",
        name_en="=1+1",
        unit_zh="@unit",
        unit_en="@unit",
    )
    for number, name in enumerate(FORMULAS):
        recipient = add_recipient(setup, name, speaker=f"desk-{number}")
        add_need(setup, recipient, item, 10 + number)
    accepted_pledge(setup, item, 5, donor=make_user("donor"))
    return setup


def test_csv_and_hxl_cells_that_start_like_formulas_are_neutralised(
    regions: Any, client: Client
) -> None:
    setup = _drive_with_formulas()
    for download in ("ledger.csv", "ledger.hxl"):
        response = client.get(f"/api/v1/drives/{setup.drive.pk}/{download}")
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(response.getvalue().decode(), newline="")))
        body = rows[2:] if download == "ledger.hxl" else rows[1:]
        for row in body:
            for cell in row:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (download, cell)
        recipients = {row[0] for row in body}
        assert {"'" + name for name in FORMULAS} <= recipients
        assert {row[4] for row in body} == {"'=1+1"}


def test_hxl_figures_stay_numbers_and_the_file_stays_valid(regions: Any, client: Client) -> None:
    setup = _drive_with_formulas()
    text = client.get(f"/api/v1/drives/{setup.drive.pk}/ledger.hxl").getvalue().decode()
    errors: list[str] = []
    data = hxl.data(io.BytesIO(text.encode()))
    schema = hxl.data(io.BytesIO(SCHEMA_PATH.read_bytes()))
    assert data.validate(schema=schema, callback=lambda error: errors.append(str(error)))
    assert errors == []
    needs = sorted(int(row.get("#need+num")) for row in hxl.data(io.BytesIO(text.encode())))
    assert needs[-len(FORMULAS) :] == [10, 11, 12, 13]


@pytest.mark.parametrize("target", ["²", "99999999999999999999", "abc", ""])
def test_accepting_a_pledge_with_a_target_that_is_no_id_is_refused(
    regions: Any, client: Client, target: str
) -> None:
    setup = make_drive()
    made = services.pledge_make(
        actor=make_user("donor"),
        drive_id=setup.drive.pk,
        item_id=setup.drive.items.first().pk,  # type: ignore[union-attr]  # a drive has items
        quantity=5,
    )
    client.force_login(setup.organiser)
    response = client.post(f"/aid/{setup.drive.pk}/organise/accept/", {"target": target})
    # Back to the organisers' page (303), with the refusal as its message.
    assert response.status_code == 303
    made.pledge.refresh_from_db()
    assert made.pledge.state == Pledge.State.PENDING
