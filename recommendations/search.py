"""Search that finds what a GP types: ranked, forgiving of typos, never a dead end.

One query reads the recommendations in scope with their stored search documents
(search_index.py) and, on PostgreSQL, how each query word matched each of them: 2 = the word
itself (the 'danish' stemmer over the stored tsvector, or a part of a compound in the text),
1 = a typo of a word in the text (pg_trgm word similarity over the trigram-indexed text),
0 = not at all. SQLite computes the same levels in Python (a light stemmer, substrings and
difflib against the words of the text). Everything else (ranking, "Mente du ...?", guideline
hits, the honest "no recommendation names X" line, suggestions) is worked out from those rows
here, so the page and the API answer from the same single query. A Danish compound the content
never writes as one word ("opioidnedtrapning") is searched again as its parts, and a word typed
without the Danish letters ("sovn", "laenderyg") as the content's word ("søvn"), and on
PostgreSQL a typo the trigrams miss but difflib's measure sees ("amitryptilin"): a second query.
A word the content holds is that word: it is matched as a typo of another word nowhere.
"""

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

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

from .models import Guideline, Recommendation, SearchTerm, SynonymKind
from .rules.drugs import drug_table
from .search_index import FUZZY_MIN_LENGTH, casefold
from .search_mentions import Alias, mentions

MAX_WORDS = 8  # a query is a few words; more only lengthens the SQL
# A typo and the word meant share most of their trigrams ("tramadl"/"tramadol": 0.55,
# "parcetamol"/"paracetamol": 0.64); "akupressur"/"akupunktur" (0.29) are different words.
TRIGRAM_MIN_SIMILARITY = 0.5
DIFFLIB_CUTOFF = 0.8  # SQLite: about as strict, in difflib's measure
SUGGESTION_CUTOFF = 0.6  # SQLite: near enough to offer ("akupressur" offers "akupunktur")
SUGGESTION_MIN_SIMILARITY = 0.25  # PostgreSQL: the same, in trigrams ("akupressur": 0.29)
EXACT, FUZZY = 2, 1
# A compound's parts: "ryg" is too short to tell a part from a chance run of letters; a part may
# also be the end of a longer word of the content ("terapi" of "fysioterapi") from this length.
COMPOUND_PART_MIN = 4
COMPOUND_PART_END_MIN = 6
_LINKING_LETTERS = ("s", "e")  # "trænings|terapi", "børne|smerter"
# How æ, ø and å are typed without them: as two letters ("ae", "oe", "aa") or as a plain a or o.
_DANISH_LETTERS = {"ae": "æ", "oe": "ø", "aa": "å"}
_PLAIN_FOR = {"a": ("æ", "å"), "o": ("ø",)}

# The little words of a question ("hvornår skal jeg scanne ryggen"): the Snowball project's
# Danish stop words, the list PostgreSQL's 'danish' configuration drops (tsearch_data/
# danish.stop). Their letters are in nearly every text, so as query words they would outvote
# the words that carry the question; a query of nothing else keeps them.
STOP_WORDS = frozenset(
    """
    ad af alle alt anden at blev blive bliver da de dem den denne der deres det dette dig din
    disse dog du efter eller en end er et for fra ham han hans har havde have hende hendes her
    hos hun hvad hvis hvor i ikke ind jeg jer jo kunne man mange med meget men mig min mine mit
    mod ned noget nogle nu når og også om op os over på selv sig sin sine sit skal skulle som
    sådan thi til ud under var vi vil ville vor være været
    """.split()
)

# Common Danish inflection endings, longest first: a light stand-in for the Snowball stemmer
# PostgreSQL uses, good enough for the SQLite development database.
_DANISH_ENDINGS = ("erne", "ene", "ers", "er", "en", "et", "e", "r")


def query_words(q: str) -> list[str]:
    """Return the query's words, case-folded; one-letter words carry no meaning here."""
    return [word for word in re.findall(r"\w+", casefold(q)) if len(word) > 1][:MAX_WORDS]


def _meaning_words(words: list[str]) -> list[str]:
    """Return the words that carry the query's meaning: all but the stop words, except the
    last word (it may be the start of a longer one: "ned" of "nedtrapning"), or all of them."""
    kept = [w for i, w in enumerate(words) if w not in STOP_WORDS or i == len(words) - 1]
    return kept if any(w not in STOP_WORDS for w in kept) else words


def _stem(word: str) -> str:
    for ending in _DANISH_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text))


