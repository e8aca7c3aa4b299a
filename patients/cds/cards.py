"""CDS Hooks cards from a record and its evaluations (API.md, CDS Hooks 2.0). Pure.

Order: one critical card per red-flag finding that needs urgent referral, then red flags to
investigate and medication warnings, then one card per guideline in scope, then a card for
what the record could not tell. Every card says where its facts came from and what is
unknown, shows strength and direction as symbol and words, and links to our intake form
pre-filled with what was known.
"""

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.db.models import TextChoices

from patients.cds.fhir_findings import ConditionFinding, MedicationFinding, Record
from patients.cds.fhir_mapping import IntakeDraft
from recommendations.numbers import danish_number
from recommendations.provenance import PICO_DOSES_NOTE
from recommendations.rules import Evaluation, RedFlagRule
from recommendations.rules.alerts import MME_INCOMPLETE_CODE, alert_kind, mme_alert_codes
from recommendations.rules.conditions import VALUE_LABELS
from recommendations.rules.drugs import drug_names
from recommendations.rules.evaluate import APPLIES_TO_ALL

Finding = ConditionFinding | MedicationFinding

SUMMARY_MAX = 139  # CDS Hooks: "<140-character summary"
RED_FLAG_GUIDELINE = "acute-low-back-pain"  # Tabel 1. Røde flag is part of this NKR (seed 003)
RED_FLAG_TABLE = "Tabel 1. Røde flag"
SOURCE_LABEL = "nkr: nationale kliniske retningslinjer om smerter"
PREFILL_LABEL = "Åbn NKR-vurderingen udfyldt med journalens oplysninger"
TAPERING_GUIDELINE = "opioid-tapering"
TAPER_PLANNER_LABEL = "Lav en nedtrapningsplan i nkr's nedtrapningsplanlægger"
NOT_IN_RECORDS = (
    "Komplekse problemstillinger, funktion og deltagelse, arbejdssituation, træningsvaner, "
    "effekt af ikke-medicinsk behandling, søvn, røde flag ud over journalens diagnoser og "
    "STarT Back kan ikke aflæses af journalen. Flere anbefalinger kan gælde, når de kendes: "
    "udfyld dem i NKR-vurderingen."
)
LEVEL_RANK = {"info": 0, "warning": 1, "critical": 2}
RATIONALE_MAX = 240  # characters of a recommendation's rationale on a card; the page has all
RATIONALE_LINK_LABEL = "hele begrundelsen"
# Why a card has no link to a recommendation page (every other card links each one it names).
NO_RECOMMENDATION = "**Ingen anbefaling at henvise til:** {why}"
WHY_RED_FLAG = (
    "et rødt flag er ikke en anbefaling, men står i {table} i retningslinjen for nyopståede "
    "lænderygsmerter ([se retningslinjen]({url}))."
)
WHY_ALERT = "advarslen hører ikke til en anbefaling; den bygger på kilden, der er nævnt."
WHY_INCOMPLETE = "ingen anbefaling er vurderet, før oplysningerne er udfyldt."
WHY_NOT_IN_SCOPE = "patienten er ikke i nogen af retningslinjernes målgruppe."
WHY_NO_PAIN_CODE = "ingen retningslinje er vurderet uden en smertediagnose."
HEADING_MAX = 80  # a rationale's paragraph ending in ":" and shorter than this is a heading
# Record entries named in one line of a card: the rest are counted, so a record that repeats
# an entry hundreds of times still gets a card of a few kilobytes (the gaps listed are bounded
# by fhir_mapping.NOTES_MAX).
NAMED_MAX = 5


