"""The demo's collective action (minjian/demo/collective.py): four NGOs in three provinces
form a coalition, agree a joint proposal, and the petition it became is delivered to the
Bengbu bureau, which answers.

The tests that look at the loaded demo share one load, as test_demo.py's do (its `demo`
fixture: one class, rolled back at the end).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from minjian.accountability.selectors import Filters, figures_of
from minjian.coalitions.models import Coalition, CoalitionEvent, CoalitionMember, Option, Post
from minjian.demo import collective
from minjian.demo.collective import (
    COALITION,
    DELEGATES,
    JOINT_PETITION,
    JOINT_PROPOSAL,
    JOINT_SIGNERS,
    REPEATED_PETITION,
    SAND_PETITION,
    SECOND_PROPOSAL,
    EmailSigner,
    SignWithAccount,
)

# The shared load of the demo, and how a test finds a demo case.
from minjian.demo.tests.test_demo import demo, demo_case, loaded  # noqa: F401
from minjian.orgs.models import Membership, Organisation
from minjian.petitions import selectors as petition_selectors
from minjian.petitions.models import Petition, PetitionEvent, Signature

ANHUI, HENAN, JIANGSU = "340000", "410000", "320000"
PetitionKind = PetitionEvent.Kind


def province_of(path: str) -> str:
    return path.strip("/").split("/")[0]


def the_coalition() -> Coalition:
    return Coalition.objects.get(name_zh=COALITION.name_zh)


def petition_titled(title: str) -> Petition:
    return Petition.objects.get(title=title)


def recount(petition: Petition) -> tuple[int, dict[str, int]]:
    """The petition's validated signatures counted one by one, and by province."""
    validated = petition.signatures.filter(state=Signature.State.VALIDATED)
    by_province = dict(
        validated.exclude(region=None)
        .values_list("region__code")
        .annotate(count=Count("id"))
        .values_list("region__code", "count")
    )
    return validated.count(), by_province


def test_the_joint_petitions_signers_reach_its_goal_exactly_at_the_last_signature() -> None:
    """The organisations that agreed, the two sponsors and the people who sign once it is
    open, less the one who takes hers back: the last signature closes it, none comes after."""
    agreeing = sum(
        1
        for _days, _clock, action in collective.STORY
        if isinstance(action, collective.Vote)
        and action.proposal == JOINT_PROPOSAL.title
        and action.option == Option.AGREE
    )
    sponsors = sum(
        1
        for _days, _clock, action in collective.STORY
        if isinstance(action, SignWithAccount) and action.petition == JOINT_PETITION.title
    )
    withdrawn = sum(
        1
        for signer in JOINT_SIGNERS
        if isinstance(signer, EmailSigner) and signer.withdraws_after is not None
    )
    assert agreeing + sponsors + len(JOINT_SIGNERS) - withdrawn == JOINT_PETITION.goal


