"""The static mirror of a small instance made by factories: nothing private in any file,
a second build rewrites only what changed, and verify_mirror on a folder and over HTTP."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from datetime import UTC
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from minjian.accounts.models import User
from minjian.archive.manifest import MANIFEST_NAME, SIGNATURE_NAME, check_manifest
from minjian.archive.mirror import STATE_NAME, MirrorBuilder, MirrorError
from minjian.cases import services
from minjian.cases.models import Case
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.cases.tests.test_private_texts import (
    EDIT_REQUEST,
    HELD_TEXT,
    HIDDEN_CASE,
    HIDE_NOTE,
    INTERNAL_NOTE,
    MEMBER_EMAIL,
    OTHER_MEMBER_EMAIL,
    PENDING_CASE,
    PUBLIC_UPDATE,
    REPORTER_EMAIL,
    WITHHELD_TEXT,
    Story,
    story,
)
from minjian.core.signing import key_id, public_key_base64url
from minjian.notify.tests.mailbox import committed, smtp
from minjian.places.models import Region

# The story of private texts (minjian/cases/tests/test_private_texts.py) and what it needs.
__all__ = ["committed", "smtp", "story"]

pytestmark = pytest.mark.django_db

FOLLOWER_EMAIL = "follower@example.org"


def every_file(root: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path.read_bytes()


def test_no_private_text_and_no_e_mail_address_is_in_any_file_of_the_mirror(
    story: Story, tmp_path: Path
) -> None:
    root = tmp_path / "mirror"
    MirrorBuilder(root).build()
    secrets = [
        INTERNAL_NOTE,
        HIDE_NOTE,
        EDIT_REQUEST,
        HELD_TEXT,
        WITHHELD_TEXT,
        PENDING_CASE,
        HIDDEN_CASE,
        REPORTER_EMAIL,
        MEMBER_EMAIL,
        OTHER_MEMBER_EMAIL,
        FOLLOWER_EMAIL,
        story.public_code,
        story.hidden_code,
    ]
    found = [
        (name, secret)
        for name, data in every_file(root)
        for secret in secrets
        if secret.encode() in data
    ]
    assert found == []
    # The control: the mirror holds the timeline's public texts, and the hidden case's
    # tombstone with the kind of its reason.
    public_page = (root / "en" / f"cases/{story.public_case.pk}/index.html").read_text("utf-8")
    assert PUBLIC_UPDATE in public_page
    tombstone = (root / "en" / f"cases/{story.hidden_case.pk}/index.html").read_text("utf-8")
    assert f"Case #{story.hidden_case.pk} was hidden" in tombstone
    assert "harassment or a call to hunt someone down" in tombstone
    assert not (root / "en" / f"cases/{story.pending_case.pk}").exists()


def test_a_second_build_after_one_change_rewrites_only_what_changed(
    regions: dict[str, Region], staff: User, tmp_path: Path
) -> None:
    county = regions["340321"]
    changed = make_case(county, title="淮河边的造纸厂", photos=[jpeg_upload()])
    unchanged = make_case(county, title="桥面裂缝", photos=[jpeg_upload()])
    root = tmp_path / "mirror"
    first = MirrorBuilder(root).build()
    assert first.files_written > 0
    assert check_manifest(root).ok

    again = MirrorBuilder(root).build()
    # Nothing changed: every page with tags is kept; only the about pages may say a new time.
    assert again.pages_kept > 0
    assert set(again.written) <= {"en/about.html", "zh-hans/about.html"}
    assert again.removed == []

    before = {name: (root / name).stat().st_mtime_ns for name, _data in every_file(root)}
    services.case_hide(actor=staff, case_id=changed.pk, reason=Case.HiddenReason.PERSONAL_DATA)
    third = MirrorBuilder(root).build()

    changed_pages = {f"{language}/cases/{changed.pk}/index.html" for language in ("en", "zh-hans")}
    assert changed_pages <= set(third.written)
    for language in ("en", "zh-hans"):
        page = f"{language}/cases/{unchanged.pk}/index.html"
        assert page not in third.written
        assert (root / page).stat().st_mtime_ns == before[page]
    # The hidden case's photos leave the mirror with its page; the other case's stay untouched.
    changed_key = changed.photos.get().key
    unchanged_key = unchanged.photos.get().key
    assert third.removed
    assert all(f"media/cases/photos/{changed_key}/" in name for name in third.removed)
    assert not (root / "media" / "cases" / "photos" / changed_key).exists()
    kept_photo = f"media/cases/photos/{unchanged_key}/full.jpg"
    assert (root / kept_photo).stat().st_mtime_ns == before[kept_photo]
    # Whatever was not rewritten is byte for byte as it was, and the manifest says so.
    for name in set(before) - set(third.written) - set(third.removed) - {STATE_NAME}:
        if not name.startswith("minjian-manifest"):
            assert (root / name).stat().st_mtime_ns == before[name], name
    assert check_manifest(root, trusted_public_key=None).ok


def test_a_folder_that_is_not_a_mirror_is_refused_and_left_alone(
    regions: dict[str, Region], tmp_path: Path
) -> None:
    make_case(regions["340321"])
    (tmp_path / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(CommandError, match="is not a mirror built here"):
        call_command("build_mirror", str(tmp_path))
    assert [path.name for path in tmp_path.iterdir()] == ["notes.txt"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Nothing logged: a test's output is its own."""


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The commands' messages are matched in English (the Chinese are in the catalogue);
    the default language is Chinese. The mirror's pages are written in both either way."""
    with translation.override("en"):
        yield


