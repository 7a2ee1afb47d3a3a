"""What can go wrong while following a source, as the domain's one error type with stable
codes: a source out of reach (it may come back: the mirror keeps serving and tries again),
an answer that is not what a Minjian instance serves, and a source that lies."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from minjian.core.errors import DomainError

UNREACHABLE = "source_unreachable"
MALFORMED = "source_malformed"


class SourceUnreachable(DomainError):
    """The source did not answer, or answered with a server error."""


class SourceRefused(DomainError):
    """The source sent what cannot be trusted: a malformed answer, a chain that does not
    hold onto what was kept, a checkpoint that contradicts it or is not signed by the
    pinned key. Nothing of the answer is kept."""


def unreachable(url: str, reason: str) -> SourceUnreachable:
    return SourceUnreachable(
        UNREACHABLE,
        _("The source did not answer at %(url)s: %(reason)s.") % {"url": url, "reason": reason},
        status=502,
    )


def malformed(url: str, reason: str) -> SourceRefused:
    return SourceRefused(
        MALFORMED,
        _("The source's answer at %(url)s is not what a Minjian instance serves: %(reason)s.")
        % {"url": url, "reason": reason},
        status=502,
    )


def lied(code: str, message: str) -> SourceRefused:
    return SourceRefused(
        code,
        _("The source's record cannot be trusted (%(code)s): %(message)s")
        % {"code": code, "message": message},
        status=502,
    )
