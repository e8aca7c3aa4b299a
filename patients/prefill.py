"""The intake form pre-filled from a record: a CDS Hooks card links here.

The link carries what the record told us in an encrypted, signed token (Fernet, with a key
derived from SECRET_KEY) that expires after PREFILL_MAX_AGE: patient facts never appear
readable in a URL, a server log or a browser history, and an old link stops working. Nothing
is stored: the page shows the form filled in, and the clinician completes and submits it.
"""

import base64
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache

from recommendations.forms import MEDICATION_ROWS_MIN
from recommendations.integration.fhir_mapping import IntakeDraft
from recommendations.numbers import danish_number

from .forms import BOOLEAN_FIELDS
from .views import intake_render

PREFILL_MAX_AGE = 60 * 60  # seconds: long enough for a consultation, short for a stray link
PREFILL_KEY_SALT = "patients.prefill"
PREFILL_EXPIRED_ERROR = (
    "Linket fra journalen er udløbet eller ugyldigt. Åbn det igen fra journalen, eller udfyld "
    "vurderingen her."
)
PREFILL_INTRO = (
    "Udfyldt med journalens oplysninger. Kontrollér dem, udfyld resten og vælg Vis anbefalinger."
)


def _fernet() -> MultiFernet:
    # One key per secret, so a rotated SECRET_KEY (SECRET_KEY_FALLBACKS) keeps links working.
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(
                        PREFILL_KEY_SALT, "fernet", secret=secret, algorithm="sha256"
                    ).digest()
                )
            )
            for secret in secrets
        ]
    )


def prefill_token_make(draft: IntakeDraft) -> str:
    """Return an encrypted, expiring token holding what the draft knows and what it lacks."""
    data = {key: value for key, value in draft.data.items() if key != "medications"}
    payload = {
        "data": data,
        "medications": list(draft.prefill_medications),
        "notes": list(draft.notes),
    }
    return _fernet().encrypt(json.dumps(payload, ensure_ascii=False).encode()).decode()


def prefill_token_read(token: str) -> dict:
    """Return the payload of a token; raise InvalidToken if it is forged, broken or expired."""
    return json.loads(_fernet().decrypt(token.encode(), ttl=PREFILL_MAX_AGE))


def prefill_form_values(payload: dict) -> QueryDict:
    """Return the intake form's fields (patients/forms.py names) for a token's payload."""
    data = payload.get("data", {})
    values = QueryDict(mutable=True)
    for name in ("age", "pain_duration_weeks", "opioid_treatment_months"):
        if data.get(name) is not None:
            values[name] = danish_number(data[name])
    if data.get("pain_site"):
        values["pain_site"] = data["pain_site"]
    for name in BOOLEAN_FIELDS:
        if data.get(name):
            values[name] = "on"
    values.setlist("red_flags", list(data.get("red_flags", [])))
    medications = payload.get("medications", [])
    values["medication_rows"] = str(max(len(medications), MEDICATION_ROWS_MIN))
    for index, med in enumerate(medications):
        values[f"med-{index}-drug"] = med["drug"]
        dose = med.get("daily_dose")
        values[f"med-{index}-dose"] = danish_number(dose) if dose is not None else ""
    return values


@never_cache
def intake_prefill(request: HttpRequest, token: str) -> HttpResponse:
    try:
        payload = prefill_token_read(token)
    except (InvalidToken, ValueError):
        return intake_render(request, None, notices=[PREFILL_EXPIRED_ERROR], status=400)
    notes = [PREFILL_INTRO, *payload.get("notes", [])]
    return intake_render(request, prefill_form_values(payload), evaluate=False, notices=notes)
