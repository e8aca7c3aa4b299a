"""What a patient's record says, as findings: conditions, medications, pain sites (Record)."""

import math
from dataclasses import dataclass
from datetime import date

from patients.cds.fhir_tables import ConditionRule, MedicationRule, mapping_table
from patients.cds.fhir_values import DAYS_PER_MONTH
from recommendations.intake_input import (
    DURATION_MAX_WEEKS,
    OPIOID_MONTHS_MAX,
)
from recommendations.numbers import danish_number
from recommendations.rules.drugs import drug_table
from recommendations.rules.facts import CHRONIC_WEEKS
from recommendations.rules.intake import PainSite

# --- Findings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionFinding:
    resource: str  # "Condition/abc"
    code: str  # as the record has it, e.g. "DM545"
    display: str
    rule: ConditionRule
    onset: date | None
    onset_note: str = ""
    onset_latest: date | None = None  # an onset given as a year or month: its last day

    @property
    def label(self) -> str:
        return f"{self.display} ({self.code})"

    def weeks_at_least(self, today: date) -> tuple[float, str] | None:
        """Return weeks the pain has certainly lasted, and why, when the onset date is not
        known: from the end of an onset year or month, or from a code meaning chronic pain."""
        bounds = []
        if self.onset_latest is not None and self.onset_latest < today:
            bounds.append(
                (
                    _weeks_floor((today - self.onset_latest).days),
                    f"debut senest {self.onset_latest:%d.%m.%Y}",
                )
            )
        if self.rule.chronic_pain:
            bounds.append(
                (mapping_table().chronic_pain_min_weeks, "koden betyder kroniske smerter")
            )
        return max(bounds, default=None)


@dataclass(frozen=True)
class MedicationFinding:
    resource: str
    atc: str
    name: str
    rule: MedicationRule
    daily_dose: float | None = None
    unit: str = "mg"
    dose_note: str = ""
    taken_since: date | None = None

    @property
    def is_opioid(self) -> bool:
        return self.rule.drug is not None and drug_table()[self.rule.drug].is_opioid

    @property
    def label(self) -> str:
        return f"{self.name} ({self.atc})"


@dataclass(frozen=True)
class SiteFinding:
    site: str
    conditions: tuple[ConditionFinding, ...]
    duration_weeks: float | None
    duration_note: str = ""
    duration_at_least: bool = False  # duration_weeks is a lower bound, said as "mindst"


@dataclass(frozen=True)
class Record:
    """What the record told us, with provenance, and what it did not."""

    today: date
    age: int | None
    age_note: str
    conditions: tuple[ConditionFinding, ...]
    medications: tuple[MedicationFinding, ...]
    notes: tuple[str, ...] = ()  # record-level gaps, e.g. a medication without an ATC code

    @property
    def sites(self) -> list[SiteFinding]:
        """Return one finding per pain site in the record, in PainSite order."""
        return [
            _site_finding(site, [c for c in self.conditions if c.rule.pain_site == site], self)
            for site in PainSite.values
            if any(c.rule.pain_site == site for c in self.conditions)
        ]

    @property
    def radicular_signs(self) -> list[ConditionFinding]:
        return [c for c in self.conditions if c.rule.radicular_signs]

    @property
    def neuropathic_pain(self) -> list[ConditionFinding]:
        return [c for c in self.conditions if c.rule.neuropathic_pain]

    @property
    def red_flags(self) -> dict[str, list[ConditionFinding | MedicationFinding]]:
        """Return each red-flag code with the record entries that raised it."""
        flags: dict[str, list[ConditionFinding | MedicationFinding]] = {}
        for finding in [*self.conditions, *self.medications]:
            for code in finding.rule.red_flags:
                flags.setdefault(code, []).append(finding)
        return flags

    @property
    def drugs(self) -> list[MedicationFinding]:
        return [m for m in self.medications if m.rule.drug is not None]

    @property
    def pain_context(self) -> bool:
        """Return whether the record has anything for a pain service to speak about."""
        painful = any(
            c.rule.pain_site or c.rule.chronic_pain or c.rule.radicular_signs
            for c in self.conditions
        )
        return painful or any(m.is_opioid for m in self.medications)

    @property
    def opioid_treatment_months(self) -> float | None:
        """Return the months since the earliest record of a current opioid (a lower bound)."""
        starts = [m.taken_since for m in self.drugs if m.is_opioid and m.taken_since]
        if not starts:
            return None
        months = math.floor((self.today - min(starts)).days / DAYS_PER_MONTH * 10) / 10
        return months if 0 <= months <= OPIOID_MONTHS_MAX else None


def _weeks(days: int) -> float:
    return round(days / 7, 1)


def _weeks_floor(days: int) -> float:
    return math.floor(days / 7 * 10) / 10


def _site_finding(site: str, conditions: list[ConditionFinding], record: Record) -> SiteFinding:
    lacking = [c for c in conditions if c.onset is None]
    if lacking:
        reason = lacking[0].onset_note or "ingen debutdato"
        note = f"{lacking[0].label}: {reason} i journalen"
        if bound := _duration_lower_bound(conditions, record.today):
            weeks, why = bound
            note = f"{note}; varighed mindst {danish_number(weeks)} uger ({why})"
            return SiteFinding(site, tuple(conditions), weeks, note, duration_at_least=True)
        return SiteFinding(site, tuple(conditions), None, note)
    onset = min(c.onset for c in conditions if c.onset)
    days = (record.today - onset).days
    if days < 0:
        return SiteFinding(site, tuple(conditions), None, "debutdatoen ligger efter dags dato")
    weeks = _weeks(days)
    if weeks > DURATION_MAX_WEEKS:
        return SiteFinding(site, tuple(conditions), None, "debut for mere end 50 år siden")
    return SiteFinding(site, tuple(conditions), weeks)


def _duration_lower_bound(
    conditions: list[ConditionFinding], today: date
) -> tuple[float, str] | None:
    """Return (weeks, why) the pain has certainly lasted, when that decides the guidelines'
    12-week line (nyopståede: up to 12 weeks; langvarige: at least 12), else None.

    The pain has lasted at least as long as any of its conditions: an exact onset, the end of
    an onset year or month, or a chronic-pain code each give a lower bound. A bound of 12
    weeks or less decides nothing (the pain may be new, or not), so it stays unknown.
    """
    bounds = []
    for finding in conditions:
        if finding.onset is not None:
            bounds.append((_weeks_floor((today - finding.onset).days), f"debut {finding.label}"))
        elif bound := finding.weeks_at_least(today):
            weeks, why = bound
            bounds.append((weeks, f"{finding.label}: {why}"))
    best = max(bounds, default=None)
    if best is None or best[0] <= CHRONIC_WEEKS or best[0] > DURATION_MAX_WEEKS:
        return None
    return best