class OverrideReason(TextChoices):
    """Why a clinician dismissed a card: nkr's own code set, offered as CDS Hooks overrideReasons.

    CDS Hooks 2.0 prescribes no standard set; these are stored with each override so editors
    can see why a recommendation's card was set aside (docs/integration.md).
    """

    NOT_RELEVANT = "not-relevant", "Ikke relevant for denne patient"
    ALREADY_CONSIDERED = "already-considered", "Allerede overvejet eller iværksat"
    PATIENT_PREFERENCE = "patient-preference", "Patienten ønsker anden behandling"
    DISAGREE = "disagree", "Uenig i anbefalingen"
    RECORD_INCOMPLETE = (
        "record-incomplete",
        "Journalens oplysninger er ufuldstændige eller forkerte",
    )


class CardKind(TextChoices):
    """What a card is about; stored with issued cards and their feedback."""

    RED_FLAG = "red_flag", "Rødt flag"
    MEDICATION = "medication", "Advarsel om medicin"
    GUIDELINE = "guideline", "Retningslinje"
    INCOMPLETE = "incomplete", "Manglende oplysninger"
    NOT_IN_SCOPE = "not_in_scope", "Ingen retningslinje gælder"


@dataclass(frozen=True)
class Card:
    kind: str
    summary: str
    indicator: str
    detail: str
    source: dict
    links: tuple[dict, ...]
    # What the card is about, for feedback: "<guideline>/<slug>" per recommendation on a
    # guideline card, red-flag codes, alert codes.
    subjects: tuple[str, ...]
    guideline: str = ""

    def as_json(self, *, uuid: str, override_reason_system: str) -> dict:
        """Return the card in CDS Hooks 2.0 JSON."""
        return {
            "uuid": uuid,
            "summary": self.summary,
            "indicator": self.indicator,
            "detail": self.detail,
            "source": self.source,
            "links": list(self.links),
            "overrideReasons": [
                {"system": override_reason_system, "code": code, "display": str(label)}
                for code, label in OverrideReason.choices
            ],
        }


@dataclass(frozen=True)
class DraftResult:
    """One intake draft, its evaluation (None if incomplete) and its pre-fill link."""

    draft: IntakeDraft
    evaluation: Evaluation | None
    prefill_url: str
    problems: tuple[str, ...] = ()  # messages if the evaluator refused the data


@dataclass(frozen=True)
class CardContext:
    absolute: Callable[[str], str]  # site path -> absolute URL
    red_flags: Mapping[str, RedFlagRule]
    red_flag_source: tuple[str, str] | None = None  # (guideline title, page path)
    taper_planner: str = ""  # the taper planner's path


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


def _plural(n: int, one: str, many: str) -> str:
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


def _facts_block(
    record: Record, draft: IntakeDraft, ctx: "CardContext", evaluation: Evaluation | None = None
) -> str:
    lines = record_lines(record, draft, ctx.red_flags)
    if mme := _mme_line(evaluation):
        lines.append(mme)
    parts = ["**Fra journalen:**", *(f"- {line}" for line in lines)]
    if draft.notes:
        parts += ["", "**Ikke oplyst i journalen:**", *(f"- {md(note)}" for note in draft.notes)]
    return "\n".join(parts)


def _tool_links(guideline: str, ctx: "CardContext") -> tuple[dict, ...]:
    """Return links to nkr's tools for a guideline's card: the taper planner for tapering.

    The planner opens empty: the dose is entered there, so no patient fact goes into a URL.
    """
    if guideline != TAPERING_GUIDELINE or not ctx.taper_planner:
        return ()
    return (
        {"label": TAPER_PLANNER_LABEL, "url": ctx.absolute(ctx.taper_planner), "type": "absolute"},
    )


def _prefill_link(url: str) -> tuple[dict, ...]:
    return ({"label": PREFILL_LABEL, "url": url, "type": "absolute"},) if url else ()


# --- The cards -----------------------------------------------------------------------------


