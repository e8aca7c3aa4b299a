"""Facts derived from an intake, computed once and named, for conditions and the result."""

from dataclasses import dataclass

from .drugs import drug_table
from .intake import AgeGroup, Intake, PainSite, StartBackRisk

ADULT_AGE = 18
# "langvarige" read as at least 12 weeks (3 months): nkr's reading, CONTENT.md (Provenance);
# seed 000 names no duration and seed 001 states none.
CHRONIC_WEEKS = 12
LONG_TERM_OPIOID_MONTHS = 6  # "over seks måneder", seed 004; whole months, so 6 counts

# STarT Back (Hill et al., Arthritis Rheum 2008;59:632-41): items 5-9 form the
# psychosocial subscale; total 0-3 is low risk, subscale 4-5 is high, otherwise medium.
STARTBACK_PSYCHOSOCIAL_ITEMS = slice(4, 9)
STARTBACK_LOW_MAX_TOTAL = 3
STARTBACK_HIGH_MIN_PSYCHOSOCIAL = 4
# Who STarT Back is scored for: CONTENT.md lists it with the low back pain guideline, whose
# population is 16 or older with low back pain (its scope in fixtures/guidelines/
# acute-low-back-pain.json; "over 16 år", read as from 16). Any duration: the tool is for back
# pain, and the duration limit is the guideline's, not the tool's. nkr's reading.
STARTBACK_MIN_AGE = 16


@dataclass(frozen=True)
class StartBackScore:
    total: int
    psychosocial: int
    risk: StartBackRisk


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
    age_group: AgeGroup
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
        risk = StartBackRisk.LOW
    elif psychosocial >= STARTBACK_HIGH_MIN_PSYCHOSOCIAL:
        risk = StartBackRisk.HIGH
    else:
        risk = StartBackRisk.MEDIUM
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
        age_group=AgeGroup.ADULT if intake.age >= ADULT_AGE else AgeGroup.CHILD,
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
        startback=startback_score(intake.startback) if startback_scored(intake) else None,
    )


def startback_scored(intake: Intake) -> bool:
    """Return whether the intake's STarT Back answers are scored (STARTBACK_MIN_AGE)."""
    return (
        intake.startback is not None
        and intake.pain_site == PainSite.LOW_BACK
        and intake.age >= STARTBACK_MIN_AGE
    )
