"""Opioid tools (API.md "Opioid tools"): the MME table and the taper planner. Pure.

No ORM and no clock: callers pass `start_date` in. Factors come from the drug table
(fixtures/drugs.json), practical dose steps from fixtures/dose_steps.json, the pace from
CONTENT.md (CDC 2022 and HHS 2019). Doses are computed in Decimal so that a plan's numbers
are exact (60, 54, 48 ... not 47.99999).
"""

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from functools import cache, lru_cache
from pathlib import Path

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

from recommendations.numbers import danish_number
from recommendations.rules.alerts import AlertKind, mme_alert_kinds, mme_alert_reached
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, Drug, drug_table
from recommendations.rules.facts import daily_mme_total, mme_items
from recommendations.rules.intake import DoseUnit, Medication

from .taper_calendar import weekend_notes, working_day_on_or_after
from .taper_shapes import (
    PROPORTIONAL_FLOOR_NOTE,
    PROPORTIONAL_NO_STEPS_ERROR,
    TaperShape,
    linear_last_cuts,
    proportional_doses,
)

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
# An input sanity limit, not clinical content (docs/opioids.md): ten of the largest fentanyl
# patch. A higher patch dose is almost certainly a typing error, and it bounds the work of
# rounding to patches.
PATCH_DOSE_MAX = 1000

_CENT = Decimal("0.01")

