"""Turn the intake page's form fields into the API's intake data, validated by the same code.

The page has no validator of its own: it reshapes the posted fields (checkboxes, medication
rows, Danish decimal commas) into the JSON shape of API.md and hands that to the evaluator the
API uses, so the page and the API cannot disagree about what is valid.
"""

from django.http import QueryDict

from recommendations.forms import posted_number
from recommendations.intake_input import STARTBACK_ITEMS
from recommendations.rules.fact_registry import TICKED_FACTS

from ..form_rows import medication_data, medication_rows

REQUIRED_FIELDS = ("age", "pain_site", "pain_duration_weeks")
# The checkboxes: the yes/no facts the clinician ticks (rules/fact_registry.py).
BOOLEAN_FIELDS = TICKED_FACTS
# A partly answered questionnaire blocks nothing: the score is simply not computed, and the
# page says so (on a live update and on a plain submit alike).
STARTBACK_PARTIAL_NOTICE = (
    "STarT Back beregnes, når alle ni spørgsmål er besvaret ({answered} af 9 besvaret). "
    "Resultatet nedenfor er uden STarT Back-score."
)
TRISTATE = {"": None, "true": True, "false": False}
# Item 9 (bothersomeness) has five answers; Keele scores the last two as 1 (CONTENT.md).
STARTBACK_ITEM9_CHOICES = [
    ("not_at_all", "Slet ikke (Not at all)"),
    ("slightly", "Lidt (Slightly)"),
    ("moderately", "Moderat (Moderately)"),
    ("very_much", "Meget (Very much)"),
    ("extremely", "Ekstremt (Extremely)"),
]
STARTBACK_ITEM9_SCORES = {
    "not_at_all": 0,
    "slightly": 0,
    "moderately": 0,
    "very_much": 1,
    "extremely": 1,
}


def startback_answers(post: QueryDict) -> list[str]:
    """Return the nine posted STarT Back answers as typed ("" where not answered)."""
    return [post.get(f"startback_{i}", "") for i in range(1, STARTBACK_ITEMS + 1)]


def startback_partial_notice(post: QueryDict) -> str:
    """Return the notice for a partly answered questionnaire, or "" (none or all answered)."""
    answered = sum(1 for answer in startback_answers(post) if answer)
    if 0 < answered < STARTBACK_ITEMS:
        return STARTBACK_PARTIAL_NOTICE.format(answered=answered)
    return ""


def intake_data_from_form(post: QueryDict) -> dict:
    """Return the posted form as intake data in the API's shape, for the one serializer."""
    data: dict = {}
    for name in ("age", "pain_duration_weeks"):
        if post.get(name, "").strip():
            value = posted_number(post[name])
            data[name] = (
                int(value)
                if name == "age" and isinstance(value, float) and value.is_integer()
                else value
            )
    if post.get("pain_site"):
        data["pain_site"] = post["pain_site"]
    for name in BOOLEAN_FIELDS:
        data[name] = post.get(name) == "on"
    data["red_flags"] = post.getlist("red_flags")
    data["work_status"] = post.get("work_status") or None
    data["trains_independently"] = TRISTATE.get(
        post.get("trains_independently", ""), post.get("trains_independently")
    )
    if post.get("opioid_treatment_months", "").strip():
        data["opioid_treatment_months"] = posted_number(post["opioid_treatment_months"])
    data["medications"] = [
        medication_data(row["drug"], row["daily_dose"])
        for row in medication_rows(post)
        if row["drug"] or row["daily_dose"].strip()
    ]
    answers = startback_answers(post)
    # Only a complete questionnaire is scored; a partial one is left out (startback_partial_notice
    # tells the clinician), never filled in with a default.
    if all(answers):
        *agree, bother = answers
        data["startback"] = [int(a) if a in ("0", "1") else a for a in agree] + [
            STARTBACK_ITEM9_SCORES.get(bother, bother)
        ]
    return data
