"""The counts of a petition's signatures by province, as a file: the CSV delivered to the
body addressed and offered for download, and its signature.

The file names no signer and no address: a province, its code and a count per line, the
signatures without a province, and the total. It is signed with the instance's Ed25519 key
(`minjian.core.signing`): the body, or anyone, checks that a file is the one Minjian
delivered with the public key published at `/.well-known/minjian.json`, without asking
Minjian (`signature_matches` does the same check).
"""

from __future__ import annotations

import base64
import binascii

from django.utils.translation import gettext as _

from minjian.core import signing
from minjian.core.downloads import Cell, csv_lines
from minjian.petitions import selectors
from minjian.petitions.models import Petition


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
    """The file's detached Ed25519 signature (of its UTF-8 bytes), in standard base64: the
    `.sig` attachment, which `base64 -d` turns into the 64 raw bytes tools check."""
    return base64.b64encode(signing.sign(content.encode())).decode("ascii")


def signature_matches(content: str, signature: str) -> bool:
    """Whether `signature` (base64, as `sign` writes it) is the instance's for `content`."""
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except binascii.Error:
        return False
    return signing.verify(signing.public_key(), content.encode(), raw)
