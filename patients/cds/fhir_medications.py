"""A record's medications and their daily dose, read from MedicationStatement/Request."""

import re
from datetime import date
from typing import Any

from patients.cds.fhir_findings import MedicationFinding
from patients.cds.fhir_tables import MedicationRule, mapping_table, medication_rule
from patients.cds.fhir_values import (
    CURRENT_MEDICATION_STATUS,
    FHIR_TIME,
    OPIOID_ATC_PREFIXES,
    ORDER_INTENTS,
    TIME_ERROR,
    FhirError,
    ReadContext,
    codings_read,
    fhir_date,
    field_get,
    number_read,
    resource_label,
    subject_check,
    typed_value,
)
from recommendations.intake_input import (
    DOSE_MAX,
    PATCH_DOSE_MAX,
)
from recommendations.rules.drugs import drug_table

# --- Medications and their daily dose ------------------------------------------------------


class _Unknown(Exception):
    """The daily dose cannot be worked out; the message says why (Danish)."""


def _quantity(qty: Any, *, label: str, field_name: str, path: str) -> tuple[float, str]:
    qty = typed_value(qty, dict, resource=label, field_name=field_name, path=path)
    if "value" not in qty:
        raise _Unknown("dosis uden tal")
    value = number_read(
        qty["value"], resource=label, field_name=f"{field_name}.value", path=f"{path}.value"
    )
    for key in ("unit", "code", "system"):
        field_get(qty, key, str, resource=label, path=path, where=field_name)
    table = mapping_table()
    unit = qty.get("code") if qty.get("system") in table.ucum_uris else None
    return value, (unit or qty.get("unit") or "").strip()


def _strength_mg_per_unit(medication: dict | None, dose_unit: str, *, label: str) -> float:
    """Return mg of the active ingredient per dose unit (e.g. per tablet), from Medication."""
    if not medication:
        raise _Unknown(f"dosis i {dose_unit or 'ukendt enhed'!r} og ingen styrke i journalen")
    ingredients = medication.get("ingredient")
    ingredients = (
        [i for i in ingredients if isinstance(i, dict)] if isinstance(ingredients, list) else []
    )
    active = [i for i in ingredients if i.get("isActive") is not False]
    if len(active) != 1 or not isinstance(active[0].get("strength"), dict):
        raise _Unknown("styrken pr. enhed kan ikke aflæses")
    strength = active[0]["strength"]
    numerator, denominator = strength.get("numerator"), strength.get("denominator")
    if not isinstance(numerator, dict) or not isinstance(denominator, dict):
        raise _Unknown("styrken pr. enhed kan ikke aflæses")
    amount, amount_unit = _quantity(
        numerator, label=label, field_name="ingredient.strength.numerator", path="medication"
    )
    per, per_unit = _quantity(
        denominator, label=label, field_name="ingredient.strength.denominator", path="medication"
    )
    factor = mapping_table().mass_mg.get(amount_unit)
    if factor is None or per == 0 or per_unit.lower() != dose_unit.lower():
        raise _Unknown("styrken passer ikke til dosisenheden")
    return amount * factor / per


def _dose_amount(
    dosage: dict, rule: MedicationRule, medication: dict | None, *, label: str, path: str
) -> float:
    """Return one dose in mg (or the patch rate in mcg/h)."""
    entries = (
        field_get(dosage, "doseAndRate", list, resource=label, path=path, where="dosage") or []
    )
    for index, entry in enumerate(entries):
        typed_value(
            entry,
            dict,
            resource=label,
            field_name=f"dosage.doseAndRate[{index}]",
            path=f"{path}.doseAndRate[{index}]",
        )
    amounts = [e for e in entries if set(e) - {"type"}]
    if not amounts:
        raise _Unknown("ingen dosis angivet")
    if len(amounts) > 1:
        raise _Unknown("flere dosisangivelser")
    entry = amounts[0]
    if "doseRange" in entry or "rateRange" in entry or "rateRatio" in entry:
        raise _Unknown("dosis angivet som interval")
    key = "doseQuantity" if "doseQuantity" in entry else "rateQuantity"
    if key not in entry:
        raise _Unknown("dosis kan ikke aflæses")
    value, unit = _quantity(
        entry[key], label=label, field_name=f"dosage.doseAndRate.{key}", path=f"{path}.doseAndRate"
    )
    table = mapping_table()
    if rule.patch:
        factor = table.rate_mcg_per_hour.get(unit)
        if factor is None:
            raise _Unknown("kun depotplaster med dosis i mikrogram/time kan regnes med")
        return value * factor
    if key == "rateQuantity":
        raise _Unknown("dosis angivet som hastighed")
    if unit in table.mass_mg:
        return value * table.mass_mg[unit]
    return value * _strength_mg_per_unit(medication, unit, label=label)


