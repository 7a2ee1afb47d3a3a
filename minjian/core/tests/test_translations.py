"""Every string a user reads exists in Chinese, and one English string means one Chinese string."""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

APPS = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_every_app_with_user_text_has_a_chinese_catalogue() -> None:
    apps_with_catalogue = {po.parts[-5] for po in CATALOGUES}
    assert {
        "core",
        "accounts",
        "places",
        "topics",
        "orgs",
        "cases",
        "redaction",
    } <= apps_with_catalogue


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: po.parts[-5])
def test_catalogue_is_complete(po: Path) -> None:
    statistics = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_one_english_string_has_one_chinese_translation_across_apps() -> None:
    # Django merges the apps' catalogues, so a msgid translated two ways in two
    # apps shows the first app's translation everywhere.
    translations: dict[str, set[str]] = defaultdict(set)
    for po in CATALOGUES:
        with po.with_suffix(".mo").open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]  # private, not in typeshed
        for msgid, msgstr in catalogue.items():
            if msgid and isinstance(msgid, str):
                translations[msgid].add(msgstr)
    conflicts = {msgid: found for msgid, found in translations.items() if len(found) > 1}
    assert conflicts == {}


# One word for one thing in Chinese: the word a reader meets, and the ones it replaced.
GLOSSARY = {
    "案例": ("案件",),  # a case
    "审核员": ("版主", "管理员审核"),  # a moderator
    "审核记录": ("审核日志",),  # the public moderation log
}


def test_chinese_catalogues_keep_the_glossary() -> None:
    """A case is always 案例, a moderator 审核员, the moderation log 审核记录."""
    stray = []
    for po in CATALOGUES:
        with po.with_suffix(".mo").open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]  # private, not in typeshed
        for msgid, msgstr in catalogue.items():
            for word, replaced in GLOSSARY.items():
                stray += [
                    f"{po.parts[-5]}: {msgid!r} has {old!r}, say {word!r}"
                    for old in replaced
                    if old in msgstr
                ]
    assert stray == []


def test_the_demo_and_the_templates_keep_the_glossary() -> None:
    """Words a reader meets outside the catalogues: the demo's stories, replies and notes
    (written in Chinese) and any text a template carries as it is."""
    sources = [*(APPS / "demo").glob("*.py"), *APPS.glob("*/templates/**/*.html")]
    stray = [
        f"{source.relative_to(APPS)}: has {old!r}, say {word!r}"
        for source in sources
        for word, replaced in GLOSSARY.items()
        for old in replaced
        if old in source.read_text(encoding="utf-8")
    ]
    assert stray == []


@pytest.mark.engine_agnostic
def test_every_string_marked_for_translation_has_its_chinese(tmp_path: Path) -> None:
    """What the code and templates mark for translation, extracted afresh as `makemessages`
    does, is translated by some app's catalogue: a string added without its Chinese is
    found here, not by a reader (the catalogues' own completeness cannot show it)."""
    root = APPS.parent
    copy = tmp_path / "site"
    shutil.copytree(
        APPS, copy / "minjian", ignore=shutil.ignore_patterns("*.mo", "__pycache__", "data")
    )
    shutil.copytree(root / "config", copy / "config", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "manage.py", copy / "manage.py")
    translated: set[str] = set()
    for po in CATALOGUES:
        with po.with_suffix(".mo").open("rb") as compiled:
            catalogue = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]  # private, not in typeshed
        translated |= {key if isinstance(key, str) else key[0] for key in catalogue}
    missing = []
    for po in CATALOGUES:
        app = copy / "minjian" / po.parts[-5]
        subprocess.run(
            [sys.executable, str(copy / "manage.py"), "makemessages", "-l", "zh_Hans", "-v", "0"],
            cwd=app,
            check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        )
        extracted = app / "locale/zh_Hans/LC_MESSAGES/django.po"
        for flag in ("--untranslated", "--only-fuzzy"):
            listed = subprocess.run(
                ["msgattrib", flag, "--no-obsolete", "--no-wrap", str(extracted)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            missing += [
                f"{po.parts[-5]}: {msgid!r}"
                for msgid in _msgids(listed)
                if msgid and msgid not in translated
            ]
    assert missing == []


def _msgids(po_text: str) -> list[str]:
    """The msgids of a catalogue's text (written on one line: `msgattrib --no-wrap`)."""
    return [
        ast.literal_eval(line.removeprefix("msgid "))
        for line in po_text.splitlines()
        if line.startswith('msgid "')
    ]
