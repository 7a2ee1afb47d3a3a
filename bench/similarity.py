"""Similar reports: how fast signatures and index entries are made, and how well "similar" works.

    python bench/similarity.py [--documents 10000] [--rounds 5] [--sweep]

No database. On the corpus of `bench/similar_corpus.py` (hand-written reports, their
edited and traditional variants):

1. Quality at `similarity.DEFAULT_THRESHOLD`, as the site finds similar cases (the LSH
   buckets, then the estimated similarity): precision and recall of each kind of pair
   (5 %, 10 %, 20 % of the characters changed; the same report in traditional characters;
   its title with the first 30 % or 50 % of its description; the other reporters'
   rewrites of the same event), overall and by language, the LSH
   candidate recall (of the pairs whose similarity reaches the threshold, the share that
   share a bucket), and the goal line for the rewrites changing up to 10 %.
2. Throughput, in documents per second of CPU time (so that other work on the machine
   weighs less), of making each document's signature and index
   entries, for four engines in turn over the same documents (the corpus and its
   variants, repeated to `--documents`), `--rounds` times, best round each:
   - minjian (rensa): `similarity.signature` (or `similarity.minhash` from shingles) and
     `similarity.buckets`, kept as the (bucket, case) rows the site writes to the
     `CaseLshBucket` table, one document at a time as the site makes them;
   - datasketch with the same parameters, one document at a time, as its documentation
     shows: `MinHash(num_perm=PERMUTATIONS, seed=SEED)`, `update_batch`, and
     `MinHashLSH(num_perm=PERMUTATIONS, params=(BANDS, ROWS))`;
   - datasketch's defaults, the same way: `MinHash()` (128 permutations) and
     `MinHashLSH()` (threshold 0.9: 5 bands of 25 rows, cheaper to insert);
   - datasketch's defaults in bulk, its fastest way: `MinHash.generator`, which makes the
     permutations once for all documents.
   All are given the same shingles (as bytes for datasketch). Three stages are timed: from
   the stored title and description to the index entries (folding and shingling
   included, the same code for all), from the shingles to the index entries (what the
   libraries and the buckets do), and from the shingles to the signatures alone. The
   goal, ≥ 10x datasketch, is checked from the shingles against the faster of datasketch's
   two one-document-at-a-time engines; the ratios against datasketch in bulk are printed
   beside.
3. With `--sweep`, the quality and the expected load of the index for other shingle sizes,
   numbers of permutations, bands × rows and thresholds: how the parameters of
   `minjian.cases.similarity` were chosen. "Unrelated candidates at 1M" is the expected
   number of cases sharing a bucket with a lookup in an index of a million reports in the
   same language like the corpus's (Chinese / English), from the exact Jaccard similarity
   of every pair of reports of different events.

Prints tables (Markdown, for docs/benchmarks.md) and writes every figure as JSON into
bench/results/.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time
import zlib
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from datasketch import (  # type: ignore[import-untyped]  # noqa: E402  datasketch ships no type hints
    MinHash,
    MinHashLSH,
)
from rensa import RMinHash  # type: ignore[import-untyped]  # noqa: E402  rensa ships no type hints

from bench.report import machine, say_where, write_results  # noqa: E402
from bench.similar_corpus import (  # noqa: E402
    ALL,
    EDIT_RATES,
    FIRST_LINES_SHARES,
    REWORDED,
    TRADITIONAL,
    Engine,
    Quality,
    Report,
    edit_label,
    evaluate,
    first_lines_label,
    load_reports,
    variants,
)
from minjian.cases import similarity  # noqa: E402

RESULTS = ROOT / "bench" / "results"
GOAL_RATIO = 10.0
GOAL_RECALL = GOAL_PRECISION = 0.9
LANGUAGES = ("zh-Hans", "zh-Hant", "en")
# The edit levels the goal is about: "rewrites that change up to 10 % of the characters".
GOAL_KINDS = [edit_label(rate) for rate in EDIT_RATES if rate <= 0.10]

Document = tuple[str, str]
# An engine's stage under test: it is given the documents (or their shingles) and indexes
# every one of them under its position, in an index of its own.
Indexing = Callable[[Sequence[Any]], None]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, help="documents per round")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per engine")
    parser.add_argument("--sweep", action="store_true", help="also print the parameter sweep")
    arguments = parser.parse_args(argv)

    reports = load_reports()
    kinds = variants(reports)
    quality = evaluate(reports, kinds=kinds)
    print(
        f"Corpus: {len(reports)} reports of {len({r.event for r in reports})} events in "
        f"{len({r.cluster for r in reports})} clusters of one topic and place; "
        f"{sum(len(pairs) for pairs in kinds.values())} variants.\n"
    )
    print(f"Quality at DEFAULT_THRESHOLD = {similarity.DEFAULT_THRESHOLD} ({_parameters()}):\n")
    print("\n".join(quality_table(quality)))
    print()
    print("\n".join(similarity_lines(quality)))
    goal_recall = min(quality.score(kind).recall for kind in GOAL_KINDS)
    goal_precision = min(quality.score(kind).precision for kind in GOAL_KINDS)
    print(
        f"LSH candidate recall: {quality.candidate_recall:.3f} "
        f"({quality.candidates} of the {quality.above_threshold} expected pairs at or above "
        f"the threshold share a bucket); false positives of the same topic and place: "
        f"{quality.hard_false_positives}\n"
    )

    documents = repeated_documents(reports, kinds, arguments.documents)
    speeds = throughput(documents, rounds=arguments.rounds)
    print(
        f"Throughput, documents per CPU second (best of {arguments.rounds} rounds of "
        f"{len(documents):,} documents):\n"
    )
    print("\n".join(throughput_table(speeds)))
    print()
    ratio = min(speeds[MINJIAN][SHINGLES] / speeds[name][SHINGLES] for name in (SAME, DEFAULTS))
    print(
        f"Against datasketch in bulk: {speeds[MINJIAN][SHINGLES] / speeds[BULK][SHINGLES]:.1f}x "
        f"from shingles, {speeds[MINJIAN][SIGNATURES] / speeds[BULK][SIGNATURES]:.1f}x for "
        f"the signatures alone, {speeds[MINJIAN][TEXT] / speeds[BULK][TEXT]:.1f}x from stored "
        f"text (folding and shingling, the same code for all, included)"
    )
    print(
        f"GOAL similar reports changed up to 10 %: recall {goal_recall:.3f} at precision "
        f"{goal_precision:.3f} (goal recall ≥ {GOAL_RECALL} at precision ≥ {GOAL_PRECISION}) "
        f"{_holds(goal_recall >= GOAL_RECALL and goal_precision >= GOAL_PRECISION)}"
    )
    print(
        f"GOAL signatures and index entries, documents per CPU second: {ratio:.1f}x datasketch "
        f"(goal ≥ {GOAL_RATIO:.0f}x) {_holds(ratio >= GOAL_RATIO)}"
    )

    sweep_rows: list[dict[str, Any]] = []
    if arguments.sweep:
        sweep_rows = sweep(reports, kinds)
        print("\nParameter sweep (recall / precision; EN: English only):\n")
        print("\n".join(sweep_table(sweep_rows)))

    path = write_results(
        RESULTS,
        "similarity",
        {
            "machine": machine(rensa=version("rensa"), datasketch=version("datasketch")),
            "parameters": _parameters(),
            "threshold": similarity.DEFAULT_THRESHOLD,
            "quality": {
                f"{kind} {language}": vars(score)
                for (kind, language), score in quality.scores.items()
            },
            "candidate_recall": quality.candidate_recall,
            "hard_false_positives": quality.hard_false_positives,
            "documents_per_second": speeds,
            "sweep": sweep_rows,
            "arguments": vars(arguments),
        },
    )
    say_where(path)
    return 0


def quality_table(quality: Quality) -> list[str]:
    rows = [
        "| pairs | language | expected | recall | precision | false positives |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for kind in quality.kinds:
        for language in (ALL, *LANGUAGES):
            score = quality.scores.get((kind, language))
            if score is None:
                continue
            rows.append(
                f"| {kind} | {language} | {score.expected} | {score.recall:.3f} "
                f"| {score.precision:.3f} | {score.false_positives} |"
            )
    return rows


def similarity_lines(quality: Quality) -> list[str]:
    lines = []
    for kind, values in quality.similarities.items():
        cuts = statistics.quantiles(values, n=20)
        lines.append(
            f"Estimated similarity, {kind}: 5th percentile {cuts[0]:.2f}, "
            f"median {statistics.median(values):.2f}, lowest {min(values):.2f}"
        )
    return lines


# Throughput.

MINJIAN = "minjian (rensa)"
SAME = "datasketch, same parameters"
DEFAULTS = "datasketch, defaults"
BULK = "datasketch, defaults, in bulk"
# From the stored text to the index entries; from the shingles to the index entries; from
# the shingles to the signature alone.
TEXT, SHINGLES, SIGNATURES = "from stored text", "from shingles", "signatures alone"
STAGES = (TEXT, SHINGLES, SIGNATURES)


def throughput(documents: Sequence[Document], rounds: int) -> dict[str, dict[str, float]]:
    """Documents per second of each engine at each stage, best round; the engines take
    turns. Seconds of this process's CPU, not of the clock: every stage runs on one core,
    and other work on the machine then slows the figures less."""
    shingled = [
        similarity.shingles(similarity.comparable_text(title, description))
        for title, description in documents
    ]
    encoded = [[shingle.encode() for shingle in found] for found in shingled]
    best: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(STAGES, 0.0))
    for _ in range(rounds):
        for name, stages in _engines().items():
            for stage, index_all in stages.items():
                inputs = documents if stage == TEXT else shingled if name == MINJIAN else encoded
                started = time.process_time()
                index_all(inputs)
                speed = len(inputs) / (time.process_time() - started)
                best[name][stage] = max(best[name][stage], speed)
    return dict(best)


def _engines() -> dict[str, dict[str, Indexing]]:
    """Each engine's stages, each with an empty index of its own."""
    same = {"num_perm": similarity.PERMUTATIONS, "seed": similarity.SEED}
    bands = {"num_perm": similarity.PERMUTATIONS, "params": (similarity.BANDS, similarity.ROWS)}
    return {
        MINJIAN: {stage: _minjian(stage) for stage in STAGES},
        SAME: {stage: _datasketch(stage, same, bands, bulk=False) for stage in STAGES},
        DEFAULTS: {stage: _datasketch(stage, {}, {}, bulk=False) for stage in STAGES},
        BULK: {stage: _datasketch(stage, {}, {}, bulk=True) for stage in STAGES},
    }


