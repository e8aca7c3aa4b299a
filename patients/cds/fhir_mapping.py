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

import json
import math
import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from recommendations.intake_input import (
    AGE_MAX,
    DOSE_MAX,
    DURATION_MAX_WEEKS,
    OPIOID_MONTHS_MAX,
    RecordIntakeData,
)
from recommendations.numbers import danish_number
from recommendations.rules.drugs import drug_table
from recommendations.rules.facts import CHRONIC_WEEKS
from recommendations.rules.intake import PainSite

MAPPING_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "fhir_mapping.json"

# The prefetch keys of the discovery document (patients/cds.py) and what each must hold.
PREFETCH_PATIENT = "patient"
PREFETCH_CONDITIONS = "conditions"
PREFETCH_STATEMENTS = "medicationStatements"
PREFETCH_REQUESTS = "medicationRequests"

# FHIR statuses that mean "not a current problem or medication" (R4 value sets).
INACTIVE_CLINICAL_STATUS = frozenset({"inactive", "remission", "resolved"})
EXCLUDED_VERIFICATION_STATUS = frozenset({"refuted", "entered-in-error"})
CURRENT_MEDICATION_STATUS = frozenset({"active"})
# FHIR R4 value set medicationrequest-intent: only these are orders (an authorization to act);
# proposal, plan and option are not, so they are not current medication.
ORDER_INTENTS = frozenset(
    {"order", "original-order", "reflex-order", "filler-order", "instance-order"}
)
# WHO ATC N02A opioids and N07BC drugs used in opioid dependence (buprenorphine N07BC01,
# N07BC51): one we do not know must not pass silently.
OPIOID_ATC_PREFIXES = ("N02A", "N07BC")
DAYS_PER_MONTH = 365.25 / 12

# Messages: Danish, naming the resource and the field (tests import them).
PREFETCH_NOT_AN_OBJECT_ERROR = "prefetch skal være et objekt med de forudhentede FHIR-ressourcer."
RESOURCE_TYPE_ERROR = "{where}: forventede en {expected}-ressource, fik {got}."
FIELD_TYPE_ERROR = "{resource}: {field} skal være {expected}."
DATE_ERROR = "{resource}: {field} er ikke en gyldig FHIR-dato ({value!r})."
NUMBER_ERROR = "{resource}: {field} skal være et tal, ikke {value!r}."
NEGATIVE_ERROR = "{resource}: {field} må ikke være negativ ({value})."
FUTURE_BIRTH_DATE_ERROR = "{resource}: birthDate ({value}) ligger efter dags dato."
OTHER_PATIENT_ERROR = "{resource}: {field} peger på {reference}, ikke på patienten {patient}."
# A patient's active conditions or current medications are tens, not hundreds: a prefetch with
# more is not one patient's record, and would cost time and an answer of megabytes.
MAX_BUNDLE_ENTRIES = 500
TOO_MANY_ENTRIES_ERROR = (
    "Højst {limit} ressourcer pr. forudhentet søgning (fik {got}); så mange har ingen patients "
    "journal."
)
PATIENT_ID_ERROR = "{resource}: id er {got!r}, men context.patientId er {expected!r}."
TIME_ERROR = "{resource}: {field} er ikke et gyldigt FHIR-klokkeslæt ({value!r})."

_EXPECTED = {dict: "et objekt", list: "en liste", str: "en tekst", bool: "true eller false"}
_FHIR_DATE = re.compile(
    r"(?P<year>\d{4})(-(?P<month>\d{2})(-(?P<day>\d{2})"
    r"(T([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?"
)

# FHIR R4 time: hh:mm:ss within the day.
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?")