def _check_texts(
    values: list, *, resource: str, field_name: str, path: str, pattern: re.Pattern | None = None
) -> None:
    """Raise FhirError unless every item is a text (matching `pattern`, if given)."""
    for index, value in enumerate(values):
        where, at = f"{field_name}[{index}]", f"{path}[{index}]"
        typed_value(value, str, resource=resource, field_name=where, path=at)
        if pattern is not None and not pattern.fullmatch(value):
            raise FhirError(at, TIME_ERROR.format(resource=resource, field=where, value=value))


def _per_day(timing: Any, *, label: str, path: str) -> float:
    """Return how many doses a day a Timing gives."""
    if timing is None:
        raise _Unknown("ingen doseringstidspunkter")
    timing = typed_value(timing, dict, resource=label, field_name="dosage.timing", path=path)
    table = mapping_table()
    repeat = (
        field_get(timing, "repeat", dict, resource=label, path=path, where="dosage.timing") or {}
    )
    where = "dosage.timing.repeat"
    rpath = f"{path}.repeat"
    # FHIR primitives are checked where they are read: a list where a code belongs is
    # malformed FHIR (400), not a dose we cannot work out.
    period_unit = field_get(repeat, "periodUnit", str, resource=label, path=rpath, where=where)
    week_days = field_get(repeat, "dayOfWeek", list, resource=label, path=rpath, where=where)
    when = field_get(repeat, "when", list, resource=label, path=rpath, where=where) or []
    time_of_day = (
        field_get(repeat, "timeOfDay", list, resource=label, path=rpath, where=where) or []
    )
    _check_texts(when, resource=label, field_name=f"{where}.when", path=f"{rpath}.when")
    _check_texts(
        time_of_day,
        resource=label,
        field_name=f"{where}.timeOfDay",
        path=f"{rpath}.timeOfDay",
        pattern=FHIR_TIME,
    )
    if "frequencyMax" in repeat or "periodMax" in repeat:
        raise _Unknown("dosering angivet som interval")
    if week_days:
        raise _Unknown("dosering på bestemte ugedage")
    period = repeat.get("period")
    frequency = repeat.get("frequency")
    if frequency is not None:
        frequency = number_read(
            frequency, resource=label, field_name=f"{where}.frequency", path=f"{rpath}.frequency"
        )
    if period is not None:
        period = number_read(
            period, resource=label, field_name=f"{where}.period", path=f"{rpath}.period"
        )
        days = table.period_days.get(period_unit)
        if days is None or period == 0:
            raise _Unknown(f"periode i {period_unit!r} kan ikke omregnes til døgn")
        # FHIR R4 Timing: without a frequency the event occurs once per period.
        return (1 if frequency is None else frequency) / (period * days)
    times = [*when, *time_of_day]
    if times and frequency is None:
        return float(len(times))
    if frequency is None:
        codings = codings_read(
            timing.get("code"), resource=label, field_name="dosage.timing.code", path=path
        )
        for coding in codings:
            if (
                coding.get("system") == table.timing_system
                and coding.get("code") in table.timing_per_day
            ):
                return float(table.timing_per_day[coding["code"]])
    raise _Unknown("doseringstidspunkter kan ikke aflæses")


