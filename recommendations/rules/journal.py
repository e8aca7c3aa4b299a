"""The journal note: an evaluation as plain Danish text for the patient record (API.md).

Pure, like the rest of the rules module: the date is passed in. Always Danish (the record is),
whatever language the clinician reads the page in; no HTML; at most JOURNAL_NOTE_MAX characters.
"""

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache

from ..numbers import danish_number
from .alerts import mme_alert_codes, red_flag_alert_kind
from .conditions import VALUE_LABELS
from .drugs import MME_NOT_FOR_SWITCHING, drug_names, drug_table, name_in_sentence
from .evaluate import Alert, Evaluation, RedFlagRule
from .fact_registry import FACT_BY_NAME, TICKED_FACTS

JOURNAL_NOTE_MAX = 2000
# Only when the note would otherwise be too long is it shortened, by the first of these steps
# that makes it fit, so that every applying recommendation keeps its line and its grade (API.md:
# its symbol and strength label): each step is (alerts: None = whole, else each alert's first
# sentence cut to at most N characters, the drugs advised against on one line and the red flags
# of one level on one line; the least room a recommendation's sentence may have). Within a
# step the sentences, shortened to what they are about (_essence), get as much room as fits,
# the same for each; the last step leaves them out.
SHORTENINGS = ((None, 40), (100, 25), (60, 12), (60, 0))
OMITTED = "[…]"
# Shortened, a recommendation's sentence first loses what its line already says, each omission
# marked: the wording scheme's opening (the strength label gives strength and direction) and
# the guideline's population (the heading names the guideline). What is left starts with what
# the recommendation is about: "↓ Svag anbefaling imod: […] tramadol […].". Not before a verb
# that negates ("undlade"): after "imod" it would read as its opposite.
_OPENING = re.compile(
    r"^(?:(?:Det er (?:ikke )?god praksis at|Overvej at|Overvej) (?:tilbyde )?(?:behandling med )?"
    r"|Tilbyd kun efter nøje overvejelse |Anvend kun efter nøje overvejelser? |Anvend kun "
    r"|Tilbyd |Det anbefales, at der ikke at anvendes \[sic\] )(?!undlade\b)"
)
_POPULATION = re.compile(
    r",?\s*\b(?:til |hos )?(?:udvalgte )?(?:patienter|patienten|børn og unge) med "
    r"(?:nyopståede lænderygsmerter|generaliserede smerter i bevægeapparatet|"
    r"langvarige non-?maligne (?:muskuloskeletale )?smerter)",
    re.IGNORECASE,
)
_OMISSIONS = re.compile(r"(?:\s*\[…\]){2,}")
# MME_NOT_FOR_SWITCHING in our own fewer words, for a shortened note.
MME_NOT_FOR_SWITCHING_SHORT = "anslår samlet opioideksponering; ikke til omregning ved skift"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")
CUT_MARK = "… og {count} linjer mere (forkortet til {limit} tegn; se hele vurderingen i nkr)."
MONTHS = (
    "januar februar marts april maj juni juli august september oktober november december"
).split()
ALERT_WORDS = {"critical": "AKUT", "warning": "Advarsel", "info": "Bemærk"}


def _plural(count: float, one: str, many: str) -> str:
    return f"{danish_number(count)} {one if count == 1 else many}"