def _compound_cuts(word: str) -> list[tuple[tuple[str, ...], str]]:
    """Return each way to cut `word` in two, longest head first: the head's readings (with and
    without a linking letter) and the tail. Words that are not all letters are not cut."""
    if not word.isalpha():
        return []
    cuts = []
    for cut in range(len(word) - COMPOUND_PART_MIN, COMPOUND_PART_MIN - 1, -1):
        head, tail = word[:cut], word[cut:]
        linked = len(head) > COMPOUND_PART_MIN and head.endswith(_LINKING_LETTERS)
        cuts.append(((head, head[:-1]) if linked else (head,), tail))
    return cuts


def _compound_candidates(word: str) -> list[str]:
    """Return every part `word` could be cut into, for the rows query to look up."""
    return sorted({part for heads, tail in _compound_cuts(word) for part in (*heads, tail)})


def _respellings(word: str) -> list[str]:
    """Return the words `word` may be, typed without æ, ø and å: its two-letter spellings
    replaced ("boern" -> "børn"), or one plain a or o read as the Danish letter ("sovn" ->
    "søvn"). A word that has one of the letters, or is not all letters, is as meant."""
    if len(word) < FUZZY_MIN_LENGTH or not word.isalpha() or set(word) & {"æ", "ø", "å"}:
        return []
    spelt = word
    for pair, letter in _DANISH_LETTERS.items():
        spelt = spelt.replace(pair, letter)
    found = [spelt] if spelt != word else []
    for i, plain in enumerate(word):
        found += [word[:i] + letter + word[i + 1 :] for letter in _PLAIN_FOR.get(plain, ())]
    return found


def _candidates(word: str) -> list[str]:
    """Return the words the rows query checks the content for: parts and respellings."""
    return sorted({*_compound_candidates(word), *_respellings(word)})


def _compound_parts(word: str, known: set[str]) -> tuple[str, str] | None:
    """Return the first cut of `word` into two known parts (head, tail), or None."""
    for heads, tail in _compound_cuts(word):
        head = next((h for h in heads if h in known), None)
        if head and tail in known:
            return head, tail
    return None


def _part_known(part: str, vocabulary: set[str]) -> bool:
    return part in vocabulary or (
        len(part) >= COMPOUND_PART_END_MIN and any(w.endswith(part) for w in vocabulary)
    )


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


@dataclass
class SearchOutcome:
    """What a search found and what to tell the GP about it."""

    q: str
    results: list[Recommendation] = field(default_factory=list)
    guidelines: list[Guideline] = field(default_factory=list)  # named by the query: first
    corrected_query: str = ""  # "Mente du ...?" when the best hit matched a typo
    explanations: list[str] = field(default_factory=list)  # "panodil: handelsnavn for ..."
    absences: list[str] = field(default_factory=list)  # "Ingen af anbefalingerne i ..."
    nearest_terms: list[str] = field(default_factory=list)  # when nothing was found
    all_guidelines: list[Guideline] = field(default_factory=list)


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


@dataclass(frozen=True)
class Rows:
    """What one query found: the hits, per word the content's nearest words, and which of the
    words a query word could be read as (_candidates: a compound's parts, a respelling with
    æ, ø, å) are words of the content."""

    hits: list[Hit]
    nearest: list[list[str]]
    known_parts: set[str]


def _rows_postgresql(queryset: QuerySet[Recommendation], words: list[str]) -> Rows:
    terms = [_tsquery_term(word, last=i == len(words) - 1) for i, word in enumerate(words)]
    annotations = {}
    for i, (word, term) in enumerate(zip(words, terms, strict=True)):
        # A part of a Danish compound ("rygsmerter" in "lænderygsmerter") is one lexeme to the
        # stemmer, so the case-folded text is also searched for the word's light stem as a
        # substring, as SQLite matches ("scanne" finds "scanning" on both).
        exact = Q(search_vector=SearchQuery(term, config="danish", search_type="raw")) | Q(
            search_text__contains=_stem(word)
        )
        whens = [When(exact, then=Value(EXACT))]
        if len(word) >= FUZZY_MIN_LENGTH:
            whens.append(When(_has_word_similar_to(word), then=Value(FUZZY)))
            annotations[f"nearest_{i}"] = _nearest_words(word)
        annotations[f"level_{i}"] = Case(*whens, default=Value(0), output_field=IntegerField())
    if candidates := sorted({part for word in words for part in _candidates(word)}):
        annotations["known_parts"] = _known_parts(candidates)
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
    return Rows(hits, nearest, set(getattr(rows[0], "known_parts", [])) if rows else set())


