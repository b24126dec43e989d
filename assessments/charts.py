"""Charts as inline SVG drawn on the server: pure geometry, rendered by small templates.

No JavaScript chart library: the SVG prints cleanly, works without script, and carries
a <title>/<desc> text alternative; the numbers are also in a table beside each chart.
"""

from __future__ import annotations

from dataclasses import dataclass

from frameworks.templating import percent

WIDTH = 640
# A phone's chart: drawn for about 320 px, so that its 12-unit text stays 12 px high on
# the smallest phones instead of shrinking or scrolling sideways (templates/includes/
# charts.html shows one or the other by the width of the screen; print takes the wide one).
COMPACT_WIDTH = 320
CHAR_WIDTH = 7  # about how wide a character of the charts' 12-unit text is


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
    label_above: bool = False  # each label on a line of its own above its bar (compact)
    compact: BarChart | None = None  # the same chart for a phone


def bar_chart(items, thresholds=(), *, label_width=190, row=30) -> BarChart:
    """Horizontal bars of percentages (0-100), one per (label, value); None draws no bar.

    `thresholds` are (label, percent) pairs drawn as dashed vertical lines, such as the
    maturity levels' lower bounds. The chart carries its compact form for a phone, with
    each label above its bar."""
    items = list(items)
    wide = _bars(items, thresholds, WIDTH, label_width, row, label_above=False)
    compact = _bars(items, thresholds, COMPACT_WIDTH, 0, row + 16, label_above=True)
    return BarChart(**{**wide.__dict__, "compact": compact})


def _bars(items, thresholds, width, label_width, row, *, label_above) -> BarChart:
    plot_width = width - label_width - 60
    top = 22
    bar_height = 20
    label_room = 16 if label_above else 0  # the label's line above the bar
    bars = tuple(
        Bar(
            label=label,
            value=value,
            text=_percent_text(value),
            y=top + i * row + label_room,
            width=0 if value is None else round(plot_width * max(0.0, min(value, 100.0)) / 100, 2),
            text_y=top + i * row + label_room + bar_height * 0.72,
        )
        for i, (label, value) in enumerate(items)
    )
    return BarChart(
        width=width,
        height=top + len(bars) * row + 4,
        plot_x=label_width,
        plot_width=plot_width,
        bar_height=bar_height,
        label_above=label_above,
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
    compact: TrendChart | None = None  # the same chart for a phone


def trend_chart(
    labels, series, *, height=270, ticks=None, text=_percent_text, spread=False
) -> TrendChart:
    """Lines over time: `labels` name the points in date order (assessments, months),
    `series` is a list of (name, css_class, values) with one value (or None) per label.
    Values are percentages (0-100); `ticks` ({value: label}) names the y axis otherwise,
    and `text` writes a value for readers. With `spread`, series that share a value (such
    as levels, which take few values) are drawn a few units apart so that none hides
    another. The chart carries its compact form for a phone."""
    labels, series = list(labels), [(n, c, list(v)) for n, c, v in series]
    # What a reader is told of each value (None included), written once for both drawings.
    texts = [[text(v) for v in values] for _, _, values in series]
    description = "; ".join(
        f"{name}: " + ", ".join(f"{labels[i]} {said}" for i, said in enumerate(row))
        for (name, _, _), row in zip(series, texts, strict=True)
    )
    options = {"height": height, "ticks": ticks, "texts": texts, "description": description}
    wide = _trend(labels, series, WIDTH, spread=spread, **options)
    compact = _trend(labels, series, COMPACT_WIDTH, spread=spread, **options)
    return TrendChart(**{**wide.__dict__, "compact": compact})


def _trend(labels, series, width, *, height, ticks, texts, description, spread) -> TrendChart:
    ticks = ticks or {v: f"{v}%" for v in (0, 20, 40, 60, 80, 100)}
    # Room on the left for the longest tick label ("Medium"), and on the right for half of
    # the last month's label.
    longest = max((len(name) for name in ticks.values()), default=4)
    left, right, top, bottom = max(40, 12 + CHAR_WIDTH * longest), width - 30, 16, height - 30
    count = len(labels)

    def x_of(i):
        if count == 1:
            return (left + right) / 2
        return round(left + (right - left) * i / (count - 1), 2)

    def y_of(value):
        return round(bottom - (bottom - top) * value / 100, 2)

    built = []
    for index, (name, css_class, values) in enumerate(series):
        points, segments, current = [], [], []
        offset = (index - (len(series) - 1) / 2) * 3 if spread else 0
        for i, value in enumerate(values):
            if value is None:
                if current:
                    segments.append(" ".join(current))
                current = []
                continue
            point = Point(
                x=x_of(i), y=round(y_of(value) + offset, 2), value=value, text=texts[index][i]
            )
            points.append(point)
            current.append(f"{point.x},{point.y}")
        if current:
            segments.append(" ".join(current))
        built.append(Series(name, css_class, tuple(points), tuple(segments)))
    # Every label that fits: each needs its width and a gap; the newest always shows.
    longest_label = max((len(label) for label in labels), default=0)
    room = (right - left) / max(count - 1, 1)
    every = max(1, -(-(CHAR_WIDTH * longest_label + 12) // int(room or 1)))
    shown = [i for i in range(count) if (count - 1 - i) % every == 0]
    return TrendChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=right,
        plot_top=top,
        plot_bottom=bottom,
        y_ticks=tuple((name, y_of(v)) for v, name in ticks.items()),
        x_ticks=tuple(Tick(labels[i], x_of(i)) for i in shown),
        series=tuple(built),
        description=description,
    )
