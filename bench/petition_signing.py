"""Signing a hot petition: validated signatures a second through the API, against a bare insert.

    python bench/petition_signing.py [--duration 20] [--clients 16] [--accounts 100000] ...

1. (Re)creates the PostgreSQL database `minjian_bench_petition_signing` (the name must
   contain "bench": it is dropped), migrates it and loads China's regions; empties the
   Redis database of `--redis-url` (the rate limits' counters and the stored pages live
   there, as in production).
2. Makes `--accounts` accounts, each with a personal API token, and opens petitions
   through the services as people would (an author, five sponsors, a moderator who
   approves): the hot one, and one per bare run.
3. Starts gunicorn (`config.wsgi`, 2 sync workers, settings `bench.settings`) and measures,
   in turn: a bare insert, the signing, a bare insert again.
   - Signing: wrk with `--clients` connections (`bench/wrk_sign.lua`) sends
     `POST /api/v1/petitions/{id}/signatures`, each request with the token of an account
     of its own, a display name and (four in five) a province: the whole path the site
     takes (the token, the rate limits, the petition's lock, the row, the counters, the
     stored pages' versions), each signature validated at once. Why accounts and not
     e-mail: a signature by e-mail counts only once its signer has clicked the link of
     her mail, and it needs a proof of work solved by the client (ALTCHA, on purpose a
     few hundred milliseconds of CPU each); the time to validate would be the mail's
     and the client's, not the site's.
   - Bare insert: `--clients` threads, each with a connection of its own (psycopg,
     autocommit), insert the same rows into the same table (`petitions_signature`,
     with its indexes and keys), one plain INSERT per signature, validated, on a
     petition of its own: what PostgreSQL alone takes on this machine.
   Each run has a warm-up, then the measured seconds. The ratio is the signing's rate
   against the mean of the two bare runs around it (a machine whose load changes moves
   both alike).
4. Checks the hot petition: `validated_count` against a count of its validated
   signatures, each province's counter against a recount; prints it.
5. Signs `--profile` more times in process (Django's test client, no HTTP) under cProfile,
   timing every SQL statement: what one signature costs, and where.

Prints the figures and the GOAL line, and writes every figure as JSON into bench/results/.
Exits non-zero when it could not measure.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import json
import os
import pstats
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_pages import (  # noqa: E402
    add_server_options,
    describe_machine,
    droppable_database,
    found_wrk,
    free_port,
    fresh_database,
    server_environment,
    serving,
)
from bench.report import say_where, write_results  # noqa: E402

BENCH_DIR = ROOT / "bench"
WRK_SCRIPT = BENCH_DIR / "wrk_sign.lua"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/minjian_bench_petition_signing"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"
# Issue 14: signing at least half as fast as a bare insert of the same rows.
GOAL_RATIO = 0.5
# What every signer gives (the form of bench/wrk_sign.lua): a display name, and a
# province but for one signer in `WITHOUT_PROVINCE_EVERY`.
DISPLAY_NAME = "bench"
WITHOUT_PROVINCE_EVERY = 5
# The share of the accounts' tokens the signing's warm-up takes.
WARMUP_TOKEN_SHARE = 0.15


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Validated signatures a second on one hot petition, through the API, "
        "against a bare insert of the same rows."
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients")
    parser.add_argument("--duration", type=int, default=20, help="seconds measured per run")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per run")
    parser.add_argument(
        "--accounts",
        type=int,
        default=100_000,
        help="accounts with a token: one per signature of a run, warm-up included",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--profile", type=int, default=300, help="signatures profiled in process (0: none)"
    )
    add_server_options(parser, database_url=DEFAULT_DATABASE_URL, redis_url=DEFAULT_REDIS_URL)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    load_at_start = [round(load, 2) for load in os.getloadavg()]
    wrk = found_wrk(args.wrk)
    if wrk is None:
        return 2
    database_name = droppable_database(args.database_url)
    if database_name is None:
        return 2
    with tempfile.TemporaryDirectory(prefix="minjian-petition-signing-") as data_dir:
        environment = server_environment(args, Path(data_dir))
        os.environ.update(environment)
        import django

        django.setup()
        empty_redis(args.redis_url)
        fresh_database(args.database_url, database_name)
        _say(f"Making {args.accounts} accounts with their tokens ...")
        signers = make_signers(args.accounts)
        provinces = province_codes()
        hot = open_petition("hot")
        bare_petitions = [open_petition(f"bare {number}") for number in (1, 2)]
        machine = describe_machine(wrk) | {"load_average_at_start": load_at_start}
        from django.db import connections

        connections.close_all()
        tokens = Path(data_dir) / "tokens"
        warmup_tokens = int(len(signers) * WARMUP_TOKEN_SHARE)
        runs: dict[str, Any] = {}
        with serving(args, environment, free_port(), Path(data_dir) / "gunicorn.log") as base:
            runs["bare_before"] = bare_insert(args, bare_petitions[0], signers, provinces)
            runs["signing"] = signing(
                args, wrk, base, hot, signers, provinces, tokens, warmup_tokens
            )
            runs["bare_after"] = bare_insert(args, bare_petitions[1], signers, provinces)
        counts = counts_check(hot)
        profile = (
            profile_signing(hot, signers[-args.profile :], provinces) if args.profile else None
        )
        machine["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    report = _report(args, machine, runs, counts, profile)
    path = write_results(args.results_dir, "petition_signing", report)
    _print(report)
    say_where(path)
    return 0 if report["measured"] else 1


def empty_redis(redis_url: str) -> None:
    if redis_url:
        import redis

        redis.Redis.from_url(redis_url).flushdb()


@dataclass(frozen=True)
class SignerAccount:
    account_id: int
    token: str


def make_signers(count: int) -> list[SignerAccount]:
    """`count` established accounts, each with a personal API token (its digest stored, as
    `accounts.services.api_token_issue` stores it)."""
    from bench.casedata import _accounts
    from minjian.accounts.models import ApiToken
    from minjian.accounts.tokens import display_prefix, new_token, token_digest

    signers = [
        SignerAccount(account_id, new_token()) for account_id in _accounts("bench-signer", count)
    ]
    ApiToken.objects.bulk_create(
        (
            ApiToken(
                user_id=signer.account_id,
                name="bench",
                prefix=display_prefix(signer.token),
                digest=token_digest(signer.token),
            )
            for signer in signers
        ),
        batch_size=5_000,
    )
    return signers


def province_codes() -> list[str]:
    from minjian.places.models import Region

    return list(
        Region.objects.filter(level=Region.Level.PROVINCE)
        .order_by("code")
        .values_list("code", flat=True)
    )


def open_petition(name: str, *, signature_goal: int | None = None) -> int:
    """A petition opened through the services as people open one: written by an account,
    signed by its sponsors, approved by a moderator. Returns its id. Addressed to a named
    body, due in two months, with a goal no run reaches unless one is given."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from bench.casedata import _accounts
    from minjian.accounts.models import User
    from minjian.petitions import services
    from minjian.petitions.validation import GOAL_MAX

    slug = re.sub(r"\W+", "-", name)
    author_id, *sponsor_ids = _accounts(f"bench-{slug}", 1 + settings.MINJIAN_PETITION_SPONSORS)
    (moderator_id,) = _accounts(f"bench-{slug}-moderator", 1, is_staff=True)
    accounts = User.objects.in_bulk([author_id, moderator_id, *sponsor_ids])
    petition = services.petition_create(
        actor=accounts[author_id],
        title=f"请公开淮河排污口监测数据（{name}）",
        request="按月公开淮河蚌埠段各排污口的水质监测数据。",
        background="沿岸居民多次反映夜间排污。",
        deadline=timezone.localdate() + timedelta(days=60),
        signature_goal=signature_goal or GOAL_MAX,
        addressed_name="蚌埠市生态环境局",
        addressed_contact="office@sthjj.bengbu.example.gov.cn",
    )
    petition = services.petition_submit_for_sponsors(actor=accounts[author_id], petition=petition)
    for sponsor_id in sponsor_ids:
        services.petition_sign(actor=accounts[sponsor_id], petition=petition)
    petition.refresh_from_db()
    services.petition_approve(actor=accounts[moderator_id], petition=petition)
    return petition.pk


