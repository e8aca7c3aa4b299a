"""The opioid tools over HTTP: the two API endpoints (API.md) and the two pages."""

from html import escape

import pytest

from patients.opioids.input import (
    MEDICATIONS_EMPTY_ERROR,
)
from recommendations.intake_input import (
    DOSE_ERROR,
    PATCH_DOSE_ERROR,
    UNIT_ERROR,
    UNKNOWN_FIELD_ERROR,
)
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING
from tests.patients.opioid_helpers import MME_API, MME_PAGE, post_json

# --- POST /api/v1/opioids/mme/ ---------------------------------------------------------------


def test_mme_api_returns_the_contract_fields(client):
    response = post_json(
        client,
        MME_API,
        {
            "medications": [
                {"drug": "oxycodone", "daily_dose": 40, "unit": "mg"},
                {"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h"},
            ]
        },
    )
    assert response.status_code == 200
    data = response.json()
    assert data["daily_mme"] == 120
    assert [
        {key: item[key] for key in ("drug", "daily_dose", "unit", "factor", "mme")}
        for item in data["items"]
    ] == [
        {"drug": "oxycodone", "daily_dose": 40, "unit": "mg", "factor": 1.5, "mme": 60},
        {"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mcg/h", "factor": 2.4, "mme": 60},
    ]
    assert MME_NOT_FOR_SWITCHING in data["notes"]
    assert any("amerikansk" in note for note in data["notes"])
    assert data["threshold"] == 90


def test_mme_api_lists_buprenorphine_without_an_mme(client):
    data = post_json(
        client,
        MME_API,
        {"medications": [{"drug": "buprenorphine_patch", "daily_dose": 10, "unit": "mcg/h"}]},
    ).json()
    assert data["daily_mme"] is None
    assert data["items"][0]["factor"] is None and data["items"][0]["mme"] is None
    assert any("buprenorphin" in note and "loftseffekt" in note for note in data["notes"])


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"medications": []}, "medications", MEDICATIONS_EMPTY_ERROR),
        ({}, "medications", "Skal udfyldes."),
        (
            {"medications": [{"drug": "opium", "daily_dose": 1, "unit": "mg"}]},
            "medications[0].drug",
            "Ukendt lægemiddel 'opium'.",
        ),
        (
            {"medications": [{"drug": "morphine", "daily_dose": 0, "unit": "mg"}]},
            "medications[0].daily_dose",
            DOSE_ERROR,
        ),
        (
            {"medications": [{"drug": "fentanyl_patch", "daily_dose": 25, "unit": "mg"}]},
            "medications[0].unit",
            UNIT_ERROR.format(drug="Fentanyl (depotplaster)", unit="mcg/h"),
        ),
        (
            # A mg figure typed as a patch's mcg/h: refused, as the taper planner refuses it.
            {"medications": [{"drug": "fentanyl_patch", "daily_dose": 5000, "unit": "mcg/h"}]},
            "medications[0].daily_dose",
            PATCH_DOSE_ERROR,
        ),
        ({"medications": [], "mme": 3}, "mme", UNKNOWN_FIELD_ERROR),
    ],
)
def test_mme_api_bad_input_is_a_400_naming_the_field(client, body, field, message):
    response = post_json(client, MME_API, body)
    assert response.status_code == 400
    assert message in response.json()["errors"][field]


# --- The MME page ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_mme_page_shows_a_table_with_factor_source_and_total(client):
    text = client.post(
        MME_PAGE,
        {
            "medication_rows": "2",
            "med-0-drug": "oxycodone",
            "med-0-dose": "40",
            "med-1-drug": "buprenorphine_patch",
            "med-1-dose": "10",
        },
    ).content.decode()
    assert "<caption>Orale morfinækvivalenter pr. lægemiddel</caption>" in text
    assert '<th scope="row">Oxycodon</th>' in text
    assert "CDC 2022" in text
    assert "ikke omregnet" in text
    assert '<td class="num mme-total">60 MME</td>' in text
    assert escape(MME_NOT_FOR_SWITCHING) in text


@pytest.mark.django_db
def test_in_english_the_mme_page_says_mme_per_day_and_marks_its_danish_texts_danish(client):
    text = client.post(
        MME_PAGE,
        {
            "medication_rows": "2",
            "med-0-drug": "morphine",
            "med-0-dose": "90",
            "med-1-drug": "buprenorphine_patch",
            "med-1-dose": "10",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "90 MME/day" in text and "MME/døgn</strong>" not in text
    # The notes and the buprenorphine row's source are Danish: a screen reader reads them so.
    notes = text[text.index('<ul class="notes">') :].split("</ul>")[0]
    assert notes.count("<li") == notes.count('<li lang="da">') > 0
    assert '<td class="source" data-label="Source" lang="da">CDC 2022 omregner ikke' in text


@pytest.mark.django_db
def test_mme_page_accepts_a_danish_decimal_comma(client):
    text = client.post(
        MME_PAGE, {"medication_rows": "2", "med-0-drug": "hydromorphone", "med-0-dose": "2,6"}
    ).content.decode()
    assert '<td class="num mme-total">13 MME</td>' in text


@pytest.mark.django_db
def test_mme_page_shows_a_bad_dose_next_to_its_row_and_keeps_the_input(client):
    response = client.post(
        MME_PAGE, {"medication_rows": "2", "med-0-drug": "morphine", "med-0-dose": "-5"}
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="error-med-0">{escape(DOSE_ERROR)}</span>' in text
    assert 'value="-5"' in text
    assert "Lægemiddel 1:" in text


@pytest.mark.django_db
def test_mme_page_adds_a_row_without_computing(client):
    text = client.post(
        MME_PAGE, {"medication_rows": "2", "add_medication": "1", "med-0-drug": "morphine"}
    ).content.decode()
    assert 'name="med-2-drug"' in text
    assert "error-summary" not in text


@pytest.mark.django_db
def test_mme_page_adding_a_row_with_htmx_returns_the_whole_form(client):
    text = client.post(
        MME_PAGE,
        {"medication_rows": "2", "add_medication": "1"},
        headers={"HX-Request": "true", "HX-Target": "main"},
    ).content.decode()
    assert 'id="main"' in text
    assert 'name="med-2-dose"' in text


@pytest.mark.django_db
def test_mme_page_live_update_returns_only_the_results(client):
    response = client.post(
        MME_PAGE,
        {
            "medication_rows": "2",
            "med-0-drug": "morphine",
            "med-0-dose": "30",
            "med-1-drug": "tramadol",
        },
        headers={"HX-Request": "true"},
    )
    text = response.content.decode()
    assert "<html" not in text
    assert "30 MME" in text
    assert "error-summary" not in text  # the half-typed tramadol row is not an error yet
