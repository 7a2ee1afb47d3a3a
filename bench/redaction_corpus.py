"""How well and how fast personal data is found, against a naive regex detector.

    python bench/redaction_corpus.py [--repeat 10] [--rounds 20] [--show-misses]

1. Reads `bench/data/redaction_corpus.jsonl`: hand-written Chinese and English sentences
   from the kind of reports Minjian receives, each with the personal data it holds
   (`"expected": [[kind, exact text], ...]`, in order of appearance) and many with ordinary
   numbers that must stay: dates, prices, case numbers, order numbers, postcodes. The
   "held-out" sentences were written after the detector was frozen and have not been used
   to change it; their figures are the honest ones, and are printed apart.
2. Runs `minjian.redaction.find_personal_data` and the baseline over every sentence and
   prints precision and recall per kind and overall. A finding counts only with the right
   kind and exactly the expected span. "Covered" is the share of expected values that lie
   wholly inside some finding, of any kind: what matters for the reporter, since a value
   removed under the wrong label is still removed. "Clean kept" is the share of sentences
   without personal data that come out untouched.
3. Times both detectors over the corpus, sentence by sentence, `--repeat` times per round,
   alternating them for `--rounds` rounds, and prints the throughput (characters per second,
   best round) of each and the ratio of ours to the baseline's.

The baseline is what a first attempt looks like: one regular expression per kind over the
raw text, no folding of full-width digits or Chinese numerals, no check digits, no context
words. Its throughput is the cost floor; its precision and recall show what the checks buy.

Prints a table (and the same as Markdown for docs/benchmarks.md) and writes every figure
as JSON into bench/results/.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minjian.redaction import Kind, find_personal_data  # noqa: E402

CORPUS = ROOT / "bench" / "data" / "redaction_corpus.jsonl"
# The sentences written while the detector was built, and those written after it was
# frozen and never used to change it ("set": "held-out").
DEVELOPMENT = "development"
HELD_OUT = "held-out"
RESULTS = ROOT / "bench" / "results"

Span = tuple[str, int, int]
Detector = Callable[[str], list[Span]]


@dataclass(frozen=True)
class Sentence:
    text: str
    expected: list[Span]
    subset: str


def load_corpus(path: Path = CORPUS) -> list[Sentence]:
    sentences = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        text = record["text"]
        expected: list[Span] = []
        searched_from = 0
        for kind, value in record["expected"]:
            start = text.find(value, searched_from)
            if start < 0 or kind not in Kind.__members__.values():
                raise SystemExit(f"{path.name}:{number}: {kind} {value!r} is not in the text")
            expected.append((kind, start, start + len(value)))
            searched_from = start + len(value)
        sentences.append(Sentence(text, expected, record.get("set", DEVELOPMENT)))
    return sentences


def minjian_detector(text: str) -> list[Span]:
    return [(str(f.kind), f.start, f.end) for f in find_personal_data(text)]


_NAIVE_PATTERNS = (
    ("id_number", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")),
    ("bank_card", re.compile(r"(?<!\d)\d{16,19}(?!\d)")),
    ("passport", re.compile(r"(?<![A-Za-z0-9])[EG]\d{8}(?!\d)")),
    ("mobile", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    ("landline", re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")),
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")),
    (
        "vehicle_plate",
        re.compile(
            r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-Z0-9]{5,6}"
        ),
    ),
)


def naive_detector(text: str) -> list[Span]:
    """One pattern per kind over the raw text; the first kind to claim a character keeps it."""
    taken = [False] * len(text)
    found: list[Span] = []
    for kind, pattern in _NAIVE_PATTERNS:
        for match in pattern.finditer(text):
            if not any(taken[match.start() : match.end()]):
                taken[match.start() : match.end()] = [True] * (match.end() - match.start())
                found.append((kind, match.start(), match.end()))
    return sorted(found, key=lambda span: span[1])


@dataclass
class Score:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0


@dataclass
class Quality:
    per_kind: dict[str, Score]
    overall: Score
    covered: float
    clean_kept: float
    misses: list[tuple[str, list[Span], list[Span]]]


def evaluate(detector: Detector, sentences: Sequence[Sentence]) -> Quality:
    per_kind = {kind.value: Score() for kind in Kind}
    overall = Score()
    covered = expected_total = clean_total = clean_kept = 0
    misses = []
    for sentence in sentences:
        found = detector(sentence.text)
        expected = set(sentence.expected)
        for span in found:
            score = per_kind[span[0]]
            if span in expected:
                score.true_positives += 1
                overall.true_positives += 1
            else:
                score.false_positives += 1
                overall.false_positives += 1
        for span in expected - set(found):
            per_kind[span[0]].false_negatives += 1
            overall.false_negatives += 1
        for _, start, end in sentence.expected:
            expected_total += 1
            covered += any(f_start <= start and end <= f_end for _, f_start, f_end in found)
        if not sentence.expected:
            clean_total += 1
            clean_kept += not found
        if set(found) != expected:
            misses.append((sentence.text, sentence.expected, found))
    return Quality(
        per_kind=per_kind,
        overall=overall,
        covered=covered / expected_total,
        clean_kept=clean_kept / clean_total,
        misses=misses,
    )


def throughput(
    detectors: dict[str, Detector], sentences: Sequence[Sentence], *, repeat: int, rounds: int
) -> dict[str, float]:
    """Characters per second of each detector, best round; the detectors take turns."""
    texts = [sentence.text for sentence in sentences]
    characters = sum(len(text) for text in texts) * repeat
    best: dict[str, float] = {}
    for _ in range(rounds):
        for name, detector in detectors.items():
            started = time.perf_counter()
            for _ in range(repeat):
                for text in texts:
                    detector(text)
            speed = characters / (time.perf_counter() - started)
            best[name] = max(best.get(name, 0.0), speed)
    return best


def percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def table(ours: Quality, baseline: Quality) -> list[str]:
    rows = [
        "| kind | expected | precision | recall | baseline precision | baseline recall |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind in Kind:
        score, naive = ours.per_kind[kind.value], baseline.per_kind[kind.value]
        expected = score.true_positives + score.false_negatives
        rows.append(
            f"| {kind.value} | {expected} | {percent(score.precision)} | {percent(score.recall)}"
            f" | {percent(naive.precision)} | {percent(naive.recall)} |"
        )
    expected = ours.overall.true_positives + ours.overall.false_negatives
    rows.append(
        f"| **all** | {expected} | {percent(ours.overall.precision)} "
        f"| {percent(ours.overall.recall)} | {percent(baseline.overall.precision)} "
        f"| {percent(baseline.overall.recall)} |"
    )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="passes over the corpus per round")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds per detector")
    parser.add_argument("--show-misses", action="store_true", help="print every wrong sentence")
    arguments = parser.parse_args(argv)

    sentences = load_corpus()
    ours = evaluate(minjian_detector, sentences)
    baseline = evaluate(naive_detector, sentences)
    speeds = throughput(
        {"minjian": minjian_detector, "naive": naive_detector},
        sentences,
        repeat=arguments.repeat,
        rounds=arguments.rounds,
    )
    ratio = speeds["minjian"] / speeds["naive"]

    characters = sum(len(sentence.text) for sentence in sentences)
    values = sum(len(sentence.expected) for sentence in sentences)
    clean = sum(not sentence.expected for sentence in sentences)
    print(
        f"Corpus: {len(sentences)} sentences, {characters} characters, {values} values "
        f"of personal data, {clean} sentences without any.\n"
    )
    rows = table(ours, baseline)
    print("\n".join(rows))
    summary = [
        "",
        f"Covered (every expected value inside some finding): {percent(ours.covered)}"
        f" (baseline {percent(baseline.covered)})",
        f"Clean kept (sentences without personal data left untouched): "
        f"{percent(ours.clean_kept)} (baseline {percent(baseline.clean_kept)})",
        f"Throughput: {speeds['minjian']:,.0f} characters/s, baseline {speeds['naive']:,.0f}"
        f" characters/s: ratio {ratio:.3f} (best of {arguments.rounds} rounds"
        f" of {arguments.repeat} passes)",
    ]
    print("\n".join(summary))
    for subset in (DEVELOPMENT, HELD_OUT):
        part = [sentence for sentence in sentences if sentence.subset == subset]
        ours_part = evaluate(minjian_detector, part)
        naive_part = evaluate(naive_detector, part)
        line = (
            f"{subset} ({len(part)} sentences): precision {percent(ours_part.overall.precision)},"
            f" recall {percent(ours_part.overall.recall)}, covered {percent(ours_part.covered)},"
            f" clean kept {percent(ours_part.clean_kept)}; baseline"
            f" {percent(naive_part.overall.precision)} / {percent(naive_part.overall.recall)}"
        )
        summary.append(line)
        print(line)
    if arguments.show_misses:
        print("\nSentences where the detector differs from the corpus:")
        for text, expected, found in ours.misses:
            print(f"  {text}\n    expected {expected}\n    found    {found}")

    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    result_file = RESULTS / f"redaction_corpus-{stamp}.json"
    result_file.write_text(
        json.dumps(
            {
                "machine": {"python": platform.python_version(), "platform": platform.platform()},
                "corpus": {"sentences": len(sentences), "characters": characters},
                "minjian": {
                    "per_kind": {kind: asdict(s) for kind, s in ours.per_kind.items()},
                    "covered": ours.covered,
                    "clean_kept": ours.clean_kept,
                    "characters_per_second": speeds["minjian"],
                },
                "naive": {
                    "per_kind": {kind: asdict(s) for kind, s in baseline.per_kind.items()},
                    "covered": baseline.covered,
                    "clean_kept": baseline.clean_kept,
                    "characters_per_second": speeds["naive"],
                },
                "throughput_ratio": ratio,
                "subsets": summary[-2:],
                "arguments": vars(arguments),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nWritten to {result_file.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