def signer_province(number: int, provinces: Sequence[str]) -> str | None:
    """The province the `number`-th signer (from 1) gives, as bench/wrk_sign.lua sends it."""
    if number % WITHOUT_PROVINCE_EVERY == 0:
        return None
    return provinces[number % len(provinces)]


# --- the runs ---------------------------------------------------------------------------------


def validated_signatures(petition_id: int) -> int:
    from minjian.petitions.models import Signature

    return Signature.objects.filter(
        petition_id=petition_id, state=Signature.State.VALIDATED
    ).count()


def signing(
    args: argparse.Namespace,
    wrk: str,
    base_url: str,
    petition_id: int,
    signers: Sequence[SignerAccount],
    provinces: Sequence[str],
    tokens: Path,
    warmup_tokens: int,
) -> dict[str, Any]:
    """wrk signing the petition through the API: a warm-up with the first
    `warmup_tokens` accounts, then the measured run with the others. The rate is of the
    signatures validated during the measured run, counted in the database."""
    _say(f"  signing: warm-up {args.warmup} s, then {args.duration} s ...")
    tokens.write_text("\n".join(signer.token for signer in signers[:warmup_tokens]) + "\n")
    _run_wrk(args, wrk, base_url, petition_id, tokens, provinces, args.warmup)
    tokens.write_text("\n".join(signer.token for signer in signers[warmup_tokens:]) + "\n")
    before = validated_signatures(petition_id)
    figures = _run_wrk(args, wrk, base_url, petition_id, tokens, provinces, args.duration)
    validated = validated_signatures(petition_id) - before
    seconds = figures["duration_us"] / 1_000_000
    errors = {name: count for name, count in figures["errors"].items() if count}
    from minjian.petitions.models import Signature

    needing_review = Signature.objects.filter(petition_id=petition_id, needs_review=True).count()
    return {
        "requests": figures["requests"],
        "validated": validated,
        "seconds": round(seconds, 2),
        "per_second": round(validated / seconds, 1),
        "errors": errors,
        "needing_review": needing_review,
        "p50_ms": figures["latency_us"]["p50"] / 1000,
        "p99_ms": figures["latency_us"]["p99"] / 1000,
        "error": _signing_error(errors, needing_review),
        "wrk": figures,
    }