def _rows_simple(queryset: QuerySet[Recommendation], words: list[str]) -> Rows:
    recs = list(queryset)
    # The words typos are matched against, as the vocabulary table holds them (search_index).
    vocabulary = {
        word
        for rec in recs
        for word in _words(rec.search_text)
        if len(word) >= FUZZY_MIN_LENGTH and word.isalpha()
    }
    stems = [_stem(word) for word in words]
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
    candidates = {part for word in words for part in _candidates(word)}
    return Rows(hits, nearest, {part for part in candidates if _part_known(part, vocabulary)})


def _guideline_names(words: list[str], hits: list[Hit], guidelines: list[Guideline]):
    """Return the guidelines a word of the query names (its title, or a condition synonym)."""
    named: dict[str, set[int]] = {}
    titles = {g.pk: casefold(g.title) for g in guidelines}
    # A lay word for several things ("smertestillende": analgetika, paracetamol, NSAID, opioid)
    # names no guideline through one of them.
    targets: dict[str, set[str]] = {}
    for hit in hits:
        for term, alias in hit.recommendation.search_aliases.items():
            targets.setdefault(term, set()).add(alias["target"])
    for word in words:
        stem = _stem(word)
        for guideline in guidelines:
            # A word of the title, not letters inside one ("par" in "bevægeapparatet").
            if mentions(casefold(f"{guideline.title} {guideline.short_title}"), stem):
                named.setdefault(word, set()).add(guideline.pk)
        for hit in hits:
            title = titles[hit.recommendation.guideline_id]
            for term, alias in hit.recommendation.search_aliases.items():
                # "fibromyalgi" (a condition) or "back pain" (English for the title's word).
                if word in term.split() and (
                    alias["kind"] == SynonymKind.CONDITION
                    or (len(targets[term]) == 1 and _stem(alias["target"]) in title)
                ):
                    named.setdefault(word, set()).add(hit.recommendation.guideline_id)
    # A word in every guideline's title ("smerter") names none of them in particular; of the
    # rest, the guidelines named by the most words ("back pain": "back" and "pain") are meant.
    votes = Counter(pk for ids in named.values() if len(ids) < len(guidelines) for pk in ids)
    most = max(votes.values(), default=0)
    return [guideline for guideline in guidelines if most and votes[guideline.pk] == most]


def _explanations(words: list[str], found: list[Hit]) -> list[str]:
    # A term may stand for several things ("smertestillende"): each recommendation holds the
    # one it names, so the line gathers them from every hit, the same on either backend.
    readings: dict[str, dict[str, dict]] = {}
    for hit in found:
        for term, alias in hit.recommendation.search_aliases.items():
            # The query names the term: every word of it ("ondt i ryggen", not "ryggen").
            if set(query_words(term)) <= set(words):
                readings.setdefault(term, {}).setdefault(alias["target"], alias)
    lines = []
    for term, by_target in readings.items():
        alias = next(iter(by_target.values()))
        atc = f" (ATC {alias['atc_code']})" if len(by_target) == 1 and alias["atc_code"] else ""
        targets = ", ".join(sorted(by_target))
        lines.append(Alias(term, targets, alias["kind"]).explanation + atc)
    return lines


def _drug_words() -> set[str]:
    names = {casefold(drug.name).split()[0] for drug in drug_table().values()}
    classes = {drug.drug_class for drug in drug_table().values()} - {"weak_analgesic"}
    return names | classes


def _absences(named_words, hits: list[Hit], guidelines: list[Guideline]) -> list[str]:
    """Say which guidelines never mention a drug the query names (one line per drug)."""
    lines = []
    drugs = _drug_words()
    for i, named in enumerate(named_words):
        if named not in drugs:
            continue
        mentioning = {hit.recommendation.guideline_id for hit in hits if hit.levels[i]}
        silent = [g.short_title for g in guidelines if g.pk not in mentioning]
        if mentioning and silent:
            where = " eller ".join(f'"{title}"' for title in silent)
            lines.append(f"Ingen af anbefalingerne i {where} nævner {named}.")
    return lines


