"""Charts as inline SVG drawn on the server: pure geometry, rendered by small templates.

No JavaScript chart library: the SVG prints cleanly, works without script, and carries
a <title>/<desc> text alternative; the numbers are also in a table beside each chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from frameworks.templating import percent

WIDTH = 640


def _percent_text(value: float | None) -> str:
    return percent(value, 1, "n/a")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    text: str
    y: float  # top of the bar
    width: float
    text_y: float


@dataclass(frozen=True)
class Threshold:
    label: str
    x: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    plot_x: int
    plot_width: int
    bar_height: int
    bars: tuple[Bar, ...]
    thresholds: tuple[Threshold, ...]
    description: str


def bar_chart(items, thresholds=(), *, label_width=190, row=30) -> BarChart:
    """Horizontal bars of percentages (0-100), one per (label, value); None draws no bar.

    `thresholds` are (label, percent) pairs drawn as dashed vertical lines, such as the
    maturity levels' lower bounds.
    """
    plot_width = WIDTH - label_width - 60
    top = 22
    bar_height = row - 10
    bars = tuple(
        Bar(
            label=label,
            value=value,
            text=_percent_text(value),
            y=top + i * row,
            width=0 if value is None else round(plot_width * max(0.0, min(value, 100.0)) / 100, 2),
            text_y=top + i * row + bar_height * 0.72,
        )
        for i, (label, value) in enumerate(items)
    )
    return BarChart(
        width=WIDTH,
        height=top + len(bars) * row + 4,
        plot_x=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        bars=bars,
        thresholds=tuple(
            Threshold(label=label, x=round(label_width + plot_width * bound / 100, 2))
            for label, bound in thresholds
            if 0 < bound < 100
        ),
        description="; ".join(f"{bar.label}: {bar.text}" for bar in bars),
    )


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: float
    text: str  # the value as a reader sees it


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    points: tuple[Point, ...]
    # "x,y x,y ..." for a polyline; gaps (no value) split a series into segments
    segments: tuple[str, ...]


@dataclass(frozen=True)
class Tick:
    label: str
    x: float


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    y_ticks: tuple[tuple[str, float], ...]  # (label, y)
    x_ticks: tuple[Tick, ...]
    series: tuple[Series, ...]
    description: str


def trend_chart(labels, series, *, height=270, ticks=None, text=_percent_text) -> TrendChart:
    """Lines over time: `labels` name the points in date order (assessments, months),
    `series` is a list of (name, css_class, values) with one value (or None) per label.
    Values are percentages (0-100); `ticks` ({value: label}) names the y axis otherwise,
    and `text` writes a value for readers."""
    left, right, top, bottom = 48, WIDTH - 44, 16, height - 30
    count = len(labels)

    def x_of(i):
        if count == 1:
            return (left + right) / 2
        return round(left + (right - left) * i / (count - 1), 2)

    def y_of(value):
        return round(bottom - (bottom - top) * value / 100, 2)

    built = []
    for name, css_class, values in series:
        points, segments, current = [], [], []
        for i, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            point = Point(x=x_of(i), y=y_of(value), value=value, text=text(value))
            points.append(point)
            current.append(f"{point.x},{point.y}")
        if current:
            segments.append(" ".join(current))
        built.append(Series(name, css_class, tuple(points), tuple(segments)))
    description = "; ".join(
        f"{name}: " + ", ".join(f"{labels[i]} {text(v)}" for i, v in enumerate(values))
        for name, _, values in series
    )
    return TrendChart(
        width=WIDTH,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        y_ticks=tuple(
            (name, y_of(v))
            for v, name in (ticks or {v: f"{v}%" for v in (0, 20, 40, 60, 80, 100)}).items()
        ),
        x_ticks=tuple(Tick(label, x_of(i)) for i, label in enumerate(labels)),
        series=tuple(built),
        description=description,
    )
