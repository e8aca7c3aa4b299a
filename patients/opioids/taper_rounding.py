"""How a plan rounds its doses to practical steps, and the notes that tell the reader so."""

import math
from decimal import ROUND_CEILING, Decimal

from patients.opioids.dose_steps import dose_steps_source, patch_doses_table
from patients.opioids.plan_types import (
    BUPRENORPHINE_TAPER_NOTE,
    LARGER_CUT_ITEM,
    LONG_USE_MONTHS,
    PACE_FASTER_LONG_USE_NOTE,
    PACE_FASTER_SHORT_USE_NOTE,
    PACE_LONG_USE_PERCENT_PER_WEEK,
    PACE_NOTE,
    PACE_SHORT_USE_PERCENT_PER_WEEK,
    PLAN_SUGGESTION_NOTE,
    ROUNDING_HOLD_NOTE,
    ROUNDING_LARGER_CUT_NOTE,
    ROUNDING_LARGER_CUT_SHRINKING_NOTE,
    ROUNDING_MULTIPLE_NOTE,
    ROUNDING_NONE_NOTE,
    ROUNDING_PATCH_NOTE,
    DoseStepKind,
    DoseSteps,
    TaperSettings,
    decimal_of,
    number_display,
)
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, Drug


def quantum_for(cut: Decimal) -> Decimal:
    """Hundredths of a mg (or mcg/h), finer only for a cut too small for them to show."""
    return Decimal(1).scaleb(min(-2, cut.adjusted() - 2))


def leftover_max_for(cut: Decimal) -> Decimal:
    """Return the largest leftover that joins the last step instead of being a step of its own.

    A leftover within the plan's resolution (33.3333333 mg at 33.3333 %) is float noise, and
    one under a hundredth of the chosen cut (0.01 mcg/h after ten cuts of 11.22) is no step a
    patient could take: either would be four weeks on a dose a hair below the one before.
    """
    return max(quantum_for(cut), cut / 100)


def cut_exceeds(actual: Decimal | float, chosen: Decimal | float) -> bool:
    """Return whether a step's cut is larger than the chosen cut beyond the plan's resolution.

    Rounding each dose up to hundredths can add a hundredth to a cut, and the last step takes
    a leftover of up to `leftover_max_for` more.
    """
    actual, chosen = decimal_of(actual), decimal_of(chosen)
    return actual > chosen + quantum_for(chosen) + leftover_max_for(chosen)


def rounding_cost_notes(
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


def dose_rounder(steps_data: DoseSteps | None, *, start: Decimal):
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
    patch_doses = patch_doses_table(steps_data.strengths, max(steps_data.max_patches, needed))
    return patch_doses.round_up, patch_doses


def taper_notes(
    drug: Drug,
    settings: TaperSettings,
    *,
    interval: int,
    largest_cut_percent: float,
    steps_data: DoseSteps | None,
) -> tuple[str, ...]:
    """Return a plan's notes on what it is, its pace, rounding and MME.

    The pace is the plan's largest cut (`largest_cut_percent` of the starting dose) every
    `interval` weeks: the chosen percent, or more where a proportional plan's cuts are held
    at the smallest practical step (taper_shapes.py).
    """
    notes = [PLAN_SUGGESTION_NOTE, PACE_NOTE]
    rate = largest_cut_percent / interval
    long_use = settings.treatment_months >= LONG_USE_MONTHS
    if long_use and rate > PACE_LONG_USE_PERCENT_PER_WEEK:
        notes.append(PACE_FASTER_LONG_USE_NOTE.format(rate=number_display(rate)))
    elif not long_use and rate > PACE_SHORT_USE_PERCENT_PER_WEEK:
        notes.append(PACE_FASTER_SHORT_USE_NOTE.format(rate=number_display(rate)))
    if settings.round_doses:
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
