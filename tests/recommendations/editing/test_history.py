"""The history page, the "what changed" page and the history API (API.md)."""

import pytest

from recommendations.diff import diff_html, word_diff
from recommendations.services import (
    recommendation_draft_save,
    recommendation_edit_token,
    recommendation_editable_values,
    recommendation_publish,
)

CBT_DRAFT = "Tilbyd patienter med generaliserede smerter i bevægeapparatet kognitiv adfærdsterapi"
CBT_PUBLISHED = (
    "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger som følge af "
    "generaliserede smerter i bevægeapparatet."
)
HISTORY = "/guidelines/generalised-pain/cbt/history/"
API_HISTORY = "/api/v1/guidelines/generalised-pain/recommendations/cbt/history/"
CHANGES_BUDGET = 4


def test_the_cbt_diff_marks_the_inserted_target_group_and_the_moved_words():
    parts = [(part.kind, part.text) for part in word_diff(CBT_DRAFT, CBT_PUBLISHED)]
    assert parts == [
        ("equal", "Tilbyd"),
        ("insert", " kognitiv adfærdsterapi til"),
        ("equal", " patienter med"),
        ("insert", " komplekse problemstillinger som følge af"),
        ("equal", " generaliserede smerter i bevægeapparatet"),
        ("delete", " kognitiv adfærdsterapi"),
        ("insert", "."),
    ]


def test_a_diff_rebuilds_both_texts_exactly():
    old, new = "Første afsnit.\n\nAndet afsnit, uændret.", "Første afsnit, ændret.\n\nAndet afsnit."
    parts = word_diff(old, new)
    assert "".join(p.text for p in parts if p.kind != "insert") == old
    assert "".join(p.text for p in parts if p.kind != "delete") == new


def test_diff_html_marks_changes_with_words_for_screen_readers_and_escapes_text():
    html = diff_html(word_diff("a <b> c", "a <i> c"))
    assert html == (
        'a &lt;<del><span class="visually-hidden">Slettet: </span>b</del>'
        '<ins><span class="visually-hidden">Indsat: </span>i</ins>&gt; c'
    )


def test_the_history_page_shows_both_cbt_versions_and_their_word_diff(client, content):
    page = client.get(HISTORY).content.decode()

    assert "Versionshistorik" in page
    assert "Version 2" in page and "Version 1" in page
    assert "Forskelle fra version 1 til version 2" in page
    assert '<ins><span class="visually-hidden">Indsat: </span> komplekse problemstillinger' in page
    assert (
        '<del><span class="visually-hidden">Slettet: </span> kognitiv adfærdsterapi</del>' in page
    )
    assert "indsat tekst er understreget" in page, "a legend in words, not colour alone"
    assert "DSAM" in page, "the change reason names the hearing response"
    assert "@@" not in page and "+++" not in page, "not a unified diff"


def test_any_two_versions_can_be_compared_and_a_bad_choice_is_explained(client, content):
    same = client.get(HISTORY, {"a": 2, "b": 2}).content.decode()
    bad = client.get(HISTORY, {"a": 1, "b": 9}).content.decode()
    assert "Forskelle fra version 2 til version 2" in same and "Uændret" in same
    assert "Vælg en af de udgivne versioner." in bad


def test_the_recommendation_page_links_to_its_history_and_shows_the_version(client, content):
    page = client.get("/guidelines/generalised-pain/cbt/").content.decode()
    assert f'href="{HISTORY}"' in page
    assert "Versionshistorik" in page
    # Version 2 is the published 2018 text: readers see the source's edition, not the day
    # seed_content loaded it (that date is for editors, in the admin).
    assert '<dd>2 · Fra kilden: <span lang="da">Sundhedsstyrelsen, opdateret 2018</span>' in page


def test_the_history_api_lists_published_versions_newest_first(client, content):
    versions = client.get(API_HISTORY).json()

    assert [v["version"] for v in versions] == [2, 1]
    assert {"version", "title", "rationale", "change_reason", "published_at"} <= set(versions[0])
    assert versions[0]["title"] == CBT_PUBLISHED
    assert versions[1]["title"] == CBT_DRAFT
    assert "DSAM" in versions[0]["change_reason"]


# Found auditing the content (2026-12-06): the reason said DSAM objected that all patients
# "nu skulle tilbydes behandling", leaving out DSAM's own qualifier (seed 002, lines 970-971).
def test_the_reason_for_the_cbt_change_keeps_dsams_qualifier(client, content):
    (published, _draft) = client.get(API_HISTORY).json()

    assert (
        "at alle patienter med generaliserede smerter nu skulle tilbydes behandling, hvis de "
        "var motiveret." in published["change_reason"]
    )


