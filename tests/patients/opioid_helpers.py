"""Shared by the opioid tools' tests: their addresses, a patient, a taper plan with defaults."""

from datetime import date

import pytest

from patients.opioids.calculations import taper_plan_build
from patients.opioids.plan_types import TaperPlanError, TaperSettings

MME_API = "/api/v1/opioids/mme/"
TAPER_API = "/api/v1/opioids/taper-plan/"
MME_PAGE = "/opioids/mme/"
TAPER_PAGE = "/opioids/taper-plan/"
# The taper form asking for the patient's print-out.
PRINT_FORM = {
    "drug": "oxycodone",
    "daily_dose": "60",
    "treatment_months": "24",
    "start_date": "2026-01-05",
    "print": "1",
}

OXYCODONE_60 = {"drug": "oxycodone", "daily_dose": 60, "unit": "mg", "treatment_months": 24}


def post_json(client, url, data):
    """POST `data` as JSON."""
    return client.post(url, data, content_type="application/json")


MONDAY = date(2026, 1, 5)


def plan(**kwargs):
    """Build a taper plan: oxycodone 60 mg for 24 months from MONDAY, unless `kwargs` say else."""
    defaults = {
        "drug": "oxycodone",
        "daily_dose": 60,
        "treatment_months": 24,
        "start_date": MONDAY,
    }
    return taper_plan_of(**defaults | kwargs)


# What taper_plan_build takes for the drug itself; every other keyword is a TaperSettings field.
DRUG_KEYWORDS = frozenset({"drug", "daily_dose", "target_daily_dose", "step_offset"})


def taper_plan_of(**kwargs):
    """Build a taper plan from flat keywords: the drug's own, the rest as its TaperSettings."""
    drug = {name: value for name, value in kwargs.items() if name in DRUG_KEYWORDS}
    settings = {name: value for name, value in kwargs.items() if name not in DRUG_KEYWORDS}
    return taper_plan_build(**drug, settings=TaperSettings(**settings))


def doses(taper):
    return [step.daily_dose for step in taper.steps]


def errors_of(**kwargs) -> dict[str, list[str]]:
    """Return the errors of a taper plan refused for `kwargs`."""
    with pytest.raises(TaperPlanError) as caught:
        plan(**kwargs)
    return caught.value.errors
