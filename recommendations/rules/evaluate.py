"""Evaluate an intake against the published guidelines: pure, no ORM, no clock.

The caller hands in the content (a snapshot of guidelines, recommendations and red flags) so
the same function serves the intake page, the API and the tests, and runs in microseconds.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .. import provenance
from ..grading import strength_css, strength_label, strength_symbol
from ..numbers import danish_number
from .alerts import alert_kind, mme_alert_reached, red_flag_alert_kind
from .conditions import condition_holds, condition_reasons, condition_shown_when
from .drugs import MME_NOT_FOR_SWITCHING, drug_names, drug_table, name_in_sentence
from .fact_registry import fact_values
from .facts import MME_NO_FACTOR, STARTBACK_MIN_AGE, Facts, facts_derive, startback_scored
from .intake import Intake

LEVEL_ORDER = {"critical": 0, "warning": 1, "info": 2}
# Said once per guideline (GuidelineResult.applies_to_all), never as a card's only reason: a
# recommendation without a condition of its own names the patient's facts that put them in scope.
APPLIES_TO_ALL = "Gælder alle patienter i retningslinjens målgruppe"
EXCEPTION_LABEL = "Undtagelse"
# Which facts make a recommendation apply, and the scope's limits, are this project's reading of
# the source (CONTENT.md, Provenance), never its words: a "because" is shown with this mark.
BECAUSE_READING = "nkr's læsning"


@dataclass(frozen=True)
class RecommendationRule:
    slug: str
    title: str
    strength: str
    direction: str
    certainty: str | None
    rationale: str
    version: int
    url: str
    applies_when: Mapping | None
    drugs: tuple[str, ...] = ()
    exception: Mapping | None = None
    provenance: Mapping = field(default_factory=dict)  # provenance.py; fixtures declare it
    verified: Mapping | None = None


@dataclass(frozen=True)
class GuidelineRule:
    slug: str
    title: str
    short_title: str
    url: str
    scope: Sequence[Mapping]
    recommendations: Sequence[RecommendationRule]
    source_short: str = ""  # publisher and year, named as the source of a medication alert


@dataclass(frozen=True)
class RedFlagRule:
    code: str
    label: str
    level: str


@dataclass(frozen=True)
class RulesContent:
    guidelines: Sequence[GuidelineRule]
    red_flags: Mapping[str, RedFlagRule]


@dataclass(frozen=True)
class Alert:
    code: str
    level: str
    message: str
    recommendation: str | None = None
    source: str = ""  # where the wording and any threshold come from (API.md)
    text_kind: str = ""  # verbatim, translation, summary or nkr_wording (fixtures/alerts.json)
    drug: str | None = None  # a medication alert's drug code


@dataclass(frozen=True)
class GradedRecommendation:
    """What names a recommendation in a result: where it is, its sentence and its grade."""

    guideline: str
    slug: str
    title: str
    strength: str
    direction: str
    label: str
    symbol: str
    url: str

    @property
    def grade_css(self) -> str:
        return strength_css(self.strength, self.direction)


@dataclass(frozen=True)
class AppliedRecommendation(GradedRecommendation):
    certainty: str | None
    rationale: str
    version: int
    because: list[str]
    notes: list[str] = field(default_factory=list)
    provenance: dict = field(default_factory=dict)  # API.md's `provenance` object
    provenance_line: str = ""  # the same, in a reader's few Danish words
    rationale_line: str = ""
    rationale_heading: str = ""
    is_pico_background: bool = False


@dataclass(frozen=True)
class NotShownRecommendation(GradedRecommendation):
    """A recommendation of an in-scope guideline that does not apply, and what would show it."""

    shown_when: list[str]


@dataclass(frozen=True)
class GuidelineResult:
    slug: str
    title: str
    short_title: str
    url: str
    in_scope: bool
    reasons: list[str]
    recommendations: list[AppliedRecommendation]
    not_shown: list[NotShownRecommendation] = field(default_factory=list)
    # Slugs of the applying recommendations that hold for everyone in scope (no condition).
    applies_to_all: list[str] = field(default_factory=list)
    source_short: str = ""


@dataclass(frozen=True)
class Evaluation:
    intake: Intake
    facts: Facts
    alerts: list[Alert]
    guidelines: list[GuidelineResult]
    # Plain Danish for the patient record (rules/journal.py); set by the service, which has a date.
    journal_note: str = ""

    @property
    def in_scope(self) -> list[GuidelineResult]:
        return [g for g in self.guidelines if g.in_scope]

    @property
    def out_of_scope(self) -> list[GuidelineResult]:
        return [g for g in self.guidelines if not g.in_scope]

    def derived(self) -> dict[str, Any]:
        """Return the derived facts in the API's shape."""
        startback = self.facts.startback
        return {
            "age_group": self.facts.age_group,
            "daily_mme": self.facts.daily_mme,
            "long_term_opioid": self.facts.long_term_opioid,
            "startback": None
            if startback is None
            else {
                "total": startback.total,
                "psychosocial": startback.psychosocial,
                "risk": startback.risk,
            },
        }


