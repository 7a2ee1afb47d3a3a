"""What the main pages weigh on the wire, as a phone and a desktop browser load them.

    python bench/page_weights.py [--commit REV] [--source DIR] ...

1. Sets up the demo as `make demo` does, in a temporary data folder (SQLite, local
   media, `migrate`, `load_regions`, `load_demo`, `collectstatic`), from this checkout
   or from the tree of another commit (`--commit REV`: `git archive` of it, with this
   checkout's node_modules), so that a change can be measured before and after.
2. Serves it with gunicorn on 127.0.0.1 (the embedded default's settings, DEBUG off),
   and loads each main page (home, case list, a case with photos, map, report form,
   an organisation, an aid drive, its ledger) in Debian's Chromium driven by
   Playwright, each in a fresh browser (an empty cache): as a 390 px phone (device
   pixel ratio 3) in Chinese, and as a 1366 px desktop (ratio 1) in English.
3. Counts the bytes each response took on the wire (headers and encoded body, as
   Chromium reports them), by kind: the page itself, styles and scripts, images, the
   rest; and whether the page was compressed. Prints a table (and the same as Markdown
   for docs/benchmarks.md) and writes every figure as JSON into bench/results/.

Each page is scrolled to its end, a screen at a time, so that the images it loads
lazily are counted too: the figure is what a reader who reads the whole page pays.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.report import machine, say_where, write_results  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
PYTHON = ROOT / ".venv" / "bin" / "python"
SERVER_START_SECONDS = 60

# The demo's rows the measured pages show, read by the demo instance's own Django.
PATHS_SCRIPT = """
import json
from minjian.aid.models import Drive
from minjian.cases.models import Case, CasePhoto
from minjian.orgs.models import Organisation
case = (
    Case.objects.filter(state__in=Case.PUBLIC_STATES, photos__status=CasePhoto.Status.READY)
    .order_by("-published_at").first()
)
organisation = Organisation.objects.order_by("id").first()
drive = Drive.objects.order_by("id").first()
print(json.dumps({
    "home": "/",
    "list": "/cases/",
    "case": f"/cases/{case.pk}/",
    "map": "/cases/map/",
    "report": "/cases/report/",
    "organisation": f"/orgs/{organisation.slug}/",
    "drive": f"/aid/{drive.pk}/",
    "ledger": f"/aid/{drive.pk}/ledger/",
}))
"""


@dataclass(frozen=True)
class Viewport:
    key: str
    label: str
    width: int
    height: int
    device_scale_factor: int
    locale: str
    accept_language: str


VIEWPORTS = (
    Viewport("phone", "390 px phone, zh-Hans", 390, 844, 3, "zh-CN", "zh-hans"),
    Viewport("desktop", "1366 px desktop, en", 1366, 900, 1, "en-GB", "en"),
)


@dataclass
class PageWeight:
    page: str
    path: str
    viewport: str
    status: int | None = None
    compressed: str = ""
    bytes_by_kind: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    error: str = ""

    @property
    def total(self) -> int:
        return sum(self.bytes_by_kind.values())


KINDS = ("page", "styles and scripts", "images", "other")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Bytes on the wire of the main pages of the demo, on a phone and a desktop."
    )
    parser.add_argument(
        "--commit",
        default="",
        help="measure the tree of this commit (git archive) instead of the checkout",
    )
    parser.add_argument(
        "--source", type=Path, default=ROOT, help="the Minjian tree to serve (default: this one)"
    )
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument(
        "--results-dir", type=Path, default=ROOT / "bench" / "results", help="where the JSON goes"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not CHROMIUM.exists():
        print("Debian's Chromium is missing at /usr/bin/chromium.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-weights-") as temporary:
        work = Path(temporary)
        source = _tree_of(args.commit, work / "tree") if args.commit else args.source.resolve()
        environment = _environment(work / "data")
        _say(f"Setting up the demo from {args.commit or source} ...")
        _set_up_demo(source, environment)
        paths: dict[str, str] = json.loads(
            _manage(source, environment, "shell", "-c", PATHS_SCRIPT).strip().splitlines()[-1]
        )
        port = args.port or _free_port()
        with _serving(source, environment, port, work / "gunicorn.log") as base_url:
            weights = _measure(base_url, paths)
    report = {
        "machine": machine(chromium=_chromium_version(), source=args.commit or str(source)),
        "pages": [
            {
                "page": w.page,
                "path": w.path,
                "viewport": w.viewport,
                "status": w.status,
                "compressed": w.compressed,
                "requests": w.requests,
                "bytes": w.bytes_by_kind,
                "total_bytes": w.total,
                "error": w.error,
            }
            for w in weights
        ],
    }
    path = write_results(args.results_dir, "page_weights", report)
    _print_table(weights)
    say_where(path)
    failed = [f"{w.page} ({w.viewport})" for w in weights if w.error]
    if failed:
        print(f"Not measured: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _tree_of(commit: str, target: Path) -> Path:
    """The files of `commit` in `target`, with this checkout's node_modules and compiled
    translations (neither is in git)."""
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", commit],
        capture_output=True,
        check=True,
    ).stdout
    with tempfile.TemporaryFile() as tar_file:
        tar_file.write(archive)
        tar_file.seek(0)
        with tarfile.open(fileobj=tar_file) as tar:
            tar.extractall(target, filter="data")
    (target / "node_modules").symlink_to(ROOT / "node_modules")
    subprocess.run(
        [str(PYTHON), "tools/compile_messages.py"], cwd=target, check=True, capture_output=True
    )
    return target


def _environment(data_dir: Path) -> dict[str, str]:
    data_dir.mkdir(parents=True)
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINJIAN_", "DJANGO_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    return environment | {
        "MINJIAN_DATA_DIR": str(data_dir),
        "MINJIAN_DEMO_PASSWORD": secrets.token_urlsafe(12),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }


def _manage(source: Path, environment: dict[str, str], *command: str) -> str:
    finished = subprocess.run(
        [str(PYTHON), "manage.py", *command],
        cwd=source,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if finished.returncode != 0:
        raise RuntimeError(f"manage.py {command[0]} failed:\n{finished.stderr[-3000:]}")
    return finished.stdout


def _set_up_demo(source: Path, environment: dict[str, str]) -> None:
    _manage(source, environment, "migrate", "--noinput")
    _manage(source, environment, "load_regions")
    # Its photos prepared before anything is measured: jobs run as they are deferred.
    _manage(source, environment | {"MINJIAN_JOBS": "inline"}, "load_demo")
    _manage(source, environment, "collectstatic", "--noinput", "--verbosity", "0")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serving(source: Path, environment: dict[str, str], port: int, log_path: Path) -> Iterator[str]:
    """gunicorn on 127.0.0.1:`port` for the duration of the block, then stopped."""
    base_url = f"http://127.0.0.1:{port}"
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                str(PYTHON),
                "-m",
                "gunicorn",
                "config.wsgi",
                f"--bind=127.0.0.1:{port}",
                "--workers=2",
            ],
            cwd=source,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_serving(base_url, server, log_path)
            yield base_url
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _wait_until_serving(base_url: str, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(base_url + "/", timeout=30):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START_SECONDS} s")


def _kind(resource_type: str) -> str:
    if resource_type == "document":
        return "page"
    if resource_type in ("stylesheet", "script"):
        return "styles and scripts"
    if resource_type == "image":
        return "images"
    return "other"


def _measure(base_url: str, paths: dict[str, str]) -> list[PageWeight]:
    from playwright.sync_api import Request, sync_playwright

    weights = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            for viewport in VIEWPORTS:
                for page_key, path in paths.items():
                    weight = PageWeight(page=page_key, path=path, viewport=viewport.key)
                    context = browser.new_context(
                        base_url=base_url,
                        viewport={"width": viewport.width, "height": viewport.height},
                        device_scale_factor=viewport.device_scale_factor,
                        locale=viewport.locale,
                        extra_http_headers={"Accept-Language": viewport.accept_language},
                    )
                    finished: list[Request] = []
                    page = context.new_page()
                    page.on("requestfinished", _collector(finished))
                    try:
                        response = page.goto(path, wait_until="load")
                        page.wait_for_load_state("networkidle")
                        _scroll_to_the_end(page)
                        weight.status = response.status if response else None
                        if response is not None:
                            weight.compressed = response.headers.get("content-encoding", "")
                        for request in finished:
                            sizes = request.sizes()
                            kind = _kind(request.resource_type)
                            weight.bytes_by_kind[kind] = (
                                weight.bytes_by_kind.get(kind, 0)
                                + sizes["responseBodySize"]
                                + sizes["responseHeadersSize"]
                            )
                        weight.requests = len(finished)
                        if weight.status != 200:
                            weight.error = f"answered {weight.status}"
                    except Exception as error:  # a broken page is reported, the others measured
                        weight.error = f"{type(error).__name__}: {error}"
                    finally:
                        context.close()
                    _say(f"  {viewport.key} {page_key}: {weight.total / 1024:.1f} KiB")
                    weights.append(weight)
        finally:
            browser.close()
    return weights


def _collector(into: list[Any]) -> Callable[[Any], None]:
    def keep(request: Any) -> None:
        into.append(request)

    return keep


def _scroll_to_the_end(page: Any) -> None:
    """Scroll down a screen at a time, so that every lazily loaded image is asked for, as
    it is for a reader who reads the whole page."""
    height = page.evaluate("document.documentElement.scrollHeight")
    step = page.viewport_size["height"] if page.viewport_size else 800
    for top in range(0, int(height) + step, step):
        page.evaluate(f"window.scrollTo(0, {top})")
        page.wait_for_timeout(50)
    page.wait_for_load_state("networkidle")


def _chromium_version() -> str:
    finished = subprocess.run(
        [str(CHROMIUM), "--version"], capture_output=True, text=True, check=False
    )
    return finished.stdout.strip()


def _print_table(weights: Sequence[PageWeight]) -> None:
    columns = ("page", "viewport", "compressed", "requests", *KINDS, "total KiB")
    rows = [
        [
            w.page,
            w.viewport,
            w.compressed or "no",
            str(w.requests),
            *(f"{w.bytes_by_kind.get(kind, 0) / 1024:.1f}" for kind in KINDS),
            "error" if w.error else f"{w.total / 1024:.1f}",
        ]
        for w in weights
    ]
    widths = [max(len(row[i]) for row in [list(columns), *rows]) for i in range(len(columns))]
    print()
    for row in [list(columns), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print("\nMarkdown, for docs/benchmarks.md (KiB on the wire):\n")
    print("| " + " | ".join(columns) + " |")
    print("|---|---|---" + "|--:" * (len(columns) - 3) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    for w in weights:
        if w.error:
            print(f"\n{w.page} ({w.viewport}): {w.error}")


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
