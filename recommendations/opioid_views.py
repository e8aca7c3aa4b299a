"""The opioid tool pages: the MME calculator and the taper planner.

Nothing is stored and patient data never goes in a URL: both pages post their form to
themselves. The form fields are reshaped into the API's JSON (API.md "Opioid tools") and
validated by the same functions the API calls, so page and API cannot disagree.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError

from . import selectors
from .api.errors import errors_flatten
from .api.opioids import mme_table_from_data, taper_plan_from_data
from .forms import (
    MEDICATION_ROWS_MAX,
    MEDICATION_ROWS_MIN,
    posted_index,
    posted_number,
    posted_row_count,
)
from .htmx import HtmxHttpRequest
from .numbers import danish_number
from .opioids import (
    INTERVAL_WEEKS_LONG_USE,
    INTERVAL_WEEKS_MAX,
    INTERVAL_WEEKS_MIN,
    INTERVAL_WEEKS_SHORT_USE,
    LONG_USE_MONTHS,
    PAUSE_EXTRA_MIN,
    REDUCTION_PERCENT_DEFAULT,
    TARGET_DAILY_DOSE_DEFAULT,
    TaperPlan,
)
from .rules.drugs import drug_table
from .rules.intake import DoseUnit

MME_TEMPLATE = "recommendations/opioid_mme.html"
TAPER_TEMPLATE = "recommendations/opioid_taper.html"
TAPER_PRINT_TEMPLATE = "recommendations/opioid_taper_print.html"
TAPER_GUIDELINE = "opioid-tapering"

PAUSE_ROWS_MAX = 20
TAPER_FIELDS = (
    "drug",
    "daily_dose",
    "treatment_months",
    "reduction_percent",
    "interval_weeks",
    "target_daily_dose",
    "start_date",
)
TAPER_REQUIRED = ("drug", "daily_dose", "treatment_months")
TAPER_NUMBER_FIELDS = ("daily_dose", "treatment_months", "reduction_percent", "target_daily_dose")
# Error slots next to the taper form's fields; htmx refreshes all of them out of band.
TAPER_ERROR_SLOTS = (*TAPER_FIELDS, "round_doses", "pauses", "unit", "non_field_errors")
_ROW_ERROR = re.compile(r"^(?P<list>medications|pauses)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


def _opioids() -> list:
    return [drug for drug in drug_table().values() if drug.is_opioid]


def _row_errors(errors: dict[str, list[str]], rows: list[dict], index_map: list[int], list_name):
    """Move "medications[0].daily_dose"-style errors onto the rows as typed on the page."""
    rest = {}
    for name, messages in errors.items():
        match = _ROW_ERROR.match(name)
        if match and match["list"] == list_name and int(match["index"]) < len(index_map):
            row = rows[index_map[int(match["index"])]]
            row["error"] = " ".join(filter(None, [row.get("error", ""), *messages]))
        else:
            rest[name] = messages
    return rest


# --- MME calculator --------------------------------------------------------------------------


def _medication_rows(post: QueryDict | None) -> list[dict]:
    count = posted_row_count(post, "medication_rows", MEDICATION_ROWS_MIN, MEDICATION_ROWS_MAX)
    rows = [
        {
            "drug": post.get(f"med-{i}-drug", "") if post else "",
            "daily_dose": post.get(f"med-{i}-dose", "") if post else "",
            "error": "",
        }
        for i in range(count)
    ]
    if post and "add_medication" in post and len(rows) < MEDICATION_ROWS_MAX:
        rows.append({"drug": "", "daily_dose": "", "error": ""})
    remove = posted_index(post.get("remove_medication") if post else None)
    if remove is not None and remove < len(rows):
        rows.pop(remove)
    while len(rows) < MEDICATION_ROWS_MIN:
        rows.append({"drug": "", "daily_dose": "", "error": ""})
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
def opioid_mme(request: HtmxHttpRequest) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    rows = _medication_rows(post)
    editing = post is not None and ("add_medication" in post or "remove_medication" in post)
    context = {"rows": rows, "drugs": _opioids(), "table": None, "errors": {}}
    if post is not None and not editing:
        live = bool(request.htmx)
        medications, index_map = [], []
        for index, row in enumerate(rows):
            drug, dose = row["drug"], row["daily_dose"].strip()
            if not drug and not dose:
                continue
            if live and not (drug and dose):
                continue  # still being typed
            info = drug_table().get(drug)
            medications.append(
                {
                    "drug": drug,
                    "daily_dose": posted_number(dose) if dose else None,
                    "unit": info.unit if info else DoseUnit.MG,
                }
            )
            index_map.append(index)
        if medications or not live:
            try:
                context["table"] = mme_table_from_data(data={"medications": medications})
            except ValidationError as error:
                flat = errors_flatten(error.detail)
                context["errors"] = _row_errors(flat, rows, index_map, "medications")
                context["row_errors"] = [
                    _("Lægemiddel %(number)d: %(error)s") % {"number": i + 1, "error": row["error"]}
                    for i, row in enumerate(rows)
                    if row["error"]
                ]
    context["medication_count"] = len(rows)
    # Adding or removing a row swaps the whole form (hx-target="#main"), a live update the results.
    partial = request.htmx and request.htmx.target != "main"
    return render(request, f"{MME_TEMPLATE}#results" if partial else MME_TEMPLATE, context)


# --- Taper planner ---------------------------------------------------------------------------


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
class TaperChart:
    """Geometry of the dose-over-time chart, drawn as SVG by the template (no JavaScript)."""

    width: int
    height: int
    left: int
    top: int
    right: float
    bottom: float
    path: str
    points: tuple[ChartPoint, ...]
    y_ticks: tuple[ChartTick, ...]
    x_ticks: tuple[ChartTick, ...]
    target_y: float | None
    unit: str


_CHART_WIDTH, _CHART_HEIGHT = 640, 280
# Room above the plot for the unit, which is drawn larger on phones (static/nkr/opioids.css).
_CHART_MARGIN = {"left": 56, "right": 16, "top": 30, "bottom": 44}


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / ticks
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def taper_chart(plan: TaperPlan) -> TaperChart:
    """Return the coordinates of a step chart of dose over time for `plan`."""
    left, top = _CHART_MARGIN["left"], _CHART_MARGIN["top"]
    right = _CHART_WIDTH - _CHART_MARGIN["right"]
    bottom = _CHART_HEIGHT - _CHART_MARGIN["bottom"]
    end = plan.follow_ups[-1]
    days = max((end - plan.start_date).days, 1)
    step = _nice_step(plan.start_dose)
    y_max = step * max(1, -(-plan.start_dose // step))

    def x_of(day: date) -> float:
        return round(left + (right - left) * (day - plan.start_date).days / days, 1)

    def y_of(dose: float) -> float:
        return round(bottom - (bottom - top) * dose / y_max, 1)

    points = tuple(
        ChartPoint(x_of(s.date), y_of(s.daily_dose), s.date, s.daily_dose) for s in plan.steps
    )
    path = [f"M {points[0].x} {points[0].y}"]
    for point in points[1:]:
        path.append(f"H {point.x} V {point.y}")
    path.append(f"H {x_of(end)}")
    y_ticks = []
    value = 0.0
    while value <= y_max + 1e-9:
        y_ticks.append(ChartTick(y_of(value), danish_number(value)))
        value += step
    every = max(1, -(-len(plan.steps) // 6))
    x_ticks = [ChartTick(p.x, p.date) for p in points[::every]]
    return TaperChart(
        width=_CHART_WIDTH,
        height=_CHART_HEIGHT,
        left=left,
        top=top,
        right=right,
        bottom=bottom,
        path=" ".join(path),
        points=points,
        y_ticks=tuple(y_ticks),
        x_ticks=tuple(x_ticks),
        target_y=y_of(plan.target_daily_dose) if plan.target_daily_dose > 0 else None,
        unit=DoseUnit(plan.unit).label,
    )


def _pause_rows(post: QueryDict | None) -> list[dict]:
    count = posted_row_count(post, "pause_rows", 0, PAUSE_ROWS_MAX)
    rows = [
        {
            "after_step": post.get(f"pause-{i}-after", "") if post else "",
            "extra_intervals": post.get(f"pause-{i}-extra", "") if post else "",
            "error": "",
        }
        for i in range(count)
    ]
    add = post.get("add_pause") if post else None
    if add is not None and len(rows) < PAUSE_ROWS_MAX:
        # "Hold pause efter trin k" in the plan posts k; "Tilføj pause" posts an empty row.
        after = add if posted_index(add) is not None else ""
        rows.append(
            {
                "after_step": after,
                "extra_intervals": str(PAUSE_EXTRA_MIN) if after else "",
                "error": "",
            }
        )
    remove = posted_index(post.get("remove_pause") if post else None)
    if remove is not None and remove < len(rows):
        rows.pop(remove)
    return rows


def _taper_values(post: QueryDict | None, today: date) -> dict[str, str | bool]:
    """Return the form's values as typed, with the defaults where a field was not posted."""
    defaults = {
        "drug": "",
        "daily_dose": "",
        "treatment_months": "",
        "reduction_percent": str(REDUCTION_PERCENT_DEFAULT),
        "interval_weeks": "",
        "target_daily_dose": str(TARGET_DAILY_DOSE_DEFAULT),
        "start_date": today.isoformat(),
    }
    values: dict[str, str | bool] = {
        name: post[name] if post is not None and name in post else default
        for name, default in defaults.items()
    }
    values["round_doses"] = post is not None and post.get("round_doses") == "on"
    return values


