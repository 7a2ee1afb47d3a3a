"""Bar charts drawn on the server as inline SVG: readable with no script at all.

This module only computes the geometry and the words; the template
`accountability/_bar_chart.html` writes the SVG. Colours come from classes in
`accountability/charts.css` (the Content-Security-Policy forbids style attributes).
Every chart carries a <title> and a <desc>, and every bar its value as text; the
league table under the charts holds the same figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _

from minjian.accountability.formatting import readable_duration, readable_share
from minjian.accountability.selectors import LeagueRow, OrganisationFigures

# Heights and text are in CSS pixels, so the text keeps its size on a phone; bar
# lengths are percentages of the chart's width. Bars grow up to BAR_AREA per cent;
# the rest of the line holds the value written after the bar.
BAR_AREA = 65.0
NAME_HEIGHT = 18
BAR_HEIGHT = 12
BAR_GAP = 3
ROW_GAP = 12
LEGEND_HEIGHT = 26
VALUE_GAP = 6
# More bars than this make a chart nobody reads; the table lists every organisation.
MAX_ROWS = 20


@dataclass(frozen=True)
class Bar:
    css_class: str
    y: int
    width_percent: float
    value: str
    description: str

    @property
    def value_gap(self) -> int:
        return VALUE_GAP

    @property
    def value_y(self) -> int:
        return self.y + BAR_HEIGHT - 2


@dataclass(frozen=True)
class ChartRow:
    name: str
    name_y: int
    bars: list[Bar]


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    label: str
    x: int


@dataclass(frozen=True)
class BarChart:
    element_id: str
    title: str
    description: str
    rows: list[ChartRow]
    legend: list[LegendEntry]
    # Whether the table has more organisations than the chart shows.
    truncated: bool

    @property
    def height(self) -> int:
        row_heights = sum(
            NAME_HEIGHT + len(r.bars) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP for r in self.rows
        )
        return (LEGEND_HEIGHT if self.legend else 0) + row_heights

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def legend_swatch_y(self) -> int:
        return 4

    @property
    def summary(self) -> str:
        """Every value of the chart in words, for its <desc>."""
        return "; ".join(bar.description for row in self.rows for bar in row.bars)


def _rows(
    entries: Sequence[tuple[str, Sequence[tuple[str, float, str, str]]]], *, top: int
) -> list[ChartRow]:
    """Lay out rows of (name, [(css class, fraction of the bar area, value, description)])."""
    rows = []
    y = top
    for name, bars in entries:
        name_y = y + NAME_HEIGHT - 5
        y += NAME_HEIGHT
        laid_out = []
        for css_class, fraction, value, description in bars:
            laid_out.append(
                Bar(css_class, y, round(max(0.2, fraction * BAR_AREA), 1), value, description)
            )
            y += BAR_HEIGHT + BAR_GAP
        rows.append(ChartRow(name, name_y, laid_out))
        y += ROW_GAP
    return rows


# What a chart of durations draws for an organisation: its median and 90th percentile.
Durations = Callable[[OrganisationFigures], tuple[timedelta | None, timedelta | None]]
# What a chart of shares draws for an organisation: how many answered, out of how many.
Answered = Callable[[OrganisationFigures], tuple[int, int]]


def _duration_chart(
    league: Sequence[LeagueRow],
    durations: Durations,
    *,
    element_id: str,
    title: str,
    description: str,
) -> BarChart | None:
    """The median and 90th percentile of a duration for each organisation that has them,
    in the league table's order; None when none has."""
    measured = [
        (row.figures.organisation.name, median, p90)
        for row in league
        for median, p90 in [durations(row.figures)]
        if median is not None
    ]
    shown = measured[:MAX_ROWS]
    if not shown:
        return None
    # The 90th percentile is never below the median, so it sets the scale.
    # An answer in the very second the case arrived is a duration of zero, not none.
    longest = (
        max((p90.total_seconds() for _n, _m, p90 in shown if p90 is not None), default=0.0) or 1.0
    )
    median_label, p90_label = _("median"), _("90th percentile")
    entries = []
    for name, median, p90 in shown:
        bars = []
        for css_class, label, duration in (
            ("bar-median", median_label, median),
            ("bar-p90", p90_label, p90),
        ):
            if duration is None:
                continue
            value = readable_duration(duration)
            bars.append(
                (
                    css_class,
                    duration.total_seconds() / longest,
                    value,
                    f"{name}, {label}: {value}",
                )
            )
        entries.append((name, bars))
    return BarChart(
        element_id=element_id,
        title=title,
        description=description,
        rows=_rows(entries, top=LEGEND_HEIGHT),
        legend=[LegendEntry("bar-median", median_label, 0), LegendEntry("bar-p90", p90_label, 160)],
        truncated=len(measured) > MAX_ROWS,
    )


