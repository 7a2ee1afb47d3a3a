"""The one way to fetch a case that may not be public."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.models import Case
from minjian.cases.selectors import case_with_timeline
from minjian.core.errors import NotFound

Viewer = User | AnonymousUser


def can_view_case(viewer: Viewer, case: Case) -> bool:
    """Public cases are seen by all; a case still under review by its reporter and staff."""
    if case.is_public:
        return True
    if not viewer.is_authenticated:
        return False
    return bool(viewer.is_staff) or case.reporter_id == viewer.pk


def access_case_by_id(viewer: Viewer, case_id: int) -> Case:
    """The case with its topic, region, photos and timeline, if this viewer may see it.

    A case the viewer may not see is reported as missing, not as forbidden, so
    that its existence is not revealed.
    """
    case = case_with_timeline(case_id)
    if case is None or not can_view_case(viewer, case):
        raise NotFound(_("There is no such case."))
    return case