# Error messages (Danish, shown to clinicians; tests import them).
NOT_OPIOID_ERROR = "{name} er ikke et opioid; nedtrapningsplanen gælder kun opioider."
UNKNOWN_DRUG_ERROR = "Ukendt lægemiddel {input!r}."
DAILY_DOSE_ERROR = "Døgndosis skal være et positivt tal."
TREATMENT_MONTHS_ERROR = "Varighed af opioidbehandling skal være 0 måneder eller mere."
TARGET_ERROR = "Måldosis skal være 0 eller et positivt tal."
TARGET_ABOVE_ERROR = (
    "Måldosis ({target} {unit}) skal være lavere end den nuværende døgndosis ({dose} {unit}). "
    "Måldosis 0 betyder fuld udtrapning."
)
REDUCTION_ERROR = (
    f"Reduktion pr. trin skal være et tal fra {REDUCTION_PERCENT_MIN} til "
    f"{REDUCTION_PERCENT_MAX} % af startdosis."
)
INTERVAL_ERROR = (
    f"Interval mellem trin skal være et helt antal uger fra {INTERVAL_WEEKS_MIN} til "
    f"{INTERVAL_WEEKS_MAX}."
)
TOO_MANY_STEPS_ERROR = (
    "Planen ville få {steps} trin; højst {max} trin er tilladt. Vælg en større reduktion pr. "
    "trin eller en højere måldosis."
)
PAUSE_STEP_ERROR = (
    "Der kan ikke holdes pause efter trin {step}: planen har trin 1-{last}, og en pause skal "
    "ligge efter et trin før det sidste."
)
PAUSE_DUPLICATE_ERROR = (
    "Der er allerede en pause efter trin {step}; læg de ekstra intervaller sammen i én pause."
)
PAUSE_EXTRA_ERROR = (
    f"Ekstra intervaller i en pause skal være et helt tal fra {PAUSE_EXTRA_MIN} til "
    f"{PAUSE_EXTRA_MAX}."
)
DATE_OVERFLOW_ERROR = "Planen rækker ud over kalenderen; vælg en anden startdato."
PATCH_DOSE_ERROR = (
    f"Døgndosis for plaster skal være et positivt tal i mikrogram/time, højst {PATCH_DOSE_MAX}."
)
TOO_MANY_INTERVALS_ERROR = (
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
    "Det valgte tempo ({rate} % af startdosis pr. uge) er hurtigere end de ca. 10 % pr. måned, "
    "som CDC 2022 angiver ved brug i et år eller mere. Overvej et langsommere tempo."
)
PACE_FASTER_SHORT_USE_NOTE = (
    "Det valgte tempo ({rate} % af startdosis pr. uge) er hurtigere end de ca. 10 % pr. uge, "
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


class PlanDates:
    """The dates every taper plan has: its steps' and its follow-ups'."""

    steps: tuple
    follow_ups: tuple[date, ...]

    @property
    def end_date(self) -> date:
        return self.steps[-1].date

    def next_follow_up(self, *, today: date) -> date | None:
        """Return the first follow-up on or after `today` (a plan may start in the past)."""
        return next((day for day in self.follow_ups if day >= today), None)


@dataclass(frozen=True)
class TaperPlan(PlanDates):
    drug: str
    drug_name: str
    unit: str
    factor: float | None
    start_date: date
    start_dose: float
    target_daily_dose: float
    treatment_months: float
    reduction_percent: float
    reduction_per_step: float
    interval_weeks: int
    interval_is_default: bool
    rounded: bool
    shape: str
    pauses: tuple[Pause, ...]
    steps: tuple[TaperStep, ...]
    follow_ups: tuple[date, ...]
    notes: tuple[str, ...]


def number_display(value: float | Decimal | None) -> str:
    """Return a number as a Dane reads it: 12 not 12.0, 12,5 not 12.5."""
    if value is None:
        return "–"
    return danish_number(round(float(value), 2))


# --- MME table -------------------------------------------------------------------------------


def mme_table(*, medications: Sequence[Medication]) -> MmeTable:
    """Return each opioid's MME, the daily total and the notes CONTENT.md requires."""
    drugs = drug_table()
    items = mme_items(medications)
    rows = tuple(
        MmeRow(
            drug=item.drug,
            name=drugs[item.drug].name,
            daily_dose=item.daily_dose,
            unit=item.unit,
            factor=item.factor,
            mme=item.mme,
            source=item.source,
        )
        for item in items
    )
    total = daily_mme_total(items)
    dose_alert = mme_alert_reached(total)
    notes = [MME_NOT_FOR_SWITCHING]
    for name in dict.fromkeys(row.name for row in rows if row.factor is None):
        notes.append(BUPRENORPHINE_MME_NOTE.format(name=name))
    if dose_alert is not None:
        message = dose_alert.text(at_least="", mme=number_display(total))
        notes.append(DOSE_ALERT_NOTE.format(message=message, source=dose_alert.source))
    limits = " og ".join(str(kind.mme_at_least) for kind in reversed(mme_alert_kinds()))
    notes.append(US_THRESHOLDS_NOTE.format(limits=limits))
    others = [drugs[m.drug].name for m in medications if not drugs[m.drug].is_opioid]
    if others:
        notes.append(NON_OPIOIDS_NOTE.format(names=", ".join(dict.fromkeys(others))))
    return MmeTable(
        items=rows,
        daily_mme=total,
        threshold=dose_alert.mme_at_least if dose_alert else None,
        notes=tuple(notes),
        dose_alert=dose_alert,
    )


# --- Practical dose steps --------------------------------------------------------------------


@cache
def dose_steps_table() -> dict[str, DoseSteps]:
    """Return the practical dose steps by drug code, read once from fixtures/dose_steps.json."""
    data = json.loads(DOSE_STEPS_FILE.read_text(encoding="utf-8"))
    table = {}
    for item in data["drugs"]:
        strengths = item.get("strengths", ())
        rates = tuple(_dec(s["rate"]) for s in strengths)
        steps = DoseSteps(
            drug=item["drug"],
            kind=item["kind"],
            step=item.get("step"),
            strengths=rates,
            labels=tuple(
                s.get("label", number_display(rate))
                for s, rate in zip(strengths, rates, strict=True)
            ),
            max_patches=item.get("max_patches", 0),
            source=item.get("source", ""),
        )
        _dose_steps_check(steps)
        table[steps.drug] = steps
    return table


def dose_steps_source() -> str:
    """Return where the practical dose steps come from (Danish)."""
    return json.loads(DOSE_STEPS_FILE.read_text(encoding="utf-8"))["source"]


def _dose_steps_check(steps: DoseSteps) -> None:
    drug = drug_table().get(steps.drug)
    if drug is None or not drug.is_opioid:
        raise ValueError(f"dose_steps.json: {steps.drug!r} is not an opioid in drugs.json")
    if not steps.source:
        raise ValueError(f"dose_steps.json: {steps.drug}: every entry must name its source")
    if steps.kind == DoseStepKind.MULTIPLE:
        if not (isinstance(steps.step, int) and steps.step > 0):
            raise ValueError(f"dose_steps.json: {steps.drug}: step must be a positive integer")
    elif steps.kind == DoseStepKind.PATCH_STRENGTHS:
        ok = (
            steps.strengths
            and all(s > 0 and s == s.quantize(_CENT) for s in steps.strengths)
            and list(steps.strengths) == sorted(set(steps.strengths))
            and steps.max_patches >= 1
        )
        if not ok:
            raise ValueError(
                f"dose_steps.json: {steps.drug}: strengths must be increasing positive rates "
                "(at most two decimals) and max_patches at least 1"
            )
    else:
        raise ValueError(f"dose_steps.json: {steps.drug}: unknown kind {steps.kind!r}")


class _PatchDoses:
    """Doses that can be made from at most `max_patches` patches, with the fewest patches.

    Built by adding one patch at a time: with the input limit (PATCH_DOSE_MAX) there are at
    most a few hundred sums, so the table is small whatever the dose.
    """

    def __init__(self, strengths: tuple[Decimal, ...], max_patches: int):
        self.strengths = strengths
        fewest: dict[Decimal, tuple[Decimal, ...]] = {Decimal(0): ()}
        layer = dict(fewest)
        for _count in range(max_patches):
            grown = {}
            for total, used in layer.items():
                for strength in strengths:
                    dose = total + strength
                    if dose not in fewest and dose not in grown:
                        grown[dose] = tuple(sorted((*used, strength), reverse=True))
            fewest |= grown
            layer = grown
        self._fewest = fewest
        self._doses = sorted(fewest)

    def round_up(self, dose: Decimal) -> Decimal:
        """Return the smallest possible dose at or above `dose` (the largest if none is)."""
        return next((total for total in self._doses if total >= dose), self._doses[-1])

    def patches(self, dose: Decimal) -> tuple[Decimal, ...]:
        """Return the fewest patches that make up `dose`, largest first, or () if none do."""
        return self._fewest.get(dose, ())


@lru_cache(maxsize=32)  # bounded: the keys are few (strengths x patch counts up to the limit)
def _patch_doses(strengths: tuple[Decimal, ...], max_patches: int) -> _PatchDoses:
    return _PatchDoses(strengths, max_patches)


# --- Taper planner ---------------------------------------------------------------------------


def interval_default(*, treatment_months: float) -> int:
    """Return the default weeks between steps: 4 after a year or more of use, else 1."""
    if treatment_months >= LONG_USE_MONTHS:
        return INTERVAL_WEEKS_LONG_USE
    return INTERVAL_WEEKS_SHORT_USE


def _dec(value: float | int) -> Decimal:
    # str() gives the shortest repr of a float, so 0.1 becomes Decimal("0.1"), not 0.1000000000...
    return Decimal(str(value))


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _taper_drug(code: str) -> Drug:
    drug = drug_table().get(code)
    if drug is None:
        raise TaperPlanError({"drug": [UNKNOWN_DRUG_ERROR.format(input=code)]})
    if not drug.is_opioid:
        raise TaperPlanError({"drug": [NOT_OPIOID_ERROR.format(name=drug.name)]})
    return drug


def _inputs_check(
    *,
    drug: Drug,
    daily_dose: float,
    treatment_months: float,
    reduction_percent: float,
    interval_weeks: int | None,
    target_daily_dose: float,
) -> None:
    errors: dict[str, list[str]] = {}
    if not (_finite(daily_dose) and daily_dose > 0):
        errors["daily_dose"] = [DAILY_DOSE_ERROR]
    elif drug.unit == DoseUnit.MCG_PER_HOUR and daily_dose > PATCH_DOSE_MAX:
        errors["daily_dose"] = [PATCH_DOSE_ERROR]
    if not (_finite(treatment_months) and treatment_months >= 0):
        errors["treatment_months"] = [TREATMENT_MONTHS_ERROR]
    if not (
        _finite(reduction_percent)
        and REDUCTION_PERCENT_MIN <= reduction_percent <= REDUCTION_PERCENT_MAX
    ):
        errors["reduction_percent"] = [REDUCTION_ERROR]
    if interval_weeks is not None and not (
        isinstance(interval_weeks, int)
        and not isinstance(interval_weeks, bool)
        and INTERVAL_WEEKS_MIN <= interval_weeks <= INTERVAL_WEEKS_MAX
    ):
        errors["interval_weeks"] = [INTERVAL_ERROR]
    if not (_finite(target_daily_dose) and target_daily_dose >= 0):
        errors["target_daily_dose"] = [TARGET_ERROR]
    elif "daily_dose" not in errors and target_daily_dose >= daily_dose:
        errors["target_daily_dose"] = [
            TARGET_ABOVE_ERROR.format(
                target=number_display(target_daily_dose),
                dose=number_display(daily_dose),
                unit=drug.unit,
            )
        ]
    if errors:
        raise TaperPlanError(errors)


def _pauses_check(pauses: Sequence[Pause], *, steps: int) -> dict[int, int]:
    errors: dict[str, list[str]] = {}
    extra: dict[int, int] = {}
    for index, pause in enumerate(pauses):
        where = f"pauses[{index}]"
        if not (isinstance(pause.after_step, int) and 1 <= pause.after_step < steps):
            errors[f"{where}.after_step"] = [
                PAUSE_STEP_ERROR.format(step=pause.after_step, last=steps)
            ]
        elif pause.after_step in extra:
            errors[f"{where}.after_step"] = [PAUSE_DUPLICATE_ERROR.format(step=pause.after_step)]
        if not (
            isinstance(pause.extra_intervals, int)
            and PAUSE_EXTRA_MIN <= pause.extra_intervals <= PAUSE_EXTRA_MAX
        ):
            errors[f"{where}.extra_intervals"] = [PAUSE_EXTRA_ERROR]
        elif f"{where}.after_step" not in errors:
            extra[pause.after_step] = pause.extra_intervals
    if errors:
        raise TaperPlanError(errors)
    paused = sum(extra.values())
    if steps + paused > MAX_INTERVALS:
        message = TOO_MANY_INTERVALS_ERROR.format(
            intervals=steps + paused, steps=steps, extra=paused, max=MAX_INTERVALS
        )
        raise TaperPlanError({"pauses": [message]})
    return extra


def _quantum(cut: Decimal) -> Decimal:
    """Hundredths of a mg (or mcg/h), finer only for a cut too small for them to show."""
    return Decimal(1).scaleb(min(-2, cut.adjusted() - 2))


def _leftover_max(cut: Decimal) -> Decimal:
    """Return the largest leftover that joins the last step instead of being a step of its own.

    A leftover within the plan's resolution (33.3333333 mg at 33.3333 %) is float noise, and
    one under a hundredth of the chosen cut (0.01 mcg/h after ten cuts of 11.22) is no step a
    patient could take: either would be four weeks on a dose a hair below the one before.
    """
    return max(_quantum(cut), cut / 100)


def _reductions(*, start: Decimal, target: Decimal, cut: Decimal) -> int:
    span = start - target - _leftover_max(cut)
    return max(1, int((span / cut).to_integral_value(rounding=ROUND_CEILING)))


def _doses(
    *, start: Decimal, target: Decimal, cut: Decimal, reductions: int, rounder
) -> list[Decimal]:
    # Every dose is rounded *up* (to the plan's resolution, or to a practical dose) and then
    # held at or below the dose before: the plan is never ahead of the chosen pace and never
    # rises. Between the first and the last step the ideal dose is above the target, so only
    # the last step is it. Rounding up is the practical dose closest to the pace that is not
    # faster than it; where the practical doses are far apart, the notes say what that costs.
    quantum = _quantum(cut)
    doses = [start]
    for k in range(1, reductions):
        ideal = start - k * cut
        dose = rounder(ideal) if rounder else ideal.quantize(quantum, rounding=ROUND_CEILING)
        doses.append(min(doses[-1], max(target, dose)))
    doses.append(target)
    return doses


def taper_plan_build(
    *,
    drug: str,
    daily_dose: float,
    treatment_months: float,
    start_date: date,
    reduction_percent: float = REDUCTION_PERCENT_DEFAULT,
    interval_weeks: int | None = None,
    target_daily_dose: float = TARGET_DAILY_DOSE_DEFAULT,
    round_doses: bool = False,
    pauses: Sequence[Pause] = (),
    shape: str = TaperShape.LINEAR,
    weekdays_only: bool = True,
    step_offset: int = 0,
) -> TaperPlan:
    """Return a taper plan: steps, follow-ups and notes; raise TaperPlanError naming fields.

    Linear: each step cuts `reduction_percent` of the starting dose; proportional: of the dose
    before (taper_shapes.py). Never below the target; the first step is today's dose on
    `start_date` (the Monday after it when `weekdays_only` and it is a weekend day), the last
    the target; dates advance by the interval, plus any pauses. `step_offset` numbers the steps
    in the notes when the plan is part of a plan for several opioids.
    """
    info = _taper_drug(drug)
    _inputs_check(
        drug=info,
        daily_dose=daily_dose,
        treatment_months=treatment_months,
        reduction_percent=reduction_percent,
        interval_weeks=interval_weeks,
        target_daily_dose=target_daily_dose,
    )
    interval = interval_weeks or interval_default(treatment_months=treatment_months)
    steps_data = dose_steps_table().get(drug) if round_doses else None
    practical = dose_steps_table().get(drug)
    if shape == TaperShape.PROPORTIONAL and practical is None:
        raise TaperPlanError(
            {"shape": [PROPORTIONAL_NO_STEPS_ERROR.format(name=info.name.lower())]}
        )
    first_day = working_day_on_or_after(start_date) if weekdays_only else start_date
    with localcontext() as ctx:
        ctx.prec = 50
        start, target = _dec(daily_dose), _dec(target_daily_dose)
        cut = start * _dec(reduction_percent) / 100
        rounder, patch_doses = _rounder(steps_data, start=start)
        doses, cuts, shape_notes = _shaped_doses(
            shape,
            info,
            start=start,
            target=target,
            cut=cut,
            reduction_percent=reduction_percent,
            rounder=rounder,
            practical=practical,
            step_offset=step_offset,
        )
        extra = _pauses_check(pauses, steps=len(doses))
        factor = None if info.mme_factor is None else _dec(info.mme_factor)
        steps = []
        try:
            dates, follow_ups = _schedule(
                first_day, interval=interval, count=len(doses), extra=extra
            )
        except OverflowError:
            raise TaperPlanError({"start_date": [DATE_OVERFLOW_ERROR]}) from None
        for number, (dose, day) in enumerate(zip(doses, dates, strict=True), start=1):
            mme = None if factor is None else (dose * factor).quantize(_CENT, ROUND_HALF_UP)
            patches = patch_doses.patches(dose) if patch_doses else ()
            steps.append(
                TaperStep(
                    step=number,
                    date=day,
                    daily_dose=float(dose),
                    daily_mme=None if mme is None else float(mme),
                    patches=tuple(float(p) for p in patches),
                    patch_labels=tuple(steps_data.label(p) for p in patches),
                    unchanged=number > 1 and dose == doses[number - 2],
                    pause_intervals=extra.get(number, 0),
                )
            )
        per_step = float(cut.quantize(_CENT, ROUND_HALF_UP))
        notes = _taper_notes(
            info,
            treatment_months=treatment_months,
            reduction_percent=reduction_percent,
            interval=interval,
            round_doses=round_doses,
            steps_data=steps_data,
        )
        if rounder is not None:
            # Right after "a suggestion to adjust": what rounding costs is what to check first.
            costs = _rounding_cost_notes(
                info, doses, start=start, cuts=cuts, steps=steps_data, step_offset=step_offset
            )
            notes = (notes[0], *costs, *notes[1:])
        notes = (notes[0], *shape_notes, *notes[1:])
        if weekdays_only:
            notes += weekend_notes(chosen=start_date, start=first_day)
    return TaperPlan(
        drug=drug,
        drug_name=info.name,
        unit=info.unit,
        factor=info.mme_factor,
        start_date=first_day,
        start_dose=float(start),
        target_daily_dose=float(target),
        treatment_months=treatment_months,
        reduction_percent=reduction_percent,
        reduction_per_step=per_step,
        interval_weeks=interval,
        interval_is_default=interval_weeks is None,
        rounded=rounder is not None,
        shape=str(shape),
        pauses=tuple(Pause(step, n) for step, n in sorted(extra.items())),
        steps=tuple(steps),
        follow_ups=follow_ups,
        notes=notes,
    )


def _too_many_steps(count: int) -> TaperPlanError:
    message = TOO_MANY_STEPS_ERROR.format(steps=count, max=MAX_STEPS)
    return TaperPlanError({"reduction_percent": [message]})


def _shaped_doses(
    shape: str,
    drug: Drug,
    *,
    start: Decimal,
    target: Decimal,
    cut: Decimal,
    reduction_percent: float,
    rounder,
    practical: DoseSteps | None,
    step_offset: int,
) -> tuple[list[Decimal], list[Decimal], tuple[str, ...]]:
    """Return (doses, each step's chosen cut, notes on the shape) for either shape."""
    if shape == TaperShape.PROPORTIONAL:
        doses, cuts, floor_from = proportional_doses(
            start=start,
            target=target,
            fraction=_dec(reduction_percent) / 100,
            smallest=practical.smallest,
            leftover_max=_leftover_max(practical.smallest),
            quantum=_quantum(practical.smallest),
            rounder=rounder,
            max_steps=MAX_STEPS,
        )
        if len(doses) > MAX_STEPS:
            raise _too_many_steps(len(doses))
        notes = ()
        if floor_from is not None:
            notes = (
                PROPORTIONAL_FLOOR_NOTE.format(
                    step=floor_from + step_offset,
                    percent=number_display(reduction_percent),
                    smallest=number_display(practical.smallest),
                    unit=drug.unit,
                    source=dose_steps_source(),
                ),
            )
        return doses, cuts, notes
    reductions = _reductions(start=start, target=target, cut=cut)
    if reductions + 1 > MAX_STEPS:
        raise _too_many_steps(reductions + 1)
    doses = _doses(start=start, target=target, cut=cut, reductions=reductions, rounder=rounder)
    last_cuts = linear_last_cuts(
        doses,
        reduction_percent=reduction_percent,
        step_offset=step_offset,
        display=number_display,
        unit=drug.unit,
    )
    return doses, [cut] * reductions, (last_cuts,) if last_cuts else ()


def _schedule(
    start: date, *, interval: int, count: int, extra: dict[int, int]
) -> tuple[list[date], tuple[date, ...]]:
    """Return each step's date and the follow-ups: one at the end of every interval."""
    dates, offset = [], 0
    for number in range(1, count + 1):
        dates.append(start + timedelta(weeks=interval * offset))
        offset += 1 + extra.get(number, 0)
    follow_ups = tuple(start + timedelta(weeks=interval * j) for j in range(1, offset + 1))
    return dates, follow_ups


def cut_exceeds(actual: Decimal | float, chosen: Decimal | float) -> bool:
    """Return whether a step's cut is larger than the chosen cut beyond the plan's resolution.

    Rounding each dose up to hundredths can add a hundredth to a cut, and the last step takes
    a leftover of up to `_leftover_max` more.
    """
    actual, chosen = _dec(actual), _dec(chosen)
    return actual > chosen + _quantum(chosen) + _leftover_max(chosen)


def _rounding_cost_notes(
    drug: Drug,
    doses: list[Decimal],
    *,
    start: Decimal,
    cuts: list[Decimal],
    steps: DoseSteps,
    step_offset: int = 0,
) -> tuple[str, ...]:
    """Say plainly where the practical doses force a larger cut than chosen, or a hold."""
    larger, held = [], []
    pairs = zip(doses, doses[1:], cuts, strict=False)
    for number, (before, after, cut) in enumerate(pairs, start=2 + step_offset):
        if after == before:
            held.append(number)
        elif cut_exceeds(before - after, cut):
            larger.append(
                LARGER_CUT_ITEM.format(
                    step=number,
                    before=number_display(before),
                    after=number_display(after),
                    unit=drug.unit,
                    cut=number_display(before - after),
                    percent=number_display((before - after) / start * 100),
                )
            )
    notes = []
    if larger:
        # A proportional plan has no single chosen cut to name.
        template = (
            ROUNDING_LARGER_CUT_NOTE if len(set(cuts)) == 1 else ROUNDING_LARGER_CUT_SHRINKING_NOTE
        )
        notes.append(
            template.format(
                cut=number_display(cuts[0]),
                unit=drug.unit,
                cuts="; ".join(larger),
                smallest=number_display(steps.smallest),
            )
        )
    if held:
        notes.append(ROUNDING_HOLD_NOTE.format(steps=_step_ranges(held)))
    return tuple(notes)


def _step_ranges(numbers: list[int]) -> str:
    """Return step numbers as a Dane reads them: "2, 3 og 5-10"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    parts = []
    for run in runs:
        parts += [str(n) for n in run] if len(run) <= 2 else [f"{run[0]}-{run[-1]}"]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} og {parts[-1]}"


def _rounder(steps_data: DoseSteps | None, *, start: Decimal):
    """Return (a function rounding an ideal dose up to a practical one, the patch table)."""
    if steps_data is None:
        return None, None
    if steps_data.kind == DoseStepKind.MULTIPLE:
        size = Decimal(steps_data.step)

        def round_multiple(ideal: Decimal) -> Decimal:
            return (ideal / size).to_integral_value(rounding=ROUND_CEILING) * size

        return round_multiple, None
    # Enough patches to make up today's dose, however high it is (PATCH_DOSE_MAX bounds it).
    needed = math.ceil(start / steps_data.strengths[-1])
    patch_doses = _patch_doses(steps_data.strengths, max(steps_data.max_patches, needed))
    return patch_doses.round_up, patch_doses


def _taper_notes(
    drug: Drug,
    *,
    treatment_months: float,
    reduction_percent: float,
    interval: int,
    round_doses: bool,
    steps_data: DoseSteps | None,
) -> tuple[str, ...]:
    notes = [PLAN_SUGGESTION_NOTE, PACE_NOTE]
    rate = reduction_percent / interval
    long_use = treatment_months >= LONG_USE_MONTHS
    if long_use and rate > PACE_LONG_USE_PERCENT_PER_WEEK:
        notes.append(PACE_FASTER_LONG_USE_NOTE.format(rate=number_display(rate)))
    elif not long_use and rate > PACE_SHORT_USE_PERCENT_PER_WEEK:
        notes.append(PACE_FASTER_SHORT_USE_NOTE.format(rate=number_display(rate)))
    if round_doses:
        notes.append(_rounding_note(drug, steps_data))
    if drug.mme_factor is None:
        notes.append(BUPRENORPHINE_TAPER_NOTE.format(name=drug.name))
    else:
        notes.append(MME_NOT_FOR_SWITCHING)
    return tuple(notes)


def _rounding_note(drug: Drug, steps_data: DoseSteps | None) -> str:
    if steps_data is None:
        return ROUNDING_NONE_NOTE.format(name=drug.name.lower())
    source = dose_steps_source()
    if steps_data.kind == DoseStepKind.MULTIPLE:
        return ROUNDING_MULTIPLE_NOTE.format(step=steps_data.step, unit=drug.unit, source=source)
    *first, last = [
        _strength_display(rate, label)
        for rate, label in zip(steps_data.strengths, steps_data.labels, strict=True)
    ]
    return ROUNDING_PATCH_NOTE.format(
        strengths=f"{', '.join(first)} og {last}",
        unit=drug.unit,
        max_patches=steps_data.max_patches,
        source=source,
    )


def _strength_display(rate: Decimal, label: str) -> str:
    shown = number_display(rate)
    return shown if label == shown else f"{shown} (mærket {label})"
