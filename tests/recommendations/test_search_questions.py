"""A question typed as a GP asks it: what the search reads of it and offers back."""

import pytest

from recommendations import selectors

pytestmark = pytest.mark.usefixtures("content")


# Found auditing the pages on a phone (2026-12-06): "Mente du" offered the query's meaning
# words joined ("hvornår billeddiagnostik lænderygsmerter"), a phrase no one types, instead
# of the GP's own question with the typo corrected.
def test_mente_du_offers_the_question_as_typed_with_only_the_typo_corrected():
    typed = "Hvornår skal jeg billeddiagnosticere lænderygsmerter?"
    outcome = selectors.recommendation_search(q=typed)
    # The content's nearest word differs by backend ("billeddiagnostik" on PostgreSQL's
    # trigrams, "billeddiagnostiske" by difflib on SQLite); the rest is the GP's question.
    first, meant, last = outcome.corrected_query.rsplit(" ", 2)
    assert first == "Hvornår skal jeg"
    assert meant.startswith("billeddiagnosti") and meant != "billeddiagnosticere"
    assert last == "lænderygsmerter"
    assert outcome.results


def test_a_typo_alone_is_offered_corrected():
    assert selectors.recommendation_search(q="Tramadl").corrected_query == "tramadol"
