"""The intake page at the point of care: what is not shown and why, the journal note, the
result reached from the form in one step, and the opioid tools one tap away (issue 13)."""

import re
from html import unescape

import pytest

pytestmark = pytest.mark.usefixtures("content")

URL = "/intake/"
FIFTY_GENERALISED = {"age": "50", "pain_site": "generalised", "pain_duration_weeks": "20"}


def post(client, data: dict) -> str:
    response = client.post(URL, {"medication_rows": "1", **data})
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_posts_to_the_result_so_the_page_opens_there(client):
    text = client.get(URL).content.decode()

    assert 'action="/intake/#results"' in text


def test_each_in_scope_guideline_lists_what_is_not_shown_and_what_would_show_it(client):
    text = post(client, FIFTY_GENERALISED)

    assert "Ikke vist for denne patient (10)" in text
    not_shown = text[text.index('id="not-shown-generalised-pain"') :]
    not_shown = not_shown[: not_shown.index("</details>")]
    assert "/guidelines/generalised-pain/cbt/" in not_shown
    assert "Vises, hvis" in not_shown
    assert "Komplekse problemstillinger som følge af smerterne" in not_shown
    # Tramadol has two ways in: said as a list of alternatives.
    assert "Vises, hvis én af disse gælder" in not_shown
    assert "Aktuel medicin omfatter tramadol" in not_shown


def test_applies_to_everyone_is_said_once_and_each_card_names_the_patients_facts(client):
    text = post(client, FIFTY_GENERALISED)

    assert text.count("gælder alle patienter i retningslinjens målgruppe") == 1
    assert "3 af anbefalingerne nedenfor gælder alle patienter" in text
    assert "Gælder alle patienter i retningslinjens målgruppe</span>" not in text
    in_scope = '<a href="#scope-reasons-generalised-pain">i målgruppen</a>: <span lang="da">'
    assert f"{in_scope}alder (år) mindst 18 (50)" in text


def test_the_journal_note_is_selectable_text_with_a_copy_button_for_javascript(client):
    text = post(client, FIFTY_GENERALISED)

    match = re.search(r'<pre id="journal-note"[^>]*>(.*?)</pre>', text, re.S)
    assert match
    note = unescape(match.group(1))
    assert note.startswith("Smertevurdering med nkr (kilden står ved hver retningslinje), ")
    assert "Oplyst: 50 år; generaliserede smerter i 20 uger;" in note
    assert "<" not in note
    # The button needs JavaScript, so it starts hidden; nkr.js reveals it. No inline script.
    assert re.search(
        r'<button type="button" class="secondary" data-copy="journal-note" hidden>', text
    )
    assert "<script>" not in text
    # Printed with the result: the note is not marked no-print.
    section = text[text.index('class="journal"') - 20 : text.index('id="journal-note"')]
    assert "no-print" not in section.split("<pre")[0].split(">")[0]


@pytest.mark.parametrize("path", ["/", "/intake/", "/guidelines/generalised-pain/"])
def test_the_opioid_tools_are_in_the_menu_on_every_page(client, path):
    text = client.get(path).content.decode()
    menu = text[text.index('<nav aria-label="Hovedmenu">') : text.index("</nav>")]

    assert 'href="/opioids/mme/"' in menu
    assert 'href="/opioids/taper-plan/"' in menu


def test_the_home_page_and_the_opioid_tapering_guideline_link_to_the_opioid_tools(client):
    home = client.get("/").content.decode()
    tools = home[home.index('id="tools-title"') :]
    assert 'href="/opioids/mme/"' in tools[: tools.index("</section>")]
    assert 'href="/opioids/taper-plan/"' in tools[: tools.index("</section>")]

    page = client.get("/guidelines/opioid-tapering/").content.decode()
    main = page[page.index('<main id="main"') :]
    first_rec = main.index('class="recs"')
    assert 'href="/opioids/mme/"' in main[:first_rec]
    assert 'href="/opioids/taper-plan/"' in main[:first_rec]


def test_no_opioid_tools_in_the_result_without_a_current_opioid(client):
    text = post(client, {**FIFTY_GENERALISED, "med-0-drug": "paracetamol", "med-0-dose": "3000"})

    assert 'class="opioid-tools' not in text
