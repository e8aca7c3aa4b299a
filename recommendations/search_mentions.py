"""What else names a query, beside the recommendations: red flags, and population paragraphs.

Matched literally (case-folded): a word at a word's start, or a part of a compound ("prolaps"
in "diskusprolaps"); a population paragraph also through a synonym of the word ("iskias" ->
"nerverodspåvirkning"), and says so. The search page shows them (views.search): red flags
first, populations only when no recommendation matched.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .models import Guideline, SynonymKind
from .search_index import casefold
from .search_words import light_stem

_KIND_WORDS = {
    SynonymKind.TRADE_NAME: "handelsnavn for",
    SynonymKind.DRUG_CLASS: "hører til",
    SynonymKind.LAY: "hverdagsord for",
    SynonymKind.ENGLISH: "engelsk for",
    SynonymKind.CONDITION: "samme som",
}


@dataclass(frozen=True)
class PopulationMention:
    """A paragraph of a guideline's population, in the source's words, naming the query."""

    guideline: Guideline
    paragraph: str
    # A word named through a synonym says so: "iskias: samme som nerverodspåvirkning".
    explanations: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alias:
    """A synonym of a query word: the content's own word for it, and what kind of word it is."""

    term: str
    target: str
    kind: str

    @property
    def explanation(self) -> str:
        return f"{self.term}: {_KIND_WORDS[self.kind]} {self.target}"


def mentions(text: str, word: str) -> bool:
    """Return whether `text` (case-folded) names `word`: at a word's start, or a compound's part."""
    # At a word's start, or (five letters or more) as part of a compound: "prolaps" is named by
    # "diskusprolaps", as search finds compounds in recommendations.
    if len(word) >= 5:
        return word in text
    return re.search(rf"(?<!\w){re.escape(word)}", text) is not None


def most_named[T](texts: Mapping[T, str], words: list[str]) -> list[T]:
    """Return the keys whose text names the most of the words (at least one), in order, where
    each word (or its light stem) is named by some text; otherwise none: a word no text names
    means the query is about something else."""
    named = {
        key: {word for word in words if mentions(text, word) or mentions(text, light_stem(word))}
        for key, text in texts.items()
    }
    if not words or set().union(*named.values()) != set(words):
        return []
    most = max(len(found) for found in named.values())
    return [key for key, found in named.items() if len(found) == most]


def population_mentions(
    words: list[str], guidelines: Iterable[Guideline], aliases: Iterable[Alias] = ()
) -> list[PopulationMention]:
    """Return the population paragraphs that name every word, or a synonym's target for it.

    A word no recommendation names may still be in a population, most often among those a
    guideline does not cover ("diskusprolaps", "graviditet"): the empty answer then says so.
    """
    by_word: dict[str, list[Alias]] = {}
    for alias in aliases:
        by_word.setdefault(alias.term, []).append(alias)
    mentions = []
    for guideline in guidelines:
        for paragraph in re.split(r"\n\s*\n", guideline.population.strip()):
            used = _aliases_needed(casefold(paragraph), words, by_word)
            if used is not None:
                mentions.append(PopulationMention(guideline, paragraph, used))
    return mentions


def _aliases_needed(
    text: str, words: list[str], by_word: dict[str, list[Alias]]
) -> tuple[str, ...] | None:
    """Return the synonyms' lines needed for `text` to name every word; None if it cannot."""
    used = []
    for word in words:
        if mentions(text, word):
            continue
        alias = next((a for a in by_word.get(word, ()) if mentions(text, a.target)), None)
        if alias is None:
            return None
        used.append(alias.explanation)
    return tuple(used)