def _red_flag_findings(record: Record) -> dict[tuple[str, ...], list[Finding]]:
    """Return the record entries grouped by the red flags they raise.

    One card per finding, however the record repeats it: three statements of prednisolone, or
    prednisolone and prednisone, raise the same red flag and make one card naming them all.
    """
    codes_of: dict[str, tuple[Finding, list[str]]] = {}
    for code, findings in record.red_flags.items():
        for finding in findings:
            key = f"{finding.resource} {finding.label}"
            codes_of.setdefault(key, (finding, []))[1].append(code)
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding, codes in codes_of.values():
        groups.setdefault(tuple(codes), []).append(finding)
    return groups


def _red_flag_cards(record: Record, ctx: CardContext, prefill_url: str) -> list[Card]:
    if ctx.red_flag_source:
        title, path = ctx.red_flag_source
        source = {"label": f"{title}, {RED_FLAG_TABLE}", "url": ctx.absolute(path)}
    else:
        source = {"label": RED_FLAG_TABLE, "url": ctx.absolute("/")}
    cards = []
    for codes, findings in _red_flag_findings(record).items():
        flags = [ctx.red_flags[code] for code in codes if code in ctx.red_flags]
        if not flags:
            continue
        critical = any(flag.level == "critical" for flag in flags)
        # Diagnoses and drugs name themselves with their code.
        what = listed(finding.label for finding in findings)
        resources = listed(finding.resource for finding in findings)
        # The action is this project's reading of the table, shown beside the seed's own words
        # (fixtures/alerts.json, the same wording as the intake's red-flag alerts).
        kind = alert_kind("red_flag_critical" if critical else "red_flag_warning")
        if critical:
            summary = f"AKUT: {what} i journalen er et rødt flag – vurdér akut henvisning"
        else:
            summary = f"Rødt flag i journalen: {what} – udred for specifik patologi"
        detail = "\n".join(
            [
                f"**Rødt flag i journalen:** {md(what)}, {md(resources)}.",
                "",
                f"{RED_FLAG_TABLE} nævner:",
                *(f"- {md(flag.label)}" for flag in flags),
                "",
                f"Kilden: {md(kind.seed_words)}. **nkr's læsning: {md(kind.action)}.** "
                "Journalens diagnose er ikke en undersøgelse: bekræft ved anamnese og "
                "undersøgelse.",
                "",
                NO_RECOMMENDATION.format(
                    why=WHY_RED_FLAG.format(table=RED_FLAG_TABLE, url=source["url"])
                ),
            ]
        )
        cards.append(
            Card(
                kind=CardKind.RED_FLAG,
                summary=fit(summary),
                indicator="critical" if critical else "warning",
                detail=detail,
                source=source,
                links=_prefill_link(prefill_url),
                subjects=tuple(codes),
            )
        )
    cards.sort(key=lambda card: -LEVEL_RANK[card.indicator])
    return cards


def _medication_card(results: Sequence[DraftResult], ctx: CardContext) -> list[Card]:
    alerts, seen = [], set()
    for result in results:
        if result.evaluation is None:
            continue
        codes = {alert.code for alert in result.evaluation.alerts}
        for alert in result.evaluation.alerts:
            if alert.code in ctx.red_flags or (alert.code, alert.message) in seen:
                continue  # red flags have their own cards, with the record finding named
            if alert.code == MME_INCOMPLETE_CODE and not codes & mme_alert_codes():
                # An unknown dose is a gap in the record, which every guideline card states
                # (_mme_line): here it is said only beside the MME alert it qualifies.
                continue
            seen.add((alert.code, alert.message))
            alerts.append(alert)
    if not alerts:
        return []
    level = max((alert.level for alert in alerts), key=LEVEL_RANK.__getitem__)
    if len(alerts) == 1:
        summary = _short("Advarsel: ", alerts[0].message)
    else:
        summary = f"{len(alerts)} advarsler om patientens aktuelle medicin"
    lines = []
    for alert in alerts:
        line = f"- {md(alert.message)} (Kilde: {md(alert.source)})"
        if alert.recommendation:
            guideline, slug = alert.recommendation.split("/", 1)
            line += f" [Se anbefalingen]({ctx.absolute(f'/guidelines/{guideline}/{slug}/')})"
        else:
            line += f"  \n  {NO_RECOMMENDATION.format(why=WHY_ALERT)}"
        lines.append(line)
    return [
        Card(
            kind=CardKind.MEDICATION,
            summary=fit(summary),
            indicator=level,
            detail="\n".join(["**Advarsler om aktuel medicin:**", *lines]),
            source={"label": SOURCE_LABEL, "url": ctx.absolute("/")},
            links=_prefill_link(results[0].prefill_url if results else ""),
            # Feedback on a warning about a recommendation is feedback on that recommendation
            # ("<guideline>/<slug>"), so editors see it beside the guideline cards' feedback.
            subjects=tuple(dict.fromkeys(alert.recommendation or alert.code for alert in alerts)),
        )
    ]


