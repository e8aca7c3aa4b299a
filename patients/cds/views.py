"""CDS Hooks 2.0 service `nkr-pain` on the `patient-view` hook (API.md, docs/integration.md).

GET  /cds-services                        discovery
POST /cds-services/nkr-pain               prefetched FHIR R4 in, cards out
POST /cds-services/nkr-pain/feedback      accepted / overridden outcomes, stored per card subject
GET  /cds-services/nkr-pain/override-reasons  the override reasons our cards offer

The record's FHIR becomes intake data (patients/cds/fhir_mapping.py) and goes
through intake_evaluate, the same path as the intake page and the evaluate API. Calls are
authenticated with the record system's signed JWT unless CDS_HOOKS_VERIFY_JWT is off.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import wraps

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, throttle_classes
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from patients.cds.card_types import (
    RED_FLAG_GUIDELINE,
    Card,
    CardContext,
    DraftResult,
    OverrideReason,
)
from patients.cds.cards import cards_build
from patients.cds.fhir_findings import ConditionFinding, Record
from patients.cds.fhir_mapping import record_drafts, record_read
from patients.cds.fhir_values import (
    PREFETCH_CONDITIONS,
    PREFETCH_PATIENT,
    PREFETCH_REQUESTS,
    PREFETCH_STATEMENTS,
    FhirError,
)
from recommendations.api.throttling import CdsRateThrottle
from recommendations.field_errors import errors_flatten
from recommendations.selectors import rules_content

from ..intake.prefill import prefill_token_make
from ..intake.services import intake_evaluate
from ..models import CardOutcome
from ..services import Feedback, card_feedback_store, cards_issue, token_use_register
from .jwt import (
    JWT_REPLAYED_ERROR,
    LEEWAY_SECONDS,
    TokenError,
    bearer_token,
    token_verify,
)

SERVICE_ID = "nkr-pain"
HOOK = "patient-view"
SERVICE_PATH = f"/cds-services/{SERVICE_ID}"
FEEDBACK_PATH = f"{SERVICE_PATH}/feedback"
OVERRIDE_REASONS_PATH = f"{SERVICE_PATH}/override-reasons"
# FHIR R4 search parameters: Condition clinical-status, MedicationStatement and
# MedicationRequest status (token searches, as CDS Hooks' prefetch restrictions allow).
PREFETCH = {
    PREFETCH_PATIENT: "Patient/{{context.patientId}}",
    # active, recurrence and relapse are all current problems (R4 condition-clinical); a
    # comma is FHIR search's "or" within one parameter.
    PREFETCH_CONDITIONS: (
        "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse"
    ),
    PREFETCH_STATEMENTS: "MedicationStatement?patient={{context.patientId}}&status=active",
    PREFETCH_REQUESTS: "MedicationRequest?patient={{context.patientId}}&status=active",
}
REQUIRED_PREFETCH = (PREFETCH_PATIENT, PREFETCH_CONDITIONS)
MEDICATION_PREFETCH = (PREFETCH_STATEMENTS, PREFETCH_REQUESTS)  # at least one of them
SERVICE = {
    "hook": HOOK,
    "id": SERVICE_ID,
    "title": "nkr: nationale kliniske retningslinjer om smerter",
    "description": (
        "Anbefalinger fra de nationale kliniske retningslinjer om smerter (børn og unge, "
        "generaliserede smerter, nyopståede lænderygsmerter) og om nedtrapning af opioider, "
        "ud fra patientens alder, smertediagnoser og aktuelle medicin. Røde flag vises først."
    ),
    "prefetch": PREFETCH,
}

NOT_AN_OBJECT_ERROR = "Forventede et JSON-objekt (CDS Hooks-kald)."
HOOK_ERROR = f"Tjenesten {SERVICE_ID} svarer kun på hooket {HOOK!r}."
REQUIRED_ERROR = "Skal udfyldes."
CONTEXT_ERROR = "context skal være et objekt med patientId."
# CDS Hooks patient-view: patientId is the FHIR Patient.id in context, a FHIR `id` (R4
# datatypes: [A-Za-z0-9\-\.]{1,64}). Without it nothing ties the prefetch to one patient.
PATIENT_ID_PATTERN = re.compile(r"[A-Za-z0-9\-.]{1,64}")
PATIENT_ID_REQUIRED_ERROR = (
    "Skal udfyldes med patientens FHIR-id (1-64 tegn: bogstaverne A-Z og a-z, cifre, '-' og "
    "'.'): uden det kan nkr ikke sikre, at de forudhentede data handler om én patient."
)
PREFETCH_MISSING_ERROR = (
    "Mangler forudhentede data {key!r} ({template}). nkr-pain henter ikke selv fra "
    "FHIR-serveren: send dem som prefetch."
)


def cors(view: Callable) -> Callable:
    """Allow browser-based CDS Clients (CDS Hooks 2.0, Cross-Origin Resource Sharing).

    Calls authenticate with a bearer JWT, never cookies, so any origin may call.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        return response

    return wrapped


