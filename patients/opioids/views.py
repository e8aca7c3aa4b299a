"""The opioid tool pages: the MME calculator and the taper planner.

Nothing is stored and patient data never goes in a URL: both pages post their form to
themselves. The form fields are reshaped into the API's JSON (API.md "Opioid tools") and
validated by the same functions the API calls, so page and API cannot disagree.
"""

import re
from datetime import date

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from rest_framework.exceptions import ValidationError

from patients.opioids.plan_types import (
    INTERVAL_WEEKS_LONG_USE,
    INTERVAL_WEEKS_MAX,
    INTERVAL_WEEKS_MIN,
    INTERVAL_WEEKS_SHORT_USE,
    LONG_USE_MONTHS,
    PAUSE_EXTRA_MIN,
    REDUCTION_PERCENT_DEFAULT,
    TARGET_DAILY_DOSE_DEFAULT,
)
from recommendations import selectors
from recommendations.field_errors import errors_flatten
from recommendations.forms import (
    MEDICATION_ROWS_MAX,
    posted_index,
    posted_number,
    posted_row_count,
)
from recommendations.htmx import HtmxHttpRequest
from recommendations.rules.drugs import drug_table
from recommendations.rules.intake import DoseUnit

from ..form_rows import (
    MEDICATION_FIELDS,
    drug_unit,
    medication_data,
    medication_rows,
    row_empty,
    row_remove,
    rows_typed,
)
from .dose_steps import dose_steps_source
from .services import mme_table_from_data, taper_plan_from_data
from .taper_calendar import next_working_day
from .taper_chart import taper_chart
from .taper_combined import CombinedTaperPlan
from .taper_shapes import TaperShape

MME_TEMPLATE = "patients/opioids/mme.html"
TAPER_TEMPLATE = "patients/opioids/taper.html"
TAPER_PRINT_TEMPLATE = "patients/opioids/taper_print.html"
TAPER_GUIDELINE = "opioid-tapering"

