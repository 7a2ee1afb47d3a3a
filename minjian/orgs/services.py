"""Every change of an organisation and its members.

Each function is one action by `actor`: it checks that the actor may do it,
validates everything before writing, runs in one transaction and writes the
OrganisationEvent that records it in that same transaction. A refused action
raises DomainError and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.core.errors import DomainError
from minjian.core.public_cache import ORGANISATIONS, organisation_tag, touch
from minjian.orgs import access
from minjian.orgs.models import Membership, Organisation, OrganisationEvent
from minjian.orgs.recording import record_event
from minjian.orgs.validation import clean_contact, clean_description, clean_names, clean_slug
from minjian.places.models import Region
from minjian.places.selectors import regions_by_codes
from minjian.topics.models import Topic
from minjian.topics.selectors import topics_by_slugs

EventKind = OrganisationEvent.Kind


@transaction.atomic
def organisation_create(
    *,
    actor: User,
    kind: str,
    name_zh: str,
    name_en: str,
    slug: str,
    description: str,
    topic_slugs: Sequence[str],
    region_codes: Sequence[str],
    contact_email: str,
    contact_url: str,
    contact_note: str,
) -> Organisation:
    """Register an organisation; `actor` becomes its first admin.

    Any signed-in account may register an NGO or an informal group. Only site staff
    may register a government agency, because an agency speaks for the government:
    it is marked verified at once, so no unverified agency can ever exist unless
    staff later withdraw the mark.
    """
    _require_active(actor)
    _check_kind(kind)
    if kind == Organisation.Kind.AGENCY and not access.is_staff(actor):
        raise _agency_needs_staff()
    slug = clean_slug(slug)
    name_zh, name_en = clean_names(name_zh, name_en)
    description = clean_description(description)
    contact_email, contact_url, contact_note = clean_contact(
        contact_email, contact_url, contact_note
    )
    topics = _topics(topic_slugs)
    regions = _regions(region_codes)
    if Organisation.objects.filter(slug=slug).exists():
        raise _slug_taken()

    now = timezone.now()
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                kind=kind,
                slug=slug,
                name_zh=name_zh,
                name_en=name_en,
                description=description,
                contact_email=contact_email,
                contact_url=contact_url,
                contact_note=contact_note,
                created_at=now,
            )
    except IntegrityError:
        # Someone took the slug between the check above and the insert.
        raise _slug_taken() from None
    organisation.topics.set(topics)
    organisation.regions.set(regions)
    Membership.objects.create(
        organisation=organisation, user=actor, role=Membership.Role.ADMIN, created_at=now
    )
    _record(
        organisation,
        EventKind.CREATED,
        actor,
        {
            "kind": kind,
            "slug": slug,
            "name_zh": name_zh,
            "name_en": name_en,
            "topics": [topic.slug for topic in topics],
            "regions": [region.code for region in regions],
            "admin": actor.username,
        },
    )
    if organisation.is_agency:
        _mark_verified(organisation, actor, verified=True, reason="agency_registered_by_staff")
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User,
    organisation: Organisation,
    kind: str,
    name_zh: str,
    name_en: str,
    description: str,
    topic_slugs: Sequence[str],
    region_codes: Sequence[str],
    contact_email: str,
    contact_url: str,
    contact_note: str,
) -> Organisation:
    """Replace what an organisation says about itself (its slug never changes: it is
    the address others link to). Admins of the organisation and site staff may.

    Only staff may turn an organisation into an agency or an agency into something
    else. When an admin who is not staff renames a verified organisation, the
    verified mark is withdrawn until staff check it again: otherwise a verified
    group could take another body's name and keep the mark.
    """
    organisation = _locked(organisation)
    access.require_admin(actor, organisation)
    _check_kind(kind)
    agency_change = kind != organisation.kind and Organisation.Kind.AGENCY in (
        kind,
        organisation.kind,
    )
    if agency_change and not access.is_staff(actor):
        raise _agency_needs_staff()
    name_zh, name_en = clean_names(name_zh, name_en)
    email, url, note = clean_contact(contact_email, contact_url, contact_note)
    new_values: dict[str, str] = {
        "kind": kind,
        "name_zh": name_zh,
        "name_en": name_en,
        "description": clean_description(description),
        "contact_email": email,
        "contact_url": url,
        "contact_note": note,
    }
    topics = _topics(topic_slugs)
    regions = _regions(region_codes)

    changes: dict[str, dict[str, Any]] = {}
    for field, value in new_values.items():
        old = getattr(organisation, field)
        if old != value:
            changes[field] = {"from": old, "to": value}
            setattr(organisation, field, value)
    old_topics = sorted(organisation.topics.values_list("slug", flat=True))
    new_topics = sorted(topic.slug for topic in topics)
    if old_topics != new_topics:
        changes["topics"] = {"from": old_topics, "to": new_topics}
        organisation.topics.set(topics)
    old_regions = sorted(organisation.regions.values_list("code", flat=True))
    new_regions = sorted(region.code for region in regions)
    if old_regions != new_regions:
        changes["regions"] = {"from": old_regions, "to": new_regions}
        organisation.regions.set(regions)
    if not changes:
        return organisation

    organisation.save(update_fields=[f for f in new_values if f in changes])
    _record(organisation, EventKind.UPDATED, actor, {"changed": changes})
    renamed = "name_zh" in changes or "name_en" in changes
    if agency_change and organisation.is_agency and not organisation.verified:
        # Only staff can make an organisation an agency: doing so vouches for it.
        _mark_verified(organisation, actor, verified=True, reason="agency_registered_by_staff")
    elif organisation.verified and renamed and not access.is_staff(actor):
        _mark_verified(organisation, actor, verified=False, reason="renamed")
    return organisation


@transaction.atomic
def membership_add(*, actor: User, organisation: Organisation, user: User, role: str) -> Membership:
    """Make `user` a member (or admin) of the organisation. Admins and staff may."""
    organisation = _locked(organisation)
    access.require_admin(actor, organisation)
    _check_role(role)
    if not user.is_active:
        raise DomainError(
            "unknown_user", _("There is no active account with this pseudonym."), field="user"
        )
    if Membership.objects.filter(organisation=organisation, user=user).exists():
        raise DomainError(
            "already_member",
            _("%(pseudonym)s is already a member of this organisation.")
            % {"pseudonym": user.username},
            status=409,
            field="user",
        )
    membership = Membership.objects.create(organisation=organisation, user=user, role=role)
    _record(
        organisation,
        EventKind.MEMBER_ADDED,
        actor,
        {"user_id": user.pk, "pseudonym": user.username, "role": role},
    )
    return membership


@transaction.atomic
def membership_change_role(
    *, actor: User, organisation: Organisation, user: User, role: str
) -> Membership:
    """Make a member an admin or an admin a member. Admins and staff may; the last
    admin cannot step down, or nobody could manage the organisation any more."""
    organisation = _locked(organisation)
    access.require_admin(actor, organisation)
    _check_role(role)
    membership = _membership(organisation, user)
    if membership.role == role:
        return membership
    if membership.is_admin:
        _keep_an_admin(organisation)
    old_role = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    _record(
        organisation,
        EventKind.MEMBER_ROLE_CHANGED,
        actor,
        {"user_id": user.pk, "pseudonym": user.username, "from": old_role, "to": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, organisation: Organisation, user: User) -> None:
    """Take `user` out of the organisation. Admins and staff may; the last admin
    cannot be removed."""
    organisation = _locked(organisation)
    access.require_admin(actor, organisation)
    membership = _membership(organisation, user)
    if membership.is_admin:
        _keep_an_admin(organisation)
    role = membership.role
    membership.delete()
    _record(
        organisation,
        EventKind.MEMBER_REMOVED,
        actor,
        {"user_id": user.pk, "pseudonym": user.username, "role": role},
    )


@transaction.atomic
def membership_set_verifier(
    *, actor: User, organisation: Organisation, user: User, verifier: bool
) -> Membership:
    """Give a member the verifier mark (she may then judge claims and confirm duplicates
    in the organisation's name: `minjian.claims`), or take it back. Admins and staff may;
    the mark is given only in a verified organisation, whose name a verdict carries.
    Setting the mark a member already has changes nothing and records nothing."""
    organisation = _locked(organisation)
    access.require_admin(actor, organisation)
    membership = _membership(organisation, user)
    if membership.verifier == verifier:
        return membership
    if verifier and not organisation.verified:
        raise DomainError(
            "organisation_not_verified",
            _("Only members of a verified organisation can be verifiers."),
            status=409,
            field="verifier",
        )
    membership.verifier = verifier
    membership.save(update_fields=["verifier"])
    _record(
        organisation,
        EventKind.MEMBER_VERIFIER_CHANGED,
        actor,
        {"user_id": user.pk, "pseudonym": user.username, "verifier": verifier},
    )
    return membership


@transaction.atomic
def organisation_set_verified(
    *, actor: User, organisation: Organisation, verified: bool
) -> Organisation:
    """Give or withdraw the verified mark. Only site staff may. Setting the mark it
    already has changes nothing and records nothing."""
    access.require_staff(actor)
    organisation = _locked(organisation)
    if organisation.verified != verified:
        _mark_verified(organisation, actor, verified=verified, reason="staff_decision")
    return organisation


# What routing changes for an organisation, kept in the organisation's history.
# Routing checks that the actor is one of its admins (`access.require_admin`) and
# calls these in the transaction that changes the subscription.


@transaction.atomic
def organisation_subscription_added(
    *, actor: User, organisation: Organisation, topic_slug: str | None, region_code: str | None
) -> OrganisationEvent:
    """An admin subscribed the organisation to a topic (None: every topic) in a
    region (None: everywhere)."""
    return _record(
        organisation,
        EventKind.SUBSCRIPTION_ADDED,
        actor,
        {"topic": topic_slug or None, "region": region_code or None},
    )


@transaction.atomic
def organisation_subscription_removed(
    *, actor: User, organisation: Organisation, topic_slug: str | None, region_code: str | None
) -> OrganisationEvent:
    """An admin ended a subscription of the organisation."""
    return _record(
        organisation,
        EventKind.SUBSCRIPTION_REMOVED,
        actor,
        {"topic": topic_slug or None, "region": region_code or None},
    )


def _mark_verified(organisation: Organisation, actor: User, *, verified: bool, reason: str) -> None:
    organisation.verified = verified
    organisation.verified_at = timezone.now() if verified else None
    organisation.save(update_fields=["verified", "verified_at"])
    _record(
        organisation,
        EventKind.VERIFIED if verified else EventKind.UNVERIFIED,
        actor,
        {"reason": reason},
    )


def _record(
    organisation: Organisation, kind: str, actor: User, payload: dict[str, Any]
) -> OrganisationEvent:
    touch(organisation_tag(organisation.pk), ORGANISATIONS)
    event = OrganisationEvent.objects.create(
        organisation=organisation, kind=kind, actor=actor, payload=payload
    )
    record_event(organisation, event)
    return event


def _locked(organisation: Organisation) -> Organisation:
    # Membership checks ("is this the last admin?") and edits read, then write:
    # locking the organisation's row makes concurrent changes to it take turns.
    return Organisation.objects.select_for_update(no_key=True).get(pk=organisation.pk)


def _membership(organisation: Organisation, user: User) -> Membership:
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        raise DomainError(
            "not_a_member",
            _("%(pseudonym)s is not a member of this organisation.") % {"pseudonym": user.username},
            status=404,
            field="user",
        )
    return membership


def _keep_an_admin(organisation: Organisation) -> None:
    admins = Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
    if admins.count() <= 1:
        raise DomainError(
            "last_admin",
            _("An organisation needs at least one admin. Make another member an admin first."),
            status=409,
            field="user",
        )


def _require_active(actor: User) -> None:
    if not actor.is_active:
        raise DomainError("account_inactive", _("This account is not active."), status=403)


def _check_kind(kind: str) -> None:
    if kind not in Organisation.Kind.values:
        raise DomainError("unknown_kind", _("Choose a kind of organisation."), field="kind")


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise DomainError("unknown_role", _("Choose member or admin."), field="role")


def _topics(slugs: Sequence[str]) -> list[Topic]:
    topics, unknown = _matched(topics_by_slugs(slugs), slugs)
    if unknown:
        raise DomainError(
            "unknown_topic",
            _("Unknown topic: %(slugs)s.") % {"slugs": ", ".join(unknown)},
            field="topic_slugs",
            details={"unknown": unknown},
        )
    return topics


def _regions(codes: Sequence[str]) -> list[Region]:
    regions, unknown = _matched(regions_by_codes(codes), codes)
    if unknown:
        raise DomainError(
            "unknown_region",
            _("Unknown region code: %(codes)s.") % {"codes": ", ".join(unknown)},
            field="region_codes",
            details={"unknown": unknown},
        )
    return regions


Row = TypeVar("Row", bound=models.Model)


def _matched(found: Mapping[str, Row], wanted: Sequence[str]) -> tuple[list[Row], list[str]]:
    """The rows for `wanted` in its order without repeats, and the values nothing matched."""
    distinct = list(dict.fromkeys(wanted))
    return (
        [found[value] for value in distinct if value in found],
        [value for value in distinct if value not in found],
    )


def _slug_taken() -> DomainError:
    return DomainError(
        "slug_taken",
        _("Another organisation already uses this address. Choose another."),
        status=409,
        field="slug",
    )


def _agency_needs_staff() -> DomainError:
    return DomainError(
        "agency_requires_staff",
        _(
            "Only site staff may register a government agency. "
            "Write to the site's staff to have an agency registered."
        ),
        status=403,
        field="kind",
    )