def _short(prefix: str, message: str) -> str:
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


def _sentences(parts: Sequence[str]) -> str:
    return " ".join(part if part.endswith(".") else f"{part}." for part in parts)


def _guideline_summary(title: str, recs, unknown: Sequence[str]) -> str:
    n = len(recs)
    if n == 0:
        head = f"{title}: ingen anbefalinger gælder ud fra journalens oplysninger"
    else:
        up = sum(1 for rec in recs if rec.direction == "for")
        head = (
            f"{title}: {_plural(n, 'anbefaling', 'anbefalinger')} gælder ({up} for, {n - up} imod)"
        )
    if unknown:
        with_unknown = f"{head} – {', '.join(unknown)}"
        if len(with_unknown) <= SUMMARY_MAX:
            return with_unknown
    return fit(head)


def _guideline_cards(
    record: Record, results: Sequence[DraftResult], ctx: CardContext
) -> list[Card]:
    cards, seen = [], set()
    for result in results:
        if result.evaluation is None:
            continue
        draft = result.draft
        unknown = ["døgndosis ukendt"] if any(m.daily_dose is None for m in record.drugs) else []
        for guideline in result.evaluation.in_scope:
            if guideline.slug in seen:
                continue  # the same guideline from another pain site: the first one stands
            seen.add(guideline.slug)
            recs = guideline.recommendations
            lines = [
                f"**{_plural(len(recs), 'anbefaling gælder', 'anbefalinger gælder')}** "
                "ud fra journalens oplysninger:",
                "",
            ]
            everyone = [rec for rec in recs if rec.slug in guideline.applies_to_all]
            if everyone:
                # Said once per guideline, not as the only reason on each of its lines.
                lines += [
                    f"*{APPLIES_TO_ALL}* (anbefalinger uden *Fordi*): "
                    f"{md('; '.join(everyone[0].because))}.",
                    "",
                ]
            for rec in recs:
                lines.append(
                    f"- {rec.symbol} **{md(rec.label)}:** "
                    f"[{md(rec.title)}]({ctx.absolute(rec.url)})  "
                )
                lines.append(f"  *Oprindelse:* {md(rec.provenance_line)}  ")
                if rec not in everyone:
                    lines.append(f"  *Fordi:* {md('; '.join(rec.because))}  ")
                if excerpt := rationale_excerpt(rec.rationale):
                    # A PICO question's background is not a rationale, and its doses are
                    # the studied interventions', not advice (provenance.PICO_DOSES_NOTE).
                    heading = rec.rationale_heading
                    if rec.is_pico_background:
                        excerpt = f"{excerpt} ({PICO_DOSES_NOTE})"
                    lines.append(
                        f"  *{heading}:* {md(excerpt)} "
                        f"([{RATIONALE_LINK_LABEL}]({ctx.absolute(rec.url)}))"
                    )
                for note in rec.notes:
                    lines.append(f"  *Bemærk:* {md(note)}")
            lines += [
                "",
                f"**Målgruppe:** {md(_sentences(guideline.reasons))}",
                "",
                _facts_block(record, draft, ctx, result.evaluation),
                "",
                NOT_IN_RECORDS,
                "",
                f"Kilde: {md(guideline.title)}.",
            ]
            cards.append(
                Card(
                    kind=CardKind.GUIDELINE,
                    summary=_guideline_summary(guideline.short_title, recs, unknown),
                    indicator="info",
                    detail="\n".join(lines),
                    source={"label": guideline.title, "url": ctx.absolute(guideline.url)},
                    links=(*_prefill_link(result.prefill_url), *_tool_links(guideline.slug, ctx)),
                    subjects=tuple(f"{rec.guideline}/{rec.slug}" for rec in recs),
                    guideline=guideline.slug,
                )
            )
    return cards


