"""Every change of claims: a verifier writes a claim down, or gives a verdict on a claim
or a case.

Each function is one action: it checks that the actor is a verifier and what she acts
for (`access`), parses everything she gave (`validation`), then in one transaction
checks what depends on the claim (the case is public, the responses and photos cited
are the case's, who proposed a pending verdict), writes the claim's event and, when a
verdict becomes public, the case's (`cases.services.case_record_verdict`). A refusal
is a DomainError raised before anything is written, or inside the transaction, which
then writes nothing.

*False* and *corroborated* are public once `MINJIAN_VERDICT_CONFIRMATIONS` verifiers
of different organisations agree (one by default): until then the first one's verdict
is a proposal (`Claim.proposal`), which a verifier of another organisation confirms by
giving the same verdict, with a rationale and evidence of her own or none (she agrees).
Any other verdict is public at once, and replaces a pending proposal. Whatever the
verdict, the open flags of its item as a rumour are handled (`services_flags`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minjian.accounts.models import User
from minjian.cases.access import CaseHidden
from minjian.cases.models import Case, locked_cases
from minjian.cases.services import case_record_verdict
from minjian.claims import access, selectors
from minjian.claims.access import Acting
from minjian.claims.models import Claim, ClaimAppearance, ClaimEvent
from minjian.claims.recording import record_verdict
from minjian.claims.services_flags import flags_settle_by_verdict
from minjian.claims.validation import (
    CASE_EVIDENCE_KINDS,
    CheckedVerdict,
    Evidence,
    clean_appearances,
    clean_evidence,
    clean_rationale,
    clean_statement,
    clean_verdict,
    require_reasons,
)
from minjian.core.errors import DomainError, NotFound
from minjian.core.public_cache import touch
from minjian.redaction import redact

Verdict = Case.Verdict
EventKind = ClaimEvent.Kind

# What the public reads of claims: the lists, the feeds, and each claim's page.
CLAIMS = "claims"
# The verdicts that wait for verifiers of other organisations before they are public.
NEEDS_CONFIRMATION = (Verdict.FALSE, Verdict.CORROBORATED)


def claim_tag(claim_id: int) -> str:
    return f"claim:{claim_id}"


@dataclass(frozen=True)
class VerdictGiven:
    claim: Claim
    event: ClaimEvent
    # False: a proposal (or a confirmation of one) still waiting for other organisations.
    public: bool


def claim_write(
    *,
    actor: User | None,
    organisation: str = access.AS_STAFF,
    statement: str | None,
    appearances: Sequence[Mapping[str, Any]],
) -> Claim:
    """A verifier writes down a claim as it circulates, with where she saw it (quoted,
    never fetched). Personal data in it is replaced as in a case's text."""
    verifier = access.require_verifier(actor)
    acting = access.acting_for(verifier, organisation)
    text = redact(clean_statement(statement)).text
    seen = clean_appearances(appearances)
    with transaction.atomic():
        claim = Claim.objects.create(statement=text)
        ClaimAppearance.objects.bulk_create(
            ClaimAppearance(
                claim=claim,
                url=appearance.url,
                platform=appearance.platform,
                seen_on=appearance.seen_on,
                position=position,
            )
            for position, appearance in enumerate(seen)
        )
        _log(claim, EventKind.WRITTEN, verifier, acting, {"appearances": len(seen)})
    return claim


def case_verdict_give(
    *,
    actor: User | None,
    case_id: int,
    organisation: str = access.AS_STAFF,
    verdict: str | None,
    rationale: str | None = "",
    evidence: Sequence[Mapping[str, Any]] = (),
) -> VerdictGiven:
    """A verifier gives a verdict on a public case, citing links, documents, the case's
    official responses and its photos."""
    verifier, acting, checked = _checked(actor, organisation, verdict, rationale, evidence)
    return _judge_case(case_id, verifier, acting, checked)


