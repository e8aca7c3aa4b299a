"""The opioid tools' limits and Danish wording, and the shapes of their results."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Self

from django.db.models import TextChoices
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from recommendations.numbers import danish_number
from recommendations.rules.alerts import AlertKind

from .taper_shapes import TaperShape

DOSE_STEPS_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "dose_steps.json"

# Pace (CONTENT.md: CDC 2022 and HHS 2019): about 10 % of the starting dose per month after a
# year or more of use, about 10 % per week after shorter use.
REDUCTION_PERCENT_DEFAULT = 10
REDUCTION_PERCENT_MIN, REDUCTION_PERCENT_MAX = 1, 50
INTERVAL_WEEKS_MIN, INTERVAL_WEEKS_MAX = 1, 12
LONG_USE_MONTHS = 12
INTERVAL_WEEKS_LONG_USE = 4
INTERVAL_WEEKS_SHORT_USE = 1
PACE_LONG_USE_PERCENT_PER_WEEK = 10 / 4  # about 10 % per month
PACE_SHORT_USE_PERCENT_PER_WEEK = 10  # about 10 % per week
TARGET_DAILY_DOSE_DEFAULT = 0
# More rows than anyone can follow is a sign of a mistyped pace: refuse rather than print them.
MAX_STEPS = 60
# The same limit covers the plan's whole length: steps plus the extra intervals of pauses (one
# follow-up each), so pauses cannot stretch a plan to hundreds of follow-ups.
MAX_INTERVALS = MAX_STEPS
PAUSE_EXTRA_MIN, PAUSE_EXTRA_MAX = 1, 12

CENT = Decimal("0.01")

# Error messages, read in the reader's language when shown (recommendations/middleware.py);
# tests import them.
NOT_OPIOID_ERROR = _("{name} er ikke et opioid; nedtrapningsplanen gælder kun opioider.")
UNKNOWN_DRUG_ERROR = _("Ukendt lægemiddel {input!r}.")
DAILY_DOSE_ERROR = _("Døgndosis skal være et positivt tal.")
TREATMENT_MONTHS_ERROR = _("Varighed af opioidbehandling skal være 0 måneder eller mere.")
TARGET_ERROR = _("Måldosis skal være 0 eller et positivt tal.")
TARGET_ABOVE_ERROR = _(
    "Måldosis ({target} {unit}) skal være lavere end den nuværende døgndosis ({dose} {unit}). "
    "Måldosis 0 betyder fuld udtrapning."
)
REDUCTION_ERROR = format_lazy(
    _("Reduktion pr. trin skal være et tal fra {min} til {max} % af startdosis."),
    min=REDUCTION_PERCENT_MIN,
    max=REDUCTION_PERCENT_MAX,
)
INTERVAL_ERROR = format_lazy(
    _("Interval mellem trin skal være et helt antal uger fra {min} til {max}."),
    min=INTERVAL_WEEKS_MIN,
    max=INTERVAL_WEEKS_MAX,
)
TOO_MANY_STEPS_ERROR = _(
    "Planen ville få {steps} trin; højst {max} trin er tilladt. Vælg en større reduktion pr. "
    "trin eller en højere måldosis."
)
PAUSE_STEP_ERROR = _(
    "Der kan ikke holdes pause efter trin {step}: planen har trin 1-{last}, og en pause skal "
    "ligge efter et trin før det sidste."
)
PAUSE_DUPLICATE_ERROR = _(
    "Der er allerede en pause efter trin {step}; læg de ekstra intervaller sammen i én pause."
)
PAUSE_EXTRA_ERROR = format_lazy(
    _("Ekstra intervaller i en pause skal være et helt tal fra {min} til {max}."),
    min=PAUSE_EXTRA_MIN,
    max=PAUSE_EXTRA_MAX,
)
DATE_OVERFLOW_ERROR = _("Planen rækker ud over kalenderen; vælg en anden startdato.")
TOO_MANY_INTERVALS_ERROR = _(
    "Med pauserne ville planen vare {intervals} intervaller ({steps} trin og {extra} "
    "pauseintervaller); højst {max} er tilladt. Vælg færre eller kortere pauser, eller en større "
    "reduktion pr. trin."
)

# Notes (Danish; CONTENT.md says which must be shown).
PLAN_SUGGESTION_NOTE = (
    "Planen er et forslag, der skal justeres undervejs efter patientens forløb, ikke en "
    "ordination. Tempo og mål aftales mellem læge og patient, og nedtrapningen kan sættes på "
    "pause."
)
PACE_NOTE = (
    "Tempo (CDC 2022; HHS 2019): ca. 10 % af startdosis pr. måned, når opioid er brugt i et år "
    "eller mere; ca. 10 % pr. uge kan være acceptabelt efter kortere brug. Almindelige "
    "nedtrapninger reducerer 5-20 % hver 4. uge."
)
PACE_FASTER_LONG_USE_NOTE = (
    "Planens tempo ({rate} % af startdosis pr. uge) er hurtigere end de ca. 10 % pr. måned, "
    "som CDC 2022 angiver ved brug i et år eller mere. Overvej et langsommere tempo."
)
PACE_FASTER_SHORT_USE_NOTE = (
    "Planens tempo ({rate} % af startdosis pr. uge) er hurtigere end de ca. 10 % pr. uge, "
    "som CDC 2022 angiver som acceptabelt efter kortere brug. Overvej et langsommere tempo."
)
ROUNDING_MULTIPLE_NOTE = (
    "Doserne er rundet op til hele {step} {unit}, så planen aldrig går hurtigere end det valgte "
    "tempo; en dosis kan derfor være uændret i et interval. {source}"
)
ROUNDING_PATCH_NOTE = (
    "Doserne er rundet op til plastre på {strengths} {unit} (højst {max_patches} ad gangen, "
    "medmindre den nuværende dosis kræver flere), så planen aldrig går hurtigere end det valgte "
    "tempo; en dosis kan derfor være uændret i et interval. {source}"
)
ROUNDING_LARGER_CUT_NOTE = (
    "OBS: Med afrunding bliver nogle trin større end de valgte {cut} {unit} pr. trin: {cuts}. "
    "Det skyldes, at tabellen over praktiske doser ikke har doser tæt nok til det valgte tempo "
    "(mindste dosis i tabellen: {smallest} {unit}), og at planen ikke går hurtigere end tempoet. "
    "Vælg uden afrunding, eller tilpas tempo eller interval, hvis et trin er for stort."
)
ROUNDING_HOLD_NOTE = (
    "OBS: Afrundingen holder dosis uændret i trin {steps}, fordi den næste praktiske dosis "
    "ville gå hurtigere end det valgte tempo."
)
ROUNDING_LARGER_CUT_SHRINKING_NOTE = (
    "OBS: Med afrunding bliver nogle trin større end planens beregnede trin: {cuts}. Det "
    "skyldes, at tabellen over praktiske doser ikke har doser tæt nok til det valgte tempo "
    "(mindste dosis i tabellen: {smallest} {unit}), og at planen ikke går hurtigere end tempoet. "
    "Vælg uden afrunding, eller tilpas tempo eller interval, hvis et trin er for stort."
)
LARGER_CUT_ITEM = (
    "trin {step} fra {before} til {after} {unit} ({cut} {unit}, {percent} % af startdosis)"
)
ROUNDING_NONE_NOTE = (
    "Der er ikke registreret praktiske dosistrin for {name}; doserne er ikke afrundet."
)
BUPRENORPHINE_TAPER_NOTE = (
    "{name} omregnes ikke til morfinækvivalenter: CDC 2022 omregner ikke buprenorphin (partiel "
    "agonist med loftseffekt). Planen viser derfor ingen MME."
)
BUPRENORPHINE_MME_NOTE = (
    "{name} er vist uden MME: CDC 2022 omregner ikke buprenorphin (partiel agonist med "
    "loftseffekt), og det indgår ikke i den samlede døgndosis."
)
# The opioid dose alerts are the evaluator's (fixtures/alerts.json): the calculator names the
# one reached in the same words, with its source, and says what the markers are (CONTENT.md
# "Opioid dose alerts": information for a conversation, never an order to taper).
US_THRESHOLDS_NOTE = (
    "Markørerne {limits} MME/døgn er fra amerikanske retningslinjer (CDC) og er information "
    "til en samtale med patienten om gavn og risiko, ikke en ordre."
)
DOSE_ALERT_NOTE = "{message} (Kilde: {source})"
NON_OPIOIDS_NOTE = "Indgår ikke i beregningen, da de ikke er opioider: {names}."


class DoseStepKind(TextChoices):
    """How a drug's dose is rounded to practical doses (fixtures/dose_steps.json)."""

    MULTIPLE = "multiple", _("Hele trin af en fast størrelse")
    PATCH_STRENGTHS = "patch_strengths", _("Summer af plasterstyrker")