def _incomplete_cards(
    record: Record, results: Sequence[DraftResult], ctx: CardContext
) -> list[Card]:
    cards = []
    for result in results:
        draft = result.draft
        if result.evaluation is not None:
            continue
        if draft.site is not None:
            what = ", ".join(dict.fromkeys(c.display for c in draft.site.conditions))
        else:
            pain = [
                c.display
                for c in record.conditions
                if c.rule.chronic_pain or c.rule.radicular_signs
            ]
            pain += [m.name for m in record.drugs if m.is_opioid]
            what = ", ".join(dict.fromkeys(pain)) or "smerter"
        missing = list(draft.missing) or ["oplysningerne kunne ikke vurderes"]
        summary = f"{what}: {', '.join(missing)} – udfyld NKR-vurderingen"
        problems = [f"- {md(problem)}" for problem in result.problems]
        detail = "\n".join(
            [
                "**Journalens oplysninger er ikke nok til en vurdering efter de nationale "
                "kliniske retningslinjer.** Åbn NKR-vurderingen (linket), udfyld det, der "
                "mangler, og se de anbefalinger, der gælder.",
                *(["", "**Vurderingen afviste:**", *problems] if problems else []),
                "",
                NO_RECOMMENDATION.format(why=WHY_INCOMPLETE),
                "",
                _facts_block(record, draft, ctx),
            ]
        )
        cards.append(
            Card(
                kind=CardKind.INCOMPLETE,
                summary=fit(summary),
                indicator="info",
                detail=detail,
                source={"label": SOURCE_LABEL, "url": ctx.absolute("/")},
                links=_prefill_link(result.prefill_url),
                subjects=tuple(draft.missing),
            )
        )
    return cards


def _not_in_scope_card(
    record: Record, results: Sequence[DraftResult], ctx: CardContext
) -> list[Card]:
    """Return one card saying why no guideline is in scope, when a complete intake has none.

    Silence would leave the clinician wondering whether the service ran; the reasons are the
    evaluator's own (each guideline's unmet scope criteria), so the card adds no content.
    """
    evaluated = [r for r in results if r.evaluation is not None]
    if not evaluated or any(r.evaluation.in_scope for r in evaluated):
        return []
    record_what = []
    lines = [
        "**Ingen af nkr's retningslinjer gælder ud fra journalens oplysninger.** Hvorfor "
        "patienten ikke er i hver retningslinjes målgruppe:",
    ]
    for result in evaluated:
        site = result.draft.site
        if site is not None:
            record_what += [c.display for c in site.conditions]
            if len(evaluated) > 1:
                lines += ["", f"**Smerter: {md(VALUE_LABELS[site.site])}**"]
        lines.append("")
        for guideline in result.evaluation.out_of_scope:
            lines.append(
                f"- [{md(guideline.title)}]({ctx.absolute(guideline.url)}): "
                f"{md(_sentences(guideline.reasons))}"
            )
    what = ", ".join(dict.fromkeys(record_what)) or "Smerter"
    first = evaluated[0]
    lines += [
        "",
        "Journalens oplysninger kan være ufuldstændige: kontrollér og udfyld dem i "
        "NKR-vurderingen (linket).",
        "",
        NO_RECOMMENDATION.format(why=WHY_NOT_IN_SCOPE),
        "",
        _facts_block(record, first.draft, ctx, first.evaluation),
    ]
    return [
        Card(
            kind=CardKind.NOT_IN_SCOPE,
            summary=fit(
                f"{what}: ingen af nkr's retningslinjer gælder ud fra journalens oplysninger"
            ),
            indicator="info",
            detail="\n".join(lines),
            source={"label": SOURCE_LABEL, "url": ctx.absolute("/")},
            links=_prefill_link(first.prefill_url),
            subjects=tuple(
                dict.fromkeys(g.slug for r in evaluated for g in r.evaluation.out_of_scope)
            ),
        )
    ]


