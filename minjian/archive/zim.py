"""The static mirror as one ZIM file, which Kiwix readers open offline (libzim's writer).

The ZIM holds the mirror's own files under the same paths (minjian/archive/mirror.py), so
the mirror's relative links work in a ZIM reader unchanged: the pages of both languages,
the photos, the styles and scripts, the manifest and its signature. Its main page is the
mirror's front page. Full-text search is libzim's own (Xapian), configured for Chinese
("zho"), where libzim cuts text into character n-grams, as the mirror's own offline search
does; English words are indexed as words.
"""

from __future__ import annotations

import io
import mimetypes
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]  # lxml ships no type information
from django.utils import timezone
from libzim.writer import (  # type: ignore[import-untyped]  # libzim ships no type information
    Creator,
    FileProvider,
    Hint,
    Item,
)
from PIL import Image

MAIN_PATH = "index.html"
# ISO 639-3, the languages of the mirror's pages.
LANGUAGES = "zho,eng"
INDEX_LANGUAGE = "zho"
ILLUSTRATION_SIZE = 48
_BRAND_COLOUR = (160, 40, 30)


class _MirrorFile(Item):
    def __init__(self, root: Path, path: str) -> None:
        super().__init__()
        self.file = root / path
        self.path = path
        self.mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        self.is_page = self.mimetype == "text/html"
        self.title = _title(self.file) if self.is_page else ""

    def get_path(self) -> str:
        return self.path

    def get_title(self) -> str:
        return self.title

    def get_mimetype(self) -> str:
        return self.mimetype

    def get_contentprovider(self) -> FileProvider:
        return FileProvider(str(self.file))

    def get_hints(self) -> dict[Hint, int]:
        # Only the pages are articles, listed and indexed; the rest are their resources.
        return {Hint.FRONT_ARTICLE: self.is_page}


def write_zim(root: Path, files: list[str], zim_file: Path, *, source: str) -> None:
    """Write the mirror in `root` (its `files`, relative paths) as the ZIM `zim_file`."""
    zim_file.unlink(missing_ok=True)
    with Creator(str(zim_file)).config_indexing(True, INDEX_LANGUAGE) as creator:
        creator.set_mainpath(MAIN_PATH)
        creator.add_illustration(ILLUSTRATION_SIZE, _illustration())
        host = source.split("://", 1)[-1].strip("/")
        for name, value in (
            ("Name", f"minjian_{host}_mirror"),
            ("Title", f"Minjian {host}"[:30]),
            ("Description", f"The public record of the Minjian instance {source}"[:80]),
            ("Creator", "Minjian"),
            ("Publisher", source),
            ("Date", timezone.now().date().isoformat()),
            ("Language", LANGUAGES),
        ):
            creator.add_metadata(name, value)
        for path in files:
            creator.add_item(_MirrorFile(root, path))


def _title(page: Path) -> str:
    found = lxml.html.parse(str(page)).find(".//title")
    return " ".join(found.text_content().split()) if found is not None else ""


def _illustration() -> bytes:
    image = Image.new("RGB", (ILLUSTRATION_SIZE, ILLUSTRATION_SIZE), _BRAND_COLOUR)
    data = io.BytesIO()
    image.save(data, format="PNG")
    return data.getvalue()