def _signing_error(errors: dict[str, int], needing_review: int) -> str:
    if errors.get("status"):
        return (
            f"{errors['status']} answers were not 201: the accounts ran out (give more "
            "--accounts) or signing failed (see the server's answers)"
        )
    if errors:
        return f"wrk saw errors: {errors}"
    if needing_review:
        return f"{needing_review} signatures went beyond the rate limits and wait for review"
    return ""


def _run_wrk(
    args: argparse.Namespace,
    wrk: str,
    base_url: str,
    petition_id: int,
    tokens: Path,
    provinces: Sequence[str],
    seconds: int,
) -> dict[str, Any]:
    command = [
        wrk,
        f"--threads={args.threads}",
        f"--connections={args.clients}",
        f"--duration={seconds}s",
        "--timeout=10s",
        f"--script={WRK_SCRIPT}",
        f"{base_url}/api/v1/petitions/{petition_id}/signatures",
        "--",
        str(tokens),
        str(args.threads),
        ",".join(provinces),
    ]
    finished = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    for line in finished.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            figures: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
            return figures
    raise RuntimeError(f"wrk printed no figures:\n{finished.stdout}\n{finished.stderr}")


BARE_INSERT = (
    "INSERT INTO petitions_signature (petition_id, account_id, address_hash, address_domain,"
    " pending_address, nonce, language, display_name, name_hidden, region_id, state,"
    " needs_review, client_key, created_at, confirmed_at, validated_at)"
    " VALUES (%s, %s, '', '', '', '', '', %s, false, %s, 'validated', false, %s, %s, %s, %s)"
)


