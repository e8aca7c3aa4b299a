"""Opioid tools (API.md "Opioid tools"): the MME table and the taper planner. Pure.

No ORM and no clock: callers pass `start_date` in. Factors come from the drug table
(fixtures/drugs.json), practical dose steps from fixtures/dose_steps.json, the pace from
CONTENT.md (CDC 2022 and HHS 2019). Doses are computed in Decimal so that a plan's numbers
are exact (60, 54, 48 ... not 47.99999).
"""

import math
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext

from patients.opioids.dose_steps import dose_steps_source, dose_steps_table
from patients.opioids.plan_types import (
    CENT,
    DAILY_DOSE_ERROR,
    INTERVAL_ERROR,
    INTERVAL_WEEKS_MAX,
    INTERVAL_WEEKS_MIN,
    MAX_STEPS,
    NOT_OPIOID_ERROR,
    REDUCTION_ERROR,
    REDUCTION_PERCENT_MAX,
    REDUCTION_PERCENT_MIN,
    TARGET_DAILY_DOSE_DEFAULT,
    TARGET_ERROR,
    TOO_MANY_STEPS_ERROR,
    TREATMENT_MONTHS_ERROR,
    UNKNOWN_DRUG_ERROR,
    DoseSteps,
    TaperPlan,
    TaperPlanError,
    TaperSettings,
    TaperStep,
    decimal_of,
    number_display,
    target_above_error,
)
from patients.opioids.taper_rounding import (
    dose_rounder,
    leftover_max_for,
    quantum_for,
    rounding_cost_notes,
    taper_notes,
)
from recommendations.intake_input import PATCH_DOSE_ERROR, PATCH_DOSE_MAX
from recommendations.rules.drugs import Drug, drug_table
from recommendations.rules.intake import DoseUnit

from .taper_calendar import step_dates, weekend_notes
from .taper_shapes import (
    PROPORTIONAL_FLOOR_NOTE,
    PROPORTIONAL_NO_STEPS_ERROR,
    TaperShape,
    linear_last_cuts,
    proportional_doses,
)

# --- Taper planner ---------------------------------------------------------------------------


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
    *, drug: Drug, daily_dose: float, target_daily_dose: float, settings: TaperSettings
) -> None:
    errors: dict[str, list[str]] = {}
    if not (_finite(daily_dose) and daily_dose > 0):
        errors["daily_dose"] = [DAILY_DOSE_ERROR]
    elif drug.unit == DoseUnit.MCG_PER_HOUR and daily_dose > PATCH_DOSE_MAX:
        errors["daily_dose"] = [PATCH_DOSE_ERROR]
    errors |= _settings_errors(settings)
    if not (_finite(target_daily_dose) and target_daily_dose >= 0):
        errors["target_daily_dose"] = [TARGET_ERROR]
    elif "daily_dose" not in errors:
        above = target_above_error(target=target_daily_dose, dose=daily_dose, unit=drug.unit)
        if above:
            errors["target_daily_dose"] = [above]
    if errors:
        raise TaperPlanError(errors)


def _settings_errors(settings: TaperSettings) -> dict[str, list[str]]:
    """Return the errors in the months, reduction and interval; step_dates checks the pauses."""
    errors: dict[str, list[str]] = {}
    months, percent = settings.treatment_months, settings.reduction_percent
    if not (_finite(months) and months >= 0):
        errors["treatment_months"] = [TREATMENT_MONTHS_ERROR]
    if not (_finite(percent) and REDUCTION_PERCENT_MIN <= percent <= REDUCTION_PERCENT_MAX):
        errors["reduction_percent"] = [REDUCTION_ERROR]
    weeks = settings.interval_weeks
    if weeks is not None and not (
        isinstance(weeks, int)
        and not isinstance(weeks, bool)
        and INTERVAL_WEEKS_MIN <= weeks <= INTERVAL_WEEKS_MAX
    ):
        errors["interval_weeks"] = [INTERVAL_ERROR]
    return errors


def _reductions(*, start: Decimal, target: Decimal, cut: Decimal) -> int:
    span = start - target - leftover_max_for(cut)
    return max(1, int((span / cut).to_integral_value(rounding=ROUND_CEILING)))


def _doses(
    *, start: Decimal, target: Decimal, cut: Decimal, reductions: int, rounder
) -> list[Decimal]:
    # Every dose is rounded *up* (to the plan's resolution, or to a practical dose) and then
    # held at or below the dose before: the plan is never ahead of the chosen pace and never
    # rises. Between the first and the last step the ideal dose is above the target, so only
    # the last step is it. Rounding up is the practical dose closest to the pace that is not
    # faster than it; where the practical doses are far apart, the notes say what that costs.
    # A practical dose a hair below the one before (25 mcg/h after a start of 25.02) is no step
    # a patient could take: the dose is held instead, and the notes say so.
    quantum, hair = quantum_for(cut), leftover_max_for(cut)
    doses = [start]
    for k in range(1, reductions):
        ideal = start - k * cut
        dose = rounder(ideal) if rounder else ideal.quantize(quantum, rounding=ROUND_CEILING)
        dose = min(doses[-1], max(target, dose))
        doses.append(doses[-1] if 0 < doses[-1] - dose <= hair else dose)
    doses.append(target)
    return doses


