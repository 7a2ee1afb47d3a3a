"""What of each table a public bundle holds: a policy per model, so that nothing leaks by
default. A model without a policy fails a test (tests/test_policy.py); a model in
`NOT_EXPORTED` is in neither kind of bundle, with the reason.

A public bundle is what any visitor may read, for mirrors: public cases and the tombstones of
hidden ones (their reason, not their text), public cases' timelines without internal notes and
without any text the public does not read (held, withheld, a hide's note, a request for an
edit), photos that are ready and not held (blurred versions only, never the original
upload), organisations without their e-mail addresses, public petitions, claims of public
cases, drives and their ledgers, the accountability figures, the public events' hash chain,
regions and topics. Accounts are there only as placeholders (`account-<id>`, no e-mail, no
password, no flags) so that the rows that point to one still do; every nullable link to an
account is emptied, so that no one's actions can be joined together. Left out altogether:
e-mail addresses and followers, tokens and their digests, receipt digests, signatures of
petitions, memberships, inboxes, flags, drafts, jobs, rate limits and mirrors of others.

A full bundle holds every exported table whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from minjian.cases.models import Case, CaseEvent, CasePhoto
from minjian.cases.selectors import Audience, text_audience
from minjian.coalitions.models import CoalitionEvent
from minjian.petitions.models import Petition

Rows = Callable[[QuerySet[Any]], QuerySet[Any]]
Row = dict[str, Any]

# Tables in no bundle: Django's own machinery, or state that is only ever of one running
# instance (cache versions: the import bumps them instead).
NOT_EXPORTED: dict[str, str] = {
    "core.PublicChange": "versions of cached pages; the import bumps them",
    "accounts.User_groups": "Django's groups, unused by Minjian",
    "accounts.User_user_permissions": "Django's permissions, unused by Minjian",
}


@dataclass(frozen=True)
class Public:
    """In the public bundle: the rows `rows` keeps, with `blanked` columns replaced by the
    value given and `transform` applied to each encoded row."""

    rows: Rows | None = None
    blanked: dict[str, Any] = field(default_factory=dict)
    transform: Callable[[Row], Row] | None = None
    # Links to an account left as they are (to its placeholder) where a constraint needs
    # them; every other nullable link to an account is emptied.
    account_links_kept: tuple[str, ...] = ()


@dataclass(frozen=True)
class Private:
    """In the full bundle only."""

    why: str


Policy = Public | Private

# What the public reads of a case: a public one whole, a hidden one as its tombstone.
VISIBLE_CASE_STATES = (*Case.PUBLIC_STATES, Case.State.HIDDEN)


def _public_cases(prefix: str) -> Rows:
    def rows(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(**{f"{prefix}state__in": Case.PUBLIC_STATES})

    return rows


def _public_petitions(prefix: str) -> Rows:
    def rows(queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(**{f"{prefix}state__in": Petition.PUBLIC_STATES})

    return rows


def _tombstone(row: Row) -> Row:
    if row["state"] == Case.State.HIDDEN:
        row["title"] = ""
        row["description"] = ""
    return row


# What stands for a secret a constraint wants non-empty (a receipt's digest marks an
# anonymous pledge; a named body has a contact): not a value of the column's kind.
WITHHELD = "withheld.invalid"


def _withheld(column: str) -> Callable[[Row], Row]:
    def transform(row: Row) -> Row:
        if row[column]:
            row[column] = WITHHELD
        return row

    return transform


def _placeholder_account(row: Row) -> Row:
    row["username"] = f"account-{row['id']}"
    return row


class _PublicTimeline:
    """Case events as the public reads them: the text of an event whose audience is not
    the public is dropped (`cases.selectors.text_audience`, the one rule of every page).
    It reads the ids of released held texts once, at the first row."""

    def __init__(self) -> None:
        self.released: set[int] | None = None

    def __call__(self, row: Row) -> Row:
        if self.released is None:
            self.released = {
                int(event_id)
                for event_id in CaseEvent._base_manager.filter(
                    kind=CaseEvent.Kind.NOTE_RELEASED
                ).values_list("payload__event", flat=True)
                if event_id is not None
            }
        event = CaseEvent(kind=row["kind"], internal=row["internal"], payload=row["payload"])
        if text_audience(event, released=row["id"] in self.released) != Audience.PUBLIC:
            row["payload"] = {
                key: value for key, value in row["payload"].items() if key not in ("note", "text")
            }
        return row


def policies() -> dict[str, Policy]:
    """The policy of every exported model, by label. Made on each call: a policy may keep
    state for one export (`_PublicTimeline`)."""
    return {
        # accounts
        "accounts.User": Public(
            blanked={
                "password": "!",
                "email": "",
                "last_login": None,
                "is_superuser": False,
                "is_staff": False,
            },
            transform=_placeholder_account,
        ),
        "accounts.ApiToken": Private("token digests"),
        "accounts.AccountEvent": Private("an account's own history"),
        # places, topics
        "places.Region": Public(),
        "places.RegionBoundary": Public(),
        "places.RegionOutline": Public(),
        "places.BoundaryLoad": Public(),
        "topics.Topic": Public(),
        # orgs
        "orgs.Organisation": Public(blanked={"contact_email": ""}),
        "orgs.Organisation_topics": Public(),
        "orgs.Organisation_regions": Public(),
        "orgs.Membership": Private("who works for an organisation"),
        "orgs.OrganisationEvent": Private("an organisation's own history"),
        # cases
        "cases.Case": Public(
            rows=lambda rows: rows.filter(state__in=VISIBLE_CASE_STATES),
            blanked={"receipt_digest": "", "personal_data_found": []},
            transform=_tombstone,
        ),
        "cases.CaseTally": Public(
            rows=lambda rows: rows.filter(state__in=VISIBLE_CASE_STATES),
        ),
        "cases.CaseMapTally": Public(
            rows=lambda rows: rows.filter(state__in=VISIBLE_CASE_STATES),
        ),
        "cases.CasePhoto": Public(
            rows=lambda rows: _public_cases("case__")(rows).filter(
                status=CasePhoto.Status.READY, held=False
            ),
            # The upload is the original, faces unblurred.
            blanked={"upload": None},
        ),
        "cases.CaseEvent": Public(
            rows=lambda rows: _public_cases("case__")(rows).filter(internal=False),
            transform=_PublicTimeline(),
        ),
        "cases.CaseFingerprint": Private("derived, for finding duplicates"),
        "cases.CaseLshBucket": Private("derived, for finding duplicates"),
        "cases.DuplicateSuggestion": Private("moderators' work"),
        "cases.PhotoDraft": Private("unsent drafts"),
        "cases.DraftPhoto": Private("unsent drafts"),
        # abuse, jobs
        "abuse.Counter": Private("rate limits"),
        "abuse.UsedProof": Private("rate limits"),
        "jobs.PendingJob": Private("the instance's own work"),
        "jobs.JobDone": Private("the instance's own work"),
        # record: the public events' hash chain
        "record.Entry": Public(),
        "record.Checkpoint": Public(),
        "record.Head": Public(),
        # routing, notify
        "routing.Subscription": Private("organisations' inbox settings"),
        "routing.InboxItem": Private("organisations' inboxes"),
        "notify.MemberPreference": Private("members' settings"),
        "notify.CaseFollower": Private("e-mail addresses"),
        "notify.MailDelivery": Private("recipients' digests"),
        "notify.NotificationEvent": Private("mail sent to people"),
        # search: the documents of public cases only, by construction
        "search.SearchDocument": Public(rows=_public_cases("case__")),
        # open311
        "open311.Open311Key": Private("key digests"),
        "open311.Open311Request": Private("token digests"),
        # accountability
        "accountability.RoutedCase": Public(rows=_public_cases("case__")),
        "accountability.DeliveredPetition": Public(),
        # aid
        "aid.Drive": Public(),
        "aid.Drive_organisers": Private("who organises: accounts"),
        "aid.Item": Public(),
        "aid.RegionWeight": Public(),
        "aid.Recipient": Public(),
        "aid.Recipient_accounts": Private("recipients' accounts"),
        "aid.Need": Public(),
        "aid.Pledge": Public(
            account_links_kept=("donor_id",), transform=_withheld("receipt_digest")
        ),
        "aid.AllocationRound": Public(),
        "aid.AllocationLine": Public(),
        "aid.Shipment": Public(blanked={"courier_note": "", "on_behalf_reason": ""}),
        "aid.DriveEvent": Public(),
        # claims: of public cases, or of no case
        "claims.Claim": Public(rows=lambda rows: rows.filter(_claim_is_public())),
        "claims.ClaimAppearance": Public(
            rows=lambda rows: rows.filter(_claim_is_public("claim__"))
        ),
        "claims.ClaimEvent": Public(rows=lambda rows: rows.filter(_claim_is_public("claim__"))),
        "claims.Flag": Private("readers' flags and their notes"),
        # petitions
        "petitions.Petition": Public(
            rows=_public_petitions(""),
            blanked={"rejection_reason": ""},
            transform=_withheld("addressed_contact"),
        ),
        "petitions.Petition_cited_cases": Public(
            rows=lambda rows: _public_cases("case__")(_public_petitions("petition__")(rows))
        ),
        "petitions.PetitionRegionCount": Public(rows=_public_petitions("petition__")),
        "petitions.PetitionOwner": Private("who runs a petition"),
        "petitions.Signature": Private("signers' addresses"),
        "petitions.PetitionEvent": Private("petitions' moderation, with signers"),
        # coalitions: their public timeline only
        "coalitions.Coalition": Public(),
        "coalitions.CoalitionMember": Private("members may be hidden"),
        "coalitions.Proposal": Private("members' deliberation"),
        "coalitions.Vote": Private("members' deliberation"),
        "coalitions.Statement": Private("points to a proposal"),
        "coalitions.Statement_signers": Private("points to a proposal"),
        "coalitions.Thread": Private("members' deliberation"),
        "coalitions.Post": Private("members' deliberation"),
        "coalitions.CoalitionEvent": Public(
            rows=lambda rows: rows.filter(kind__in=CoalitionEvent.PUBLIC_KINDS)
        ),
        # mirrors: other instances' records, which they publish themselves
        "mirrors.Source": Private("other instances"),
        "mirrors.MirroredEntry": Private("other instances' records"),
        "mirrors.MirroredCase": Private("other instances' records"),
        "mirrors.MirroredPhoto": Private("other instances' records"),
    }


def _claim_is_public(prefix: str = "") -> Q:
    return Q(**{f"{prefix}case__isnull": True}) | Q(
        **{f"{prefix}case__state__in": Case.PUBLIC_STATES}
    )
