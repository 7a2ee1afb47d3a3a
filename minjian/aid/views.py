"""Aid pages: drives, pledges, organisers' work, receipts and the public ledger (no JS needed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minjian.abuse import proof_of_work, ratelimit
from minjian.accounts.models import User
from minjian.aid import access, charts, selectors, services
from minjian.aid.forms import (
    DriveForm,
    ItemForm,
    NeedForm,
    PledgeForm,
    ReceiptForm,
    RecipientForm,
    RegionWeightForm,
)
from minjian.aid.models import DriveEvent, Shipment
from minjian.aid.templatetags.aid import cells_of
from minjian.core.errors import DomainError, NotFound
from minjian.core.forms import show_domain_error
from minjian.core.text import parse_id
from minjian.orgs.models import Organisation

LEDGER_ROWS_PER_PAGE = 200
RECIPIENTS_PER_PAGE = 50


def _user(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _organisations_of(user: User | None) -> list[tuple[str, str]]:
    if user is None:
        return []
    return [
        (organisation.slug, organisation.name)
        for organisation in Organisation.objects.filter(memberships__user=user).order_by("slug")
    ]


def _refused(request: HttpRequest, error: DomainError) -> None:
    messages.error(request, str(error.message))


def drive_list(request: HttpRequest) -> HttpResponse:
    return render(request, "aid/list.html", {"drives": selectors.drive_list()})


@login_required
def drive_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    assert user is not None
    form = DriveForm(request.POST or None, organisations=_organisations_of(user))
    if request.method == "POST" and form.is_valid():
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
    drive = selectors.drive_by_id(drive_id)
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
            "is_organiser": access.is_organiser(_user(request), drive),
        },
    )


def _pledge_form(request: HttpRequest, drive_id: int) -> tuple[PledgeForm, object]:
    drive = selectors.drive_by_id(drive_id)
    form = PledgeForm(
        request.POST or None,
        items=list(drive.items.all()),
        recipients=list(drive.recipients.filter(verified_at__isnull=False)),
        organisations=_organisations_of(_user(request)),
    )
    return form, drive


def pledge(request: HttpRequest, drive_id: int) -> HttpResponse:
    form, drive = _pledge_form(request, drive_id)
    if request.method != "POST":
        return render(request, "aid/pledge.html", {"form": form, "drive": drive})
    donor = _user(request)
    form.is_valid()
    try:
        ratelimit.limit_requester(request, "aid_pledge", user=donor)
        if donor is None:
            proof_of_work.check(request)
        # What was sent, not what the form kept: a choice the form did not know must
        # be refused by the service, not silently dropped.
        recipient = request.POST.get("recipient", "").strip()
        if recipient and parse_id(recipient) is None:
            raise DomainError(
                "no_such_need",
                _("This recipient has no verified need of this item."),
                field="recipient",
            )
        made = services.pledge_make(
            actor=donor,
            drive_id=drive_id,
            item_id=request.POST.get("item", ""),
            quantity=request.POST.get("quantity", ""),
            organisation_slug=request.POST.get("organisation", "").strip(),
            earmarked_recipient_id=parse_id(recipient),
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
    return redirect("aid:detail", drive_id=drive_id)


def pledge_follow(request: HttpRequest, drive_id: int) -> HttpResponse:
    """An anonymous donor finds her pledge again with its receipt code."""
    drive = selectors.drive_by_id(drive_id)
    code = request.POST.get("code", "") if request.method == "POST" else ""
    found = None
    error = None
    if code:
        try:
            ratelimit.limit_requester(request, "aid_pledge", user=_user(request))
            found = services.pledge_by_receipt(drive_id=drive.pk, code=code)
        except DomainError as refused:
            error = str(refused.message)
    return render(
        request,
        "aid/pledge_follow.html",
        {
            "drive": drive,
            "pledge": found,
            "lines": found.allocation_lines.select_related("need__recipient", "shipment")
            if found
            else [],
            "error": error,
        },
        status=404 if error else 200,
    )


def organise(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = selectors.drive_by_id(drive_id)
    access.require_organiser(_user(request), drive)
    regions = selectors.region_choices(drive)
    return render(
        request,
        "aid/organise.html",
        {
            "drive": drive,
            "pending": selectors.pending_pledges(drive),
            "unverified": drive.recipients.filter(verified_at__isnull=True),
            "recipients": drive.recipients.all(),
            "organisers": drive.organisers.order_by("username"),
            "lines": selectors.unshipped_lines(drive),
            "shipments": selectors.shipments(drive).exclude(state=Shipment.State.RECEIVED),
            "item_form": ItemForm(),
            "weight_form": RegionWeightForm(regions=regions),
            "weights": drive.region_weights.select_related("region"),
        },
    )


@require_POST
def organise_action(request: HttpRequest, drive_id: int, action: str) -> HttpResponse:
    """Each organiser button posts here with the id of what it acts on."""
    user = _user(request)
    drive = selectors.drive_by_id(drive_id)
    target = request.POST.get("target", "")
    try:
        # 0 names no row: the service refuses it as it refuses an unknown one.
        target_id = parse_id(target) or 0
        if action == "accept":
            services.pledge_accept(actor=user, pledge_id=target_id)
        elif action == "decline":
            services.pledge_decline(
                actor=user, pledge_id=target_id, reason=request.POST.get("reason", "")
            )
        elif action == "verify":
            services.recipient_verify(actor=user, recipient_id=target_id)
        elif action == "allocate":
            round_ = services.drive_allocate(actor=user, drive_id=drive.pk)
            messages.success(
                request,
                _("Allocation round done: %(count)d lines.") % {"count": round_.lines.count()},
            )
        elif action == "plan":
            services.shipment_plan(
                actor=user, line_id=target_id, courier_note=request.POST.get("courier_note", "")
            )
        elif action == "ship":
            services.shipment_send(
                actor=user,
                shipment_id=target_id,
                courier_note=request.POST.get("courier_note", ""),
            )
        elif action == "item":
            form = ItemForm(request.POST)
            form.is_valid()
            services.item_add(
                actor=user,
                drive_id=drive.pk,
                name_zh=form.cleaned_data.get("name_zh", ""),
                name_en=form.cleaned_data.get("name_en", ""),
                unit_zh=form.cleaned_data.get("unit_zh", ""),
                unit_en=form.cleaned_data.get("unit_en", ""),
            )
        elif action == "organiser":
            services.drive_add_organiser(
                actor=user, drive_id=drive.pk, username=request.POST.get("username", "")
            )
        elif action == "attach":
            services.recipient_attach_account(
                actor=user, recipient_id=target_id, username=request.POST.get("username", "")
            )
        elif action == "weight":
            try:
                weight = float(request.POST.get("weight", ""))
            except ValueError:
                weight = 0.0
            services.region_weight_set(
                actor=user,
                drive_id=drive.pk,
                region_code=request.POST.get("region", ""),
                weight=weight,
            )
        else:
            raise NotFound(_("There is no such action."))
    except DomainError as error:
        if error.status == 403:
            raise
        _refused(request, error)
    return redirect("aid:organise", drive_id=drive.pk)


@login_required
def recipient_new(request: HttpRequest, drive_id: int) -> HttpResponse:
    drive = selectors.drive_by_id(drive_id)
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
    drive = selectors.drive_by_id(drive_id)
    recipient = selectors.recipient_in(drive, recipient_id)
    user = _user(request)
    may_edit = access.speaks_for(user, recipient) or access.is_organiser(user, drive)
    form = NeedForm(request.POST or None, items=list(drive.items.all()))
    if request.method == "POST":
        form.is_valid()
        try:
            services.need_set(
                actor=user,
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
    ledger = selectors.ledger(drive, recipient_id=recipient.pk)
    return render(
        request,
        "aid/recipient.html",
        {
            "drive": drive,
            "recipient": recipient,
            "ledger": ledger,
            "form": form if may_edit else None,
            "shipments": selectors.shipments_for_recipient(recipient),
            "may_confirm": may_edit,
        },
        status=400 if form.errors else 200,
    )


def receipt_confirm(request: HttpRequest, drive_id: int, shipment_id: int) -> HttpResponse:
    drive = selectors.drive_by_id(drive_id)
    shipment = selectors.shipment_in(drive, shipment_id)
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
    drive = selectors.drive_by_id(drive_id)
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
    drive = selectors.drive_by_id(drive_id)

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
