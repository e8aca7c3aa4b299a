"""The one query of a search: how each query word matched each recommendation.

On PostgreSQL the matching happens in the database: 2 = the word itself (the 'danish' stemmer
over the stored tsvector, or its light stem as a substring of the text, a compound's part),
1 = a typo of a word in the text (pg_trgm word similarity over the trigram-indexed
vocabulary), 0 = not at all. SQLite computes the same levels in Python (a light stemmer,
substrings and difflib against the words of the text).
"""

import difflib
from dataclasses import dataclass

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL

from .models import Recommendation, SearchTerm
from .search_index import FUZZY_MIN_LENGTH, casefold
from .search_words import (
    COMPOUND_PART_END_MIN,
    DIFFLIB_CUTOFF,
    light_stem,
    part_known,
    readings,
    respellings,
    text_words,
)

# A typo and the word meant share most of their trigrams ("tramadl"/"tramadol": 0.55,
# "parcetamol"/"paracetamol": 0.64); "akupressur"/"akupunktur" (0.29) are different words.
TRIGRAM_MIN_SIMILARITY = 0.5
SUGGESTION_CUTOFF = 0.6  # SQLite: near enough to offer ("akupressur" offers "akupunktur")
SUGGESTION_MIN_SIMILARITY = 0.25  # PostgreSQL: the same, in trigrams ("akupressur": 0.29)
EXACT, FUZZY = 2, 1


@dataclass(frozen=True)
class Hit:
    """A recommendation found, with how well each query word matched it."""

    recommendation: Recommendation
    levels: tuple[int, ...]
    rank: float

    @property
    def matched(self) -> int:
        return sum(1 for level in self.levels if level)

    @property
    def exact(self) -> int:
        return sum(1 for level in self.levels if level == EXACT)


def _tsquery_term(word: str, *, last: bool) -> str:
    # A quoted lexeme for to_tsquery: \w+ words hold no quote or operator, so input cannot
    # change the query's structure. The last word is a prefix (':*'): live search sends what
    # the GP has typed so far ("opio", "paraceta") and should find the word being typed.
    return f"'{word}'" + (":*" if last else "")


def _has_word_similar_to(word: str) -> RawSQL:
    """Return "the row's text holds a word of the content that `word` may be a typo of"."""
    # The similar words are found once per query (an uncorrelated ARRAY subquery over the
    # vocabulary, a few thousand short words); each row's text is then searched for them as
    # substrings. pg_trgm's `%` operator (similarity at least pg_trgm.similarity_threshold,
    # 0.3 unless someone sets it, below TRIGRAM_MIN_SIMILARITY) lets the GiST index of
    # migration 0012 find the candidates; similarity() then applies our own threshold.
    # Table and column names come from model metadata, quoted; the word is a bound parameter.
    quote = connection.ops.quote_name
    text = f"{quote(Recommendation._meta.db_table)}.{quote('search_text')}"
    sql = (
        f"{text} LIKE ANY (ARRAY(SELECT '%%' || t.word || '%%' "  # noqa: S608 # nosec B608
        f"FROM {quote(SearchTerm._meta.db_table)} t "
        "WHERE t.word %% %s AND similarity(t.word, %s) >= %s))"
    )
    params = (word, word, TRIGRAM_MIN_SIMILARITY)
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 # nosec B611


# Words read nearest first from the GiST index before the threshold and the alphabetical
# tie-break are applied: more than are offered, so a tie at the last place is broken by word.
_NEAREST_READ = 16


def _nearest_words(word: str) -> RawSQL:
    """Return the content's words most like `word`, best first (computed once per query)."""
    # `ORDER BY word <-> q LIMIT n` (distance = 1 - similarity) is a nearest-neighbour scan of
    # the GiST index; filtering on similarity first would make the planner scan every word.
    quote = connection.ops.quote_name
    sql = (
        "ARRAY(SELECT n.word FROM ("  # noqa: S608 # nosec B608
        f"SELECT t.word FROM {quote(SearchTerm._meta.db_table)} t "
        "ORDER BY t.word <-> %s LIMIT %s) n "
        "WHERE similarity(n.word, %s) >= %s "
        "ORDER BY similarity(n.word, %s) DESC, n.word LIMIT 4)"
    )
    params = (word, _NEAREST_READ, word, SUGGESTION_MIN_SIMILARITY, word)
    return RawSQL(sql, params, output_field=ArrayField(CharField()))  # noqa: S611 # nosec B611


def _known_parts(candidates: list[str]) -> RawSQL:
    """Return which candidates (parts, respellings) are words of the content, or end one;
    computed once a query."""
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    sql = (
        "ARRAY(SELECT p FROM unnest(%s::text[]) p WHERE "  # noqa: S608 # nosec B608
        # A scalar subquery (the word is unique): EXISTS would let the planner hash the table.
        f"(SELECT true FROM {table} t WHERE t.word = p) OR (length(p) >= %s AND "
        f"EXISTS (SELECT 1 FROM {table} t WHERE t.word LIKE '%%' || p)))"
    )
    params = (candidates, COMPOUND_PART_END_MIN)
    return RawSQL(sql, params, output_field=ArrayField(CharField()))  # noqa: S611 # nosec B611