def cds_endpoint(method: str) -> Callable[[Callable], Callable]:
    """Make a view a CDS Hooks endpoint: DRF for `method` under the CDS rate limit, open to any
    origin (cors), and kept out of the OpenAPI document (CDS Hooks documents it)."""

    def decorate(view: Callable) -> Callable:
        view = throttle_classes([CdsRateThrottle])(view)
        view = api_view([method])(view)
        return cors(extend_schema(exclude=True)(view))

    return decorate


def _audiences(request: Request, *paths: str) -> list[str]:
    """Return the URLs a token's `aud` may name for this endpoint.

    Behind a proxy that ends TLS, Django may see http while the record system called https:
    both name the same endpoint, so both are accepted (with or without a trailing slash).
    """
    urls = []
    for path in paths:
        url = request.build_absolute_uri(path)
        scheme, rest = url.split("://", 1)
        for variant in (scheme, "https" if scheme == "http" else "http"):
            urls += [f"{variant}://{rest}", f"{variant}://{rest}/"]
    return urls


def _unauthorized(message: str) -> Response:
    return Response(
        {"errors": {"authorization": [message]}},
        status=401,
        headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
    )


def _authenticate(request: Request, *paths: str) -> Response | None:
    """Return a 401 response unless the call carries a trusted, unused JWT for `paths`."""
    if not settings.CDS_HOOKS_VERIFY_JWT:
        return None
    try:
        token = bearer_token(request.headers.get("Authorization"))
        verified = token_verify(
            token, audiences=_audiences(request, *paths), issuers=settings.CDS_HOOKS_ISSUERS
        )
    except TokenError as error:
        return _unauthorized(str(error))
    expires = datetime.fromtimestamp(verified.expires_at + LEEWAY_SECONDS, tz=UTC)
    if not token_use_register(issuer=verified.issuer, jti=verified.jti, expires_at=expires):
        return _unauthorized(JWT_REPLAYED_ERROR.format(jti=verified.jti))
    return None


@cds_endpoint("GET")
def discovery(request: Request) -> Response:
    return Response({"services": [SERVICE]})


@cds_endpoint("GET")
def override_reasons(request: Request) -> Response:
    return Response(
        {
            "system": request.build_absolute_uri(OVERRIDE_REASONS_PATH),
            "reasons": [{"code": code, "display": label} for code, label in OverrideReason.choices],
        }
    )


def _request_errors(body) -> dict[str, list[str]]:
    if not isinstance(body, dict):
        return {"body": [NOT_AN_OBJECT_ERROR]}
    errors = {}
    if body.get("hook") != HOOK:
        errors["hook"] = [HOOK_ERROR]
    if not isinstance(body.get("hookInstance"), str) or not body["hookInstance"]:
        errors["hookInstance"] = [REQUIRED_ERROR]
    context = body.get("context")
    if not isinstance(context, dict):
        errors["context"] = [CONTEXT_ERROR]
    elif not isinstance(context.get("patientId"), str) or not PATIENT_ID_PATTERN.fullmatch(
        context["patientId"]
    ):
        errors["context.patientId"] = [PATIENT_ID_REQUIRED_ERROR]
    return errors


def _failed(value) -> bool:
    # CDS Hooks: a key the client could not fetch is left out; some clients send an
    # OperationOutcome instead. Either way we do not have the data.
    return isinstance(value, dict) and value.get("resourceType") == "OperationOutcome"


def _missing_prefetch(prefetch: dict) -> dict[str, list[str]]:
    def message(key: str) -> list[str]:
        return [PREFETCH_MISSING_ERROR.format(key=key, template=PREFETCH[key])]

    missing = {
        f"prefetch.{key}": message(key)
        for key in REQUIRED_PREFETCH
        if key not in prefetch or _failed(prefetch[key])
    }
    if all(key not in prefetch or _failed(prefetch[key]) for key in MEDICATION_PREFETCH):
        missing.update({f"prefetch.{key}": message(key) for key in MEDICATION_PREFETCH})
    return missing


def record_cards(*, record: Record, absolute: Callable[[str], str]) -> list[Card]:
    """Return the cards for a record: each intake it supports evaluated by intake_evaluate."""
    if not record.pain_context and not any(
        isinstance(finding, ConditionFinding)
        for findings in record.red_flags.values()
        for finding in findings
    ):
        # Not a pain patient as far as the record tells, and no red-flag diagnosis that the
        # cards might speak of: nothing to evaluate.
        return []
    results = []
    for draft in record_drafts(record):
        prefill = absolute(reverse("patients:intake-prefill", args=[prefill_token_make(draft)]))
        evaluation, problems = None, ()
        if draft.complete:
            try:
                evaluation = intake_evaluate(data=draft.data)
            except ValidationError as error:
                # The mapping keeps values in range, so this is a safety net: say it, don't fail.
                flat = errors_flatten(error.detail)
                problems = tuple(f"{field}: {msg}" for field, msgs in flat.items() for msg in msgs)
        results.append(DraftResult(draft, evaluation, prefill, problems))
    content = rules_content()
    source = next((g for g in content.guidelines if g.slug == RED_FLAG_GUIDELINE), None)
    ctx = CardContext(
        absolute=absolute,
        red_flags=content.red_flags,
        red_flag_source=(source.title, source.url) if source else None,
        taper_planner=reverse("patients:opioid-taper"),
    )
    return cards_build(record=record, results=results, ctx=ctx)


