"""Realistic FHIR R4 records and CDS Hooks calls for tests, and a record system that signs them.

Dates are relative to today in the project's time zone, the day the service computes with.
"""

import json
import time
import uuid
from datetime import date, timedelta

import jwt
from django.utils import timezone

ICD10 = "http://hl7.org/fhir/sid/icd-10"
SKS = "urn:oid:1.2.208.176.2.4"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
UCUM = "http://unitsofmeasure.org"
PATIENT_ID = "pt-1"
ISSUER = "https://ehr.example.dk/fhir"
KID = "ehr-key-1"
SERVICE_URL = "http://testserver/cds-services/nkr-pain"
FEEDBACK_URL = f"{SERVICE_URL}/feedback"


def today() -> date:
    return timezone.localdate()


def ago(*, days: int = 0, weeks: int = 0) -> str:
    return (today() - timedelta(days=days, weeks=weeks)).isoformat()


def years_ago(years: int, *, days: int = 10) -> str:
    """Return the date `years` years and `days` days ago (so the person is `years` old)."""
    now = today()
    try:
        then = now.replace(year=now.year - years)
    except ValueError:  # 29 February
        then = now.replace(year=now.year - years, day=28)
    return (then - timedelta(days=days)).isoformat()


def patient(age: int | None = 45, *, birth_date: str | None = None, pid: str = PATIENT_ID) -> dict:
    resource = {"resourceType": "Patient", "id": pid, "gender": "female"}
    if birth_date or age is not None:
        resource["birthDate"] = birth_date or years_ago(age)
    return resource


def condition(
    code: str,
    display: str,
    *,
    system: str = ICD10,
    onset: str | None = None,
    cid: str | None = None,
    clinical: str = "active",
    subject: str = f"Patient/{PATIENT_ID}",
) -> dict:
    resource = {
        "resourceType": "Condition",
        "id": cid or f"c-{code}".replace(".", ""),
        "clinicalStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                    "code": clinical,
                }
            ]
        },
        "verificationStatus": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    "code": "confirmed",
                }
            ]
        },
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                        "code": "problem-list-item",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": system, "code": code, "display": display}], "text": display},
        "subject": {"reference": subject},
    }
    if onset:
        resource["onsetDateTime"] = onset
    return resource


def dosage(
    dose: float | None,
    unit: str = "mg",
    *,
    per_day: int | None = None,
    as_needed: bool = False,
    text: str = "",
) -> dict:
    result: dict = {"text": text or f"{dose} {unit}"}
    if per_day:
        result["timing"] = {"repeat": {"frequency": per_day, "period": 1, "periodUnit": "d"}}
    if as_needed:
        result["asNeededBoolean"] = True
    if dose is not None:
        result["doseAndRate"] = [
            {
                "type": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/dose-rate-type",
                            "code": "ordered",
                        }
                    ]
                },
                "doseQuantity": {"value": dose, "unit": unit, "system": UCUM, "code": unit},
            }
        ]
    return result


def medication_statement(
    atc: str,
    display: str,
    *dosages: dict,
    since: str | None = None,
    mid: str | None = None,
    status: str = "active",
) -> dict:
    resource = {
        "resourceType": "MedicationStatement",
        "id": mid or f"ms-{atc}",
        "status": status,
        "medicationCodeableConcept": {
            "coding": [{"system": ATC, "code": atc, "display": display}],
            "text": display,
        },
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "dosage": list(dosages),
    }
    if since:
        resource["effectivePeriod"] = {"start": since}
    return resource


def medication_request(
    atc: str,
    display: str,
    *dosages: dict,
    authored: str | None = None,
    mid: str | None = None,
    intent: str = "order",
) -> dict:
    resource = {
        "resourceType": "MedicationRequest",
        "id": mid or f"mr-{atc}",
        "status": "active",
        "intent": intent,
        "medicationCodeableConcept": {"coding": [{"system": ATC, "code": atc, "display": display}]},
        "subject": {"reference": f"Patient/{PATIENT_ID}"},
        "dosageInstruction": list(dosages),
    }
    if authored:
        resource["authoredOn"] = authored
    return resource


