"""The counts of a petition's signatures by province, as a file: the CSV delivered to the
body addressed and offered for download, and its signature.

The file names no signer and no address: a province, its code and a count per line, the
signatures without a province, and the total. It is signed with HMAC-SHA256 under a key
derived from SECRET_KEY (the project has no public-key signing facility): the body, or
anyone, can have Minjian check that a file is the one it delivered (`signature_matches`),
though nobody without the key can check it alone.
"""

from __future__ import annotations

import hmac

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from minjian.core.downloads import Cell, csv_lines
from minjian.petitions import selectors
from minjian.petitions.models import Petition

SIGNING_SALT = "minjian.petitions.delivered-counts"


def counts_header() -> list[str]:
    return [_("Province code"), _("Province"), _("Signatures")]


def counts_rows(petition: Petition) -> list[list[Cell]]:
    counts = selectors.counts_by_region(petition)
    rows: list[list[Cell]] = [
        [row.region.code, row.region.name, row.count] for row in counts.regions
    ]
    rows.append(["", _("No province given"), counts.without_region])
    rows.append(["", _("All signatures"), counts.total])
    return rows


def counts_csv(petition: Petition) -> str:
    """The whole file (UTF-8 with its byte-order mark, CRLF), as the download writes it."""
    return "".join(csv_lines(counts_header(), counts_rows(petition)))


def sign(content: str) -> str:
    """The file's detached signature: HMAC-SHA256, hex."""
    return salted_hmac(SIGNING_SALT, content.encode(), algorithm="sha256").hexdigest()


def signature_matches(content: str, signature: str) -> bool:
    return hmac.compare_digest(sign(content), signature.strip().lower())
