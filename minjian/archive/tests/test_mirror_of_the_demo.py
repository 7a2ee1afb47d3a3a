"""The static mirror of the demo (the issue's "done when"): every kind of public page in
both languages, links that stay inside the mirror, a signed manifest that verify_mirror
checks, and the ZIM file (the browser reading it from file://:
test_mirror_in_a_browser.py).

The demo is loaded once for the module's class and the mirror built once from it (as
minjian/demo/tests/test_demo.py does, in a transaction rolled back at the end).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import lxml.html  # type: ignore[import-untyped]  # lxml ships no type information
import pytest
from django.core.management import CommandError, call_command
from libzim.reader import Archive  # type: ignore[import-untyped]  # libzim ships no type information
from libzim.search import Query, Searcher  # type: ignore[import-untyped]  # libzim ships no type information

from minjian.aid.models import Drive
from minjian.archive.manifest import MANIFEST_NAME
from minjian.archive.mirror import LANGUAGES, MirrorBuilder
from minjian.cases.models import Case
from minjian.claims.models import Claim
from minjian.coalitions.models import Coalition
from minjian.core.signing import public_key_base64url
from minjian.demo.tests.test_demo import LoadedDemo, demo, demo_case
from minjian.orgs.models import Organisation
from minjian.petitions.models import Petition

__all__ = ["demo"]  # the demo's own fixture, loaded once for this module's class too

PAPER_MILL = "paper-mill-huaiyuan"
MERGED_INTO_PAPER_MILL = "paper-mill-duplicate"
LINK_ATTRIBUTES = ("href", "src", "action")


@pytest.fixture(scope="class")
def mirror(
    demo: LoadedDemo, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("demo-mirror") / "mirror"
    with django_db_blocker.unblock():
        MirrorBuilder(root).build(zim=root.parent / "demo.zim")
    yield root


@pytest.fixture
def built(mirror: Path, db: Any) -> Path:
    return mirror


def pages_of(root: Path) -> Iterator[Path]:
    return (path for path in root.rglob("*.html") if path.is_file())


def links_of(page: Path) -> Iterator[str]:
    document = lxml.html.parse(str(page)).getroot()
    for element in document.iter():
        for attribute in LINK_ATTRIBUTES:
            if element.get(attribute) is not None:
                yield element.get(attribute)
        for candidate in (element.get("srcset") or "").split(","):
            if candidate.strip():
                yield candidate.split()[0]


class TestTheMirrorOfTheDemo:
    def test_every_kind_of_public_page_is_written_in_both_languages(self, built: Path) -> None:
        drive = Drive.objects.order_by("pk").first()
        petition = Petition.objects.exclude(state="draft").order_by("pk").first()
        coalition = Coalition.objects.order_by("pk").first()
        claim = Claim.objects.order_by("pk").first()
        organisation = Organisation.objects.filter(verified=True).order_by("pk").first()
        assert drive and petition and coalition and claim and organisation
        public = Case.objects.filter(state__in=Case.PUBLIC_STATES)
        for language in LANGUAGES:
            folder = built / language
            expected = [
                "index.html",
                "about.html",
                "search.html",
                "cases/index.html",
                "cases/moderation/log/index.html",
                "orgs/index.html",
                f"orgs/{organisation.slug}/index.html",
                "accountability/index.html",
                f"accountability/{organisation.slug}/index.html",
                "aid/index.html",
                f"aid/{drive.pk}/index.html",
                f"aid/{drive.pk}/ledger/index.html",
                f"api/v1/drives/{drive.pk}/ledger.csv",
                f"api/v1/drives/{drive.pk}/ledger.hxl",
                "claims/index.html",
                "petitions/index.html",
                f"petitions/{petition.pk}/index.html",
                "coalitions/index.html",
                f"coalitions/{coalition.pk}/index.html",
                *(f"cases/{case.pk}/index.html" for case in public),
            ]
            assert [name for name in expected if not (folder / name).is_file()] == []
        case = demo_case(PAPER_MILL)
        page = (built / "zh-hans" / f"cases/{case.pk}/index.html").read_text("utf-8")
        english = (built / "en" / f"cases/{case.pk}/index.html").read_text("utf-8")
        assert case.title in page and case.title in english
        assert 'lang="zh-hans"' in page and 'lang="en"' in english
        assert "时间线" in page and "Timeline" in english

    def test_a_hidden_case_is_its_tombstone_with_its_reason(self, built: Path) -> None:
        merged = demo_case(MERGED_INTO_PAPER_MILL)
        original = demo_case(PAPER_MILL)
        tombstone = (built / "en" / f"cases/{merged.pk}/index.html").read_text("utf-8")
        assert f"Case #{merged.pk} was merged" in tombstone
        assert merged.description not in tombstone
        # Its link to the case it joined leads to that case's page in the mirror.
        assert f'href="../{original.pk}/index.html"' in tombstone

    def test_every_link_of_every_page_is_relative_and_leads_to_a_file_of_the_mirror(
        self, built: Path
    ) -> None:
        broken = []
        for page in pages_of(built):
            for link in links_of(page):
                parts = urlsplit(link)
                if parts.scheme in ("http", "https", "mailto") or link.startswith("#"):
                    assert not link.startswith("http://127.0.0.1"), (page, link)
                    continue
                assert not link.startswith("/"), (page, link)
                target = (page.parent / unquote(parts.path)).resolve()
                if parts.path and not target.is_file():
                    broken.append((str(page.relative_to(built)), link))
        assert broken == []

    def test_the_photos_are_in_the_mirror_and_only_once(self, built: Path) -> None:
        case = demo_case(PAPER_MILL)
        photo = case.photos.order_by("position", "pk").first()
        assert photo is not None
        written = built / "media" / "cases" / "photos" / photo.key / "full.jpg"
        assert written.read_bytes()[:2] == b"\xff\xd8"
        assert not (built / "zh-hans" / "cases" / "photos").exists()

    def test_verify_mirror_accepts_the_mirror_and_names_what_is_missing_changed_or_extra(
        self, built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        call_command("verify_mirror", str(built), trusted_key=public_key_base64url())
        assert "All " in capsys.readouterr().out
        copy = tmp_path / "copy"
        shutil.copytree(built, copy)
        (copy / "en" / "about.html").write_text("changed", "utf-8")
        (copy / "zh-hans" / "search.html").unlink()
        (copy / "zh-hans" / "planted.html").write_text("extra", "utf-8")
        with pytest.raises(CommandError, match="1 missing, 1 changed, 1 extra"):
            call_command("verify_mirror", str(copy))
        out = capsys.readouterr().out
        assert "Missing: zh-hans/search.html" in out
        assert "Changed: en/about.html" in out
        assert "Extra: zh-hans/planted.html" in out
        assert "Signature: good" in out
        assert (copy / MANIFEST_NAME).is_file()

    def test_the_zim_file_opens_at_the_front_page_holds_the_cases_and_finds_chinese(
        self, built: Path
    ) -> None:
        case = demo_case(PAPER_MILL)
        archive = Archive(str(built.parent / "demo.zim"))
        main = archive.main_entry
        assert (main.get_redirect_entry() if main.is_redirect else main).path == "index.html"
        page = archive.get_entry_by_path(f"zh-hans/cases/{case.pk}/index.html").get_item()
        assert case.title in bytes(page.content).decode("utf-8")
        assert archive.has_fulltext_index
        found = Searcher(archive).search(Query().set_query("造纸厂"))
        paths = list(found.getResults(0, 50))
        assert f"zh-hans/cases/{case.pk}/index.html" in paths or (
            f"en/cases/{case.pk}/index.html" in paths
        )
