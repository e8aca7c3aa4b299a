"""Where a recommendation's words and grade come from, as data and in a reader's few words.

../shared/CONTENT.md "Provenance" and API.md `provenance`: every text a clinician reads is the
source's own words, a translation, a summary, or this project's own sentence, and every grade
is printed in the cited source, taken from another publication, or not an NKR grade at all.
The fixtures declare it per recommendation; an editor records when a text and its grade were
checked against the official publication (`verified`). Pure: no ORM, so the rules module, the
pages, the API and the cards share one wording.
"""

from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import Any

from .grading import strength_label

# Plain enums with Danish labels, not Django's TextChoices: the rules module imports this file
# and must load without the ORM (tests/recommendations/test_conditions.py).


class _Labelled(StrEnum):
    @property
    def label(self) -> str:
        return _LABELS[self]

    @classmethod
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


class TextKind(_Labelled):
    """What a text is (API.md `provenance`: title, rationale)."""

    VERBATIM = "verbatim"
    TRANSLATION = "translation"
    SUMMARY = "summary"
    NKR_WORDING = "nkr_wording"


class StrengthBasis(_Labelled):
    """Where a grade comes from (API.md `provenance`: strength)."""

    SOURCE = "source"
    SECONDARY = "secondary"
    NOT_GRADED = "not_graded"


class RationaleRole(_Labelled):
    """What the text under a recommendation is: its rationale, or the background of the
    focused question it was built from (low back pain: the seed has PICO questions only)."""

    RATIONALE = "rationale"
    PICO_BACKGROUND = "pico_background"


_LABELS = {
    TextKind.VERBATIM: "Ordret fra kilden",
    TextKind.TRANSLATION: "nkr's oversættelse af kilden",
    TextKind.SUMMARY: "nkr's sammenfatning af kilden",
    TextKind.NKR_WORDING: "nkr's formulering",
    StrengthBasis.SOURCE: "styrken står i kilden",
    StrengthBasis.SECONDARY: "styrken er hentet fra en anden publikation",
    StrengthBasis.NOT_GRADED: "ingen NKR-styrke",
    RationaleRole.RATIONALE: "Begrundelse",
    RationaleRole.PICO_BACKGROUND: "Baggrund for det fokuserede spørgsmål (PICO)",
}


# The keys a fixture's `provenance` may hold; the first three are required.
PROVENANCE_KEYS = {
    "title",
    "rationale",
    "strength",
    "title_from",  # e.g. "PICO 8": what this project's sentence was built from
    "strength_from",  # e.g. "Stochkendahl et al. 2018": where a grade was taken from
    "grade",  # a non-NKR source's own grade, shown in the label (CDC's category and type)
    "rationale_role",
    "unverified",  # what readers are told until an editor has verified the text
    "edited",  # set by provenance_of_text, not the fixtures: texts an editor has reworded
}
UNVERIFIED_DEFAULT = "endnu ikke kontrolleret af en redaktør mod den officielle udgivelse"
PICO_DOSES_NOTE = (
    "Doser og lægemidler nævnt her beskriver de interventioner, der blev undersøgt i det "
    "fokuserede spørgsmål; de er ikke doseringsråd."
)
_TITLE_WORDS = {
    TextKind.VERBATIM: "Ordret fra kilden",
    TextKind.TRANSLATION: "Formuleringen er nkr's oversættelse af kilden",
    TextKind.SUMMARY: "Formuleringen er nkr's sammenfatning af kilden",
    TextKind.NKR_WORDING: "Formuleringen er nkr's",
}
_DANISH_MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
).split()


def provenance_problems(provenance: Any) -> list[str]:
    """Return what is wrong with a fixture's `provenance` (empty when it is sound)."""
    if not isinstance(provenance, Mapping):
        return ["'provenance' is required: {title, rationale, strength, ...}"]
    problems = [f"unknown key {key!r}" for key in sorted(set(provenance) - PROVENANCE_KEYS)]
    if provenance.get("title") not in TextKind.values():
        problems.append(f"title kind {provenance.get('title')!r}; allowed: {TextKind.values()}")
    if provenance.get("rationale") not in TextKind.values():
        problems.append(f"rationale kind {provenance.get('rationale')!r}")
    if provenance.get("strength") not in StrengthBasis.values():
        problems.append(f"strength basis {provenance.get('strength')!r}")
    if provenance.get("strength") == StrengthBasis.SECONDARY and not provenance.get(
        "strength_from"
    ):
        problems.append("a secondary grade needs 'strength_from' (the publication)")
    role = provenance.get("rationale_role", RationaleRole.RATIONALE)
    if role not in RationaleRole.values():
        problems.append(f"rationale_role {role!r}")
    return problems


