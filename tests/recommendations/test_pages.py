import pytest
from django.urls import reverse

from recommendations.models import Recommendation

pytestmark = pytest.mark.usefixtures("content")


def test_home_lists_the_four_guidelines_with_their_population(client):
    response = client.get("/")
    assert response.status_code == 200
    text = response.content.decode()
    for title in ["børn og unge", "generaliserede smerter", "lænderygsmerter", "opioid"]:
        assert title in text.lower()
    assert 'name="q"' in text


def test_guideline_page_shows_each_recommendation_with_symbol_label_and_sentence(client):
    response = client.get(reverse("recommendations:guideline", args=["generalised-pain"]))
    text = response.content.decode()
    assert response.status_code == 200
    recs = Recommendation.objects.filter(guideline__slug="generalised-pain").order_by("order")
    positions = [text.index(rec.title) for rec in recs]
    assert positions == sorted(positions), "recommendations are shown in source order"
    assert "↑↑</span> Stærk anbefaling for" in text
    assert "↓</span> Svag anbefaling imod" in text
    assert "grade--against grade--weak" in text


def test_recommendation_page_shows_sentence_strength_rationale_source_and_a_way_back(client):
    rec = Recommendation.objects.get(guideline__slug="child-msk-pain", slug="secondary-analgesics")
    text = client.get(rec.get_absolute_url()).content.decode()
    assert rec.title in text
    assert "Svag anbefaling for" in text
    assert "Meget lav" in text
    assert "Vises når" in text and "smerter af neurogen karakter" in text
    assert "Videnscenter for Børnesmerter" in text
    assert 'href="/guidelines/child-msk-pain/"' in text


@pytest.mark.parametrize(
    "url",
    ["/guidelines/no-such-guideline/", "/guidelines/child-msk-pain/no-such-recommendation/"],
)
def test_unknown_guidelines_and_recommendations_get_a_danish_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_search_page_without_javascript_lists_ranked_results(client):
    response = client.get("/search/", {"q": "opioider"})
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "/guidelines/child-msk-pain/opioids/" in response.content.decode()


def test_search_through_htmx_returns_only_the_results_fragment(client):
    response = client.get("/search/", {"q": "paracetamol"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "<html" not in text
    assert "/guidelines/acute-low-back-pain/paracetamol/" in text


def test_a_search_with_a_nul_character_is_searched_without_it(client):
    # PostgreSQL refuses NUL in a query: this was a 500 there.
    response = client.get("/search/", {"q": "opioider\x00"})
    assert response.status_code == 200
    assert "/guidelines/child-msk-pain/opioids/" in response.content.decode()


def test_a_search_that_is_too_long_is_refused_with_a_danish_message(client):
    response = client.get("/search/", {"q": "x" * 201})
    assert response.status_code == 200
    assert "Søgningen er for lang" in response.content.decode()


def test_the_interface_is_available_in_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get("/").content.decode()
    assert 'lang="en"' in text
    assert "Guidelines" in text


def test_pages_load_only_local_assets(client):
    text = client.get("/").content.decode()
    assert "https://" not in text.split("<body")[0]
    assert "/static/nkr/htmx-2.0.11.min.js" in text


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/", 2),
        ("/guidelines/generalised-pain/", 3),
        ("/guidelines/generalised-pain/cbt/", 2),
        ("/search/?q=opioider", 2),
    ],
)
def test_pages_stay_within_their_query_budget(client, django_assert_max_num_queries, url, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_a_page_with_its_assets_stays_well_under_150_kb(client):
    import re

    from django.contrib.staticfiles import finders

    html = client.get("/guidelines/generalised-pain/").content
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', html)
    size = len(html) + sum(len(open(finders.find(a.decode()), "rb").read()) for a in assets)
    assert assets
    assert size < 100_000, f"{size} bytes"