def _named_words(words: list[str], hits: list[Hit], corrected: list[str]) -> list[str]:
    """Return what each word names: a trade name's ingredient, a typo's correction, itself."""
    aliases = {}
    for hit in hits:
        aliases.update(hit.recommendation.search_aliases)
    named = []
    for i, word in enumerate(words):
        alias = aliases.get(word)
        if alias and alias["kind"] in (SynonymKind.TRADE_NAME, SynonymKind.ENGLISH):
            named.append(alias["target"])
        else:
            named.append(corrected[i])
    return named


def _rows(queryset: QuerySet[Recommendation], words: list[str]) -> Rows:
    if connection.vendor == "postgresql":
        return _rows_postgresql(queryset, words)
    return _rows_simple(queryset, words)


def _typos_where_unknown(words: list[str], rows: Rows) -> Rows:
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
    return Rows(hits, rows.nearest, rows.known_parts)


def _likely_typo_of(word: str, nearest: list[str]) -> str | None:
    """Return the nearest word of the content if `word` is a typo of it in difflib's measure,
    the one SQLite matches typos with: letters swapped ("amitryptilin") share few trigrams."""
    near = nearest[0] if nearest else None
    if near and difflib.SequenceMatcher(None, word, near).ratio() >= DIFFLIB_CUTOFF:
        return near
    return None


def _words_read_again(
    words: list[str], rows: Rows
) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Return the query's words that no text holds but the content writes another way: typed
    without the Danish letters ("sovn" -> "søvn"), or a compound of two of its words (said as
    "søgt som"); and, of the words that matched nothing at all, the typos (said as "Mente du")."""
    again: dict[str, tuple[str, ...]] = {}
    typos: dict[str, str] = {}
    for i, word in enumerate(words):
        if any(hit.levels[i] == EXACT for hit in rows.hits):
            continue  # the content holds it ("smertebehandling"); a typo is not a compound
        respelt = next((w for w in _respellings(word) if w in rows.known_parts), None)
        if respelt:
            again[word] = (respelt,)
        elif parts := _compound_parts(word, rows.known_parts):
            again[word] = parts
        elif not any(hit.levels[i] for hit in rows.hits) and (
            meant := _likely_typo_of(word, rows.nearest[i])
        ):
            typos[word] = meant
    return again, typos


def search(queryset: QuerySet[Recommendation], q: str) -> SearchOutcome:
    """Return what the Danish query finds among `queryset`, best first, with what to say."""
    outcome = SearchOutcome(q=q)
    words = _meaning_words(query_words(q))
    if not words:
        return outcome
    queryset = queryset.select_related("guideline")
    found_rows = _typos_where_unknown(words, _rows(queryset, words))
    again, typos = _words_read_again(words, found_rows)
    if again or typos:
        # Searched again as the content writes them: the first answer matched none of them.
        read = {**again, **{word: (meant,) for word, meant in typos.items()}}
        words = [part for word in words for part in read.get(word, (word,))][:MAX_WORDS]
        found_rows = _typos_where_unknown(words, _rows(queryset, words))
        outcome.explanations = [f"{w}: søgt som {' + '.join(p)}" for w, p in again.items()]
    hits, nearest = found_rows.hits, found_rows.nearest
    guidelines = list(
        {hit.recommendation.guideline_id: hit.recommendation.guideline for hit in hits}.values()
    )
    guidelines.sort(key=lambda g: g.order)
    outcome.all_guidelines = guidelines
    outcome.guidelines = _guideline_names(words, hits, guidelines)
    first = {g.pk for g in outcome.guidelines}
    found = sorted(
        (hit for hit in hits if hit.matched),
        key=lambda hit: (
            -hit.matched,
            hit.recommendation.guideline_id not in first,
            -hit.exact,
            -hit.rank,
            hit.recommendation.guideline.order,
            hit.recommendation.order,
        ),
    )
    outcome.results = [hit.recommendation for hit in found]
    best = found[0] if found else None
    # A word the best hit matched only as a typo is read as the content's nearest word.
    levels = best.levels if best is not None else (0,) * len(words)
    corrected = [
        near[0] if level == FUZZY and near else word
        for word, level, near in zip(words, levels, nearest, strict=True)
    ]
    if corrected != words or typos:
        outcome.corrected_query = " ".join(corrected)
    outcome.explanations += _explanations(words, found)
    outcome.absences = _absences(_named_words(words, hits, corrected), hits, guidelines)
    if not found:
        outcome.nearest_terms = sorted({term for near in nearest for term in near})
    return outcome