def bundle(*resources: dict) -> dict | None:
    """Return a searchset Bundle, or None (CDS Hooks: the query found nothing)."""
    if not resources:
        return None
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [
            {
                "fullUrl": f"https://ehr.example.dk/fhir/{r['resourceType']}/{r.get('id', '')}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
    }


def hook_request(
    patient_resource: dict | None,
    conditions=(),
    statements=(),
    requests=(),
    **prefetch_overrides,
) -> dict:
    prefetch = {
        "patient": patient_resource,
        "conditions": bundle(*conditions),
        "medicationStatements": bundle(*statements),
        "medicationRequests": bundle(*requests),
    }
    prefetch.update(prefetch_overrides)
    return {
        "hook": "patient-view",
        "hookInstance": str(uuid.uuid4()),
        "fhirServer": "https://ehr.example.dk/fhir",
        "context": {"userId": "Practitioner/gp-7", "patientId": PATIENT_ID},
        "prefetch": prefetch,
    }


# --- The four patients of the issue --------------------------------------------------------


def child_with_knee_pain_on_paracetamol() -> dict:
    return hook_request(
        patient(12),
        conditions=[condition("30989003", "Knee pain", system=SNOMED, onset=ago(weeks=20))],
        statements=[
            medication_statement(
                "N02BE01",
                "Panodil 500 mg tabletter",
                dosage(500, per_day=3, text="1 tablet 3 gange dagligt"),
                since=ago(weeks=8),
            )
        ],
    )


def adult_with_low_back_pain_for_three_weeks() -> dict:
    return hook_request(
        patient(45),
        conditions=[condition("M54.5", "Lænderygsmerter", onset=ago(weeks=3))],
    )


def adult_with_fibromyalgia_on_oxycodone() -> dict:
    return hook_request(
        patient(52),
        conditions=[condition("M79.7", "Fibromyalgi", onset=years_ago(3))],
        statements=[
            medication_statement(
                "N02AA05",
                "Oxycodon depottabletter 10 mg",
                dosage(10, per_day=2, text="10 mg morgen og aften"),
                since=years_ago(2),
            )
        ],
    )


def patient_with_cauda_equina() -> dict:
    return hook_request(
        patient(60),
        conditions=[
            condition("DM545", "Lændesmerter", system=SKS, onset=ago(days=10)),
            condition("G83.4", "Cauda equina-syndrom", onset=ago(days=1)),
        ],
    )


# --- A record system that signs its calls --------------------------------------------------


class RecordSystem:
    """Signs CDS Hooks calls the way a record system does (CDS Hooks 2.0, ES384)."""

    def __init__(self, private_key, *, issuer: str = ISSUER, kid: str = KID):
        self.private_key = private_key
        self.issuer = issuer
        self.kid = kid

    def jwks(self) -> dict:
        public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private_key.public_key()))
        public.update(kid=self.kid, use="sig", alg="ES384")
        return {"keys": [public]}

    def token(
        self,
        *,
        aud: str = SERVICE_URL,
        key=None,
        algorithm: str = "ES384",
        headers: dict | None = None,
        **claims,
    ):
        """Return a signed token; `headers` overrides the JWT header (None drops a field)."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "sub": "ehr-client",
            "aud": aud,
            "iat": now,
            "exp": now + 300,
            "jti": str(uuid.uuid4()),
            "tenant": "region-syddanmark",
        }
        payload.update(claims)
        payload = {name: value for name, value in payload.items() if value is not None}
        header = {"kid": self.kid, "typ": "JWT", **(headers or {})}
        # PyJWT writes typ "JWT" unless it is given as None; every other None is left out.
        header = {
            name: value for name, value in header.items() if value is not None or name == "typ"
        }
        return jwt.encode(payload, key or self.private_key, algorithm=algorithm, headers=header)

    def call(self, client, body, *, url: str = SERVICE_URL, token: str | None = None, **claims):
        token = token or self.token(aud=url, **claims)
        return client.post(
            url.removeprefix("http://testserver"),
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )

    def cards(self, client, body) -> list[dict]:
        """Call the service as this record system does and return its cards (a 200 asserted)."""
        response = self.call(client, body)
        assert response.status_code == 200, response.content
        return response.json()["cards"]


def card_for(cards: list[dict], guideline_title_start: str) -> dict:
    """Return the card whose summary starts with the guideline's title."""
    return next(c for c in cards if c["summary"].startswith(guideline_title_start))
