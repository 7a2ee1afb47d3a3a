"""`make bench`: run the benchmark scripts in bench/ one after the other, with their defaults.

    python bench/run.py [NAME ...]    # e.g. python bench/run.py http_pages

A benchmark script is any bench/*.py that runs as a program (it has an
`if __name__ == "__main__":` block), takes no required argument, stops by
itself, and exits non-zero when it could not measure. Each prints its own
results and writes them as JSON into bench/results/. This runner exits non-zero
if any script failed; the others still run.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
MAIN_BLOCK = 'if __name__ == "__main__":'


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
    for path in chosen:
        print(f"==> bench/{path.name}", flush=True)
        started = time.monotonic()
        finished = subprocess.run([sys.executable, str(path)], check=False)
        print(
            f"<== bench/{path.name}: exit {finished.returncode} after "
            f"{time.monotonic() - started:.0f} s\n",
            flush=True,
        )
        if finished.returncode != 0:
            failed.append(path.name)
    if failed:
        print(f"Failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
