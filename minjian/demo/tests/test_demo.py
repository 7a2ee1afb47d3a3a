"""`python manage.py load_demo`, as `make demo` runs it after `load_regions`.

Loading the whole demo takes a few seconds (it draws its photos), so the tests
that only look at what it wrote are one class and share one load, made in a
transaction that is rolled back when the class is done; each test runs inside
it in a savepoint of its own. The other tests start from an empty database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import extruct  # type: ignore[import-untyped]  # extruct ships no type information
import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Q
from django.test import Client, override_settings
from django.utils import timezone
from PIL import Image

from minjian.accounts.models import AccountEvent, User
from minjian.accounts.tests.factories import make_user
from minjian.cases.models import Case, CaseEvent, CaseFingerprint, CasePhoto, DuplicateSuggestion
from minjian.cases.tests.factories import make_case
from minjian.claims import selectors as claim_selectors
from minjian.claims.models import Claim
from minjian.demo import content
from minjian.demo.loader import LOCAL_ZONE, demo_schedule, required_region_codes
from minjian.demo.photos import HEIGHT, SCENES, WIDTH, photo_jpeg
from minjian.demo.verification import VERIFICATION_STEPS, WitnessAdds
from minjian.orgs.models import Membership, Organisation
from minjian.places.models import Region
from minjian.places.regionfile import read_region_rows
from minjian.topics.models import Topic
from minjian.topics.tests.factories import ensure_default_topics

CHINA_REGION_FILE = Path(__file__).resolve().parents[2] / "places" / "data" / "cn_regions.csv"
PUBLIC_STATES = {state.value for state in Case.PUBLIC_STATES}
PAPER_MILL = "paper-mill-huaiyuan"
# The reports verifiers merged into it; the one the index suggests, still waiting.
MERGED_INTO_PAPER_MILL = ("paper-mill-duplicate", "paper-mill-repost")
SUGGESTED_FOR_PAPER_MILL = "paper-mill-weibo"
Verdict = Case.Verdict


def demo_case(key: str) -> Case:
    """The case written for the demo's case `key` (each demo case has its own title)."""
    (written,) = (case for case in content.CASES if case.key == key)
    return Case.objects.get(title=written.title)


def public_cases() -> Any:
    return Case.objects.filter(state__in=PUBLIC_STATES)


def claim_reviews(html: str) -> list[dict[str, Any]]:
    """The ClaimReview items of a page, read as a search engine reads them."""
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [item for item in found if item.get("@type") == "ClaimReview"]


def load_demo(**settings: Any) -> str:
    out = StringIO()
    with override_settings(**{"MINJIAN_DEMO_PASSWORD": "", **settings}):
        call_command("load_demo", stdout=out)
    return out.getvalue()


def printed_password(output: str) -> str:
    line = next(line for line in output.splitlines() if line.startswith("Password"))
    return line.rsplit(" ", 1)[-1]


@dataclass(frozen=True)
class LoadedDemo:
    output: str
    media: Path
    loaded_at: datetime


@pytest.fixture(scope="class")
def demo(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoadedDemo]:
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        # A transactional test run before in this process may have emptied the topics.
        ensure_default_topics()
        call_command("load_regions", stdout=StringIO())
        loaded_at = timezone.now()
        output = load_demo()
        yield LoadedDemo(output=output, media=media, loaded_at=loaded_at)
        transaction.set_rollback(True)


@pytest.fixture
def loaded(demo: LoadedDemo, db: Any) -> LoadedDemo:
    return demo


