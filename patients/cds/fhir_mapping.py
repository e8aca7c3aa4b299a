"""FHIR R4 resources from a record system -> intake data in the API's shape. Pure, no ORM.

The tables that say what a code means are data (fixtures/fhir_mapping.json), each row with
its source. What the record does not tell is reported, never guessed: a missing birth date
leaves the age unknown, a condition without an onset date leaves the duration unknown, and a
medication whose daily dose cannot be worked out from its dosage is listed as such, and is
handed to the evaluator as a current drug with daily_dose None (RecordIntakeData): its dose is
never guessed, and the evaluator states the morphine equivalent as a lower bound.

Input that is not well-formed FHIR raises FhirError naming the resource and the field, so the
endpoint can answer 400 instead of failing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from patients.cds.fhir_findings import ConditionFinding, MedicationFinding, Record, SiteFinding
from patients.cds.fhir_medications import medication_finding
from patients.cds.fhir_tables import condition_rule
from patients.cds.fhir_values import (
    EXCLUDED_VERIFICATION_STATUS,
    FUTURE_BIRTH_DATE_ERROR,
    INACTIVE_CLINICAL_STATUS,
    PATIENT_ID_ERROR,
    PREFETCH_CONDITIONS,
    PREFETCH_NOT_AN_OBJECT_ERROR,
    PREFETCH_PATIENT,
    PREFETCH_REQUESTS,
    PREFETCH_STATEMENTS,
    RESOURCE_TYPE_ERROR,
    FhirError,
    ReadContext,
    bundle_resources,
    codings_read,
    fhir_date,
    fhir_date_latest,
    field_get,
    resource_label,
    status_code_read,
    subject_check,
)
from recommendations.intake_input import (
    AGE_MAX,
    RecordIntakeData,
)
from recommendations.rules.drugs import drug_table


def _patient(resource: Any, ctx: ReadContext) -> tuple[int | None, str]:
    path = f"prefetch.{PREFETCH_PATIENT}"
    if resource is None:
        return None, "alder ukendt (journalen sendte ingen patient)"
    if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
        got = (
            resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
        )
        raise FhirError(
            path, RESOURCE_TYPE_ERROR.format(where=path, expected="Patient", got=repr(got))
        )
    label = resource_label(resource, "Patient")
    rid = resource.get("id")
    if rid is not None and rid != ctx.patient_id:
        raise FhirError(
            f"{path}.id", PATIENT_ID_ERROR.format(resource=label, got=rid, expected=ctx.patient_id)
        )
    raw = resource.get("birthDate")
    if raw is None:
        return None, "alder ukendt (ingen fødselsdato i journalen)"
    birth = fhir_date(raw, resource=label, field_name="birthDate", path=f"{path}.birthDate")
    if birth is None:
        return None, "alder ukendt (journalen har kun fødselsår eller -måned)"
    if birth > ctx.today:
        raise FhirError(
            f"{path}.birthDate", FUTURE_BIRTH_DATE_ERROR.format(resource=label, value=raw)
        )
    age = (
        ctx.today.year - birth.year - ((ctx.today.month, ctx.today.day) < (birth.month, birth.day))
    )
    if age > AGE_MAX:
        return None, f"alder ukendt (fødselsdatoen giver {age} år)"
    return age, ""


def _onset(resource: dict, *, label: str, path: str) -> tuple[date | None, str, date | None]:
    """Return the onset date, why it is unknown, and the last day a year or month onset means."""
    if "onsetDateTime" in resource:
        raw, field_name = resource["onsetDateTime"], "onsetDateTime"
    else:
        period = field_get(resource, "onsetPeriod", dict, resource=label, path=path)
        if not period or "start" not in period:
            if any(key in resource for key in ("onsetAge", "onsetRange", "onsetString")):
                return None, "debut ikke angivet som dato", None
            return None, "ingen debutdato", None
        raw, field_name = period["start"], "onsetPeriod.start"
    value = fhir_date(raw, resource=label, field_name=field_name, path=f"{path}.{field_name}")
    if value is not None:
        return value, "", None
    return None, "debut kun angivet som år eller måned", fhir_date_latest(raw)


def _conditions(bundle: Any, ctx: ReadContext) -> list[ConditionFinding]:
    findings = []
    for resource, path in bundle_resources(bundle, key=PREFETCH_CONDITIONS, ctx=ctx):
        if resource.get("resourceType") != "Condition":
            continue  # OperationOutcome warnings and included resources
        label = resource_label(resource, "Condition")
        subject_check(resource, "subject", label=label, path=path, ctx=ctx)
        clinical = status_code_read(resource, "clinicalStatus", label=label, path=path)
        verification = status_code_read(resource, "verificationStatus", label=label, path=path)
        if clinical in INACTIVE_CLINICAL_STATUS or verification in EXCLUDED_VERIFICATION_STATUS:
            continue
        codings = codings_read(
            resource.get("code"), resource=label, field_name="code", path=f"{path}.code"
        )
        rules = []
        for coding in codings:
            if not coding.get("system") or not coding.get("code"):
                continue
            rule = condition_rule(coding["system"], coding["code"])
            if rule is not None and rule not in [r for r, _ in rules]:
                rules.append((rule, coding))
        if not rules:
            continue
        onset, onset_note, onset_latest = _onset(resource, label=label, path=path)
        for rule, coding in rules:
            findings.append(
                ConditionFinding(
                    resource=label,
                    code=coding["code"],
                    display=coding.get("display") or rule.display,
                    rule=rule,
                    onset=onset,
                    onset_note=onset_note,
                    onset_latest=onset_latest,
                )
            )
    return findings


NAMED_ORDERS_MAX = 5  # orders of one drug named in its note; the rest are counted


def _one_per_drug(findings: list[MedicationFinding]) -> list[MedicationFinding]:
    """Return one finding per intake drug; a drug with several current orders or statements
    has an unknown daily dose.

    Two orders for the same drug may be an old and a renewed prescription (adding them up
    doubles the dose) or two doses meant to be taken together (a morning and an evening
    order): the record does not say which, so the doses are never added up. The same resource
    referenced twice is one order.
    """
    groups: dict[str, list[MedicationFinding]] = {}
    for index, finding in enumerate(findings):
        key = finding.rule.drug or f"{finding.resource} {index}"  # red-flag drugs: each its own
        group = groups.setdefault(key, [])
        if "/" in finding.resource and any(f.resource == finding.resource for f in group):
            continue
        group.append(finding)
    result = []
    for group in groups.values():
        if len(group) == 1:
            result.append(group[0])
            continue
        name = drug_table()[group[0].rule.drug].name.lower()
        resources = ", ".join(f.resource for f in group[:NAMED_ORDERS_MAX])
        if len(group) > NAMED_ORDERS_MAX:
            resources += f" og {len(group) - NAMED_ORDERS_MAX} flere"
        starts = [f.taken_since for f in group if f.taken_since]
        result.append(
            replace(
                group[0],
                daily_dose=None,
                dose_note=(
                    f"flere aktuelle ordinationer af {name}: {resources}; "
                    "døgndosis ikke lagt sammen"
                ),
                taken_since=min(starts) if starts else None,
            )
        )
    return result


def _medications(
    statements: Any, requests: Any, ctx: ReadContext
) -> tuple[list[MedicationFinding], list[str]]:
    found: dict[str, list[MedicationFinding]] = {}
    notes: list[str] = []
    for kind, bundle, key in (
        ("MedicationStatement", statements, PREFETCH_STATEMENTS),
        ("MedicationRequest", requests, PREFETCH_REQUESTS),
    ):
        for resource, path in bundle_resources(bundle, key=key, ctx=ctx):
            if resource.get("resourceType") != kind:
                continue
            result = medication_finding(resource, kind=kind, path=path, ctx=ctx)
            if isinstance(result, str):
                notes.append(result)
            elif result is not None:
                found.setdefault(kind, []).append(result)
    # What the patient takes (MedicationStatement) wins over the orders for the same drug, which
    # usually describe the same thing: counting both would double the dose.
    statements_found = found.get("MedicationStatement", [])
    taken = {m.rule.drug or m.atc for m in statements_found}
    orders = [m for m in found.get("MedicationRequest", []) if (m.rule.drug or m.atc) not in taken]
    return _one_per_drug(statements_found + orders), notes


def record_read(*, prefetch: Any, patient_id: str, today: date) -> Record:
    """Return what the prefetched FHIR says about the patient; raise FhirError if malformed."""
    if not isinstance(prefetch, dict):
        raise FhirError("prefetch", PREFETCH_NOT_AN_OBJECT_ERROR)
    ctx = ReadContext(today=today, patient_id=patient_id)
    age, age_note = _patient(prefetch.get(PREFETCH_PATIENT), ctx)
    conditions = _conditions(prefetch.get(PREFETCH_CONDITIONS), ctx)
    medications, notes = _medications(
        prefetch.get(PREFETCH_STATEMENTS), prefetch.get(PREFETCH_REQUESTS), ctx
    )
    return Record(
        today=today,
        age=age,
        age_note=age_note,
        conditions=tuple(conditions),
        medications=tuple(medications),
        notes=tuple(notes),
    )


# --- From a record to intakes --------------------------------------------------------------

REQUIRED_SHORT = {
    "age": "alder ukendt",
    "pain_site": "smertelokalisation ukendt",
    "pain_duration_weeks": "varighed ukendt",
}


@dataclass(frozen=True)
class IntakeDraft:
    """One intake the record supports: complete when age, site and duration are known."""

    site: SiteFinding | None
    data: RecordIntakeData  # the intake's fields; a medication's daily_dose None if unknown
    missing: tuple[str, ...]  # short Danish, e.g. "varighed ukendt"
    notes: tuple[str, ...]  # why, and other gaps (unknown doses, ...)
    prefill_medications: tuple[dict, ...]  # every recognised drug, dose None when unknown

    @property
    def complete(self) -> bool:
        return not self.missing


def record_drafts(record: Record) -> list[IntakeDraft]:
    """Return one intake draft per pain site in the record (one without a site if none)."""
    sites: Iterable[SiteFinding | None] = record.sites or [None]
    return [_draft(record, site) for site in sites]


# Gaps listed per draft (on its cards and in its pre-fill link); a record with hundreds of
# unrecognised drugs gets the first ones and a count, not a card of hundreds of kilobytes.
NOTES_MAX = 12
MORE_NOTES = "{count} yderligere forhold i journalen er ikke vist her"


def _bounded_notes(notes: list[str]) -> tuple[str, ...]:
    """Return the distinct notes, at most NOTES_MAX, the last one counting those left out."""
    unique = list(dict.fromkeys(notes))
    if len(unique) <= NOTES_MAX:
        return tuple(unique)
    shown = unique[: NOTES_MAX - 1]
    return (*shown, MORE_NOTES.format(count=len(unique) - len(shown)))


def _draft(record: Record, site: SiteFinding | None) -> IntakeDraft:
    data = RecordIntakeData()
    notes: list[str] = []
    if record.age is not None:
        data["age"] = record.age
    else:
        notes.append(record.age_note)
    if site is not None:
        data["pain_site"] = site.site
        if site.duration_weeks is not None:
            data["pain_duration_weeks"] = site.duration_weeks
            if site.duration_at_least:
                notes.append(f"præcis varighed ukendt ({site.duration_note})")
        else:
            notes.append(f"varighed ukendt ({site.duration_note})")
    else:
        notes.append(
            "smertelokalisation ukendt (ingen diagnose i journalen angiver, hvor smerterne sidder)"
        )
    data["radicular_signs"] = bool(record.radicular_signs)
    data["neuropathic_pain"] = bool(record.neuropathic_pain)
    data["red_flags"] = sorted(record.red_flags)
    medications = []
    for med in record.drugs:
        # A drug whose dose we cannot work out is still a current medication: it makes the
        # recommendations about it apply and is warned about when advised against. Its dose
        # goes over as unknown (None), never guessed; the evaluator leaves it out of the MME.
        if med.daily_dose is None:
            notes.append(
                f"døgndosis for {med.label} ukendt ({med.dose_note}); lægemidlet indgår i "
                "vurderingen, men ikke i morfinækvivalenten"
            )
        medications.append({"drug": med.rule.drug, "daily_dose": med.daily_dose, "unit": med.unit})
    data["medications"] = medications
    if any(drug_table()[m["drug"]].is_opioid for m in medications):
        months = record.opioid_treatment_months
        if months is not None:
            data["opioid_treatment_months"] = months
        else:
            notes.append("varighed af opioidbehandlingen ukendt (ingen startdato i journalen)")
    notes = _bounded_notes([*notes, *record.notes])
    missing = tuple(short for key, short in REQUIRED_SHORT.items() if key not in data)
    prefill = tuple({"drug": m.rule.drug, "daily_dose": m.daily_dose} for m in record.drugs)
    return IntakeDraft(site, data, missing, notes, prefill)
