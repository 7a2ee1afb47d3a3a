"""Aid pages anyone may open: drives, pledges, recipients, receipts and the public ledger
(no JS needed). The organisers' pages are in `views_organise.py`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.aid import access, charts, selectors, services
from minjian.aid.forms import DriveForm, NeedForm, PledgeForm, ReceiptForm, RecipientForm
from minjian.aid.models import Drive, DriveEvent
from minjian.aid.templatetags.aid import cells_of
from minjian.core.errors import DomainError
from minjian.core.forms import show_domain_error
from minjian.core.text import parse_id

LEDGER_ROWS_PER_PAGE = 200
RECIPIENTS_PER_PAGE = 50


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def drive_list(request: HttpRequest) -> HttpResponse:
    return render(request, "aid/list.html", {"drives": selectors.drive_list()})


@login_required
def drive_new(request: HttpRequest) -> HttpResponse:
    form = DriveForm(
        request.POST or None, organisations=selectors.organisation_choices(request.user)
    )
    if request.method == "POST" and form.is_valid():
        user = _user(request)
        assert user is not None  # login_required
        try:
            drive = services.drive_create(
                actor=user,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                region_code=form.cleaned_data["region"],
                starts_at=form.cleaned_data["starts_at"],
                ends_at=form.cleaned_data["ends_at"],
                organisation_slug=form.cleaned_data["organisation"],
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect("aid:detail", drive_id=drive.pk)
    return render(request, "aid/drive_new.html", {"form": form})


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
    form = _pledge_form(request, drive)
    if request.method != "POST":
        return render(request, "aid/pledge.html", {"form": form, "drive": drive})
    donor = _user(request)
    form.is_valid()
    try:
        ratelimit.limit_requester(request, "aid_pledge", user=donor)
        if donor is None:
            proof_of_work.check(request)
        made = services.pledge_make(
            actor=donor,
            drive_id=drive.pk,
            item_id=request.POST.get("item", ""),
            quantity=request.POST.get("quantity", ""),
            organisation_slug=request.POST.get("organisation", "").strip(),
            earmarked_recipient_id=_earmark(request),
        )
    except DomainError as error:
        show_domain_error(form, error)
        return render(
            request, "aid/pledge.html", {"form": form, "drive": drive}, status=error.status
        )
    if made.receipt_code:
        # Shown in this response only: nothing but its digest is kept.
        return render(
            request,
            "aid/pledge_receipt.html",
            {"drive": drive, "pledge": made.pledge, "receipt_code": made.receipt_code},
            status=201,
        )
    messages.success(request, _("Thank you. The organisers will confirm your pledge."))
    return redirect("aid:detail", drive_id=drive.pk)


def _earmark(request: HttpRequest) -> int | None:
    """The recipient a pledge is earmarked for, as sent, not as the form kept it: a
    choice the form did not know must be refused, not silently dropped."""
    recipient = request.POST.get("recipient", "").strip()
    if recipient and parse_id(recipient) is None:
        raise DomainError(
            "no_such_need",
            _("This recipient has no verified need of this item."),
            field="recipient",
        )
    return parse_id(recipient)


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
        else:
            return redirect("aid:recipient", drive_id=drive.pk, recipient_id=recipient.pk)
    return render(request, "aid/recipient_new.html", {"drive": drive, "form": form})


def recipient_detail(request: HttpRequest, drive_id: int, recipient_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    recipient = access.access_recipient_by_id(drive, recipient_id)
    may_act = access.may_act_for(request.user, recipient)
    form = NeedForm(request.POST or None, items=list(selectors.catalogue(drive)))
    if request.method == "POST":
        form.is_valid()
        try:
            services.need_set(
                actor=_user(request),
                recipient_id=recipient.pk,
                item_id=form.cleaned_data.get("item") or request.POST.get("item"),
                quantity=form.cleaned_data.get("quantity", ""),
                priority=form.cleaned_data.get("priority") or request.POST.get("priority", ""),
                deadline=form.cleaned_data.get("deadline"),
            )
        except DomainError as error:
            show_domain_error(form, error)
        else:
            return redirect("aid:recipient", drive_id=drive.pk, recipient_id=recipient.pk)
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
        status=400 if form.errors else 200,
    )


def receipt_confirm(request: HttpRequest, drive_id: int, shipment_id: int) -> HttpResponse:
    drive = access.access_drive_by_id(drive_id)
    shipment = access.access_shipment_for_receipt(request.user, drive, shipment_id)
    form = ReceiptForm(request.POST or None, initial={"received_quantity": shipment.sent_quantity})
    if request.method == "POST":
        form.is_valid()
        try:
            services.shipment_confirm_receipt(
                actor=_user(request),
                shipment_id=shipment.pk,
                received_quantity=form.cleaned_data.get("received_quantity", ""),
                damaged_quantity=form.cleaned_data.get("damaged_quantity") or 0,
                returned_quantity=form.cleaned_data.get("returned_quantity") or 0,
                note=form.cleaned_data.get("note", ""),
                on_behalf_reason=form.cleaned_data.get("on_behalf_reason", ""),
            )
        except DomainError as error:
            if error.status == 403:
                raise
            show_domain_error(form, error)
        else:
            messages.success(request, _("Receipt confirmed."))
            return redirect(
                "aid:recipient", drive_id=drive.pk, recipient_id=shipment.line.need.recipient_id
            )
    return render(
        request,
        "aid/receipt_confirm.html",
        {"drive": drive, "shipment": shipment, "form": form},
        status=400 if form.errors else 200,
    )


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
    pool = [(row, cells_of(events_url, row)) for row in the_ledger.pool]
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
            "rows": rows,
            "pool": pool if not page.has_next() else [],
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
    )
    return render(
        request,
        "aid/ledger_events.html",
        {
            "drive": drive,
            "events": events,
            "figure": figure,
            "total": sum(event.delta for event in events),
        },
    )
