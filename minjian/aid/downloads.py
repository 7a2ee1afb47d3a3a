"""The ledger as CSV, and as HXL (Humanitarian Exchange Language 1.1).

HXL is CSV with one extra row of hashtags under the header, so that humanitarian
tools (HDX, the HXL Proxy, libhxl) read the columns without guessing.
`hxl/ledger-schema.csv` is the schema a file we produce must satisfy; the tests
validate our downloads against it with libhxl. A text cell that a spreadsheet would
run as a formula is made inert (OWASP CSV injection); numbers stay numbers.

Both files are UTF-8 with a byte-order mark, as the accountability CSV: Excel on a
Chinese Windows reads a file without it as GBK and garbles every Chinese name. Headers
and the status are in the reader's language in the CSV, for people; HXL keeps the
status codes (met, partial, open, pool), which its schema and tools read. The columns
add up: the pool row (pledges earmarked for no one) counts what was pledged to the
drive as a whole, and its allocations are counted in the recipients' rows.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from minjian.aid.selectors import Ledger, LedgerRow
from minjian.core.text import spreadsheet_safe
from minjian.redaction import render_redactions

SCHEMA_PATH = Path(__file__).parent / "hxl" / "ledger-schema.csv"
BYTE_ORDER_MARK = "\ufeff"
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


def ledger_csv(ledger: Ledger, *, hxl: bool = False) -> str:
    """One row per recipient and item, then one per item of un-earmarked supply."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_headers())
    if hxl:
        writer.writerow(HASHTAGS)
    for row in (*ledger.rows, *ledger.pool):
        writer.writerow(_safe(cell) for cell in _cells(ledger, row, hxl=hxl))
    return out.getvalue()


def ledger_download(ledger: Ledger, *, hxl: bool) -> HttpResponse:
    """The ledger as a file to save: CSV or HXL, with its byte-order mark."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(BYTE_ORDER_MARK)
    response.write(ledger_csv(ledger, hxl=hxl))
    name = f"drive-{ledger.drive.pk}-ledger" + (".hxl.csv" if hxl else ".csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _safe(cell: str | int) -> str | int:
    """Text typed by people (a recipient's name, a place, an item) can start like a
    formula: `spreadsheet_safe` makes it inert. Figures are numbers and stay numbers,
    so HXL tools read `#need+num` and the others as numbers, negative or not."""
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell
