"""What the source instance of the mirror tests does, run inside that instance by
`manage.py shell -c` (SourceInstance.run): cases written through the cases' own services
and the record sealed, as they are on a real instance. Each function prints JSON."""

from __future__ import annotations

import json

from django.test import override_settings

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.cases import services as case_services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region
from minjian.places.tests.factories import make_region_tree
from minjian.record.services import seal_record

REGION = "340321"
MODERATOR = "source-moderator"


def set_up() -> None:
    """Regions and a moderator: once, in the template every source instance copies."""
    make_region_tree()
    make_user(MODERATOR, is_staff=True)
    print(json.dumps({"ok": True}))


def publish(titles: list[str], photos: int = 0) -> None:
    """Public cases of these titles (published at once, as for a trusted reporter), each
    with `photos` photos, then the record sealed; prints their ids."""
    region = Region.objects.get(code=REGION)
    ids = []
    with override_settings(MINJIAN_REVIEW_UNTRUSTED_REPORTS=False):
        for number, title in enumerate(titles):
            case = make_case(
                region,
                title=title,
                description=f"{title}：每天夜里排放黑色污水。第{number}次。",
                photos=[jpeg_upload(f"photo-{number}-{index}.jpg") for index in range(photos)],
            )
            ids.append(case.pk)
    seal_record()
    print(json.dumps({"ids": ids, "states": [Case.objects.get(pk=pk).state for pk in ids]}))


def hide(case_id: int, reason: str) -> None:
    """A moderator hides the case for `reason`; the record sealed."""
    moderator = User.objects.get(username=MODERATOR)
    case_services.case_hide(actor=moderator, case_id=case_id, reason=reason)
    seal_record()
    print(json.dumps({"hidden": case_id}))


def withdraw_silently(case_id: int) -> None:
    """The case stops being public without any public step (as a database edited by hand
    or a lost table would leave it): no timeline event, nothing in the record."""
    Case.objects.filter(pk=case_id).update(state=Case.State.SUBMITTED)
    print(json.dumps({"withdrawn": case_id}))
