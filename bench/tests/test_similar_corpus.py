"""The corpus of similar reports holds what its README says, its variants are made the same
way every time, and the similarity benchmark measures every engine on it."""

from __future__ import annotations

from collections import Counter

from bench import similarity as bench
from bench.similar_corpus import (
    EDIT_RATES,
    FIRST_LINES_SHARES,
    TRADITIONAL,
    edit_label,
    first_lines_label,
    load_reports,
    variants,
)


def test_every_cluster_holds_three_events_told_three_times_and_three_told_once() -> None:
    reports = load_reports()
    per_event = Counter(report.event for report in reports)
    per_cluster = Counter(report.cluster for report in reports)

    assert len({report.id for report in reports}) == len(reports) == 432
    assert len(per_cluster) == 36
    assert set(per_cluster.values()) == {12}
    assert sorted(Counter(per_event.values()).items()) == [(1, 108), (3, 108)]
    assert Counter(report.language for report in reports) == {
        "zh-Hans": 252,
        "zh-Hant": 84,
        "en": 96,
    }
    for cluster in per_cluster:
        inside = [report for report in reports if report.cluster == cluster]
        assert len({(report.topic, report.place) for report in inside}) == 1
        assert len({report.language == "en" for report in inside}) == 1


def test_variants_are_the_same_every_time_and_change_what_they_say() -> None:
    reports = load_reports()
    made, again = variants(reports), variants(reports)

    assert made == again
    assert list(made) == [
        *(edit_label(rate) for rate in EDIT_RATES),
        TRADITIONAL,
        *(first_lines_label(share) for share in FIRST_LINES_SHARES),
    ]
    for rate in EDIT_RATES:
        for report, variant in made[edit_label(rate)]:
            assert variant.event == report.event
            text, changed = report.title + report.description, variant.title + variant.description
            # Each change adds, removes or replaces one character.
            assert abs(len(changed) - len(text)) <= round(rate * len(report.title)) + round(
                rate * len(report.description)
            )
            assert changed != text
            assert changed.count("[[redacted:") == text.count("[[redacted:")
    assert all(variant.language == "zh-Hant" for _, variant in made[TRADITIONAL])
    for share in FIRST_LINES_SHARES:
        for report, variant in made[first_lines_label(share)]:
            assert (variant.event, variant.title) == (report.event, report.title)
            assert report.description.startswith(variant.description)
            assert 0 < len(variant.description) <= share * len(report.description) + 1


def test_the_benchmark_times_every_engine_on_the_same_documents() -> None:
    reports = load_reports()[:20]
    documents = bench.repeated_documents(reports, variants(reports), 30)

    speeds = bench.throughput(documents, rounds=1)

    assert set(speeds) == {bench.MINJIAN, bench.SAME, bench.DEFAULTS, bench.BULK}
    assert all(speed > 0 for stages in speeds.values() for speed in stages.values())
    assert len(bench.throughput_table(speeds)) == 2 + len(speeds)
