"""`make bench`: run the benchmark scripts in bench/ one after the other, with their defaults.

    python bench/run.py [NAME ...]    # e.g. python bench/run.py http_pages

A benchmark script is any bench/*.py that runs as a program (it has an
`if __name__ == "__main__":` block), takes no required argument, stops by
itself, and exits non-zero when it could not measure. Each prints its own
results and writes them as JSON into bench/results/. This runner exits non-zero
if any script failed; the others still run.

A script states each goal it measures on a line of its own,
`GOAL <what>: <figure> (goal <goal>) holds` (or `NOT MET`); at the end the runner
prints every such line again, together, so that one screen says which goals hold.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MAIN_BLOCK = 'if __name__ == "__main__":'
GOAL_PREFIX = "GOAL "


def scripts() -> list[Path]:
    return [
        path
        for path in sorted(BENCH_DIR.glob("*.py"))
        if path.name != Path(__file__).name and MAIN_BLOCK in path.read_text(encoding="utf-8")
    ]


def main(names: Sequence[str]) -> int:
    found = scripts()
    chosen = [path for path in found if not names or path.stem in names]
    unknown = set(names) - {path.stem for path in found}
    if unknown:
        known = ", ".join(path.stem for path in found)
        print(f"No benchmark named {', '.join(sorted(unknown))}; there are: {known}.")
        return 2
    failed = []
    goals: list[str] = []
    for path in chosen:
        print(f"==> bench/{path.name}", flush=True)
        started = time.monotonic()
        returncode = _run_echoing_goals(path, goals)
        print(
            f"<== bench/{path.name}: exit {returncode} after {time.monotonic() - started:.0f} s\n",
            flush=True,
        )
        if returncode != 0:
            failed.append(path.name)
    print("Goals:")
    for goal in goals or ["(none stated)"]:
        print(f"  {goal}")
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _run_echoing_goals(path: Path, goals: list[str]) -> int:
    """Run one script, its output shown as it comes; keep its goal lines."""
    with subprocess.Popen(
        [sys.executable, "-u", str(path)], stdout=subprocess.PIPE, text=True, bufsize=1
    ) as script:
        assert script.stdout is not None
        for line in script.stdout:
            print(line, end="", flush=True)
            if line.startswith(GOAL_PREFIX):
                goals.append(f"{path.stem}: {line.removeprefix(GOAL_PREFIX).strip()}")
    return script.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
