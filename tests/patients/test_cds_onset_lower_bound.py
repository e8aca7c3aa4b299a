"""An onset given only as a year or month, or a chronic-pain code without onset: a duration that
is certainly past the guidelines' 12-week line is used as a lower bound and said as "mindst"."""

from datetime import timedelta

import pytest

from patients.cds.fhir_mapping import record_drafts, record_read
from patients.cds.fhir_tables import MAPPING_FILE, mapping_table
from patients.cds.fhir_values import fhir_date_latest
from tests import fhir_records as fhir


def read(body):
    return record_read(prefetch=body["prefetch"], patient_id=fhir.PATIENT_ID, today=fhir.today())


def low_back(*conditions, age=45):
    return fhir.hook_request(fhir.patient(age), conditions=list(conditions))


def test_the_last_day_an_onset_year_or_month_can_mean():
    assert fhir_date_latest("2019").isoformat() == "2019-12-31"
    assert fhir_date_latest("2024-02").isoformat() == "2024-02-29"
    assert fhir_date_latest("2024-02-10") is None


def test_an_onset_year_two_years_back_gives_at_least_the_weeks_since_its_end():
    year = fhir.today().year - 2
    (draft,) = record_drafts(read(low_back(fhir.condition("M54.5", "LBP", onset=str(year)))))

    weeks = int((fhir.today() - fhir_date_latest(str(year))).days / 7 * 10) / 10
    assert draft.data["pain_duration_weeks"] == weeks
    assert weeks > 52
    assert draft.complete
    assert draft.site.duration_at_least
    assert any(
        note.startswith("præcis varighed ukendt")
        and f"varighed mindst {weeks:g}".replace(".", ",") in note
        and f"debut senest 31.12.{year}" in note
        for note in draft.notes
    )


def test_an_onset_month_that_ended_less_than_12_weeks_ago_leaves_the_duration_unknown():
    recent = fhir.today() - timedelta(days=40)
    onset = f"{recent.year:04d}-{recent.month:02d}"
    (draft,) = record_drafts(read(low_back(fhir.condition("M54.5", "LBP", onset=onset))))
    assert "pain_duration_weeks" not in draft.data
    assert draft.missing == ("varighed ukendt",)


def test_a_chronic_low_back_pain_code_without_onset_gives_at_least_13_weeks():
    condition = fhir.condition("278860009", "Kroniske lænderygsmerter", system=fhir.SNOMED)
    (draft,) = record_drafts(read(low_back(condition)))

    assert draft.data["pain_duration_weeks"] == 13
    assert draft.site.duration_at_least
    assert "koden betyder kroniske smerter" in draft.site.duration_note


def test_the_chronic_pain_minimum_has_a_source_past_the_12_week_line():
    row = __import__("json").loads(MAPPING_FILE.read_text(encoding="utf-8"))["chronic_pain"]
    assert "IASP" in row["source"] and "more than 3 months" in row["source"]
    # More than 3 months is more than 13.04 weeks: 13 is a lower bound, and past 12.
    assert 12 < mapping_table().chronic_pain_min_weeks <= 3 * 365.25 / 12 / 7


def test_a_low_back_pain_code_without_onset_still_leaves_the_duration_unknown():
    (draft,) = record_drafts(read(low_back(fhir.condition("M54.5", "LBP"))))
    assert draft.missing == ("varighed ukendt",)


def test_a_short_exact_onset_beside_a_condition_without_onset_is_not_a_duration():
    # The undated condition may be older: 3 weeks is neither the duration nor a safe bound.
    (draft,) = record_drafts(
        read(
            low_back(
                fhir.condition("M54.5", "LBP", onset=fhir.ago(weeks=3)),
                fhir.condition("279039007", "Low back pain", system=fhir.SNOMED),
            )
        )
    )
    assert draft.missing == ("varighed ukendt",)


@pytest.mark.usefixtures("content")
def test_the_card_says_mindst_and_the_chronic_guideline_applies_not_the_acute_one(client, ehr):
    year = fhir.today().year - 3
    body = fhir.hook_request(
        fhir.patient(50),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=str(year))],
    )
    response = ehr.call(client, body)
    assert response.status_code == 200, response.content
    (card,) = response.json()["cards"]

    assert card["summary"].startswith("Generaliserede smerter i bevægeapparatet: 4 anbefalinger")
    assert "- Smerter: generaliserede smerter i mindst " in card["detail"]
    assert f"debut senest 31.12.{year}" in card["detail"]


@pytest.mark.usefixtures("content")
def test_chronic_low_back_pain_without_onset_is_not_counted_as_new_low_back_pain(client, ehr):
    condition = fhir.condition("278860009", "Kroniske lænderygsmerter", system=fhir.SNOMED)
    response = ehr.call(client, low_back(condition))
    assert response.status_code == 200, response.content
    cards = response.json()["cards"]
    assert not any(c["summary"].startswith("Nyopståede lænderygsmerter") for c in cards)
    assert "i mindst 13 uger" in cards[0]["detail"]
