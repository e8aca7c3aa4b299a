"""The stored search index: each recommendation's search document and each red flag's search
text, derived from the content.

The index is derived data, written only here and called by the services that change what it
is built from (seed_content, publishing and restoring a recommendation, a guideline's text,
a search synonym). Reads never build it: a live search is one query over stored columns.

A synonym joins a recommendation's document when the recommendation's own words name the
synonym's target ("panodil" joins every text that names paracetamol, "voltaren" joins via
"diclofenac" every text that names NSAID). A target named in the sentence, the guideline's
titles or the drug list is a strong hit (weight B); one named only in the rationale is weak
(weight D), so a synonym ranks like the word it stands for.
"""

import re
import unicodedata
from collections.abc import Iterable

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.utils import translation

from .models import SEARCH_INDEX_FIELDS, Recommendation, RedFlag, SearchSynonym, SearchTerm
from .rules.drugs import drug_table


def casefold(text: str) -> str:
    """Return the text as search compares it: NFC-normalised and case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def _names(text: str, target: str) -> bool:
    # The target starts a word ("nsaid" names "NSAID'er", "opioid" names "opioidbehandling");
    # a target inside another word ("træning" in "styrketræning") does not count.
    return re.search(rf"(?<!\w){re.escape(target)}", text) is not None


def _strong_text(rec: Recommendation) -> str:
    drugs = drug_table()
    names = [drugs[code].name for code in rec.drugs if code in drugs]
    return " ".join([rec.title, rec.guideline.title, rec.guideline.short_title, *names])


def recommendation_aliases(
    rec: Recommendation, synonyms: Iterable[SearchSynonym]
) -> dict[str, dict[str, str | bool]]:
    """Return the synonyms whose target the recommendation names, directly or via another."""
    synonyms = list(synonyms)
    strong = casefold(_strong_text(rec))
    everything = f"{strong} {casefold(rec.rationale)}"
    aliases: dict[str, dict[str, str | bool]] = {}
    # A synonym's term can be another's target (voltaren → diclofenac → nsaid): repeat until
    # nothing is added; each round adds at least one term, so this ends.
    added = True
    while added:
        added = False
        for synonym in synonyms:
            if synonym.term in aliases:
                continue
            if _names(strong, synonym.target):
                is_strong = True
            elif _names(everything, synonym.target):
                is_strong = False
            else:
                continue
            aliases[synonym.term] = {
                "target": synonym.target,
                "kind": synonym.kind,
                "atc_code": synonym.atc_code,
                "strong": is_strong,
            }
            everything += f" {synonym.term}"
            if is_strong:
                strong += f" {synonym.term}"
            added = True
    return aliases


def _document_set(rec: Recommendation, synonyms: list[SearchSynonym]) -> None:
    aliases = recommendation_aliases(rec, synonyms)
    strong_terms = [term for term, alias in aliases.items() if alias["strong"]]
    weak_terms = [term for term, alias in aliases.items() if not alias["strong"]]
    rec.search_terms = " ".join([_strong_text(rec).removeprefix(rec.title).strip(), *strong_terms])
    rec.search_extra = " ".join(weak_terms)
    rec.search_text = casefold(
        " ".join([rec.title, rec.search_terms, rec.rationale, rec.search_extra])
    )
    rec.search_aliases = aliases


# Words shorter than this are not matched as typos (too few trigrams to tell them apart).
FUZZY_MIN_LENGTH = 4
_TERM_MAX_LENGTH = SearchTerm._meta.get_field("word").max_length


def _vocabulary_refresh(recs: list[Recommendation]) -> None:
    words = set()
    for rec in recs:
        words |= set(re.findall(r"\w+", rec.search_text))
    SearchTerm.objects.all().delete()
    SearchTerm.objects.bulk_create(
        SearchTerm(word=word)
        for word in sorted(words)
        # "_" is a \w character but a LIKE wildcard: such words are left out of typo matching.
        if FUZZY_MIN_LENGTH <= len(word) <= _TERM_MAX_LENGTH and word.isalpha()
    )


def _red_flags_refresh(synonyms: list[SearchSynonym]) -> None:
    """Write each red flag's search text: its label and columns in Tabel 1, in the table's
    Danish words, and the synonyms whose target it names ("kræft" -> "tumor")."""
    flags = list(RedFlag.objects.all())
    with translation.override("da"):
        for flag in flags:
            text = casefold(" ".join([flag.label, *flag.category_labels]))
            terms = [s.term for s in synonyms if _names(text, casefold(s.target))]
            flag.search_text = " ".join([text, *terms])
    RedFlag.objects.bulk_update(flags, ["search_text"])


def search_index_refresh() -> int:
    """Rebuild every recommendation's search document; return how many were written.

    The content is small (tens of recommendations), so the whole index is rebuilt: one read,
    one bulk write, the vocabulary (SearchTerm) and, on PostgreSQL, one UPDATE that computes
    the stored tsvector.
    """
    synonyms = list(SearchSynonym.objects.all())
    recs = list(Recommendation.objects.select_related("guideline"))
    for rec in recs:
        _document_set(rec, synonyms)
    text_fields = [name for name in SEARCH_INDEX_FIELDS if name != "search_vector"]
    Recommendation.objects.bulk_update(recs, text_fields, batch_size=200)
    _vocabulary_refresh(recs)
    _red_flags_refresh(synonyms)
    if connection.vendor == "postgresql":
        # The 'danish' configuration stems and drops stop words; a hit in the recommendation
        # sentence (A) outranks the guideline's title, drug names and strong synonyms (B),
        # the rationale (C) and synonyms found only there (D).
        Recommendation.objects.update(
            search_vector=SearchVector("title", weight="A", config="danish")
            + SearchVector("search_terms", weight="B", config="danish")
            + SearchVector("rationale", weight="C", config="danish")
            + SearchVector("search_extra", weight="D", config="danish")
        )
    return len(recs)
