"""Red flags raised by a drug in the medication list (Tabel 1. Røde flag), through the cards."""

import pytest

from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def low_back_pain_patient(**medications):
    return fhir.hook_request(
        fhir.patient(60),
        conditions=[fhir.condition("M54.5", "Lænderygsmerter", onset=fhir.ago(weeks=2))],
        **medications,
    )


@pytest.mark.parametrize(
    ("atc", "display", "flag_label", "drug_label"),
    [
        (
            "H02AB06",
            "Prednisolon",
            "Systemisk brug af steroider",
            "Systemisk glukokortikoid (H02AB06)",
        ),
        (
            "L04AX03",
            "Methotrexat",
            "Immunosuppression",
            "Immunsupprimerende lægemiddel (L04AX03)",
        ),
    ],
)
@pytest.mark.parametrize("kind", ["statement", "request"])
def test_a_red_flag_drug_gives_a_warning_card_naming_the_drug(
    client, ehr, atc, display, flag_label, drug_label, kind
):
    dose = fhir.dosage(10, per_day=1)
    if kind == "statement":
        body = low_back_pain_patient(statements=[fhir.medication_statement(atc, display, dose)])
    else:
        body = low_back_pain_patient(requests=[fhir.medication_request(atc, display, dose)])

    cards = ehr.cards(client, body)

    red_flag = cards[0]
    assert red_flag["indicator"] == "warning"
    assert red_flag["summary"] == (
        f"Rødt flag i journalen: {drug_label} – udred for specifik patologi"
    )
    assert flag_label.lower() in red_flag["detail"].lower()
    assert red_flag["source"]["label"].endswith("Tabel 1. Røde flag")
    # A red flag puts the patient outside the acute low back pain guideline.
    assert not any(c["summary"].startswith("Nyopståede lænderygsmerter") for c in cards)