def _daily_dose(
    dosages: list, rule: MedicationRule, medication: dict | None, *, label: str, path: str
) -> float:
    if rule.combination:
        name = drug_table()[rule.drug].name.lower()
        raise _Unknown(f"kombinationspræparat: dosis af {name} kan ikke udledes")
    if not dosages:
        raise _Unknown("ingen dosering i journalen")
    # Dosage lines with different sequence numbers follow one another (e.g. a titration).
    sequences = {repr(d.get("sequence")) for d in dosages if isinstance(d, dict)}
    if len(sequences) > 1:
        raise _Unknown("trinvis dosering")
    total = 0.0
    for index, dosage in enumerate(dosages):
        dpath = f"{path}[{index}]"
        dosage = typed_value(
            dosage, dict, resource=label, field_name=f"dosage[{index}]", path=dpath
        )
        as_needed = field_get(
            dosage, "asNeededBoolean", bool, resource=label, path=dpath, where=f"dosage[{index}]"
        )
        if as_needed or "asNeededCodeableConcept" in dosage:
            raise _Unknown("efter behov")
        amount = _dose_amount(dosage, rule, medication, label=label, path=dpath)
        if rule.patch:
            total += amount  # a patch's dose is its rate; it is worn, not taken per day
        else:
            total += amount * _per_day(dosage.get("timing"), label=label, path=f"{dpath}.timing")
    total = round(total, 3)
    if total <= 0:
        raise _Unknown("dosis 0")
    if total > (PATCH_DOSE_MAX if rule.patch else DOSE_MAX):
        raise _Unknown("udregnet døgndosis er urimeligt stor")
    return total


def _medication_resource(resource: dict, *, ctx: ReadContext, label: str, path: str) -> dict | None:
    reference = field_get(resource, "medicationReference", dict, resource=label, path=path)
    if not reference:
        return None
    ref = field_get(
        reference,
        "reference",
        str,
        resource=label,
        path=f"{path}.medicationReference",
        where="medicationReference",
    )
    if not ref:
        return None
    if ref.startswith("#"):
        return ctx.contained.get(ref[1:])
    return ctx.included.get(ref) or ctx.included.get(ref.split("/_history")[0])


