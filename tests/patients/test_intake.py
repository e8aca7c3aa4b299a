"""The intake page: same validation and evaluator as the API, Danish errors, nothing stored."""

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.intake_input import AGE_ERROR, DOSE_ERROR, PAIN_SITE_ERROR
from tests.patients.intake_helpers import URL, post

pytestmark = pytest.mark.usefixtures("content")


def test_the_empty_form_has_every_section_and_no_name_or_cpr_field(client):
    text = client.get(URL).content.decode()
    for legend in [
        "Patient",
        "Smerter",
        "Røde flag",
        "Funktion og psykosociale forhold",
        "Behandling indtil nu",
        "STarT Back (valgfri)",
    ]:
        assert f"<legend><h2>{legend}</h2></legend>" in text  # a heading, for navigation
    assert "Keele University" in text
    for forbidden in ['name="name"', 'name="cpr"', "CPR-nummer:"]:
        assert forbidden not in text


def test_red_flags_are_grouped_by_category_and_cauda_equina_stands_out(client):
    text = client.get(URL).content.decode()
    for heading in ["Fraktur", "Tumor", "Infektion", "Radikulopati/neuropati"]:
        assert f"<h3>{heading}</h3>" in text
    assert text.count("choice--critical") == 5


def test_a_plain_submit_shows_alerts_first_then_guidelines_in_and_out_of_scope(client):
    text = post(
        client,
        {
            "age": "52",
            "pain_site": "low_back",
            "pain_duration_weeks": "1",
            "red_flags": ["cauda_equina_saddle_anaesthesia"],
        },
    ).content.decode()
    alert = text.index("alert--critical")
    assert alert < text.index("Uden for målgruppen")
    assert 'role="alert"' in text
    assert "Rødt flag" in text


def test_a_child_sees_the_childrens_recommendations_with_because_and_rationale(client):
    text = post(
        client,
        {
            "age": "10",
            "pain_site": "other_msk",
            "pain_duration_weeks": "30",
            "neuropathic_pain": "on",
            "med-0-drug": "paracetamol",
            "med-0-dose": "1500",
            "medication_rows": "2",
        },
    ).content.decode()
    assert "Overvej behandling med sekundære analgetika" in text
    assert 'læsning)</span>: <span lang="da">smerter af neurogen karakter' in text
    # The rationale folds away, with ids so a live update can keep it open (static/nkr/nkr.js).
    summary = '<summary id="why-child-msk-pain-secondary-analgesics-summary">Begrundelse</summary>'
    assert summary in text
    assert "Patienten får paracetamol" in text
    assert 'href="/guidelines/child-msk-pain/secondary-analgesics/"' in text


def test_each_because_line_is_marked_nkrs_reading_and_links_a_scope_reason_to_the_scope(client):
    # CONTENT.md (Provenance): which facts make a recommendation apply, and the scope's limits
    # ("at least 12 weeks" for the children's "langvarige"), are this project's reading of the
    # source. The card's "Fordi" line sits under "Ordret fra kilden": it must not read as the
    # source's words.
    text = post(
        client,
        {
            "age": "12",
            "pain_site": "other_msk",
            "pain_duration_weeks": "20",
            "neuropathic_pain": "on",
        },
    ).content.decode()
    reading = '<strong>Fordi</strong> <span class="reading">(nkr\'s læsning)</span>:'
    because = re.findall(r'<p class="because">(.*?)</p>', text)
    assert because and all(line.startswith(reading) for line in because)
    # Held for everyone in scope: the line points to the scope's reasons, which name the reading.
    link = '<a href="#scope-reasons-child-msk-pain">i målgruppen</a>'
    in_scope = f'{reading} {link}: <span lang="da">'
    assert f"{in_scope}alder (år) mindst 6 (12)" in text
    assert 'id="scope-reasons-child-msk-pain"' in text
    assert escape("nkr's læsning: mindst 12 uger") in text
    # A recommendation's own condition: the patient's fact, no scope link.
    assert f'{reading} <span lang="da">smerter af neurogen karakter' in text


def test_the_because_lines_reading_mark_is_in_english_on_the_english_page(client):
    client.cookies["django_language"] = "en"
    text = post(
        client, {"age": "12", "pain_site": "other_msk", "pain_duration_weeks": "20"}
    ).content.decode()
    assert (
        '<strong>Because</strong> <span class="reading">(nkr\'s reading)</span>: '
        '<a href="#scope-reasons-child-msk-pain">covered by the guideline</a>:'
    ) in text


