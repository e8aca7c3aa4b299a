"""Search that finds what a GP types: ranked, forgiving of typos, never a dead end.

The query's words are read in search_words.py; one query (search_rows.py) reads the
recommendations in scope with their stored search documents (search_index.py) and how each
query word matched each of them: 2 = the word itself, 1 = a typo of a word in the text, 0 = not
at all, in the database on PostgreSQL, in Python on SQLite. Everything else (ranking, "Mente du
...?", guideline hits, the honest "no recommendation names X" line, suggestions) is worked out
from those rows here, so the page and the API answer from the same single query. A Danish
compound the content never writes as one word ("opioidnedtrapning") is searched again as its
parts, and a word typed without the Danish letters ("sovn", "laenderyg") as the content's word
("søvn"), and on PostgreSQL a typo the trigrams miss but difflib's measure sees
("amitryptilin"): a second query.
A word the content holds is that word: it is matched as a typo of another word nowhere.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import QuerySet

from .models import Guideline, Recommendation, SynonymKind
from .rules.drugs import drug_table
from .search_index import casefold
from .search_mentions import Alias, mentions
from .search_rows import EXACT, FUZZY, Hit, Rows, rows_read, typos_where_unknown
from .search_words import (
    MAX_WORDS,
    compound_parts,
    light_stem,
    likely_typo_of,
    meaning_words,
    query_words,
    respellings,
)


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
    # A drug names what the recommendations say of it, not a guideline whose title it is in
    # ("opioider" in "Nedtrapning af opioider"): the advice on the drug comes first.
    drugs = _drug_words()
    for word in words:
        stem = light_stem(word)
        if word in drugs or stem in drugs or targets.get(word, set()) & drugs:
            continue
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
                    or (len(targets[term]) == 1 and light_stem(alias["target"]) in title)
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


def _drugs_named(words: list[str], hits: list[Hit]) -> set[str]:
    """Return the drug codes the query names: a drug ("morfin"), a class ("opioider"), or
    through a synonym ("panodil" -> paracetamol, "fentanyl" -> opioid)."""
    named = set(words) | {light_stem(word) for word in words}
    for hit in hits:
        for term, alias in hit.recommendation.search_aliases.items():
            if term in words:
                named.add(alias["target"])
    return {
        code
        for code, drug in drug_table().items()
        if casefold(drug.name).split()[0] in named or drug.drug_class in named
    }


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


def _words_read_again(
    words: list[str], rows: Rows
) -> tuple[dict[str, tuple[str, ...]], dict[str, str]]:
    """Return the query's words that no text holds but the content writes another way: typed
    without the Danish letters ("sovn" -> "søvn"), or a compound of two of its words (said as
    "søgt som"); and, of the words that matched nothing at all, the typos (said as "Mente du").
    The last word may be half-typed: its respelling need only begin a word ("rontg" -> "røntg")."""
    again: dict[str, tuple[str, ...]] = {}
    typos: dict[str, str] = {}
    for i, word in enumerate(words):
        if any(hit.levels[i] == EXACT for hit in rows.hits):
            continue  # the content holds it ("smertebehandling"); a typo is not a compound
        known = rows.known_parts | (rows.known_starts if i == len(words) - 1 else set())
        respelt = next((w for w in respellings(word) if w in known), None)
        if respelt:
            again[word] = (respelt,)
        elif parts := compound_parts(word, rows.known_parts):
            again[word] = parts
        elif not any(hit.levels[i] for hit in rows.hits) and (
            meant := likely_typo_of(word, rows.nearest[i])
        ):
            typos[word] = meant
    return again, typos


def _with_corrections(q: str, corrections: dict[str, str]) -> str:
    """Return the query as the GP typed it, each typo replaced by the word meant ("Mente du
    ...?" offers their own question back, not the words the search kept of it)."""
    corrected = re.sub(r"\w+", lambda m: corrections.get(casefold(m.group()), m.group()), q)
    return corrected.strip().rstrip("?!.").strip()


def search(queryset: QuerySet[Recommendation], q: str) -> SearchOutcome:
    """Return what the Danish query finds among `queryset`, best first, with what to say."""
    outcome = SearchOutcome(q=q)
    words = meaning_words(query_words(q))
    if not words:
        return outcome
    queryset = queryset.select_related("guideline")
    found_rows = typos_where_unknown(words, rows_read(queryset, words))
    again, typos = _words_read_again(words, found_rows)
    if again or typos:
        # Searched again as the content writes them: the first answer matched none of them.
        read = {**again, **{word: (meant,) for word, meant in typos.items()}}
        words = [part for word in words for part in read.get(word, (word,))][:MAX_WORDS]
        found_rows = typos_where_unknown(words, rows_read(queryset, words))
        outcome.explanations = [f"{w}: søgt som {' + '.join(p)}" for w, p in again.items()]
    hits, nearest = found_rows.hits, found_rows.nearest
    guidelines = list(
        {hit.recommendation.guideline_id: hit.recommendation.guideline for hit in hits}.values()
    )
    guidelines.sort(key=lambda g: g.order)
    outcome.all_guidelines = guidelines
    outcome.guidelines = _guideline_names(words, hits, guidelines)
    first = {g.pk for g in outcome.guidelines}
    drugs = _drugs_named(words, hits)
    found = sorted(
        (hit for hit in hits if hit.matched),
        key=lambda hit: (
            -hit.matched,
            hit.recommendation.guideline_id not in first,
            # A recommendation about a drug the query names (its drug list) before one that
            # only mentions it: "opioider" leads with the advice on opioids, not the tapering
            # guidance, whose texts name opioids more often.
            not drugs & set(hit.recommendation.drugs),
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
    corrections = {**typos, **{w: c for w, c in zip(words, corrected, strict=True) if w != c}}
    if corrections:
        outcome.corrected_query = _with_corrections(q, corrections)
    outcome.explanations += _explanations(words, found)
    outcome.absences = _absences(_named_words(words, hits, corrected), hits, guidelines)
    if not found:
        outcome.nearest_terms = sorted({term for near in nearest for term in near})
    return outcome
