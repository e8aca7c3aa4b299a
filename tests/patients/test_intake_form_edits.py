"""The intake form while it is edited: red-flag alerts stay, rows are added and removed."""

import re

import pytest

from recommendations.intake_input import AGE_ERROR
from tests.patients.intake_helpers import CAUDA, OPIOID_PATIENT, URL, post

pytestmark = pytest.mark.usefixtures("content")


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("edit", [{"add_medication": "1"}, {"remove_medication": "1"}])
def test_adding_or_removing_a_medication_row_re_evaluates_and_keeps_the_akut_alert(
    client, htmx, edit
):
    headers = {"HX-Request": "true", "HX-Target": "main"} if htmx else {}
    text = client.post(URL, {**OPIOID_PATIENT, **edit}, headers=headers).content.decode()
    assert "alert--critical" in text
    assert "Udfyld alder, smertelokalisation og varighed" not in text
    mme = "Morfinækvivalent: 60 mg" if "remove_medication" in edit else "Morfinækvivalent: 110 mg"
    assert mme in text


@pytest.mark.parametrize("htmx", [False, True])
def test_a_red_flag_alert_shows_while_another_field_is_invalid(client, htmx):
    text = post(
        client,
        {"age": "abc", "pain_site": "low_back", "pain_duration_weeks": "1", "red_flags": [CAUDA]},
        htmx=htmx,
    ).content.decode()
    assert str(AGE_ERROR) in text
    results = text[text.index('id="results"') :] if not htmx else text
    assert "alert--critical" in results
    assert 'role="alert"' in results


def test_a_red_flag_alert_shows_while_the_required_fields_are_still_blank(client):
    text = post(client, {"red_flags": [CAUDA, "fever"]}, htmx=True).content.decode()
    assert "Udfyld alder, smertelokalisation og varighed" in text
    assert text.count("alert--critical") >= 1 and "alert--warning" in text


@pytest.mark.parametrize("htmx", [False, True])
def test_ticked_red_flags_are_also_shown_in_the_summary_at_the_top_of_the_form(client, htmx):
    text = post(
        client, {"age": "52", "pain_site": "low_back", "red_flags": [CAUDA]}, htmx=htmx
    ).content.decode()
    peek = re.search(r'<div id="result-peek"[^>]*>(.*?)</div>', text, re.S)
    assert peek and "alert--critical" in peek.group(1) and "AKUT" in peek.group(1)
    if htmx:  # its contents only: the element the page holds stays
        assert '<div id="result-peek" hx-swap-oob="innerHTML">' in text
    else:
        assert text.index('id="result-peek"') < text.index("<legend><h2>Patient</h2>")


@pytest.mark.parametrize("htmx", [False, True])
def test_the_summary_at_the_top_of_the_form_holds_the_first_applying_recommendation(client, htmx):
    text = post(
        client,
        {"age": "60", "pain_site": "generalised", "pain_duration_weeks": "30"},
        htmx=htmx,
    ).content.decode()
    start = text.index('id="result-peek"')
    peek = text[start : text.index('class="peek-link"', start)]
    results = text[text.index('class="recs"') :]
    first_title = re.search(r'<p class="rec__title" lang="da"><a [^>]*>(.*?)</a>', results).group(1)
    assert f'<p class="peek-rec__title" lang="da">{first_title}</p>' in peek
    assert "alert" not in peek  # no alerts for this patient


def test_the_summary_is_empty_before_anything_is_filled_in(client):
    text = client.get(URL).content.decode()
    assert '<div id="result-peek" class="result-peek"></div>' in text


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


def test_a_red_flag_without_a_known_category_is_still_on_the_form(client):
    # A content slip must never hide a red flag from the clinician.
    from recommendations.models import RedFlag

    RedFlag.objects.filter(code="fever").update(categories=["no_such_category"])

    response = client.get("/intake/")

    assert response.status_code == 200
    assert 'value="fever"' in response.content.decode()
