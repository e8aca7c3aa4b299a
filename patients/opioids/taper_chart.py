"""Geometry of the taper plan's chart, drawn as SVG by the template (no JavaScript).

One drug: its daily dose over time. Several drugs: each drug's MME/day and the total, on one
MME axis (doses in mg and mcg/h cannot share an axis). Lines differ by dash pattern and are
named in a legend, never by colour alone.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from patients.opioids.plan_types import TaperPlan
from recommendations.numbers import danish_number
from recommendations.rules.intake import DoseUnit

from .taper_combined import CombinedTaperPlan


@dataclass(frozen=True)
class ChartTick:
    position: float
    label: str | date


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    date: date
    dose: float


@dataclass(frozen=True)
class ChartSeries:
    label: str
    path: str
    points: tuple[ChartPoint, ...]
    style: str  # a CSS modifier: "0".."3" for drugs, "total" for the sum


@dataclass(frozen=True)
class TaperChart:
    """Geometry of the dose-over-time chart, drawn as SVG by the template (no JavaScript)."""

    width: int
    height: int
    left: int
    top: int
    right: float
    bottom: float
    series: tuple[ChartSeries, ...]
    y_ticks: tuple[ChartTick, ...]
    x_ticks: tuple[ChartTick, ...]
    target_y: float | None
    unit: str

    @property
    def path(self) -> str:
        return self.series[0].path

    @property
    def points(self) -> tuple[ChartPoint, ...]:
        return self.series[0].points


_CHART_WIDTH, _CHART_HEIGHT = 640, 280
# Room above the plot for the unit, which is drawn larger on phones (static/nkr/opioids.css).
_CHART_MARGIN = {"left": 56, "right": 16, "top": 30, "bottom": 44}
_DRUG_STYLES = 4


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _chart(
    *,
    start: date,
    end: date,
    dates: list[date],
    lines: list[tuple[str, list[float], str]],
    unit: str,
    target: float,
) -> TaperChart:
    left, top = _CHART_MARGIN["left"], _CHART_MARGIN["top"]
    right = _CHART_WIDTH - _CHART_MARGIN["right"]
    bottom = _CHART_HEIGHT - _CHART_MARGIN["bottom"]
    days = max((end - start).days, 1)
    highest = max((max(values) for _label, values, _style in lines), default=1) or 1
    step = _nice_step(highest)
    y_max = step * max(1, -(-highest // step))

    def x_of(day: date) -> float:
        return round(left + (right - left) * (day - start).days / days, 1)

    def y_of(dose: float) -> float:
        return round(bottom - (bottom - top) * dose / y_max, 1)

    series = []
    for label, values, style in lines:
        points = tuple(
            ChartPoint(x_of(day), y_of(value), day, value)
            for day, value in zip(dates, values, strict=True)
        )
        path = [f"M {points[0].x} {points[0].y}"]
        path += [f"H {point.x} V {point.y}" for point in points[1:]]
        path.append(f"H {x_of(end)}")
        series.append(ChartSeries(label, " ".join(path), points, style))
    y_ticks, value = [], 0.0
    while value <= y_max + 1e-9:
        y_ticks.append(ChartTick(y_of(value), danish_number(value)))
        value += step
    every = max(1, -(-len(dates) // 6))
    x_ticks = [ChartTick(x_of(day), day) for day in dates[::every]]
    return TaperChart(
        width=_CHART_WIDTH,
        height=_CHART_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        series=tuple(series),
        y_ticks=tuple(y_ticks),
        x_ticks=tuple(x_ticks),
        target_y=y_of(target) if target > 0 else None,
        unit=unit,
    )


def taper_chart(plan: TaperPlan | CombinedTaperPlan) -> TaperChart:
    """Return the chart of a plan: one drug's dose, or each drug's MME and the total."""
    dates = [step.date for step in plan.steps]
    if not isinstance(plan, CombinedTaperPlan):
        doses = [step.daily_dose for step in plan.steps]
        return _chart(
            start=plan.start_date,
            end=plan.follow_ups[-1],
            dates=dates,
            lines=[(plan.drug_name, doses, "0")],
            unit=DoseUnit(plan.unit).label,
            target=plan.target_daily_dose,
        )
    lines = []
    for index, drug_plan in enumerate(plan.plans):
        if drug_plan.factor is None:
            continue  # no MME to draw (buprenorphine): the table shows its doses
        values = [step.doses[index].daily_mme for step in plan.steps]
        lines.append((drug_plan.drug_name, values, str(index % _DRUG_STYLES)))
    totals = [step.daily_mme or 0.0 for step in plan.steps]
    lines.append((_("I alt"), totals, "total"))
    return _chart(
        start=plan.start_date,
        end=plan.follow_ups[-1],
        dates=dates,
        lines=lines,
        unit=_("MME/døgn"),
        target=0,
    )
