"""What reader-facing text must never say (../shared/CONTENT.md, "Opioid dose alerts").

No alert, page, card, note or print may tell a clinician to taper now, to stop, or to reduce
quickly because of a number. The retired 2016 wording ("overvej nedtrapning" at 50, "nedtrap
nu" at 90) is forbidden too. Negated advice ("stop ikke brat", "reducer ikke dosis hurtigt")
is what the sources say and is allowed.
"""

import re

FORBIDDEN_INSTRUCTIONS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"nedtrap\w* (nu|straks|med det samme|omgående|hurtigt)",
        r"\bovervej nedtrapning\b",
        r"\bstop (nu|straks|behandlingen|opioid\w*|medicinen)\b(?! brat)",
        r"\bseponér?\w* (nu|straks|omgående)",
        r"\breducer (?!ikke)(dosis )?(hurtigt|straks|nu)\b",
        r"\btaper now\b",
        r"\bstop (now|immediately)\b",
    )
]


def forbidden_instructions(text: str) -> list[str]:
    """Return every forbidden instruction found in a text (empty when there is none)."""
    return [
        match.group(0) for pattern in FORBIDDEN_INSTRUCTIONS for match in pattern.finditer(text)
    ]
