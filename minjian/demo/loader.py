"""Loading the demo: every account, organisation and case written through the services.

Nothing here writes a row itself: the
demo goes through `account_sign_up`, `organisation_create`, `case_submit`,
`case_acknowledge` and the rest, so what a newcomer sees in the demo is what the
platform would hold had these people used it, with the same events and checks.

Why the clock is moved back: the demo should look like an instance that has
been in use for two months. Cases sorted by date, timelines that unfold over
days, an agency's answer 66 hours after a report (the response times the
platform measures) only look real if each event carries the time it would have
happened. The services stamp `timezone.now()`, and model defaults stamp it
too, so the loader moves the process's clock (with time-machine) to each
step's moment and lets the services write as they always do. Steps run in time
order, so row ids follow time as well.

A consequence: with media on S3-compatible storage, uploads are signed with the
moved clock and a store that checks request times refuses them. The demo is
meant for the embedded default, whose media are local files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.storage import default_storage
from django.db import transaction

from minjian.accounts.models import User, same_pseudonym
from minjian.accounts.services import account_set_staff, account_sign_up
from minjian.cases.jobs import prepare_case_photo
from minjian.cases.models import Case, CasePhoto
from minjian.cases.services import (
    case_acknowledge,
    case_close,
    case_publish,
    case_resolve,
    case_start_progress,
    case_submit,
)
from minjian.core.errors import DomainError
from minjian.demo.aid import load_aid_demo
from minjian.demo.collective import (
    CollectiveDemoAction,
    collective_demo_steps,
    collective_region_codes,
)
from minjian.demo.content import (
    CASES,
    ORGANISATIONS,
    STAFF_EMAIL,
    STAFF_PSEUDONYM,
    DemoCase,
    DemoOrganisation,
    DemoResponse,
)
from minjian.demo.photos import photo_uploads
from minjian.demo.routing import RoutingDemoAction, routing_demo_steps
from minjian.demo.verification import VerificationDemoAction, verification_demo_steps
from minjian.orgs.models import Membership, Organisation
from minjian.orgs.services import (
    membership_add,
    membership_remove,
    organisation_create,
    organisation_set_verified,
)
from minjian.places.models import Region

# The content's times are local times in China, whatever zone the instance shows.
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")
# The demo's history begins this many days before it is loaded, when staff sign up.
HISTORY_DAYS = 60
# People sign up a little before they first act.
SIGN_UP_LEAD = timedelta(minutes=25)
ORGANISATION_HOUR = time(10, 0)

RESPONSE_SERVICES = {
    "acknowledge": case_acknowledge,
    "start_progress": case_start_progress,
    "resolve": case_resolve,
    "close": case_close,
}


# One step of the demo's history. Each is carried out by one service call.
@dataclass(frozen=True)
class SignUp:
    pseudonym: str


@dataclass(frozen=True)
class CreateOrganisation:
    organisation: DemoOrganisation


@dataclass(frozen=True)
class AddMember:
    organisation: DemoOrganisation
    actor: str
    pseudonym: str
    role: str


@dataclass(frozen=True)
class HandOverAgency:
    """Staff registered the agency; its officials run it, so staff leave it."""

    organisation: DemoOrganisation


@dataclass(frozen=True)
class Verify:
    organisation: DemoOrganisation


@dataclass(frozen=True)
class Submit:
    case: DemoCase


@dataclass(frozen=True)
class Respond:
    case: DemoCase
    response: DemoResponse


Action = (
    SignUp
    | CreateOrganisation
    | AddMember
    | HandOverAgency
    | Verify
    | Submit
    | Respond
    | RoutingDemoAction
    | VerificationDemoAction
    | CollectiveDemoAction
)


@dataclass(frozen=True)
class Step:
    at: datetime
    action: Action


class DemoStepFailed(Exception):
    """A service refused a step of the demo (say, a demo pseudonym is already taken)."""

    def __init__(self, step: Step, error: DomainError) -> None:
        super().__init__(f"{describe(step.action)}: {error.message}")


def describe(action: Action) -> str:
    match action:
        case SignUp(pseudonym):
            return f"signing up {pseudonym}"
        case CreateOrganisation(organisation) | HandOverAgency(organisation):
            return f"registering the organisation {organisation.slug}"
        case AddMember(organisation, _actor, pseudonym, _role):
            return f"adding {pseudonym} to {organisation.slug}"
        case Verify(organisation):
            return f"verifying {organisation.slug}"
        case Submit(case) | Respond(case, _):
            return f"the case {case.key}"
        case RoutingDemoAction():
            return f"the inbox step {action}"
        case VerificationDemoAction():
            return f"the verification step {action}"
        case CollectiveDemoAction():
            return f"the collective action step {action}"


@dataclass(frozen=True)
class DemoLoaded:
    accounts: list[str]
    organisations: int
    cases: int
    photos: int


def demo_is_loaded() -> bool:
    return User.objects.filter(same_pseudonym(STAFF_PSEUDONYM)).exists()


def instance_has_cases() -> bool:
    """Whether any case exists: the demo is only loaded into a new instance."""
    return Case.objects.exists()


def required_region_codes() -> set[str]:
    codes = {case.region for case in CASES}
    for organisation in ORGANISATIONS:
        codes.update(organisation.regions)
    return codes | collective_region_codes()


def missing_region_codes() -> list[str]:
    wanted = required_region_codes()
    present = set(Region.objects.filter(code__in=wanted).values_list("code", flat=True))
    return sorted(wanted - present)


def local_moment(today: date, days_ago: int, at: time) -> datetime:
    return datetime.combine(today - timedelta(days=days_ago), at, tzinfo=LOCAL_ZONE)


def founder_of(organisation: DemoOrganisation) -> str:
    """Who registers it: site staff for an agency, its first admin for any other."""
    return STAFF_PSEUDONYM if organisation.kind == "agency" else organisation.admins[0]


def demo_schedule(now: datetime) -> list[Step]:
    """Every step of the demo's history, in time order, all before `now`."""
    today = now.astimezone(LOCAL_ZONE).date()
    steps: list[Step] = []
    first_act: dict[str, datetime] = {}

    def acts(pseudonym: str, at: datetime) -> None:
        first_act[pseudonym] = min(at, first_act.get(pseudonym, at))

    for organisation in ORGANISATIONS:
        created = local_moment(today, organisation.created_days_ago, ORGANISATION_HOUR)
        steps.append(Step(created, CreateOrganisation(organisation)))
        founder = founder_of(organisation)
        acts(founder, created)
        added_admins = [admin for admin in organisation.admins if admin != founder]
        joining = [(p, Membership.Role.ADMIN) for p in added_admins]
        joining += [(p, Membership.Role.MEMBER) for p in organisation.members]
        for position, (pseudonym, role) in enumerate(joining, start=1):
            at = created + timedelta(minutes=20 * position)
            steps.append(Step(at, AddMember(organisation, founder, pseudonym, role.value)))
            acts(pseudonym, at)
        if organisation.kind == "agency":
            steps.append(Step(created + timedelta(hours=2), HandOverAgency(organisation)))
        elif organisation.verified:
            steps.append(Step(created + timedelta(days=1), Verify(organisation)))

    for case in CASES:
        hour, minute = (int(part) for part in case.at.split(":"))
        submitted = local_moment(today, case.days_ago, time(hour, minute))
        steps.append(Step(submitted, Submit(case)))
        if case.reporter is not None:
            acts(case.reporter, submitted)
        for response in case.responses:
            at = submitted + timedelta(hours=response.after_hours)
            steps.append(Step(at, Respond(case, response)))
            acts(response.by, at)

    staff_joined = local_moment(today, HISTORY_DAYS, time(9, 0))
    steps.append(Step(staff_joined, SignUp(STAFF_PSEUDONYM)))
    for pseudonym, at in first_act.items():
        if pseudonym != STAFF_PSEUDONYM:
            steps.append(Step(at - SIGN_UP_LEAD, SignUp(pseudonym)))
    steps += routing_demo_steps(steps)
    steps += verification_demo_steps(steps)
    steps += collective_demo_steps(steps)
    # Sorting is stable: steps at the same moment keep the order they were listed in.
    return sorted(steps, key=lambda step: step.at)


