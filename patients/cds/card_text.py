"""The text on a card: Markdown escaping, lengths, lists, what the record told, excerpts."""

import re
from collections.abc import Iterable, Mapping, Sequence

from patients.cds.card_types import (
    HEADING_MAX,
    NAMED_MAX,
    PREFILL_LABEL,
    RATIONALE_MAX,
    SUMMARY_MAX,
    TAPER_PLANNER_LABEL,
    TAPERING_GUIDELINE,
    CardContext,
)
from patients.cds.fhir_findings import ConditionFinding, MedicationFinding, Record
from patients.cds.fhir_mapping import IntakeDraft
from recommendations.numbers import danish_number
from recommendations.rules import Evaluation, RedFlagRule
from recommendations.rules.conditions import VALUE_LABELS
from recommendations.rules.drugs import drug_names

# --- Text helpers --------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
# Renderers turn bare addresses into links (GFM's autolinks, markdown-it's linkify): "www.",
# "https://" and bare domains ("evil.dk") all need a "." between letters or a ":" before "/".
# Escaped, those characters render the same and no longer make a link. cmark-gfm links an
# e-mail address even when escaped, so a word with "@" is shown as code, which none links.
_LINK_DOT = re.compile(r"(?<=\w)\.(?=[^\W\d_])")
_LINK_COLON = re.compile(r":(?=/)")
_BACKTICKS = re.compile(r"`+")


def _code(word: str) -> str:
    """Return a Markdown code span showing `word` as it is (CommonMark code spans)."""
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(word)), default=0) + 1)
    pad = " " if word.startswith("`") or word.endswith("`") else ""
    return f"{fence}{pad}{word}{pad}{fence}"


def _md_word(word: str) -> str:
    if "@" in word:
        return _code(word)
    word = _MARKDOWN_SPECIAL.sub(r"\\\1", word)
    return _LINK_COLON.sub(r"\\:", _LINK_DOT.sub(r"\\.", word))


def md(text: str) -> str:
    """Return text safe inside Markdown: record and content text can hold * _ [ ] < > and
    addresses that a renderer would make links of."""
    return " ".join(_md_word(word) for word in str(text).split())


