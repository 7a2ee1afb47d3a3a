"""Personal data in text: found, removed before anything is stored, shown to each reader.

    from minjian.redaction import redact, render_redactions, preview

`redact(text)` before a text is written anywhere; `render_redactions(stored)` (or the
template filter `{% load redaction %}{{ text|render_redactions }}`) when it is shown;
`preview(text)` to show a reporter what will be removed. See `text` for what is stored and
`detect` for what is found. `exposure_reasons(text)` says whether a text names a private
person together with her personal data, and with what (`persons`).
"""

from minjian.redaction.detect import Finding, find_personal_data
from minjian.redaction.kinds import Kind
from minjian.redaction.persons import Exposure, Reason, exposure_reasons, find_exposed_persons
from minjian.redaction.text import PreviewItem, Redacted, preview, redact, render_redactions

__all__ = [
    "Exposure",
    "Finding",
    "Kind",
    "PreviewItem",
    "Reason",
    "Redacted",
    "exposure_reasons",
    "find_exposed_persons",
    "find_personal_data",
    "preview",
    "redact",
    "render_redactions",
]
