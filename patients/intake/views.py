"""The intake page: describe the patient once, see the recommendations that apply.

Nothing about the patient is stored: the form posts to this view, which evaluates and renders.
"""

from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from rest_framework.exceptions import ValidationError

from recommendations.content import startback_notice
from recommendations.field_errors import errors_flatten
from recommendations.htmx import HtmxHttpRequest
from recommendations.models import RedFlagCategory
from recommendations.numbers import danish_number
from recommendations.rules import Evaluation
from recommendations.rules.alerts import mme_alert_codes
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, drug_table
from recommendations.rules.intake import PainSite, WorkStatus
from recommendations.selectors import red_flag_list, startback_items

from ..form_rows import medication_rows
from ..selectors import startback_prognostic_note
from .forms import (
    REQUIRED_FIELDS,
    STARTBACK_ITEM9_CHOICES,
    STARTBACK_ITEMS,
    intake_data_from_form,
    startback_answers,
    startback_partial_notice,
)
from .services import intake_evaluate, red_flag_alerts_for

TEMPLATE = "patients/intake/intake.html"
STARTBACK_RISK_LABELS = {
    "low": gettext_lazy("lav"),
    "medium": gettext_lazy("middel"),
    "high": gettext_lazy("høj"),
}
# Buttons that re-render the whole form (hx-target="#main") rather than only the results.
FORM_EDITS = ("add_medication", "remove_medication", "clear_startback")
# The result summary at the top of the form on a phone shows this many alerts, then a count.
PEEK_ALERTS = 3
# Field error slots on the page; htmx refreshes all of them out of band on every update. Each
# with the field's label, which the error summary puts before its messages ("Skal udfyldes."
# names no field); a medication row's messages name their row already.
ERROR_SLOTS = {
    "age": gettext_lazy("Alder (år)"),
    "pain_site": gettext_lazy("Smertelokalisation"),
    "pain_duration_weeks": gettext_lazy("Varighed (uger)"),
    "red_flags": gettext_lazy("Røde flag"),
    "work_status": gettext_lazy("Arbejdssituation"),
    "trains_independently": gettext_lazy("Vant til at træne selvstændigt"),
    "medications": gettext_lazy("Aktuel medicin"),
    "medication_rows": None,
    "opioid_treatment_months": gettext_lazy("Varighed af opioidbehandling (måneder)"),
    "startback": "STarT Back",
}


def _field_errors(errors: dict[str, list[str]]) -> dict[str, str]:
    slots = dict.fromkeys(ERROR_SLOTS, "")
    for name, messages in errors.items():
        if name.startswith("medications["):
            row = int(name[len("medications[") : name.index("]")]) + 1
            line = _("Lægemiddel %(number)d: %(error)s")
            messages = [line % {"number": row, "error": message} for message in messages]
            name = "medication_rows"
        if name in slots:
            slots[name] = " ".join(filter(None, [slots[name], *messages]))
    return slots


def _error_summary(errors: dict[str, list[str]], field_errors: dict[str, str]) -> list[str]:
    """Return the error summary's lines: each field's messages after its label, then any
    error the page has no slot for."""
    lines = [
        f"{ERROR_SLOTS[name]}: {text}" if ERROR_SLOTS[name] else text
        for name, text in field_errors.items()
        if text
    ]
    return lines + [
        " ".join(messages)
        for name, messages in errors.items()
        if name not in ERROR_SLOTS and not name.startswith("medications[")
    ]


def _startback_rows(post) -> list[dict]:
    return [
        {
            "number": item.number,
            "text": item.text_da or item.text_en,
            "lang": "da" if item.text_da else "en",
            "answer": post.get(f"startback_{item.number}", "") if post else "",
        }
        for item in startback_items()
    ]