class TaperPlanError(ValueError):
    """A plan cannot be made from these inputs; `errors` names each field and why."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class DoseSteps:
    drug: str
    kind: str
    step: int | None = None
    # Patches by the rate they deliver (12.5 mcg/h), and the label on the pack ("12").
    strengths: tuple[Decimal, ...] = ()
    labels: tuple[str, ...] = ()
    max_patches: int = 0
    source: str = ""

    def label(self, rate: Decimal) -> str:
        return self.labels[self.strengths.index(rate)]

    @property
    def smallest(self) -> Decimal:
        return Decimal(self.step) if self.kind == DoseStepKind.MULTIPLE else self.strengths[0]


@dataclass(frozen=True)
class MmeRow:
    drug: str
    name: str
    daily_dose: float
    unit: str
    factor: float | None
    mme: float | None
    source: str


@dataclass(frozen=True)
class MmeTable:
    items: tuple[MmeRow, ...]
    daily_mme: float | None
    threshold: int | None  # the highest US dose marker reached, if any
    notes: tuple[str, ...]
    dose_alert: AlertKind | None = None  # the evaluator's opioid dose alert for this total


@dataclass(frozen=True)
class Pause:
    """Hold the dose of step `after_step` for `extra_intervals` more intervals."""

    after_step: int
    extra_intervals: int


@dataclass(frozen=True)
class TaperSettings:
    """What a taper plan is asked for, the same for every opioid in it (API.md "Opioid tools").

    Not checked here: the planner checks them where it uses them (calculations.py,
    taper_calendar.step_dates) and names the field of each one it refuses.
    """

    start_date: date  # the first step's, before a weekend start moves to the Monday after
    treatment_months: float
    reduction_percent: float = REDUCTION_PERCENT_DEFAULT
    interval_weeks: int | None = None  # None: the default for `treatment_months`
    round_doses: bool = False
    pauses: Sequence[Pause] = ()
    shape: str = TaperShape.LINEAR
    weekdays_only: bool = True


@dataclass(frozen=True)
class TaperStep:
    step: int
    date: date
    daily_dose: float
    daily_mme: float | None
    # The patches making up the dose, when rounded to patches: delivered rates (12.5) and the
    # labels on the packs ("12").
    patches: tuple[float, ...] = ()
    patch_labels: tuple[str, ...] = ()
    unchanged: bool = False  # same dose as the step before (rounding up can hold a dose)
    pause_intervals: int = 0  # extra intervals this dose is held before the next step

    @property
    def relabelled(self) -> bool:
        """Whether a patch is sold under another number than it delivers ("12" for 12.5)."""
        return any(
            label != number_display(rate)
            for rate, label in zip(self.patches, self.patch_labels, strict=True)
        )


@dataclass(frozen=True)
class StepDates:
    """When a plan's steps fall (taper_calendar.step_dates): interval, pauses and dates."""

    interval_weeks: int
    interval_is_default: bool
    extra: dict[int, int]  # step number -> extra intervals its dose is held
    start_date: date  # the first step's, a working day when the plan keeps to them
    dates: list[date]  # each step's
    follow_ups: tuple[date, ...]

    @property
    def pauses(self) -> tuple[Pause, ...]:
        return tuple(Pause(step, n) for step, n in sorted(self.extra.items()))


