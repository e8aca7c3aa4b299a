"""The intake page: same validation and evaluator as the API, Danish errors, nothing stored."""

import re
from html import escape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from recommendations.intake_input import AGE_ERROR, DOSE_ERROR, PAIN_SITE_ERROR

pytestmark = pytest.mark.usefixtures("content")

URL = "/intake/"


def post(client, data, htmx=False):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(URL, data, headers=headers)


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
    assert 'Fordi:</strong> <span lang="da">smerter af neurogen karakter' in text
    # The rationale folds away, with ids so a live update can keep it open (static/nkr/nkr.js).
    summary = '<summary id="why-child-msk-pain-secondary-analgesics-summary">Begrundelse</summary>'
    assert summary in text
    assert "Patienten får paracetamol" in text
    assert 'href="/guidelines/child-msk-pain/secondary-analgesics/"' in text


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
    writes = [q["sql"] for q in queries if not q["sql"].lstrip().upper().startswith("SELECT")]
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
    form = text[text.index('action="/opioids/taper-plan/"') :]
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


CAUDA = "cauda_equina_saddle_anaesthesia"
OPIOID_PATIENT = {
    "age": "60",
    "pain_site": "generalised",
    "pain_duration_weeks": "200",
    "med-0-drug": "oxycodone",
    "med-0-dose": "40",
    "med-1-drug": "morphine",
    "med-1-dose": "50",
    "medication_rows": "2",
    "opioid_treatment_months": "24",
    "red_flags": [CAUDA],
}


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("edit", [{"add_medication": "1"}, {"remove_medication": "1"}])
def test_adding_or_removing_a_medication_row_re_evaluates_and_keeps_the_akut_alert(
    client, htmx, edit
):
    headers = {"HX-Request": "true", "HX-Target": "main"} if htmx else {}
    text = client.post(URL, {**OPIOID_PATIENT, **edit}, headers=headers).content.decode()
    assert "alert--critical" in text
    assert "Udfyld alder, smertelokalisation og varighed" not in text
    mme = "Morfinækvivalent: 60,0" if "remove_medication" in edit else "Morfinækvivalent: 110,0"
    assert mme in text


@pytest.mark.parametrize("htmx", [False, True])
def test_a_red_flag_alert_shows_while_another_field_is_invalid(client, htmx):
    text = post(
        client,
        {"age": "abc", "pain_site": "low_back", "pain_duration_weeks": "1", "red_flags": [CAUDA]},
        htmx=htmx,
    ).content.decode()
    assert AGE_ERROR in text
    results = text[text.index('id="results"') :] if not htmx else text
    assert "alert--critical" in results
    assert 'role="alert"' in results


def test_a_red_flag_alert_shows_while_the_required_fields_are_still_blank(client):
    text = post(client, {"red_flags": [CAUDA, "fever"]}, htmx=True).content.decode()
    assert "Udfyld alder, smertelokalisation og varighed" in text
    assert text.count("alert--critical") >= 1 and "alert--warning" in text


@pytest.mark.parametrize("htmx", [False, True])
def test_ticked_red_flags_are_also_shown_in_the_banner_at_the_top_of_the_form(client, htmx):
    text = post(
        client, {"age": "52", "pain_site": "low_back", "red_flags": [CAUDA]}, htmx=htmx
    ).content.decode()
    banner = re.search(r'<div id="flag-alerts" class="flag-banner"[^>]*>(.*?)</div>', text, re.S)
    assert banner and "alert--critical" in banner.group(1)
    if htmx:
        assert '<div id="flag-alerts" class="flag-banner" hx-swap-oob="true">' in text
    else:
        assert text.index('id="flag-alerts"') < text.index("<legend><h2>Patient</h2>")


def test_the_startback_answers_can_be_cleared(client):
    response = client.post(
        URL,
        {
            "age": "35",
            "pain_site": "low_back",
            "pain_duration_weeks": "4",
            "startback_1": "1",
            "startback_9": "extremely",
            "clear_startback": "1",
        },
        headers={"HX-Request": "true", "HX-Target": "main"},
    )
    text = response.content.decode()
    assert '<main id="main"' in text
    assert 'name="startback_1" value="1" checked' not in text
    assert 'value="extremely" selected' not in text
    assert "STarT Back beregnes" not in text
    assert "Uden for målgruppen" in text  # evaluated again without the answers


def test_a_red_flag_in_two_categories_is_one_checkbox_with_both_categories_named(client):
    text = client.get(URL).content.decode()
    for code in ["chest_pain", "poor_general_condition"]:
        assert text.count(f'name="red_flags" value="{code}"') == 1
    assert "(også Infektion)" in text
    assert "afkrydses under Tumor" in text


def test_unticking_a_red_flag_in_two_categories_removes_its_alert(client):
    base = {"age": "40", "pain_site": "low_back", "pain_duration_weeks": "3"}
    ticked = post(client, {**base, "red_flags": ["chest_pain"]}).content.decode()
    assert "Rødt flag: Samtidige brystsmerter" in ticked
    assert ticked.count('value="chest_pain" checked') == 1
    unticked = post(client, base).content.decode()
    assert "Rødt flag: Samtidige brystsmerter" not in unticked


@pytest.mark.parametrize("rows", ["abc", "1e3", "-1", ""])
def test_a_tampered_medication_row_count_is_the_minimum_not_a_500(client, rows):
    response = post(client, {"age": "40", "medication_rows": rows})
    assert response.status_code == 200
    assert response.content.decode().count('class="med-row"') == 2


def test_daily_mme_on_the_page_carries_the_not_for_switching_caveat(client):
    from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING

    text = post(client, {**OPIOID_PATIENT, "red_flags": []}).content.decode()
    assert "Morfinækvivalent: 110,0" in text
    # Said once: the 90 MME alert carries it, so the page does not repeat it beneath. (The
    # journal note, text for the record, quotes the alerts in full: it is not counted.)
    page, note = text.split('<pre id="journal-note"')[0], text.split('<pre id="journal-note"')[1]
    assert page.count(escape(MME_NOT_FOR_SWITCHING)) == 1
    assert note.split("</pre>")[0].count(escape(MME_NOT_FOR_SWITCHING)) == 1


def test_below_the_us_thresholds_the_mme_caveat_stands_beside_the_figure(client):
    from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING

    patient = {**OPIOID_PATIENT, "red_flags": [], "med-0-dose": "10", "med-1-dose": "5"}
    text = post(client, patient).content.decode()
    assert "Morfinækvivalent: 20,0" in text
    assert text.count(escape(MME_NOT_FOR_SWITCHING)) == 1


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
    assert 'action="/opioids/taper-plan/"' in tools and 'action="/opioids/mme/"' in tools
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


def test_a_red_flag_without_a_known_category_is_still_on_the_form(client):
    # A content slip must never hide a red flag from the clinician.
    from recommendations.models import RedFlag

    RedFlag.objects.filter(code="fever").update(categories=["no_such_category"])

    response = client.get("/intake/")

    assert response.status_code == 200
    assert 'value="fever"' in response.content.decode()
