"""Facts derived from an intake, computed once and named, for conditions and the result."""

from dataclasses import dataclass
from typing import Any

from .drugs import drug_table
from .intake import Intake

ADULT_AGE = 18
CHRONIC_WEEKS = 12  # "langvarige": at least 12 weeks (3 months), seeds 000 and 001
LONG_TERM_OPIOID_MONTHS = 6  # "over seks måneder", seed 004; whole months, so 6 counts

# STarT Back (Hill et al., Arthritis Rheum 2008;59:632-41): items 5-9 form the
# psychosocial subscale; total 0-3 is low risk, subscale 4-5 is high, otherwise medium.
STARTBACK_PSYCHOSOCIAL_ITEMS = slice(4, 9)
STARTBACK_LOW_MAX_TOTAL = 3
STARTBACK_HIGH_MIN_PSYCHOSOCIAL = 4


@dataclass(frozen=True)
class StartBackScore:
    total: int
    psychosocial: int
    risk: str


# Why an opioid's MME is None: CDC 2022 gives the drug no factor (buprenorphine), or its
# daily dose is unknown (only from a patient's record). No factor wins: such a drug would not
# count even with a known dose, so it does not make the total a lower bound.
MME_NO_FACTOR = "no_factor"
MME_DOSE_UNKNOWN = "dose_unknown"


@dataclass(frozen=True)
class MmeItem:
    drug: str
    daily_dose: float | None
    unit: str
    factor: float | None
    mme: float | None
    source: str
    not_computed: str | None = None  # MME_NO_FACTOR or MME_DOSE_UNKNOWN when mme is None


@dataclass(frozen=True)
class Facts:
    age_group: str
    chronic: bool
    current_drugs: frozenset[str]
    current_opioids: frozenset[str]
    mme_items: tuple[MmeItem, ...]
    daily_mme: float | None  # the sum of the known MMEs; a lower bound if mme_unknown_drugs
    mme_unknown_drugs: tuple[str, ...]  # opioids with a factor whose daily dose is unknown
    long_term_opioid: bool
    startback: StartBackScore | None


def startback_score(answers: tuple[int, ...]) -> StartBackScore:
    """Return the STarT Back total, psychosocial subscale and risk group for nine 0/1 answers."""
    total = sum(answers)
    psychosocial = sum(answers[STARTBACK_PSYCHOSOCIAL_ITEMS])
    if total <= STARTBACK_LOW_MAX_TOTAL:
        risk = "low"
    elif psychosocial >= STARTBACK_HIGH_MIN_PSYCHOSOCIAL:
        risk = "high"
    else:
        risk = "medium"
    return StartBackScore(total=total, psychosocial=psychosocial, risk=risk)


def mme_items(medications) -> tuple[MmeItem, ...]:
    """Return each opioid with its MME factor and daily MME, or None and why (not_computed)."""
    drugs = drug_table()
    items = []
    for med in medications:
        drug = drugs[med.drug]
        if not drug.is_opioid:
            continue
        if drug.mme_factor is None:
            mme, not_computed = None, MME_NO_FACTOR
        elif med.daily_dose is None:
            mme, not_computed = None, MME_DOSE_UNKNOWN
        else:
            mme, not_computed = round(med.daily_dose * drug.mme_factor, 2), None
        items.append(
            MmeItem(
                med.drug,
                med.daily_dose,
                med.unit,
                drug.mme_factor,
                mme,
                drug.factor_source,
                not_computed,
            )
        )
    return tuple(items)


def daily_mme_total(items: tuple[MmeItem, ...]) -> float | None:
    """Return the summed known daily MMEs, or None when none is known (e.g. no opioid)."""
    known = [item.mme for item in items if item.mme is not None]
    return round(sum(known), 2) if known else None


def facts_derive(intake: Intake) -> Facts:
    """Return the named facts the guidelines' conditions are written over."""
    current = frozenset(med.drug for med in intake.medications)
    opioids = frozenset(code for code in current if drug_table()[code].is_opioid)
    items = mme_items(intake.medications)
    return Facts(
        age_group="adult" if intake.age >= ADULT_AGE else "child",
        chronic=intake.pain_duration_weeks >= CHRONIC_WEEKS,
        current_drugs=current,
        current_opioids=opioids,
        mme_items=items,
        daily_mme=daily_mme_total(items),
        mme_unknown_drugs=tuple(
            dict.fromkeys(i.drug for i in items if i.not_computed == MME_DOSE_UNKNOWN)
        ),
        long_term_opioid=bool(opioids)
        and (intake.opioid_treatment_months or 0) >= LONG_TERM_OPIOID_MONTHS,
        startback=startback_score(intake.startback) if intake.startback is not None else None,
    )


def fact_values(intake: Intake, facts: Facts) -> dict[str, Any]:
    """Return every fact by the name conditions use (conditions.FACT_LABELS)."""
    return {
        "age": intake.age,
        "age_group": facts.age_group,
        "pain_site": intake.pain_site,
        "pain_duration_weeks": intake.pain_duration_weeks,
        "chronic": facts.chronic,
        "neuropathic_pain": intake.neuropathic_pain,
        "radicular_signs": intake.radicular_signs,
        "complex_problems": intake.complex_problems,
        "activity_limitation": intake.activity_limitation,
        "nonpharmacological_insufficient": intake.nonpharmacological_insufficient,
        "sleep_problems": intake.sleep_problems,
        "somatic_disease_flare": intake.somatic_disease_flare,
        "trains_independently": intake.trains_independently,
        "work_status": intake.work_status,
        "red_flags": intake.red_flags,
        "current_drugs": facts.current_drugs,
        "current_opioids": facts.current_opioids,
        "daily_mme": facts.daily_mme,
        "opioid_treatment_months": intake.opioid_treatment_months,
        "long_term_opioid": facts.long_term_opioid,
        "startback_risk": facts.startback.risk if facts.startback else None,
    }
