"""The corpus of similar reports, its generated variants, and how "similar" is scored on it.

`bench/data/similar_corpus/reports.jsonl` holds hand-written reports (see the README
beside it): 36 clusters of one topic and one place, each with three events reported by
three people in their own words and three more events reported once. Reports of one
event are its *reworded* rewrites; every report of another event of the same cluster is
a *hard negative* for it (same topic, same place, same vocabulary, another story).

From each report this module makes, deterministically (a seeded generator per report):

- `5 %`, `10 %`, `20 %`: copies with that share of its characters changed, each change a
  substitution, an insertion or a deletion, with characters drawn from the corpus's own
  characters of that script (letters for English); tokens of removed personal data are
  left whole;
- `traditional`: each simplified report as written in traditional characters with
  Taiwan's vocabulary (OpenCC s2twp: 信息 becomes 資訊), which folding turns back into
  characters but not into the same words;
- `first 30 %`, `first 50 %`: its title with only the first 30 % or 50 % of its
  description, as a reporter who has begun to write what a case already says (the
  report form looks for similar cases as she types).

`evaluate` scores an engine (by default `minjian.cases.similarity`) as the site uses it:
every report is indexed by its buckets; a query finds the reports sharing a bucket with
it, and calls "similar" those whose estimated similarity reaches the threshold.

- For a variant, the pair (variant, its report) is the one expected; pairs with reports
  of other events are false positives; the other rewrites of its own event are left to
  the reworded score.
- Reworded: every pair of reports of one event is expected; every pair of reports of two
  events is a false positive when found.
- LSH candidate recall: of the expected pairs whose estimated similarity reaches the
  threshold, the share that share a bucket (the others are lost to the index).
"""

from __future__ import annotations

import json
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import opencc

from minjian.cases import similarity

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "data" / "similar_corpus" / "reports.jsonl"
EDIT_RATES = (0.05, 0.10, 0.20)
FIRST_LINES_SHARES = (0.30, 0.50)
TRADITIONAL = "traditional"
REWORDED = "reworded"
ALL = "all"
# Changing the seed changes every variant, and so the figures: keep it.
SEED = "minjian similar corpus 1"
_ENGLISH_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_HAN = re.compile(r"[\u3400-\u9fff]")
_STORED_TOKEN = re.compile(r"\[\[redacted:[a-z_]+\]\]")
_TO_TAIWAN = opencc.OpenCC("s2twp")


@dataclass(frozen=True)
class Report:
    id: str
    event: str
    cluster: str
    topic: str
    place: str
    language: str
    title: str
    description: str


