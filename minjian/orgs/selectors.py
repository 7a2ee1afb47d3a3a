"""Every read of organisations a page, the API or another app needs.

Organisations are public, so these take no viewer; what only admins may touch
comes through `orgs.access`.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.core.errors import DomainError, NotFound
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region
from minjian.places.selectors import region_filter
from minjian.topics.selectors import topic_filter, topic_list

Viewer = User | AnonymousUser


def organisation_list(
    *,
    kind: str | None = None,
    topic_slug: str | None = None,
    region_code: str | None = None,
    verified: bool | None = None,
) -> QuerySet[Organisation]:
    """Organisations matching every filter given, with topics and regions prefetched
    and `member_count` annotated.

    `region_code` keeps organisations serving that region or any region under it.
    An unknown kind, topic or region is refused rather than silently giving an
    empty list, so a mistyped filter is noticed.
    """
    organisations = Organisation.objects.all()
    if kind:
        if kind not in Organisation.Kind.values:
            raise DomainError(
                "unknown_kind", _("There is no such kind of organisation."), field="kind"
            )
        organisations = organisations.filter(kind=kind)
    topic = topic_filter(topic_slug)
    if topic:
        organisations = organisations.filter(topics=topic)
    region = region_filter(region_code)
    if region:
        organisations = organisations.filter(
            pk__in=Organisation.regions.through.objects.filter(
                region__path__startswith=region.path
            ).values("organisation_id")
        )
    if verified is not None:
        organisations = organisations.filter(verified=verified)
    return _with_summary(organisations)


def organisation_detail(slug: str) -> Organisation:
    """One organisation for its public profile: topics, regions, member count, and
    its memberships with their accounts, admins first."""
    organisation = (
        _with_summary(Organisation.objects.filter(slug=slug))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by(
                    "role", "created_at", "id"
                ),
            )
        )
        .first()
    )
    if organisation is None:
        raise NotFound(_("There is no organisation with this address."))
    return organisation


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFound(_("There is no organisation with this address."))
    return organisation


def memberships_of_organisation(organisation: Organisation) -> QuerySet[Membership]:
    """Admins first ("admin" sorts before "member"), each in the order they joined."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "created_at", "id")
    )


def membership_of(user: Viewer, organisation: Organisation) -> Membership | None:
    if not isinstance(user, User):
        return None
    return Membership.objects.filter(organisation=organisation, user=user).first()


def is_member(user: Viewer, organisation: Organisation) -> bool:
    """Whether `user` belongs to `organisation`, in any role."""
    if not isinstance(user, User):
        return False
    return Membership.objects.filter(organisation=organisation, user=user).exists()


def is_admin(user: Viewer, organisation: Organisation) -> bool:
    if not isinstance(user, User):
        return False
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.ADMIN
    ).exists()


def organisations_of(user: Viewer) -> QuerySet[Organisation]:
    """The organisations `user` belongs to, in any role."""
    if not isinstance(user, User):
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user)


def verified_organisations_of(user: Viewer) -> QuerySet[Organisation]:
    """The organisations `user` belongs to that site staff have verified."""
    return organisations_of(user).filter(verified=True)


def user_is_member_of_verified_organisation(user: Viewer) -> bool:
    """Whether `user` may speak for some verified organisation (any role)."""
    return verified_organisations_of(user).exists()


def verifying_organisations_of(user: Viewer) -> QuerySet[Organisation]:
    """The verified organisations in whose name `user` may judge claims and confirm
    duplicates: those where an admin gave her the verifier mark."""
    if not isinstance(user, User):
        return Organisation.objects.none()
    return (
        verified_organisations_of(user)
        .filter(memberships__user=user, memberships__verifier=True)
        .distinct()
    )


def user_is_verifier(user: Viewer) -> bool:
    """Whether `user` may judge claims and confirm duplicates: staff, or a verifier of a
    verified organisation."""
    if not isinstance(user, User):
        return False
    return user.is_staff or verifying_organisations_of(user).exists()


def user_by_pseudonym(pseudonym: str) -> User | None:
    return User.objects.filter(username=pseudonym, is_active=True).first()


def region_choices(*, also: QuerySet[Region] | None = None) -> QuerySet[Region]:
    """Provinces and prefectures, the scale an organisation usually says it serves,
    plus the regions in `also` (those it already serves, at whatever level)."""
    regions = Region.objects.filter(level__lte=Region.Level.PREFECTURE)
    if also is not None:
        regions = regions | Region.objects.filter(pk__in=also.values("pk"))
    return regions.order_by("path")


def _with_summary(organisations: QuerySet[Organisation]) -> QuerySet[Organisation]:
    # Aggregating drops Meta.ordering, so the order pages rely on is set here.
    return (
        organisations.annotate(member_count=Count("memberships", distinct=True))
        .order_by("slug")
        .prefetch_related(
            Prefetch("topics", queryset=topic_list()),
            Prefetch("regions", queryset=Region.objects.order_by("code")),
        )
    )