def load_demo(*, password: str, now: datetime) -> DemoLoaded:
    """Write the whole demo in one transaction; if any step fails, nothing stays.

    A step that a service refuses raises `DemoStepFailed`, naming the step.

    `password` becomes every demo account's password. Regions must be loaded
    and the demo must not be loaded yet: the command checks both first.
    """
    loader = _Loader(password)
    steps = demo_schedule(now)
    try:
        with transaction.atomic(), time_machine.travel(steps[0].at, tick=False) as traveller:
            for step in steps:
                traveller.move_to(step.at)
                try:
                    loader.run(step.action)
                except DomainError as error:
                    raise DemoStepFailed(step, error) from error
            load_aid_demo(password=password)
    except BaseException:
        for name in loader.stored_files:
            default_storage.delete(name)
        raise
    return DemoLoaded(
        accounts=list(loader.users),
        organisations=len(loader.organisations),
        cases=len(loader.cases),
        photos=loader.photos,
    )


class _Loader:
    def __init__(self, password: str) -> None:
        self.password = password
        self.users: dict[str, User] = {}
        self.organisations: dict[str, Organisation] = {}
        self.cases: dict[str, Case] = {}
        self.claims: dict[str, int] = {}
        self.stored_files: list[str] = []
        self.photos = 0

    def run(self, action: Action) -> None:
        match action:
            case SignUp(pseudonym):
                self._sign_up(pseudonym)
            case CreateOrganisation(organisation):
                self._create_organisation(organisation)
            case AddMember(organisation, actor, pseudonym, role):
                membership_add(
                    actor=self.users[actor],
                    organisation=self.organisations[organisation.slug],
                    user=self.users[pseudonym],
                    role=role,
                )
            case HandOverAgency(organisation):
                membership_remove(
                    actor=self.users[STAFF_PSEUDONYM],
                    organisation=self.organisations[organisation.slug],
                    user=self.users[STAFF_PSEUDONYM],
                )
            case Verify(organisation):
                self.organisations[organisation.slug] = organisation_set_verified(
                    actor=self.users[STAFF_PSEUDONYM],
                    organisation=self.organisations[organisation.slug],
                    verified=True,
                )
            case Submit(case):
                self._submit(case)
            case Respond(case, response):
                RESPONSE_SERVICES[response.action](
                    actor=self.users[response.by],
                    case_id=self.cases[case.key].pk,
                    note=response.note,
                )
            case RoutingDemoAction():
                action.run(self.users, self.organisations, self.cases)
            case VerificationDemoAction() | CollectiveDemoAction():
                action.run(self)

    def _sign_up(self, pseudonym: str) -> None:
        email = STAFF_EMAIL if pseudonym == STAFF_PSEUDONYM else ""
        user = account_sign_up(username=pseudonym, email=email, password=self.password)
        if pseudonym == STAFF_PSEUDONYM:
            account_set_staff(actor=None, user=user, is_staff=True)
        self.users[pseudonym] = user

    def _create_organisation(self, organisation: DemoOrganisation) -> None:
        self.organisations[organisation.slug] = organisation_create(
            actor=self.users[founder_of(organisation)],
            kind=organisation.kind,
            name_zh=organisation.name_zh,
            name_en=organisation.name_en,
            slug=organisation.slug,
            description=organisation.description,
            topic_slugs=organisation.topics,
            region_codes=organisation.regions,
            contact_email=organisation.contact_email,
            contact_url=organisation.contact_url,
            contact_note=organisation.contact_note,
        )

    def _submit(self, case: DemoCase) -> None:
        latitude, longitude = case.point if case.point else (None, None)
        submitted = case_submit(
            reporter=self.users[case.reporter] if case.reporter else None,
            title=case.title,
            description=case.description,
            topic_slug=case.topic,
            region_code=case.region,
            latitude=latitude,
            longitude=longitude,
            photos=list(photo_uploads(case.key, case.photos)),
        ).case
        self.prepare_photos(submitted.pk)
        submitted.refresh_from_db()
        if submitted.state == Case.State.SUBMITTED:
            # This instance reviews reports before publishing them: staff publish the demo's.
            submitted = case_publish(actor=self.users[STAFF_PSEUDONYM], case_id=submitted.pk)
        self.cases[case.key] = submitted

    def prepare_photos(self, case_id: int) -> None:
        """Prepare the case's photos still waiting now rather than by their jobs after the
        commit (which then find nothing to do): a case is public only once its photos
        are, and the demo's history goes on with the case public."""
        waiting = CasePhoto.objects.filter(case_id=case_id, status=CasePhoto.Status.PREPARING)
        for photo in waiting.order_by("position", "id"):
            self.stored_files.append(photo.upload.name)
            prepare_case_photo(photo.pk)
            photo.refresh_from_db()
            self.stored_files += [photo.image.name, photo.thumbnail.name, photo.small.name]
            self.photos += 1
