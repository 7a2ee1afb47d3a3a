"""Aid pages anyone may open: drives, pledges, recipients, receipts and the public ledger
(no JS needed). The organisers' pages are in `views_organise.py`.

Every form that creates something (a drive, a recipient, a need, a pledge, a receipt)
answers a success with 303 See Other and a message saying what it did, so reloading
the next page sends nothing again; a refused form comes back with all its errors and
what was typed. A pledge is checked before it spends the donor's proof of work or
counts against the rate limit. An anonymous donor's receipt code waits in her session
for its one display.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.aid import access, charts, selectors, services
from minjian.aid.forms import DriveForm, NeedForm, PledgeForm, ReceiptForm, RecipientForm
from minjian.aid.models import Drive, DriveEvent, Priority, Shipment
from minjian.aid.templatetags.aid import cells_of
from minjian.core.errors import DomainError, with_retry_after
from minjian.core.forms import see_other, show_domain_error
from minjian.core.public_cache import ORGANISATIONS, drive_tag, public_page
from minjian.core.text import parse_id
from minjian.redaction import render_redactions

LEDGER_ROWS_PER_PAGE = 200
EVENTS_PER_PAGE = 100
RECIPIENTS_PER_PAGE = 50
# Where an anonymous pledge's receipt code waits for its one display.
PLEDGE_RECEIPT_SESSION_KEY = "aid.pledge_receipt"


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _status(form: Form, refused: DomainError | None) -> int:
    """A form to fill in: 200; sent back for what was typed: 400; refused by a service
    (a drive closed, a shipment already confirmed): the refusal's own status."""
    if refused is not None:
        return refused.status
    return 400 if form.errors else 200


def drive_list(request: HttpRequest) -> HttpResponse:
    return render(request, "aid/list.html", {"drives": selectors.drive_list()})


