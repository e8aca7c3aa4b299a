"""A taper plan for two or more opioids (API.md "Opioid tools", `medications`). Pure.

One drug is tapered at a time, in the order given, while the others are held; each drug's own
cuts come from the single-drug planner (opioids.taper_plan_build), so shape, rounding, pace and
their notes are the same code. This module only lays the drugs' cuts end to end, dates them and
sums the MME.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from patients.opioids.calculations import taper_plan_build
from patients.opioids.plan_types import (
    CENT,
    MAX_STEPS,
    TOO_MANY_STEPS_ERROR,
    PlanSchedule,
    TaperPlan,
    TaperPlanError,
    TaperSettings,
    decimal_of,
)
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, drug_table

from .taper_calendar import step_dates

ORDER_NOTE = (
    "Ét opioid ad gangen, i den angivne rækkefølge: {order}. De andre holdes uændrede, mens et "
    "trappes ned."
)
NO_MME_IN_TOTAL_NOTE = "Den samlede MME omfatter ikke {names}, som ikke omregnes til MME."
DUPLICATE_DRUG_ERROR = _("{name} står flere gange; skriv den samlede døgndosis på én linje.")
# Errors of one drug's plan that belong to its row in `medications`.
_ROW_FIELDS = ("drug", "daily_dose", "unit", "target_daily_dose")


@dataclass(frozen=True)
class TaperDrug:
    drug: str
    daily_dose: float
    target_daily_dose: float = 0


@dataclass(frozen=True)
class DrugDose:
    drug: str
    name: str
    daily_dose: float
    unit: str
    daily_mme: float | None


@dataclass(frozen=True)
class CombinedStep:
    step: int
    date: date
    doses: tuple[DrugDose, ...]
    daily_mme: float | None  # the total over the drugs that have an MME factor
    tapering: str | None  # the drug cut at this step (None for the starting doses)
    unchanged: bool = False
    pause_intervals: int = 0


@dataclass(frozen=True)
class CombinedTaperPlan(PlanSchedule):
    plans: tuple[TaperPlan, ...]  # each drug's own plan, in taper order


def taper_plan_combined_build(
    *, medications: Sequence[TaperDrug], settings: TaperSettings
) -> CombinedTaperPlan:
    """Return one plan tapering each opioid in turn; raise TaperPlanError naming fields."""
    _duplicates_check(medications)
    plans = _drug_plans(medications, settings)
    rows = _dose_rows(plans)
    if len(rows) > MAX_STEPS:
        message = TOO_MANY_STEPS_ERROR.format(steps=len(rows), max=MAX_STEPS)
        raise TaperPlanError({"reduction_percent": [message]})
    when = step_dates(settings, count=len(rows))
    steps = tuple(
        CombinedStep(
            step=number,
            date=day,
            doses=doses,
            daily_mme=_total_mme(doses),
            tapering=tapering,
            unchanged=unchanged,
            pause_intervals=when.extra.get(number, 0),
        )
        for number, (day, (doses, tapering, unchanged)) in enumerate(
            zip(when.dates, rows, strict=True), start=1
        )
    )
    return CombinedTaperPlan.dated(
        when,
        settings,
        plans=tuple(plans),
        rounded=any(plan.rounded for plan in plans),
        steps=steps,
        notes=_combined_notes(plans),
    )


def _drug_plans(medications: Sequence[TaperDrug], settings: TaperSettings) -> list[TaperPlan]:
    """Return each drug's own plan, its steps numbered on from the drug's before.

    Raise TaperPlanError with every drug's errors, a row's under its place in `medications`.
    """
    # The pauses are the combined plan's, between its steps: no drug's own plan has any.
    own_settings = replace(settings, pauses=())
    plans, errors, offset = [], {}, 0
    for index, med in enumerate(medications):
        try:
            plan = taper_plan_build(
                drug=med.drug,
                daily_dose=med.daily_dose,
                target_daily_dose=med.target_daily_dose,
                settings=own_settings,
                step_offset=offset,
            )
        except TaperPlanError as error:
            for name, messages in error.errors.items():
                key = f"medications[{index}].{name}" if name in _ROW_FIELDS else name
                errors.setdefault(key, []).extend(
                    m for m in messages if m not in errors.get(key, [])
                )
            continue
        plans.append(plan)
        offset += len(plan.steps) - 1
    if errors:
        raise TaperPlanError(errors)
    return plans


def _duplicates_check(medications: Sequence[TaperDrug]) -> None:
    seen, errors = set(), {}
    for index, med in enumerate(medications):
        if med.drug in seen:
            drug = drug_table().get(med.drug)
            name = drug.name if drug else med.drug
            errors[f"medications[{index}].drug"] = [DUPLICATE_DRUG_ERROR.format(name=name)]
        seen.add(med.drug)
    if errors:
        raise TaperPlanError(errors)


def _dose(plan: TaperPlan, dose: float, mme: float | None) -> DrugDose:
    return DrugDose(plan.drug, plan.drug_name, dose, plan.unit, mme)


def _dose_rows(plans: list[TaperPlan]) -> list[tuple[tuple[DrugDose, ...], str | None, bool]]:
    """Return, per step, every drug's dose, the drug being cut and whether nothing changed."""
    current = [_dose(p, p.steps[0].daily_dose, p.steps[0].daily_mme) for p in plans]
    rows = [(tuple(current), None, False)]
    for index, plan in enumerate(plans):
        for step in plan.steps[1:]:
            current[index] = _dose(plan, step.daily_dose, step.daily_mme)
            rows.append((tuple(current), plan.drug, step.unchanged))
    return rows


def _total_mme(doses: tuple[DrugDose, ...]) -> float | None:
    known = [decimal_of(d.daily_mme) for d in doses if d.daily_mme is not None]
    if not known:
        return None
    return float(sum(known, Decimal(0)).quantize(CENT, ROUND_HALF_UP))


def _combined_notes(plans: list[TaperPlan]) -> tuple[str, ...]:
    """Return each drug's notes once (shared ones are the same text), the order note second."""
    order = ", derefter ".join(plan.drug_name.lower() for plan in plans)
    notes = list(dict.fromkeys(note for plan in plans for note in plan.notes))
    notes.insert(1, ORDER_NOTE.format(order=order))
    without = [plan.drug_name.lower() for plan in plans if plan.factor is None]
    if without and len(without) < len(plans):
        notes.append(NO_MME_IN_TOTAL_NOTE.format(names=" og ".join(without)))
    if MME_NOT_FOR_SWITCHING in notes:  # keep the switching warning last, as on one drug
        notes.append(notes.pop(notes.index(MME_NOT_FOR_SWITCHING)))
    return tuple(notes)