def test_danish_decimal_commas_are_understood(client):
    text = post(
        client,
        {
            "age": "45",
            "pain_site": "generalised",
            "pain_duration_weeks": "26,5",
            "complex_problems": "on",
        },
    ).content.decode()
    # More than 26 weeks with complex problems: the multidisciplinary recommendation applies.
    assert 'href="/guidelines/generalised-pain/multidisciplinary/"' in text
    assert "smertevarighed (uger) over 26 (26,5)" in text


def test_bad_input_is_shown_next_to_each_field_and_the_form_keeps_what_was_typed(client):
    response = post(
        client,
        {
            "age": "abc",
            "pain_site": "knee",
            "pain_duration_weeks": "3",
            "med-0-drug": "oxycodone",
            "med-0-dose": "-5",
            "medication_rows": "2",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="error-age">{AGE_ERROR}' in text
    assert 'id="error-pain_site">' + escape(PAIN_SITE_ERROR.format(input="knee")) in text
    assert f"Lægemiddel 1: {DOSE_ERROR}" in text
    assert 'value="abc"' in text and 'value="-5"' in text
    assert "Ret venligst" in text


def test_the_startback_tools_english_wording_is_marked_english_and_its_danish_note_danish(client):
    # Only Keele's English wording is seeded (CONTENT.md): a screen reader must not read it with
    # a Danish voice on the Danish page, nor the Danish translation note in English on the other.
    for language in ("da", "en"):
        text = client.get(URL, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        items = re.findall(r'<span class="sb-text" id="sb-\d" lang="(\w+)">', text)
        assert items == ["en"] * 9
        assert '<p class="muted" lang="da">Kun den officielle engelske ordlyd' in text
        assert '<p class="copyright" lang="en">The copyright' in text


# Found auditing the content (2026-12-06): the Danish answers ("Enig", "Slet ikke" ...) are
# nkr's own translation of Keele's English options, but nothing said so.
def test_the_startback_answers_danish_wording_is_said_to_be_nkrs_translation(client):
    text = client.get(URL).content.decode()
    assert (
        escape(
            "Svarmulighederne på dansk (Enig/Uenig; Slet ikke til Ekstremt) er nkr's "
            "oversættelse af de engelske (Agree/Disagree; Not at all to Extremely)."
        )
        in text
    )


def test_the_error_summary_names_each_field_it_asks_to_correct(client):
    # On a phone the summary is at the top of the result, far above the fields: "Skal udfyldes."
    # three times told the clinician nothing about which fields.
    text = post(client, {"pain_site": "generalised", "med-0-dose": "abc"}).content.decode()
    summary = text[text.index('class="error-summary"') :].split("</div>")[0]
    assert "<li>Alder (år): Skal udfyldes.</li>" in summary
    assert "<li>Varighed (uger): Skal udfyldes.</li>" in summary
    assert "Lægemiddel 1: Skal udfyldes." in summary  # the drug: "Lægemiddel 1" is its label
    assert f"Lægemiddel 1: {DOSE_ERROR}" in summary
    assert "Smertelokalisation" not in summary


@pytest.mark.parametrize("htmx", [False, True])
def test_a_half_answered_startback_is_not_scored_and_the_page_says_so_without_hiding_results(
    client, htmx
):
    text = post(
        client,
        {
            "age": "35",
            "pain_site": "low_back",
            "pain_duration_weeks": "4",
            "startback_1": "1",
            "red_flags": ["cauda_equina_saddle_anaesthesia"],
        },
        htmx=htmx,
    ).content.decode()
    assert "STarT Back beregnes, når alle ni spørgsmål er besvaret (1 af 9 besvaret)" in text
    assert "alert--critical" in text
    assert "Uden for målgruppen" in text  # the rest of the result is shown too
    assert "STarT Back: " not in text  # no score from a default for the unanswered eight
    assert "Ret venligst" not in text


def test_startback_answers_are_scored_with_item_nine_from_its_five_answers(client):
    answers = {f"startback_{i}": "1" for i in range(1, 7)} | {
        "startback_7": "0",
        "startback_8": "0",
        "startback_9": "moderately",
    }
    text = post(
        client, {"age": "35", "pain_site": "low_back", "pain_duration_weeks": "4", **answers}
    ).content.decode()
    assert "STarT Back: 6/9" in text
    assert "psykosocial 2/5" in text


def test_live_updates_return_only_the_results_and_refresh_every_field_error(client):
    response = post(
        client, {"age": "130", "pain_site": "low_back", "pain_duration_weeks": "4"}, htmx=True
    )
    text = response.content.decode()
    assert "<html" not in text
    assert f'id="error-age" hx-swap-oob="true">{AGE_ERROR}' in text
    assert 'id="error-pain_site" hx-swap-oob="true"></span>' in text


def test_while_typing_missing_required_fields_are_a_hint_not_an_error(client):
    text = post(client, {"age": "40"}, htmx=True).content.decode()
    assert "Udfyld alder, smertelokalisation og varighed" in text
    assert "Skal udfyldes" not in text


def test_medication_rows_can_be_added_and_removed_without_javascript(client):
    text = post(client, {"age": "40", "medication_rows": "2", "add_medication": "1"}).content
    assert text.decode().count('class="med-row"') == 3
    text = post(
        client,
        {
            "medication_rows": "3",
            "med-1-drug": "tramadol",
            "med-1-dose": "100",
            "remove_medication": "0",
        },
    ).content.decode()
    assert text.count('class="med-row"') == 2
    assert '<option value="tramadol" selected>' in text


def test_adding_a_medication_row_with_htmx_returns_the_whole_form_focused_on_the_new_row(client):
    # htmx swaps <main> (hx-target="#main", hx-select="#main"): the results alone would empty it.
    response = client.post(
        URL,
        {"age": "40", "medication_rows": "2", "add_medication": "1"},
        headers={"HX-Request": "true", "HX-Target": "main"},
    )
    text = response.content.decode()
    assert '<main id="main"' in text
    assert text.count('class="med-row"') == 3
    assert re.search(r'<select id="med-2-drug"[^>]* autofocus', text)


def test_the_page_and_the_api_give_the_same_result(client):
    intake = {
        "age": 60,
        "pain_site": "generalised",
        "pain_duration_weeks": 200,
        "medications": [{"drug": "oxycodone", "daily_dose": 40, "unit": "mg"}],
        "opioid_treatment_months": 24,
    }
    api = client.post("/api/v1/evaluate/", intake, content_type="application/json").json()
    page = post(
        client,
        {
            "age": "60",
            "pain_site": "generalised",
            "pain_duration_weeks": "200",
            "med-0-drug": "oxycodone",
            "med-0-dose": "40",
            "medication_rows": "2",
            "opioid_treatment_months": "24",
        },
    ).content.decode()
    for guideline in api["guidelines"]:
        for rec in guideline["recommendations"]:
            assert f'href="{rec["url"].removeprefix("http://testserver")}"' in page
    for alert in api["alerts"]:
        assert escape(alert["message"]) in page


def test_nothing_about_the_patient_is_written_to_the_database(client):
    with CaptureQueriesContext(connection) as queries:
        post(client, {"age": "30", "pain_site": "low_back", "pain_duration_weeks": "3"})
    # Reads: SELECTs, and on PostgreSQL the content version's prepared SELECT (content_version.py).
    reads = ("SELECT", "EXECUTE NKR_CONTENT_VERSION", "PREPARE NKR_CONTENT_VERSION AS SELECT")
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith(reads)]
    assert writes == []


def test_results_are_never_cached(client):
    response = post(client, {"age": "30", "pain_site": "low_back", "pain_duration_weeks": "3"})
    assert "no-store" in response.headers["Cache-Control"]


def test_the_intake_page_stays_within_its_query_budget(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = post(client, {"age": "30", "pain_site": "low_back", "pain_duration_weeks": "3"})
    assert response.status_code == 200


def test_tapering_in_scope_offers_a_prefilled_taper_plan_by_post(client):
    text = post(
        client,
        {
            "age": "60",
            "pain_site": "generalised",
            "pain_duration_weeks": "200",
            "med-0-drug": "oxycodone",
            "med-0-dose": "40",
            "medication_rows": "2",
            "opioid_treatment_months": "24",
        },
    ).content.decode()
    form = text[text.index('action="/opioids/taper-plan/#plan"') :]
    form = form[: form.index("</form>")]
    for hidden in [
        'name="prefill" value="1"',
        'name="drug" value="oxycodone"',
        'name="daily_dose" value="40"',
        'name="treatment_months" value="24"',
    ]:
        assert hidden in form
    taper = client.post(
        "/opioids/taper-plan/",
        {
            "prefill": "1",
            "drug": "oxycodone",
            "daily_dose": "40",
            "treatment_months": "24",
        },
    ).content.decode()
    assert 'value="40"' in taper and "<svg" in taper