PAUSE_ROWS_MAX = 20
# A pause row's keys and its posted fields: pause-<i>-after, pause-<i>-extra.
PAUSE_FIELDS = {"after_step": "after", "extra_intervals": "extra"}
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
# Error slots next to the taper form's fields; htmx refreshes all of them out of band. Each
# with the field's label, which the error summary puts before its messages ("Skal udfyldes."
# names no field); the unit follows the drug and has no field of its own.
TAPER_ERROR_SLOTS = {
    "drug": gettext_lazy("Opioid"),
    "daily_dose": gettext_lazy("Nuværende døgndosis"),
    "treatment_months": gettext_lazy("Varighed af opioidbehandling (måneder)"),
    "reduction_percent": gettext_lazy("Reduktion pr. trin"),
    "interval_weeks": gettext_lazy("Interval mellem trin"),
    "target_daily_dose": gettext_lazy("Måldosis (samme enhed som døgndosis)"),
    "start_date": gettext_lazy("Startdato"),
    "round_doses": gettext_lazy("Rund op til praktiske doser (tablet- og plasterstyrker)"),
    "pauses": gettext_lazy("Pauser (valgfri)"),
    "unit": None,
    "non_field_errors": None,
}
_ROW_ERROR = re.compile(r"^(?P<list>medications|pauses)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


def _opioids() -> list:
    return [drug for drug in drug_table().values() if drug.is_opioid]


def _numbered_errors(line: str, numbered_rows) -> list[str]:
    """Return the error summary's line (`line`: "... %(number)d: %(error)s") for each row with
    an error, numbered as the form numbers its rows."""
    return [line % {"number": n, "error": row["error"]} for n, row in numbered_rows if row["error"]]


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


@never_cache
@require_http_methods(["GET", "POST"])
def opioid_mme(request: HtmxHttpRequest) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    rows = medication_rows(post)
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
            medications.append(medication_data(drug, dose))
            index_map.append(index)
        if medications or not live:
            try:
                context["table"] = mme_table_from_data(data={"medications": medications})
            except ValidationError as error:
                flat = errors_flatten(error.detail)
                context["errors"] = _row_errors(flat, rows, index_map, "medications")
                context["error_summary"] = [
                    *_numbered_errors(_("Lægemiddel %(number)d: %(error)s"), enumerate(rows, 1)),
                    *(" ".join(messages) for messages in context["errors"].values()),
                ]
    context["medication_count"] = len(rows)
    # Adding or removing a row swaps the whole form (hx-target="#main"), a live update the results.
    partial = request.htmx and request.htmx.target != "main"
    return render(request, f"{MME_TEMPLATE}#results" if partial else MME_TEMPLATE, context)


# --- Taper planner ---------------------------------------------------------------------------


def _pause_rows(post: QueryDict | None) -> list[dict]:
    count = posted_row_count(post, "pause_rows", 0, PAUSE_ROWS_MAX)
    rows = rows_typed(post, prefix="pause", fields=PAUSE_FIELDS, numbers=range(count))
    add = post.get("add_pause") if post else None
    if add is not None and len(rows) < PAUSE_ROWS_MAX:
        # "Hold pause efter trin k" in the plan posts k; "Tilføj pause" posts an empty row.
        after = add if posted_index(add) is not None else ""
        extra = str(PAUSE_EXTRA_MIN) if after else ""
        rows.append({"after_step": after, "extra_intervals": extra, "error": ""})
    row_remove(rows, post, "remove_pause")
    return rows


def _taper_values(post: QueryDict | None, today: date) -> dict[str, str | bool]:
    """Return the form's values as typed, with the defaults where a field was not posted.

    The first opioid is `drug`/`daily_dose`, or `med-0-drug`/`med-0-dose` as the MME page names
    it, so the MME page's opioids arrive here without retyping.
    """
    defaults = {
        "drug": post.get("med-0-drug", "") if post else "",
        "daily_dose": post.get("med-0-dose", "") if post else "",
        "treatment_months": "",
        "reduction_percent": str(REDUCTION_PERCENT_DEFAULT),
        "interval_weeks": "",
        "target_daily_dose": str(TARGET_DAILY_DOSE_DEFAULT),
        # Without a date the plan starts on the next working day (taper_calendar.py).
        "start_date": next_working_day(today).isoformat(),
        "shape": TaperShape.LINEAR,
    }
    values: dict[str, str | bool] = {
        name: post[name] if post is not None and name in post else default
        for name, default in defaults.items()
    }
    values["round_doses"] = post is not None and post.get("round_doses") == "on"
    # An unticked checkbox is not posted: only a form that showed the box can untick it.
    shown = post is not None and post.get("weekdays_only_shown") == "1"
    values["weekdays_only"] = not shown or post.get("weekdays_only") == "on"
    return values


def _more_opioid_rows(post: QueryDict | None) -> list[dict]:
    """Return the opioids after the first (`med-1-*` ...), as typed, after adding or removing."""
    count = posted_row_count(post, "medication_rows", 1, MEDICATION_ROWS_MAX)
    rows = rows_typed(post, prefix="med", fields=MEDICATION_FIELDS, numbers=range(1, count))
    if post and "add_medication" in post and len(rows) + 1 < MEDICATION_ROWS_MAX:
        rows.append(row_empty(MEDICATION_FIELDS))
    row_remove(rows, post, "remove_medication", first=1)
    for number, row in enumerate(rows, start=1):
        row["index"] = number
    return rows


def _opioid_list(values: dict, rows: list[dict], *, live: bool) -> tuple[list[dict], list[int]]:
    """Return `medications` for a plan of several opioids, and which row each came from."""
    drug = str(values["drug"]).strip()
    # The first opioid's fields are the one-drug form's: a blank dose is passed on as typed.
    first = {"drug": drug, "daily_dose": posted_number(str(values["daily_dose"]))}
    medications, index_map = [first | {"unit": drug_unit(drug)}], [0]
    for row in rows:
        drug, dose = row["drug"].strip(), row["daily_dose"].strip()
        if not (drug or dose) or (live and not (drug and dose)):
            continue  # empty, or still being typed
        medications.append(medication_data(drug, dose))
        index_map.append(row["index"])
    return medications, index_map


def _taper_data(values: dict, pauses: list[dict], rows: list[dict], *, live: bool):
    """Return the API's JSON for the form values, and which pause row each pause came from."""
    data: dict = {}
    for name in TAPER_FIELDS:
        text = str(values[name]).strip()
        if text:
            data[name] = posted_number(text) if name in TAPER_NUMBER_FIELDS else text
    data["round_doses"] = bool(values["round_doses"])
    data["shape"] = values["shape"]
    data["weekdays_only"] = bool(values["weekdays_only"])
    medications, med_map = _opioid_list(values, rows, live=live)
    if len(medications) > 1:
        for name in ("drug", "daily_dose"):
            data.pop(name, None)
        if data.get("target_daily_dose") == 0:
            # Several opioids are each tapered to 0; a target other than 0 is refused, not lost.
            data.pop("target_daily_dose")
        data["medications"] = medications
    data["pauses"], index_map = [], []
    for index, row in enumerate(pauses):
        after, extra = row["after_step"].strip(), row["extra_intervals"].strip()
        if after or extra:
            data["pauses"].append({"after_step": after, "extra_intervals": extra})
            index_map.append(index)
    return data, index_map, med_map


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
    opioid_rows = _more_opioid_rows(post)
    context = {
        "values": values,
        "opioid_rows": opioid_rows,
        "medication_count": len(opioid_rows) + 1,
        "shapes": TaperShape.choices,
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
        _plan_into(context, post, values, pauses, opioid_rows, today=today, live=bool(request.htmx))
    context["field_errors"] = {
        name: " ".join(context["errors"].get(name, [])) for name in TAPER_ERROR_SLOTS
    }
    pause_errors = _numbered_errors(_("Pause %(number)d: %(error)s"), enumerate(pauses, 1))
    context["error_summary"] = [
        *(
            f"{TAPER_ERROR_SLOTS[name]}: {' '.join(messages)}"
            if TAPER_ERROR_SLOTS.get(name)
            else " ".join(messages)
            for name, messages in context["errors"].items()
        ),
        *pause_errors,
        *context.get("opioid_errors", []),
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
            "unit_label": "" if isinstance(plan, CombinedTaperPlan) else unit_label(plan.unit),
            # The practical strengths are unverified: the print says so, as the page does.
            "rounding_source": dose_steps_source() if plan.rounded else "",
        }
        response = render(request, TAPER_PRINT_TEMPLATE, context)
    response["Content-Language"] = "da"
    return response


_EDITING_BUTTONS = ("add_pause", "remove_pause", "add_medication", "remove_medication")


def _plan_into(
    context: dict,
    post: QueryDict,
    values: dict,
    pauses: list[dict],
    rows: list[dict],
    *,
    today: date,
    live: bool,
) -> None:
    data, index_map, med_map = _taper_data(values, pauses, rows, live=live)
    # A pre-filled form (from the intake or MME page), a half-typed form (live update) and
    # adding or removing a row are not finished: missing fields are no error.
    unfinished = live or post.get("prefill") == "1" or any(b in post for b in _EDITING_BUTTONS)
    typed = {name: str(values[name]).strip() for name in TAPER_REQUIRED}
    missing = [name for name in TAPER_REQUIRED if not typed[name]] if unfinished else []
    context["missing"] = missing
    try:
        plan = taper_plan_from_data(data=data, today=today)
    except ValidationError as error:
        errors = _first_opioid_errors(errors_flatten(error.detail), med_map)
        errors = {name: msgs for name, msgs in errors.items() if name not in missing}
        errors = _row_errors(errors, pauses, index_map, "pauses")
        context["errors"] = _row_errors(errors, [{}, *rows], med_map, "medications")
        context["opioid_errors"] = _numbered_errors(
            _("Opioid %(number)d: %(error)s"), ((row["index"] + 1, row) for row in rows)
        )
    else:
        context["plan"] = plan
        context["chart"] = taper_chart(plan)
        if not isinstance(plan, CombinedTaperPlan):
            context["unit_label"] = unit_label(plan.unit)


def unit_label(unit: str) -> str:
    """Return the unit as the plan's summary names it; a patch shows both spellings."""
    return _("mg/døgn") if unit == DoseUnit.MG else _("mcg/h (mikrogram/time)")


def _first_opioid_errors(errors: dict[str, list[str]], med_map: list[int]) -> dict:
    """Show the first opioid's errors next to its own fields (`drug`, `daily_dose` ...)."""
    if not med_map:
        return errors
    moved = {}
    for name, messages in errors.items():
        field = name.removeprefix("medications[0].")
        moved.setdefault(field if field != name else name, []).extend(messages)
    return moved