class TestTheLoadedDemo:
    def test_demo_holds_about_thirty_public_cases_across_provinces_and_all_topics(
        self,
        loaded: LoadedDemo,
    ) -> None:
        cases = list(public_cases().select_related("region", "topic"))
        assert 28 <= len(cases) <= 34
        # Every other case is a report merged into the paper mill's.
        merged = Case.objects.exclude(state__in=PUBLIC_STATES)
        assert {case.pk for case in merged} == {demo_case(key).pk for key in MERGED_INTO_PAPER_MILL}
        provinces = {case.region.path.strip("/").split("/")[0] for case in cases}
        assert len(provinces) >= 8
        assert {case.topic.slug for case in cases} == set(
            Topic.objects.values_list("slug", flat=True)
        )
        assert "Loaded the demo: " in loaded.output
        assert f"{len(content.CASES)} cases" in loaded.output

    def test_cases_are_in_every_state_with_points_and_photos_on_some(
        self, loaded: LoadedDemo
    ) -> None:
        states = Counter(public_cases().values_list("state", flat=True))
        assert set(states) == PUBLIC_STATES
        with_point = Case.objects.filter(latitude__isnull=False).count()
        with_photos = Case.objects.filter(photos__isnull=False).distinct().count()
        assert 0 < with_point < len(content.CASES)
        assert 0 < with_photos < len(content.CASES)
        assert Case.objects.filter(reporter__isnull=True).exists()

    def test_every_case_sits_in_its_county_and_points_are_in_china(
        self, loaded: LoadedDemo
    ) -> None:
        for case in Case.objects.select_related("region"):
            assert case.region.level == Region.Level.COUNTY
            if case.has_point:
                assert 18 <= float(case.latitude or 0) <= 54
                assert 73 <= float(case.longitude or 0) <= 135

    def test_acknowledgements_are_public_notes_by_members_of_verified_organisations(
        self,
        loaded: LoadedDemo,
    ) -> None:
        acknowledgements = CaseEvent.objects.filter(kind=CaseEvent.Kind.ACKNOWLEDGED)
        assert acknowledgements.count() >= 5
        for event in acknowledgements.select_related("actor"):
            assert event.payload["note"]
            assert Membership.objects.filter(user=event.actor, organisation__verified=True).exists()

    def test_the_agency_is_verified_and_run_by_its_official_not_by_staff(
        self, loaded: LoadedDemo
    ) -> None:
        agency = Organisation.objects.get(kind=Organisation.Kind.AGENCY)
        assert agency.verified
        assert agency.name_zh == "蚌埠市生态环境局"
        assert agency.name_en == "Bengbu Municipal Ecology and Environment Bureau"
        staff = User.objects.get(username=content.STAFF_PSEUDONYM)
        assert staff.is_staff
        assert agency.events.filter(kind="created", actor=staff).exists()
        members = list(agency.memberships.values_list("user__username", "role"))
        assert members == [("蚌埠市生态环境局-办公室", Membership.Role.ADMIN)]
        answered = CaseEvent.objects.filter(actor__memberships__organisation=agency)
        assert answered.filter(kind=CaseEvent.Kind.IN_PROGRESS).exists()

    def test_organisations_are_bilingual_on_example_domains_and_all_but_one_verified(
        self,
        loaded: LoadedDemo,
    ) -> None:
        groups = Organisation.objects.exclude(kind=Organisation.Kind.AGENCY)
        assert groups.count() >= 4
        assert groups.filter(verified=False).count() == 1
        for organisation in Organisation.objects.all():
            assert organisation.name_zh
            assert organisation.name_en
            assert organisation.contact_email.endswith(".example.org")
            assert organisation.topics.exists()
            assert organisation.regions.exists()
            assert organisation.memberships.exists()

    def test_photos_are_stored_as_800_by_600_jpegs_without_exif(self, loaded: LoadedDemo) -> None:
        photos = list(CasePhoto.objects.all())
        witnesses = [step for step in VERIFICATION_STEPS if isinstance(step, WitnessAdds)]
        assert len(photos) == sum(len(case.photos) for case in content.CASES) + sum(
            len(step.photos) for step in witnesses
        )
        # Prepared while loading: a case is public only once its photos are.
        for photo in photos:
            assert photo.status == CasePhoto.Status.READY
            for name in (photo.image.name, photo.thumbnail.name):
                with Image.open(loaded.media / name) as stored:
                    assert stored.format == "JPEG"
                    assert not stored.getexif()
                    assert "exif" not in stored.info
            assert (photo.width, photo.height) == (WIDTH, HEIGHT)

    def test_history_spreads_over_sixty_days_in_time_order(self, loaded: LoadedDemo) -> None:
        now = loaded.loaded_at
        submitted = sorted(Case.objects.values_list("created_at", flat=True))
        assert submitted[0] >= now - timedelta(days=60)
        assert submitted[-1] - submitted[0] >= timedelta(days=45)
        events = list(CaseEvent.objects.order_by("id").values_list("case_id", "created_at"))
        assert all(now - timedelta(days=60) <= at <= now for _case, at in events)
        last_seen: dict[int, datetime] = {}
        for case_id, at in events:
            assert at >= last_seen.get(case_id, at)
            last_seen[case_id] = at
        # Steps ran in time order, so the ids of all events follow time too.
        assert [at for _case, at in events] == sorted(at for _case, at in events)
        staff_joined = AccountEvent.objects.order_by("id").first()
        assert staff_joined is not None
        assert staff_joined.created_at.astimezone(LOCAL_ZONE).date() == (
            (now - timedelta(days=60)).astimezone(LOCAL_ZONE).date()
        )

    def test_demo_accounts_log_in_with_the_printed_password(self, loaded: LoadedDemo) -> None:
        password = printed_password(loaded.output)
        assert authenticate(username=content.STAFF_PSEUDONYM, password=password) is not None
        assert authenticate(username="淮畔观察", password=password) is not None

    def test_running_the_demo_again_adds_nothing(self, loaded: LoadedDemo) -> None:
        counts = (User.objects.count(), Organisation.objects.count(), Case.objects.count())
        output = load_demo()
        assert "already loaded" in output
        assert (User.objects.count(), Organisation.objects.count(), Case.objects.count()) == counts

    def test_the_paper_mills_reports_are_one_public_case_the_merged_ones_lead_to(
        self, loaded: LoadedDemo, client: Client
    ) -> None:
        original = demo_case(PAPER_MILL)
        assert original.is_public
        merged = [demo_case(key) for key in MERGED_INTO_PAPER_MILL]
        for case in merged:
            assert case.state == Case.State.HIDDEN
            assert case.hidden_reason == Case.HiddenReason.DUPLICATE
            assert case.duplicate_of_id == original.pk
            tombstone = client.get(f"/cases/{case.pk}/", HTTP_ACCEPT_LANGUAGE="en")
            assert tombstone.status_code == 410
            assert f'href="/cases/{original.pk}/"' in tombstone.content.decode()
        joined = original.events.filter(kind=CaseEvent.Kind.MERGED_IN)
        assert sorted(int(event.payload["from"]) for event in joined) == [c.pk for c in merged]
        # Their photos are the original's now, with the one a witness added there.
        written = {case.key: case for case in content.CASES}
        sent = [
            *written[PAPER_MILL].photos,
            *(p for k in MERGED_INTO_PAPER_MILL for p in written[k].photos),
        ]
        witness = [step for step in VERIFICATION_STEPS if isinstance(step, WitnessAdds)]
        assert original.photos.count() == len(sent) + sum(len(step.photos) for step in witness)
        assert not CasePhoto.objects.filter(case__in=merged).exists()
        # The first duplicate's reporter added to it after the merge: it joined the original.
        later = original.events.get(kind=CaseEvent.Kind.ADDED_BY_REPORTER)
        assert later.actor is not None and later.actor.username == "怀远老钓友"
        assert original.events.filter(kind=CaseEvent.Kind.ADDED_BY_WITNESS).exists()
        page = client.get(f"/cases/{original.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        assert all(f"#{case.pk}" in page.content.decode() for case in merged)

    def test_the_index_holds_every_public_case_and_suggested_the_copies_verifiers_decided(
        self, loaded: LoadedDemo, client: Client
    ) -> None:
        indexed = set(CaseFingerprint.objects.values_list("case_id", flat=True))
        assert indexed == set(public_cases().values_list("pk", flat=True))
        original = demo_case(PAPER_MILL)
        # Suggested by the index as each case was published; the paper mill's second
        # report, in its reporter's own words, was merged by number, not suggested.
        pairs = {
            (suggestion.case_id, suggestion.original_id): suggestion
            for suggestion in DuplicateSuggestion.objects.select_related("decided_by")
        }
        expected = {
            (demo_case("paper-mill-repost").pk, original.pk): DuplicateSuggestion.Status.CONFIRMED,
            (demo_case(SUGGESTED_FOR_PAPER_MILL).pk, original.pk): (
                DuplicateSuggestion.Status.SUGGESTED
            ),
            (demo_case("patrol-log-wuhe").pk, demo_case("patrol-log-bengbu").pk): (
                DuplicateSuggestion.Status.REJECTED
            ),
        }
        assert {pair: suggestion.status for pair, suggestion in pairs.items()} == expected
        for suggestion in pairs.values():
            if suggestion.status != DuplicateSuggestion.Status.SUGGESTED:
                assert suggestion.decided_by is not None
                assert Membership.objects.filter(user=suggestion.decided_by, verifier=True).exists()
        verifier = User.objects.get(username="huai-volunteer-lin")
        client.force_login(verifier)
        queue = client.get("/cases/duplicates/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert f'href="/cases/{demo_case(SUGGESTED_FOR_PAPER_MILL).pk}/"' in queue
        assert f'href="/cases/{demo_case("patrol-log-wuhe").pk}/"' not in queue

    def test_verifiers_are_members_of_verified_organisations_given_the_mark(
        self, loaded: LoadedDemo
    ) -> None:
        marked = Membership.objects.filter(verifier=True).select_related("organisation", "user")
        assert {(m.organisation.slug, m.user.username) for m in marked} == {
            (organisation.slug, pseudonym)
            for organisation in content.ORGANISATIONS
            for pseudonym in organisation.verifiers
        }
        assert all(membership.organisation.verified for membership in marked)
        assert len({membership.organisation_id for membership in marked}) >= 2

    def test_the_paper_mill_is_corroborated_in_the_open_and_published_as_claim_review(
        self, loaded: LoadedDemo, client: Client
    ) -> None:
        original = demo_case(PAPER_MILL)
        assert original.verdict == Verdict.CORROBORATED
        verdicts = original.events.filter(kind=CaseEvent.Kind.VERDICT).order_by("id")
        assert [event.payload["verdict"] for event in verdicts] == [
            Verdict.CHECKING,
            Verdict.CORROBORATED,
        ]
        given = verdicts.last()
        assert given is not None
        assert {item["kind"] for item in given.payload["evidence"]} == {"response", "photo", "link"}
        assert "mg/L" in given.payload["rationale"]
        assert "生态环境局" in given.payload["rationale"]
        assert given.payload["organisations"][0]["slug"] == "huai-river-watchers"

        page = client.get(f"/cases/{original.pk}/", HTTP_ACCEPT_LANGUAGE="en")

        (review,) = claim_reviews(page.content.decode())
        assert review["claimReviewed"] == original.title
        assert review["reviewRating"]["alternateName"] == "corroborated"
        assert review["reviewRating"]["ratingValue"] == 5
        assert review["author"]["name"] == "Huai River Watchers"
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["url"].endswith(f"/cases/{original.pk}/#verdict")

    def test_a_rumour_written_down_where_it_circulated_is_false_with_its_reasons(
        self, loaded: LoadedDemo, client: Client
    ) -> None:
        claim = Claim.objects.select_related("published").get(
            case=None, statement__contains="三个村民"
        )
        assert claim.verdict == Verdict.FALSE
        seen = list(claim.appearances.all())
        assert any(
            a.url.startswith("https://example.org/") and a.platform and a.seen_on for a in seen
        )
        assert claim.published is not None
        assert claim.published.payload["rationale"]
        assert claim.published.payload["evidence"]

        page = client.get(f"/claims/{claim.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans")

        assert page.status_code == 200
        (review,) = claim_reviews(page.content.decode())
        assert review["reviewRating"]["ratingValue"] == 1
        assert review["itemReviewed"]["appearance"]

    def test_the_rumour_desk_has_a_case_being_checked_and_recent_verdicts(
        self, loaded: LoadedDemo
    ) -> None:
        checking = list(claim_selectors.claims_being_checked())
        assert [claim.case_id for claim in checking] == [demo_case("well-water-shenqiu").pk]
        recent = {claim.verdict for claim in claim_selectors.recent_verdicts()}
        assert {Verdict.CORROBORATED, Verdict.FALSE} <= recent
        # One organisation is enough on this instance (MINJIAN_VERDICT_CONFIRMATIONS).
        assert not claim_selectors.claims_awaiting_confirmation().exists()


def test_the_password_can_be_chosen_in_advance_and_is_not_printed(db: Any) -> None:
    call_command("load_regions", stdout=StringIO())
    chosen = "demo-river-2024-password"
    output = load_demo(MINJIAN_DEMO_PASSWORD=chosen)
    assert chosen not in output
    assert "MINJIAN_DEMO_PASSWORD" in output
    assert authenticate(username="wheels-in-pudong", password=chosen) is not None


def test_a_strict_instance_gets_the_demo_published_by_staff_and_verdicts_confirmed(
    db: Any,
) -> None:
    """An instance that reviews reports and asks two organisations for *false* and
    *corroborated*: staff publish every report and a witness's addition, and the Dandelion
    network confirms what the Huai River Watchers concluded."""
    call_command("load_regions", stdout=StringIO())
    with override_settings(MINJIAN_VERDICT_CONFIRMATIONS=2):
        load_demo(MINJIAN_REVIEW_UNTRUSTED_REPORTS=True)
    merged = Case.objects.exclude(state__in=PUBLIC_STATES)
    assert set(merged.values_list("hidden_reason", flat=True)) == {Case.HiddenReason.DUPLICATE}
    published = CaseEvent.objects.filter(kind=CaseEvent.Kind.PUBLISHED)
    assert published.count() == Case.objects.count()
    # Reports of members of verified organisations are published as they are filed.
    trusted = Q(case__reporter__memberships__organisation__verified=True)
    assert set(published.exclude(trusted).values_list("actor__username", flat=True)) == {
        content.STAFF_PSEUDONYM
    }
    assert CaseEvent.objects.filter(kind=CaseEvent.Kind.NOTE_RELEASED).exists()

    both = ["huai-river-watchers", "dandelion-legal"]
    original = demo_case(PAPER_MILL)
    assert original.verdict == Verdict.CORROBORATED
    verdict = original.events.filter(kind=CaseEvent.Kind.VERDICT).order_by("id").last()
    assert verdict is not None
    assert [named["slug"] for named in verdict.payload["organisations"]] == both
    rumour = Claim.objects.select_related("published").get(statement__contains="三个村民")
    assert rumour.verdict == Verdict.FALSE and rumour.published is not None
    assert [named["slug"] for named in rumour.published.payload["organisations"]] == both
    # The staff's verdict on the Wenzhou rumour waits for a verifier of an organisation.
    (waiting,) = claim_selectors.claims_awaiting_confirmation()
    assert "外国乘客" in waiting.statement
    assert waiting.verdict == Verdict.UNVERIFIED


def test_demo_refuses_to_load_without_regions(db: Any) -> None:
    with pytest.raises(CommandError, match="load_regions"):
        load_demo()
    assert not User.objects.exists()


def test_demo_refuses_a_database_that_already_has_cases(db: Any) -> None:
    call_command("load_regions", stdout=StringIO())
    make_case(Region.objects.get(code="340321"))
    with pytest.raises(CommandError, match="already has cases"):
        load_demo()
    assert Case.objects.count() == 1
    assert not User.objects.exists()


def test_a_failure_half_way_leaves_no_row_and_no_photo_behind(db: Any, settings: Any) -> None:
    call_command("load_regions", stdout=StringIO())
    # A pseudonym the demo signs up weeks into its history, after photos were stored.
    make_user("钢筋工阿强")
    with pytest.raises(CommandError, match="signing up 钢筋工阿强: This pseudonym is taken"):
        load_demo()
    assert list(User.objects.values_list("username", flat=True)) == ["钢筋工阿强"]
    assert not Organisation.objects.exists()
    assert not Case.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [path for path in media.rglob("*") if path.is_file()]


@pytest.mark.parametrize("local_time", ["00:00:01", "12:00:00", "23:59:59"])
def test_the_whole_history_is_in_the_past_whatever_the_time_of_day(local_time: str) -> None:
    now = datetime.fromisoformat(f"2025-03-01T{local_time}").replace(tzinfo=LOCAL_ZONE)
    steps = demo_schedule(now)
    assert all(now - timedelta(days=61) < step.at < now for step in steps)
    assert [step.at for step in steps] == sorted(step.at for step in steps)


def test_every_region_the_demo_uses_is_in_chinas_region_file() -> None:
    with CHINA_REGION_FILE.open(encoding="utf-8") as stream:
        codes = {row.code for row in read_region_rows(stream)}
    assert required_region_codes() <= codes


def test_every_scene_is_drawn_the_same_for_the_same_seed_and_used_by_a_case() -> None:
    used = {scene for case in content.CASES for scene in case.photos}
    assert used == set(SCENES)
    assert photo_jpeg("cracked_bridge", 7) == photo_jpeg("cracked_bridge", 7)
    assert photo_jpeg("cracked_bridge", 7) != photo_jpeg("cracked_bridge", 8)
