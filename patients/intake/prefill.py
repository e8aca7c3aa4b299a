"""The intake form pre-filled from a record: a CDS Hooks card links here.

The link carries what the record told us in an encrypted, signed token (Fernet, with a key
derived from SECRET_KEY) that expires after PREFILL_MAX_AGE: patient facts never appear
readable in a URL, a server log or a browser history, and an old link stops working.

The link works once, in the browser that opens it. Its first GET exchanges the token: the
token is marked used (its SHA-256, kept until it would expire anyway) and handed to that
browser in a cookie only /intake/prefill/ sees, and the browser is redirected to the clean
/intake/prefill/, which reads the cookie. So a token found later in an access log, a
browser history or a Referer opens nothing, and the page the clinician works on has no token
in its URL. Nothing about the patient is stored: the page shows the form filled in, and the
clinician completes and submits it.
"""

import base64
import json
from datetime import timedelta

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from patients.cds.fhir_mapping import IntakeDraft
from recommendations.forms import MEDICATION_ROWS_MIN
from recommendations.numbers import danish_number

from ..services import token_use_register
from .forms import BOOLEAN_FIELDS
from .views import intake_render

PREFILL_MAX_AGE = 60 * 60  # seconds: long enough for a consultation, short for a stray link
PREFILL_KEY_SALT = "patients.prefill"
PREFILL_EXPIRED_ERROR = _(
    "Linket fra journalen er udløbet eller ugyldigt. Åbn det igen fra journalen, eller udfyld "
    "vurderingen her."
)
PREFILL_USED_ERROR = _(
    "Linket fra journalen er allerede åbnet; det virker kun én gang og kun i den browser, der "
    "åbnede det. Åbn det igen fra journalen, eller udfyld vurderingen her."
)
PREFILL_COOKIE = "nkr_prefill"
# The tokens' "issuer" in the used-token register (SeenToken), apart from every JWT issuer's.
PREFILL_ISSUER = "nkr:prefill-link"
PREFILL_INTRO = _(
    "Udfyldt med journalens oplysninger. Kontrollér dem, udfyld resten og vælg Vis anbefalinger."
)


def prefill_fernet() -> MultiFernet:
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
    return prefill_fernet().encrypt(json.dumps(payload, ensure_ascii=False).encode()).decode()


def prefill_token_read(token: str) -> dict:
    """Return the payload of a token; raise InvalidToken if it is forged, broken or expired."""
    return json.loads(prefill_fernet().decrypt(token.encode(), ttl=PREFILL_MAX_AGE))


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


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    response = intake_render(request, None, notices=[message], status=400)
    response.delete_cookie(PREFILL_COOKIE, path=reverse("patients:intake-prefill-page"))
    return response


@never_cache
def intake_prefill(request: HttpRequest, token: str) -> HttpResponse:
    """Exchange a link's token, once, for a cookie in this browser; redirect to the clean URL."""
    try:
        prefill_token_read(token)
    except (InvalidToken, ValueError):
        return _refused(request, PREFILL_EXPIRED_ERROR)
    expires_at = timezone.now() + timedelta(seconds=PREFILL_MAX_AGE)
    if not token_use_register(issuer=PREFILL_ISSUER, jti=token, expires_at=expires_at):
        return _refused(request, PREFILL_USED_ERROR)
    page = reverse("patients:intake-prefill-page")
    response = HttpResponseRedirect(page, status=303)
    response.set_cookie(
        PREFILL_COOKIE,
        token,
        max_age=PREFILL_MAX_AGE,
        path=page,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        # Lax: the link is opened from the record system (another site) as a top-level GET.
        samesite="Lax",
    )
    return response


@never_cache
def intake_prefill_page(request: HttpRequest) -> HttpResponse:
    """Show the intake form filled in from the token this browser got for its link."""
    try:
        payload = prefill_token_read(request.COOKIES.get(PREFILL_COOKIE, ""))
    except (InvalidToken, ValueError):
        return _refused(request, PREFILL_EXPIRED_ERROR)
    notes = [PREFILL_INTRO, *payload.get("notes", [])]
    return intake_render(request, prefill_form_values(payload), evaluate=False, notices=notes)