def medication_finding(
    resource: dict, *, kind: str, path: str, ctx: ReadContext
) -> MedicationFinding | str | None:
    """Return the finding for one medication resource, a note if it is not recognised, or None."""
    label = resource_label(resource, kind)
    contained = field_get(resource, "contained", list, resource=label, path=path) or []
    ctx.contained = {
        c["id"]: c for c in contained if isinstance(c, dict) and isinstance(c.get("id"), str)
    }
    subject_check(resource, "subject", label=label, path=path, ctx=ctx)
    status = field_get(resource, "status", str, resource=label, path=path)
    if status is not None and status not in CURRENT_MEDICATION_STATUS:
        return None
    medication = _medication_resource(resource, ctx=ctx, label=label, path=path)
    codings = codings_read(
        resource.get("medicationCodeableConcept"),
        resource=label,
        field_name="medicationCodeableConcept",
        path=f"{path}.medicationCodeableConcept",
    )
    if medication is not None:
        codings += codings_read(
            medication.get("code"),
            resource=label,
            field_name="medication.code",
            path=f"{path}.medicationReference",
        )
    table = mapping_table()
    atc_codings = [
        c
        for c in codings
        if table.systems.get(c.get("system", ""), ("",))[0] == "atc" and c.get("code")
    ]
    if not atc_codings:
        concept = resource.get("medicationCodeableConcept") or (medication or {}).get("code") or {}
        text = concept.get("text") if isinstance(concept, dict) else None
        names = [c.get("display") for c in codings if c.get("display")]
        name = text or (names[0] if names else label)
        return f"{name}: ingen ATC-kode, kan ikke genkendes"
    atc = atc_codings[0]["code"].strip().upper()
    rule = medication_rule(atc)
    if rule is None:
        if atc.startswith(OPIOID_ATC_PREFIXES):
            name = atc_codings[0].get("display") or atc
            return f"{name} ({atc}): opioid, som nkr ikke kender, og som ikke indgår i vurderingen"
        return None
    name = drug_table()[rule.drug].name if rule.drug else rule.display
    if kind == "MedicationRequest":
        intent = field_get(resource, "intent", str, resource=label, path=path)
        if intent not in ORDER_INTENTS:
            # A proposal or a plan is not an order: the patient may never have got the drug.
            what = f"intent {intent!r}" if intent else "ingen intent"
            return (
                f"{name} ({atc}), {label}: {what} er ikke en ordination; indgår ikke i vurderingen"
            )
    if kind == "MedicationStatement":
        dosages = field_get(resource, "dosage", list, resource=label, path=path) or []
        since = _medication_start_statement(resource, label=label, path=path)
    else:
        dosages = field_get(resource, "dosageInstruction", list, resource=label, path=path) or []
        since = None
        if "authoredOn" in resource:
            since = fhir_date(
                resource["authoredOn"],
                resource=label,
                field_name="authoredOn",
                path=f"{path}.authoredOn",
            )
    dose_key = "dosage" if kind == "MedicationStatement" else "dosageInstruction"
    ended = _dosage_ends(dosages, label=label, path=f"{path}.{dose_key}", today=ctx.today)
    if dosages and len(ended) == len(dosages):
        return (
            f"{name} ({atc}), {label}: doseringen sluttede {max(ended):%d.%m.%Y}; "
            "ikke aktuel medicin, indgår ikke i vurderingen"
        )
    unit = "mcg/h" if rule.patch else "mg"
    if ended:
        # Some dosage lines have ended, others not: which dose is current is not for us to say.
        note = f"en af doseringerne sluttede {max(ended):%d.%m.%Y}"
        return MedicationFinding(label, atc, name, rule, None, unit, note, since)
    if rule.drug is None:
        return MedicationFinding(label, atc, name, rule, unit=unit, taken_since=since)
    try:
        dose = _daily_dose(dosages, rule, medication, label=label, path=f"{path}.{dose_key}")
    except _Unknown as unknown:
        return MedicationFinding(label, atc, name, rule, None, unit, str(unknown), since)
    return MedicationFinding(label, atc, name, rule, dose, unit, "", since)


def _dosage_ends(dosages: list, *, label: str, path: str, today: date) -> list[date]:
    """Return the end dates before today of the dosage lines whose Timing.repeat.boundsPeriod
    has ended (FHIR R4 Timing: the bounds of the schedule)."""
    ended = []
    for index, dosage in enumerate(dosages):
        if not isinstance(dosage, dict):
            continue  # the dose reader names it as malformed
        dpath = f"{path}[{index}].timing"
        where = f"dosage[{index}].timing"
        timing = field_get(dosage, "timing", dict, resource=label, path=f"{path}[{index}]") or {}
        repeat = field_get(timing, "repeat", dict, resource=label, path=dpath, where=where) or {}
        rpath, where = f"{dpath}.repeat", f"{where}.repeat"
        bounds = field_get(repeat, "boundsPeriod", dict, resource=label, path=rpath, where=where)
        if not bounds or "end" not in bounds:
            continue
        end = fhir_date(
            bounds["end"],
            resource=label,
            field_name=f"{where}.boundsPeriod.end",
            path=f"{rpath}.boundsPeriod.end",
        )
        if end is not None and end < today:
            ended.append(end)
    return ended


def _medication_start_statement(resource: dict, *, label: str, path: str) -> date | None:
    if "effectiveDateTime" in resource:
        return fhir_date(
            resource["effectiveDateTime"],
            resource=label,
            field_name="effectiveDateTime",
            path=f"{path}.effectiveDateTime",
        )
    period = field_get(resource, "effectivePeriod", dict, resource=label, path=path)
    if period and "start" in period:
        return fhir_date(
            period["start"],
            resource=label,
            field_name="effectivePeriod.start",
            path=f"{path}.effectivePeriod.start",
        )
    return None