def _facts_line(
    evaluation: Evaluation, red_flags: Mapping[str, RedFlagRule], *, short: bool
) -> str:
    """Return what was assessed: the patient's facts as the clinician gave them, and with the
    daily MME the caveat CONTENT.md asks for wherever it is given, unless an alert says it.
    Shortened, the red flags are named once, by the alerts."""
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
    if short and flags:
        parts.append(f"røde flag: {len(flags)} (under Advarsler)")
    else:
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
        caveat = (
            f" ({MME_NOT_FOR_SWITCHING_SHORT})"
            if short
            else f" ({MME_NOT_FOR_SWITCHING[0].lower()}{MME_NOT_FOR_SWITCHING[1:-1]})"
        )
        mme = f"morfinækvivalent {danish_number(facts.daily_mme)} mg/døgn"
        caveat_in_alerts = not short and any(
            alert.code in mme_alert_codes() for alert in evaluation.alerts
        )
        parts.append(mme + ("" if caveat_in_alerts else caveat))
    if facts.startback is not None:
        risk = VALUE_LABELS[facts.startback.risk]
        parts.append(f"STarT Back {facts.startback.total}/9 ({risk} risiko)")
    return "Oplyst: " + "; ".join(parts) + "."


def _recommendation_lines(evaluation: Evaluation, *, title_max: int | None) -> list[str]:
    """Return the applying recommendations, a line each. Shortened (title_max), a sentence is
    what it is about, cut to title_max; whole if it advises against a drug the patient takes,
    as the shortened medication alert points to it ("frarådes af anbefalingerne nedenfor")."""
    advising = {alert.recommendation for alert in evaluation.alerts if alert.drug}
    lines = []
    for guideline in evaluation.in_scope:
        source = f" ({guideline.source_short})" if guideline.source_short else ""
        lines.append(f"{guideline.short_title}{source}:")
        for rec in guideline.recommendations:
            title = rec.title
            if title_max is not None:
                whole = f"{guideline.slug}/{rec.slug}" in advising
                title = _essence(title) if whole else _words(_essence(title), title_max)
            lines.append(f"- {rec.symbol} {rec.label}" + (f": {title}" if title else ""))
            lines += [f"  {note}" for note in rec.notes]  # the seed's exception, whole
        if guideline.not_shown:
            lines.append(f"  Ikke vist for denne patient: {len(guideline.not_shown)}.")
    if not evaluation.in_scope:
        lines.append("Ingen af retningslinjerne gælder for denne patient.")
    return lines


@lru_cache(maxsize=256)  # the content's sentences: a few dozen
def _essence(title: str) -> str:
    """Return a recommendation's sentence without what its line already says (_OPENING)."""
    text = _POPULATION.sub(f" {OMITTED}", _OPENING.sub(f"{OMITTED} ", title))
    text = _OMISSIONS.sub(f" {OMITTED}", text)
    return re.sub(r"\s+([,.])", r"\1", text).strip()


def _words(text: str, limit: int) -> str:
    """Return `text`, or as many of its words as fit in `limit` characters with "…", or
    nothing where not one word besides an omission mark fits."""
    if len(text) <= limit:
        return text
    kept = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else ""
    kept = kept.removesuffix(OMITTED).rstrip(" ,")
    return f"{kept}…" if kept.replace(OMITTED, "").strip() else ""


def _cut(text: str, limit: int | None) -> str:
    """Return `text`, or its start up to `limit` characters, ending in "…" (0: nothing)."""
    if limit is None or len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…" if limit else ""


def _first_sentence(text: str, limit: int) -> str:
    first, *rest = _SENTENCE_END.split(text, maxsplit=1)
    first = _cut(first, limit)
    return f"{first} {OMITTED}" if rest else first


