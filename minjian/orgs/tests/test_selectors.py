from __future__ import annotations

import string

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import given
from hypothesis import strategies as st

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.errors import DomainError, NotFound
from minjian.orgs import selectors
from minjian.orgs.tests.factories import make_organisation
from minjian.orgs.validation import is_valid_slug
from minjian.places.models import Region


def slugs_of(organisations: object) -> list[str]:
    return [o.slug for o in organisations]  # type: ignore[attr-defined]  # any iterable of organisations


@pytest.fixture
def directory(regions: dict[str, Region]) -> None:
    make_organisation("anhui-wide", regions=["340000"], topics=["environment"], verified=True)
    make_organisation("bengbu-water", regions=["340300"], topics=["environment", "health"])
    make_organisation("huaiyuan-kids", kind="informal", regions=["340321"], topics=["education"])
    make_organisation("wuhan-health", regions=["420100"], topics=["health"], verified=True)
    make_organisation("bengbu-epb", kind="agency", regions=["340300"], verified=True)


@pytest.mark.usefixtures("directory")
def test_a_region_filter_includes_the_regions_inside_it() -> None:
    assert slugs_of(selectors.organisation_list(region_code="340300")) == [
        "bengbu-epb",
        "bengbu-water",
        "huaiyuan-kids",
    ]
    assert slugs_of(selectors.organisation_list(region_code="340000")) == [
        "anhui-wide",
        "bengbu-epb",
        "bengbu-water",
        "huaiyuan-kids",
    ]


@pytest.mark.usefixtures("directory")
def test_filters_combine() -> None:
    assert slugs_of(selectors.organisation_list(kind="informal")) == ["huaiyuan-kids"]
    assert slugs_of(selectors.organisation_list(topic_slug="health")) == [
        "bengbu-water",
        "wuhan-health",
    ]
    assert slugs_of(selectors.organisation_list(topic_slug="health", verified=True)) == [
        "wuhan-health"
    ]
    assert slugs_of(
        selectors.organisation_list(kind="ngo", region_code="340000", verified=False)
    ) == ["bengbu-water"]


@pytest.mark.usefixtures("directory")
def test_an_organisation_serving_two_regions_is_listed_once() -> None:
    make_organisation("two-places", regions=["340321", "341200"])

    assert slugs_of(selectors.organisation_list(region_code="340000")).count("two-places") == 1


@pytest.mark.parametrize(
    ("filters", "code"),
    [
        ({"topic_slug": "astrology"}, "unknown_topic"),
        ({"region_code": "999999"}, "unknown_region"),
        ({"kind": "church"}, "unknown_kind"),
    ],
)
def test_an_unknown_filter_value_is_refused(
    regions: dict[str, Region], filters: dict[str, str], code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        selectors.organisation_list(**filters)  # type: ignore[arg-type]  # each is a str filter

    assert caught.value.code == code


def test_detail_counts_members_and_lists_admins_first(db: None) -> None:
    member, admin = make_user("member"), make_user("admin")
    make_organisation("huai", admins=[admin], members=[member])

    organisation = selectors.organisation_detail("huai")

    assert organisation.member_count == 2  # type: ignore[attr-defined]  # annotated
    assert [m.user.username for m in organisation.memberships.all()] == ["admin", "member"]


def test_detail_of_an_unknown_slug_is_not_found(db: None) -> None:
    with pytest.raises(NotFound):
        selectors.organisation_detail("nobody")


def test_membership_questions(user: User) -> None:
    verified = make_organisation("verified", members=[user], verified=True)
    unverified = make_organisation("unverified", admins=[user])
    elsewhere = make_organisation("elsewhere")

    assert selectors.is_member(user, verified)
    assert selectors.is_member(user, unverified)
    assert not selectors.is_member(user, elsewhere)
    assert slugs_of(selectors.organisations_of(user)) == ["unverified", "verified"]
    assert slugs_of(selectors.verified_organisations_of(user)) == ["verified"]
    assert selectors.user_is_member_of_verified_organisation(user)


def test_members_of_only_unverified_organisations_do_not_count_as_verified(user: User) -> None:
    make_organisation("unverified", admins=[user])

    assert not selectors.user_is_member_of_verified_organisation(user)


def test_an_anonymous_visitor_belongs_to_nothing(db: None) -> None:
    organisation = make_organisation(verified=True)

    assert not selectors.is_member(AnonymousUser(), organisation)
    assert not selectors.organisations_of(AnonymousUser()).exists()
    assert not selectors.user_is_member_of_verified_organisation(AnonymousUser())


SLUG_CHARACTERS = string.ascii_lowercase + string.digits


@given(
    st.lists(st.text(SLUG_CHARACTERS, min_size=1, max_size=12), min_size=1, max_size=6).map(
        "-".join
    )
)
def test_slugs_of_lowercase_words_joined_by_dashes_are_valid(slug: str) -> None:
    assert is_valid_slug(slug) == (3 <= len(slug) <= 80 and slug != "new")


@given(st.text(min_size=3, max_size=40))
def test_a_slug_with_any_other_character_is_invalid(slug: str) -> None:
    if set(slug) - set(SLUG_CHARACTERS + "-"):
        assert not is_valid_slug(slug)


@given(st.text(SLUG_CHARACTERS + "-", min_size=3, max_size=40))
def test_a_slug_with_a_dash_at_an_end_or_doubled_is_invalid(slug: str) -> None:
    if slug.startswith("-") or slug.endswith("-") or "--" in slug:
        assert not is_valid_slug(slug)