def _share_chart(
    league: Sequence[LeagueRow],
    answered: Answered,
    *,
    element_id: str,
    title: str,
    description: str,
) -> BarChart | None:
    """The share answered of each organisation that had something to answer, in the
    league table's order; None when none had."""
    counted = [
        (row.figures.organisation.name, done, out_of)
        for row in league
        for done, out_of in [answered(row.figures)]
        if out_of
    ]
    if not counted:
        return None
    entries = []
    for name, done, out_of in counted[:MAX_ROWS]:
        share = done / out_of
        value = _("%(share)s (%(answered)d/%(routed)d)") % {
            "share": readable_share(share),
            "answered": done,
            "routed": out_of,
        }
        entries.append((name, [("bar-answered", share, value, f"{name}: {value}")]))
    return BarChart(
        element_id=element_id,
        title=title,
        description=description,
        rows=_rows(entries, top=0),
        legend=[],
        truncated=len(counted) > MAX_ROWS,
    )


def response_time_chart(league: Sequence[LeagueRow]) -> BarChart | None:
    """Median and 90th-percentile time to first response of each organisation that
    responded; None when none did."""
    return _duration_chart(
        league,
        lambda figures: (figures.median_first_response, figures.p90_first_response),
        element_id="chart-response-time",
        title=_("Time to first response"),
        description=_(
            "For each organisation, the median and the 90th-percentile time from a case "
            "reaching its inbox to its first public response, over the cases it responded to. "
            "The table below gives the same figures."
        ),
    )


def answered_share_chart(league: Sequence[LeagueRow]) -> BarChart | None:
    """The share of its routed cases each organisation answered in words; None when no
    case was routed."""
    return _share_chart(
        league,
        lambda figures: (figures.answered, figures.routed),
        element_id="chart-answered",
        title=_("Share of cases answered"),
        description=_(
            "For each organisation, the share of the cases routed to it that it answered "
            "with a public update or an official response. The table below gives the same figures."
        ),
    )


def answer_time_chart(league: Sequence[LeagueRow]) -> BarChart | None:
    """Median and 90th-percentile time to answer a petition of each organisation that
    answered one; None when none did."""
    return _duration_chart(
        league,
        lambda figures: (
            figures.petitions.median_time_to_answer,
            figures.petitions.p90_time_to_answer,
        ),
        element_id="chart-petition-answer-time",
        title=_("Time to answer a petition"),
        description=_(
            "For each organisation, the median and the 90th-percentile time from a petition "
            "being delivered to its inbox to its official answer, over the petitions it "
            "answered. The table below gives the same figures."
        ),
    )


def petitions_answered_chart(league: Sequence[LeagueRow]) -> BarChart | None:
    """The share of the petitions delivered to it each organisation answered; None when no
    petition was delivered."""
    return _share_chart(
        league,
        lambda figures: (figures.petitions.answered, figures.petitions.delivered),
        element_id="chart-petitions-answered",
        title=_("Share of petitions answered"),
        description=_(
            "For each organisation, the share of the petitions delivered to it that it "
            "answered officially. The table below gives the same figures."
        ),
    )
