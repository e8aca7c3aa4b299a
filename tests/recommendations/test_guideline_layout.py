"""Guideline pages a GP can scan: contents, the source's own sections, edition and year, and
the low back pain page's red flags."""

import re
from html import unescape

import pytest

from recommendations.guideline_sections import (
    GuidelineLayout,
    Section,
    guideline_layouts,
    layout_check,
)
from recommendations.models import Recommendation

pytestmark = pytest.mark.usefixtures("content")


def page(client, slug: str) -> str:
    response = client.get(f"/guidelines/{slug}/")
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_generalised_pain_is_grouped_under_its_chapters_with_a_contents_list(client):
    text = page(client, "generalised-pain")
    toc = re.search(r'<nav class="toc".*?</nav>', text, flags=re.S).group()
    assert toc.count("<li>") == 13  # chapters 3 to 15
    assert 'href="#afsnit-3">Kapitel 3: <span lang="da">Udredning og diagnostik</span>' in toc
    # Chapter 4's heading is quoted in the hearing (seed 002, DSK: "Ad 4. ..."), found by the
    # content audit of 2026-12-06; chapter 10's is not: its number and content.
    assert 'Kapitel 4: <span lang="da">Superviseret fysisk træning varetaget af' in toc
    assert "Kapitel 10 – " in toc
    chapter_3 = text.split('id="afsnit-3"', 1)[1].split('id="afsnit-4"', 1)[0]
    assert "anbefaling-diagnostic-clarification" in chapter_3
    assert "anbefaling-biopsychosocial-assessment" in chapter_3
    for rec in Recommendation.objects.filter(guideline__slug="generalised-pain"):
        assert text.count(f'id="anbefaling-{rec.slug}"') == 1  # every one, once


def test_a_recommendation_no_section_names_is_still_listed(client):
    Recommendation.objects.filter(slug="gabapentinoids").update(slug="gabapentin-only")
    text = page(client, "generalised-pain")
    assert 'id="anbefaling-gabapentin-only"' in text


def test_every_section_heading_comes_from_a_source_and_names_only_known_recommendations():
    layouts = guideline_layouts()
    assert set(layouts) == {
        "child-msk-pain",
        "generalised-pain",
        "acute-low-back-pain",
        "opioid-tapering",
    }
    titled = [s for layout in layouts.values() for s in layout.sections if s.title]
    assert titled and all("seeds/002_800f30837640cc0e.txt:" in s.title_source for s in titled)


def test_a_section_naming_an_unknown_recommendation_is_refused():
    bad = GuidelineLayout(
        edition="Quick guide",
        year=None,
        edition_source="x",
        section_kind="Kapitel",
        sections_source="x",
        sections=(Section(3, "Udredning og diagnostik", "x", ("no-such-recommendation",)),),
        red_flags_table=False,
        red_flags_source="",
    )
    with pytest.raises(ValueError, match="no-such-recommendation"):
        layout_check("generalised-pain", bad)


@pytest.mark.parametrize(
    ("slug", "edition"),
    [
        ("child-msk-pain", "Quick guide</span>, år ikke angivet."),
        ("generalised-pain", "Quick guide, opdateret</span>, 2018."),
        ("acute-low-back-pain", "National klinisk retningslinje</span>, 2016."),
        ("opioid-tapering", "CDC's retningslinje</span>, 2022."),
    ],
)
def test_each_guideline_says_its_source_edition_and_year(client, slug, edition):
    assert f'Kildens udgave: <span lang="da">{edition}' in page(client, slug).replace(
        "Ikke en NKR: Avery et al., BMJ, og ", ""
    )


def test_the_low_back_pain_page_links_to_its_red_flags_at_the_top_and_shows_the_table(client):
    text = page(client, "acute-low-back-pain")
    link = text.index('href="#roede-flag"')
    assert link < text.index('class="rec rec--')  # before the first recommendation
    table = text.split('id="roede-flag"', 1)[1]
    assert table.count("<tr><td") == 22  # Tabel 1, seed 003
    assert table.count("<strong>Akut henvisning</strong>") == 5  # the five critical flags
    assert "Tabel 1. Røde flag" in table  # its source, as readers cite it


def test_only_the_guideline_whose_source_prints_the_red_flags_shows_them(client):
    assert 'id="roede-flag"' not in page(client, "generalised-pain")


def test_the_low_back_pain_page_stays_within_its_query_budget(
    client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        assert client.get("/guidelines/acute-low-back-pain/").status_code == 200
