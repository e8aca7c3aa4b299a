"""What a CDS card is made of: its kinds, override reasons, limits and fixed wording."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import TextChoices

from patients.cds.fhir_findings import ConditionFinding, MedicationFinding
from patients.cds.fhir_mapping import IntakeDraft
from recommendations.rules import Evaluation, RedFlagRule

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

    def red_flag_table(self) -> dict:
        """Return the source of a card about red flags: the red-flag table in its guideline,
        or the site when the content has no such guideline."""
        if self.red_flag_source:
            title, path = self.red_flag_source
            return {"label": f"{title}, {RED_FLAG_TABLE}", "url": self.absolute(path)}
        return {"label": RED_FLAG_TABLE, "url": self.absolute("/")}
