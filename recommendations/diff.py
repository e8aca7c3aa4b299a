"""Word-level differences between two versions of a text, for a clinician to read.

Insertions and deletions are marked with <ins> and <del> (underlined and struck through, with
a hidden "Indsat:"/"Slettet:" for screen readers), never by colour alone.
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy

from .models import Certainty

# Words, single punctuation marks and runs of whitespace; joined again they give the text back.
_TOKENS = re.compile(r"\w+|[^\w\s]|\s+")

Kind = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class DiffPart:
    kind: Kind
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """Return `new` compared with `old` as runs of equal, deleted and inserted text."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    opcodes = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    parts: list[DiffPart] = []

    def add(kind: Kind, text: str) -> None:
        if not text:
            return
        if parts and parts[-1].kind == kind:
            parts[-1] = DiffPart(kind, parts[-1].text + text)
        else:
            parts.append(DiffPart(kind, text))

    deleted, inserted = [], []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        between_changes = 0 < index < len(opcodes) - 1
        if op == "equal" and not (between_changes and "".join(a[i1:i2]).isspace()):
            add("delete", "".join(deleted))
            add("insert", "".join(inserted))
            deleted, inserted = [], []
            add("equal", "".join(a[i1:i2]))
        else:
            # A lone space between two changes reads better inside them than between them.
            deleted += a[i1:i2]
            inserted += b[j1:j2]
    add("delete", "".join(deleted))
    add("insert", "".join(inserted))
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
    diffs = []
    for attribute, label in fields:
        before, after = _shown(old, attribute), _shown(new, attribute)
        diffs.append(
            FieldDiff(
                label=label, changed=before != after, html=diff_html(word_diff(before, after))
            )
        )
    return diffs
