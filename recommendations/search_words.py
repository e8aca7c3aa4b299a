"""How a search reads the GP's query: its words, and the other ways the content may write them.

Pure text work, no database: the rows query (search_rows.py) looks up in the content which of
these readings are its words, and search.py decides what to search again.
"""

import difflib
import re

from .search_index import FUZZY_MIN_LENGTH, casefold

MAX_WORDS = 8  # a query is a few words; more only lengthens the SQL
DIFFLIB_CUTOFF = 0.8  # SQLite: about as strict, in difflib's measure

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
) | frozenset(
    # And the words a GP's question is asked with that the list lacks ("må jeg give tramadol",
    # "kan man få akupunktur", "hvor ofte opfølgning"): nkr's own addition, found auditing
    # search. They too are in nearly every text.
    "kan må få får give gives ved ofte hvilken hvilke hvordan hvornår".split()
)

# Common Danish inflection endings, longest first: a light stand-in for the Snowball stemmer
# PostgreSQL uses, good enough for the SQLite development database.
_DANISH_ENDINGS = ("erne", "ene", "ers", "er", "en", "et", "e", "r")


def query_words(q: str) -> list[str]:
    """Return the query's words, case-folded; one-letter words carry no meaning here. (The
    pages and the API take at most 200 characters of query.)"""
    return [word for word in re.findall(r"\w+", casefold(q)) if len(word) > 1]


def meaning_words(words: list[str]) -> list[str]:
    """Return the words that carry the query's meaning, at most MAX_WORDS: all but the stop
    words, except the last word (it may be the start of a longer one: "ned" of
    "nedtrapning"), or all of them. The stop words go first, so a question's little words never
    crowd out the words at its end ("... med nyopståede lænderygsmerter?")."""
    kept = [w for i, w in enumerate(words) if w not in STOP_WORDS or i == len(words) - 1]
    return (kept if any(w not in STOP_WORDS for w in kept) else words)[:MAX_WORDS]


def light_stem(word: str) -> str:
    for ending in _DANISH_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


def text_words(text: str) -> set[str]:
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


def respellings(word: str) -> list[str]:
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


def readings(word: str) -> list[str]:
    """Return the words the rows query checks the content for: parts and respellings."""
    return sorted({*_compound_candidates(word), *respellings(word)})


def compound_parts(word: str, known: set[str]) -> tuple[str, str] | None:
    """Return the first cut of `word` into two known parts (head, tail), or None."""
    for heads, tail in _compound_cuts(word):
        head = next((h for h in heads if h in known), None)
        if head and tail in known:
            return head, tail
    return None


def part_known(part: str, vocabulary: set[str]) -> bool:
    return part in vocabulary or (
        len(part) >= COMPOUND_PART_END_MIN and any(w.endswith(part) for w in vocabulary)
    )


def likely_typo_of(word: str, nearest: list[str]) -> str | None:
    """Return the nearest word of the content if `word` is a typo of it in difflib's measure,
    the one SQLite matches typos with: letters swapped ("amitryptilin") share few trigrams."""
    near = nearest[0] if nearest else None
    if near and difflib.SequenceMatcher(None, word, near).ratio() >= DIFFLIB_CUTOFF:
        return near
    return None