def _display(value: Any) -> str:
    """Return a fact as a Dane reads it: 12 not 12.0, 12,5 not 12.5, "ukendt" for None."""
    if value is None:
        return "ukendt"
    if isinstance(value, float):
        return danish_number(value)
    return str(value)


def _scope(guideline: GuidelineRule, facts: Mapping[str, Any]) -> tuple[bool, list[str]]:
    shown = {name: _display(value) for name, value in facts.items()}
    met, unmet = [], []
    for criterion in guideline.scope:
        holds = condition_holds(criterion["condition"], facts)
        text = criterion["met" if holds else "unmet"].format_map(shown)
        (met if holds else unmet).append(_singular_units(text))
    return (not unmet, met if not unmet else unmet)


# The scope texts put a fact's number before a plural unit ("har varet {weeks} uger"); one of
# a unit reads in the singular in Danish ("1 uge", "1 måned"; "år" is the same in both).
_SINGULAR = re.compile(r"(?<![\d,])1 (uger|måneder)\b")


def _singular_units(text: str) -> str:
    return _SINGULAR.sub(lambda m: "1 " + {"uger": "uge", "måneder": "måned"}[m.group(1)], text)


def _scope_facts(guideline: GuidelineRule, facts: Mapping[str, Any]) -> list[str]:
    """Return the patient's own facts that put them in the guideline's scope."""
    return [
        r for criterion in guideline.scope for r in condition_reasons(criterion["condition"], facts)
    ]


def _graded(guideline: GuidelineRule, rec: RecommendationRule) -> dict[str, Any]:
    """Return the GradedRecommendation fields of `rec`, the same whether it applies or not."""
    # A non-NKR source's own grade (CDC's category) is part of the label: without it the label
    # would credit the text to "ekspertråd".
    grade = rec.provenance.get("grade", "")
    return {
        "guideline": guideline.slug,
        "slug": rec.slug,
        "title": rec.title,
        "strength": rec.strength,
        "direction": rec.direction,
        "label": strength_label(rec.strength, rec.direction, rec.certainty, grade),
        "symbol": strength_symbol(rec.strength, rec.direction),
        "url": rec.url,
    }


def _applied(
    guideline: GuidelineRule, rec: RecommendationRule, facts: Mapping[str, Any]
) -> AppliedRecommendation:
    because = condition_reasons(rec.applies_when, facts) or _scope_facts(guideline, facts)
    notes = []
    if rec.exception and condition_holds(rec.exception["when"], facts):
        # The seed's exception (e.g. a flare of known somatic disease) is not a reason the
        # recommendation applies: it is a note beside it, labelled as the exception it is.
        why = "; ".join(condition_reasons(rec.exception["when"], facts))
        notes.append(f"{EXCEPTION_LABEL} ({why}): {rec.exception['text']}")
    return AppliedRecommendation(
        **_graded(guideline, rec),
        certainty=rec.certainty,
        rationale=rec.rationale,
        version=rec.version,
        because=because,
        notes=notes,
        provenance=provenance.provenance_api(rec.provenance, rec.verified),
        provenance_line=provenance.provenance_line(rec.provenance, rec.verified),
        rationale_line=provenance.rationale_line(rec.provenance),
        rationale_heading=provenance.rationale_heading(rec.provenance),
        is_pico_background=provenance.is_pico_background(rec.provenance),
    )


def _not_shown(
    guideline: GuidelineRule, rec: RecommendationRule, facts: Mapping[str, Any]
) -> NotShownRecommendation:
    return NotShownRecommendation(
        **_graded(guideline, rec),
        shown_when=condition_shown_when(rec.applies_when, facts),
    )


def sentences(*texts: str) -> str:
    """Return the texts as one paragraph, each ending as a sentence ends."""
    return " ".join(text if text.endswith((".", "!", "?")) else f"{text}." for text in texts)


def _alert(kind, *, code: str | None = None, recommendation=None, source_values=None, **values):
    """Return an alert of a kind declared in fixtures/alerts.json, its wording filled in."""
    return Alert(
        code=code or kind.code,
        level=kind.level,
        message=kind.text(**values),
        recommendation=recommendation,
        source=kind.source.format(**(source_values or {})),
        text_kind=kind.text_kind,
    )


