"""The ledger as CSV, and as HXL (Humanitarian Exchange Language 1.1).

HXL is CSV with one extra row of hashtags under the header, so that humanitarian
tools (HDX, the HXL Proxy, libhxl) read the columns without guessing.
`hxl/ledger-schema.csv` is the schema a file we produce must satisfy; the tests
validate our downloads against it with libhxl.

Both files are streamed as every CSV download is (`minjian.core.downloads`: UTF-8 with
a byte-order mark, formula-safe text cells, numbers left numbers). Headers
and the status are in the reader's language in the CSV, for people; HXL keeps the
status codes (met, partial, open, pool), which its schema and tools read. The columns
add up: the pool row (pledges earmarked for no one) counts what was pledged to the
drive as a whole, and its allocations are counted in the recipients' rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from minjian.aid.selectors import Ledger, LedgerRow
from minjian.core.downloads import csv_download
from minjian.redaction import render_redactions

SCHEMA_PATH = Path(__file__).parent / "hxl" / "ledger-schema.csv"
# A row's status (`Figures.status`), as the CSV shows it to people.
STATUS_LABELS = {
    "met": gettext_lazy("need met"),
    "partial": gettext_lazy("partly met or on its way"),
    "open": gettext_lazy("nothing allocated yet"),
    "pool": gettext_lazy("pledged to the drive as a whole"),
}
HASHTAGS: tuple[str, ...] = (
    "#org+recipient",
    "#adm1+name",
    "#adm2+name",
    "#loc",
    "#item+name",
    "#item+unit",
    "#need+num",
    "#value+num+pledged",
    "#value+num+allocated",
    "#output+num+shipped",
    "#reached+num+received",
    "#value+num+damaged",
    "#value+num+shortfall",
    "#status",
    "#date",
)


def _headers() -> list[str]:
    return [
        _("Recipient"),
        _("Province"),
        _("Prefecture"),
        _("Place"),
        _("Item"),
        _("Unit"),
        _("Needed"),
        _("Pledged"),
        _("Allocated"),
        _("Shipped"),
        pgettext("ledger figure", "Received"),
        _("Damaged"),
        _("Shortfall"),
        _("Status"),
        _("Date"),
    ]


def _cells(ledger: Ledger, row: LedgerRow, *, hxl: bool) -> list[str | int]:
    figures = row.figures
    last_change = figures.last_change or ledger.drive.created_at
    recipient = row.recipient
    return [
        render_redactions(recipient.name)
        if recipient
        else _("(pledged to the drive as a whole; its allocations are in the recipients' rows)"),
        row.adm1 if recipient else ledger.drive.region.name,
        row.adm2,
        render_redactions(recipient.place) if recipient else "",
        row.item.name,
        row.item.unit,
        figures.needed,
        figures.pledged,
        figures.allocated,
        figures.shipped,
        figures.received,
        figures.damaged,
        figures.shortfall,
        figures.status if hxl else str(STATUS_LABELS[figures.status]),
        last_change.date().isoformat(),
    ]


def ledger_download(ledger: Ledger, *, hxl: bool) -> StreamingHttpResponse:
    """The ledger as a file to save, CSV or HXL: one row per recipient and item, then one
    per item of un-earmarked supply. The rows are made here, in the request's language."""
    rows: list[Sequence[str | int]] = [HASHTAGS] if hxl else []
    rows += [_cells(ledger, row, hxl=hxl) for row in (*ledger.rows, *ledger.pool)]
    name = f"drive-{ledger.drive.pk}-ledger" + (".hxl.csv" if hxl else ".csv")
    return csv_download(name, _headers(), rows)