def taper_plan_build(
    *,
    drug: str,
    daily_dose: float,
    settings: TaperSettings,
    target_daily_dose: float = TARGET_DAILY_DOSE_DEFAULT,
    step_offset: int = 0,
) -> TaperPlan:
    """Return a taper plan: steps, follow-ups and notes; raise TaperPlanError naming fields.

    Linear: each step cuts `settings.reduction_percent` of the starting dose; proportional: of
    the dose before (taper_shapes.py). Never below the target; the first step is today's dose
    on `settings.start_date` (the Monday after it when `settings.weekdays_only` and it is a
    weekend day), the last the target; dates advance by the interval, plus any pauses.
    `step_offset` numbers the steps in the notes when the plan is part of a plan for several
    opioids.
    """
    info = _taper_drug(drug)
    _inputs_check(
        drug=info, daily_dose=daily_dose, target_daily_dose=target_daily_dose, settings=settings
    )
    steps_data = dose_steps_table().get(drug) if settings.round_doses else None
    practical = dose_steps_table().get(drug)
    if settings.shape == TaperShape.PROPORTIONAL and practical is None:
        raise TaperPlanError(
            {"shape": [PROPORTIONAL_NO_STEPS_ERROR.format(name=info.name.lower())]}
        )
    with localcontext() as ctx:
        ctx.prec = 50
        start, target = decimal_of(daily_dose), decimal_of(target_daily_dose)
        cut = start * decimal_of(settings.reduction_percent) / 100
        rounder, patch_doses = dose_rounder(steps_data, start=start)
        doses, cuts, shape_notes = _shaped_doses(
            info,
            settings,
            start=start,
            target=target,
            cut=cut,
            rounder=rounder,
            practical=practical,
            step_offset=step_offset,
        )
        when = step_dates(settings, count=len(doses))
        factor = None if info.mme_factor is None else decimal_of(info.mme_factor)
        steps = []
        for number, (dose, day) in enumerate(zip(doses, when.dates, strict=True), start=1):
            mme = None if factor is None else (dose * factor).quantize(CENT, ROUND_HALF_UP)
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
                    pause_intervals=when.extra.get(number, 0),
                )
            )
        per_step = float(cut.quantize(CENT, ROUND_HALF_UP))
        notes = taper_notes(
            info,
            settings,
            interval=when.interval_weeks,
            largest_cut_percent=float(max(cuts) / start * 100),
            steps_data=steps_data,
        )
        if rounder is not None:
            # Right after "a suggestion to adjust": what rounding costs is what to check first.
            costs = rounding_cost_notes(
                info, doses, start=start, cuts=cuts, steps=steps_data, step_offset=step_offset
            )
            notes = (notes[0], *costs, *notes[1:])
        notes = (notes[0], *shape_notes, *notes[1:])
        if settings.weekdays_only:
            notes += weekend_notes(chosen=settings.start_date, start=when.start_date)
    return TaperPlan.dated(
        when,
        settings,
        drug=drug,
        drug_name=info.name,
        unit=info.unit,
        factor=info.mme_factor,
        start_dose=float(start),
        target_daily_dose=float(target),
        reduction_per_step=per_step,
        rounded=rounder is not None,
        steps=tuple(steps),
        notes=notes,
    )


def _too_many_steps(count: int) -> TaperPlanError:
    message = TOO_MANY_STEPS_ERROR.format(steps=count, max=MAX_STEPS)
    return TaperPlanError({"reduction_percent": [message]})


def _shaped_doses(
    drug: Drug,
    settings: TaperSettings,
    *,
    start: Decimal,
    target: Decimal,
    cut: Decimal,
    rounder,
    practical: DoseSteps | None,
    step_offset: int,
) -> tuple[list[Decimal], list[Decimal], tuple[str, ...]]:
    """Return (doses, each step's chosen cut, notes on the shape) for the settings' shape."""
    reduction_percent = settings.reduction_percent
    if settings.shape == TaperShape.PROPORTIONAL:
        doses, cuts, floor_from = proportional_doses(
            start=start,
            target=target,
            fraction=decimal_of(reduction_percent) / 100,
            smallest=practical.smallest,
            leftover_max=leftover_max_for(practical.smallest),
            quantum=quantum_for(practical.smallest),
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
