"""Which record entries are the patient's current medication, and when doses are not added up."""

import pytest

from patients.cds.fhir_mapping import record_drafts, record_read
from patients.cds.fhir_values import ORDER_INTENTS
from tests import fhir_records as fhir


def read(body):
    return record_read(prefetch=body["prefetch"], patient_id=fhir.PATIENT_ID, today=fhir.today())


def fibromyalgia(**medications):
    return fhir.hook_request(
        fhir.patient(52),
        conditions=[fhir.condition("M79.7", "Fibromyalgi", onset=fhir.years_ago(3))],
        **medications,
    )


def oxycodone_order(mid, dose=10, *, authored=None, intent="order"):
    return fhir.medication_request(
        "N02AA05",
        "Oxycodon",
        fhir.dosage(dose, per_day=2),
        mid=mid,
        authored=authored or fhir.ago(weeks=30),
        intent=intent,
    )


# --- Two current orders for the same drug ----------------------------------------------------


def test_two_current_orders_for_the_same_drug_are_not_added_up_and_the_dose_is_unknown():
    record = read(fibromyalgia(requests=[oxycodone_order("old"), oxycodone_order("renewed")]))

    (oxycodone,) = record.drugs
    assert oxycodone.daily_dose is None
    assert oxycodone.dose_note == (
        "flere aktuelle ordinationer af oxycodon: MedicationRequest/old, "
        "MedicationRequest/renewed; døgndosis ikke lagt sammen"
    )
    (draft,) = record_drafts(record)
    assert draft.data["medications"] == [{"drug": "oxycodone", "daily_dose": None, "unit": "mg"}]
    assert draft.prefill_medications == ({"drug": "oxycodone", "daily_dose": None},)


def test_two_current_statements_for_the_same_drug_are_not_added_up_either():
    statements = [
        fhir.medication_statement("N02AA05", "Oxycodon", fhir.dosage(10, per_day=1), mid=mid)
        for mid in ("morning", "evening")
    ]
    (oxycodone,) = read(fibromyalgia(statements=statements)).drugs
    assert oxycodone.daily_dose is None
    assert "MedicationStatement/morning, MedicationStatement/evening" in oxycodone.dose_note


def test_the_same_order_referenced_twice_is_one_order_and_keeps_its_dose():
    order = oxycodone_order("mr-1")
    (oxycodone,) = read(fibromyalgia(requests=[order, order])).drugs
    assert oxycodone.daily_dose == 20


def test_the_opioid_treatment_counts_from_the_earliest_of_the_orders():
    record = read(
        fibromyalgia(
            requests=[
                oxycodone_order("old", authored=fhir.years_ago(2)),
                oxycodone_order("renewed", authored=fhir.ago(weeks=2)),
            ]
        )
    )
    assert record.opioid_treatment_months >= 23


def test_two_orders_for_the_same_drug_say_so_on_the_card(client, ehr, content):
    body = fibromyalgia(requests=[oxycodone_order("old"), oxycodone_order("renewed", 20)])
    cards = ehr.cards(client, body)

    generalised = next(card for card in cards if "generaliserede" in card["summary"].lower())
    assert "døgndosis ukendt" in generalised["summary"]
    assert (
        "flere aktuelle ordinationer af oxycodon: MedicationRequest/old" in (generalised["detail"])
    )
    assert "døgndosis ikke lagt sammen" in generalised["detail"]
    assert "60 mg/døgn" not in generalised["detail"]  # 20 + 40 mg would have been summed
    assert "Oxycodon 20 mg/døgn" not in generalised["detail"]


# --- Only actual orders count ----------------------------------------------------------------


def test_the_order_intents_are_those_of_the_fhir_r4_value_set():
    # http://hl7.org/fhir/ValueSet/medicationrequest-intent (R4 4.0.1): proposal, plan, order,
    # original-order, reflex-order, filler-order, instance-order, option.
    assert ORDER_INTENTS == {
        "order",
        "original-order",
        "reflex-order",
        "filler-order",
        "instance-order",
    }


@pytest.mark.parametrize("intent", sorted(ORDER_INTENTS))
def test_an_actual_order_is_current_medication(intent):
    (oxycodone,) = read(fibromyalgia(requests=[oxycodone_order("mr-1", intent=intent)])).drugs
    assert oxycodone.daily_dose == 20


@pytest.mark.parametrize("intent", ["proposal", "plan", "option"])
def test_a_proposal_or_plan_is_not_current_medication_and_is_said(intent):
    record = read(fibromyalgia(requests=[oxycodone_order("mr-1", intent=intent)]))
    assert record.drugs == []
    assert record.notes == (
        f"Oxycodon (N02AA05), MedicationRequest/mr-1: intent {intent!r} er ikke en "
        "ordination; indgår ikke i vurderingen",
    )


def test_a_request_without_intent_is_not_counted_as_an_order():
    order = oxycodone_order("mr-1")
    del order["intent"]
    record = read(fibromyalgia(requests=[order]))
    assert record.drugs == []
    assert "ingen intent er ikke en ordination" in record.notes[0]


