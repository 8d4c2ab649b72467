"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, and nothing to load at run time.

These functions turn figures into geometry; the templates (`_charts.html`) draw it, escaping every label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from coach.dashboard.queue_figures import HourCount

WIDTH = 600
HEIGHT = 180
PAD_LEFT = 40
PAD_BOTTOM = 24
PAD_TOP = 10
PALETTE = ("#2563eb", "#d97706", "#059669", "#9333ea")


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class AxisLabel:
    x: float
    y: float
    text: str


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    points: str  # the SVG polyline "x,y x,y ..." attribute
    dots: list[tuple[float, float, str]]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    lines: list[Line]
    x_labels: list[AxisLabel]
    y_labels: list[AxisLabel]
    legend: list[tuple[str, str]]
    empty: bool


def _y_scale(top_value: float) -> tuple[float, list[AxisLabel]]:
    """Pixels per unit and three gridline labels, for values from 0 to top_value."""
    top = max(top_value, 1.0)
    plot = HEIGHT - PAD_BOTTOM - PAD_TOP
    labels = [
        AxisLabel(PAD_LEFT - 4, HEIGHT - PAD_BOTTOM - plot * f, f"{top * f:.0f}") for f in (0.0, 0.5, 1.0)
    ]
    return plot / top, labels


def hourly_bars(hours: Sequence[HourCount]) -> Chart:
    """Texts out and in per hour: two bars per hour, the oldest hour on the left."""
    scale, y_labels = _y_scale(max([max(h.outbound, h.inbound) for h in hours] + [0]))
    slot = (WIDTH - PAD_LEFT) / max(len(hours), 1)
    bar_width = slot * 0.4
    bars, x_labels = [], []
    base = HEIGHT - PAD_BOTTOM
    for n, hour in enumerate(hours):
        x = PAD_LEFT + n * slot
        label = hour.hour.strftime("%H:00")
        for offset, count, color, what in (
            (0, hour.outbound, PALETTE[0], "out"),
            (1, hour.inbound, PALETTE[1], "in"),
        ):
            height = count * scale
            bars.append(
                Bar(
                    x + offset * bar_width,
                    base - height,
                    bar_width,
                    height,
                    color,
                    f"{label} UTC: {count} {what}",
                )
            )
        if n % 3 == 0:
            x_labels.append(AxisLabel(x + bar_width, HEIGHT - 8, label))
    empty = not any(h.outbound or h.inbound for h in hours)
    legend = [("texts out", PALETTE[0]), ("texts in", PALETTE[1])]
    return Chart(WIDTH, HEIGHT, bars, [], x_labels, y_labels, legend, empty)


def trend_lines(series: Sequence[tuple[str, Sequence[tuple[date, float]]]]) -> Chart:
    """One line per movement over shared date and weight axes."""
    days = sorted({day for _, points in series for day, _ in points})
    if not days:
        return Chart(WIDTH, HEIGHT, [], [], [], [], [], True)
    first, span = days[0], max((days[-1] - days[0]).days, 1)
    scale, y_labels = _y_scale(max(value for _, points in series for _, value in points) * 1.1)
    plot_width = WIDTH - PAD_LEFT - 10

    def x_of(day: date) -> float:
        return PAD_LEFT + plot_width * (day - first).days / span

    lines = []
    for n, (name, points) in enumerate(series):
        color = PALETTE[n % len(PALETTE)]
        coords = [
            (x_of(day), HEIGHT - PAD_BOTTOM - value * scale, f"{day}: {value:.1f} kg")
            for day, value in points
        ]
        lines.append(Line(name, color, " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in coords), coords))
    x_labels = [AxisLabel(x_of(day), HEIGHT - 8, day.strftime("%b %d")) for day in (days[0], days[-1])]
    legend = [(line.label, line.color) for line in lines]
    return Chart(WIDTH, HEIGHT, [], lines, x_labels, y_labels, legend, False)
