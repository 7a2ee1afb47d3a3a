"""Compile the gettext catalogues of every app (minjian/*/locale/*/LC_MESSAGES/*.po) to .mo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    catalogues = sorted((ROOT / "minjian").glob("*/locale/*/LC_MESSAGES/*.po"))
    for po in catalogues:
        subprocess.run(
            ["msgfmt", "--check-format", "-o", str(po.with_suffix(".mo")), str(po)],
            check=True,
        )
    print(f"compiled {len(catalogues)} catalogues")
    return 0


if __name__ == "__main__":
    sys.exit(main())