def _minjian(stage: str) -> Indexing:
    # The site's index is a table of (bucket, case) rows, which the site makes as here
    # and hands to the database (`services_similarity._store`); the database's own work
    # is left out, as it would be for any library's entries written to a table.
    rows: list[tuple[int, int]] = []

    def index_all(inputs: Sequence[Any]) -> None:
        for key, given in enumerate(inputs):
            made = similarity.signature(*given) if stage == TEXT else similarity.minhash(given)
            if stage != SIGNATURES:
                rows.extend(zip(similarity.buckets(made), itertools.repeat(key)))

    return index_all


def _datasketch(stage: str, minhash: dict[str, Any], lsh: dict[str, Any], bulk: bool) -> Indexing:
    """datasketch given the same shingles, as bytes. One `MinHash` a document as its
    documentation shows, or, in bulk, `MinHash.generator`, which makes the permutations
    once for all documents."""
    index = MinHashLSH(**lsh)

    def index_all(inputs: Sequence[Any]) -> None:
        encoded: Iterable[list[bytes]] = (
            (
                [
                    shingle.encode()
                    for shingle in similarity.shingles(similarity.comparable_text(*document))
                ]
                for document in inputs
            )
            if stage == TEXT
            else inputs
        )
        if bulk:
            made: Iterable[MinHash] = MinHash.generator(encoded, **minhash)
        else:
            made = (_one_minhash(shingles, minhash) for shingles in encoded)
        for key, each in enumerate(made):
            if stage != SIGNATURES:
                index.insert(key, each, check_duplication=False)

    return index_all


