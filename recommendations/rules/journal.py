"""The journal note: an evaluation as plain Danish text for the patient record (API.md).

Pure, like the rest of the rules module: the date is passed in. Always Danish (the record is),
whatever language the clinician reads the page in; no HTML; at most JOURNAL_NOTE_MAX characters.
"""

from collections.abc import Mapping
from datetime import date

from ..numbers import danish_number
from .conditions import VALUE_LABELS
from .drugs import drug_table, name_in_sentence
from .evaluate import Evaluation, RedFlagRule
from .fact_registry import FACT_BY_NAME, TICKED_FACTS

JOURNAL_NOTE_MAX = 2000
# A recommendation's sentence is cut, to the first of these lengths that fits, only when the
# note would otherwise be too long: every applying recommendation keeps its line and its grade.
TITLE_CUTS = (None, 110, 80, 60, 40)
CUT_MARK = "… og {count} linjer mere (forkortet til {limit} tegn; se hele vurderingen i nkr)."
MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
).split()
ALERT_WORDS = {"critical": "AKUT", "warning": "Advarsel", "info": "Bemærk"}


def _plural(count: float, one: str, many: str) -> str:
    return f"{danish_number(count)} {one if count == 1 else many}"


def _facts_line(evaluation: Evaluation, red_flags: Mapping[str, RedFlagRule]) -> str:
    """Return what was assessed: the patient's facts as the clinician gave them."""
    intake, facts, drugs = evaluation.intake, evaluation.facts, drug_table()
    parts = [
        f"{intake.age} år",
        f"{VALUE_LABELS[intake.pain_site]} i {_plural(intake.pain_duration_weeks, 'uge', 'uger')}",
    ]
    parts += [FACT_BY_NAME[name].label for name in TICKED_FACTS if getattr(intake, name)]
    if intake.work_status:
        parts.append(f"arbejdssituation: {VALUE_LABELS[intake.work_status]}")
    if intake.trains_independently is not None:
        parts.append(
            ("" if intake.trains_independently else "ikke ")
            + FACT_BY_NAME["trains_independently"].label
        )
    flags = [
        red_flags[c].label.rstrip(".") if c in red_flags else c for c in sorted(intake.red_flags)
    ]
    parts.append("røde flag: " + ("; ".join(flags) if flags else "ingen"))
    medications = [
        f"{name_in_sentence(drugs[med.drug].name)} "
        + (
            "dosis ukendt"
            if med.daily_dose is None
            else f"{danish_number(med.daily_dose)} {med.unit}"
        )
        + ("/døgn" if med.unit == "mg" and med.daily_dose is not None else "")
        for med in intake.medications
    ]
    parts.append("aktuel medicin: " + (", ".join(medications) if medications else "ingen"))
    if intake.opioid_treatment_months is not None:
        months = _plural(intake.opioid_treatment_months, "måned", "måneder")
        parts.append(f"opioidbehandling i {months}")
    if facts.daily_mme is not None:
        parts.append(f"morfinækvivalent {danish_number(facts.daily_mme)} mg/døgn")
    if facts.startback is not None:
        risk = VALUE_LABELS[facts.startback.risk]
        parts.append(f"STarT Back {facts.startback.total}/9 ({risk} risiko)")
    return "Oplyst: " + "; ".join(parts) + "."


def _recommendation_lines(evaluation: Evaluation, *, title_max: int | None) -> list[str]:
    lines = []
    for guideline in evaluation.in_scope:
        source = f" ({guideline.source_short})" if guideline.source_short else ""
        lines.append(f"{guideline.short_title}{source}:")
        for rec in guideline.recommendations:
            title = rec.title
            if title_max and len(title) > title_max:
                title = title[: title_max - 1].rstrip() + "…"
            lines.append(f"- {rec.symbol} {rec.label}: {title}")
        if guideline.not_shown:
            lines.append(f"  Ikke vist for denne patient: {len(guideline.not_shown)}.")
    if not evaluation.in_scope:
        lines.append("Ingen af retningslinjerne gælder for denne patient.")
    return lines


def journal_note(
    evaluation: Evaluation, *, today: date, red_flags: Mapping[str, RedFlagRule]
) -> str:
    """Return the note: date, facts assessed, alerts first, then each applying recommendation."""
    head = [
        f"Smertevurdering efter de nationale kliniske retningslinjer (nkr), "
        f"{today.day}. {MONTHS[today.month - 1]} {today.year}.",
        _facts_line(evaluation, red_flags),
    ]
    if evaluation.alerts:
        head.append("Advarsler:")
        head += [f"- {ALERT_WORDS[a.level]}: {a.message}" for a in evaluation.alerts]
    head.append("Anbefalinger, der gælder:")
    for title_max in TITLE_CUTS:
        lines = head + _recommendation_lines(evaluation, title_max=title_max)
        if len("\n".join(lines)) <= JOURNAL_NOTE_MAX:
            return "\n".join(lines)
    # Still too long (many alerts, two guidelines, everything ticked): keep whole lines in order,
    # alerts first, and say how much was left out rather than cut a sentence in two.
    kept: list[str] = []
    for index, line in enumerate(lines):
        mark = CUT_MARK.format(count=len(lines) - index, limit=JOURNAL_NOTE_MAX)
        if len("\n".join([*kept, line, mark])) > JOURNAL_NOTE_MAX:
            return "\n".join([*kept, mark])
        kept.append(line)
    return "\n".join(kept)  # pragma: no cover (the loop above returns once the note is too long)
