"""The map's features: clusters counted on the zoom's grid and single cases, under the
list's filters and search, equal to a count of the cases themselves."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minjian.accounts.models import User
from minjian.cases.models import MAP_TALLY_SHIFT, Case
from minjian.cases.services import case_close, case_hide
from minjian.cases.tallies import rebuild_tallies
from minjian.cases.tests.factories import make_case
from minjian.core.errors import DomainError
from minjian.places.models import Region
from minjian.search import clustering
from minjian.search import selectors as search_selectors
from minjian.search.selectors import CaseFilters

pytestmark = pytest.mark.django_db

FEATURES = "/cases/map/features.json"
CHINA = "73,18,135,54"
# Wuhan and Huaiyuan (Anhui), the test tree's counties.
WUHAN = (Decimal("30.580000"), Decimal("114.300000"))
HUAIYUAN = (Decimal("32.950000"), Decimal("117.190000"))


def _case_at(region: Region, point: tuple[Decimal, Decimal], **fields: Any) -> Case:
    return make_case(
        region, latitude=point[0], longitude=point[1], location_precision="exact", **fields
    )


@pytest.fixture
def spread(regions: dict[str, Region], staff: User, committed: Any) -> dict[str, Case]:
    """Five cases at one point in Huaiyuan, three in Wuhan (one closed), a hidden one
    and one waiting for review in Wuhan, and one without a point."""
    with committed():
        for number in range(5):
            _case_at(regions["340321"], HUAIYUAN, title=f"淮河排污{number}")
        _case_at(regions["420102"], WUHAN, title="江岸区排污")
        _case_at(regions["420106"], WUHAN, title="武昌区道路", topic="housing-land")
        closed = _case_at(regions["420106"], WUHAN, title="武昌区已解决的排污")
        case_close(actor=staff, case_id=closed.pk)
        hidden = _case_at(regions["420102"], WUHAN, title="被隐藏的排污")
        case_hide(actor=staff, case_id=hidden.pk, reason="spam")
        make_case(regions["420102"], title="没有位置的排污")
    return {"hidden": hidden, "closed": closed}


def _counts(answer: dict[str, Any]) -> list[int]:
    return sorted([c["count"] for c in answer["clusters"]] + [1 for _case in answer["cases"]])


@pytest.mark.usefixtures("spread")
def test_few_cases_in_view_come_one_by_one_with_their_page(client: Client) -> None:
    response = client.get(FEATURES, {"bbox": CHINA, "zoom": "4"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["total"] == 8 and answer["clusters"] == []
    titles = {case["title"] for case in answer["cases"]}
    assert "被隐藏的排污" not in titles and "没有位置的排污" not in titles
    closed = next(case for case in answer["cases"] if case["title"] == "武昌区已解决的排污")
    assert closed["state"] == "closed"
    assert (closed["lat"], closed["lng"]) == (30.58, 114.3)
    assert client.get(closed["url"]).status_code == 200


@pytest.mark.usefixtures("spread")
def test_many_cases_in_view_are_clustered_per_cell_in_two_queries(
    client: Client, monkeypatch: pytest.MonkeyPatch, django_assert_num_queries: Any
) -> None:
    monkeypatch.setattr(clustering, "CASES_IN_VIEW", 2)
    # At zoom 4 a cell is about 8° wide: Wuhan and Huaiyuan are in one, at their mean.
    # (Each answer also reads the versions of what it shows: core/public_cache.py.)
    with django_assert_num_queries(2):
        answer = client.get(FEATURES, {"bbox": CHINA, "zoom": "4"}).json()
    assert answer == {
        "total": 8,
        "clusters": [{"count": 8, "lat": 32.06125, "lng": 116.10625}],
        "cases": [],
    }
    # At zoom 6 (about 2°), they are apart; a case elsewhere is a cell of its own.
    answer = client.get(FEATURES, {"bbox": CHINA, "zoom": "6"}).json()
    assert sorted((c["count"], c["lat"], c["lng"]) for c in answer["clusters"]) == [
        (3, 30.58, 114.3),
        (5, 32.95, 117.19),
    ]
    _case_at(Region.objects.get(code="420106"), (Decimal("31.5"), Decimal("112.0")))
    with django_assert_num_queries(3):
        answer = client.get(FEATURES, {"bbox": CHINA, "zoom": "6"}).json()
    assert _counts(answer) == [1, 3, 5]
    assert (answer["cases"][0]["lat"], answer["cases"][0]["lng"]) == (31.5, 112.0)


@pytest.mark.usefixtures("spread")
@pytest.mark.parametrize(
    ("filters", "counts"),
    [
        ({"topic": "housing-land"}, [1]),
        ({"state": "closed"}, [1]),
        ({"q": "排污"}, [1, 1, 1, 1, 1, 1, 1]),
        ({"region": "420000", "q": "排污"}, [1, 1]),
        ({"region": "340000"}, [1, 1, 1, 1, 1]),
    ],
)
def test_the_features_follow_the_filters_and_search_of_the_list(
    client: Client, filters: dict[str, str], counts: list[int]
) -> None:
    answer = client.get(FEATURES, {"bbox": CHINA, "zoom": "5", **filters}).json()
    assert _counts(answer) == counts


@pytest.mark.usefixtures("spread")
def test_a_search_maps_its_most_recently_reported_matches_and_the_map_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(clustering, "MAP_SEARCH_CAP", 3)
    answer = client.get(FEATURES, {"bbox": CHINA, "zoom": "5", "q": "排污"}).json()
    matches = Case.objects.filter(state__in=Case.PUBLIC_STATES, title__contains="排污")
    newest = [case.pk for case in matches.order_by("-pk")[:3] if case.has_point]
    assert sorted(case["id"] for case in answer["cases"]) == sorted(newest)
    said = {
        "en": "Zoomed out, the map shows at most the 3 most recently reported cases",
        "zh-hans": "缩小地图时，最多显示含有这些词的最近报告的 3 个案例",
    }
    for language, words in said.items():
        page = client.get("/cases/map/", {"q": "排污"}, HTTP_ACCEPT_LANGUAGE=language)
        assert words in page.content.decode()
        assert (
            words not in client.get("/cases/map/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        )
    # Zoomed in, every match in view, past any ceiling.
    monkeypatch.setattr(clustering, "MAP_SEARCH_CAP", 1)
    zoomed = client.get(FEATURES, {"bbox": "114,30,115,31", "zoom": "9", "q": "排污"}).json()
    assert zoomed["total"] == 2


@pytest.mark.usefixtures("spread")
@pytest.mark.parametrize("words", ["排污", "武昌区 排污", "道路", "不存在的词"])
def test_zoomed_in_checking_each_case_in_view_maps_what_the_index_finds(
    client: Client, monkeypatch: pytest.MonkeyPatch, words: str
) -> None:
    view = {"bbox": "113,29,118,34", "zoom": "8", "q": words}
    answers = []
    for fewest in (0.0, float("inf")):  # the index read whole, or each case in view checked
        monkeypatch.setattr(search_selectors, "_fewest_matches", lambda _terms, n=fewest: n)
        cache.clear()
        answers.append(client.get(FEATURES, view).json())
    assert answers[0] == answers[1]
    assert (
        answers[0]["total"]
        == Case.objects.filter(
            state__in=Case.PUBLIC_STATES,
            latitude__isnull=False,
            title__contains=words.split()[-1],
        )
        .filter(title__contains=words.split()[0])
        .count()
    )


@pytest.mark.usefixtures("spread")
def test_a_view_without_the_cases_shows_none(client: Client) -> None:
    answer = client.get(FEATURES, {"bbox": "100,20,110,25", "zoom": "7"}).json()
    assert answer == {"total": 0, "clusters": [], "cases": []}


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"zoom": "4"}, "invalid_bbox"),
        ({"bbox": "73,18,135", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "73,18,135,54,1", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "east,18,135,54", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "135,18,73,54", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "73,54,135,18", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "-181,18,135,54", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "73,-91,135,54", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": "nan,18,135,54", "zoom": "4"}, "invalid_bbox"),
        ({"bbox": CHINA}, "invalid_zoom"),
        ({"bbox": CHINA, "zoom": "-1"}, "invalid_zoom"),
        ({"bbox": CHINA, "zoom": "4.5"}, "invalid_zoom"),
        ({"bbox": CHINA, "zoom": "21"}, "invalid_zoom"),
        ({"bbox": CHINA, "zoom": "4", "topic": "weather"}, "unknown_topic"),
        ({"bbox": CHINA, "zoom": "4", "q": "淮" * 201}, "query_too_long"),
    ],
)
def test_a_refused_view_says_why_in_json(
    client: Client, regions: dict[str, Region], query: dict[str, str], code: str
) -> None:
    response = client.get(FEATURES, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert response.json()["message"]


@given(
    bbox=st.tuples(
        st.floats(-180, 180), st.floats(-90, 90), st.floats(-180, 180), st.floats(-90, 90)
    ),
    zoom=st.integers(0, clustering.MAX_ZOOM),
)
def test_any_box_and_zoom_within_the_world_is_read_or_refused_cleanly(
    bbox: tuple[float, float, float, float], zoom: int
) -> None:
    text = ",".join(repr(value) for value in bbox)
    west, south, east, north = bbox
    try:
        view = clustering.Viewport.parse(text, str(zoom))
    except DomainError as refused:
        assert refused.code == "invalid_bbox"
        assert not (west < east and south < north)
        return
    grid = clustering.Grid.of(view)
    cells = (grid.x_cells[1] - grid.x_cells[0] + 1) * (grid.y_cells[1] - grid.y_cells[0] + 1)
    assert cells <= clustering.MAX_CELLS
    assert grid.shift >= clustering.CELL_SHIFT_AT_ZOOM_0 - zoom


# Points within and around China, at the precision cases are stored with; some none.
_points = st.one_of(
    st.none(),
    st.tuples(
        st.decimals(Decimal("15"), Decimal("55"), places=6),
        st.decimals(Decimal("70"), Decimal("136"), places=6),
    ),
)


@pytest.fixture
def varied(regions: dict[str, Region], staff: User, committed: Any) -> list[Case]:
    """Twenty-four cases in two provinces, of two topics, some closed, some hidden."""
    cases = []
    with committed():
        for number in range(24):
            code = "420102" if number % 3 else "340321"
            topic = "housing-land" if number % 4 == 0 else "environment"
            case = make_case(regions[code], title=f"案例{number}排污", topic=topic)
            if number % 5 == 0:
                case_close(actor=staff, case_id=case.pk)
            if number % 7 == 0:
                case_hide(actor=staff, case_id=case.pk, reason="spam")
            cases.append(case)
    return cases


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    points=st.lists(_points, min_size=24, max_size=24),
    corner=st.tuples(st.floats(60, 130), st.floats(10, 50)),
    size=st.tuples(st.floats(0.001, 80), st.floats(0.001, 45)),
    zoom=st.integers(0, clustering.MAX_ZOOM),
    cases_in_view=st.sampled_from([0, 3, 200]),
    filters=st.sampled_from(
        [{}, {"topic": "housing-land"}, {"state": "closed"}, {"region": "420000"}, {"q": "排污"}]
    ),
)
def test_clusters_count_what_a_count_of_every_case_gives(
    varied: list[Case],
    monkeypatch: pytest.MonkeyPatch,
    points: list[tuple[Decimal, Decimal] | None],
    corner: tuple[float, float],
    size: tuple[float, float],
    zoom: int,
    cases_in_view: int,
    filters: dict[str, str],
) -> None:
    # Points written straight to the rows (the services store a point only at filing),
    # then counted again, as after a bulk load.
    for case, point in zip(varied, points, strict=True):
        latitude, longitude = point if point else (None, None)
        Case.objects.filter(pk=case.pk).update(latitude=latitude, longitude=longitude)
    rebuild_tallies()
    monkeypatch.setattr(clustering, "CASES_IN_VIEW", cases_in_view)
    west, south = corner
    view = clustering.Viewport(
        west, south, min(west + size[0], 180), min(south + size[1], 90), zoom
    )
    parsed = CaseFilters.parse(**filters)
    features = clustering.map_features(parsed, view)

    grid = clustering.Grid.of(view)
    assert features.shift == grid.shift
    expected: Counter[tuple[int, int]] = Counter()
    for case in Case.objects.select_related("topic", "region"):
        if not (case.is_public and case.has_point and _matches(case, filters)):
            continue
        assert case.latitude is not None and case.longitude is not None
        cell = grid.cell_of(*clustering.grid_position(case.latitude, case.longitude))
        if cell is not None:
            expected[cell] += 1
    shown: Counter[tuple[int, int]] = Counter()
    for cluster in features.clusters:
        cell = grid.cell_of(*clustering.grid_position(cluster.latitude, cluster.longitude))
        assert cell is not None and cluster.count > 1
        shown[cell] += cluster.count
    for mapped in features.cases:
        cell = grid.cell_of(*clustering.grid_position(mapped.latitude, mapped.longitude))
        assert cell is not None
        shown[cell] += 1
    assert shown == expected
    assert features.total == sum(expected.values())


def _matches(case: Case, filters: dict[str, str]) -> bool:
    if "topic" in filters:
        return case.topic.slug == filters["topic"]
    if "state" in filters:
        return case.state == filters["state"]
    if "region" in filters:
        return case.region.path.startswith(Region.objects.get(code=filters["region"]).path)
    if "q" in filters:
        return filters["q"] in case.title
    return True


@pytest.mark.parametrize(
    "filters",
    [{}, {"topic": "environment"}, {"topic": "housing-land"}, {"state": "closed"}],
)
def test_low_zooms_read_the_tallies_and_map_what_the_grouped_count_maps(
    regions: dict[str, Region],
    staff: User,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_max_num_queries: Any,
    filters: dict[str, str],
) -> None:
    # Cases filed with their points through the services, some moved, hidden, or private.
    for number in range(30):
        latitude = Decimal(18 + (number * 7) % 36) + Decimal(number) / 1000
        longitude = Decimal(75 + (number * 11) % 60) + Decimal(number) / 1000
        case = _case_at(
            regions["420102" if number % 2 else "340321"],
            (latitude, longitude),
            reporter=staff if number % 5 else None,
            topic="housing-land" if number % 3 == 0 else "environment",
        )
        if number % 4 == 0:
            case_close(actor=staff, case_id=case.pk)
        if number % 7 == 0:
            case_hide(actor=staff, case_id=case.pk, reason="spam")
    monkeypatch.setattr(clustering, "CASES_IN_VIEW", 1)
    parsed = CaseFilters.parse(**filters)
    for zoom in range(clustering.CELL_SHIFT_AT_ZOOM_0 - MAP_TALLY_SHIFT + 1):
        view = clustering.Viewport(60, 10, 140, 55, zoom)
        # The tallies' rows, then the cases of cells of one case if there are any.
        with django_assert_max_num_queries(2):
            tallied = clustering.map_features(parsed, view)
        with monkeypatch.context() as grouped:
            grouped.setattr(clustering, "MAP_TALLY_SHIFT", clustering.CELL_SHIFT_AT_ZOOM_0 + 10)
            counted = clustering.map_features(parsed, view)
        assert sorted(tallied.clusters, key=repr) == sorted(counted.clusters, key=repr)
        assert tallied.cases == counted.cases and tallied.total == counted.total > 1


@pytest.mark.usefixtures("spread")
def test_the_api_maps_the_same_cases_with_their_pages_addresses(
    client: Client, django_assert_max_num_queries: Any
) -> None:
    web = client.get(FEATURES, {"bbox": CHINA, "zoom": "5", "q": "排污"}).json()
    # The search's matches, the grouped count and the cases (the token's lookup is not
    # made without one).
    with django_assert_max_num_queries(3):
        api = client.get("/api/v1/cases/map", {"bbox": CHINA, "zoom": "5", "q": "排污"})
    assert api.status_code == 200
    answer = api.json()
    assert answer["total"] == web["total"] == 7
    assert [case["url"] for case in answer["cases"]] == [
        f"http://testserver{case['url']}" for case in web["cases"]
    ]
    refused = client.get("/api/v1/cases/map", {"bbox": "1,2,3", "zoom": "5"})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_bbox"