def _one_minhash(shingles: list[bytes], parameters: dict[str, Any]) -> MinHash:
    made = MinHash(**parameters)
    made.update_batch(shingles)
    return made


def throughput_table(speeds: dict[str, dict[str, float]]) -> list[str]:
    rows = [
        "| engine | " + " | ".join(f"{stage} | ratio" for stage in STAGES) + " |",
        "|---|" + "---:|---:|" * len(STAGES),
    ]
    for name, found in speeds.items():
        cells = " | ".join(
            f"{found[stage]:,.0f} | {found[stage] / speeds[DEFAULTS][stage]:.1f}x"
            for stage in STAGES
        )
        rows.append(f"| {name} | {cells} |")
    return rows


def repeated_documents(
    reports: Sequence[Report], kinds: dict[str, list[tuple[Report, Report]]], count: int
) -> list[Document]:
    texts = [(report.title, report.description) for report in reports] + [
        (variant.title, variant.description) for pairs in kinds.values() for _, variant in pairs
    ]
    return list(itertools.islice(itertools.cycle(texts), count))


# The parameter sweep.

# (ideographic shingle, alphabetic shingle, permutations, bands, rows)
SWEEP_ENGINES = [
    (2, 4, 128, 40, 3),
    (2, 4, 128, 20, 3),
    (2, 4, 128, 20, 2),
    (2, 4, 128, 16, 3),
    (2, 4, 128, 24, 3),
    (2, 4, 128, 32, 3),
    (2, 4, 128, 16, 4),
    (2, 4, 128, 32, 4),
    (2, 4, 64, 16, 3),
    (2, 4, 192, 32, 3),
    (2, 3, 128, 20, 3),
    (2, 3, 128, 32, 4),
    (2, 5, 128, 20, 3),
    (1, 4, 128, 20, 3),
    (3, 4, 128, 20, 3),
    (3, 3, 128, 32, 4),
]
SWEEP_THRESHOLDS = (0.3, 0.4, 0.5)


