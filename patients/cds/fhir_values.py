"""Reading FHIR R4 values safely: the checks on types, dates, numbers and references, and
the Danish error that names the resource and field (fhir_mapping.py reads a prefetch with them).
"""

import math
import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
FHIR_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?")


class FhirError(ValueError):
    """The prefetched FHIR is malformed; `field` is where, `message` says what (Danish)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


# --- Reading the prefetch ------------------------------------------------------------------


@dataclass
class ReadContext:
    today: date
    patient_id: str
    contained: dict[str, dict] = field(default_factory=dict)
    included: dict[str, dict] = field(default_factory=dict)  # "Medication/x" -> resource


def typed_value(value: Any, expected: type, *, resource: str, field_name: str, path: str) -> Any:
    if not isinstance(value, expected):
        raise FhirError(
            path,
            FIELD_TYPE_ERROR.format(
                resource=resource, field=field_name, expected=_EXPECTED[expected]
            ),
        )
    return value


def field_get(obj: dict, key: str, expected: type, *, resource: str, path: str, where: str = ""):
    """Return obj[key] checked to be `expected`, or None when it is absent."""
    value = obj.get(key)
    if value is None:
        return None
    name = f"{where}.{key}" if where else key
    return typed_value(value, expected, resource=resource, field_name=name, path=f"{path}.{key}")


def _finite(value: int | float) -> bool:
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def number_read(value: Any, *, resource: str, field_name: str, path: str) -> float:
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


def resource_label(resource: dict, resource_type: str) -> str:
    rid = resource.get("id")
    return f"{resource_type}/{rid}" if isinstance(rid, str) and rid else resource_type


def codings_read(concept: Any, *, resource: str, field_name: str, path: str) -> list[dict]:
    if concept is None:
        return []
    concept = typed_value(concept, dict, resource=resource, field_name=field_name, path=path)
    codings = field_get(concept, "coding", list, resource=resource, path=path, where=field_name)
    result = []
    for index, coding in enumerate(codings or []):
        where = f"{field_name}.coding[{index}]"
        coding = typed_value(
            coding, dict, resource=resource, field_name=where, path=f"{path}[{index}]"
        )
        for key in ("system", "code", "display"):
            field_get(
                coding, key, str, resource=resource, path=f"{path}.coding[{index}]", where=where
            )
        result.append(coding)
    return result


def status_code_read(resource: dict, key: str, *, label: str, path: str) -> str | None:
    codings = codings_read(resource.get(key), resource=label, field_name=key, path=f"{path}.{key}")
    return next((c["code"] for c in codings if c.get("code")), None)


def subject_check(resource: dict, key: str, *, label: str, path: str, ctx: ReadContext) -> None:
    subject = field_get(resource, key, dict, resource=label, path=path)
    if not subject:
        return
    reference = field_get(
        subject, "reference", str, resource=label, path=f"{path}.{key}", where=key
    )
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


def bundle_resources(bundle: Any, *, key: str, ctx: ReadContext) -> list[tuple[dict, str]]:
    """Return (resource, path) for each entry of a searchset Bundle prefetched under `key`."""
    path = f"prefetch.{key}"
    if bundle is None:
        return []  # CDS Hooks: null means the record has nothing for this query
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        got = bundle.get("resourceType") if isinstance(bundle, dict) else type(bundle).__name__
        raise FhirError(
            path, RESOURCE_TYPE_ERROR.format(where=path, expected="Bundle", got=repr(got))
        )
    entries = field_get(bundle, "entry", list, resource="Bundle", path=path) or []
    if len(entries) > MAX_BUNDLE_ENTRIES:
        raise FhirError(
            f"{path}.entry",
            TOO_MANY_ENTRIES_ERROR.format(limit=MAX_BUNDLE_ENTRIES, got=len(entries)),
        )
    resources = []
    for index, entry in enumerate(entries):
        entry_path = f"{path}.entry[{index}]"
        entry = typed_value(
            entry, dict, resource="Bundle", field_name=f"entry[{index}]", path=entry_path
        )
        resource = field_get(
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
