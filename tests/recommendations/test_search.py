"""Danish search: every word must match (websearch semantics), on PostgreSQL and SQLite alike."""

import pytest

from recommendations import selectors

pytestmark = pytest.mark.usefixtures("content")


def searchable_text(rec) -> str:
    return f"{rec.title} {rec.guideline.title} {rec.rationale}".casefold()


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("opioid nedtrapning", ["opioid", "nedtrapning"]),
        ("paracetamol", ["paracetamol"]),
        ("træning smerter", ["træning", "smerte"]),
    ],
)
def test_a_search_returns_only_recommendations_that_contain_every_word(query, words):
    results = selectors.recommendation_list(q=query)
    assert results, query
    for rec in results:
        text = searchable_text(rec)
        assert all(word in text for word in words), (query, rec.guideline.slug, rec.slug)


def test_a_word_found_nowhere_finds_nothing_even_beside_a_common_word():
    assert selectors.recommendation_list(q="smerter xylofonkoncert") == []


def test_a_hit_in_the_recommendation_sentence_ranks_above_one_only_in_the_rationale():
    results = selectors.recommendation_list(q="paracetamol")
    in_title = [i for i, rec in enumerate(results) if "paracetamol" in rec.title.casefold()]
    only_rationale = [
        i for i, rec in enumerate(results) if "paracetamol" not in rec.title.casefold()
    ]
    assert in_title and only_rationale
    assert max(in_title) < min(only_rationale)
