"""The ledger's chart over time, drawn on the server as SVG: no script, no style attribute."""

from __future__ import annotations

from dataclasses import dataclass

from minjian.aid.models import DriveEvent
from minjian.aid.selectors import Series

WIDTH = 640
HEIGHT = 240
MARGIN = 40


@dataclass(frozen=True)
class Line:
    figure: str
    label: str
    points: str
    last: int


@dataclass(frozen=True)
class Chart:
    lines: list[Line]
    width: int
    height: int
    maximum: int
    first_day: str
    last_day: str
    plot_left: int
    plot_bottom: int
    plot_right: int
    plot_top: int


def line_chart(series: list[Series]) -> Chart | None:
    """Cumulative figures as steps from the first day anything moved to the last."""
    days = sorted({day for one in series for day, _value in one.points})
    if not days:
        return None
    maximum = max([value for one in series for _day, value in one.points] + [1])
    span = max((days[-1] - days[0]).days, 1)
    left, right, top, bottom = MARGIN, WIDTH - 10, 10, HEIGHT - MARGIN
    labels = dict(DriveEvent.Figure.choices)

    def x(day_index: int) -> float:
        return left + (right - left) * (days[day_index] - days[0]).days / span

    def y(value: int) -> float:
        return bottom - (bottom - top) * value / maximum

    lines = []
    for one in series:
        coordinates: list[str] = []
        previous = 0
        for index, (_day, value) in enumerate(one.points):
            # A step: the figure holds until the day it changes.
            coordinates.append(f"{x(index):.1f},{y(previous):.1f}")
            coordinates.append(f"{x(index):.1f},{y(value):.1f}")
            previous = value
        coordinates.append(f"{right:.1f},{y(previous):.1f}")
        lines.append(
            Line(
                figure=one.figure,
                label=str(labels[one.figure]),
                points=" ".join(coordinates),
                last=previous,
            )
        )
    return Chart(
        lines=lines,
        width=WIDTH,
        height=HEIGHT,
        maximum=maximum,
        first_day=days[0].isoformat(),
        last_day=days[-1].isoformat(),
        plot_left=left,
        plot_bottom=bottom,
        plot_right=right,
        plot_top=top,
    )
