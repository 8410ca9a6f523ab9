"""Geometry of the dashboard's bar charts, drawn as inline SVG by the template (no
JavaScript). Each bar carries its own text; a table beside the chart gives every figure."""

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 600, 150, 2


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str


def bar_chart(days, *, value, describe):
    """Bars for ``days`` (DayFigures), sized by ``value(day)``, titled ``describe(day)``."""
    values = [value(day) for day in days]
    top = max(values, default=0) or 1
    slot = WIDTH / max(len(days), 1)
    bars = []
    for index, (day, amount) in enumerate(zip(days, values, strict=False)):
        height = round(float(amount) / float(top) * HEIGHT, 1)
        bars.append(
            Bar(
                x=round(index * slot + GAP / 2, 1),
                y=round(HEIGHT - height, 1),
                width=round(slot - GAP, 1),
                height=height,
                label=describe(day),
            )
        )
    return {"bars": bars, "top": max(values, default=0), "width": WIDTH, "height": HEIGHT}
