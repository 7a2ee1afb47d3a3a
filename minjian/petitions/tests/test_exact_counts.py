"""The count shown is the number of validated signatures, and each province's count its
validated signers', after any mix of signing, confirming twice, withdrawing and
invalidating: at the same moment on PostgreSQL (threads, each with its own connection),
and as any sequence of steps on either database (a state machine)."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from minjian.accounts.models import User
from minjian.accounts.tests.factories import make_user
from minjian.core.errors import DomainError
from minjian.core.tests.races import all_at_once
from minjian.orgs.models import Organisation
from minjian.orgs.tests.factories import make_organisation
from minjian.petitions import services, tokens
from minjian.petitions.models import Petition, PetitionEvent, PetitionRegionCount, Signature
from minjian.petitions.services import Signer
from minjian.petitions.tests.factories import make_petition
from minjian.places.models import Region

VALIDATED = Signature.State.VALIDATED


def assert_counts_exact(petition: Petition) -> None:
    petition.refresh_from_db()
    validated = Signature.objects.filter(petition=petition, state=VALIDATED)
    assert petition.validated_count == validated.count()
    recount = Counter(validated.exclude(region=None).values_list("region_id", flat=True))
    kept = {
        row.region_id: row.count
        for row in PetitionRegionCount.objects.filter(petition=petition)
        if row.count
    }
    assert kept == dict(recount)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks only race on PostgreSQL; SQLite serialises writers",
)
def test_counts_stay_exact_under_concurrent_signing_confirming_withdrawing_and_invalidating(
    regions: dict[str, Region],
) -> None:
    author = make_user("author")
    moderator = make_user("moderator", is_staff=True)
    petition = make_petition(author, signature_goal=10_000)
    provinces = [regions["340000"], regions["420000"], None]
    pending = [
        services.petition_sign_by_email(
            petition=petition,
            email=f"signer{number}@{'spam.example' if number % 3 == 0 else 'example.org'}",
            signer=Signer(region=provinces[number % 3]),
        )
        for number in range(12)
    ]
    confirmations = [tokens.confirmation_token(s.pk, s.nonce) for s in pending]
    withdrawals = [tokens.withdrawal_token(s.pk) for s in pending]
    accounts = [make_user(f"account-{number}") for number in range(6)]
    actions: list[Callable[[], object]] = []
    for number, token in enumerate(confirmations):
        actions += [partial(services.signature_confirm, token=token)] * 2  # confirmed twice
        if number % 4 == 1:
            actions.append(partial(services.signature_withdraw, token=withdrawals[number]))
    for number, account in enumerate(accounts):
        sign = partial(
            services.petition_sign,
            actor=account,
            petition=petition,
            signer=Signer(region=provinces[number % 3]),
        )
        actions += [sign, sign] if number < 2 else [sign]  # two at once: one counts
    actions += [
        partial(services.petition_sign_by_email, petition=petition, email="Twin.Sister@gmail.com"),
        partial(services.petition_sign_by_email, petition=petition, email="twinsister+x@gmail.com"),
        partial(
            services.signatures_invalidate_bulk,
            actor=moderator,
            petition=petition,
            email_domain="spam.example",
            reason="批量注册",
        ),
    ]

    _done, refused = all_at_once(actions)

    assert {error.code for error in refused} <= {
        "already_signed",
        "signature_ended",
        "signature_invalidated",
    }
    assert sum(error.code == "already_signed" for error in refused) == 3
    assert_counts_exact(petition)
    # Then a withdrawal of every one left, one more time at once.
    all_at_once([partial(services.signature_withdraw, token=token) for token in withdrawals])
    assert_counts_exact(petition)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks only race on PostgreSQL; SQLite serialises writers",
)
def test_signers_racing_to_the_goal_count_up_to_it_and_the_rest_are_refused(
    regions: dict[str, Region],
) -> None:
    # A signature's petition row is locked last, by the counter's UPDATE: the signature
    # that reaches the goal closes the petition, and those inserted meanwhile are refused.
    author = make_user("author")
    petition = make_petition(author, signature_goal=15)  # five sponsors signed
    provinces = [regions["340000"], regions["420000"], None]
    accounts = [make_user(f"racer-{number}") for number in range(14)]
    admins = [make_user(f"racing-admin-{number}") for number in range(2)]
    actions: list[Callable[[], object]] = [
        partial(
            services.petition_sign,
            actor=account,
            petition=petition,
            signer=Signer(region=provinces[number % 3]),
        )
        for number, account in enumerate(accounts)
    ]
    actions += [
        partial(
            services.petition_sign_as_organisation,
            actor=admin,
            petition=petition,
            organisation=make_organisation(f"racing-ngo-{number}", admins=[admin]),
        )
        for number, admin in enumerate(admins)
    ]

    done, refused = all_at_once(actions)

    assert len(done) == 10
    assert [error.code for error in refused] == ["petition_not_signable"] * 6
    assert_counts_exact(petition)
    assert petition.validated_count == 15
    assert petition.closed_at is not None  # and delivered at once, by the eager jobs
    assert petition.events.filter(kind=PetitionEvent.Kind.GOAL_REACHED).count() == 1
    # A refused signer left no row behind: she may not have signed, and her place is free.
    assert Signature.objects.filter(petition=petition).count() == 15


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks only race on PostgreSQL; SQLite serialises writers",
)
def test_a_petition_closed_while_people_sign_counts_exactly_the_signatures_before_it(
    regions: dict[str, Region],
) -> None:
    author = make_user("author")
    moderator = make_user("moderator", is_staff=True)
    petition = make_petition(author, signature_goal=10_000)
    provinces = [regions["340000"], None]
    actions: list[Callable[[], object]] = [
        partial(
            services.petition_sign,
            actor=make_user(f"signer-{number}"),
            petition=petition,
            signer=Signer(region=provinces[number % 2]),
        )
        for number in range(10)
    ]
    actions += [
        partial(
            services.petition_sign_by_email,
            petition=petition,
            email=f"late{number}@example.org",
        )
        for number in range(3)
    ]
    actions.insert(6, partial(services.petition_close, actor=moderator, petition=petition))

    done, refused = all_at_once(actions)

    assert {error.code for error in refused} <= {"petition_not_signable"}
    assert len(done) + len(refused) == 14
    assert_counts_exact(petition)
    assert petition.state == Petition.State.CLOSED
    closing = PetitionEvent.objects.get(petition=petition, kind=PetitionEvent.Kind.CLOSED)
    assert Signature.objects.filter(petition=petition).count() == 5 + len(done) - 1
    assert not Signature.objects.filter(
        petition=petition, created_at__gt=closing.created_at
    ).exists()


class SigningMachine(RuleBasedStateMachine):
    """Any sequence of a petition's signature changes keeps its counters exact."""

    def __init__(self) -> None:
        super().__init__()
        self.author = make_user(f"machine-author-{next(NAMES)}")
        self.moderator = make_user(f"machine-moderator-{next(NAMES)}", is_staff=True)
        self.petition = make_petition(self.author, signature_goal=10_000)
        self.regions: list[Region | None] = [
            *Region.objects.filter(level=Region.Level.PROVINCE),
            None,
        ]
        self.signatures: list[Signature] = []
        self.accounts: list[User] = []
        self.organisations: list[tuple[Organisation, User]] = []
        for _number in range(3):
            admin = make_user(f"machine-admin-{next(NAMES)}")
            self.organisations.append(
                (make_organisation(f"machine-ngo-{next(NAMES)}", admins=[admin]), admin)
            )

    def _attempt(self, action: Callable[[], Any]) -> None:
        try:
            result = action()
        except DomainError:
            return
        if isinstance(result, Signature):
            self.signatures.append(result)

    @rule(mailbox=st.integers(0, 5), region=st.integers(0, 2), spam=st.booleans())
    def sign_by_email(self, mailbox: int, region: int, spam: bool) -> None:
        domain = "spam.example" if spam else "example.org"
        self._attempt(
            lambda: services.petition_sign_by_email(
                petition=self.petition,
                email=f"person{mailbox}@{domain}",
                signer=Signer(region=self.regions[region % len(self.regions)]),
            )
        )

    @rule(new=st.booleans(), region=st.integers(0, 2))
    def sign_by_account(self, new: bool, region: int) -> None:
        if new or not self.accounts:
            self.accounts.append(make_user(f"machine-{next(NAMES)}"))
        account = self.accounts[-1]
        self._attempt(
            lambda: services.petition_sign(
                actor=account,
                petition=self.petition,
                signer=Signer(region=self.regions[region % len(self.regions)]),
            )
        )

    @rule(which=st.integers(0, 2))
    def sign_as_organisation(self, which: int) -> None:
        organisation, admin = self.organisations[which]
        self._attempt(
            lambda: services.petition_sign_as_organisation(
                actor=admin, petition=self.petition, organisation=organisation
            )
        )

    @rule(which=st.integers(0, 2))
    def organisation_withdraws(self, which: int) -> None:
        organisation, admin = self.organisations[which]
        self._attempt(
            lambda: services.signature_withdraw(
                actor=admin, petition=self.petition, organisation=organisation
            )
        )

    @rule()
    def account_withdraws(self) -> None:
        if self.accounts:
            account = self.accounts[-1]
            self._attempt(
                lambda: services.signature_withdraw(actor=account, petition=self.petition)
            )

    @rule(which=st.integers(0, 100))
    def confirm(self, which: int) -> None:
        if self.signatures:
            signature = self.signatures[which % len(self.signatures)]
            token = tokens.confirmation_token(signature.pk, signature.nonce)
            self._attempt(lambda: services.signature_confirm(token=token))

    @rule(which=st.integers(0, 100))
    def withdraw(self, which: int) -> None:
        if self.signatures:
            signature = self.signatures[which % len(self.signatures)]
            token = tokens.withdrawal_token(signature.pk)
            self._attempt(lambda: services.signature_withdraw(token=token))

    @rule()
    def invalidate_spam(self) -> None:
        self._attempt(
            lambda: services.signatures_invalidate_bulk(
                actor=self.moderator,
                petition=self.petition,
                email_domain="spam.example",
                reason="垃圾签名",
            )
        )

    @invariant()
    def counts_are_exact(self) -> None:
        assert_counts_exact(self.petition)


NAMES = itertools.count()


@pytest.mark.django_db
def test_any_sequence_of_signature_changes_keeps_counts_exact(
    regions: dict[str, Region],
) -> None:
    run_state_machine_as_test(
        SigningMachine,
        settings=settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
