"""Text made ready for publication, and rendered for its reader.

What is stored
--------------
`redact()` turns what a reporter typed into the text that is stored: every piece of
personal data is replaced by a token naming only its kind, `[[redacted:id_number]]`, and
nothing of the value is kept anywhere (not in the text, not in `Redacted`, not in a log
line). The token is language-neutral; `render_redactions()` (and the template filter of the
same name) shows it in the reader's language: "[身份证号已隐去]" / "[ID number removed]".

Stored text is not user text. A literal "[[" typed by a reporter is stored as "[[]]", so
no text she types can come out as a placeholder (or break one): `render_redactions()` turns
"[[]]" back into "[[" and only the tokens `redact()` wrote into placeholders. Text to be
edited again is the rendered text, in the editor's language; it goes through `redact()`
once more when it is saved.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from minjian.core.errors import DomainError
from minjian.redaction.detect import PRIORITY, find_personal_data
from minjian.redaction.kinds import Kind
from minjian.redaction.normalise import fold_character

MARKUP_OPENING = "[["
ESCAPED_MARKUP_OPENING = "[[]]"
_STORED_MARKUP = re.compile(
    r"\[\[(?:\]\]|redacted:(?P<kind>" + "|".join(kind.value for kind in Kind) + r")\]\])"
)
MASK = "·"
UNMASKED_TAIL = 2


def token(kind: Kind) -> str:
    """The language-neutral token that stands for a removed value in stored text."""
    return f"[[redacted:{kind.value}]]"


def escape_stored_markup(text: str) -> str:
    """`text` with every "[[" written so that it cannot open a token."""
    return text.replace(MARKUP_OPENING, ESCAPED_MARKUP_OPENING)


@dataclass(frozen=True)
class Redacted:
    """Text ready to be stored: `text`, and how many values of each kind were removed or kept.

    Never the values themselves.
    """

    text: str
    removed: Mapping[Kind, int]
    kept: Mapping[Kind, int]

    @property
    def found_personal_data(self) -> bool:
        return bool(self.removed or self.kept)


def redact(text: str, *, keep: Collection[Kind] = ()) -> Redacted:
    """Replace personal data in `text` by tokens; the kinds in `keep` are left as written.

    The reporter may keep phone numbers, e-mail addresses or plates (the point of a report
    can be a company's hotline or the lorry that dumps at night); asking to keep an ID, bank
    card or passport number is refused with a `DomainError`.
    """
    refused = [kind for kind in PRIORITY if kind in keep and kind.always_removed]
    if refused:
        raise DomainError(
            "personal_data_always_removed",
            _("ID, bank card and passport numbers are always removed before publication."),
            field="keep",
            details={"kinds": [kind.value for kind in refused]},
        )
    pieces: list[str] = []
    removed: Counter[Kind] = Counter()
    kept: Counter[Kind] = Counter()
    written_up_to = 0
    for finding in find_personal_data(text):
        if finding.kind in keep:
            kept[finding.kind] += 1
            continue
        removed[finding.kind] += 1
        pieces.append(escape_stored_markup(text[written_up_to : finding.start]))
        pieces.append(token(finding.kind))
        written_up_to = finding.end
    pieces.append(escape_stored_markup(text[written_up_to:]))
    return Redacted(text="".join(pieces), removed=_in_order(removed), kept=_in_order(kept))


def _in_order(counts: Counter[Kind]) -> dict[Kind, int]:
    return {kind: counts[kind] for kind in PRIORITY if counts[kind]}


def render_redactions(stored: str) -> str:
    """Stored text as its reader sees it: tokens as placeholders in the active language.

    The result is plain text; HTML templates escape it as any other user text.
    """

    def replacement(match: re.Match[str]) -> str:
        kind = match.group("kind")
        return MARKUP_OPENING if kind is None else str(Kind(kind).placeholder)

    return _STORED_MARKUP.sub(replacement, stored)


@dataclass(frozen=True)
class PreviewItem:
    """One value `redact()` would remove, as the reporter is shown it before she submits.

    `label` is the kind in the active language; `masked` is the value as she typed it with
    every letter and digit but the last two replaced by "·" ("················2X"), so the
    preview can be shown, sent and cached without carrying the number. `start` and `end`
    locate it in the text she typed.
    """

    kind: Kind
    label: str
    masked: str
    start: int
    end: int
    always_removed: bool


def preview(text: str) -> list[PreviewItem]:
    """What `redact(text)` would remove, in order of appearance."""
    return [
        PreviewItem(
            kind=finding.kind,
            label=str(finding.kind.label),
            masked=mask(finding.text),
            start=finding.start,
            end=finding.end,
            always_removed=finding.kind.always_removed,
        )
        for finding in find_personal_data(text)
    ]


def mask(value: str) -> str:
    """`value` with each letter and digit but the last two replaced by "·".

    Separators (spaces, dashes, "@", ".") stay, so the reporter recognises what she wrote.
    """
    significant = [
        index
        for index, character in enumerate(value)
        if any(folded.isalnum() for folded in fold_character(character))
    ]
    hidden = set(significant[:-UNMASKED_TAIL])
    return "".join(MASK if index in hidden else character for index, character in enumerate(value))
