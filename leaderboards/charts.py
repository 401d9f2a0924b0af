"""Small SVG charts drawn on the server: no script, no chart library, nothing fetched from elsewhere.

Each function takes plain series and returns one <svg> string, safe to put in a page: every label is
escaped here, and only the markup built here is marked safe. Each chart carries a <title>, a <desc> and an
aria-label, and `data_table` gives the same numbers as a table for screen readers and for copying.
"""

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ("#1f4ed8", "#157347", "#b42318", "#9a6700", "#6d28d9", "#0e7490")
WIDTH, HEIGHT = 480, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 34, 30
CHARACTER_WIDTH = 7  # of a digit at the charts' 12px text, to keep x labels apart
# Of a character at the 16px text a time chart gets on a phone (podium.css), in the drawing's own units,
# whatever the screen: date labels are spaced for it, so they cannot collide on a phone either.
PHONE_CHARACTER_WIDTH = 10
LABEL_GAP = 12
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
# Candidate spacings of a time axis's labels, finest first: (unit, how many of it).
DATE_STEPS = (
    ("day", 1),
    ("day", 2),
    ("day", 7),
    ("day", 14),
    ("month", 1),
    ("month", 2),
    ("month", 3),
    ("month", 6),
    *(("year", years) for years in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)),
)


@dataclass(frozen=True)
class Series:
    """One named line or bar segment: a value (or None for no value) per label of the chart."""

    name: str
    values: Sequence[float | None]
    colour: str | None = None
    joined: bool = True  # False: points only, for values whose order is not a progression