def _red_flag_groups(flags: list) -> list[dict]:
    """Return the red-flag table by category, each flag once: under its first category.

    A flag in two categories (chest pain: tumour and infection) is one checkbox, with its other
    categories named beside it and a pointer to it in the other group: two checkboxes for one
    flag went out of sync, and unticking one copy left the flag ticked.
    """
    labels = dict(RedFlagCategory.choices)
    groups = {
        code: {"code": code, "label": label, "flags": [], "see_also": []}
        for code, label in RedFlagCategory.choices
    }
    for flag in flags:
        categories = [code for code in labels if code in flag.categories]
        if not categories:  # never hide a red flag: one without a known category still shows
            groups.setdefault(
                "other", {"code": "other", "label": _("Øvrige"), "flags": [], "see_also": []}
            )
            categories = ["other"]
        primary, *others = categories
        groups[primary]["flags"].append({"flag": flag, "also": [labels[c] for c in others]})
        for other in others:
            groups[other]["see_also"].append({"flag": flag, "under": labels[primary]})
    return list(groups.values())


def _without_startback(post: QueryDict) -> QueryDict:
    """Return the posted form with every STarT Back answer cleared (the "Ryd" button)."""
    cleared = post.copy()
    for number in range(1, STARTBACK_ITEMS + 1):
        cleared.pop(f"startback_{number}", None)
    return cleared


def _taper_offers(evaluation: Evaluation) -> list[dict]:
    """Return each current opioid with its Danish name, for the taper-plan buttons."""
    drugs = drug_table()
    return [
        {
            "drug": med.drug,
            "name": drugs[med.drug].name,
            "daily_dose": med.daily_dose,
            "unit": med.unit,
        }
        for med in evaluation.intake.medications
        if med.drug in evaluation.facts.current_opioids
    ]


