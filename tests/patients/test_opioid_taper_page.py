"""The taper page /opioids/taper-plan/: form and plan (the print-out: test_taper_print.py)."""

from datetime import timedelta
from html import escape

import pytest
from django.utils import timezone

from patients.opioids.input import (
    TREATMENT_MONTHS_REQUIRED_ERROR,
)
from patients.opioids.plan_types import (
    INTERVAL_ERROR,
    REDUCTION_ERROR,
)
from tests.patients.opioid_helpers import MME_PAGE, OXYCODONE_60, PRINT_FORM, TAPER_PAGE

# --- The taper page --------------------------------------------------------------------------


@pytest.mark.usefixtures("content")
def test_taper_page_form_has_the_defaults(client):
    text = client.get(TAPER_PAGE).content.decode()
    assert 'name="reduction_percent" type="text" inputmode="decimal" size="5" value="10"' in text
    assert 'name="target_daily_dose" type="text" inputmode="decimal" size="6" value="0"' in text
    # Without a date the plan starts on the next working day (Monday after a Friday-Sunday).
    today = timezone.localdate()
    days = {4: 3, 5: 2}.get(today.weekday(), 1)
    assert f'value="{(today + timedelta(days=days)).isoformat()}"' in text
    assert 'method="post"' in text
    assert "Standard: hver 4. uge ved brug i 12 måneder eller mere, ellers hver uge" in text


@pytest.mark.usefixtures("content")
def test_taper_page_builds_the_plan_with_chart_table_follow_ups_and_guideline(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "10",
            "target_daily_dose": "0",
            "start_date": "2026-01-05",
        },
    ).content.decode()
    assert "Forslag til nedtrapning af oxycodon" in text
    assert '<svg class="taper-chart__svg"' in text
    assert 'role="img"' in text
    assert "<caption>Trin i planen</caption>" in text
    assert (
        '<td class="num" data-label="Døgndosis (mg/døgn)">54</td>\n'
        '        <td class="num" data-label="MME/døgn">81</td>'
    ) in text
    assert "12. oktober 2026" in text
    assert "Et forslag, ikke en ordination" in text
    # The guideline's recommendations beside the plan, each with its badge and link.
    for slug in ("psychosocial-support", "individual-target", "no-abrupt-discontinuation"):
        assert f'href="/guidelines/opioid-tapering/{slug}/"' in text
    # CDC grades no-abrupt-discontinuation itself (CONTENT.md): its grade, not "expert advice".
    assert "Ikke NKR-graderet: CDC kategori B, evidenstype 4 imod" in text
    assert "Der er ikke sikker evidens" in text
    # A strict Content Security Policy holds: no inline styles or scripts, the chart included.
    assert " style=" not in text
    assert "<script>" not in text


@pytest.mark.usefixtures("content")
def test_the_chart_numbers_are_not_localised_into_commas(client):
    with_decimals = client.post(
        TAPER_PAGE,
        {"drug": "oxycodone", "daily_dose": "45", "treatment_months": "24"},
    ).content.decode()
    svg = with_decimals.split("<svg", 1)[1].split("</svg>", 1)[0]
    path = svg.split('d="', 1)[1].split('"', 1)[0]
    assert "," not in path
    assert "40,5" in with_decimals  # the table is Danish


@pytest.mark.usefixtures("content")
def test_taper_page_shows_errors_inline_and_keeps_the_inputs(client):
    response = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "75",
            "interval_weeks": "13",
            "target_daily_dose": "70",
            "start_date": "2026-01-05",
        },
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert f'id="error-reduction_percent">{escape(REDUCTION_ERROR)}</span>' in text
    assert f'id="error-interval_weeks">{escape(INTERVAL_ERROR)}</span>' in text
    assert 'id="error-target_daily_dose">Måldosis (70 mg) skal være lavere' in text
    assert 'value="75"' in text and 'value="70"' in text
    assert 'aria-invalid="true"' in text
    assert "taper-chart" not in text


@pytest.mark.usefixtures("content")
def test_taper_page_refuses_a_500_row_plan_with_a_danish_message(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "morphine",
            "daily_dose": "60",
            "treatment_months": "24",
            "reduction_percent": "1",
        },
    ).content.decode()
    assert "Planen ville få 101 trin; højst 60 trin er tilladt." in text
    assert "<caption>Trin i planen</caption>" not in text


