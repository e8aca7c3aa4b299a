"""The shape of a taper (API.md "Opioid tools"): linear or proportional cuts. Pure.

Linear: every step cuts the same share of the *starting* dose (CDC 2022 and HHS 2019 describe
this), so the last cuts are large compared with the dose they cut from (60 mg at 10 %: 12 -> 6
-> 0 mg, i.e. 50 % and 100 %); the plan says so. Proportional: every step cuts the same share
of the dose *before* it, so the cuts shrink as the dose falls, down to the smallest practical
step (fixtures/dose_steps.json); from there the plan continues in that smallest step to the
target and says so.
"""

from collections.abc import Callable
from decimal import ROUND_CEILING, Decimal

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class TaperShape(TextChoices):
    """How the cuts of a taper are sized (API.md `shape`)."""

    LINEAR = "linear", _("Lige store trin (andel af startdosis)")
    PROPORTIONAL = "proportional", _("Aftagende trin (andel af dosis før)")


LINEAR_LAST_CUTS_NOTE = (
    "Med lige store trin ({percent} % af startdosis) bliver de sidste trin store i forhold til "
    "dosis: {cuts}. Vælg aftagende trin (hvert trin skærer {percent} % af dosis før), hvis de "
    "sidste trin skal være mindre."
)
LAST_CUT_ITEM = "trin {step} fra {before} til {after} {unit} ({percent} % af dosis før)"
PROPORTIONAL_FLOOR_NOTE = (
    "Fra trin {step} ville {percent} % af dosis før være mindre end det mindste praktiske trin "
    "({smallest} {unit}); planen fortsætter derfra med trin på {smallest} {unit} til måldosis. "
    "{source}"
)
PROPORTIONAL_NO_STEPS_ERROR = _(
    "Aftagende trin kræver et mindste praktisk dosistrin, og der er ikke registreret nogen for "
    "{name}. Vælg lige store trin."
)


def proportional_doses(
    *,
    start: Decimal,
    target: Decimal,
    fraction: Decimal,
    smallest: Decimal,
    leftover_max: Decimal,
    quantum: Decimal,
    rounder: Callable[[Decimal], Decimal] | None,
    max_steps: int,
) -> tuple[list[Decimal], list[Decimal], int | None]:
    """Return (doses, each step's chosen cut, the step from which the smallest step is used).

    The ideal dose is tracked apart from the rounded one, as in the linear plan, so rounding up
    can hold a dose but never stops the plan from reaching the target. Returns more than
    `max_steps` doses only to let the caller report how many there would have been.
    """
    doses, cuts, ideal, floor_from = [start], [], start, None
    while ideal > target and len(doses) <= max_steps:
        cut = ideal * fraction
        if cut < smallest:
            cut = smallest
            floor_from = floor_from or len(doses) + 1
        ideal = max(target, ideal - cut)
        if ideal - target <= leftover_max:
            ideal = target
        dose = rounder(ideal) if rounder else ideal.quantize(quantum, rounding=ROUND_CEILING)
        doses.append(target if ideal == target else min(doses[-1], max(target, dose)))
        cuts.append(cut)
    return doses, cuts, floor_from


def linear_last_cuts(
    doses: list[Decimal], *, reduction_percent: float, step_offset: int, display, unit: str
) -> str | None:
    """Return the note naming the last two cuts as shares of the dose before, if they grew."""
    pairs = [
        (number, before, after)
        for number, (before, after) in enumerate(zip(doses, doses[1:], strict=False), start=2)
        if after < before
    ][-2:]
    if not pairs or (pairs[-1][1] - pairs[-1][2]) / pairs[-1][1] * 100 <= Decimal(
        str(reduction_percent)
    ):
        return None
    items = [
        LAST_CUT_ITEM.format(
            step=number + step_offset,
            before=display(before),
            after=display(after),
            unit=unit,
            percent=display((before - after) / before * 100),
        )
        for number, before, after in pairs
    ]
    return LINEAR_LAST_CUTS_NOTE.format(percent=display(reduction_percent), cuts=" og ".join(items))