@pytest.fixture
def served(tmp_path: Path, regions: dict[str, Region]) -> Iterator[tuple[Path, str]]:
    """A mirror, served over HTTP by Python's own file server."""
    make_case(regions["340321"], photos=[jpeg_upload()])
    root = tmp_path / "mirror"
    call_command("build_mirror", str(root), stdout=StringIO())
    handler = functools.partial(QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_verify_mirror_checks_a_mirror_served_over_http(
    served: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, url = served
    call_command("verify_mirror", url, trusted_key=public_key_base64url())
    assert "All " in capsys.readouterr().out
    (root / "zh-hans" / "index.html").write_bytes(b"<p>rewritten</p>")
    with pytest.raises(CommandError, match="0 missing, 1 changed, 0 extra"):
        call_command("verify_mirror", url)
    assert "Changed: zh-hans/index.html" in capsys.readouterr().out


def test_verify_mirror_refuses_a_mirror_signed_by_another_key(
    served: tuple[Path, str], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _url = served
    another_key = "A" * 43
    with pytest.raises(CommandError, match="signature bad"):
        call_command("verify_mirror", str(root), trusted_key=another_key)
    assert "Signature: BAD (not by the trusted key)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("key", "message"),
    [("not base64!", "not base64url"), ("AAAA", r"not an Ed25519 public key \(32 bytes\)")],
)
def test_verify_mirror_refuses_a_trusted_key_that_is_not_one(
    tmp_path: Path, key: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("verify_mirror", str(tmp_path), trusted_key=key)


def test_verify_mirror_says_when_there_is_no_manifest(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"There is no minjian-manifest\.json"):
        call_command("verify_mirror", str(tmp_path))


def test_every_page_names_its_source_and_the_about_page_says_when_from_where_and_by_which_key(
    regions: dict[str, Region], tmp_path: Path, settings: Any
) -> None:
    case = make_case(regions["340321"])
    root = tmp_path / "mirror"
    MirrorBuilder(root).build()
    source = settings.MINJIAN_SITE_URL.rstrip("/") + "/"
    about = (root / "en" / "about.html").read_text("utf-8")
    assert source in about
    assert key_id() in about and public_key_base64url() in about
    assert timezone.now().astimezone(UTC).strftime("%Y-%m-%d") in about
    assert "关于本镜像" in (root / "zh-hans" / "about.html").read_text("utf-8")
    for language, words in (("en", "A signed static mirror of"), ("zh-hans", "签名静态镜像")):
        page = (root / language / f"cases/{case.pk}/index.html").read_text("utf-8")
        assert words in page and source in page
        assert 'href="../../about.html"' in page
        assert 'action="../../search.html"' in page


def test_every_page_of_the_case_list_is_mirrored_under_its_number(
    regions: dict[str, Region], tmp_path: Path, settings: Any
) -> None:
    settings.MINJIAN_CASES_PER_PAGE = 2
    cases = [make_case(regions["340321"], title=f"第{number}号案例") for number in range(5)]
    root = tmp_path / "mirror"
    MirrorBuilder(root).build()
    folder = root / "zh-hans" / "cases"
    pages = [folder / "index.html", folder / "index.page-2.html", folder / "index.page-3.html"]
    listed = [page.read_text("utf-8") for page in pages]
    # Newest first, two a page, each case on one page only.
    for case in cases:
        assert sum(f'href="{case.pk}/index.html"' in page for page in listed) == 1
    assert 'href="index.page-2.html"' in listed[0]
    assert 'href="index.html"' in listed[1] and 'href="index.page-3.html"' in listed[1]
    assert not (folder / "index.page-1.html").exists()
    assert not (folder / "index.page-4.html").exists()


def test_a_mirror_of_another_source_is_built_afresh_and_keeps_no_file_of_the_first(
    regions: dict[str, Region], tmp_path: Path, settings: Any
) -> None:
    make_case(regions["340321"], photos=[jpeg_upload()])
    root = tmp_path / "mirror"
    settings.MINJIAN_SITE_URL = "https://first.example.org"
    MirrorBuilder(root).build()
    settings.MINJIAN_SITE_URL = "https://second.example.org"
    again = MirrorBuilder(root).build()
    assert again.pages_kept == 0
    report = check_manifest(root)
    assert report.ok and report.instance == "https://second.example.org/"
    assert "first.example.org" not in (root / "en" / "about.html").read_text("utf-8")


# Committed data: a forked process reads the database through a connection of its own.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_build_in_two_processes_writes_what_a_build_in_one_writes(
    regions: dict[str, Region], staff: User, tmp_path: Path
) -> None:
    county = regions["340321"]
    shown = [make_case(county, title=f"第{n}号案例", photos=[jpeg_upload()]) for n in range(3)]
    services.case_hide(actor=staff, case_id=shown[0].pk, reason=Case.HiddenReason.OTHER)
    alone, apart = tmp_path / "alone", tmp_path / "apart"

    in_one = MirrorBuilder(alone).build(processes=1)
    in_two = MirrorBuilder(apart).build(processes=2)

    assert (in_one.processes, in_two.processes) == (1, 2)
    assert in_two.pages_rendered == in_one.pages_rendered
    assert sorted(in_two.written) == sorted(in_one.written)
    assert in_two.failed == in_one.failed == []
    # The about pages say when each was made; the manifest and the state name them.
    dated = {"en/about.html", "zh-hans/about.html"}
    undated = dated | {MANIFEST_NAME, SIGNATURE_NAME, STATE_NAME}
    assert {name: data for name, data in every_file(apart) if name not in undated} == {
        name: data for name, data in every_file(alone) if name not in undated
    }
    states = [json.loads((root / STATE_NAME).read_bytes()) for root in (alone, apart)]
    for state in states:
        assert dated <= state["files"].keys()
        for name in dated:
            del state["files"][name]
    assert states[0] == states[1]
    assert check_manifest(apart).ok
    again = MirrorBuilder(apart).build(processes=2)
    # Again in two processes, nothing changed: every page with tags kept, as in one.
    assert again.pages_kept > 0
    assert again.pages_kept + again.pages_rendered == in_one.pages_rendered
    assert set(again.written) <= dated


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_process_that_fails_fails_the_build_and_says_which_language(
    regions: dict[str, Region], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_case(regions["340321"])
    original = MirrorBuilder._mirror_pages

    def broken_in_chinese(builder: MirrorBuilder, language: str) -> None:
        if language == "zh-hans":
            raise RuntimeError("the disk is full")
        original(builder, language)

    monkeypatch.setattr(MirrorBuilder, "_mirror_pages", broken_in_chinese)
    with pytest.raises(MirrorError, match=r"(?s)building zh-hans failed: .*the disk is full"):
        MirrorBuilder(tmp_path / "mirror").build(processes=2)


def test_a_build_inside_a_transaction_stays_in_one_process(
    regions: dict[str, Region], tmp_path: Path
) -> None:
    make_case(regions["340321"])
    built = MirrorBuilder(tmp_path / "mirror").build(processes=2)
    assert built.processes == 1
    assert (tmp_path / "mirror" / "zh-hans" / "cases" / "index.html").is_file()


def test_a_photo_whose_file_is_lost_is_asked_for_once_and_its_links_made_inert(
    regions: dict[str, Region], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = make_case(regions["340321"], photos=[jpeg_upload()])
    photo = case.photos.get()
    photo.thumbnail.storage.delete(photo.thumbnail.name)
    photo.small.storage.delete(photo.small.name)
    asked: list[str] = []
    get = MirrorBuilder._get

    def counted(builder: MirrorBuilder, url: str, language: str) -> Any:
        asked.append(url)
        return get(builder, url, language)

    monkeypatch.setattr(MirrorBuilder, "_get", counted)
    built = MirrorBuilder(tmp_path / "mirror").build()

    lost = [url for url in asked if f"/photos/{photo.key}/" in url and "full" not in url]
    assert lost and len(lost) == len(set(lost))
    assert built.failed == []  # not found is not a failure of the build
    listed = (tmp_path / "mirror" / "en" / "cases" / "index.html").read_text("utf-8")
    assert f"{photo.key}/thumb" not in listed and f"{photo.key}/small" not in listed
