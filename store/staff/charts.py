"""Geometry of the dashboard's bar charts, drawn by the template in HTML and CSS (no
JavaScript, no inline style: the Content-Security-Policy forbids both). A bar's height is
one of the classes ``chart__bar--0`` to ``chart__bar--100`` (per cent of the axis) from
static/css/chart.css; each day is a link to its orders whose text is shown on hover and
on keyboard focus. A table beside the chart gives every figure."""

from dataclasses import dataclass
from decimal import Decimal
from math import ceil

WIDTH, HEIGHT, GAP = 600, 150, 2
MAX_DATE_LABELS = 6


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    level: int = 0  # per cent of the axis' top, 0 to 100 (the CSS class)
    day: object = None
    tick: bool = False  # its date is written under the axis
    end: bool = False  # in the right half: its text opens to the left


def nice_top(value):
    """The axis' top: the smallest of 2, 4, 6, 8 or 10 times a power of ten that is at
    least ``value``, so that the top and its half are whole numbers (2 for nothing)."""
    magnitude = 1
    while True:
        for step in (2, 4, 6, 8, 10):
            if step * magnitude >= value:
                return step * magnitude
        magnitude *= 10


def _axis_label(amount, money):
    return f"${amount:,}" if money else f"{amount:,}"


def _tick_step(count):
    """Days between date labels: weekly for a month, fewer labels for longer spans, so
    that labels never run into each other at phone width."""
    if 14 < count <= 7 * MAX_DATE_LABELS:
        return 7
    return max(1, ceil(count / MAX_DATE_LABELS))


def bar_chart(days, *, value, describe):
    """Bars for ``days`` (DayFigures), sized by ``value(day)``, titled ``describe(day)``."""
    values = [value(day) for day in days]
    highest = max(values, default=0)
    top = nice_top(highest)
    money = any(isinstance(amount, Decimal) for amount in values)
    slot = WIDTH / max(len(days), 1)
    step = _tick_step(len(days))
    last = len(days) - 1
    bars = []
    for index, (day, amount) in enumerate(zip(days, values, strict=False)):
        share = float(amount) / top
        height = round(share * HEIGHT, 1)
        bars.append(
            Bar(
                x=round(index * slot + GAP / 2, 1),
                y=round(HEIGHT - height, 1),
                width=round(slot - GAP, 1),
                height=height,
                label=describe(day),
                # A day with any figure shows at least a sliver.
                level=max(round(share * 100), 1 if amount else 0),
                day=getattr(day, "day", None),
                tick=(last - index) % step == 0,
                end=index > last / 2,
            )
        )
    return {
        "bars": bars,
        "top": highest,
        "width": WIDTH,
        "height": HEIGHT,
        "axis": [_axis_label(top, money), _axis_label(top // 2, money), _axis_label(0, money)],
    }
