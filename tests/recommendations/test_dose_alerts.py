"""Opioid dose alerts as ../shared/CONTENT.md "Opioid dose alerts" words them, everywhere.

CDC 2022 removed the 90 MME/day ceiling and warns against rapid reductions: the alerts are
information for a conversation, each with its source, on the API, the intake page, the MME
calculator and the CDS cards alike.
"""

import json

import pytest

from recommendations.rules.alerts import alert_kind, mme_alert_codes
from tests.reader_text import forbidden_instructions

pytestmark = pytest.mark.usefixtures("content")

MME_50_SOURCE = "CDC 2022, anbefaling 4 (USA)"  # CONTENT.md's source string, verbatim
ADULT_ON_OPIOIDS = {
    "age": 55,
    "pain_site": "generalised",
    "pain_duration_weeks": 52,
    "opioid_treatment_months": 24,
}


def evaluate(client, morphine_mg: float) -> dict:
    body = {
        **ADULT_ON_OPIOIDS,
        "medications": [{"drug": "morphine", "daily_dose": morphine_mg, "unit": "mg"}],
    }
    response = client.post("/api/v1/evaluate/", json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def dose_alert(data: dict) -> dict | None:
    found = [alert for alert in data["alerts"] if alert["code"] in mme_alert_codes()]
    assert len(found) <= 1
    return found[0] if found else None


def test_the_dose_alerts_are_the_two_content_md_declares():
    assert mme_alert_codes() == {"mme_50", "mme_90"}
    assert alert_kind("mme_50").mme_at_least == 50
    assert alert_kind("mme_90").mme_at_least == 90
    assert alert_kind("mme_50").source == MME_50_SOURCE
    assert {alert_kind("mme_50").text_kind, alert_kind("mme_90").text_kind} == {"summary"}


def test_at_150_mme_the_alert_is_about_a_high_dose_and_never_says_taper_now(client):
    alert = dose_alert(evaluate(client, 150))
    assert alert["code"] == "mme_90"
    assert alert["level"] == "warning"
    assert "nedtrap nu" not in alert["message"]
    assert forbidden_instructions(alert["message"]) == []
    # CONTENT.md: taper gradually if agreed, no abrupt stop or rapid cut, 90 = the 2016 ceiling.
    assert "Hvis patient og læge aftaler nedtrapning, så nedtrap gradvist" in alert["message"]
    assert "stop ikke brat" in alert["message"]
    assert "2016" in alert["message"] and "fjernet i 2022" in alert["message"]
    assert alert["source"].startswith("CDC 2022, anbefaling 5 (USA)")


def test_at_60_mme_the_alert_asks_to_reassess_benefits_and_risks_with_the_patient(client):
    alert = dose_alert(evaluate(client, 60))
    assert alert["code"] == "mme_50"
    assert "vurdér gavn og risiko sammen med patienten" in alert["message"]
    assert "overvej nedtrapning" not in alert["message"]
    assert alert["source"] == MME_50_SOURCE


def test_below_50_mme_there_is_no_dose_alert(client):
    assert dose_alert(evaluate(client, 40)) is None


def test_every_alert_carries_its_source(client):
    body = {
        "age": 40,
        "pain_site": "low_back",
        "pain_duration_weeks": 3,
        "red_flags": ["fever", "cauda_equina_bladder"],
        "medications": [
            {"drug": "morphine", "daily_dose": 100, "unit": "mg"},
            {"drug": "buprenorphine_patch", "daily_dose": 10, "unit": "mcg/h"},
            {"drug": "paracetamol", "daily_dose": 3000, "unit": "mg"},
        ],
    }
    response = client.post("/api/v1/evaluate/", json.dumps(body), content_type="application/json")
    alerts = response.json()["alerts"]
    assert {a["code"] for a in alerts} >= {"fever", "cauda_equina_bladder", "mme_90"}
    assert all(alert["source"] for alert in alerts), alerts


def test_red_flag_alerts_show_the_seeds_words_beside_the_projects_reading(client):
    data = client.post(
        "/api/v1/evaluate/",
        json.dumps(
            {
                "age": 40,
                "pain_site": "low_back",
                "pain_duration_weeks": 3,
                "red_flags": ["cauda_equina_bladder"],
            }
        ),
        content_type="application/json",
    ).json()
    (alert,) = data["alerts"]
    assert "»skærpet opmærksomhed ... og dermed yderligere udredning«" in alert["message"]
    assert "nkr's læsning: akut henvisning" in alert["message"]
    assert "nkr's læsning" in alert["source"]


# Found auditing the content (2026-12-06): the alert said "Kilden (Tabel 1): »skærpet
# opmærksomhed ...«", but Tabel 1 holds the flags only; the words are the seed's Population
# section's (seeds/003, "Røde flag er den internationalt anvendte betegnelse ...").
def test_a_red_flag_alert_credits_each_part_to_the_part_of_the_source_it_comes_from(client):
    data = client.post(
        "/api/v1/evaluate/",
        json.dumps(
            {"age": 40, "pain_site": "low_back", "pain_duration_weeks": 3, "red_flags": ["fever"]}
        ),
        content_type="application/json",
    ).json()
    (alert,) = data["alerts"]
    assert alert["message"] == (
        "Rødt flag: Feber. Kilden (afsnittet Population): »skærpet opmærksomhed ... og dermed "
        "yderligere udredning«. nkr's læsning: udred for specifik patologi, før retningslinjen "
        "anvendes."
    )
    assert "flaget fra Tabel 1" in alert["source"]
    assert "afsnittet Population" in alert["source"]


def test_the_intake_page_shows_the_dose_alert_with_its_source(client):
    response = client.post(
        "/intake/",
        {
            "age": "55",
            "pain_site": "generalised",
            "pain_duration_weeks": "52",
            "opioid_treatment_months": "24",
            "med-0-drug": "morphine",
            "med-0-dose": "150",
            "medication_rows": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nedtrap gradvist" in page, page[:3000]
    assert "CDC 2022, anbefaling 5 (USA)" in page
    assert forbidden_instructions(page) == []


def test_the_mme_page_and_api_name_the_high_dose_marker_without_taper_now(client):
    body = {"medications": [{"drug": "morphine", "daily_dose": 150, "unit": "mg"}]}
    data = client.post(
        "/api/v1/opioids/mme/", json.dumps(body), content_type="application/json"
    ).json()
    assert data["threshold"] == 90
    assert any("CDC 2022, anbefaling 5 (USA)" in note for note in data["notes"])
    assert forbidden_instructions(" ".join(data["notes"])) == []
