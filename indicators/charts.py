"""Server-rendered line charts: the geometry is computed here, the SVG is written by the
template (indicators/includes/chart.html). No JavaScript; every chart has a title, a
description and a table beside it with the same figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 30, 14, 40
MAX_X_LABELS = 8


@dataclass
class Series:
    label: str
    values: list  # float | None per bucket (None: hidden or no data: a gap in the line)
    css: str = "s1"
    definition: str = ""


@dataclass
class Point:
    x: str  # coordinates as text: the template must not localise them ("12,5")
    y: str
    title: str


@dataclass
class Line:
    css: str
    label: str
    paths: list[str] = field(default_factory=list)  # one polyline per unbroken stretch
    points: list[Point] = field(default_factory=list)


@dataclass
class Chart:
    slug: str
    title: str
    description: str
    unit: str
    labels: list[str]
    series: list[Series]
    percent: bool = False
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list[tuple[str, str]] = field(default_factory=list)
    x_labels: list[tuple[str, str]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    empty: bool = True

    @property
    def plot_left(self) -> int:
        return LEFT

    @property
    def plot_right(self) -> int:
        return self.width - RIGHT

    @property
    def plot_top(self) -> int:
        return TOP

    @property
    def plot_bottom(self) -> int:
        return self.height - BOTTOM

    @property
    def legend_y(self) -> int:
        return self.height - 6

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def nice_step(value: float) -> float:
    """A step for four grid lines reaching ``value``: 1, 2 or 5 x 10^k, at least 1 (the
    figures are counts and days, so the grid lines fall on whole numbers)."""
    rough = max(value / 4, 1)
    exponent = math.floor(math.log10(rough))
    for step in (1, 2, 5, 10):
        if step * 10**exponent >= rough:
            return step * 10**exponent
    return 10 ** (exponent + 1)


def _coord(value: float) -> str:
    return f"{value:.1f}"


def _fmt(value: float) -> str:
    from .tables import fmt

    return fmt(value, 1)


def build(chart: Chart) -> Chart:
    values = [v for s in chart.series for v in s.values if v is not None]
    chart.empty = not values
    step_y = 25 if chart.percent else nice_step(max(values, default=0))
    top = 4 * step_y
    left, right = chart.plot_left, chart.plot_right
    y0, y1 = chart.plot_bottom, chart.plot_top
    count = len(chart.labels)
    step = (right - left) / max(count - 1, 1)

    def x_at(i: int) -> str:
        return _coord(left + (i * step if count > 1 else (right - left) / 2))

    def y_at(v: float) -> str:
        return _coord(y0 - (v / top) * (y0 - y1))

    chart.y_ticks = [(y_at(step_y * k), _fmt(step_y * k)) for k in range(5)]
    every = max(1, math.ceil(count / MAX_X_LABELS))
    chart.x_labels = [(x_at(i), label) for i, label in enumerate(chart.labels) if i % every == 0]
    suffix = " %" if chart.percent else ""
    chart.lines = []
    for series in chart.series:
        line = Line(series.css, series.label)
        stretch: list[str] = []
        for i, value in enumerate(series.values):
            if value is None:
                if stretch:
                    line.paths.append(" ".join(stretch))
                stretch = []
                continue
            x, y = x_at(i), y_at(value)
            stretch.append(f"{x},{y}")
            line.points.append(
                Point(x, y, f"{series.label}, {chart.labels[i]}: {_fmt(value)}{suffix}")
            )
        if stretch:
            line.paths.append(" ".join(stretch))
        chart.lines.append(line)
    return chart