def test_the_history_api_never_shows_a_draft(client, cbt, alice):
    recommendation_draft_save(
        recommendation=cbt,
        user=alice,
        data={**recommendation_editable_values(recommendation=cbt), "title": "Hemmelig kladde"},
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    assert "Hemmelig kladde" not in client.get(API_HISTORY).content.decode()


def test_the_history_api_of_an_unknown_recommendation_is_a_json_404(client, content):
    response = client.get("/api/v1/guidelines/generalised-pain/recommendations/nope/history/")
    assert response.status_code == 404
    assert "errors" in response.json()


def test_the_changes_page_lists_published_changes_newest_first(client, cbt, alice):
    recommendation_draft_save(
        recommendation=cbt,
        user=alice,
        data={**recommendation_editable_values(recommendation=cbt), "title": "Nyeste tekst."},
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    recommendation_publish(recommendation=cbt, user=alice, change_reason="Nyeste ændring.")

    page = client.get("/guidelines/generalised-pain/changes/").content.decode()

    assert page.index("Nyeste ændring.") < page.index("DSAM")
    assert f"{HISTORY}?a=2&amp;b=3" in page or f"{HISTORY}?a=2&b=3" in page
    assert "Høring over opdatering af NKR for generaliserede smerter" in page
    assert "13 høringssvar" in page


def test_a_guideline_without_changes_says_so(client, content):
    page = client.get("/guidelines/child-msk-pain/changes/").content.decode()
    assert "Ingen anbefalinger er ændret" in page


def test_the_guideline_page_links_to_what_changed(client, content):
    page = client.get("/guidelines/generalised-pain/").content.decode()
    assert 'href="/guidelines/generalised-pain/changes/"' in page


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        (HISTORY, 2),
        (f"{HISTORY}?a=1&b=2", 2),
        # The guideline, its recommendations' history, its own history, its hearing rounds.
        ("/guidelines/generalised-pain/changes/", CHANGES_BUDGET),
        ("/guidelines/generalised-pain/hearings/generalised-pain-2018/", 3),
        # One query more than the page's content: how the current version came to be.
        ("/guidelines/generalised-pain/cbt/", 3),
        (API_HISTORY, 2),
    ],
)
def test_editorial_pages_stay_within_their_query_budget(
    client, content, django_assert_max_num_queries, url, budget
):
    # One more: the content version that cached answers are keyed by (published_cache.py).
    with django_assert_max_num_queries(budget + 1):
        assert client.get(url).status_code == 200


def test_the_openapi_schema_documents_the_history_endpoint(client, content):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).content.decode()
    assert "/api/v1/guidelines/{guideline_slug}/recommendations/{slug}/history/" in schema
    assert "change_reason" in schema


def _guideline_change(guideline, user, reason: str, **changes):
    from recommendations.live_content import GUIDELINE_TEXT_FIELDS, live_content_update

    data = {key: getattr(guideline, key) for key in GUIDELINE_TEXT_FIELDS}
    return live_content_update(
        obj=guideline, user=user, data={**data, **changes}, change_reason=reason
    )


def test_the_changes_page_lists_changes_to_the_guideline_text_with_reason_and_diff(
    client, cbt, alice
):
    guideline = cbt.guideline
    _guideline_change(
        guideline,
        alice,
        "Noten præciseret efter høringen.",
        note=f"{guideline.note} Præciseret efter høringen.",
    )

    page = client.get("/guidelines/generalised-pain/changes/").content.decode()

    assert "Noten præciseret efter høringen." in page
    assert "Retningslinjen</a>: note" in page, "the changed fields are named"
    assert '<ins><span class="visually-hidden">Indsat: </span> Præciseret efter høringen' in page
    assert "indsat tekst er understreget" in page, "a legend in words, not colour alone"
    assert page.index("Noten præciseret") < page.index("DSAM"), "newest first"


def test_guideline_and_recommendation_changes_are_interleaved_newest_first(client, cbt, alice):
    _guideline_change(cbt.guideline, alice, "Første ændring af titlen.", short_title="Ny kort")
    recommendation_draft_save(
        recommendation=cbt,
        user=alice,
        data={**recommendation_editable_values(recommendation=cbt), "title": "Nyeste tekst."},
        edit_token=recommendation_edit_token(recommendation=cbt),
    )
    recommendation_publish(recommendation=cbt, user=alice, change_reason="Anden ændring.")
    _guideline_change(cbt.guideline, alice, "Tredje ændring af titlen.", short_title="Nyere kort")

    page = client.get("/guidelines/generalised-pain/changes/").content.decode()

    assert (
        page.index("Tredje ændring")
        < page.index("Anden ændring")
        < page.index("Første ændring")
        < page.index("DSAM")
    )
    assert '<del><span class="visually-hidden">Slettet: </span>Ny</del>' in page


def test_a_guideline_change_is_listed_only_on_its_own_guidelines_changes_page(client, cbt, alice):
    _guideline_change(cbt.guideline, alice, "Kun generaliserede smerter.", note="Ny note.")

    other = client.get("/guidelines/child-msk-pain/changes/").content.decode()

    assert "Kun generaliserede smerter." not in other
    assert "Ingen anbefalinger er ændret" in other
    assert "indsat tekst er understreget" not in other


def test_the_changes_page_query_count_does_not_grow_with_its_changes(
    client, cbt, alice, django_assert_max_num_queries
):
    for number in range(3):
        cbt.refresh_from_db()
        _guideline_change(cbt.guideline, alice, f"Ændring {number}.", note=f"Note {number}.")
        recommendation_draft_save(
            recommendation=cbt,
            user=alice,
            data={**recommendation_editable_values(recommendation=cbt), "title": f"Tekst {number}"},
            edit_token=recommendation_edit_token(recommendation=cbt),
        )
        recommendation_publish(recommendation=cbt, user=alice, change_reason=f"Udgivet {number}.")

    # One more: the content version that cached answers are keyed by (published_cache.py).
    with django_assert_max_num_queries(CHANGES_BUDGET + 1):
        response = client.get("/guidelines/generalised-pain/changes/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="change change--guideline"') == 3
