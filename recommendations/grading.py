"""How a recommendation's grade is shown: symbol, Danish label and colour class.

Display decided after the 2018 hearing (seed 002, Danske Fysioterapeuter; CONTENT.md): for is
green, against is red, strong saturated, weak light, good practice its own mark (√). Colour is
never alone: the symbol and the words always go with it. Pure functions so the rules, the API
and the templates share one definition.
"""

from django.utils.translation import gettext_noop

_SYMBOLS = {
    ("strong", "for"): "↑↑",
    ("weak", "for"): "↑",
    ("good_practice", "for"): "√",
    ("not_graded", "for"): "◇",
    ("strong", "against"): "↓↓",
    ("weak", "against"): "↓",
    ("good_practice", "against"): "√",
    ("not_graded", "against"): "◇",
}

# Danish labels are the API's `label` (API.md: "Svag anbefaling imod"); templates translate them.
_LABELS = {
    ("strong", "for"): gettext_noop("Stærk anbefaling for"),
    ("strong", "against"): gettext_noop("Stærk anbefaling imod"),
    ("weak", "for"): gettext_noop("Svag anbefaling for"),
    ("weak", "against"): gettext_noop("Svag anbefaling imod"),
    ("good_practice", "for"): gettext_noop("God praksis anbefaling for"),
    ("good_practice", "against"): gettext_noop("God praksis anbefaling imod"),
}

# Opioid tapering has no NKR grade (CONTENT.md): show the evidence or "expert advice" instead.
_NOT_GRADED_LABELS = {
    ("moderate", "for"): gettext_noop("Ikke NKR-graderet: moderat evidens for"),
    ("moderate", "against"): gettext_noop("Ikke NKR-graderet: moderat evidens imod"),
    ("high", "for"): gettext_noop("Ikke NKR-graderet: høj evidens for"),
    ("high", "against"): gettext_noop("Ikke NKR-graderet: høj evidens imod"),
    ("low", "for"): gettext_noop("Ikke NKR-graderet: lav evidens for"),
    ("low", "against"): gettext_noop("Ikke NKR-graderet: lav evidens imod"),
    ("very_low", "for"): gettext_noop("Ikke NKR-graderet: meget lav evidens for"),
    ("very_low", "against"): gettext_noop("Ikke NKR-graderet: meget lav evidens imod"),
    ("", "for"): gettext_noop("Ikke NKR-graderet: ekspertråd for"),
    ("", "against"): gettext_noop("Ikke NKR-graderet: ekspertråd imod"),
}


def strength_symbol(strength: str, direction: str) -> str:
    """Return the arrow or mark for a strength and direction (↑↑ ↑ √ ↓ ↓↓, ◇ not graded)."""
    return _SYMBOLS[(strength, direction)]


_DIRECTION_WORDS = {"for": "for", "against": "imod"}


def strength_label(
    strength: str, direction: str, certainty: str | None = "", grade: str = ""
) -> str:
    """Return the Danish strength text, e.g. "Svag anbefaling imod".

    `grade` is a non-NKR source's own grade (provenance "grade", e.g. CDC's "kategori B,
    evidenstype 4"): shown instead of "ekspertråd" when the source grades the text itself.
    """
    if strength == "not_graded":
        if grade and not certainty:
            return f"Ikke NKR-graderet: {grade} {_DIRECTION_WORDS[direction]}"
        return _NOT_GRADED_LABELS[(certainty or "", direction)]
    return _LABELS[(strength, direction)]


def strength_css(strength: str, direction: str) -> str:
    """Return the CSS classes that colour a badge by direction and strength."""
    return f"grade grade--{direction} grade--{strength.replace('_', '-')}"
