"""Every card links to the recommendation pages it speaks of, or says why it cannot: a red flag,
an MME warning, a card on what the record lacks and one saying no guideline applies."""

import re

import pytest

from patients.cds.card_types import (
    NO_RECOMMENDATION,
    TAPER_PLANNER_LABEL,
    WHY_ALERT,
    WHY_INCOMPLETE,
    WHY_NO_PAIN_CODE,
    WHY_NOT_IN_SCOPE,
)
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")

RECOMMENDATION_PAGE = re.compile(r"\]\(http://testserver/guidelines/[a-z0-9-]+/[a-z0-9-]+/\)")
NO_LINK = NO_RECOMMENDATION.split("{")[0]


def high_dose_oxycodone():
    return fhir.hook_request(
        fhir.patient(52),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        statements=[
            fhir.medication_statement(
                "N02AA05", "Oxycodon 60 mg", fhir.dosage(60, per_day=2), since=fhir.years_ago(2)
            )
        ],
    )


def lumbago_with_sciatica():
    return fhir.hook_request(
        fhir.patient(45),
        conditions=[fhir.condition("M54.4", "Lumbago med iskias", onset=fhir.ago(weeks=3))],
    )


def low_back_pain_without_onset():
    return fhir.hook_request(fhir.patient(45), conditions=[fhir.condition("M54.5", "Lændesmerter")])


def cauda_equina_without_pain_code():
    return fhir.hook_request(
        fhir.patient(60), conditions=[fhir.condition("G83.4", "Cauda equina-syndrom")]
    )


RECORDS = [
    fhir.child_with_knee_pain_on_paracetamol,
    fhir.adult_with_low_back_pain_for_three_weeks,
    fhir.adult_with_fibromyalgia_on_oxycodone,
    fhir.patient_with_cauda_equina,
    high_dose_oxycodone,
    lumbago_with_sciatica,
    low_back_pain_without_onset,
    cauda_equina_without_pain_code,
]


@pytest.mark.parametrize("record", RECORDS, ids=lambda f: f.__name__)
def test_every_card_links_a_recommendation_or_says_why_not(client, ehr, record):
    cards = ehr.cards(client, record())

    assert cards
    for card in cards:
        linked = RECOMMENDATION_PAGE.search(card["detail"])
        assert linked or NO_LINK in card["detail"], card["summary"]


def test_an_mme_warning_says_it_belongs_to_no_recommendation(client, ehr):
    cards = ehr.cards(client, high_dose_oxycodone())

    warning = next(c for c in cards if c["indicator"] == "warning")
    mme_line = next(line for line in warning["detail"].splitlines() if "90" in line)
    following = warning["detail"].split(mme_line, 1)[1].splitlines()[1]
    assert NO_RECOMMENDATION.format(why=WHY_ALERT) in following


def test_a_red_flag_card_points_to_the_table_in_its_guideline(client, ehr):
    cards = ehr.cards(client, fhir.patient_with_cauda_equina())

    detail = cards[0]["detail"]
    assert NO_LINK in detail
    assert "(http://testserver/guidelines/acute-low-back-pain/)" in detail


@pytest.mark.parametrize(
    ("record", "why"),
    [
        (lumbago_with_sciatica, WHY_NOT_IN_SCOPE),
        (low_back_pain_without_onset, WHY_INCOMPLETE),
        (cauda_equina_without_pain_code, WHY_NO_PAIN_CODE),
    ],
    ids=["not-in-scope", "incomplete", "no-pain-code"],
)
def test_a_card_without_recommendations_says_why(client, ehr, record, why):
    cards = ehr.cards(client, record())

    assert any(NO_RECOMMENDATION.format(why=why) in card["detail"] for card in cards)


def test_the_tapering_card_links_the_taper_planner_without_patient_facts_in_the_url(client, ehr):
    cards = ehr.cards(client, fhir.adult_with_fibromyalgia_on_oxycodone())

    tapering = next(c for c in cards if c["summary"].startswith("Nedtrapning af opioider"))
    planner = [link for link in tapering["links"] if link["label"] == TAPER_PLANNER_LABEL]
    assert planner == [
        {
            "label": TAPER_PLANNER_LABEL,
            "url": "http://testserver/opioids/taper-plan/",
            "type": "absolute",
        }
    ]
    others = [c for c in cards if c is not tapering]
    assert not any(link["label"] == TAPER_PLANNER_LABEL for c in others for link in c["links"])