@pytest.mark.usefixtures("loaded")
class TestTheCollectiveActionDemo:
    def test_four_ngos_in_three_provinces_joined_by_invitation_each_naming_a_delegate(self) -> None:
        coalition = the_coalition()
        assert not coalition.members_hidden
        assert coalition.name_en == COALITION.name_en
        places = list(
            coalition.members.select_related("organisation", "delegate").prefetch_related(
                "organisation__regions"
            )
        )
        assert len(places) == 4
        assert {place.status for place in places} == {CoalitionMember.Status.MEMBER}
        organisations = [place.organisation for place in places]
        assert {organisation.kind for organisation in organisations} == {Organisation.Kind.NGO}
        assert all(organisation.verified for organisation in organisations)
        provinces = {
            province_of(region.path)
            for organisation in organisations
            for region in organisation.regions.all()
        }
        assert provinces == {ANHUI, HENAN, JIANGSU}
        # Each organisation's delegate is one of its members, named by its admin.
        for place in places:
            assert place.delegate is not None
            assert place.delegate.username == DELEGATES[place.organisation.slug]
            assert Membership.objects.filter(
                organisation=place.organisation, user=place.delegate
            ).exists()
        events = Counter(coalition.events.values_list("kind", flat=True))
        kind = CoalitionEvent.Kind
        assert events[kind.FOUNDED] == 1
        assert events[kind.INVITED] == events[kind.JOINED] == 3
        assert events[kind.DELEGATE_NAMED] == 4

    def test_their_people_discuss_in_a_thread_read_by_the_members_only(
        self, client: Client
    ) -> None:
        coalition = the_coalition()
        (thread,) = coalition.threads.all()
        posts = list(thread.posts.select_related("organisation"))
        assert len(posts) >= 4
        assert {post.status for post in posts} == {Post.Status.SHOWN}
        assert len({post.organisation_id for post in posts}) >= 3

        address = f"/coalitions/{coalition.pk}/threads/{thread.pk}/"
        outsider = Membership.objects.get(user__username="劳权中心-小林").user
        client.force_login(outsider)
        assert client.get(address).status_code == 403
        client.force_login(Membership.objects.get(user__username="周口护河人").user)
        page = client.get(address)

        assert page.status_code == 200
        assert "每月公布监测数据" in page.content.decode()

    def test_the_joint_proposal_was_agreed_by_three_delegates_one_abstaining_with_reasons(
        self, client: Client
    ) -> None:
        coalition = the_coalition()
        proposal = coalition.proposals.get(title=JOINT_PROPOSAL.title)
        assert proposal.closed_at is not None and proposal.agreed is True
        votes = list(proposal.votes.select_related("organisation", "delegate"))
        assert Counter(vote.option for vote in votes) == {Option.AGREE: 3, Option.ABSTAIN: 1}
        for vote in votes:
            assert vote.reason
            assert vote.delegate.username == DELEGATES[vote.organisation.slug]
        closed = coalition.events.get(kind=CoalitionEvent.Kind.PROPOSAL_CLOSED)
        assert closed.payload["tally"] == {"agree": 3, "abstain": 1, "disagree": 0, "block": 0}
        assert proposal.outcome.startswith("三家赞成、一家弃权")
        assert coalition.events.filter(kind=CoalitionEvent.Kind.OUTCOME_STATED).exists()

        for language, name in (("zh-hans", COALITION.name_zh), ("en", COALITION.name_en)):
            page = client.get(f"/coalitions/{coalition.pk}/", HTTP_ACCEPT_LANGUAGE=language)
            assert page.status_code == 200
            html = page.content.decode()
            assert name in html
            assert all(
                organisation.name in html
                for organisation in Organisation.objects.filter(
                    coalition_memberships__coalition=coalition
                )
            )
            shown = client.get(
                f"/coalitions/{coalition.pk}/proposals/{proposal.pk}/",
                HTTP_ACCEPT_LANGUAGE=language,
            )
            assert shown.status_code == 200
            # Closed: every vote with its reason, and the outcome, are public.
            html = shown.content.decode()
            assert "Abstain. We support these requests" in html
            assert "三家赞成、一家弃权" in html

    def test_the_petition_of_the_organisations_that_agreed_was_delivered_and_answered(
        self, client: Client
    ) -> None:
        proposal = (
            the_coalition().proposals.select_related("petition").get(title=JOINT_PROPOSAL.title)
        )
        petition = proposal.petition
        assert petition is not None
        assert petition.state == Petition.State.ANSWERED
        agency = Organisation.objects.get(slug="bengbu-eeb")
        assert petition.addressed_organisation == agency
        agreed = {vote.organisation_id for vote in proposal.votes.filter(option=Option.AGREE)}
        owners = list(petition.owners.all())
        assert {owner.organisation_id for owner in owners} == agreed
        assert all(owner.accepted_at is not None for owner in owners)
        signed_as = petition.signatures.filter(
            signed_as_organisation__isnull=False, state=Signature.State.VALIDATED
        )
        assert set(signed_as.values_list("signed_as_organisation", flat=True)) == agreed
        assert {case.pk for case in petition.cited_cases.all()} == {
            demo_case(key).pk for key in JOINT_PETITION.cited
        }
        kinds = list(petition.events.order_by("id").values_list("kind", flat=True))
        assert kinds[-5:] == [
            PetitionKind.APPROVED,
            PetitionKind.GOAL_REACHED,
            PetitionKind.CLOSED,
            PetitionKind.DELIVERED,
            PetitionKind.ANSWERED,
        ]
        assert kinds.index(PetitionKind.SUBMITTED) < kinds.index(PetitionKind.SPONSORED)
        answer = petition.events.select_related("actor").get(kind=PetitionKind.ANSWERED)
        assert answer.organisation_id == agency.pk
        assert answer.actor is not None
        assert agency.memberships.filter(user=answer.actor).exists()
        assert petition.delivered_at is not None and petition.answered_at is not None
        assert petition.delivered_at < petition.answered_at < timezone.now()
        assert petition in petition_selectors.petitions_delivered_to(agency)

        for language in ("zh-hans", "en"):
            page = client.get(f"/petitions/{petition.pk}/", HTTP_ACCEPT_LANGUAGE=language)
            assert page.status_code == 200
            html = page.content.decode()
            assert petition.title in html
            assert "蚌埠市生态环境局答复" in html

    def test_the_answer_counts_in_the_agencys_accountability_figures(self) -> None:
        petition = petition_titled(JOINT_PETITION.title)
        agency = Organisation.objects.get(slug="bengbu-eeb")
        figures = figures_of(agency, Filters()).petitions
        assert (figures.delivered, figures.answered) == (1, 1)
        assert petition.answered_at is not None and petition.delivered_at is not None
        took = petition.answered_at - petition.delivered_at
        assert figures.median_time_to_answer is not None
        assert abs(figures.median_time_to_answer - took) < timedelta(seconds=1)

    def test_every_petitions_counts_equal_a_recount_of_its_signatures(self) -> None:
        petitions = list(Petition.objects.prefetch_related("region_counts__region"))
        assert len(petitions) == 3
        for petition in petitions:
            counted, by_province = recount(petition)
            assert petition.validated_count == counted
            kept = {row.region.code: row.count for row in petition.region_counts.all() if row.count}
            assert kept == by_province
        joint = petition_titled(JOINT_PETITION.title)
        assert joint.validated_count == JOINT_PETITION.goal
        _counted, by_province = recount(joint)
        assert {ANHUI, HENAN, JIANGSU} <= set(by_province)
        assert len(by_province) >= 6
        signatures = joint.signatures.all()
        by_email = signatures.exclude(address_hash="")
        assert by_email.filter(state=Signature.State.VALIDATED).count() >= 20
        assert by_email.filter(state=Signature.State.WITHDRAWN).count() == 1
        assert signatures.filter(account__isnull=False, signed_as_organisation=None).count() >= 10
        # Confirmed through the mail's link: no address is kept, only its keyed hash.
        assert not Signature.objects.exclude(pending_address="").exists()
        assert all(signature.confirmed_at for signature in by_email)

    def test_a_smaller_petition_is_still_open_and_a_repeating_one_was_rejected_in_public(
        self, client: Client
    ) -> None:
        sand = petition_titled(SAND_PETITION.title)
        assert sand.state == Petition.State.OPEN
        assert sand.deadline > timezone.localdate()
        assert 0 < sand.validated_count < sand.signature_goal
        assert sand.signatures.filter(signed_as_organisation__slug="huai-river-watchers").exists()
        assert sand.addressed_organisation is None and sand.addressed_contact

        rejected = petition_titled(REPEATED_PETITION.title)
        assert rejected.state == Petition.State.REJECTED
        assert rejected.rejection_reason
        tombstone = client.get(f"/petitions/{rejected.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        assert tombstone.status_code == 410

        listed = client.get("/petitions/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert sand.title in listed
        assert JOINT_PETITION.title in listed
        assert rejected.title not in listed

    def test_the_coalitions_next_proposal_is_still_being_voted_on(self) -> None:
        proposal = the_coalition().proposals.get(title=SECOND_PROPOSAL.title)
        assert proposal.closed_at is None
        assert proposal.closes_at > timezone.now()
        assert proposal.votes.count() == 2

    def test_the_page_shell_leads_to_petitions_and_coalitions_in_both_languages(
        self, client: Client
    ) -> None:
        for language, words in (("zh-hans", ("请愿", "联盟")), ("en", ("Petitions", "Coalitions"))):
            html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
            for href, word in zip(
                ('href="/petitions/"', 'href="/coalitions/"'), words, strict=True
            ):
                assert f"{href}>{word}</a>" in html