# The texts whose kind the fixtures declare (API.md `provenance`: title, rationale).
TEXT_KEYS = ("title", "rationale")


def text_of(recommendation) -> dict:
    """Return those texts of a recommendation, a draft or one of its versions."""
    return {key: getattr(recommendation, key) for key in TEXT_KEYS}


def provenance_of_text(declared: Mapping, text: Mapping, source_texts: Sequence[Mapping]) -> dict:
    """Return the provenance of a recommendation's `text` (its title and rationale).

    `declared` describes the texts loaded from the source, `source_texts` (every version
    seed_content wrote). A text declared the source's own words that is not one of those is an
    editor's: nkr's wording, so the source is never credited with words it does not contain.
    "edited" names those texts, so their declared kind (verbatim) is known again later.
    """
    result = {key: value for key, value in declared.items() if key != "edited"}
    result.update(dict.fromkeys(declared.get("edited", ()), TextKind.VERBATIM.value))
    edited = [
        key
        for key in TEXT_KEYS
        if result.get(key) == TextKind.VERBATIM
        and all(text[key] != source[key] for source in source_texts)
    ]
    result.update(dict.fromkeys(edited, TextKind.NKR_WORDING.value))
    if edited:
        result["edited"] = edited
    return result


def provenance_api(provenance: Mapping, verified: Mapping | None) -> dict:
    """Return the API's `provenance` object (API.md)."""
    return {
        "title": provenance.get("title"),
        "rationale": provenance.get("rationale"),
        "strength": provenance.get("strength"),
        "verified": {"by": verified["by"], "on": verified["on"]} if verified else None,
    }


def date_danish(iso: str) -> str:
    day = date.fromisoformat(iso)
    return f"{day.day}. {_DANISH_MONTHS[day.month - 1]} {day.year}"


def verification_text(provenance: Mapping, verified: Mapping | None) -> str:
    """Return whether the text was checked, in a reader's words."""
    if not verified:
        return provenance.get("unverified") or UNVERIFIED_DEFAULT
    return (
        f"kontrolleret mod {verified['against']} af {verified['by']} {date_danish(verified['on'])}"
    )


def provenance_line(provenance: Mapping, verified: Mapping | None) -> str:
    """Return where the text and grade come from in a few Danish words, for beside the text.

    E.g. "Formuleringen er nkr's, ud fra PICO 8; styrken efter Stochkendahl et al. 2018;
    endnu ikke kontrolleret mod den danske fuldtekst".
    """
    if not provenance:
        return ""
    title = _TITLE_WORDS[TextKind(provenance["title"])]
    if provenance.get("title_from"):
        title += f", ud fra {provenance['title_from']}"
    basis = StrengthBasis(provenance["strength"])
    strength_from = provenance.get("strength_from", "")
    if basis == StrengthBasis.SECONDARY:
        strength = f"styrken efter {strength_from}"
    elif basis == StrengthBasis.NOT_GRADED:
        strength = "ingen NKR-styrke" + (f" ({strength_from})" if strength_from else "")
    else:
        strength = "styrken står i kilden" + (f" ({strength_from})" if strength_from else "")
    return f"{title}; {strength}; {verification_text(provenance, verified)}"


def rationale_line(provenance: Mapping) -> str:
    """Return what the text under the recommendation is, e.g. "Ordret fra kilden"."""
    if not provenance:
        return ""
    return TextKind(provenance["rationale"]).label


def rationale_heading(provenance: Mapping) -> str:
    """Return the heading for the text under a recommendation (never "Begrundelse" for a
    question's background)."""
    return RationaleRole(provenance.get("rationale_role", RationaleRole.RATIONALE)).label


def is_pico_background(provenance: Mapping) -> bool:
    return provenance.get("rationale_role") == RationaleRole.PICO_BACKGROUND


class GradedText:
    """The grade in words and the provenance line of a published recommendation's text.

    For the classes that hold one (models.Recommendation, history_selectors.PublishedVersion):
    each has `strength`, `direction`, `certainty`, `provenance` and `verified`.
    """

    @property
    def label(self) -> str:
        """Return the Danish strength text, e.g. "Svag anbefaling imod"."""
        grade = self.provenance.get("grade", "")
        return strength_label(self.strength, self.direction, self.certainty, grade)

    @property
    def provenance_line(self) -> str:
        return provenance_line(self.provenance, self.verified)