def _taper_data(values: dict, pauses: list[dict]) -> tuple[dict, list[int]]:
    """Return the API's JSON for the form values, and which pause row each pause came from."""
    data: dict = {}
    for name in TAPER_FIELDS:
        text = str(values[name]).strip()
        if text:
            data[name] = posted_number(text) if name in TAPER_NUMBER_FIELDS else text
    data["round_doses"] = bool(values["round_doses"])
    data["pauses"], index_map = [], []
    for index, row in enumerate(pauses):
        after, extra = row["after_step"].strip(), row["extra_intervals"].strip()
        if after or extra:
            data["pauses"].append({"after_step": after, "extra_intervals": extra})
            index_map.append(index)
    return data, index_map


def _taper_guideline():
    try:
        return selectors.guideline_get(slug=TAPER_GUIDELINE)
    except Http404:
        return None


@never_cache
@require_http_methods(["GET", "POST"])
def opioid_taper(request: HtmxHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    post = request.POST if request.method == "POST" else None
    values = _taper_values(post, today)
    pauses = _pause_rows(post)
    context = {
        "values": values,
        "pauses": pauses,
        "pause_count": len(pauses),
        "drugs": _opioids(),
        "interval_choices": range(INTERVAL_WEEKS_MIN, INTERVAL_WEEKS_MAX + 1),
        "interval_long_use": INTERVAL_WEEKS_LONG_USE,
        "interval_short_use": INTERVAL_WEEKS_SHORT_USE,
        "long_use_months": LONG_USE_MONTHS,
        "plan": None,
        "chart": None,
        "errors": {},
        "missing": [],
    }
    if post is not None:
        _plan_into(context, post, values, pauses, today=today, live=bool(request.htmx))
    context["field_errors"] = {
        name: " ".join(context["errors"].get(name, [])) for name in TAPER_ERROR_SLOTS
    }
    context["pause_errors"] = [
        _("Pause %(number)d: %(error)s") % {"number": i + 1, "error": row["error"]}
        for i, row in enumerate(pauses)
        if row["error"]
    ]
    if post is not None and post.get("print") and context["plan"]:
        return _patient_print(request, context, today=today)
    if request.htmx and request.htmx.target != "main":
        return render(request, f"{TAPER_TEMPLATE}#plan", context)
    context["guideline"] = _taper_guideline()
    return render(request, TAPER_TEMPLATE, context)


def _patient_print(request: HtmxHttpRequest, context: dict, *, today: date) -> HttpResponse:
    """The patient's print-out: always plain Danish, whatever language the clinician uses."""
    plan = context["plan"]
    with translation.override("da"):
        context = context | {
            "today": today,
            "next_appointment": plan.next_follow_up(today=today),
            "unit_label": "mg/døgn" if plan.unit == DoseUnit.MG else "mikrogram/time",
        }
        response = render(request, TAPER_PRINT_TEMPLATE, context)
    response["Content-Language"] = "da"
    return response


def _plan_into(
    context: dict, post: QueryDict, values: dict, pauses: list[dict], *, today: date, live: bool
) -> None:
    data, index_map = _taper_data(values, pauses)
    # A pre-filled form (the intake page's "Lav nedtrapningsplan"), a half-typed form (live
    # update) and adding or removing a pause row are not finished: missing fields are no error.
    unfinished = live or post.get("prefill") == "1" or "add_pause" in post or "remove_pause" in post
    missing = [name for name in TAPER_REQUIRED if name not in data] if unfinished else []
    context["missing"] = missing
    try:
        plan = taper_plan_from_data(data=data, today=today)
    except ValidationError as error:
        errors = errors_flatten(error.detail)
        errors = {name: msgs for name, msgs in errors.items() if name not in missing}
        context["errors"] = _row_errors(errors, pauses, index_map, "pauses")
    else:
        context["plan"] = plan
        context["chart"] = taper_chart(plan)
        context["unit_label"] = _("mg/døgn") if plan.unit == DoseUnit.MG else _("mikrogram/time")