@dataclass(frozen=True)
class PlanSchedule:
    """What every taper plan has, for one opioid or several: its pace, steps, dates and notes."""

    start_date: date
    treatment_months: float
    reduction_percent: float
    interval_weeks: int
    interval_is_default: bool
    rounded: bool
    shape: str
    pauses: tuple[Pause, ...]
    steps: tuple  # TaperStep or CombinedStep
    follow_ups: tuple[date, ...]
    notes: tuple[str, ...]

    @property
    def end_date(self) -> date:
        return self.steps[-1].date

    def next_follow_up(self, *, today: date) -> date | None:
        """Return the first follow-up on or after `today` (a plan may start in the past)."""
        return next((day for day in self.follow_ups if day >= today), None)

    @classmethod
    def dated(cls, when: StepDates, settings: TaperSettings, **fields) -> Self:
        """Return the plan with the settings asked for and the dates they came to.

        From `settings`: treatment months, reduction and shape; from `when`: the start,
        interval, pauses and follow-ups.
        """
        return cls(
            treatment_months=settings.treatment_months,
            reduction_percent=settings.reduction_percent,
            shape=str(settings.shape),
            start_date=when.start_date,
            interval_weeks=when.interval_weeks,
            interval_is_default=when.interval_is_default,
            pauses=when.pauses,
            follow_ups=when.follow_ups,
            **fields,
        )


@dataclass(frozen=True)
class TaperPlan(PlanSchedule):
    drug: str
    drug_name: str
    unit: str
    factor: float | None
    start_dose: float
    target_daily_dose: float
    reduction_per_step: float


def number_display(value: float | Decimal | None) -> str:
    """Return a number as a Dane reads it: 12 not 12.0, 12,5 not 12.5."""
    if value is None:
        return "–"
    return danish_number(round(float(value), 2))


def target_above_error(*, target: float, dose: float, unit: str) -> str | None:
    """Return the error for a target dose not below the starting dose, None when it is below."""
    if target < dose:
        return None
    return TARGET_ABOVE_ERROR.format(
        target=number_display(target), dose=number_display(dose), unit=unit
    )


def decimal_of(value: float | int) -> Decimal:
    # str() gives the shortest repr of a float, so 0.1 becomes Decimal("0.1"), not 0.1000000000...
    return Decimal(str(value))
