"""The intake page: describe the patient once, see the recommendations that apply.

Nothing about the patient is stored: the form posts to this view, which evaluates and renders.
"""

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import ValidationError

from recommendations.api.errors import errors_flatten
from recommendations.content import startback_notice
from recommendations.evaluation import intake_evaluate
from recommendations.models import RedFlagCategory
from recommendations.rules.drugs import drug_table
from recommendations.rules.intake import PainSite, WorkStatus
from recommendations.selectors import red_flag_list, startback_items
from recommendations.views import HtmxHttpRequest

from .forms import (
    REQUIRED_FIELDS,
    STARTBACK_ITEM9_CHOICES,
    intake_data_from_form,
    medication_rows,
)

TEMPLATE = "patients/intake.html"
# Field error slots on the page; htmx refreshes all of them out of band on every update.
ERROR_SLOTS = (
    "age",
    "pain_site",
    "pain_duration_weeks",
    "red_flags",
    "work_status",
    "trains_independently",
    "medications",
    "medication_rows",
    "opioid_treatment_months",
    "startback",
)


def _field_errors(errors: dict[str, list[str]]) -> dict[str, str]:
    slots = dict.fromkeys(ERROR_SLOTS, "")
    for name, messages in errors.items():
        if name.startswith("medications["):
            row = int(name[len("medications[") : name.index("]")]) + 1
            name, messages = "medication_rows", [f"Lægemiddel {row}: {m}" for m in messages]
        if name in slots:
            slots[name] = " ".join(filter(None, [slots[name], *messages]))
    return slots


def _startback_rows(post) -> list[dict]:
    return [
        {
            "number": item.number,
            "text": item.text_da or item.text_en,
            "answer": post.get(f"startback_{item.number}", "") if post else "",
        }
        for item in startback_items()
    ]


def _red_flag_groups():
    flags = list(red_flag_list())
    return [
        {"code": code, "label": label, "flags": [flag for flag in flags if code in flag.categories]}
        for code, label in RedFlagCategory.choices
    ]


@never_cache
def intake(request: HtmxHttpRequest) -> HttpResponse:
    return intake_render(request, request.POST if request.method == "POST" else None)


def intake_render(
    request: HtmxHttpRequest,
    post: QueryDict | None,
    *,
    evaluate: bool = True,
    notices: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the intake page for posted (or pre-filled) form values, evaluated if asked."""
    context = {
        "values": post,
        "errors": {},
        "evaluation": None,
        "missing": [],
        "pain_sites": PainSite.choices,
        "work_statuses": WorkStatus.choices,
        "drugs": list(drug_table().values()),
        "red_flag_groups": _red_flag_groups(),
        "startback": _startback_rows(post),
        "startback_notice": startback_notice(),
        "startback_item9_choices": STARTBACK_ITEM9_CHOICES,
        "medications": medication_rows(post or QueryDict()),
        "ticked_red_flags": post.getlist("red_flags") if post else [],
    }
    context["medication_count"] = len(context["medications"])
    context["notices"] = notices or []
    editing_rows = post is not None and ("add_medication" in post or "remove_medication" in post)
    if evaluate and post is not None and not editing_rows:
        _evaluate_into(context, post, live=bool(request.htmx))
    context["field_errors"] = _field_errors(context["errors"])
    # Adding or removing a medication row swaps the whole page (hx-target="#main"); a live update
    # only the results.
    partial = request.htmx and request.htmx.target != "main"
    template = f"{TEMPLATE}#results" if partial else TEMPLATE
    return render(request, template, context, status=status)


def _evaluate_into(context: dict, post, *, live: bool) -> None:
    data, errors = intake_data_from_form(post)
    missing = [name for name in REQUIRED_FIELDS if name not in data]
    if live and missing:
        # While the clinician is still typing, an empty required field is not an error yet.
        context["missing"] = missing
    try:
        evaluation = intake_evaluate(data=data)
    except ValidationError as error:
        errors = {**errors_flatten(error.detail), **errors}
        if live:
            errors = {name: msgs for name, msgs in errors.items() if name not in missing}
    else:
        if not errors:
            context["evaluation"] = evaluation
    context["errors"] = errors