@pytest.mark.usefixtures("content")
def test_a_prefill_from_the_intake_page_shows_the_form_filled_and_no_errors(client):
    response = client.post(
        TAPER_PAGE,
        {"prefill": "1", "drug": "oxycodone", "daily_dose": "60", "treatment_months": "24"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert '<option value="oxycodone" selected>' in text
    assert 'value="60"' in text and 'value="24"' in text
    assert 'value="10"' in text  # the default reduction is filled in
    assert "error-summary" not in text
    assert 'aria-invalid="true"' not in text
    assert "Forslag til nedtrapning af oxycodon" in text


@pytest.mark.usefixtures("content")
def test_a_prefill_without_treatment_months_shows_no_error_for_it(client):
    text = client.post(
        TAPER_PAGE, {"prefill": "1", "drug": "morphine", "daily_dose": "30"}
    ).content.decode()
    assert escape(TREATMENT_MONTHS_REQUIRED_ERROR) not in text
    assert "error-summary" not in text
    assert 'value="30"' in text


@pytest.mark.usefixtures("content")
def test_a_plain_submit_without_treatment_months_says_it_is_needed(client):
    text = client.post(TAPER_PAGE, {"drug": "morphine", "daily_dose": "30"}).content.decode()
    assert f'id="error-treatment_months">{escape(TREATMENT_MONTHS_REQUIRED_ERROR)}' in text


@pytest.mark.usefixtures("content")
def test_the_error_summary_names_each_field_it_asks_to_correct(client):
    # "Skal udfyldes." twice said nothing about which of the fields above was meant.
    text = client.post(TAPER_PAGE, {"treatment_months": "24", "reduction_percent": "80"})
    text = text.content.decode()
    summary = text[text.index('class="error-summary"') :].split("</div>")[0]
    assert "<li>Opioid: Skal udfyldes.</li>" in summary
    assert "<li>Nuværende døgndosis: Skal udfyldes.</li>" in summary
    assert f"<li>Reduktion pr. trin: {escape(REDUCTION_ERROR)}</li>" in summary


@pytest.mark.usefixtures("content")
def test_doses_in_the_url_are_ignored(client):
    text = client.get(TAPER_PAGE, {"drug": "oxycodone", "daily_dose": "60"}).content.decode()
    assert 'value="60"' not in text
    assert "taper-chart" not in text


@pytest.mark.usefixtures("content")
def test_hold_pause_after_a_step_adds_a_pause_and_moves_the_later_steps(client):
    base = {
        "drug": "oxycodone",
        "daily_dose": "60",
        "treatment_months": "24",
        "start_date": "2026-01-05",
    }
    text = client.post(TAPER_PAGE, base | {"pause_rows": "0", "add_pause": "3"}).content.decode()
    assert 'name="pause-0-after" type="text" inputmode="numeric" size="3" value="3"' in text
    assert "Pause: 1 ekstra interval" in text
    # Step 4 moves from 30 March to 27 April.
    assert (
        '27. april 2026</td>\n        <td class="num" data-label="Døgndosis (mg/døgn)">42</td>'
        in text
    )


@pytest.mark.usefixtures("content")
def test_adding_a_pause_row_with_htmx_returns_the_whole_form(client):
    text = client.post(
        TAPER_PAGE,
        {"drug": "oxycodone", "pause_rows": "0", "add_pause": ""},
        headers={"HX-Request": "true", "HX-Target": "main"},
    ).content.decode()
    assert 'id="main"' in text
    assert 'name="pause-0-after"' in text
    assert "error-summary" not in text


@pytest.mark.usefixtures("content")
def test_a_pause_after_the_last_step_is_an_inline_error(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "pause_rows": "1",
            "pause-0-after": "11",
            "pause-0-extra": "1",
        },
    ).content.decode()
    assert 'id="error-pause-0">Der kan ikke holdes pause efter trin 11' in text
    assert "Pause 1:" in text


@pytest.mark.usefixtures("content")
def test_removing_a_pause_row_keeps_the_others(client):
    text = client.post(
        TAPER_PAGE,
        {
            "drug": "oxycodone",
            "daily_dose": "60",
            "treatment_months": "24",
            "pause_rows": "2",
            "pause-0-after": "2",
            "pause-0-extra": "1",
            "pause-1-after": "5",
            "pause-1-extra": "2",
            "remove_pause": "0",
        },
    ).content.decode()
    assert 'name="pause-0-after" type="text" inputmode="numeric" size="3" value="5"' in text
    assert 'name="pause-1-after"' not in text


@pytest.mark.usefixtures("content")
def test_the_live_update_returns_the_plan_partial_and_out_of_band_errors(client):
    response = client.post(
        TAPER_PAGE,
        {"drug": "oxycodone", "daily_dose": "60", "treatment_months": "24", "interval_weeks": "20"},
        headers={"HX-Request": "true", "HX-Target": "plan"},
    )
    text = response.content.decode()
    assert "<html" not in text
    assert 'id="error-interval_weeks" hx-swap-oob="true">' + escape(INTERVAL_ERROR) in text


@pytest.mark.usefixtures("content")
def test_while_typing_missing_fields_are_not_errors_yet(client):
    text = client.post(
        TAPER_PAGE, {"drug": "oxycodone", "daily_dose": "6"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "error-summary" not in text
    assert "Udfyld opioid, døgndosis og varighed" in text


@pytest.mark.parametrize(
    ("method", "url", "data", "budget"),
    [
        ("get", TAPER_PAGE, {}, 2),
        (
            "post",
            TAPER_PAGE,
            {"drug": "oxycodone", "daily_dose": "60", "treatment_months": "24"},
            2,
        ),
        ("post", TAPER_PAGE, {**OXYCODONE_60, "daily_dose": "60", "print": "1"}, 0),
        ("get", MME_PAGE, {}, 0),
        (
            "post",
            MME_PAGE,
            {"medication_rows": "2", "med-0-drug": "morphine", "med-0-dose": "9"},
            0,
        ),
    ],
)
@pytest.mark.usefixtures("content")
def test_the_opioid_pages_stay_within_their_query_budget(
    client, django_assert_max_num_queries, method, url, data, budget
):
    with django_assert_max_num_queries(budget):
        assert getattr(client, method)(url, data).status_code == 200


@pytest.mark.usefixtures("content")
def test_in_english_the_plans_danish_texts_are_marked_danish(client):
    text = client.post(
        TAPER_PAGE, {k: v for k, v in PRINT_FORM.items() if k != "print"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<strong>A suggestion, not a prescription:</strong> <span lang="da">Planen er' in text
    notes = text[text.index('<ul class="notes">') :].split("</ul>")[0]
    assert notes.count("<li") == notes.count('<li lang="da">') > 0
    # The tapering recommendations beside the plan are the guideline's Danish texts.
    aside = text[text.index('<aside class="taper-guideline"') :].split("</aside>")[0]
    assert aside.count('<p class="rec__title">') == 0
    assert aside.count('<p class="rec__title" lang="da">') == 6
    assert '<p class="note"><span lang="da">Der er ikke sikker evidens' in aside
