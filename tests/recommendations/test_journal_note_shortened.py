"""A shortened journal note still says what each line is about.

Found by an outside rules audit (2026-12-06): to fit 2,000 characters the note cut each
recommendation's sentence from its start, so "Anvend kun efter nøje ov…" no longer said
tramadol, and with a red flag and four drugs every line was a bare grade ("↓ Svag anbefaling
imod", thirteen times), which a record cannot be read or audited by. The shortened dose alert
also lost that 90 MME/day is a US marker.
"""

from recommendations.rules.journal import JOURNAL_NOTE_MAX
from tests.recommendations.rules_helpers import med, note_of

# The audit's patient: generalised pain, off work, on oxycodone for two years.
GENERALISED_ON_OXYCODONE = {
    "age": 60,
    "pain_site": "generalised",
    "pain_duration_weeks": 200,
    "nonpharmacological_insufficient": True,
    "complex_problems": True,
    "activity_limitation": True,
    "work_status": "sick_leave",
    "medications": [med("oxycodone", 40)],
    "opioid_treatment_months": 24,
}
# The same patient with an urgent red flag and three more drugs.
WITH_RED_FLAG_AND_FOUR_DRUGS = {
    **GENERALISED_ON_OXYCODONE,
    "red_flags": ["cauda_equina_saddle_anaesthesia"],
    "medications": [
        med("oxycodone", 40),
        med("tramadol", 200),
        med("ssri", 20),
        med("ibuprofen", 1200),
    ],
}
# What each of the generalised guideline's recommendations is about, as its sentence says it.
SUBJECTS = {
    "kognitiv adfærdsterapi",
    "tramadol",
    "opioider uden dual action",
    "amitriptylin",
    "Duloxetin",
    "SSRI",
    "gabapentin",
    "superviseret træning",
    "patientuddannelse",
    "multidisciplinær",
}


def recommendation_lines(note: str) -> list[str]:
    listed = note.split("Anbefalinger, der gælder:")[1].splitlines()
    return [line for line in listed if line.startswith("- ")]


def test_each_shortened_line_names_what_its_recommendation_is_about():
    note = note_of(GENERALISED_ON_OXYCODONE)
    assert len(note) <= JOURNAL_NOTE_MAX
    lines = recommendation_lines(note)
    assert {subject for subject in SUBJECTS if any(subject in line for line in lines)} == SUBJECTS
    assert not any(line.endswith((" for", " imod")) for line in lines)  # no bare grade


def test_where_room_runs_out_a_recommendation_against_a_drug_taken_keeps_its_sentence():
    # A red flag, four drugs and twenty recommendations: not every sentence fits in 2,000
    # characters, but those the shortened medication alert points to ("nedenfor") do.
    note = note_of(WITH_RED_FLAG_AND_FOUR_DRUGS)
    assert len(note) <= JOURNAL_NOTE_MAX
    lines = recommendation_lines(note)
    for subject in ("tramadol", "opioider uden dual action", "SSRI til smertelindring"):
        (line,) = [line for line in lines if subject in line]
        assert line.endswith("."), line  # whole, not cut
    # A sentence with no room for a word is left out, not shown as "[…]…".
    assert not any(line.endswith("[…]…") for line in lines)


def test_a_shortened_note_names_every_drug_advised_against_once():
    note = note_of(WITH_RED_FLAG_AND_FOUR_DRUGS)
    alerts = note.split("Advarsler:")[1].split("Anbefalinger, der gælder:")[0]
    assert "oxycodon" in alerts and "tramadol" in alerts and "SSRI" in alerts


def test_a_shortened_dose_alert_still_says_the_marker_is_american():
    note = note_of(WITH_RED_FLAG_AND_FOUR_DRUGS)
    (dose,) = [line for line in note.splitlines() if "Dagligt morfinækvivalent" in line]
    assert "90 mg eller mere" in dose
    assert "USA" in dose and "2016" in dose


def test_a_shortened_sentence_that_negates_keeps_its_opening():
    # "Det er god praksis at undlade brug af opioider" after "God praksis anbefaling imod":
    # without its opening, "imod: […] undlade brug af opioider" would read as its opposite.
    child = {
        "age": 12,
        "pain_site": "other_msk",
        "pain_duration_weeks": 20,
        "neuropathic_pain": True,
        "red_flags": ["fever", "unexplained_weight_loss", "previous_malignancy"],
        "medications": [med(drug, 10) for drug in ("morphine", "paracetamol", "ibuprofen")],
    }
    note = note_of(child)
    (line,) = [line for line in recommendation_lines(note) if "opioider" in line]
    assert "undlade" not in line or "Det er god praksis at undlade" in line
    assert "[…]" in note  # shortened