# A patient's record in, cards about that patient out: no cache may keep them.
@never_cache
@cds_endpoint("POST")
def service(request: Request) -> Response:
    refused = _authenticate(request, SERVICE_PATH)
    if refused is not None:
        return refused
    body = request.data
    if errors := _request_errors(body):
        return Response({"errors": errors}, status=400)
    prefetch = body.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, dict):
        return Response({"errors": {"prefetch": [NOT_AN_OBJECT_ERROR]}}, status=400)
    if missing := _missing_prefetch(prefetch or {}):
        return Response({"errors": missing}, status=412)
    try:
        record = record_read(
            prefetch=prefetch,
            patient_id=body["context"]["patientId"],
            today=timezone.localdate(),
        )
    except FhirError as error:
        return Response({"errors": {error.field: [error.message]}}, status=400)
    cards = record_cards(record=record, absolute=request.build_absolute_uri)
    uuids = cards_issue(cards=cards) if cards else []
    system = request.build_absolute_uri(OVERRIDE_REASONS_PATH)
    return Response(
        {
            "cards": [
                card.as_json(uuid=uuid, override_reason_system=system)
                for uuid, card in zip(uuids, cards, strict=True)
            ]
        }
    )


class CodingSerializer(serializers.Serializer):
    system = serializers.CharField(required=False, allow_blank=True, max_length=300)
    code = serializers.CharField(max_length=100)
    display = serializers.CharField(required=False, allow_blank=True, max_length=300)


class OverrideReasonSerializer(serializers.Serializer):
    reason = CodingSerializer(required=False)
    # userComment is accepted and dropped: free text could hold patient facts.
    userComment = serializers.CharField(required=False, allow_blank=True)  # noqa: N815


class AcceptedSuggestionSerializer(serializers.Serializer):
    id = serializers.CharField(max_length=100)


# CDS Hooks 2.0, Feedback: acceptedSuggestions is "required for accepted outcomes". A client
# reports a card as accepted only when the user accepted one of its suggestions; a card read
# and left alone, or whose link was followed, is reported as nothing at all.
ACCEPTED_WITHOUT_SUGGESTIONS_ERROR = (
    "Et accepteret kort skal angive de accepterede forslag (acceptedSuggestions, CDS Hooks)."
)


class FeedbackItemSerializer(serializers.Serializer):
    card = serializers.CharField(max_length=100)
    outcome = serializers.ChoiceField(choices=CardOutcome.choices)
    acceptedSuggestions = AcceptedSuggestionSerializer(many=True, required=False)  # noqa: N815
    overrideReason = OverrideReasonSerializer(required=False)  # noqa: N815
    outcomeTimestamp = serializers.DateTimeField()  # noqa: N815

    def validate(self, attrs):
        if attrs["outcome"] == CardOutcome.ACCEPTED and not attrs.get("acceptedSuggestions"):
            raise serializers.ValidationError(
                {"acceptedSuggestions": [ACCEPTED_WITHOUT_SUGGESTIONS_ERROR]}
            )
        return attrs


class FeedbackSerializer(serializers.Serializer):
    feedback = FeedbackItemSerializer(many=True, allow_empty=False)


# Stored for an override reason that is not one of ours: the client's code and display are
# its own text and could hold patient facts, so neither is kept.
UNKNOWN_REASON_DISPLAY = "Ukendt årsag (ikke en af nkr's koder)"


def _feedback(item: dict) -> Feedback:
    """Return what is stored of one feedback item: our own codes and labels, never client text.

    CDS Hooks lets the client echo an override reason we offered (system, code, display); the
    display it sends back is whatever its user interface showed or the user typed, so only the
    code is read, and its label is ours.
    """
    reason = (item.get("overrideReason") or {}).get("reason") or {}
    code = reason.get("code", "")
    if code in OverrideReason.values:
        system = reason.get("system", "")
        return Feedback(
            card=item["card"],
            outcome=item["outcome"],
            outcome_at=item["outcomeTimestamp"],
            reason_system=system if system.endswith(OVERRIDE_REASONS_PATH) else "",
            reason_code=code,
            reason_display=str(OverrideReason(code).label),
        )
    return Feedback(
        card=item["card"],
        outcome=item["outcome"],
        outcome_at=item["outcomeTimestamp"],
        reason_display=UNKNOWN_REASON_DISPLAY if reason else "",
    )


@never_cache
@cds_endpoint("POST")
def feedback(request: Request) -> Response:
    refused = _authenticate(request, FEEDBACK_PATH, SERVICE_PATH)
    if refused is not None:
        return refused
    serializer = FeedbackSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    stored, unknown = card_feedback_store(
        items=[_feedback(item) for item in serializer.validated_data["feedback"]]
    )
    return Response({"stored": stored, "unknown_cards": unknown})