def _intake_summary(evaluation: Evaluation, red_flags: dict[str, str]) -> list[tuple[str, str]]:
    """Return what the clinician entered, as (label, value) lines for the printout."""
    intake = evaluation.intake
    drugs = drug_table()
    yes_no = {True: _("Ja"), False: _("Nej"), None: _("Ikke oplyst")}
    ticked = [
        str(label)
        for name, label in (
            ("neuropathic_pain", _("Smerter af neurogen karakter")),
            ("radicular_signs", _("Kliniske tegn på lumbal nerverodspåvirkning")),
            ("complex_problems", _("Komplekse problemstillinger")),
            ("activity_limitation", _("Nedsat aktivitet og deltagelse i dagligdagen")),
            ("sleep_problems", _("Søvnproblemer")),
            (
                "nonpharmacological_insufficient",
                _("Ikke-medicinsk behandling har ikke hjulpet tilstrækkeligt"),
            ),
            ("somatic_disease_flare", _("Opblussen af kendt somatisk sygdom")),
        )
        if getattr(intake, name)
    ]
    medications = [
        f"{drugs[med.drug].name} {danish_number(med.daily_dose)} {med.unit}"
        + ("/" + _("døgn") if med.unit == "mg" else "")
        for med in intake.medications
    ]
    startback = evaluation.facts.startback
    return [
        (_("Alder"), f"{intake.age} " + _("år")),
        (_("Smertelokalisation"), str(PainSite(intake.pain_site).label)),
        (_("Varighed"), f"{danish_number(intake.pain_duration_weeks)} " + _("uger")),
        (_("Røde flag"), ", ".join(red_flags.get(c, c) for c in intake.red_flags) or _("Ingen")),
        (_("Afkrydset"), "; ".join(ticked) or _("Intet")),
        (
            _("Arbejdssituation"),
            str(WorkStatus(intake.work_status).label) if intake.work_status else _("Ikke oplyst"),
        ),
        (_("Vant til at træne selvstændigt"), str(yes_no[intake.trains_independently])),
        (_("Aktuel medicin"), "; ".join(medications) or _("Ingen")),
        (
            _("Varighed af opioidbehandling (måneder)"),
            danish_number(intake.opioid_treatment_months)
            if intake.opioid_treatment_months is not None
            else _("Ikke oplyst"),
        ),
        (
            "STarT Back",
            f"{startback.total}/9, {STARTBACK_RISK_LABELS[startback.risk]}"
            if startback
            else _("Ikke udfyldt"),
        ),
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
    if post is not None and "clear_startback" in post:
        post = _without_startback(post)
    flags = list(red_flag_list())
    context = {
        "values": post,
        "errors": {},
        "evaluation": None,
        "missing": [],
        "pain_sites": PainSite.choices,
        "work_statuses": WorkStatus.choices,
        "drugs": list(drug_table().values()),
        "red_flag_groups": _red_flag_groups(flags),
        "red_flag_labels": {flag.code: flag.label for flag in flags},
        "startback": _startback_rows(post),
        "startback_notice": startback_notice(),
        "startback_item9_choices": STARTBACK_ITEM9_CHOICES,
        "medications": medication_rows(post or QueryDict()),
        "ticked_red_flags": post.getlist("red_flags") if post else [],
        "startback_answered": sum(1 for a in startback_answers(post) if a) if post else 0,
        "startback_status": startback_partial_notice(post) if post else "",
        "startback_risk_labels": STARTBACK_RISK_LABELS,
        "mme_caveat": MME_NOT_FOR_SWITCHING,
        "flag_alerts": [],
    }
    context["medication_count"] = len(context["medications"])
    context["notices"] = notices or []
    # Adding or removing a medication row, or clearing STarT Back, is a field change like any
    # other: the result is evaluated again (it used to vanish, AKUT alert and all).
    if evaluate and post is not None:
        _evaluate_into(context, post, live=bool(request.htmx))
    context["field_errors"] = _field_errors(context["errors"])
    context["error_summary"] = _error_summary(context["errors"], context["field_errors"])
    # Adding or removing a medication row swaps the whole page (hx-target="#main"); a live update
    # only the results.
    partial = request.htmx and request.htmx.target != "main"
    template = f"{TEMPLATE}#results" if partial else TEMPLATE
    return render(request, template, context, status=status)


def _peek(alerts: list, evaluation: Evaluation | None) -> dict | None:
    """Return the result at a glance: the first alerts (red flags come first) and the first
    applying recommendation, for the summary that sticks to the top of a phone's screen."""
    if not alerts and evaluation is None:
        return None
    first = evaluation and next((r for g in evaluation.in_scope for r in g.recommendations), None)
    return {
        "alerts": alerts[:PEEK_ALERTS],
        "more_alerts": max(0, len(alerts) - PEEK_ALERTS),
        "rec": first,
        "evaluated": evaluation is not None,
    }


def _evaluate_into(context: dict, post, *, live: bool) -> None:
    data = intake_data_from_form(post)
    missing = [name for name in REQUIRED_FIELDS if name not in data]
    if live and missing:
        # While the clinician is still typing, an empty required field is not an error yet.
        context["missing"] = missing
    errors: dict[str, list[str]] = {}
    try:
        evaluation = intake_evaluate(data=data)
    except ValidationError as error:
        errors = errors_flatten(error.detail)
        if live:
            errors = {name: msgs for name, msgs in errors.items() if name not in missing}
        # Red-flag alerts depend on the ticked flags alone: shown while another field is wrong
        # or still blank, by the rules function the evaluator itself uses for them.
        context["flag_alerts"] = red_flag_alerts_for(data["red_flags"])
    else:
        context["evaluation"] = evaluation
        context["flag_alerts"] = [
            alert for alert in evaluation.alerts if alert.code in evaluation.intake.red_flags
        ]
        context["taper_offers"] = _taper_offers(evaluation)
        # An MME threshold alert already states the not-for-switching caveat: say it once.
        context["mme_caveat_in_alerts"] = any(
            alert.code in mme_alert_codes() for alert in evaluation.alerts
        )
        context["intake_summary"] = _intake_summary(evaluation, context["red_flag_labels"])
        if evaluation.facts.startback is not None:
            context["startback_note"] = startback_prognostic_note()
    evaluation = context["evaluation"]
    context["peek"] = _peek(evaluation.alerts if evaluation else context["flag_alerts"], evaluation)
    context["errors"] = errors