def _alert_lines(
    alerts: list[Alert], red_flags: Mapping[str, RedFlagRule], *, cut: int | None
) -> list[str]:
    """Return a line per alert, or shortened: each alert's first sentence (a dose alert with
    its source, which says the threshold is American), the drugs advised against on one line
    (their recommendations follow), and the red flags of one level on one line with this
    project's reading of what to do (the source's words are in nkr)."""
    if cut is None:
        return [f"- {ALERT_WORDS[alert.level]}: {alert.message}" for alert in alerts]
    flags: dict[str, list[str]] = {}
    for alert in alerts:
        if alert.code in red_flags:
            flags.setdefault(alert.level, []).append(red_flags[alert.code].label.rstrip("."))
    advised_against = [alert.drug for alert in alerts if alert.drug]
    lines = []
    for alert in alerts:
        word = ALERT_WORDS[alert.level]
        if alert.drug:  # a medication alert
            if advised_against:
                lines.append(
                    f"- {word}: Patienten får {_listing(drug_names(advised_against))}, som "
                    f"frarådes af anbefalingerne nedenfor. {OMITTED}"
                )
                advised_against = []
        elif alert.code in mme_alert_codes():
            lines.append(f"- {word}: {_first_sentence(alert.message, cut)} ({alert.source})")
        elif alert.code not in red_flags:
            lines.append(f"- {word}: {_first_sentence(alert.message, cut)}")
        elif labels := flags.pop(alert.level, None):
            action = red_flag_alert_kind(alert.level).action
            flag_word = "Rødt flag" if len(labels) == 1 else "Røde flag"
            lines.append(
                f"- {word}: {flag_word}: {'; '.join(labels)}. nkr's læsning: {action}. {OMITTED}"
            )
    return lines


def _listing(names: str) -> str:
    """Return "a, b, c" as a Dane lists it: "a, b og c"."""
    first, _, last = names.rpartition(", ")
    return f"{first} og {last}" if first else last


def _fits(lines: list[str]) -> bool:
    return len("\n".join(lines)) <= JOURNAL_NOTE_MAX


def _most_room(note_with, *, least: int) -> int | None:
    """Return the most room (characters) a recommendation's sentence can have with the note
    still fitting, if at least `least`: the note only grows with the room."""
    if not _fits(note_with(least)):
        return None
    low, high = least, JOURNAL_NOTE_MAX
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if _fits(note_with(middle)) else (low, middle - 1)
    return low


def _head(
    evaluation: Evaluation,
    today: date,
    red_flags: Mapping[str, RedFlagRule],
    *,
    alert_cut: int | None,
) -> list[str]:
    """Return the note up to its recommendations: date, facts, alerts."""
    head = [
        # Not "efter de nationale kliniske retningslinjer": the tapering guidance is no NKR,
        # and each guideline's line names its own source.
        f"Smertevurdering med nkr (kilden står ved hver retningslinje), "
        f"{today.day}. {MONTHS[today.month - 1]} {today.year}.",
        _facts_line(evaluation, red_flags, short=alert_cut is not None),
    ]
    if evaluation.alerts:
        head.append("Advarsler:")
        head += _alert_lines(evaluation.alerts, red_flags, cut=alert_cut)
    head.append("Anbefalinger, der gælder:")
    return head


def journal_note(
    evaluation: Evaluation, *, today: date, red_flags: Mapping[str, RedFlagRule]
) -> str:
    """Return the note: date, facts assessed, alerts first, then each applying recommendation."""
    lines = _head(evaluation, today, red_flags, alert_cut=None) + _recommendation_lines(
        evaluation, title_max=None
    )
    if _fits(lines):
        return "\n".join(lines)
    for alert_cut, least in SHORTENINGS:
        head = _head(evaluation, today, red_flags, alert_cut=alert_cut)

        def note_with(room: int, head=head) -> list[str]:
            return head + _recommendation_lines(evaluation, title_max=room)

        room = _most_room(note_with, least=least)
        if room is not None:
            return "\n".join(note_with(room))
    lines = note_with(0)
    # Still too long (many alerts, two guidelines, everything ticked): keep whole lines in order,
    # alerts first, and say how much was left out rather than cut a sentence in two.
    kept: list[str] = []
    for index, line in enumerate(lines):
        mark = CUT_MARK.format(count=len(lines) - index, limit=JOURNAL_NOTE_MAX)
        if len("\n".join([*kept, line, mark])) > JOURNAL_NOTE_MAX:
            return "\n".join([*kept, mark])
        kept.append(line)
    return "\n".join(kept)  # pragma: no cover (the loop above returns once the note is too long)