def _known_starts(candidates: list[str]) -> RawSQL:
    """Return which candidates begin a word of the content; computed once a query."""
    # The candidates are all letters (respellings), so none holds a LIKE wildcard.
    table = connection.ops.quote_name(SearchTerm._meta.db_table)
    sql = (
        "ARRAY(SELECT p FROM unnest(%s::text[]) p WHERE "  # noqa: S608 # nosec B608
        f"EXISTS (SELECT 1 FROM {table} t WHERE t.word LIKE p || '%%'))"
    )
    return RawSQL(sql, (candidates,), output_field=ArrayField(CharField()))  # noqa: S611 # nosec B611


@dataclass(frozen=True)
class Rows:
    """What one query found: the hits, per word the content's nearest words, and which of the
    words a query word could be read as (readings: a compound's parts, a respelling with
    æ, ø, å) are words of the content, and which respellings of the last word, the one live
    search may send half-typed, begin one."""

    hits: list[Hit]
    nearest: list[list[str]]
    known_parts: set[str]
    known_starts: set[str]


def _rows_postgresql(queryset: QuerySet[Recommendation], words: list[str]) -> Rows:
    terms = [_tsquery_term(word, last=i == len(words) - 1) for i, word in enumerate(words)]
    annotations = {}
    for i, (word, term) in enumerate(zip(words, terms, strict=True)):
        # A part of a Danish compound ("rygsmerter" in "lænderygsmerter") is one lexeme to the
        # stemmer, so the case-folded text is also searched for the word's light stem as a
        # substring, as SQLite matches ("scanne" finds "scanning" on both).
        exact = Q(search_vector=SearchQuery(term, config="danish", search_type="raw")) | Q(
            search_text__contains=light_stem(word)
        )
        whens = [When(exact, then=Value(EXACT))]
        if len(word) >= FUZZY_MIN_LENGTH:
            whens.append(When(_has_word_similar_to(word), then=Value(FUZZY)))
            annotations[f"nearest_{i}"] = _nearest_words(word)
        annotations[f"level_{i}"] = Case(*whens, default=Value(0), output_field=IntegerField())
    if candidates := sorted({part for word in words for part in readings(word)}):
        annotations["known_parts"] = _known_parts(candidates)
    if starts := respellings(words[-1]):
        annotations["known_starts"] = _known_starts(starts)
    any_word = SearchQuery(" | ".join(terms), config="danish", search_type="raw")
    # The long texts stay in the database: the matching happened there.
    rows = list(
        queryset.defer("search_vector", "search_text").annotate(
            rank=SearchRank(F("search_vector"), any_word), **annotations
        )
    )
    hits = [
        Hit(rec, tuple(getattr(rec, f"level_{i}") for i in range(len(words))), rec.rank or 0.0)
        for rec in rows
    ]
    nearest = [getattr(rows[0], f"nearest_{i}", []) if rows else [] for i in range(len(words))]
    first = rows[0] if rows else None
    return Rows(
        hits,
        nearest,
        set(getattr(first, "known_parts", [])),
        set(getattr(first, "known_starts", [])),
    )


def _rows_simple(queryset: QuerySet[Recommendation], words: list[str]) -> Rows:
    recs = list(queryset)
    # The words typos are matched against, as the vocabulary table holds them (search_index).
    vocabulary = {
        word
        for rec in recs
        for word in text_words(rec.search_text)
        if len(word) >= FUZZY_MIN_LENGTH and word.isalpha()
    }
    stems = [light_stem(word) for word in words]
    nearest = [
        difflib.get_close_matches(word, vocabulary, n=4, cutoff=SUGGESTION_CUTOFF)
        if len(word) >= FUZZY_MIN_LENGTH
        else []
        for word in words
    ]
    likely_typos = [
        [
            term
            for term in near
            if difflib.SequenceMatcher(None, word, term).ratio() >= DIFFLIB_CUTOFF
        ]
        for word, near in zip(words, nearest, strict=True)
    ]
    hits = []
    for rec in recs:
        text = rec.search_text
        title = casefold(f"{rec.title} {rec.search_terms}")
        levels, rank = [], 0.0
        for stem, typos in zip(stems, likely_typos, strict=True):
            if stem in text:
                levels.append(EXACT)
                rank += 3 * title.count(stem) + text.count(stem)
            elif any(typo in text for typo in typos):
                levels.append(FUZZY)
            else:
                levels.append(0)
        hits.append(Hit(rec, tuple(levels), rank))
    candidates = {part for word in words for part in readings(word)}
    return Rows(
        hits,
        nearest,
        {part for part in candidates if part_known(part, vocabulary)},
        {start for start in respellings(words[-1]) if any(w.startswith(start) for w in vocabulary)},
    )


def rows_read(queryset: QuerySet[Recommendation], words: list[str]) -> Rows:
    if connection.vendor == "postgresql":
        return _rows_postgresql(queryset, words)
    return _rows_simple(queryset, words)


def typos_where_unknown(words: list[str], rows: Rows) -> Rows:
    """Return the rows with typo matches kept only for words no text holds: "børn" is not a
    typo of "bør", nor "rygsmerter" of "smerter", where the content writes them."""
    held = [any(hit.levels[i] == EXACT for hit in rows.hits) for i in range(len(words))]
    if not any(held):
        return rows
    hits = [
        Hit(
            hit.recommendation,
            tuple(
                0 if is_held and level == FUZZY else level
                for level, is_held in zip(hit.levels, held, strict=True)
            ),
            hit.rank,
        )
        for hit in rows.hits
    ]
    return Rows(hits, rows.nearest, rows.known_parts, rows.known_starts)