def load_reports(path: Path = CORPUS) -> list[Report]:
    return [Report(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]


def edit_label(rate: float) -> str:
    return f"{round(rate * 100)} %"


def first_lines_label(share: float) -> str:
    return f"first {round(share * 100)} %"


def variants(reports: Sequence[Report]) -> dict[str, list[tuple[Report, Report]]]:
    """Each kind of variant with its (report, variant) pairs: the edit levels,
    `traditional`, then the first lines."""
    alphabets = _alphabets(reports)
    found = {
        edit_label(rate): [
            (report, edited(report, rate, alphabets[report.language])) for report in reports
        ]
        for rate in EDIT_RATES
    }
    found[TRADITIONAL] = [
        (report, in_traditional(report)) for report in reports if report.language == "zh-Hans"
    ]
    for share in FIRST_LINES_SHARES:
        found[first_lines_label(share)] = [
            (report, first_lines(report, share)) for report in reports
        ]
    return found


def edited(report: Report, rate: float, alphabet: str) -> Report:
    """`report` with `rate` of the characters of its title and of its description changed."""
    generator = random.Random(f"{SEED}:{report.id}:{rate}")
    return replace(
        report,
        id=f"{report.id}~{edit_label(rate)}",
        title=_edited(report.title, rate, alphabet, generator),
        description=_edited(report.description, rate, alphabet, generator),
    )


def first_lines(report: Report, share: float) -> Report:
    """`report`'s title with the first `share` of its description."""
    return replace(
        report,
        id=f"{report.id}~{first_lines_label(share)}",
        description=report.description[: max(1, round(len(report.description) * share))],
    )


def in_traditional(report: Report) -> Report:
    return replace(
        report,
        id=f"{report.id}~{TRADITIONAL}",
        language="zh-Hant",
        title=_TO_TAIWAN.convert(report.title),
        description=_TO_TAIWAN.convert(report.description),
    )


def _alphabets(reports: Sequence[Report]) -> dict[str, str]:
    characters: dict[str, set[str]] = defaultdict(set)
    for report in reports:
        characters[report.language].update(_HAN.findall(report.title + report.description))
    alphabets = {language: "".join(sorted(found)) for language, found in characters.items()}
    alphabets["en"] = _ENGLISH_LETTERS
    return alphabets


def _edited(text: str, rate: float, alphabet: str, generator: random.Random) -> str:
    protected = {i for token in _STORED_TOKEN.finditer(text) for i in range(*token.span())}
    editable = [i for i in range(len(text)) if i not in protected]
    changed = set(generator.sample(editable, round(rate * len(text))))
    out = []
    for position, character in enumerate(text):
        if position not in changed:
            out.append(character)
            continue
        change = generator.choice(("substitute", "insert", "delete"))
        if change == "substitute":
            out.append(generator.choice(alphabet.replace(character, "")))
        elif change == "insert":
            out.extend((generator.choice(alphabet), character))
    return "".join(out)


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    false_positives: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        claimed = self.found + self.false_positives
        return self.found / claimed if claimed else 1.0


@dataclass
class Quality:
    threshold: float
    # By kind of pair (an edit level, `traditional`, `reworded`) and by the language of
    # the query ("all" for every language).
    scores: dict[tuple[str, str], Score] = field(default_factory=lambda: defaultdict(Score))
    # Expected pairs at or above the threshold, and those of them sharing a bucket.
    above_threshold: int = 0
    candidates: int = 0
    # Of the false positives, those of the same cluster (topic and place).
    hard_false_positives: int = 0
    # The estimated similarity of every expected pair, by kind.
    similarities: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def score(self, kind: str, language: str = ALL) -> Score:
        return self.scores[kind, language]

    @property
    def kinds(self) -> list[str]:
        return list(dict.fromkeys(kind for kind, _ in self.scores))

    @property
    def candidate_recall(self) -> float:
        return self.candidates / self.above_threshold if self.above_threshold else 1.0

    def expected(self, kind: str, query: Report, estimated: float, shares_bucket: bool) -> None:
        self.similarities[kind].append(estimated)
        above = estimated >= self.threshold
        self.above_threshold += above
        self.candidates += above and shares_bucket
        for language in (ALL, query.language):
            score = self.scores[kind, language]
            score.expected += 1
            score.found += above and shares_bucket

    def false_positive(self, kind: str, query: Report, other: Report) -> None:
        self.hard_false_positives += other.cluster == query.cluster
        for language in (ALL, query.language):
            self.scores[kind, language].false_positives += 1


@dataclass(frozen=True)
class Engine:
    """What `evaluate` needs of a similarity engine (`minjian.cases.similarity`'s by default)."""

    fingerprint: Callable[[str, str], similarity.Fingerprint] = similarity.fingerprint
    buckets: Callable[[Sequence[int]], Sequence[int]] = similarity.buckets
    similarity: Callable[[similarity.Fingerprint, similarity.Fingerprint], float] = (
        similarity.text_similarity
    )


def evaluate(
    reports: Sequence[Report],
    threshold: float = similarity.DEFAULT_THRESHOLD,
    engine: Engine | None = None,
    kinds: dict[str, list[tuple[Report, Report]]] | None = None,
) -> Quality:
    engine = engine or Engine()
    kinds = kinds if kinds is not None else variants(reports)
    signatures = {
        report.id: engine.fingerprint(report.title, report.description) for report in reports
    }
    index: dict[int, set[str]] = defaultdict(set)
    for report in reports:
        for bucket in engine.buckets(signatures[report.id].signature):
            index[bucket].add(report.id)
    by_id = {report.id: report for report in reports}
    quality = Quality(threshold)

    def similar(query: similarity.Fingerprint) -> set[str]:
        """The reports a lookup offers: sharing a bucket, and similar enough."""
        found = set().union(
            *(index.get(bucket, set()) for bucket in engine.buckets(query.signature))
        )
        return {
            report_id
            for report_id in found
            if engine.similarity(query, signatures[report_id]) >= threshold
        }

    def shares_bucket(query: similarity.Fingerprint, report: Report) -> bool:
        return not set(engine.buckets(query.signature)).isdisjoint(
            engine.buckets(signatures[report.id].signature)
        )

    for kind, pairs in kinds.items():
        for report, variant in pairs:
            query = engine.fingerprint(variant.title, variant.description)
            for found_id in similar(query):
                if by_id[found_id].event != report.event:
                    quality.false_positive(kind, variant, by_id[found_id])
            estimated = engine.similarity(query, signatures[report.id])
            quality.expected(kind, variant, estimated, shares_bucket(query, report))

    for report in reports:
        query = signatures[report.id]
        found = similar(query)
        for other in reports:
            if other.id <= report.id:
                continue
            if other.event == report.event:
                estimated = engine.similarity(query, signatures[other.id])
                quality.expected(REWORDED, report, estimated, shares_bucket(query, other))
            elif other.id in found:
                quality.false_positive(REWORDED, report, other)
    return quality
