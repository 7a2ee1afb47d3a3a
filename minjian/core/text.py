"""The one rule for text that comes in, and the bounded whole numbers ids are made of.

Text from outside (query strings, form fields, JSON bodies, Open311 posts) passes
through `clean_text` at the edge: `minjian.core.middleware.CleanInputMiddleware` for
every query string and form field, `minjian.core.schemas.InputSchema` for the API's
JSON bodies. What is stored is therefore clean, and what leaves the site (feeds,
Open311 XML, downloads) passes through `clean_text` again for rows written before.
"""

from __future__ import annotations

import re
import unicodedata

import opencc

# C0 controls but tab (\x09) and newline (\x0a), DEL, C1 controls, lone UTF-16
# surrogates (only a JSON escape can make one) and the two code points XML 1.0
# excludes. Carriage returns are turned into newlines before this is applied.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# The largest id a row can have on both databases (a signed 64-bit integer), and
# how the id appears in a URL or a form field: ASCII digits only, since
# str.isdigit() also accepts '²' and other digits that int() refuses.
MAX_ID = 2**63 - 1
_ID = re.compile(r"[0-9]{1,19}")


def clean_text(value: str) -> str:
    """`value` without NUL and the other control characters, its line breaks as "\\n".

    Removed, not refused: the characters carry nothing a person meant to write (a
    browser sends none; they come from pasted text or a client's bug), a person
    cannot see them in the form to take them out, and refusing would lose a whole
    report for an invisible character. PostgreSQL cannot store NUL at all, and XML
    (the Atom feeds, Open311) cannot carry any of them, so letting them in would
    make a page fail later rather than now. Tab and newline stay; "\\r\\n" and a
    lone "\\r" (what browsers and old Macs send) become "\\n". The same rule holds for
    the web, the API and Open311, since each goes through this function.
    """
    if value.isprintable() and "\r" not in value:
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNWANTED.sub("", value)


def has_unwanted_characters(value: str) -> bool:
    """Whether `clean_text` would change anything but line breaks in `value`."""
    return _UNWANTED.search(value) is not None


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP: CSV
# injection); tab and carriage return are read as the start of one by some.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A text cell of a CSV download as a spreadsheet shows it as text, never as a formula:
    a leading apostrophe, which spreadsheets show as nothing, before a dangerous start.
    Only for text: a number written as a number (a count, a figure) stays a number."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


# The converter is a C++ object that loads its dictionaries when made (about 7 MB):
# made once, for every app that compares text (search, region names).
_TRADITIONAL_TO_SIMPLIFIED = opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """`text` as it is compared: NFKC, lower case, simplified characters, so that 汙染
    and 污染, or "RIVER" and "river", are the same."""
    # Lone surrogates (which a JSON body can carry) cannot reach the converter as UTF-8.
    valid = text.encode("utf-8", "replace").decode("utf-8")
    normalised = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", valid).lower())
    return str(_TRADITIONAL_TO_SIMPLIFIED.convert(normalised))


def parse_id(raw: object) -> int | None:
    """A row id sent as text or a number, or None if it cannot be one.

    None for anything but 1 to MAX_ID: a larger number cannot name a row and would
    overflow the database's 64-bit integers (an error, not "no such row").
    """
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and _ID.fullmatch(raw.strip()):
        number = int(raw.strip())
    else:
        return None
    return number if 1 <= number <= MAX_ID else None