def test_a_proposed_opioid_is_named_on_the_card_but_not_evaluated(client, ehr, content):
    cards = ehr.cards(client, fibromyalgia(requests=[oxycodone_order("p", intent="plan")]))
    generalised = next(card for card in cards if "generaliserede" in card["summary"].lower())
    assert "intent 'plan' er ikke en ordination" in generalised["detail"]
    assert "Medicin: Oxycodon" not in generalised["detail"]
    assert not any("nedtrapning" in card["summary"].lower() for card in cards)


# --- A schedule that has ended --------------------------------------------------------------


def ended(dosage, end):
    dosage["timing"]["repeat"]["boundsPeriod"] = {"start": fhir.years_ago(1), "end": end}
    return dosage


def test_an_order_whose_schedule_ended_before_today_is_not_current_and_is_said():
    order = oxycodone_order("mr-1")
    ended(order["dosageInstruction"][0], "2020-03-01")
    record = read(fibromyalgia(requests=[order]))
    assert record.drugs == []
    assert record.notes == (
        "Oxycodon (N02AA05), MedicationRequest/mr-1: doseringen sluttede 01.03.2020; "
        "ikke aktuel medicin, indgår ikke i vurderingen",
    )


def test_a_schedule_ending_today_or_later_is_current():
    order = oxycodone_order("mr-1")
    ended(order["dosageInstruction"][0], fhir.ago(days=0))
    (oxycodone,) = read(fibromyalgia(requests=[order])).drugs
    assert oxycodone.daily_dose == 20


def test_when_one_of_two_dosage_lines_has_ended_the_dose_is_unknown():
    statement = fhir.medication_statement(
        "N02AA05",
        "Oxycodon",
        ended(fhir.dosage(10, per_day=1), "2020-03-01"),
        fhir.dosage(10, per_day=1),
    )
    (oxycodone,) = read(fibromyalgia(statements=[statement])).drugs
    assert oxycodone.daily_dose is None
    assert oxycodone.dose_note == "en af doseringerne sluttede 01.03.2020"


def test_a_malformed_end_of_the_schedule_is_a_400_naming_the_field(client, ehr, db):
    order = oxycodone_order("mr-1")
    ended(order["dosageInstruction"][0], "1. marts")
    response = ehr.call(client, fibromyalgia(requests=[order]))
    assert response.status_code == 400
    field = (
        "prefetch.medicationRequests.entry[0].resource.dosageInstruction[0].timing.repeat"
        ".boundsPeriod.end"
    )
    assert list(response.json()["errors"]) == [field]


# --- Combination products and drugs for opioid dependence -----------------------------------


@pytest.mark.parametrize(("atc", "drug"), [("N02AA55", "oxycodone"), ("N02AG02", "ketobemidone")])
def test_a_combination_product_counts_as_its_opioid_with_the_dose_in_its_mg(atc, drug):
    statement = fhir.medication_statement(atc, "Kombination", fhir.dosage(10, per_day=2))
    (med,) = read(fibromyalgia(statements=[statement])).drugs
    assert med.rule.drug == drug
    assert med.daily_dose == 20


@pytest.mark.parametrize("atc", ["N07BC01", "N07BC51"])
def test_buprenorphine_for_opioid_dependence_is_said_not_dropped_silently(atc):
    statement = fhir.medication_statement(atc, "Buprenorphin", fhir.dosage(8, per_day=1))
    record = read(fibromyalgia(statements=[statement]))
    assert record.drugs == []
    assert record.notes == (
        f"Buprenorphin ({atc}): opioid, som nkr ikke kender, og som ikke indgår i vurderingen",
    )


def test_the_discovery_prefetches_conditions_in_relapse_and_recurrence(client):
    from patients.cds.views import PREFETCH

    assert PREFETCH["conditions"].endswith("&clinical-status=active,recurrence,relapse")


# --- Feedback on a medication warning ---------------------------------------------------------


def test_an_override_of_a_medication_warning_is_filed_under_the_recommendation_it_names(
    client, ehr, content
):
    from patients.models import CardFeedback

    cards = ehr.cards(client, fhir.adult_with_fibromyalgia_on_oxycodone())
    warning = next(card for card in cards if card["summary"].startswith("Advarsel: "))
    response = ehr.call(
        client,
        {
            "feedback": [
                {
                    "card": warning["uuid"],
                    "outcome": "overridden",
                    "overrideReason": {"reason": {"code": "already-considered"}},
                    "outcomeTimestamp": "2026-01-01T10:00:00Z",
                }
            ]
        },
        url=fhir.FEEDBACK_URL,
    )
    assert response.status_code == 200, response.content
    (row,) = CardFeedback.objects.filter(kind="medication")
    assert row.subject == "generalised-pain/opioids-without-dual-action"
    assert row.subject != "current_medication_advised_against"