def bare_insert(
    args: argparse.Namespace,
    petition_id: int,
    signers: Sequence[SignerAccount],
    provinces: Sequence[str],
) -> dict[str, Any]:
    """`args.clients` threads insert validated signatures of the accounts in turn, one
    INSERT (its own transaction) each, for the warm-up and then the measured seconds;
    the rate is of the rows committed during the measured seconds. A run that uses up
    the accounts early is measured up to that moment."""
    from minjian.places.models import Region

    _say(f"  bare insert: warm-up {args.warmup} s, then {args.duration} s ...")
    region_ids = dict(Region.objects.filter(code__in=provinces).values_list("code", "id"))
    client_key = "0" * 64
    numbers = itertools.count(1)
    started = time.monotonic()
    measured_from = started + args.warmup
    measured_until = measured_from + args.duration
    committed: list[list[float]] = []
    failures: list[BaseException] = []

    def insert_rows() -> None:
        times: list[float] = []
        committed.append(times)
        try:
            with _connect(args.database_url) as connection, connection.cursor() as cursor:
                while time.monotonic() < measured_until:
                    number = next(numbers)
                    if number > len(signers):
                        return
                    province = signer_province(number, provinces)
                    moment = datetime.now(UTC)
                    cursor.execute(
                        BARE_INSERT,
                        (
                            petition_id,
                            signers[number - 1].account_id,
                            DISPLAY_NAME,
                            region_ids[province] if province else None,
                            client_key,
                            moment,
                            moment,
                            moment,
                        ),
                    )
                    times.append(time.monotonic())
        except BaseException as error:  # reported with the figures, the other threads go on
            failures.append(error)

    workers = [threading.Thread(target=insert_rows) for _ in range(args.clients)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    moments = sorted(moment for times in committed for moment in times)
    measured = [moment for moment in moments if measured_from <= moment < measured_until]
    ended = min(measured_until, moments[-1]) if moments else measured_until
    seconds = max(ended - measured_from, 1e-9)
    return {
        "rows": len(measured),
        "seconds": round(seconds, 2),
        "per_second": round(len(measured) / seconds, 1),
        "accounts_used_up": len(moments) >= len(signers),
        "error": "; ".join(f"{type(error).__name__}: {error}" for error in failures[:3]),
    }


def _connect(database_url: str) -> Any:
    import dj_database_url
    import psycopg

    parsed = dj_database_url.parse(database_url)
    return psycopg.connect(
        host=parsed["HOST"] or None,
        port=parsed["PORT"] or None,
        user=parsed["USER"] or None,
        password=parsed["PASSWORD"] or None,
        dbname=parsed["NAME"],
        autocommit=True,
    )


# --- the end: exact counts, and a profile -------------------------------------------------------


def counts_check(petition_id: int) -> dict[str, Any]:
    """The petition's counters against a recount of its validated signatures."""
    from django.db.models import Count

    from minjian.petitions.models import Petition, PetitionRegionCount, Signature

    counter = Petition.objects.values_list("validated_count", flat=True).get(pk=petition_id)
    validated = Signature.objects.filter(petition_id=petition_id, state=Signature.State.VALIDATED)
    recount = Counter(
        dict(
            validated.exclude(region=None)
            .values("region__code")
            .annotate(count=Count("id"))
            .values_list("region__code", "count")
        )
    )
    kept = dict(
        PetitionRegionCount.objects.filter(petition_id=petition_id, count__gt=0).values_list(
            "region__code", "count"
        )
    )
    counted = validated.count()
    return {
        "validated_count": counter,
        "validated_signatures": counted,
        "provinces": len(kept),
        "provinces_differing": sorted(
            code for code in set(kept) | set(recount) if kept.get(code, 0) != recount[code]
        ),
        "exact": counter == counted and kept == dict(recount),
    }


def profile_signing(
    petition_id: int, signers: Sequence[SignerAccount], provinces: Sequence[str]
) -> dict[str, Any]:
    """`len(signers)` signatures through the API in process (Django's test client: the
    middleware, the token, the operation; no HTTP, no server): what one costs, its SQL
    statements timed one by one, and where the time goes (cProfile)."""
    from django.db import connection
    from django.test import Client

    _say(f"Profiling {len(signers)} signatures in process ...")
    client = Client(HTTP_HOST="127.0.0.1")
    path = f"/api/v1/petitions/{petition_id}/signatures"
    statements: defaultdict[str, list[float]] = defaultdict(list)

    def timed(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements[_statement_shape(sql)].append((time.perf_counter() - started) * 1000)

    def sign(number: int, signer: SignerAccount) -> int:
        province = signer_province(number, provinces)
        form = {"display_name": DISPLAY_NAME} | ({"region": province} if province else {})
        response = client.post(path, form, HTTP_AUTHORIZATION=f"Bearer {signer.token}")
        return int(response.status_code)

    # A few to warm up; then half timed plainly (what a signature costs), half under
    # cProfile (where the time goes: cProfile itself slows the Python part down).
    warm, rest = signers[:10], signers[10:]
    timed_plainly, profiled = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    for number, signer in enumerate(warm, start=1):
        sign(number, signer)
    statuses: Counter[int] = Counter()
    started = time.perf_counter()
    with connection.execute_wrapper(timed):
        for number, signer in enumerate(timed_plainly, start=len(warm) + 1):
            statuses[sign(number, signer)] += 1
    elapsed_ms = (time.perf_counter() - started) * 1000
    profiler = cProfile.Profile()
    profiler.enable()
    for number, signer in enumerate(profiled, start=len(warm) + len(timed_plainly) + 1):
        statuses[sign(number, signer)] += 1
    profiler.disable()
    count = max(len(timed_plainly), 1)
    sql_ms = sum(sum(times) for times in statements.values())
    return {
        "signatures": len(rest),
        "statuses": dict(statuses),
        "ms_per_signature": round(elapsed_ms / count, 2),
        "sql_ms_per_signature": round(sql_ms / count, 2),
        "queries_per_signature": round(sum(map(len, statements.values())) / count, 1),
        "statements": sorted(
            (
                {
                    "sql": shape,
                    "per_signature": round(len(times) / count, 2),
                    "mean_ms": round(statistics.mean(times), 3),
                    "ms_per_signature": round(sum(times) / count, 3),
                }
                for shape, times in statements.items()
            ),
            key=lambda row: -row["ms_per_signature"],
        ),
        "functions": _top_functions(profiler, max(len(profiled), 1)),
    }


def _statement_shape(sql: str) -> str:
    """A statement without its values, cut short: the same query of every signature."""
    shape = re.sub(r"'[^']*'|\d+", "?", sql)
    return re.sub(r"\s+", " ", shape)[:160]


# The project's own code and the libraries a signature goes through, for the profile.
PROFILED_PACKAGES = ("minjian", "django", "ninja", "psycopg", "redis", "pydantic")


def _top_functions(profiler: cProfile.Profile, count: int, limit: int = 25) -> list[dict[str, Any]]:
    """The functions with the most time inside them and what they call, per signature."""
    stats = pstats.Stats(profiler, stream=io.StringIO())
    rows = []
    for (filename, line, name), (_calls, _primitive, own, cumulative, _callers) in (
        stats.stats.items()  # type: ignore[attr-defined]  # pstats keeps its table untyped
    ):
        where = _package_path(filename)
        if where is None:
            continue
        rows.append(
            {
                "function": f"{where}:{line}:{name}",
                "cumulative_ms": round(cumulative * 1000 / count, 3),
                "own_ms": round(own * 1000 / count, 3),
            }
        )
    rows.sort(key=lambda row: -row["cumulative_ms"])
    return rows[:limit]


def _package_path(filename: str) -> str | None:
    parts = Path(filename).parts
    for index, part in enumerate(parts):
        if part in PROFILED_PACKAGES:
            return "/".join(parts[index:])
    return None


# --- the report -------------------------------------------------------------------------------


def _report(
    args: argparse.Namespace,
    machine: dict[str, Any],
    runs: dict[str, Any],
    counts: dict[str, Any],
    profile: dict[str, Any] | None,
) -> dict[str, Any]:
    bare = [runs["bare_before"], runs["bare_after"]]
    signed = runs["signing"]
    errors = [run["error"] for run in (*bare, signed) if run["error"]]
    bare_rate = statistics.mean(run["per_second"] for run in bare)
    ratio = signed["per_second"] / bare_rate if bare_rate else None
    return {
        "machine": machine,
        "settings": {
            "clients": args.clients,
            "workers": args.workers,
            "wrk_threads": args.threads,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "accounts": args.accounts,
            "redis": bool(args.redis_url),
        },
        "signing": signed,
        "bare_insert": {"before": bare[0], "after": bare[1], "per_second": round(bare_rate, 1)},
        "bare_drift": round(
            abs(bare[0]["per_second"] - bare[1]["per_second"])
            / max(bare[0]["per_second"], bare[1]["per_second"], 1e-9),
            3,
        ),
        "ratio": round(ratio, 3) if ratio is not None else None,
        "counts": counts,
        "profile": profile,
        "errors": errors,
        "measured": not errors and ratio is not None,
    }


def _print(report: dict[str, Any]) -> None:
    signed, bare, counts = report["signing"], report["bare_insert"], report["counts"]
    print(
        "\n| run | rows | seconds | rows/s | p50 ms | p99 ms |\n|---|--:|--:|--:|--:|--:|\n"
        f"| bare insert, before | {bare['before']['rows']} | {bare['before']['seconds']} | "
        f"{bare['before']['per_second']:.0f} | – | – |\n"
        f"| signing through the API | {signed['validated']} | {signed['seconds']} | "
        f"{signed['per_second']:.0f} | {signed['p50_ms']:.1f} | {signed['p99_ms']:.1f} |\n"
        f"| bare insert, after | {bare['after']['rows']} | {bare['after']['seconds']} | "
        f"{bare['after']['per_second']:.0f} | – | – |"
    )
    print(
        f"\nSigning: {report['ratio']}x the bare insert (mean {bare['per_second']:.0f} rows/s; "
        f"the two bare runs differ by {report['bare_drift']:.0%})."
    )
    print(
        f"Counts: validated_count {counts['validated_count']}, validated signatures "
        f"{counts['validated_signatures']}; {counts['provinces']} provinces' counters, "
        + (
            "each equal to a recount"
            if not counts["provinces_differing"]
            else f"differing from a recount: {counts['provinces_differing']}"
        )
        + (": exact." if counts["exact"] else ": NOT exact.")
    )
    profile = report["profile"]
    if profile:
        print(
            f"\nIn process, one signature: {profile['ms_per_signature']} ms (without cProfile), "
            f"of which SQL "
            f"{profile['sql_ms_per_signature']} ms in {profile['queries_per_signature']} "
            f"queries (statuses {profile['statuses']}).\n\n"
            "| statement | per signature | mean ms | ms per signature |\n|---|--:|--:|--:|"
        )
        for row in profile["statements"]:
            print(
                f"| `{row['sql']}` | {row['per_signature']} | {row['mean_ms']} | "
                f"{row['ms_per_signature']} |"
            )
        print("\nUnder cProfile, per signature:\n")
        print("| function | cumulative ms | own ms |\n|---|--:|--:|")
        for row in profile["functions"]:
            print(f"| {row['function']} | {row['cumulative_ms']} | {row['own_ms']} |")
    for error in report["errors"]:
        print(f"\nNot measured as asked: {error}")
    ratio = report["ratio"]
    holds = report["measured"] and counts["exact"] and ratio >= GOAL_RATIO
    shown = f"{ratio:.2f}x" if ratio is not None else "not measured,"
    print(
        f"\nGOAL signing a hot petition: {shown} a bare insert "
        f"({signed['per_second']:.0f} against {bare['per_second']:.0f} rows/s, "
        f"{report['settings']['clients']} clients), counts "
        f"{'exact' if counts['exact'] else 'NOT exact'} (goal >= {GOAL_RATIO}x, exact) "
        + ("holds" if holds else "NOT MET")
    )


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
