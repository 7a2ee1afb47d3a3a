"""`make lint`'s layer contracts (pyproject.toml, `lint-imports`) fail on a deliberate
break of each of them, in a copy of the project's own code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# Each break: a module added to the copy, what it imports, and what lint-imports says.
BREAKS = {
    "the bottom layer imports a domain app": (
        "minjian/core/break_layers.py",
        "from minjian.cases import models",
        "minjian.core is not allowed to import minjian.cases",
    ),
    "an app imports a peer of its layer": (
        "minjian/feeds/break_peers.py",
        "from minjian.routing import models",
        "minjian.feeds is not allowed to import minjian.routing",
    ),
    "an app imports config": (
        "minjian/topics/break_config.py",
        "import config.settings.base",
        "minjian is not allowed to import config",
    ),
    "an app imports another app's tests": (
        "minjian/cases/break_tests.py",
        "from minjian.orgs.tests import factories",
        "Illegal imports of protected package minjian.orgs.tests",
    ),
    "an app imports another app's private module": (
        "minjian/search/break_private.py",
        "from minjian.places import _private_helpers",
        "minjian.search.break_private -> minjian.places._private_helpers",
    ),
}


@pytest.fixture(scope="module")
def answer(tmp_path_factory: pytest.TempPathFactory) -> str:
    """What lint-imports says of a copy of the project with every break in it."""
    copy = tmp_path_factory.mktemp("project")
    for package in ("minjian", "config"):
        shutil.copytree(
            PROJECT / package,
            copy / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.mo", "*.po", "static", "templates"),
        )
    shutil.copy(PROJECT / "pyproject.toml", copy / "pyproject.toml")
    (copy / "minjian/places/_private_helpers.py").write_text("")
    for path, line, _said in BREAKS.values():
        (copy / path).write_text(line + "\n")
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=copy,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    return " ".join(result.stdout.split())


@pytest.mark.parametrize("rule", list(BREAKS))
def test_lint_imports_fails_on_a_break(answer: str, rule: str) -> None:
    _path, _line, said = BREAKS[rule]

    assert said in answer