class FhirError(ValueError):
    """The prefetched FHIR is malformed; `field` is where, `message` says what (Danish)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- The mapping tables --------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRule:
    namespace: str
    code: str
    display: str
    source: str
    pain_site: str | None = None
    radicular_signs: bool = False
    neuropathic_pain: bool = False
    chronic_pain: bool = False
    red_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class MedicationRule:
    atc: str
    source: str
    drug: str | None = None
    combination: bool = False
    patch: bool = False
    red_flags: tuple[str, ...] = ()
    display: str = ""


@dataclass(frozen=True)
class MappingTable:
    systems: Mapping[str, tuple[str, str]]  # system URI -> (namespace, prefix to strip)
    conditions: Mapping[str, Mapping[str, ConditionRule]]  # namespace -> normalised code -> rule
    medications: Mapping[str, MedicationRule]  # ATC (prefix) -> rule
    mass_mg: Mapping[str, float]
    rate_mcg_per_hour: Mapping[str, float]
    timing_system: str
    timing_per_day: Mapping[str, float]
    period_days: Mapping[str, float]
    ucum_uris: frozenset[str]
    chronic_pain_min_weeks: float  # what a chronic-pain code says of the duration, at least


def _normalise(namespace: str, code: str) -> str:
    code = code.strip().upper()
    return code.replace(".", "") if namespace == "icd10" else code


@cache
def mapping_table() -> MappingTable:
    """Return the mapping tables, read once from fixtures/fhir_mapping.json."""
    data = json.loads(MAPPING_FILE.read_text(encoding="utf-8"))
    systems: dict[str, tuple[str, str]] = {}
    for name, system in data["code_systems"].items():
        # SKS diagnosis codes are ICD-10 codes with a D in front: one table serves both.
        namespace = "icd10" if name == "sks" else name
        for uri in system["uris"]:
            systems[uri] = (namespace, system.get("strip_prefix", ""))
    conditions: dict[str, dict[str, ConditionRule]] = {}
    for row in data["conditions"]:
        rule = ConditionRule(
            namespace=row["system"],
            code=row["code"],
            display=row["display"],
            source=row["source"],
            pain_site=row.get("pain_site"),
            radicular_signs=row.get("radicular_signs", False),
            neuropathic_pain=row.get("neuropathic_pain", False),
            chronic_pain=row.get("chronic_pain", False),
            red_flags=tuple(row.get("red_flags", ())),
        )
        conditions.setdefault(rule.namespace, {})[_normalise(rule.namespace, rule.code)] = rule
    medications = {
        row["atc"]: MedicationRule(
            atc=row["atc"],
            source=row["source"],
            drug=row.get("drug"),
            combination=row.get("combination", False),
            patch=row.get("patch", False),
            red_flags=tuple(row.get("red_flags", ())),
            display=row.get("display", ""),
        )
        for row in data["medications"]
    }
    units = data["dose_units"]
    return MappingTable(
        systems=systems,
        conditions=conditions,
        medications=medications,
        mass_mg=units["mass_mg"],
        rate_mcg_per_hour=units["rate_mcg_per_hour"],
        timing_system=data["timing_codes"]["system"],
        timing_per_day=data["timing_codes"]["per_day"],
        period_days=data["period_units"]["days"],
        ucum_uris=frozenset(data["code_systems"]["ucum"]["uris"]),
        chronic_pain_min_weeks=data["chronic_pain"]["minimum_weeks"],
    )


def _longest_prefix(table: Mapping[str, Any], code: str) -> Any:
    for length in range(len(code), 0, -1):
        if code[:length] in table:
            return table[code[:length]]
    return None


def condition_rule(system: str, code: str) -> ConditionRule | None:
    """Return the rule for a coded condition, or None when the code means nothing to us."""
    table = mapping_table()
    namespace, strip = table.systems.get(system, ("", ""))
    rules = table.conditions.get(namespace)
    if not rules:
        return None
    code = code.strip().upper()
    if strip:
        if not code.startswith(strip):
            return None  # an SKS code that is not a diagnosis (procedures, etc.)
        code = code[len(strip) :]
    code = _normalise(namespace, code)
    if namespace == "snomed":
        return rules.get(code)  # SNOMED CT identifiers are not hierarchical strings
    return _longest_prefix(rules, code)


def medication_rule(atc: str) -> MedicationRule | None:
    """Return the rule for an ATC code (the longest matching row), or None."""
    return _longest_prefix(mapping_table().medications, atc.strip().upper())


# --- Findings ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionFinding:
    resource: str  # "Condition/abc"
    code: str  # as the record has it, e.g. "DM545"
    display: str
    rule: ConditionRule
    onset: date | None
    onset_note: str = ""
    onset_latest: date | None = None  # an onset given as a year or month: its last day

    @property
    def label(self) -> str:
        return f"{self.display} ({self.code})"

    def weeks_at_least(self, today: date) -> tuple[float, str] | None:
        """Return weeks the pain has certainly lasted, and why, when the onset date is not
        known: from the end of an onset year or month, or from a code meaning chronic pain."""
        bounds = []
        if self.onset_latest is not None and self.onset_latest < today:
            bounds.append(
                (
                    _weeks_floor((today - self.onset_latest).days),
                    f"debut senest {self.onset_latest:%d.%m.%Y}",
                )
            )
        if self.rule.chronic_pain:
            bounds.append(
                (mapping_table().chronic_pain_min_weeks, "koden betyder kroniske smerter")
            )
        return max(bounds, default=None)


@dataclass(frozen=True)
class MedicationFinding:
    resource: str
    atc: str
    name: str
    rule: MedicationRule
    daily_dose: float | None = None
    unit: str = "mg"
    dose_note: str = ""
    taken_since: date | None = None

    @property
    def is_opioid(self) -> bool:
        return self.rule.drug is not None and drug_table()[self.rule.drug].is_opioid

    @property
    def label(self) -> str:
        return f"{self.name} ({self.atc})"


@dataclass(frozen=True)
class SiteFinding:
    site: str
    conditions: tuple[ConditionFinding, ...]
    duration_weeks: float | None
    duration_note: str = ""
    duration_at_least: bool = False  # duration_weeks is a lower bound, said as "mindst"


@dataclass(frozen=True)
class Record:
    """What the record told us, with provenance, and what it did not."""

    today: date
    age: int | None
    age_note: str
    conditions: tuple[ConditionFinding, ...]
    medications: tuple[MedicationFinding, ...]
    notes: tuple[str, ...] = ()  # record-level gaps, e.g. a medication without an ATC code

    @property
    def sites(self) -> list[SiteFinding]:
        """Return one finding per pain site in the record, in PainSite order."""
        return [
            _site_finding(site, [c for c in self.conditions if c.rule.pain_site == site], self)
            for site in PainSite.values
            if any(c.rule.pain_site == site for c in self.conditions)
        ]

    @property
    def radicular_signs(self) -> list[ConditionFinding]:
        return [c for c in self.conditions if c.rule.radicular_signs]

    @property
    def neuropathic_pain(self) -> list[ConditionFinding]:
        return [c for c in self.conditions if c.rule.neuropathic_pain]

    @property
    def red_flags(self) -> dict[str, list[ConditionFinding | MedicationFinding]]:
        """Return each red-flag code with the record entries that raised it."""
        flags: dict[str, list[ConditionFinding | MedicationFinding]] = {}
        for finding in [*self.conditions, *self.medications]:
            for code in finding.rule.red_flags:
                flags.setdefault(code, []).append(finding)
        return flags

    @property
    def drugs(self) -> list[MedicationFinding]:
        return [m for m in self.medications if m.rule.drug is not None]

    @property
    def pain_context(self) -> bool:
        """Return whether the record has anything for a pain service to speak about."""
        painful = any(
            c.rule.pain_site or c.rule.chronic_pain or c.rule.radicular_signs
            for c in self.conditions
        )
        return painful or any(m.is_opioid for m in self.medications)

    @property
    def opioid_treatment_months(self) -> float | None:
        """Return the months since the earliest record of a current opioid (a lower bound)."""
        starts = [m.taken_since for m in self.drugs if m.is_opioid and m.taken_since]
        if not starts:
            return None
        months = math.floor((self.today - min(starts)).days / DAYS_PER_MONTH * 10) / 10
        return months if 0 <= months <= OPIOID_MONTHS_MAX else None


def _weeks(days: int) -> float:
    return round(days / 7, 1)


def _weeks_floor(days: int) -> float:
    return math.floor(days / 7 * 10) / 10


def _site_finding(site: str, conditions: list[ConditionFinding], record: Record) -> SiteFinding:
    lacking = [c for c in conditions if c.onset is None]
    if lacking:
        reason = lacking[0].onset_note or "ingen debutdato"
        note = f"{lacking[0].label}: {reason} i journalen"
        if bound := _duration_lower_bound(conditions, record.today):
            weeks, why = bound
            note = f"{note}; varighed mindst {danish_number(weeks)} uger ({why})"
            return SiteFinding(site, tuple(conditions), weeks, note, duration_at_least=True)
        return SiteFinding(site, tuple(conditions), None, note)
    onset = min(c.onset for c in conditions if c.onset)
    days = (record.today - onset).days
    if days < 0:
        return SiteFinding(site, tuple(conditions), None, "debutdatoen ligger efter dags dato")
    weeks = _weeks(days)
    if weeks > DURATION_MAX_WEEKS:
        return SiteFinding(site, tuple(conditions), None, "debut for mere end 50 år siden")
    return SiteFinding(site, tuple(conditions), weeks)


def _duration_lower_bound(
    conditions: list[ConditionFinding], today: date
) -> tuple[float, str] | None:
    """Return (weeks, why) the pain has certainly lasted, when that decides the guidelines'
    12-week line (nyopståede: up to 12 weeks; langvarige: at least 12), else None.

    The pain has lasted at least as long as any of its conditions: an exact onset, the end of
    an onset year or month, or a chronic-pain code each give a lower bound. A bound of 12
    weeks or less decides nothing (the pain may be new, or not), so it stays unknown.
    """
    bounds = []
    for finding in conditions:
        if finding.onset is not None:
            bounds.append((_weeks_floor((today - finding.onset).days), f"debut {finding.label}"))
        elif bound := finding.weeks_at_least(today):
            weeks, why = bound
            bounds.append((weeks, f"{finding.label}: {why}"))
    best = max(bounds, default=None)
    if best is None or best[0] <= CHRONIC_WEEKS or best[0] > DURATION_MAX_WEEKS:
        return None
    return best


# --- Reading the prefetch ------------------------------------------------------------------


@dataclass
class _Context:
    today: date
    patient_id: str
    contained: dict[str, dict] = field(default_factory=dict)
    included: dict[str, dict] = field(default_factory=dict)  # "Medication/x" -> resource


def _typed(value: Any, expected: type, *, resource: str, field_name: str, path: str) -> Any:
    if not isinstance(value, expected):
        raise FhirError(
            path,
            FIELD_TYPE_ERROR.format(
                resource=resource, field=field_name, expected=_EXPECTED[expected]
            ),
        )
    return value


def _get(obj: dict, key: str, expected: type, *, resource: str, path: str, where: str = ""):
    """Return obj[key] checked to be `expected`, or None when it is absent."""
    value = obj.get(key)
    if value is None:
        return None
    name = f"{where}.{key}" if where else key
    return _typed(value, expected, resource=resource, field_name=name, path=f"{path}.{key}")


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _number(value: Any, *, resource: str, field_name: str, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not _finite(value):
        raise FhirError(path, NUMBER_ERROR.format(resource=resource, field=field_name, value=value))
    if value < 0:
        raise FhirError(
            path, NEGATIVE_ERROR.format(resource=resource, field=field_name, value=value)
        )
    return float(value)


def fhir_date_latest(value: str) -> date | None:
    """Return the last day a FHIR year or year-month can mean ("2019" -> 31.12.2019), or None
    for a full date. Call only on a value fhir_date has accepted."""
    match = _FHIR_DATE.fullmatch(value)
    if match is None or match["day"] is not None:
        return None
    year = int(match["year"])
    month = int(match["month"]) if match["month"] else 12
    return date(year, month, monthrange(year, month)[1])


def fhir_date(value: Any, *, resource: str, field_name: str, path: str) -> date | None:
    """Return a FHIR date/dateTime as a date, None if it gives only a year or month."""
    if not isinstance(value, str) or not (match := _FHIR_DATE.fullmatch(value)):
        raise FhirError(path, DATE_ERROR.format(resource=resource, field=field_name, value=value))
    if match["day"] is None:
        if match["month"] is not None and not 1 <= int(match["month"]) <= 12:
            raise FhirError(
                path, DATE_ERROR.format(resource=resource, field=field_name, value=value)
            )
        return None
    try:
        return date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise FhirError(
            path, DATE_ERROR.format(resource=resource, field=field_name, value=value)
        ) from None


def _label(resource: dict, resource_type: str) -> str:
    rid = resource.get("id")
    return f"{resource_type}/{rid}" if isinstance(rid, str) and rid else resource_type


def _codings(concept: Any, *, resource: str, field_name: str, path: str) -> list[dict]:
    if concept is None:
        return []
    concept = _typed(concept, dict, resource=resource, field_name=field_name, path=path)
    codings = _get(concept, "coding", list, resource=resource, path=path, where=field_name)
    result = []
    for index, coding in enumerate(codings or []):
        where = f"{field_name}.coding[{index}]"
        coding = _typed(coding, dict, resource=resource, field_name=where, path=f"{path}[{index}]")
        for key in ("system", "code", "display"):
            _get(coding, key, str, resource=resource, path=f"{path}.coding[{index}]", where=where)
        result.append(coding)
    return result


def _status_code(resource: dict, key: str, *, label: str, path: str) -> str | None:
    codings = _codings(resource.get(key), resource=label, field_name=key, path=f"{path}.{key}")
    return next((c["code"] for c in codings if c.get("code")), None)


def _check_subject(resource: dict, key: str, *, label: str, path: str, ctx: _Context) -> None:
    subject = _get(resource, key, dict, resource=label, path=path)
    if not subject:
        return
    reference = _get(subject, "reference", str, resource=label, path=f"{path}.{key}", where=key)
    if reference and "Patient/" in reference:
        # A versioned reference (Patient/pt-1/_history/3) still names the same patient.
        if not reference.split("/_history/")[0].endswith(f"Patient/{ctx.patient_id}"):
            raise FhirError(
                f"{path}.{key}.reference",
                OTHER_PATIENT_ERROR.format(
                    resource=label,
                    field=f"{key}.reference",
                    reference=reference,
                    patient=f"Patient/{ctx.patient_id}",
                ),
            )


def _bundle_resources(bundle: Any, *, key: str, ctx: _Context) -> list[tuple[dict, str]]:
    """Return (resource, path) for each entry of a searchset Bundle prefetched under `key`."""
    path = f"prefetch.{key}"
    if bundle is None:
        return []  # CDS Hooks: null means the record has nothing for this query
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        got = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise FhirError(
            path, RESOURCE_TYPE_ERROR.format(where=path, expected="Bundle", got=repr(got))
        )
    entries = _get(bundle, "entry", list, resource="Bundle", path=path) or []
    if len(entries) > MAX_BUNDLE_ENTRIES:
        raise FhirError(
            f"{path}.entry",
            TOO_MANY_ENTRIES_ERROR.format(limit=MAX_BUNDLE_ENTRIES, got=len(entries)),
        )
    resources = []
    for index, entry in enumerate(entries):
        entry_path = f"{path}.entry[{index}]"
        entry = _typed(
            entry, dict, resource="Bundle", field_name=f"entry[{index}]", path=entry_path
        )
        resource = _get(
            entry, "resource", dict, resource="Bundle", path=entry_path, where=f"entry[{index}]"
        )
        if resource is None:
            continue
        if resource.get("resourceType") == "Medication":
            for ref in (f"Medication/{resource.get('id')}", entry.get("fullUrl")):
                if isinstance(ref, str):
                    ctx.included[ref] = resource
        resources.append((resource, f"{entry_path}.resource"))
    return resources


def _patient(resource: Any, ctx: _Context) -> tuple[int | None, str]:
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
    label = _label(resource, "Patient")
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
        period = _get(resource, "onsetPeriod", dict, resource=label, path=path)
        if not period or "start" not in period:
            if any(key in resource for key in ("onsetAge", "onsetRange", "onsetString")):
                return None, "debut ikke angivet som dato", None
            return None, "ingen debutdato", None
        raw, field_name = period["start"], "onsetPeriod.start"
    value = fhir_date(raw, resource=label, field_name=field_name, path=f"{path}.{field_name}")
    if value is not None:
        return value, "", None
    return None, "debut kun angivet som år eller måned", fhir_date_latest(raw)


def _conditions(bundle: Any, ctx: _Context) -> list[ConditionFinding]:
    findings = []
    for resource, path in _bundle_resources(bundle, key=PREFETCH_CONDITIONS, ctx=ctx):
        if resource.get("resourceType") != "Condition":
            continue  # OperationOutcome warnings and included resources
        label = _label(resource, "Condition")
        _check_subject(resource, "subject", label=label, path=path, ctx=ctx)
        clinical = _status_code(resource, "clinicalStatus", label=label, path=path)
        verification = _status_code(resource, "verificationStatus", label=label, path=path)
        if clinical in INACTIVE_CLINICAL_STATUS or verification in EXCLUDED_VERIFICATION_STATUS:
            continue
        codings = _codings(
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


# --- Medications and their daily dose ------------------------------------------------------


class _Unknown(Exception):
    """The daily dose cannot be worked out; the message says why (Danish)."""


def _quantity(qty: Any, *, label: str, field_name: str, path: str) -> tuple[float, str]:
    qty = _typed(qty, dict, resource=label, field_name=field_name, path=path)
    if "value" not in qty:
        raise _Unknown("dosis uden tal")
    value = _number(
        qty["value"], resource=label, field_name=f"{field_name}.value", path=f"{path}.value"
    )
    for key in ("unit", "code", "system"):
        _get(qty, key, str, resource=label, path=path, where=field_name)
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
    entries = _get(dosage, "doseAndRate", list, resource=label, path=path, where="dosage") or []
    for index, entry in enumerate(entries):
        _typed(
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
        _typed(value, str, resource=resource, field_name=where, path=at)
        if pattern is not None and not pattern.fullmatch(value):
            raise FhirError(at, TIME_ERROR.format(resource=resource, field=where, value=value))


def _per_day(timing: Any, *, label: str, path: str) -> float:
    """Return how many doses a day a Timing gives."""
    if timing is None:
        raise _Unknown("ingen doseringstidspunkter")
    timing = _typed(timing, dict, resource=label, field_name="dosage.timing", path=path)
    table = mapping_table()
    repeat = _get(timing, "repeat", dict, resource=label, path=path, where="dosage.timing") or {}
    where = "dosage.timing.repeat"
    rpath = f"{path}.repeat"
    # FHIR primitives are checked where they are read: a list where a code belongs is
    # malformed FHIR (400), not a dose we cannot work out.
    period_unit = _get(repeat, "periodUnit", str, resource=label, path=rpath, where=where)
    week_days = _get(repeat, "dayOfWeek", list, resource=label, path=rpath, where=where)
    when = _get(repeat, "when", list, resource=label, path=rpath, where=where) or []
    time_of_day = _get(repeat, "timeOfDay", list, resource=label, path=rpath, where=where) or []
    _check_texts(when, resource=label, field_name=f"{where}.when", path=f"{rpath}.when")
    _check_texts(
        time_of_day,
        resource=label,
        field_name=f"{where}.timeOfDay",
        path=f"{rpath}.timeOfDay",
        pattern=_TIME,
    )
    if "frequencyMax" in repeat or "periodMax" in repeat:
        raise _Unknown("dosering angivet som interval")
    if week_days:
        raise _Unknown("dosering på bestemte ugedage")
    period = repeat.get("period")
    frequency = repeat.get("frequency")
    if frequency is not None:
        frequency = _number(
            frequency, resource=label, field_name=f"{where}.frequency", path=f"{rpath}.frequency"
        )
    if period is not None:
        period = _number(
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
        codings = _codings(
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
        dosage = _typed(dosage, dict, resource=label, field_name=f"dosage[{index}]", path=dpath)
        as_needed = _get(
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
    if total > DOSE_MAX:
        raise _Unknown("udregnet døgndosis er urimeligt stor")
    return total


def _medication_resource(resource: dict, *, ctx: _Context, label: str, path: str) -> dict | None:
    reference = _get(resource, "medicationReference", dict, resource=label, path=path)
    if not reference:
        return None
    ref = _get(
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


def _medication(
    resource: dict, *, kind: str, path: str, ctx: _Context
) -> MedicationFinding | str | None:
    """Return the finding for one medication resource, a note if it is not recognised, or None."""
    label = _label(resource, kind)
    contained = _get(resource, "contained", list, resource=label, path=path) or []
    ctx.contained = {
        c["id"]: c for c in contained if isinstance(c, dict) and isinstance(c.get("id"), str)
    }
    _check_subject(resource, "subject", label=label, path=path, ctx=ctx)
    status = _get(resource, "status", str, resource=label, path=path)
    if status is not None and status not in CURRENT_MEDICATION_STATUS:
        return None
    medication = _medication_resource(resource, ctx=ctx, label=label, path=path)
    codings = _codings(
        resource.get("medicationCodeableConcept"),
        resource=label,
        field_name="medicationCodeableConcept",
        path=f"{path}.medicationCodeableConcept",
    )
    if medication is not None:
        codings += _codings(
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
        intent = _get(resource, "intent", str, resource=label, path=path)
        if intent not in ORDER_INTENTS:
            # A proposal or a plan is not an order: the patient may never have got the drug.
            what = f"intent {intent!r}" if intent else "ingen intent"
            return (
                f"{name} ({atc}), {label}: {what} er ikke en ordination; indgår ikke i vurderingen"
            )
    if kind == "MedicationStatement":
        dosages = _get(resource, "dosage", list, resource=label, path=path) or []
        since = _medication_start_statement(resource, label=label, path=path)
    else:
        dosages = _get(resource, "dosageInstruction", list, resource=label, path=path) or []
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
        timing = _get(dosage, "timing", dict, resource=label, path=f"{path}[{index}]") or {}
        repeat = _get(timing, "repeat", dict, resource=label, path=dpath, where=where) or {}
        rpath, where = f"{dpath}.repeat", f"{where}.repeat"
        bounds = _get(repeat, "boundsPeriod", dict, resource=label, path=rpath, where=where)
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


def _medication_start_statement(resource: dict, *, label: str, path: str) -> date | None:
    if "effectiveDateTime" in resource:
        return fhir_date(
            resource["effectiveDateTime"],
            resource=label,
            field_name="effectiveDateTime",
            path=f"{path}.effectiveDateTime",
        )
    period = _get(resource, "effectivePeriod", dict, resource=label, path=path)
    if period and "start" in period:
        return fhir_date(
            period["start"],
            resource=label,
            field_name="effectivePeriod.start",
            path=f"{path}.effectivePeriod.start",
        )
    return None


def _medications(
    statements: Any, requests: Any, ctx: _Context
) -> tuple[list[MedicationFinding], list[str]]:
    found: dict[str, list[MedicationFinding]] = {}
    notes: list[str] = []
    for kind, bundle, key in (
        ("MedicationStatement", statements, PREFETCH_STATEMENTS),
        ("MedicationRequest", requests, PREFETCH_REQUESTS),
    ):
        for resource, path in _bundle_resources(bundle, key=key, ctx=ctx):
            if resource.get("resourceType") != kind:
                continue
            result = _medication(resource, kind=kind, path=path, ctx=ctx)
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
    ctx = _Context(today=today, patient_id=patient_id)
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