def fit(text: str, limit: int = SUMMARY_MAX) -> str:
    """Return text cut to `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _date(value) -> str:
    return value.strftime("%d.%m.%Y")


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def listed(texts: Iterable[str], limit: int = NAMED_MAX) -> str:
    """Return distinct texts joined by commas, at most `limit` of them and the rest counted."""
    unique = list(dict.fromkeys(texts))
    more = len(unique) - limit
    return ", ".join(unique[:limit]) + (f" og {more} flere" if more > 0 else "")


# --- What the record told us ---------------------------------------------------------------


def _condition_text(finding: ConditionFinding) -> str:
    onset = f", debut {_date(finding.onset)}" if finding.onset else ""
    return f"{md(finding.display)} ({md(finding.code)}{onset})"


def _medication_text(med: MedicationFinding) -> str:
    if med.daily_dose is None:
        return f"{md(med.name)}: døgndosis ukendt ({md(med.dose_note)})"
    unit = "mikrogram/time" if med.unit == "mcg/h" else "mg/døgn"
    return f"{md(med.name)} {danish_number(med.daily_dose)} {unit}"


def record_lines(
    record: Record, draft: IntakeDraft, red_flags: Mapping[str, RedFlagRule]
) -> list[str]:
    """Return the facts an evaluation used, each with where in the record it came from."""
    lines = []
    if record.age is not None:
        lines.append(f"Alder: {record.age} år (fødselsdato)")
    if draft.site is not None:
        site = VALUE_LABELS[draft.site.site]
        weeks = draft.site.duration_weeks
        duration = ""
        if weeks is not None:
            at_least = "mindst " if draft.site.duration_at_least else ""
            duration = f" i {at_least}{danish_number(weeks)} uger"
        sources = listed(_condition_text(c) for c in draft.site.conditions)
        lines.append(f"Smerter: {site}{duration} ({sources})")
    if record.radicular_signs:
        sources = listed(_condition_text(c) for c in record.radicular_signs)
        lines.append(f"Kliniske tegn på nerverodspåvirkning: ja ({sources})")
    if record.neuropathic_pain:
        sources = listed(_condition_text(c) for c in record.neuropathic_pain)
        lines.append(f"Smerter af neurogen karakter: ja ({sources})")
    for code, findings in record.red_flags.items():
        sources = listed(md(f.label) for f in findings)
        label = red_flags[code].label if code in red_flags else code
        lines.append(f"Rødt flag: {md(label)} ({sources})")
    if record.drugs:
        lines.append("Medicin: " + "; ".join(_medication_text(m) for m in record.drugs))
    months = draft.data.get("opioid_treatment_months")
    if months is not None:
        lines.append(
            f"Opioidbehandling: mindst {danish_number(months)} måneder (første registrering)"
        )
    return lines


def _mme_line(evaluation: Evaluation | None) -> str | None:
    """Return what is known of the morphine equivalent when an opioid's dose is unknown.

    The evaluator left such a drug out of the MME (facts.mme_unknown_drugs): the MME is that of
    the known doses, a lower bound, or not computed at all. Without an evaluation (an
    incomplete draft) there is no MME to qualify: the draft's notes say which dose is unknown.
    """
    if evaluation is None or not evaluation.facts.mme_unknown_drugs:
        return None  # the MME is complete (the evaluator's alerts state it), or there is none
    drugs = drug_names(evaluation.facts.mme_unknown_drugs)
    mme = evaluation.facts.daily_mme
    if mme:
        shown = danish_number(mme)
        return f"Morfinækvivalent: mindst {shown} mg/døgn; døgndosis ukendt for {md(drugs)}"
    return f"Morfinækvivalent: ikke beregnet; døgndosis ukendt for {md(drugs)}"


def facts_block(
    record: Record, draft: IntakeDraft, ctx: "CardContext", evaluation: Evaluation | None = None
) -> str:
    lines = record_lines(record, draft, ctx.red_flags)
    if mme := _mme_line(evaluation):
        lines.append(mme)
    parts = ["**Fra journalen:**", *(f"- {line}" for line in lines)]
    if draft.notes:
        parts += ["", "**Ikke oplyst i journalen:**", *(f"- {md(note)}" for note in draft.notes)]
    return "\n".join(parts)


def tool_links(guideline: str, ctx: "CardContext") -> tuple[dict, ...]:
    """Return links to nkr's tools for a guideline's card: the taper planner for tapering.

    The planner opens empty: the dose is entered there, so no patient fact goes into a URL.
    """
    if guideline != TAPERING_GUIDELINE or not ctx.taper_planner:
        return ()
    return (
        {"label": TAPER_PLANNER_LABEL, "url": ctx.absolute(ctx.taper_planner), "type": "absolute"},
    )


def prefill_link(url: str) -> tuple[dict, ...]:
    return ({"label": PREFILL_LABEL, "url": url, "type": "absolute"},) if url else ()


def summary_short(prefix: str, message: str) -> str:
    """Return prefix + message if it fits, else cut at the message's first colon, else cut."""
    if len(prefix + message) <= SUMMARY_MAX:
        return prefix + message
    head = prefix + message.split(": ", 1)[0]
    return head if len(head) <= SUMMARY_MAX else fit(prefix + message)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")


def rationale_excerpt(rationale: str, limit: int = RATIONALE_MAX) -> str:
    """Return the opening of a rationale: its first paragraph of prose, whole sentences up to
    `limit` characters (the first sentence cut with an ellipsis if it alone is longer).

    Some rationales open with the guideline's PICO question and section headings ("PICO 8.
    Bør ...?", "Baggrund for valg af spørgsmål:"), or hold lists: those are skipped, they are
    not prose a card can quote.
    """
    paragraphs = [" ".join(p.split()) for p in rationale.split("\n\n")]
    prose = [
        p
        for p in paragraphs
        if p
        and not p.startswith(("PICO", "- "))
        and not p.endswith("?")
        and not (p.endswith(":") and len(p) < HEADING_MAX)
    ]
    if not prose:
        return ""
    excerpt = ""
    for sentence in _SENTENCE_END.split(prose[0]):
        if excerpt and len(f"{excerpt} {sentence}") > limit:
            break
        excerpt = f"{excerpt} {sentence}".strip()
    return fit(excerpt, limit)


def sentences_joined(parts: Sequence[str]) -> str:
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts)
