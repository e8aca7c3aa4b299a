"""Word-level differences between two versions of a text, for a clinician to read.

Insertions and deletions are marked with <ins> and <del> (underlined and struck through, with
a hidden "Indsat:"/"Slettet:" for screen readers), never by colour alone.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from typing import Literal

from diff_match_patch import diff_match_patch
from django.core.cache import cache
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from .models import Certainty

# Words, single punctuation marks and runs of whitespace; joined again they give the text back.
_TOKENS = re.compile(r"\w+|[^\w\s]|\s+")

# Bounds, because anyone may ask for a diff (the public history page) and a minimal diff
# costs time that grows with the product of the lengths: two 48 KB texts took 22 s with
# difflib. Texts longer than MAX_DIFF_CHARS are shown as replaced whole; otherwise the diff
# stops refining at the deadline and shows what remains as replaced (diff-match-patch's own
# time limit, so the result is always correct, only coarser). One page's comparison shares
# DIFF_TIME_BUDGET seconds, and each result is cached, so a repeated request costs nothing.
MAX_DIFF_CHARS = 100_000
DIFF_TIME_BUDGET = 0.3
DIFF_CACHE_SECONDS = 24 * 60 * 60

Kind = Literal["equal", "insert", "delete"]
_KINDS: dict[int, Kind] = {
    diff_match_patch.DIFF_EQUAL: "equal",
    diff_match_patch.DIFF_INSERT: "insert",
    diff_match_patch.DIFF_DELETE: "delete",
}


@dataclass(frozen=True)
class DiffPart:
    kind: Kind
    text: str


def _as_symbols(tokens: list[str], symbols: dict[str, str]) -> str:
    """Return one character per token, so the character diff below is a word diff."""
    out = []
    for token in tokens:
        if token not in symbols:
            number = len(symbols) + 1
            # Skip the surrogate range: those code points are not characters.
            symbols[token] = chr(number + 0x800 if number >= 0xD800 else number)
        out.append(symbols[token])
    return "".join(out)


def _token_runs(old: str, new: str, deadline: float) -> list[tuple[Kind, list[str]]]:
    """Return (kind, tokens) runs from diff-match-patch, refined until `deadline` (time.time)."""
    symbols: dict[str, str] = {}
    a = _as_symbols(_TOKENS.findall(old), symbols)
    b = _as_symbols(_TOKENS.findall(new), symbols)
    tokens = {symbol: token for token, symbol in symbols.items()}
    differ = diff_match_patch()
    diffs = differ.diff_main(a, b, checklines=False, deadline=deadline)
    return _spaces_lead([(_KINDS[op], [tokens[symbol] for symbol in text]) for op, text in diffs])


def _spaces_lead(runs: list[tuple[Kind, list[str]]]) -> list[tuple[Kind, list[str]]]:
    """Return the runs with a change that ends in the space before it starting with it instead.

    "Tilbyd |+kognitiv terapi til |patienter" and "Tilbyd| +kognitiv terapi til| patienter"
    are the same change; the second reads as a word inserted after "Tilbyd".
    """
    runs = [(kind, list(tokens)) for kind, tokens in runs]
    for index in range(1, len(runs) - 1):
        (before_kind, before), (kind, change), (after_kind, after) = runs[index - 1 : index + 2]
        if before_kind == after_kind == "equal" != kind and before and change:
            if before[-1] == change[-1] and before[-1].isspace():
                runs[index - 1 : index + 2] = [
                    ("equal", before[:-1]),
                    (kind, [before[-1], *change[:-1]]),
                    ("equal", [change[-1], *after]),
                ]
    return [(kind, tokens) for kind, tokens in runs if tokens]


def word_diff(old: str, new: str, *, deadline: float | None = None) -> list[DiffPart]:
    """Return `new` compared with `old` as runs of equal, deleted and inserted text.

    `deadline` (a time.time() value) bounds the work: past it the rest is shown as replaced.
    """
    if deadline is None:
        deadline = time.time() + DIFF_TIME_BUDGET
    if len(old) > MAX_DIFF_CHARS or len(new) > MAX_DIFF_CHARS:
        runs: list[tuple[Kind, list[str]]] = [("delete", [old]), ("insert", [new])]
    else:
        runs = _token_runs(old, new, deadline)
    parts: list[DiffPart] = []

    def add(kind: Kind, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].kind == kind:
            parts[-1] = DiffPart(kind, parts[-1].text + text)
        else:
            parts.append(DiffPart(kind, text))

    deleted, inserted = [], []
    for index, (kind, tokens) in enumerate(runs):
        between_changes = 0 < index < len(runs) - 1
        if kind == "equal" and not (between_changes and "".join(tokens).isspace()):
            add("delete", "".join(deleted))
            add("insert", "".join(inserted))
            deleted, inserted = [], []
            add("equal", "".join(tokens))
        else:
            # A lone space between two changes reads better inside them than between them.
            if kind != "insert":
                deleted += tokens
            if kind != "delete":
                inserted += tokens
    add("delete", "".join(deleted))
    add("insert", "".join(inserted))
    return parts


def cached_word_diff(old: str, new: str, *, deadline: float) -> list[DiffPart]:
    """Return word_diff(old, new), computed once per pair of texts (so per version pair)."""
    digest = hashlib.sha256(f"{len(old)}:{old}{new}".encode("utf-8", "surrogatepass"))
    key = f"nkr:word-diff:{digest.hexdigest()}"
    parts = cache.get(key)
    if parts is None:
        parts = word_diff(old, new, deadline=deadline)
        cache.set(key, parts, DIFF_CACHE_SECONDS)
    return parts


def _part_html(part: DiffPart) -> SafeString:
    if part.kind == "insert":
        return format_html('<ins><span class="visually-hidden">Indsat: </span>{}</ins>', part.text)
    if part.kind == "delete":
        return format_html('<del><span class="visually-hidden">Slettet: </span>{}</del>', part.text)
    return escape(part.text)


def diff_html(parts: list[DiffPart]) -> SafeString:
    """Return the parts as HTML with <ins> and <del>, every text escaped by format_html."""
    return format_html_join("", "{}", ((_part_html(part),) for part in parts))


@dataclass(frozen=True)
class FieldDiff:
    label: str
    changed: bool
    html: SafeString


# Every field of a recommendation that readers see and that publishing a draft changes, in
# the order a clinician reads it. "label" is the strength and direction in words ("Svag
# anbefaling imod"); certainty has its own row because the label leaves it out.
COMPARED_FIELDS = [
    ("title", gettext_lazy("Anbefaling")),
    ("label", gettext_lazy("Styrke")),
    ("certainty", gettext_lazy("Evidensens kvalitet")),
    ("certainty_note", gettext_lazy("Kilde til evidensens kvalitet")),
    ("rationale", gettext_lazy("Begrundelse")),
    ("update_note", gettext_lazy("Opdateringsnote")),
    ("source", gettext_lazy("Kilde")),
    ("strength_source", gettext_lazy("Kilde til styrke")),
]


def _shown(obj, attribute: str) -> str:
    """Return the value as readers see it: a choice by its Danish label, not its code."""
    value = getattr(obj, attribute) or ""
    if attribute == "certainty" and value in Certainty.values:
        return str(Certainty(value).label)
    return str(value)


def versions_diff(old, new, fields: list[tuple[str, str]]) -> list[FieldDiff]:
    """Return a FieldDiff for each (attribute, Danish label) in `fields`, old → new."""
    # One time budget for the whole comparison, however many long fields it has.
    deadline = time.time() + DIFF_TIME_BUDGET
    diffs = []
    for attribute, label in fields:
        before, after = _shown(old, attribute), _shown(new, attribute)
        parts = cached_word_diff(before, after, deadline=deadline)
        diffs.append(FieldDiff(label=label, changed=before != after, html=diff_html(parts)))
    return diffs