def line_chart(
    series: list[Series],
    labels: Sequence[str],
    *,
    title: str,
    description: str,
    y_from_zero: bool = True,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Lines over shared x labels; None leaves a gap. Counts start the y axis at zero, scores need not."""
    values = [value for line in series for run in runs(line.values) for _, value in run]
    low, high = value_range(values, y_from_zero=y_from_zero)
    frame = Frame(width, height, low, high, len(labels))
    parts = [frame.grid(), frame.x_labels(labels), legend(series), *plotted(frame, series, labels)]
    return svg(parts, title=title, description=description, width=width, height=height)


def time_chart(
    series: list[Series],
    dates: Sequence[date],
    *,
    title: str,
    description: str,
    y_from_zero: bool = True,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """Lines over dates (in order), each point placed in proportion to its date: a time axis, where a year
    between two points takes the room of a year. The axis is labelled at round dates (days, months or years,
    whichever fits) spaced so that no two labels meet, even at a phone's larger text."""
    values = [value for line in series for run in runs(line.values) for _, value in run]
    low, high = value_range(values, y_from_zero=y_from_zero)
    days = [moment.toordinal() for moment in dates]
    frame = Frame(width, height, low, high, len(days), positions=days)
    labels = [moment.isoformat() for moment in dates]
    parts = [frame.grid(), frame.date_labels(width), legend(series), *plotted(frame, series, labels)]
    return svg(parts, title=title, description=description, width=width, height=height)


def plotted(frame: "Frame", series: list[Series], labels: Sequence[str]) -> list[str]:
    """Each series' lines (when joined) and points, each point with its label and value as a tooltip."""
    parts = []
    for number, line in enumerate(series):
        colour = escape(colour_of(line, number))
        for run in runs(line.values) if line.joined else []:
            path = " ".join(f"{frame.x(index):.1f},{frame.y(value):.1f}" for index, value in run)
            parts.append(
                f'<polyline class="line" points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for index, value in (point for run in runs(line.values) for point in run):
            tip = f"{labels[index]}: {format_number(value)} {line.name}"
            parts.append(
                f'<circle class="point" cx="{frame.x(index):.1f}" cy="{frame.y(value):.1f}" r="{2.5 if line.joined else 4}" '
                f'fill="{colour}"><title>{escape(tip)}</title></circle>'
            )
    return parts


def bar_chart(
    series: list[Series],
    labels: Sequence[str],
    *,
    title: str,
    description: str,
    width: int = WIDTH,
    height: int = HEIGHT,
) -> SafeString:
    """One bar per label, its series stacked in order; a zero (or None) segment draws nothing."""
    totals = [
        sum(value for line in series if (value := line.values[index] or 0) > 0 and math.isfinite(value))
        for index in range(len(labels))
    ]
    low, high = value_range(totals, y_from_zero=True)
    frame = Frame(width, height, low, high, len(labels), bars=True)
    parts = [frame.grid(), frame.x_labels(labels), legend(series)]
    bar_width = max(frame.step * 0.7, 1.0)
    for index, label in enumerate(labels):
        stacked = 0.0
        for number, line in enumerate(series):
            value = line.values[index] or 0
            if not math.isfinite(value) or value <= 0:
                continue
            top, bottom = frame.y(stacked + value), frame.y(stacked)
            stacked += value
            tip = f"{label}: {format_number(value)} {line.name}"
            parts.append(
                f'<rect class="bar" x="{frame.x(index) - bar_width / 2:.1f}" y="{top:.1f}" '
                f'width="{bar_width:.1f}" height="{bottom - top:.1f}" fill="{escape(colour_of(line, number))}">'
                f"<title>{escape(tip)}</title></rect>"
            )
    return svg(parts, title=title, description=description, width=width, height=height)


def data_table(
    series: list[Series], labels: Sequence[str], *, caption: str, label_heading: str
) -> SafeString:
    """The numbers behind a chart, one row per label and one column per series."""
    head = "".join(f'<th scope="col" class="num">{escape(line.name)}</th>' for line in series)
    rows = "".join(
        f'<tr><th scope="row">{escape(label)}</th>'
        + "".join(f'<td class="num">{format_number(line.values[index])}</td>' for line in series)
        + "</tr>"
        for index, label in enumerate(labels)
    )
    return mark_safe(  # noqa: S308 - every label and name above is escaped
        f'<table class="table chart-table"><caption>{escape(caption)}</caption>'
        f'<thead><tr><th scope="col">{escape(label_heading)}</th>{head}</tr></thead><tbody>{rows}</tbody></table>'
    )


class Frame:
    """Maps label positions and values to SVG coordinates inside the margins, and draws the axes."""

    def __init__(
        self,
        width: int,
        height: int,
        low: float,
        high: float,
        count: int,
        *,
        bars: bool = False,
        positions: Sequence[int] | None = None,
    ):
        self.left, self.right = MARGIN_LEFT, width - MARGIN_RIGHT
        self.top, self.bottom = MARGIN_TOP, height - MARGIN_BOTTOM
        self.low, self.high, self.count, self.bars = low, high, count, bars
        self.positions = positions
        plot = self.right - self.left
        if bars:
            self.step = plot / max(count, 1)
        else:
            self.step = plot / (count - 1) if count > 1 else plot
        if positions:
            # One point, or all on one day: a day either side, so it sits mid-chart.
            self.first, self.last = min(positions), max(positions)
            if self.first == self.last:
                self.first, self.last = self.first - 1, self.last + 1

    def at(self, position: float) -> float:
        """The x of a position on a time axis (a day's ordinal)."""
        return self.left + (position - self.first) / (self.last - self.first) * (self.right - self.left)

    def x(self, index: int) -> float:
        if self.positions:
            return self.at(self.positions[index])
        if self.bars:
            return self.left + self.step * (index + 0.5)
        if self.count <= 1:
            return (self.left + self.right) / 2
        return self.left + self.step * index

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return self.bottom - share * (self.bottom - self.top)

    def grid(self) -> str:
        lines = []
        for tick in ticks(self.low, self.high):
            y = self.y(tick)
            lines.append(
                f'<line class="grid" x1="{self.left}" y1="{y:.1f}" x2="{self.right}" y2="{y:.1f}" '
                f'stroke="#dde3ec"/><text class="tick" x="{self.left - 6}" y="{y + 4:.1f}" '
                f'text-anchor="end">{escape(format_number(tick))}</text>'
            )
        lines.append(
            f'<line class="axis" x1="{self.left}" y1="{self.bottom}" x2="{self.right}" y2="{self.bottom}" '
            f'stroke="#5b6677"/>'
        )
        return "".join(lines)

    def x_labels(self, labels: Sequence[str]) -> str:
        longest = max((len(label) for label in labels), default=0) * CHARACTER_WIDTH
        shown = spread(len(labels), every=math.ceil((1.5 * longest + 12) / max(self.step, 1)))
        return "".join(
            f'<text class="tick" x="{self.x(index):.1f}" y="{self.bottom + 18}" '
            f'text-anchor="{anchor(index, len(labels))}">{escape(labels[index])}</text>'
            for index in shown
        )

    def date_labels(self, width: int) -> str:
        """A mark and a label at each round date of the finest spacing whose labels keep apart, leaving out
        any label that would stick out of the drawing."""
        for unit, every in DATE_STEPS:
            marks = round_dates(date.fromordinal(self.first), date.fromordinal(self.last), unit, every)
            room = max((len(label) for _, label in marks), default=0) * PHONE_CHARACTER_WIDTH + LABEL_GAP
            xs = [self.at(moment.toordinal()) for moment, _ in marks]
            if all(later - earlier >= room for earlier, later in itertools.pairwise(xs)):
                break
        half = (room - LABEL_GAP) / 2
        return "".join(
            f'<line class="date-mark" x1="{x:.1f}" y1="{self.bottom}" x2="{x:.1f}" y2="{self.bottom + 4}" '
            f'stroke="#5b6677"/><text class="tick date" x="{x:.1f}" y="{self.bottom + 18}" '
            f'text-anchor="middle">{escape(label)}</text>'
            for x, (_, label) in zip(xs, marks, strict=True)
            if x - half >= 0 and x + half <= width
        )


def round_dates(first: date, last: date, unit: str, every: int) -> list[tuple[date, str]]:
    """The dates from first to last that start a day, month or year divisible by `every` (weeks count from
    the first day), each with its label: "2021", "Mar 2021" or "2021-03-15"."""
    marks: list[tuple[date, str]] = []
    if unit == "year":
        for year in range(math.ceil(first.year / every) * every, last.year + 1, every):
            if first <= date(year, 1, 1) <= last:
                marks.append((date(year, 1, 1), str(year)))
    elif unit == "month":
        month = first.year * 12 + first.month - 1
        while (moment := date(month // 12, month % 12 + 1, 1)) <= last:
            if moment >= first and (month % 12) % every == 0:
                marks.append((moment, f"{MONTHS[moment.month - 1]} {moment.year}"))
            month += 1
    else:
        marks = [
            (date.fromordinal(day), date.fromordinal(day).isoformat())
            for day in range(first.toordinal(), last.toordinal() + 1, every)
        ]
    return marks


def svg(parts: list[str], *, title: str, description: str, width: int, height: int) -> SafeString:
    label = escape(title)
    return mark_safe(  # noqa: S308 - built here from escaped labels and numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label="{label}" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{label}</title><desc>{escape(description)}</desc>{''.join(parts)}</svg>"
    )


def legend(series: list[Series]) -> str:
    items, x = [], MARGIN_LEFT
    for number, line in enumerate(series):
        colour = escape(colour_of(line, number))
        items.append(
            f'<rect class="swatch" x="{x}" y="10" width="12" height="12" fill="{colour}"/>'
            f'<text class="legend" x="{x + 17}" y="20">{escape(line.name)}</text>'
        )
        x += 17 + 8 * len(line.name) + 18
    return "".join(items)


def colour_of(line: Series, number: int) -> str:
    return line.colour or PALETTE[number % len(PALETTE)]


def runs(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    """Unbroken stretches of values: a line is drawn through each, leaving gaps where a value is None
    (or not a finite number)."""
    stretches: list[list[tuple[int, float]]] = [[]]
    for index, value in enumerate(values):
        if value is None or not math.isfinite(value):
            stretches.append([])
        else:
            stretches[-1].append((index, value))
    return [stretch for stretch in stretches if stretch]


def value_range(values: Sequence[float], *, y_from_zero: bool) -> tuple[float, float]:
    """The y range, widened to nice round ticks; an empty or flat series still gets a range to draw in."""
    finite = [value for value in values if math.isfinite(value)]
    low = min(finite, default=0.0)
    high = max(finite, default=0.0)
    if y_from_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if high == low and y_from_zero:
        high = low + 1
    elif high == low:  # one score: a band around it, so the line sits mid-chart on a readable scale
        pad = abs(low) * 0.1 or 0.5
        low, high = low - pad, high + pad
    step = tick_step(low, high)
    return math.floor(low / step) * step, math.ceil(high / step) * step


def tick_step(low: float, high: float, wanted: int = 4) -> float:
    raw = (high - low) / wanted
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return factor * magnitude
    return 10 * magnitude


def ticks(low: float, high: float) -> list[float]:
    step = tick_step(low, high)
    count = round((high - low) / step)
    return [low + step * n for n in range(count + 1)]


def spread(count: int, every: int) -> list[int]:
    """Every `every`-th index out of `count`, ending on the last one: it replaces the index before it, which
    would be closer than `every` to it."""
    shown = list(range(0, count, max(every, 1)))
    if shown and shown[-1] != count - 1:
        if len(shown) > 1:
            shown.pop()
        shown.append(count - 1)
    return shown


def anchor(index: int, count: int) -> str:
    """Edge labels grow inwards, so the first and the last stay inside the chart."""
    if count <= 1:
        return "middle"
    if index == 0:
        return "start"
    return "end" if index == count - 1 else "middle"


def format_number(value: float | None) -> str:
    if value is None:
        return "–"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4g}"
