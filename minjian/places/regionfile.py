"""The region file: one CSV shape for every country's administrative tree.

Columns: code, parent_code, level, name_zh, name_en. `parent_code` is empty for
a top-level region; `level` is 1 (province), 2 (prefecture) or 3 (county);
`name_zh` holds the Chinese name, or for another country the name in its own
language; `name_en` may be empty. This module checks each row on its own; how
the rows fit together as a tree is checked by `services.regions_load`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.translation import gettext as _

from minjian.core.errors import DomainError

COLUMNS = ("code", "parent_code", "level", "name_zh", "name_en")
LEVELS = (1, 2, 3)
NAME_MAX_LENGTH = 200
CODE_MAX_LENGTH = 20
# Codes appear in URLs (/places/<code>/) and in the materialised path
# ("/110000/110101/"), so they are kept to characters that need no escaping
# there and never contain the path separator.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class RegionRow:
    """One region as a file describes it. `line` is where it came from (0: not a file)."""

    code: str
    parent_code: str
    level: int
    name_zh: str
    name_en: str
    line: int = field(default=0, compare=False)


def invalid_row(line: int, message: str, **details: object) -> DomainError:
    return DomainError(
        "invalid_region_row",
        _("Line %(line)d: %(problem)s") % {"line": line, "problem": message},
        details={"line": line, **details},
    )


def is_valid_code(code: str) -> bool:
    return len(code) <= CODE_MAX_LENGTH and CODE_PATTERN.fullmatch(code) is not None


def region_row_from_record(record: Mapping[str, str | None], *, line: int) -> RegionRow:
    """One CSV record (column name -> text) as a `RegionRow`.

    Surrounding spaces are dropped; a missing value counts as empty. A bad
    value raises `DomainError` with the code "invalid_region_row".
    """
    values = {column: (record.get(column) or "").strip() for column in COLUMNS}
    code = values["code"]
    if not is_valid_code(code):
        raise invalid_row(
            line,
            _(
                "the code “%(code)s” must be 1 to %(max)d letters, digits, dots, dashes "
                "or underscores, starting with a letter or digit."
            )
            % {"code": code, "max": CODE_MAX_LENGTH},
            code=code,
        )
    parent_code = values["parent_code"]
    if parent_code and not is_valid_code(parent_code):
        raise invalid_row(
            line,
            _("the parent code “%(code)s” is not a valid code.") % {"code": parent_code},
            code=code,
        )
    if values["level"] not in {str(level) for level in LEVELS}:
        raise invalid_row(
            line,
            _("the level “%(level)s” must be 1 (province), 2 (prefecture) or 3 (county).")
            % {"level": values["level"]},
            code=code,
        )
    for column in ("name_zh", "name_en"):
        if len(values[column]) > NAME_MAX_LENGTH:
            raise invalid_row(
                line,
                _("the %(column)s is longer than %(max)d characters.")
                % {"column": column, "max": NAME_MAX_LENGTH},
                code=code,
            )
        if any(unicodedata.category(char) == "Cc" for char in values[column]):
            raise invalid_row(
                line,
                _("the %(column)s contains a line break or another control character.")
                % {"column": column},
                code=code,
            )
    if not values["name_zh"]:
        raise invalid_row(line, _("the name_zh is empty."), code=code)
    return RegionRow(
        code=code,
        parent_code=parent_code,
        level=int(values["level"]),
        name_zh=values["name_zh"],
        name_en=values["name_en"],
        line=line,
    )


def read_region_rows(stream: TextIO) -> list[RegionRow]:
    """Every row of a region file, checked one by one; the first bad row raises `DomainError`.

    The header must name exactly the five columns, in any order.
    """
    reader = csv.DictReader(stream)
    header = [name.strip() for name in reader.fieldnames or ()]
    if sorted(header) != sorted(COLUMNS):
        raise DomainError(
            "invalid_region_file",
            _("The first line of a region file must name the columns %(columns)s.")
            % {"columns": ",".join(COLUMNS)},
            details={"header": header},
        )
    reader.fieldnames = header
    rows = []
    for record in reader:
        if None in record:
            raise invalid_row(reader.line_num, _("the row has more than five values."))
        rows.append(region_row_from_record(record, line=reader.line_num))
    return rows


def write_region_rows(stream: TextIO, rows: Iterable[RegionRow]) -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow((row.code, row.parent_code, row.level, row.name_zh, row.name_en))
