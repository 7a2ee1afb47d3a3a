"""Which WSGI server serves Minjian faster: gunicorn against granian, in one run.

    python bench/servers.py [--cases 100000] [--duration 10] [--reuse] ...

Takes the same options as `bench/http_pages.py` and the same database (generated, or
kept with `--reuse`). Serves Minjian under each server in turn, with the same number of
worker processes, each answering one request at a time (gunicorn's sync workers; granian's
WSGI interface with one blocking thread per worker), and runs wrk against the bare view
(`/bench/bare/`: what the server and Django's middleware cost) and the case page (rotating
through `--case-pages` cases). The servers take turns twice (gunicorn, granian, gunicorn,
granian), so that a change of the machine's load during the run weighs on both alike.

Prints, for each URL, each server's requests per second and p99 (the mean of its two
turns) and the ratio granian / gunicorn; and the verdict: the default server should change
only if the other wins by more than 20 % on both URLs (`WIN_MARGIN`). Writes every figure
as JSON into bench/results/.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import (  # noqa: E402
    BARE,
    CASE_PAGE,
    SERVERS,
    Measurement,
    describe_machine,
    droppable_database,
    free_port,
    measure,
    parse_args,
    prepare_database,
    server_environment,
    serving,
    targets,
)
from bench.report import say_where, write_results  # noqa: E402

TURNS = 2
# By how much the other server must beat the default on every URL to become the default.
WIN_MARGIN = 0.20
DEFAULT_SERVER = SERVERS[0]
CHALLENGER = SERVERS[1]


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which(args.wrk)
    if wrk is None:
        print(f"{args.wrk} not found: install it (apt-get install wrk).", file=sys.stderr)
        return 2
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-servers-") as data_dir:
        environment = server_environment(args, Path(data_dir))
        os.environ.update(environment)
        import django

        django.setup()
        data = prepare_database(args, database_name)
        measured = [target for target in targets(args) if target.key in (BARE, CASE_PAGE)]
        figures = {server: [Measurement(target) for target in measured] for server in SERVERS}
        where = describe_machine(wrk) | {server: version(server) for server in SERVERS}
        from django.db import connections

        connections.close_all()
        for turn in range(TURNS):
            for server in SERVERS:
                log = Path(data_dir) / f"{server}-{turn}.log"
                with serving(args, environment, free_port(), log, server) as base_url:
                    for measurement in figures[server]:
                        if not measure(args, wrk, base_url, measurement):
                            print(measurement.error, file=sys.stderr)
                            return 1
    rows = _rows(figures)
    verdict = _verdict(rows)
    _print(rows, verdict)
    report = {
        "machine": where,
        "data": data,
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "threads": args.threads,
            "duration_s": args.duration,
            "turns": TURNS,
        },
        "rows": rows,
        "verdict": verdict,
        "runs": {
            server: {m.target.key: m.runs for m in measurements}
            for server, measurements in figures.items()
        },
    }
    say_where(write_results(args.results_dir, "servers", report))
    return 0


def _rows(figures: dict[str, list[Measurement]]) -> list[dict[str, Any]]:
    rows = []
    for default, challenger in zip(figures[DEFAULT_SERVER], figures[CHALLENGER], strict=True):
        row: dict[str, Any] = {"url": default.target.label}
        for server, measurement in ((DEFAULT_SERVER, default), (CHALLENGER, challenger)):
            row[f"{server}_rps"] = round(measurement.requests_per_second or 0, 1)
            row[f"{server}_p99_ms"] = round(measurement.latency_ms("p99") or 0, 2)
        row["throughput_ratio"] = round(row[f"{CHALLENGER}_rps"] / row[f"{DEFAULT_SERVER}_rps"], 3)
        row["p99_ratio"] = round(row[f"{CHALLENGER}_p99_ms"] / row[f"{DEFAULT_SERVER}_p99_ms"], 3)
        rows.append(row)
    return rows


def _verdict(rows: Sequence[dict[str, Any]]) -> str:
    if all(row["throughput_ratio"] > 1 + WIN_MARGIN for row in rows):
        return f"{CHALLENGER} wins by more than {WIN_MARGIN:.0%} on every URL: make it the default"
    if all(row["throughput_ratio"] < 1 / (1 + WIN_MARGIN) for row in rows):
        return f"{DEFAULT_SERVER} wins by more than {WIN_MARGIN:.0%} on every URL: keep it"
    return f"neither wins by more than {WIN_MARGIN:.0%} on every URL: keep {DEFAULT_SERVER}"


def _print(rows: Sequence[dict[str, Any]], verdict: str) -> None:
    header = (
        f"| URL | {DEFAULT_SERVER} req/s | {CHALLENGER} req/s | ratio | "
        f"{DEFAULT_SERVER} p99 ms | {CHALLENGER} p99 ms | p99 ratio |"
    )
    print("\n" + header)
    print("|---|--:|--:|--:|--:|--:|--:|")
    for row in rows:
        print(
            f"| {row['url']} | {row[f'{DEFAULT_SERVER}_rps']} | {row[f'{CHALLENGER}_rps']} | "
            f"{row['throughput_ratio']} | {row[f'{DEFAULT_SERVER}_p99_ms']} | "
            f"{row[f'{CHALLENGER}_p99_ms']} | {row['p99_ratio']} |"
        )
    print(f"\nVerdict: {verdict}.")


if __name__ == "__main__":
    sys.exit(main())