@login_required
def drive_new(request: HttpRequest) -> HttpResponse:
    form = DriveForm(
        request.POST or None, organisations=selectors.organisation_choices(request.user)
    )
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        assert user is not None  # login_required
        try:
            drive = services.drive_create(
                actor=user,
                title_zh=form.cleaned_data["title_zh"],
                title_en=form.cleaned_data["title_en"],
                description=form.cleaned_data["description"],
                region_code=form.cleaned_data["region"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                organisation_slug=form.cleaned_data["organisation"],
            )
        except DomainError as error:
            show_domain_error(form, error)
            refused = error
        else:
            messages.success(
                request,
                _(
                    "Drive “%(title)s” started. Add recipients and their needs, "
                    "or let them register."
                )
                % {"title": render_redactions(drive.title)},
            )
            return see_other("aid:organise", drive_id=drive.pk)
    return render(request, "aid/drive_new.html", {"form": form}, status=_status(form, refused))


@public_page(lambda drive_id: (drive_tag(drive_id), ORGANISATIONS))
def drive_detail(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    ledger = selectors.ledger(drive)
    figures = {
        (row.recipient.pk if row.recipient else None, row.item.pk): row for row in ledger.rows
    }
    page = Paginator(selectors.recipients_with_needs(drive), RECIPIENTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    recipients = [
        (
            recipient,
            [(need, figures.get((recipient.pk, need.item_id))) for need in recipient.needs.all()],
        )
        for recipient in page
    ]
    return render(
        request,
        "aid/detail.html",
        {
            "drive": drive,
            "ledger": ledger,
            "recipients": recipients,
            "page": page,
            "is_organiser": access.is_organiser(request.user, drive),
        },
    )


def _pledge_form(request: HttpRequest, drive: Drive) -> PledgeForm:
    return PledgeForm(
        request.POST or None,
        items=list(selectors.catalogue(drive)),
        recipients=list(selectors.verified_recipients(drive)),
        organisations=selectors.organisation_choices(request.user),
    )


def pledge(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    if not drive.is_open():
        # No form to fill in for nothing; a pledge sent anyway is refused the same way.
        return render(
            request,
            "aid/pledge_closed.html",
            {"drive": drive},
            status=409 if request.method == "POST" else 200,
        )
    form = _pledge_form(request, drive)
    context = {"form": form, "drive": drive}
    if request.method != "POST":
        return render(request, "aid/pledge.html", context)
    if not form.is_valid():
        return render(request, "aid/pledge.html", context, status=400)
    donor = _user(request)
    fields: dict[str, Any] = {
        "actor": donor,
        "drive_id": drive.pk,
        "item_id": form.cleaned_data["item"],
        "quantity": form.cleaned_data["quantity"],
        "organisation_slug": form.cleaned_data.get("organisation") or "",
        "earmarked_recipient_id": parse_id(form.cleaned_data["recipient"]),
    }
    try:
        # Only a pledge that would be taken spends the proof of work and counts.
        services.pledge_check(**fields)
        if donor is None:
            proof_of_work.check(request)
        ratelimit.limit_requester(request, "aid_pledge", user=donor)
        made = services.pledge_make(**fields)
    except DomainError as error:
        show_domain_error(form, error)
        return with_retry_after(
            render(request, "aid/pledge.html", context, status=error.status), error
        )
    if made.receipt_code:
        request.session[PLEDGE_RECEIPT_SESSION_KEY] = {
            "drive": drive.pk,
            "code": made.receipt_code,
        }
        return see_other("aid:pledge_receipt", drive_id=drive.pk)
    messages.success(
        request,
        _(
            "Pledge #%(id)d of %(quantity)d × %(item)s sent. "
            "The organisers will accept or decline it."
        )
        % {"id": made.pledge.pk, "quantity": made.pledge.quantity, "item": made.pledge.item.name},
    )
    return see_other("aid:detail", drive_id=drive.pk)


@never_cache
def pledge_receipt(request: HttpRequest, drive_id: int) -> HttpResponse:
    """Where an anonymous pledge lands: its receipt code, shown this once (Minjian keeps
    only its digest). Reloaded, the page says the code was shown and sends nothing."""
    drive = access.access_drive_by_id(drive_id)
    receipt = request.session.get(PLEDGE_RECEIPT_SESSION_KEY)
    code = None
    if isinstance(receipt, dict) and receipt.get("drive") == drive.pk:
        del request.session[PLEDGE_RECEIPT_SESSION_KEY]
        code = str(receipt["code"])
    return render(
        request,
        "aid/pledge_receipt.html",
        {
            "drive": drive,
            "pledge": access.access_pledge_by_receipt(drive, code) if code else None,
            "receipt_code": code,
        },
    )


def pledge_follow(request: HttpRequest, drive_id: int) -> HttpResponse:
    """An anonymous donor finds her pledge again with its receipt code."""
    drive = access.access_drive_by_id(drive_id)
    code = request.POST.get("code", "") if request.method == "POST" else ""
    found = None
    error = None
    if code:
        try:
            ratelimit.limit_requester(request, "aid_pledge", user=_user(request))
            found = access.access_pledge_by_receipt(drive, code)
        except DomainError as refused:
            error = str(refused.message)
    return render(
        request,
        "aid/pledge_follow.html",
        {
            "drive": drive,
            "pledge": found,
            "lines": selectors.pledge_lines(found) if found else [],
            "error": error,
        },
        status=404 if error else 200,
    )


@login_required
def recipient_new(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    form = RecipientForm(request.POST or None, regions=selectors.region_choices(drive))
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            recipient = services.recipient_register(
                actor=_user(request),
                drive_id=drive.pk,
                name=form.cleaned_data["name"],
                kind=form.cleaned_data["kind"],
                place=form.cleaned_data["place"],
                region_code=form.cleaned_data["region"],
            )
        except DomainError as error:
            show_domain_error(form, error)
            refused = error
        else:
            messages.success(
                request,
                _(
                    "%(name)s registered. The organisers verify it "
                    "before anything is allocated to it."
                )
                % {"name": render_redactions(recipient.name)},
            )
            return see_other("aid:recipient", drive_id=drive.pk, recipient_id=recipient.pk)
    return render(
        request,
        "aid/recipient_new.html",
        {"drive": drive, "form": form},
        status=_status(form, refused),
    )


def recipient_detail(request: HttpRequest, drive_id: int, recipient_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    recipient = access.access_recipient_by_id(drive, recipient_id)
    may_act = access.may_act_for(request.user, recipient)
    form = NeedForm(request.POST or None, items=list(selectors.catalogue(drive)))
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_set(
                actor=_user(request),
                recipient_id=recipient.pk,
                item_id=form.cleaned_data["item"],
                quantity=form.cleaned_data["quantity"],
                priority=form.cleaned_data["priority"],
                deadline=form.cleaned_data["deadline"],
            )
        except DomainError as error:
            if error.status == 403:
                raise
            show_domain_error(form, error)
            refused = error
        else:
            messages.success(
                request,
                _("Need saved: %(quantity)d × %(item)s, %(priority)s.")
                % {
                    "quantity": need.quantity,
                    "item": need.item.name,
                    "priority": Priority(need.priority).label,
                },
            )
            return see_other("aid:recipient", drive_id=drive.pk, recipient_id=recipient.pk)
    return render(
        request,
        "aid/recipient.html",
        {
            "drive": drive,
            "recipient": recipient,
            "ledger": selectors.ledger(drive, recipient_id=recipient.pk),
            "form": form if may_act else None,
            "shipments": selectors.shipments_for_recipient(recipient),
            "may_confirm": may_act,
        },
        status=_status(form, refused),
    )


def receipt_confirm(request: HttpRequest, drive_id: int, shipment_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    shipment, confirmer = access.access_shipment_for_receipt(request.user, drive, shipment_id)
    form = ReceiptForm(
        request.POST or None,
        initial={"received_quantity": shipment.sent_quantity},
        sent=shipment.sent_quantity or 0,
        on_behalf=confirmer.on_behalf,
    )
    refused: DomainError | None = None
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = services.shipment_confirm_receipt(
                actor=_user(request),
                shipment_id=shipment.pk,
                received_quantity=form.cleaned_data["received_quantity"],
                damaged_quantity=form.cleaned_data["damaged_quantity"],
                returned_quantity=form.cleaned_data["returned_quantity"],
                note=form.cleaned_data["note"],
                on_behalf_reason=form.cleaned_data.get("on_behalf_reason", ""),
            )
        except DomainError as error:
            if error.status == 403:
                raise
            show_domain_error(form, error)
            refused = error
        else:
            messages.success(request, _receipt_confirmed(confirmed))
            return see_other(
                "aid:recipient", drive_id=drive.pk, recipient_id=shipment.line.need.recipient_id
            )
    return render(
        request,
        "aid/receipt_confirm.html",
        {"drive": drive, "shipment": shipment, "form": form},
        status=_status(form, refused),
    )


def _receipt_confirmed(shipment: Shipment) -> str:
    said = _("Receipt of shipment #%(id)d confirmed: %(received)d of %(sent)d arrived.") % {
        "id": shipment.pk,
        "received": shipment.received_quantity,
        "sent": shipment.sent_quantity,
    }
    if shipment.damaged_quantity:
        said += " " + _("%(damaged)d damaged.") % {"damaged": shipment.damaged_quantity}
    return said


@login_required
def deliveries(request: HttpRequest) -> HttpResponse:
    """What is on its way to the recipients the signed-in account speaks for, to count
    and confirm when it arrives."""
    return render(
        request,
        "aid/deliveries.html",
        {"shipments": selectors.deliveries_to_confirm(request.user)},
    )


@public_page(lambda drive_id: (drive_tag(drive_id), ORGANISATIONS))
def ledger(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    the_ledger = selectors.ledger(drive)
    items = [row.item for row in the_ledger.totals]
    chosen = request.GET.get("item", "")
    item = next((item for item in items if str(item.pk) == chosen), items[0] if items else None)
    chart = charts.line_chart(selectors.ledger_over_time(drive, item_id=item.pk)) if item else None
    # A drive may have a thousand recipients: their rows come a page at a time.
    page = Paginator(the_ledger.rows, LEDGER_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    events_url = reverse("aid:ledger_events", args=[drive.pk])
    rows = [(row, cells_of(events_url, row)) for row in page]
    return render(
        request,
        "aid/ledger.html",
        {
            "drive": drive,
            "ledger": the_ledger,
            "chart": chart,
            "chart_item": item,
            "items": items,
            "page": page,
            "query": {"item": item.pk} if item else {},
            "rows": rows,
            "events_url": events_url,
        },
    )


def ledger_events(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)

    def number(name: str) -> int | None:
        return parse_id(request.GET.get(name, ""))

    figure = request.GET.get("figure", "")
    events = selectors.ledger_events(
        drive,
        recipient_id=number("recipient"),
        item_id=number("item"),
        figure=figure if figure in DriveEvent.Figure.values else None,
        pool=request.GET.get("pool") == "1",
        from_pool=request.GET.get("from_pool") == "1",
    )
    page = Paginator(events, EVENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "aid/ledger_events.html",
        {
            "drive": drive,
            "page": page,
            "figure": figure,
            "total": selectors.events_total(events) if figure else None,
            "query": query,
        },
    )
