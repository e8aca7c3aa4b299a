"""Practical dose steps per drug (fixtures/dose_steps.json), and the doses patches can make."""

import json
from decimal import Decimal
from functools import cache, lru_cache

from patients.opioids.plan_types import (
    CENT,
    DOSE_STEPS_FILE,
    DoseStepKind,
    DoseSteps,
    decimal_of,
    number_display,
)
from recommendations.rules.drugs import drug_table

# --- Practical dose steps --------------------------------------------------------------------


@cache
def dose_steps_table() -> dict[str, DoseSteps]:
    """Return the practical dose steps by drug code, read once from fixtures/dose_steps.json."""
    data = json.loads(DOSE_STEPS_FILE.read_text(encoding="utf-8"))
    table = {}
    for item in data["drugs"]:
        strengths = item.get("strengths", ())
        rates = tuple(decimal_of(s["rate"]) for s in strengths)
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
            and all(s > 0 and s == s.quantize(CENT) for s in steps.strengths)
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


class PatchDoses:
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
def patch_doses_table(strengths: tuple[Decimal, ...], max_patches: int) -> PatchDoses:
    return PatchDoses(strengths, max_patches)