def claim_verdict_give(
    *,
    actor: User | None,
    claim_id: int,
    organisation: str = access.AS_STAFF,
    verdict: str | None,
    rationale: str | None = "",
    evidence: Sequence[Mapping[str, Any]] = (),
) -> VerdictGiven:
    """A verifier gives a verdict on a claim written down by a verifier (a case's claim
    is judged through its case: `case_verdict_give`)."""
    verifier, acting, checked = _checked(actor, organisation, verdict, rationale, evidence)
    case_id = Claim.objects.filter(pk=claim_id).values_list("case_id", flat=True).first()
    if case_id is not None:
        # Locked in the order every verdict on a case takes: its case first.
        return _judge_case(case_id, verifier, acting, checked)
    with transaction.atomic():
        claim = Claim.objects.select_for_update(no_key=True).filter(pk=claim_id).first()
        if claim is None:
            raise NotFound(_("There is no such claim."))
        given = _judge(claim, verifier, acting, checked, _cited(checked.evidence, None))
        flags_settle_by_verdict(actor=verifier, claim_id=claim.pk)
        return given


def _judge_case(
    case_id: int, verifier: User, acting: Acting, checked: CheckedVerdict
) -> VerdictGiven:
    with transaction.atomic():
        case = _locked_public_case(case_id)
        claim = Claim.objects.select_for_update(no_key=True).filter(case=case).first()
        if claim is None:
            # The case's row is locked: nobody else creates its claim meanwhile.
            claim = Claim.objects.create(case=case)
        given = _judge(claim, verifier, acting, checked, _cited(checked.evidence, case))
        flags_settle_by_verdict(actor=verifier, case_id=case.pk)
        return given


def _checked(
    actor: User | None,
    organisation: str,
    verdict: str | None,
    rationale: str | None,
    evidence: Sequence[Mapping[str, Any]],
) -> tuple[User, Acting, CheckedVerdict]:
    verifier = access.require_verifier(actor)
    acting = access.acting_for(verifier, organisation)
    checked = CheckedVerdict(
        verdict=clean_verdict(verdict),
        rationale=redact(clean_rationale(rationale)).text,
        evidence=clean_evidence(evidence),
    )
    return verifier, acting, checked


def _locked_public_case(case_id: int) -> Case:
    case = locked_cases().filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("There is no such case."))
    if case.state == Case.State.HIDDEN:
        raise CaseHidden(case)
    if not case.is_public:
        raise NotFound(_("There is no such case."))
    return case


def _cited(evidence: Sequence[Evidence], case: Case | None) -> list[dict[str, Any]]:
    """The evidence as a verdict's payload keeps it: a response with its organisation's
    name, a photo with its place among the case's photos. A response or a photo must be
    one the public sees on this case."""
    needs_case = [item for item in evidence if item.kind in CASE_EVIDENCE_KINDS]
    if needs_case and case is None:
        raise DomainError(
            "evidence_needs_case",
            _("Only a case has official responses and photos to cite."),
            field="evidence",
            details={"index": needs_case[0].index},
        )
    responses = (
        {event.pk: event for event in selectors.public_official_responses(case)}
        if case is not None and any(item.kind == "response" for item in evidence)
        else {}
    )
    photos = (
        {photo.key: photo for photo in selectors.ready_photos(case)}
        if case is not None and any(item.kind == "photo" for item in evidence)
        else {}
    )
    cited: list[dict[str, Any]] = []
    for item in evidence:
        if item.kind == "link":
            cited.append({"kind": "link", "url": item.reference})
        elif item.kind == "document":
            cited.append({"kind": "document", "path": item.reference})
        elif item.kind == "response":
            response = responses.get(int(item.reference))
            if response is None or response.organisation is None:
                raise DomainError(
                    "evidence_response_unknown",
                    _("Choose an official response on this case's timeline."),
                    field="evidence",
                    details={"index": item.index},
                )
            cited.append(
                {
                    "kind": "response",
                    "event": response.pk,
                    "organisation": Acting(response.organisation).snapshot(),
                }
            )
        else:
            photo = photos.get(str(item.reference))
            if photo is None:
                raise DomainError(
                    "evidence_photo_unknown",
                    _("Choose a photo of this case."),
                    field="evidence",
                    details={"index": item.index},
                )
            cited.append({"kind": "photo", "key": photo.key, "position": photo.position})
    return _distinct(cited)