def _no_pain_code_card(record: Record, ctx: CardContext, prefill_url: str) -> list[Card]:
    """Return an info card for a record with an urgent red-flag diagnosis but no pain code.

    Tabel 1 lists red flags for patients with pain, so without a pain diagnosis no guideline
    is assessed; the card says so rather than nothing. Only the urgent (critical) red flags
    bring it: cancer, HIV or steroids alone are common far outside pain care.
    """
    findings = [
        finding
        for code, found in record.red_flags.items()
        if code in ctx.red_flags and ctx.red_flags[code].level == "critical"
        for finding in found
        if isinstance(finding, ConditionFinding)
    ]
    if not findings:
        return []
    what = ", ".join(dict.fromkeys(f.label for f in findings))
    if ctx.red_flag_source:
        title, path = ctx.red_flag_source
        source = {"label": f"{title}, {RED_FLAG_TABLE}", "url": ctx.absolute(path)}
    else:
        source = {"label": RED_FLAG_TABLE, "url": ctx.absolute("/")}
    detail = "\n".join(
        [
            f"**{md(what)} i journalen er et rødt flag** ({RED_FLAG_TABLE}), men journalen har "
            "ingen smertediagnose eller aktuel opioidbehandling, som nkr kan aflæse: ingen "
            "retningslinje er vurderet.",
            "",
            "Har patienten smerter, så åbn NKR-vurderingen (linket), udfyld smerternes "
            "lokalisation og varighed, og se de anbefalinger, der gælder.",
            "",
            NO_RECOMMENDATION.format(why=WHY_NO_PAIN_CODE),
        ]
    )
    return [
        Card(
            kind=CardKind.NOT_IN_SCOPE,
            summary=fit(
                f"{what} i journalen er et rødt flag, men der er ingen smertediagnose – "
                "ingen retningslinje vurderet"
            ),
            indicator="info",
            detail=detail,
            source=source,
            links=_prefill_link(prefill_url),
            subjects=tuple(dict.fromkeys(code for code in record.red_flags)),
        )
    ]


def cards_build(*, record: Record, results: Sequence[DraftResult], ctx: CardContext) -> list[Card]:
    """Return the cards for a record: red flags, warnings, guidelines, then what is missing,
    or one card saying why no guideline applies."""
    prefill = results[0].prefill_url if results else ""
    if not record.pain_context:
        # Not a pain patient as far as the record tells: nothing to say, unless it holds an
        # urgent red-flag diagnosis.
        return _no_pain_code_card(record, ctx, prefill)
    red_flags = _red_flag_cards(record, ctx, prefill)
    critical = [card for card in red_flags if card.indicator == "critical"]
    others = [card for card in red_flags if card.indicator != "critical"]
    guideline_cards = _guideline_cards(record, results, ctx)
    return [
        *critical,
        *others,
        *_medication_card(results, ctx),
        *guideline_cards,
        # A red-flag card already says why the guidelines wait: no second card for it.
        *([] if guideline_cards or red_flags else _not_in_scope_card(record, results, ctx)),
        *_incomplete_cards(record, results, ctx),
    ]
