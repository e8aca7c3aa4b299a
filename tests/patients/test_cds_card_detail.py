"""What a guideline card's detail says about each recommendation: strength, reason, rationale."""

import pytest

from patients.cds.card_text import rationale_excerpt
from patients.cds.card_types import RATIONALE_MAX
from tests import fhir_records as fhir

pytestmark = pytest.mark.usefixtures("content")


def test_each_recommendation_on_a_card_has_a_short_rationale_linking_to_the_full_text(client, ehr):
    response = ehr.call(client, fhir.adult_with_low_back_pain_for_three_weeks())
    (card,) = response.json()["cards"]

    detail = card["detail"]
    # Low back pain: the text under each sentence is its PICO question's background, under
    # its own heading, never "Begrundelse" (CONTENT.md, Provenance).
    heading = "*Baggrund for det fokuserede spørgsmål (PICO):*"
    assert detail.count(heading) == 10  # one per recommendation on the card
    assert "*Begrundelse:*" not in detail
    assert (
        f"{heading} Mange patienter oplever forværring af deres smerter under almindelige "
        "dagligdags gøremål"
    ) in detail
    assert detail.count("*Oprindelse:* Formuleringen er nkr's, ud fra PICO") == 10
    assert (
        "([hele begrundelsen](http://testserver/guidelines/acute-low-back-pain/stay-active/))"
        in detail
    )
    assert "PICO 1." not in detail and "Baggrund for valg af spørgsmål" not in detail


def test_a_rationale_excerpt_skips_the_pico_question_and_headings():
    rationale = (
        "PICO 8. Bør patienter tilbydes paracetamol?\n\nBaggrund for valg af spørgsmål:\n\n"
        "Første sætning om effekten. Anden sætning.\n\nIntervention"
    )
    assert rationale_excerpt(rationale) == "Første sætning om effekten. Anden sætning."


def test_a_rationale_excerpt_keeps_whole_sentences_within_its_limit():
    first = "A" * 150 + "."
    second = "B" * 150 + "."
    assert rationale_excerpt(f"{first} {second}") == first
    assert len(rationale_excerpt("C" * 1000 + ".")) == RATIONALE_MAX