def _distinct(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def _judge(
    claim: Claim,
    verifier: User,
    acting: Acting,
    checked: CheckedVerdict,
    cited: list[dict[str, Any]],
) -> VerdictGiven:
    """Publish the verdict, propose it, or confirm the pending proposal of it."""
    pending = claim.proposal
    waits = checked.verdict in NEEDS_CONFIRMATION and settings.MINJIAN_VERDICT_CONFIRMATIONS > 1
    if waits and pending is not None and pending.payload.get("verdict") == checked.verdict:
        return _confirm(claim, pending, verifier, acting, checked, cited)
    require_reasons(checked)
    given: dict[str, Any] = {
        "verdict": checked.verdict,
        "rationale": checked.rationale,
        "evidence": cited,
        "organisations": [acting.snapshot()],
    }
    if pending is not None:
        given["replaces"] = pending.pk
    if waits:
        proposal = _log(claim, EventKind.VERDICT_PROPOSED, verifier, acting, given)
        claim.proposal = proposal
        claim.save(update_fields=["proposal"])
        return VerdictGiven(claim, proposal, public=False)
    return _publish(claim, verifier, acting, given | {"confirmations": []})


def _confirm(
    claim: Claim,
    proposal: ClaimEvent,
    verifier: User,
    acting: Acting,
    checked: CheckedVerdict,
    cited: list[dict[str, Any]],
) -> VerdictGiven:
    """A verifier gives the verdict that waits: it counts if she is not one of those who
    already gave it, and acts for another organisation than each of them."""
    confirmations = list(
        claim.events.filter(kind=EventKind.VERDICT_CONFIRMED, payload__proposal=proposal.pk)
        .select_related("organisation")
        .order_by("created_at", "id")
    )
    agreed = [proposal, *confirmations]
    if any(event.organisation_id == acting.organisation_id for event in agreed):
        raise DomainError(
            "same_organisation",
            _(
                "A verifier of another organisation must confirm this verdict: yours "
                "has already given it."
            ),
            status=409,
            field="organisation",
        )
    if any(event.actor_id == verifier.pk for event in agreed):
        raise DomainError(
            "same_verifier",
            _("You have already given this verdict: another verifier must confirm it."),
            status=409,
        )
    own: dict[str, Any] = {
        "verdict": checked.verdict,
        "rationale": checked.rationale,
        "evidence": cited,
        "organisations": [acting.snapshot()],
        "proposal": proposal.pk,
    }
    confirmation = _log(claim, EventKind.VERDICT_CONFIRMED, verifier, acting, own)
    agreed.append(confirmation)
    if len(agreed) < settings.MINJIAN_VERDICT_CONFIRMATIONS:
        return VerdictGiven(claim, confirmation, public=False)
    return _publish(
        claim,
        verifier,
        acting,
        {
            "verdict": checked.verdict,
            "rationale": proposal.payload.get("rationale", ""),
            "evidence": _distinct(
                [item for event in agreed for item in event.payload.get("evidence", [])]
            ),
            "organisations": [event.payload["organisations"][0] for event in agreed],
            "confirmations": [
                {
                    "organisation": event.payload["organisations"][0],
                    "rationale": event.payload.get("rationale", ""),
                }
                for event in agreed[1:]
            ],
            "proposal": proposal.pk,
        },
    )


def _publish(claim: Claim, verifier: User, acting: Acting, payload: dict[str, Any]) -> VerdictGiven:
    """The verdict becomes the claim's public verdict (and its case's)."""
    payload = payload | {"claim": claim.pk}
    event = _log(claim, EventKind.VERDICT_PUBLISHED, verifier, acting, payload)
    claim.verdict = payload["verdict"]
    claim.published = event
    claim.verdict_at = event.created_at
    claim.proposal = None
    claim.save(update_fields=["verdict", "published", "verdict_at", "proposal"])
    record_verdict(claim, event)
    if claim.case_id is not None:
        case_record_verdict(
            actor=verifier,
            case_id=claim.case_id,
            organisation=acting.organisation,
            payload=payload,
        )
    return VerdictGiven(claim, event, public=True)


def _log(
    claim: Claim,
    kind: str,
    actor: User,
    acting: Acting,
    payload: dict[str, Any],
) -> ClaimEvent:
    touch(CLAIMS, claim_tag(claim.pk))
    return ClaimEvent.objects.create(
        claim=claim,
        kind=kind,
        actor=actor,
        organisation=acting.organisation,
        payload=payload,
        created_at=timezone.now(),
    )
