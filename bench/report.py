"""What every benchmark writes beside its figures: the machine it ran on, and the JSON file
in bench/results/ that the figures in docs/benchmarks.md come from."""

from __future__ import annotations

import json
import os
import platform
from datetime import datetime
from pathlib import Path
from typing import Any


def proc_field(path: str, name: str) -> str:
    """A field of a /proc file such as /proc/cpuinfo ("unknown" where there is none)."""
    try:
        for line in Path(path).read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == name:
                return value.strip()
    except OSError:
        pass
    return "unknown"


def machine(**versions: object) -> dict[str, Any]:
    """The machine and the moment (the load average is the one at the call), with the
    versions of what the benchmark measured."""
    memory = proc_field("/proc/meminfo", "MemTotal").split()
    return {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu": proc_field("/proc/cpuinfo", "model name"),
        "cores": os.cpu_count(),
        "memory_gib": round(int(memory[0]) / 2**20, 1) if memory[0].isdigit() else None,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "system": platform.platform(),
        "python": platform.python_version(),
        **versions,
    }


def write_results(results_dir: Path, name: str, report: dict[str, Any]) -> Path:
    """Writes `report` as bench/results/<name>-<time>.json and returns its path."""
    results_dir.mkdir(parents=True, exist_ok=True)
    path = results_dir / f"{name}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2, default=str) + "\n")
    return path


def say_where(path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    print(f"\nEvery figure: {path.relative_to(root) if path.is_relative_to(root) else path}")
