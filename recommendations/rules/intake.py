"""The intake: what the clinician tells us about the patient (API.md), and the codes it uses.

Pure: the codes are plain enums, not Django's TextChoices (which live in django.db.models and
would load the ORM into the rules module). They offer the same `.choices`, `.values`, `.labels`
and member `.label`, so serializers, forms and templates use them as they would TextChoices.
"""

from dataclasses import dataclass, field
from enum import EnumType, StrEnum, nonmember

from django.utils.translation import gettext_lazy as _


class _ChoicesType(EnumType):
    """Class-level `choices`, `values` and `labels`, as Django's ChoicesType has them."""

    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls]


class Choices(StrEnum, metaclass=_ChoicesType):
    """A code with a (translatable) label: `LOW_BACK = "low_back", _("Lænderyg")`."""

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    # Templates must not call the class (Django does the same for its Choices).
    do_not_call_in_templates = nonmember(True)


class PainSite(Choices):
    """Where the pain is, as the guidelines' populations distinguish it (CONTENT.md)."""

    LOW_BACK = "low_back", _("Lænderyg")
    GENERALISED = "generalised", _("Generaliserede smerter i bevægeapparatet")
    OTHER_MSK = "other_msk", _("Andet sted i bevægeapparatet")


class WorkStatus(Choices):
    """Work attachment, relevant to the work-ability recommendation (seed 001, kapitel 8)."""

    WORKING = "working", _("I arbejde")
    SICK_LEAVE = "sick_leave", _("Sygemeldt")
    UNEMPLOYED = "unemployed", _("Ledig")
    STUDENT = "student", _("Under uddannelse")
    RETIRED = "retired", _("Pensioneret")
    OTHER = "other", _("Andet")


class DoseUnit(Choices):
    """Units of a daily dose (API.md): mg per day, or mcg per hour for patches."""

    MG = "mg", _("mg/døgn")
    MCG_PER_HOUR = "mcg/h", _("mikrogram/time (plaster)")


class AgeGroup(Choices):
    """The guidelines' populations by age: children and young people 6-18 years, adults from 18
    (CONTENT.md; the cut-off is facts.ADULT_AGE)."""

    CHILD = "child", _("Barn/ung")
    ADULT = "adult", _("Voksen")


class StartBackRisk(Choices):
    """STarT Back risk groups (Hill et al., Arthritis Rheum 2008;59:632-41), from facts.py."""

    LOW = "low", _("Lav")
    MEDIUM = "medium", _("Middel")
    HIGH = "high", _("Høj")


@dataclass(frozen=True)
class Medication:
    """A current drug. daily_dose None means the dose is unknown: only a patient's record can
    say that (integration/fhir_mapping.py); the form and the API require a positive dose. The
    drug still counts as taken, but adds nothing to the morphine equivalent (facts.mme_items)."""

    drug: str
    daily_dose: float | None
    unit: str


@dataclass(frozen=True)
class Intake:
    """One patient as described by the clinician; validated before it is built."""

    age: int
    pain_site: str
    pain_duration_weeks: float
    neuropathic_pain: bool = False
    radicular_signs: bool = False
    red_flags: frozenset[str] = frozenset()
    complex_problems: bool = False
    activity_limitation: bool = False
    work_status: str | None = None
    trains_independently: bool | None = None
    nonpharmacological_insufficient: bool = False
    sleep_problems: bool = False
    somatic_disease_flare: bool = False
    medications: tuple[Medication, ...] = field(default_factory=tuple)
    opioid_treatment_months: float | None = None
    startback: tuple[int, ...] | None = None
