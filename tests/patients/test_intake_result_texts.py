"""What the intake result says: the MME caveat, STarT Back risk, the opioid tools, the printout."""

from html import escape

import pytest

from tests.patients.intake_helpers import OPIOID_PATIENT, URL, post

pytestmark = pytest.mark.usefixtures("content")


def test_daily_mme_on_the_page_carries_the_not_for_switching_caveat(client):
    from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING
    from recommendations.rules.journal import MME_NOT_FOR_SWITCHING_SHORT

    text = post(client, {**OPIOID_PATIENT, "red_flags": []}).content.decode()
    assert "Morfinækvivalent: 110 mg/døgn" in text
    # Said once: the 90 MME alert carries it, so the result does not repeat it beneath. (The
    # journal note, text for the record, says it too, and the summary at the top of the form on
    # a phone quotes the alerts as a preview: neither is counted.)
    text = text[text.index('id="results"') :]
    page, note = text.split('<pre id="journal-note"')[0], text.split('<pre id="journal-note"')[1]
    assert page.count(escape(MME_NOT_FOR_SWITCHING)) == 1
    # This patient's note is too long whole: its alerts are shortened, and the caveat is said
    # once, in fewer words, beside the figure.
    note = note.split("</pre>")[0]
    assert note.count(escape(MME_NOT_FOR_SWITCHING)) + note.count(MME_NOT_FOR_SWITCHING_SHORT) == 1


def test_below_the_us_thresholds_the_mme_caveat_stands_beside_the_figure(client):
    from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING

    patient = {**OPIOID_PATIENT, "red_flags": [], "med-0-dose": "10", "med-1-dose": "5"}
    text = post(client, patient).content.decode()
    assert "Morfinækvivalent: 20 mg/døgn" in text
    assert text.count(escape(MME_NOT_FOR_SWITCHING)) == 1


@pytest.mark.parametrize(
    ("language", "mme", "offer", "carried"),
    [
        ("da", "Morfinækvivalent: 51,25 mg/døgn", "Oxycodon 7,5 mg, Tramadol 200 mg", "7,5"),
        ("en", "Morphine equivalent: 51.25 mg/day", "Oxycodon 7.5 mg, Tramadol 200 mg", "7.5"),
    ],
)
def test_the_mme_and_the_doses_the_opioid_tools_take_are_numbers_as_the_language_writes_them(
    client, language, mme, offer, carried
):
    client.cookies["django_language"] = language
    patient = {
        **OPIOID_PATIENT,
        "red_flags": [],
        "med-0-dose": "7,5",
        "med-1-drug": "tramadol",
        "med-1-dose": "200",
    }
    text = post(client, patient).content.decode()
    assert mme in text
    assert offer in text
    # Carried to the taper planner as the clinician would type it there (it shows the field).
    assert f'name="daily_dose" value="{carried}"' in text
    assert 'name="treatment_months" value="24"' in text


def _startback(risk_answers: list[str], bother: str) -> dict:
    answers = {f"startback_{i}": a for i, a in enumerate(risk_answers, start=1)}
    return {
        "age": "35",
        "pain_site": "low_back",
        "pain_duration_weeks": "4",
        **answers,
        "startback_9": bother,
    }


def test_startback_risk_is_in_danish_with_the_prognostic_note(client):
    text = post(client, _startback(["1"] * 8, "extremely")).content.decode()
    assert "risiko: høj" in text
    assert "risiko: high" not in text
    assert "STarT Back-scoren vises som prognostisk information" in text


def test_startback_risk_is_in_english_in_the_english_interface(client):
    client.cookies["django_language"] = "en"
    text = client.post(
        URL, _startback(["0"] * 8, "not_at_all"), headers={"Accept-Language": "en"}
    ).content.decode()
    assert "low" in text[text.index("STarT Back: 0/9") :][:200]


def test_the_opioid_tools_carry_every_current_opioid_and_name_them_in_danish(client):
    text = post(
        client,
        {**OPIOID_PATIENT, "red_flags": [], "med-1-drug": "fentanyl_patch", "med-1-dose": "25"},
    ).content.decode()
    tools = text[text.index('class="opioid-tools') :]
    tools = tools[: tools.index("</div>")]
    assert '<span lang="da">Oxycodon 40 mg, Fentanyl (depotplaster) 25 mcg/h</span>' in tools
    assert "Lav nedtrapningsplan for alle 2 opioider" in tools
    # Both forms (planner and MME page) post both opioids, in those pages' own field names.
    assert 'action="/opioids/taper-plan/#plan"' in tools
    assert 'action="/opioids/mme/#mme-results"' in tools
    for field in (
        'name="medication_rows" value="2"',
        'name="med-0-drug" value="oxycodone"',
        'name="med-0-dose" value="40"',
        'name="med-1-drug" value="fentanyl_patch"',
        'name="med-1-dose" value="25"',
    ):
        assert tools.count(field) == 2, field


def test_the_printout_has_the_date_and_a_summary_of_what_was_entered(client):
    from django.utils import formats, timezone

    text = post(client, {**OPIOID_PATIENT, "red_flags": ["fever"]}).content.decode()
    summary = text[text.index('class="print-only intake-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert formats.date_format(timezone.localdate(), "DATE_FORMAT") in summary
    for shown in [
        "<dt>Alder</dt><dd>60 år</dd>",
        "<dd>Generaliserede smerter i bevægeapparatet</dd>",
        "<dd>200 uger</dd>",
        "<dd>Feber</dd>",
        "<dd>Oxycodon 40 mg/døgn; Morfin 50 mg/døgn</dd>",
        "<dd>24</dd>",
        "<dt>STarT Back</dt><dd>Ikke udfyldt</dd>",
    ]:
        assert shown in summary
