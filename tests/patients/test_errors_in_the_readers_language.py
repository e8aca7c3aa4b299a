"""A clinician who chose English reads what to correct in English; the API stays Danish.

The pages and the API share one validation (recommendations/intake_input.py,
patients/opioids/input.py), so its messages are translated where they are read: in the page's
language on a page, in Danish for the API (API.md), whatever language the client asks for.
"""

import importlib

import pytest
from django.utils import translation
from django.utils.functional import Promise

from patients.intake.prefill import PREFILL_EXPIRED_ERROR
from recommendations.intake_input import AGE_ERROR

from .opioid_helpers import MME_PAGE, TAPER_PAGE

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
# The modules whose messages the patient pages show.
PAGE_MESSAGE_MODULES = (
    "recommendations.intake_input",
    "patients.opioids.input",
    "patients.opioids.plan_types",
    "patients.opioids.taper_combined",
    "patients.opioids.taper_shapes",
    "patients.intake.prefill",
)


def _english(client):
    client.cookies["django_language"] = "en"
    return client


def _field_errors(text: str) -> str:
    return text[text.index('<div class="error-summary"') :].split("</div>")[0]


def test_the_english_intake_page_says_what_to_correct_in_english(client):
    text = (
        _english(client)
        .post("/intake/", {"age": "200", "pain_site": "low_back"}, **ENGLISH)
        .content.decode()
    )
    errors = _field_errors(text)
    assert "Age must be a whole number from 0 to 120 years." in errors
    assert "Alder skal" not in text and "Skal udfyldes" not in text


def test_the_english_intake_page_names_a_medication_row_in_english(client):
    data = {"age": "40", "pain_site": "low_back", "pain_duration_weeks": "3"}
    rows = {"medication_rows": "1", "med-0-drug": "morphine", "med-0-dose": ""}
    text = _english(client).post("/intake/", data | rows, **ENGLISH).content.decode()
    assert "Drug 1: Daily dose must be a positive number (at most 100000)." in _field_errors(text)
    assert "Lægemiddel 1" not in text


def test_the_english_opioid_pages_say_what_to_correct_in_english(client):
    _english(client)
    mme = client.post(
        MME_PAGE, {"medication_rows": "1", "med-0-drug": "morphine", "med-0-dose": "-5"}, **ENGLISH
    ).content.decode()
    assert "daily dose must be a positive number" in _field_errors(mme).lower()
    assert "Døgndosis skal" not in mme

    taper = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "80",
        },
        **ENGLISH,
    ).content.decode()
    assert "Reduction per step must be a number from 1 to 50 % of the starting dose." in taper
    assert "Reduktion pr. trin skal" not in taper


def test_an_expired_record_link_says_so_in_english(client):
    text = _english(client).get("/intake/prefill/gAAAAABforged-token/", **ENGLISH).content.decode()
    assert "The link from the record has expired or is not valid." in text
    with translation.override("da"):
        assert str(PREFILL_EXPIRED_ERROR) not in text


def test_the_api_answers_in_danish_whatever_language_is_asked_for(client):
    # An English page first: the validation it ran must not go on speaking English.
    _english(client).post("/intake/", {"age": "200", "pain_site": "low_back"}, **ENGLISH)
    response = client.post(
        "/api/v1/evaluate/",
        {"age": 200, "pain_site": "low_back", "pain_duration_weeks": 2},
        content_type="application/json",
        **ENGLISH,
    )
    assert response.status_code == 400
    with translation.override("da"):
        assert response.json()["errors"]["age"] == [str(AGE_ERROR)]
    assert response["Content-Language"] == "da"


@pytest.mark.parametrize("module_name", PAGE_MESSAGE_MODULES)
def test_every_message_a_page_shows_has_an_english_translation(module_name):
    module = importlib.import_module(module_name)
    messages = {
        name: value
        for name, value in vars(module).items()
        if name.endswith("_ERROR") and not name.startswith("_")
    }
    assert messages
    untranslated = []
    for name, message in messages.items():
        assert isinstance(message, Promise), f"{name} is read in one language only"
        with translation.override("da"):
            danish = str(message)
        with translation.override("en"):
            english = str(message)
        if english == danish:
            untranslated.append(name)
    assert untranslated == []
