"""Looking up the public cases similar to a text being written, or to a case: a rewrite
of the same report is found whatever the characters' form, another report of the same
topic and place is not, nearness reorders similar texts, and personal data typed in the
text makes no difference."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minjian.accounts.models import User
from minjian.cases import selectors_similar, services, similarity
from minjian.cases.models import Case, CaseFingerprint
from minjian.cases.selectors_similar import TEXT_FLOOR, similar_to_case, similar_to_text
from minjian.cases.tests.factories import make_case
from minjian.cases.tests.images import jpeg_upload
from minjian.places.models import Region

pytestmark = pytest.mark.django_db
Committed = Callable[[], AbstractContextManager[Any]]

TITLE = "淮河边造纸厂夜间偷排黑水"
DESCRIPTION = (
    "每天夜里十点以后，怀远县淮河边的造纸厂排污口流出黑色的污水，"
    "河面上漂着死鱼，附近村民闻到刺鼻的气味，已经持续了两个多月。"
)
# The same report, as a reporter in Hong Kong or Taiwan would write it.
TRADITIONAL_TITLE = "淮河邊造紙廠夜間偷排黑水"
TRADITIONAL_DESCRIPTION = (
    "每天夜裡十點以後，懷遠縣淮河邊的造紙廠排汙口流出黑色的汙水，"
    "河面上漂著死魚，附近村民聞到刺鼻的氣味，已經持續了兩個多月。"
)
# The same story told by another witness, in her own words here and there.
REWRITTEN_TITLE = "淮河边造纸厂半夜偷排黑水"
REWRITTEN_DESCRIPTION = (
    "每天夜里十点以后，怀远县淮河边那家造纸厂的排污口流出黑色的污水，"
    "河面上漂着死鱼，附近村民闻到刺鼻的臭味，已经持续了两个多月了。"
)
# Same topic, same county, another event.
UNRELATED_TITLE = "怀远县化工厂傍晚排放黄色废气"
UNRELATED_DESCRIPTION = (
    "化工园区的工厂每到傍晚就排放黄色烟雾，学校里的孩子咳嗽不止，"
    "家长多次向环保局反映，一直没有结果。"
)


def ids(found: list[Any]) -> list[int]:
    return [similar.case.pk for similar in found]


def test_a_rewrite_in_traditional_characters_is_found_and_another_event_is_not(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        original = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        rewritten = make_case(
            regions["340321"], title=REWRITTEN_TITLE, description=REWRITTEN_DESCRIPTION
        )
        unrelated = make_case(
            regions["340321"], title=UNRELATED_TITLE, description=UNRELATED_DESCRIPTION
        )

    found = similar_to_text(TRADITIONAL_TITLE, TRADITIONAL_DESCRIPTION, region=regions["340321"])

    assert ids(found) == [original.pk, rewritten.pk]
    # Folding to simplified characters leaves the few that are also simplified (著).
    assert found[0].text_similarity > 0.9
    assert TEXT_FLOOR <= found[1].text_similarity < found[0].text_similarity
    assert all(0 <= similar.score <= 1 for similar in found)
    assert unrelated.pk not in ids(similar_to_text(TITLE, DESCRIPTION))


def test_a_reporter_s_first_lines_find_the_longer_case_that_says_them(
    regions: dict[str, Region], committed: Committed
) -> None:
    more = (
        "村民说，下游的鱼塘今年已经死了三次鱼，孩子们在河边玩耍以后皮肤发痒、起红疹。"
        "村委会去厂里反映过两次，厂里说已经整改，可是到了晚上照样排放，"
        "环保部门来过一次，白天没有看到排污，就走了。"
    )
    with committed():
        longer = make_case(regions["340321"], title=TITLE, description=DESCRIPTION + more)
        unrelated = make_case(
            regions["340321"], title=UNRELATED_TITLE, description=UNRELATED_DESCRIPTION
        )
    first_lines = DESCRIPTION.split("，")[0] + "，" + DESCRIPTION.split("，")[1]
    written = similarity.fingerprint(TITLE, first_lines)
    stored = similarity.fingerprint(longer.title, longer.description)
    assert similarity.similarity(written.signature, stored.signature) < TEXT_FLOOR

    found = similar_to_text(TITLE, first_lines, region=regions["340321"])

    assert ids(found) == [longer.pk]
    assert found[0].text_similarity >= TEXT_FLOOR
    assert unrelated.pk not in ids(found)


def test_a_case_s_near_duplicates_never_include_itself(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        original = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        again = make_case(
            regions["340321"], title=TRADITIONAL_TITLE, description=TRADITIONAL_DESCRIPTION
        )
        make_case(regions["340321"], title=UNRELATED_TITLE, description=UNRELATED_DESCRIPTION)

    assert ids(similar_to_case(original)) == [again.pk]
    assert ids(similar_to_case(again)) == [original.pk]
    assert ids(similar_to_text(TITLE, DESCRIPTION, exclude_case_id=original.pk)) == [again.pk]


def test_nearness_in_place_ranks_the_same_text_nearer_first(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        in_wuhan = make_case(regions["420102"], title=TITLE, description=DESCRIPTION)
        in_huaiyuan = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)

    near_huaiyuan = similar_to_text(TITLE, DESCRIPTION, region=regions["340321"])
    near_wuhan = similar_to_text(TITLE, DESCRIPTION, region=regions["420106"])

    assert ids(near_huaiyuan) == [in_huaiyuan.pk, in_wuhan.pk]
    assert ids(near_wuhan) == [in_wuhan.pk, in_huaiyuan.pk]
    assert near_huaiyuan[0].score > near_huaiyuan[1].score
    assert {similar.text_similarity for similar in near_huaiyuan + near_wuhan} == {1.0}


def test_nearness_of_points_ranks_the_same_text_nearer_first(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        far = make_case(
            regions["340321"],
            title=TITLE,
            description=DESCRIPTION,
            latitude="32.70",
            longitude="117.00",
            location_precision="exact",
        )
        near = make_case(
            regions["340321"],
            title=TITLE,
            description=DESCRIPTION,
            latitude="32.95",
            longitude="117.20",
            location_precision="exact",
        )

    found = similar_to_text(TITLE, DESCRIPTION, latitude=32.951, longitude=117.201)

    assert ids(found) == [near.pk, far.pk]
    assert found[0].score > found[1].score


def test_personal_data_typed_in_the_text_makes_no_difference(
    regions: dict[str, Region], staff: User, committed: Committed
) -> None:
    with committed():
        case = make_case(
            regions["340321"],
            title=TITLE,
            description=DESCRIPTION + "联系我：13812345678，身份证110101199003078515。",
        )
        services.case_publish(actor=staff, case_id=case.pk)
    case.refresh_from_db()
    assert "13812345678" not in case.description

    with_others = similar_to_text(
        TITLE, DESCRIPTION + "联系我：13987654321，身份证440101198001010030。"
    )
    with_none = similar_to_text(TITLE, DESCRIPTION + "联系我：，身份证。")

    assert ids(with_others) == ids(with_none) == [case.pk]
    assert with_others[0].text_similarity == with_none[0].text_similarity == 1.0


def test_only_public_cases_are_found(
    regions: dict[str, Region], staff: User, committed: Committed, settings: Any
) -> None:
    with committed():
        hidden = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        public = make_case(regions["341200"], title=TITLE, description=DESCRIPTION)
    # Hidden in a transaction whose job has not run yet: the index still holds it.
    services.case_hide(actor=staff, case_id=hidden.pk, reason="false_claim", note="")
    settings.MINJIAN_REVIEW_UNTRUSTED_REPORTS = True
    with committed():
        waiting = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    assert waiting.state == Case.State.SUBMITTED

    assert ids(similar_to_text(TITLE, DESCRIPTION)) == [public.pk]


def test_a_text_without_words_finds_nothing(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
    assert similar_to_text("", "") == []
    assert similar_to_text("  ", "？！……") == []
    assert similar_to_text(TITLE, DESCRIPTION, limit=0) == []


def test_a_lookup_reads_six_queries_however_many_cases_it_finds(
    regions: dict[str, Region],
    committed: Committed,
    django_assert_max_num_queries: Any,
) -> None:
    with committed():
        for number in range(8):
            make_case(
                regions["340321" if number % 2 else "420102"],
                title=f"{TITLE}{number}",
                description=DESCRIPTION,
                photos=[jpeg_upload()] if number % 2 else [],
            )

    # Copies, buckets, fingerprints, where and when, cases, their photos.
    with django_assert_max_num_queries(6):
        found = similar_to_text(TITLE, DESCRIPTION, region=regions["340321"])
        for similar in found:
            assert similar.case.topic.slug and similar.case.region.code
            list(similar.case.photos.all())
    assert len(found) == 8


def test_a_flood_of_one_story_is_read_only_up_to_the_newest_of_each_bucket(
    regions: dict[str, Region], committed: Committed, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors_similar, "PER_BUCKET", 3)
    with committed():
        flood = [
            make_case(regions["340321"], title=TITLE, description=DESCRIPTION) for _ in range(5)
        ]

    found = similar_to_text(TITLE, DESCRIPTION)

    assert sorted(ids(found)) == sorted(case.pk for case in flood[-3:])
    assert ids(similar_to_case(flood[-1])) == [flood[-2].pk, flood[-3].pk, flood[-4].pk]


def test_enough_copies_of_a_text_are_offered_alone_ranked_as_through_the_buckets(
    regions: dict[str, Region], committed: Committed, monkeypatch: pytest.MonkeyPatch
) -> None:
    places = [("340321", "32.95", "117.20"), ("340321", None, None), ("420102", "30.58", "114.30")]
    with committed():
        flood = [
            make_case(
                regions[places[number % 3][0]],
                title=TITLE,
                description=DESCRIPTION,
                latitude=places[number % 3][1],
                longitude=places[number % 3][2],
            )
            for number in range(12)
        ]
        rewrite = make_case(
            regions["340321"],
            title=REWRITTEN_TITLE,
            description=REWRITTEN_DESCRIPTION,
            latitude="32.95",
            longitude="117.20",
        )

    def lookup(limit: int) -> list[tuple[int, float, float]]:
        found = similar_to_text(
            TITLE,
            DESCRIPTION,
            region=regions["340321"],
            latitude=32.951,
            longitude=117.201,
            limit=limit,
        )
        return [(similar.case.pk, similar.score, similar.text_similarity) for similar in found]

    with CaptureQueriesContext(connection) as by_digest:
        copies = lookup(10)
    monkeypatch.setattr(selectors_similar, "_copies", lambda *_arguments: {})
    with CaptureQueriesContext(connection) as by_buckets:
        alike = lookup(20)

    # The rewrite, nearer than the copies in Wuhan, is ranked among them through the
    # buckets; ten copies are enough to be offered alone, ranked as the buckets rank them.
    assert rewrite.pk in [case_id for case_id, _score, _text in alike[:10]]
    assert copies == [found for found in alike if found[0] != rewrite.pk][:10]
    assert {case_id for case_id, _score, _text in copies} < {case.pk for case in flood}
    # The copies' range, where and when, cases, their photos: no buckets, no fingerprints.
    assert (len(by_digest), len(by_buckets)) == (4, 5)


def test_fewer_copies_than_asked_for_are_looked_up_through_the_buckets(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        copy = make_case(regions["340321"], title=TITLE, description=DESCRIPTION)
        rewrite = make_case(
            regions["340321"], title=REWRITTEN_TITLE, description=REWRITTEN_DESCRIPTION
        )

    assert ids(similar_to_text(TITLE, DESCRIPTION, limit=2)) == [copy.pk, rewrite.pk]


def test_a_digest_shared_by_another_text_makes_no_copy(
    regions: dict[str, Region], committed: Committed
) -> None:
    with committed():
        other = make_case(
            regions["340321"], title=UNRELATED_TITLE, description=UNRELATED_DESCRIPTION
        )
    written = similarity.fingerprint(TITLE, DESCRIPTION)
    CaseFingerprint.objects.filter(case=other).update(digest=similarity.digest(written.signature))

    assert similar_to_text(TITLE, DESCRIPTION, limit=1) == []
