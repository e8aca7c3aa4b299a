"""The facts conditions are written over, each declared once: name, type, label, how it is read.

The conditions' checks (types, codes, blanks), their descriptions and reasons, the journal
note, the content checks and docs/clinical-rules.md all read this registry. A fact is read
from the intake as the clinician gave it, or derived (facts.py): a derived fact names its rule
and where the rule comes from.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .drugs import drug_table
from .facts import (
    ADULT_AGE,
    CHRONIC_WEEKS,
    LONG_TERM_OPIOID_MONTHS,
    STARTBACK_HIGH_MIN_PSYCHOSOCIAL,
    STARTBACK_LOW_MAX_TOTAL,
    STARTBACK_MIN_AGE,
    Facts,
)
from .intake import AgeGroup, Intake, PainSite, StartBackRisk, WorkStatus

# A fact's type decides which operators and values a condition over it may use.
NUMBER, BOOLEAN, CODE, CODE_SET = "number", "boolean", "code", "code set"


@dataclass(frozen=True)
class Fact:
    name: str
    type: str  # NUMBER, BOOLEAN, CODE or CODE_SET
    label: str  # Danish, as a condition over it is described to a clinician
    read: Callable[[Intake, Facts], Any]
    # None when the clinician did not say (or there is nothing to compute).
    nullable: bool = False
    # The codes a code fact allows; None: any (red-flag codes, checked when content loads).
    codes: Callable[[], frozenset[str]] | None = None
    rule: str = ""  # a derived fact: how it is computed, in words
    source: str = ""  # a derived fact: where that rule comes from

    @property
    def derived(self) -> bool:
        return bool(self.rule)


def _given(name: str, type: str, label: str, **options: Any) -> Fact:
    """A fact read from the intake as the clinician gave it, under the intake's own name."""
    return Fact(name, type, label, lambda intake, facts: getattr(intake, name), **options)


def _derived(
    name: str,
    type: str,
    label: str,
    *,
    rule: str,
    source: str,
    read: Callable[[Intake, Facts], Any] | None = None,
    **options: Any,
) -> Fact:
    """A fact facts.py computes: read from Facts under its own name unless `read` says how."""
    read = read or (lambda intake, facts: getattr(facts, name))
    return Fact(name, type, label, read, rule=rule, source=source, **options)


def _opioid_codes() -> frozenset[str]:
    return frozenset(code for code, drug in drug_table().items() if drug.is_opioid)


FACTS: tuple[Fact, ...] = (
    _given("age", NUMBER, "alder (år)"),
    _derived(
        "age_group",
        CODE,
        "aldersgruppe",
        codes=lambda: frozenset(AgeGroup.values),
        rule=(
            f"child under {ADULT_AGE}, adult from {ADULT_AGE}; scope reads the age itself, so "
            f"at {ADULT_AGE} the child guideline (6-18 inclusive) and the adult ones both apply"
        ),
        source="CONTENT.md populations (adults 18 or older; children 6 to 18 inclusive)",
    ),
    _given("pain_site", CODE, "smertelokalisation", codes=lambda: frozenset(PainSite.values)),
    _given("pain_duration_weeks", NUMBER, "smertevarighed (uger)"),
    _derived(
        "chronic",
        BOOLEAN,
        "langvarige smerter (mindst 12 uger)",
        rule=f"pain for {CHRONIC_WEEKS} weeks or more",
        source="nkr's reading, not the seeds' words: CONTENT.md, Provenance (seed 000 says "
        '"langvarige" and names no duration; seed 001 states none)',
    ),
    _given("neuropathic_pain", BOOLEAN, "smerter af neurogen karakter"),
    _given("radicular_signs", BOOLEAN, "kliniske tegn på nerverodspåvirkning"),
    _given("complex_problems", BOOLEAN, "komplekse problemstillinger som følge af smerterne"),
    _given("activity_limitation", BOOLEAN, "nedsat aktivitet og deltagelse i dagligdagen"),
    _given("sleep_problems", BOOLEAN, "søvnproblemer"),
    _given(
        "nonpharmacological_insufficient",
        BOOLEAN,
        "ikke-medicinsk behandling har ikke hjulpet tilstrækkeligt",
    ),
    _given("somatic_disease_flare", BOOLEAN, "opblussen af kendt somatisk sygdom"),
    _given("trains_independently", BOOLEAN, "vant til at træne selvstændigt", nullable=True),
    _given(
        "work_status",
        CODE,
        "arbejdssituation",
        nullable=True,
        codes=lambda: frozenset(WorkStatus.values),
    ),
    _given("red_flags", CODE_SET, "røde flag"),
    _derived(
        "current_drugs",
        CODE_SET,
        "aktuel medicin",
        codes=lambda: frozenset(drug_table()),
        rule="the drug codes of the current medications",
        source="fixtures/drugs.json",
    ),
    _derived(
        "current_opioids",
        CODE_SET,
        "aktuelle opioider",
        codes=_opioid_codes,
        rule="the current medications that are opioids",
        source="fixtures/drugs.json",
    ),
    _derived(
        "daily_mme",
        NUMBER,
        "dagligt morfinækvivalent (mg)",
        nullable=True,
        rule=(
            "sum over current opioids of daily dose × factor; none if no opioid has a factor "
            "and a known dose. An opioid whose dose a patient's record does not give (CDS Hooks "
            "only; the form and the API require a dose) is left out, and the sum is a lower "
            "bound"
        ),
        source="CDC 2022 (MME factors below)",
    ),
    _given(
        "opioid_treatment_months",
        NUMBER,
        "varighed af opioidbehandling (måneder)",
        nullable=True,
    ),
    _derived(
        "long_term_opioid",
        BOOLEAN,
        "langvarig opioidbehandling (6 måneder eller mere)",
        rule=f"a current opioid and {LONG_TERM_OPIOID_MONTHS} months or more of use",
        source='seed 004 ("over seks måneder"; whole months, so 6 counts)',
    ),
    _derived(
        "startback_risk",
        CODE,
        "STarT Back-risikogruppe",
        read=lambda intake, facts: facts.startback.risk if facts.startback else None,
        nullable=True,
        codes=lambda: frozenset(StartBackRisk.values),
        rule=(
            "total = items 1-9, psychosocial = items 5-9; low: total ≤ "
            f"{STARTBACK_LOW_MAX_TOTAL}; high: psychosocial ≥ {STARTBACK_HIGH_MIN_PSYCHOSOCIAL}; "
            "otherwise medium; none without all nine answers, and none unless the pain is low "
            f"back pain and the patient {STARTBACK_MIN_AGE} or older (alert startback_not_scored)"
        ),
        source=(
            "Hill et al., Arthritis Rheum 2008;59:632-41; who is scored: nkr's reading of "
            "CONTENT.md, which lists the tool with the low back pain guideline"
        ),
    ),
)
FACT_BY_NAME: dict[str, Fact] = {fact.name: fact for fact in FACTS}
# The yes/no facts the clinician ticks (false unless ticked), in the intake form's order.
TICKED_FACTS: tuple[str, ...] = tuple(
    fact.name for fact in FACTS if fact.type == BOOLEAN and not fact.derived and not fact.nullable
)


def fact_values(intake: Intake, facts: Facts) -> dict[str, Any]:
    """Return every fact by its name, as conditions read them."""
    return {fact.name: fact.read(intake, facts) for fact in FACTS}
