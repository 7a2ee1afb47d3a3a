"""CSV downloads that stream: the file is written a batch of rows at a time while it is
sent, so a download of a million rows holds no more than one batch in memory.

Format, chosen for the people who open these files: UTF-8 with a byte-order mark (Excel
on a Chinese Windows reads a file without it as GBK and garbles every Chinese name;
LibreOffice, Python's `utf-8-sig`, R and pandas read the mark); CRLF line ends, as RFC
4180 says; no text cell that a spreadsheet would run as a formula (`spreadsheet_safe`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice

from django.http import StreamingHttpResponse

from minjian.core.text import spreadsheet_safe

BYTE_ORDER_MARK = "\ufeff"
# Rows written per piece sent: big enough that the server's writes stay few, small
# enough that a piece is a few hundred kilobytes.
ROWS_PER_PIECE = 500

Cell = str | int | float


class _Written:
    """A file for `csv.writer` that hands back what is written instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The whole file, piece by piece: the byte-order mark and the header first."""
    writer = csv.writer(_Written(), lineterminator="\r\n")
    yield BYTE_ORDER_MARK + writer.writerow(header)
    remaining = iter(rows)
    while piece := list(islice(remaining, ROWS_PER_PIECE)):
        yield "".join(writer.writerow([_inert(cell) for cell in row]) for row in piece)


def csv_download(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]
) -> StreamingHttpResponse:
    """`rows` (any iterable, read once while the answer is sent) as a file to save."""
    response = StreamingHttpResponse(
        csv_lines(header, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _inert(cell: Cell) -> Cell:
    # Numbers stay numbers, so that a spreadsheet or an HXL tool reads them as such.
    return spreadsheet_safe(cell) if isinstance(cell, str) else cell