def sweep(
    reports: Sequence[Report], kinds: dict[str, list[tuple[Report, Report]]]
) -> list[dict[str, Any]]:
    rows = []
    for ideographic, alphabetic, permutations, bands, rows_per_band in SWEEP_ENGINES:
        engine = _sweep_engine(ideographic, alphabetic, permutations, bands, rows_per_band)
        unrelated = _unrelated_candidates(reports, ideographic, alphabetic, bands, rows_per_band)
        for threshold in SWEEP_THRESHOLDS:
            quality = evaluate(reports, threshold, engine, kinds)
            rows.append(
                {
                    "shingles": f"{ideographic}/{alphabetic}",
                    "permutations": permutations,
                    "bands": f"{bands}×{rows_per_band}",
                    "threshold": threshold,
                    **{
                        kind: (quality.score(kind).recall, quality.score(kind).precision)
                        for kind in quality.kinds
                    },
                    "en 10 %": quality.score(edit_label(0.10), "en").recall,
                    "candidate_recall": quality.candidate_recall,
                    "unrelated_at_1m": {
                        family: chance * 1_000_000 for family, chance in unrelated.items()
                    },
                }
            )
            print(".", end="", flush=True)
    print()
    return rows


def sweep_table(rows: Iterable[dict[str, Any]]) -> list[str]:
    kinds = [
        *(edit_label(rate) for rate in EDIT_RATES),
        TRADITIONAL,
        *(first_lines_label(share) for share in FIRST_LINES_SHARES),
        REWORDED,
    ]
    lines = [
        "| shingles | perms | bands × rows | threshold | "
        + " | ".join(kinds)
        + " | EN 10 % | LSH candidate recall | unrelated candidates at 1M, Chinese / English |",
        "|---|---:|---|---:|" + "---:|" * (len(kinds) + 3),
    ]
    for row in rows:
        scores = " | ".join(f"{row[kind][0]:.3f} / {row[kind][1]:.3f}" for kind in kinds)
        lines.append(
            f"| {row['shingles']} | {row['permutations']} | {row['bands']} | {row['threshold']} "
            f"| {scores} | {row['en 10 %']:.3f} | {row['candidate_recall']:.3f} "
            f"| {row['unrelated_at_1m']['zh']:,.0f} / {row['unrelated_at_1m']['en']:,.0f} |"
        )
    return lines


def _sweep_engine(
    ideographic: int, alphabetic: int, permutations: int, bands: int, rows: int
) -> Engine:
    def fingerprint(title: str, description: str) -> similarity.Fingerprint:
        minhash = RMinHash(num_perm=permutations, seed=similarity.SEED)
        found = similarity.shingles(
            similarity.comparable_text(title, description), ideographic, alphabetic
        )
        minhash.update(list(found))
        return similarity.Fingerprint(list(minhash.digest()), len(found))

    def buckets(values: Sequence[int]) -> list[int]:
        packed, width = array("I", values).tobytes(), 4 * rows
        return [
            band << 32 | zlib.crc32(packed[band * width : (band + 1) * width])
            for band in range(bands)
        ]

    return Engine(fingerprint, buckets, similarity.text_similarity)


def _unrelated_candidates(
    reports: Sequence[Report], ideographic: int, alphabetic: int, bands: int, rows: int
) -> dict[str, float]:
    """For Chinese and for English reports, the chance that a report shares a bucket with
    a report of another event in the same language: the mean, over every such pair, of
    1 - (1 - s^rows)^bands for their Jaccard similarity s."""
    shingle_sets = [
        similarity.shingles(
            similarity.comparable_text(report.title, report.description), ideographic, alphabetic
        )
        for report in reports
    ]
    chances: dict[str, list[float]] = defaultdict(list)
    for i, j in itertools.combinations(range(len(reports)), 2):
        first, second = reports[i], reports[j]
        if first.event == second.event or _family(first) != _family(second):
            continue
        jaccard = len(shingle_sets[i] & shingle_sets[j]) / len(shingle_sets[i] | shingle_sets[j])
        chances[_family(first)].append(1 - (1 - jaccard**rows) ** bands)
    return {family: statistics.fmean(found) for family, found in chances.items()}


def _family(report: Report) -> str:
    return "en" if report.language == "en" else "zh"


def _parameters() -> str:
    return (
        f"shingles of {similarity.IDEOGRAPHIC_SHINGLE} Chinese characters or digits, "
        f"{similarity.ALPHABETIC_SHINGLE} other characters; {similarity.PERMUTATIONS} "
        f"permutations; {similarity.BANDS} bands × {similarity.ROWS} rows"
    )


def _holds(condition: bool) -> str:
    return "holds" if condition else "NOT MET"


if __name__ == "__main__":
    sys.exit(main())
