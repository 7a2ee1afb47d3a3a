"""The organisers' pages, apart from the public ones: a drive's desk and its buttons.

Every page here goes through `access.access_drive_for_organiser`, so only the
drive's organisers reach it; the services check again in their transaction. Each
button says what it did, in the past tense, or why it did nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minjian.aid import access, selectors, services
from minjian.aid.access import OrganisedDrive
from minjian.aid.forms import ItemForm, MinLineForm, RegionWeightForm
from minjian.core.errors import DomainError, NotFound
from minjian.core.forms import see_other
from minjian.core.text import parse_id
from minjian.redaction import render_redactions


def organise(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_for_organiser(request.user, drive_id).drive
    desk = selectors.organiser_desk(drive)
    items = list(desk.items)
    return render(
        request,
        "aid/organise.html",
        {
            "drive": drive,
            "desk": desk,
            "items": items,
            "item_form": ItemForm(),
            "min_line_form": MinLineForm(items=items),
            "weight_form": RegionWeightForm(regions=selectors.region_choices(drive)),
        },
    )


# One organiser's button: what it acts on (`target`, an id; 0 when it names none) and
# the drive it is pressed in. Returns what to tell the organiser it did.
OrganiserAction = Callable[[HttpRequest, OrganisedDrive, int], str]


def _accept(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    pledge = services.pledge_accept(actor=organised.organiser, pledge_id=target)
    return _("Pledge #%(id)d accepted: %(quantity)d × %(item)s.") % {
        "id": pledge.pk,
        "quantity": pledge.quantity,
        "item": pledge.item.name,
    }


def _decline(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    pledge = services.pledge_decline(
        actor=organised.organiser, pledge_id=target, reason=request.POST.get("reason", "")
    )
    return _("Pledge #%(id)d declined.") % {"id": pledge.pk}


def _verify(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    recipient = services.recipient_verify(actor=organised.organiser, recipient_id=target)
    return _("%(name)s verified: allocation rounds now meet its needs.") % {
        "name": render_redactions(recipient.name)
    }


def _allocate(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    round_ = services.drive_allocate(actor=organised.organiser, drive_id=organised.drive.pk)
    summary = selectors.round_summary(round_)
    if not summary.lines:
        return _(
            "Allocation round run: nothing to allocate. No accepted supply meets an open need "
            "of a verified recipient under the smallest lines."
        )
    return ngettext(
        "Allocation round run: %(units)d units allocated in %(lines)d line.",
        "Allocation round run: %(units)d units allocated in %(lines)d lines.",
        summary.lines,
    ) % {"units": summary.units, "lines": summary.lines}


def _chosen(request: HttpRequest) -> list[int]:
    """The ids of the rows ticked in a bulk form (an id that is not one is left out: the
    service then finds fewer rows than were meant, or none, and refuses)."""
    return [number for number in map(parse_id, request.POST.getlist("targets")) if number]


def _plan(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    planned = services.shipment_plan_many(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        line_ids=_chosen(request),
        courier_note=request.POST.get("courier_note", ""),
    )
    return ngettext("%(count)d shipment planned.", "%(count)d shipments planned.", len(planned)) % {
        "count": len(planned)
    }


def _ship(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    sent = services.shipment_send_many(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        shipment_ids=_chosen(request),
        courier_note=request.POST.get("courier_note", ""),
    )
    return ngettext(
        "%(count)d shipment marked as shipped.", "%(count)d shipments marked as shipped.", len(sent)
    ) % {"count": len(sent)}


def _add_item(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    form = ItemForm(request.POST)
    form.is_valid()
    item = services.item_add(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        name_zh=form.cleaned_data.get("name_zh", ""),
        name_en=form.cleaned_data.get("name_en", ""),
        unit_zh=form.cleaned_data.get("unit_zh", ""),
        unit_en=form.cleaned_data.get("unit_en", ""),
    )
    return _("%(name)s added to the catalogue.") % {"name": item.name}


def _set_min_line(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    item = services.item_set_min_line(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        item_id=request.POST.get("item", ""),
        quantity=request.POST.get("min_line_quantity", ""),
    )
    return _("Smallest line of %(item)s set to %(quantity)d %(unit)s.") % {
        "item": item.name,
        "quantity": item.min_line_quantity,
        "unit": item.unit,
    }


def _add_organiser(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    account = services.drive_add_organiser(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        username=request.POST.get("username", ""),
    )
    return _("%(name)s added as an organiser.") % {"name": account.username}


def _attach_account(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    recipient = access.access_recipient_by_id(organised.drive, target)
    account = services.recipient_attach_account(
        actor=organised.organiser,
        recipient_id=recipient.pk,
        username=request.POST.get("username", ""),
    )
    return _("%(account)s now speaks for %(recipient)s: sets its needs, confirms receipts.") % {
        "account": account.username,
        "recipient": render_redactions(recipient.name),
    }


def _weigh_region(request: HttpRequest, organised: OrganisedDrive, target: int) -> str:
    try:
        weight = float(request.POST.get("weight", ""))
    except ValueError:
        # Not a number: the service refuses 0 as out of range.
        weight = 0.0
    weighted = services.region_weight_set(
        actor=organised.organiser,
        drive_id=organised.drive.pk,
        region_code=request.POST.get("region", ""),
        weight=weight,
    )
    return _("Weight of %(region)s set to ×%(weight)g.") % {
        "region": weighted.region.name,
        "weight": weighted.weight,
    }


ORGANISER_ACTIONS: dict[str, OrganiserAction] = {
    "accept": _accept,
    "decline": _decline,
    "verify": _verify,
    "allocate": _allocate,
    "plan": _plan,
    "ship": _ship,
    "item": _add_item,
    "min-line": _set_min_line,
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
        messages.success(request, done)
    return see_other("aid:organise", drive_id=organised.drive.pk)