def red_flag_alerts(codes: Iterable[str], red_flags: Mapping[str, RedFlagRule]) -> list[Alert]:
    """Return one alert per ticked red flag, in table order; codes not in the table are skipped.

    They depend on the red flags alone, so the intake page shows them even while another field
    is invalid or still blank: an AKUT alert must never wait for the rest of the form.
    """
    order = {code: index for index, code in enumerate(red_flags)}
    alerts = []
    for code in sorted((c for c in set(codes) if c in red_flags), key=order.__getitem__):
        flag = red_flags[code]
        kind = red_flag_alert_kind(flag.level)
        # The table's labels may end in a full stop of their own ("... stillingsskift.").
        alerts.append(_alert(kind, code=code, label=flag.label.rstrip().rstrip(".")))
    alerts.sort(key=lambda alert: LEVEL_ORDER[alert.level])
    return alerts


def _medication_alerts(
    intake: Intake,
    applied: list[AppliedRecommendation],
    rules: Mapping[str, RecommendationRule],
    sources: Mapping[str, str],
) -> list[Alert]:
    alerts, seen = [], set()
    for med in intake.medications:
        if med.drug in seen:
            continue
        for rec in applied:
            rule = rules[f"{rec.guideline}/{rec.slug}"]
            if rec.direction == "against" and med.drug in rule.drugs:
                seen.add(med.drug)
                alert = _alert(
                    alert_kind("current_medication_advised_against"),
                    recommendation=f"{rec.guideline}/{rec.slug}",
                    source_values={"guideline_source": sources[rec.guideline]},
                    drug=name_in_sentence(drug_table()[med.drug].name),
                    label=rec.label.lower(),
                    title=rec.title,
                )
                # The seed's exception that holds for this patient (a flare of known somatic
                # disease) goes with the alert, which is read apart from the recommendation.
                message = sentences(alert.message, *rec.notes) if rec.notes else alert.message
                alerts.append(replace(alert, message=message, drug=med.drug))
                break
    return alerts


def _mme_alerts(facts: Facts) -> list[Alert]:
    alerts = []
    mme = facts.daily_mme
    # With a dose unknown the total is that of the known doses: the patient takes at least
    # that much, so a threshold reached is still reached, and the alert says "mindst".
    if kind := mme_alert_reached(mme):
        at_least = "mindst " if facts.mme_unknown_drugs else ""
        alert = _alert(kind, at_least=at_least, mme=_display(float(mme)))
        alerts.append(replace(alert, message=f"{alert.message} {MME_NOT_FOR_SWITCHING}"))
    if any(item.not_computed == MME_NO_FACTOR for item in facts.mme_items):
        alerts.append(_alert(alert_kind("mme_not_computed")))
    if facts.mme_unknown_drugs:
        alerts.append(
            _alert(alert_kind("mme_incomplete"), drugs=drug_names(facts.mme_unknown_drugs))
        )
    return alerts


def _startback_alerts(intake: Intake) -> list[Alert]:
    """Say why answers given are not scored: a risk group is the tool's only where it belongs."""
    if intake.startback is None or startback_scored(intake):
        return []
    return [
        _alert(
            alert_kind("startback_not_scored"),
            min_age=STARTBACK_MIN_AGE,
            source_values={"min_age": STARTBACK_MIN_AGE},
        )
    ]


def evaluate(intake: Intake, content: RulesContent) -> Evaluation:
    """Return every guideline in or out of scope, the recommendations that apply, and alerts."""
    facts = facts_derive(intake)
    values = fact_values(intake, facts)
    results, applied_all, rules = [], [], {}
    for guideline in content.guidelines:
        in_scope, reasons = _scope(guideline, values)
        applied, not_shown = [], []
        if in_scope:
            for rec in guideline.recommendations:
                rules[f"{guideline.slug}/{rec.slug}"] = rec
                if condition_holds(rec.applies_when, values):
                    applied.append(_applied(guideline, rec, values))
                else:
                    not_shown.append(_not_shown(guideline, rec, values))
        applied_all.extend(applied)
        unconditional = {rec.slug for rec in guideline.recommendations if rec.applies_when is None}
        results.append(
            GuidelineResult(
                guideline.slug,
                guideline.title,
                guideline.short_title,
                guideline.url,
                in_scope,
                reasons,
                applied,
                not_shown=not_shown,
                applies_to_all=[rec.slug for rec in applied if rec.slug in unconditional],
                source_short=guideline.source_short,
            )
        )
    alerts = (
        red_flag_alerts(intake.red_flags, content.red_flags)
        + _medication_alerts(
            intake, applied_all, rules, {g.slug: g.source_short for g in content.guidelines}
        )
        + _mme_alerts(facts)
        + _startback_alerts(intake)
    )
    alerts.sort(key=lambda alert: LEVEL_ORDER[alert.level])
    return Evaluation(intake=intake, facts=facts, alerts=alerts, guidelines=results)
