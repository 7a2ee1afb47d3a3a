"""The organisers' pages, apart from the public ones: a drive's desk and its buttons.

Every page here goes through `access.access_drive_for_organiser`, so only the
drive's organisers reach it; the services check again in their transaction.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minjian.aid import access, selectors, services
from minjian.aid.access import OrganisedDrive
from minjian.aid.forms import ItemForm, RegionWeightForm
from minjian.core.errors import DomainError, NotFound
from minjian.core.text import parse_id


def organise(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_for_organiser(request.user, drive_id).drive
    return render(
        request,
        "aid/organise.html",
        {
            "drive": drive,
            "desk": selectors.organiser_desk(drive),
            "item_form": ItemForm(),
            "weight_form": RegionWeightForm(regions=selectors.region_choices(drive)),
        },
    )


# One organiser's button: what it acts on (`target`, an id; 0 when it names none) and
# the drive it is pressed in. Returns what to tell the organiser when it went well.
OrganiserAction = Callable[[HttpRequest, OrganisedDrive, int], str | None]


def _accept(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.pledge_accept(actor=organised.organiser, pledge_id=target)


def _decline(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.pledge_decline(
        actor=organised.organiser, pledge_id=target, reason=request.POST.get("reason", "")
    )


def _verify(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.recipient_verify(actor=organised.organiser, recipient_id=target)


def _allocate(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    round_ = services.drive_allocate(actor=organised.organiser, drive_id=organised.drive.pk)
    count = selectors.round_lines(round_).count()
    return _("Allocation round done: %(count)d lines.") % {"count": count}


def _plan(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.shipment_plan(
        actor=organised.organiser,
        line_id=target,
        courier_note=request.POST.get("courier_note", ""),
    )


def _ship(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.shipment_send(
        actor=organised.organiser,
        shipment_id=target,
        courier_note=request.POST.get("courier_note", ""),
    )


def _add_item(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    form = ItemForm(request.POST)
    form.is_valid()
    services.item_add(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        name_zh=form.cleaned_data.get("name_zh", ""),
        name_en=form.cleaned_data.get("name_en", ""),
        unit_zh=form.cleaned_data.get("unit_zh", ""),
        unit_en=form.cleaned_data.get("unit_en", ""),
    )


def _add_organiser(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.drive_add_organiser(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        username=request.POST.get("username", ""),
    )


def _attach_account(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    services.recipient_attach_account(
        actor=organised.organiser, recipient_id=target, username=request.POST.get("username", "")
    )


def _weigh_region(request: HttpRequest, organised: OrganisedDrive, target: int) -> None:
    try:
        weight = float(request.POST.get("weight", ""))
    except ValueError:
        # Not a number: the service refuses 0 as out of range.
        weight = 0.0
    services.region_weight_set(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        region_code=request.POST.get("region", ""),
        weight=weight,
    )


ORGANISER_ACTIONS: dict[str, OrganiserAction] = {
    "accept": _accept,
    "decline": _decline,
    "verify": _verify,
    "allocate": _allocate,
    "plan": _plan,
    "ship": _ship,
    "item": _add_item,
    "organiser": _add_organiser,
    "attach": _attach_account,
    "weight": _weigh_region,
}


@require_POST
def organise_action(request: HttpRequest, drive_id: int, action: str) -> HttpResponse:
    """Each organiser button posts here with the id of what it acts on."""
    organised = access.access_drive_for_organiser(request.user, drive_id)
    act = ORGANISER_ACTIONS.get(action)
    try:
        if act is None:
            raise NotFound(_("There is no such action."))
        # 0 names no row: the service refuses it as it refuses an unknown one.
        done = act(request, organised, parse_id(request.POST.get("target", "")) or 0)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, str(error.message))
    else:
        if done:
            messages.success(request, done)
    return redirect("aid:organise", drive_id=organised.drive.pk)
