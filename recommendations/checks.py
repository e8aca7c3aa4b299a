"""Deploy checks for the login, proxy and FHIR export settings (docs/security.md)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


def _warning_unless(ok: bool, *, id: str, message: str, hint: str) -> list[Warning]:
    """Return the warning `id` unless the setting it is about is `ok`."""
    return [] if ok else [Warning(message, hint=hint, id=id)]


@register(Tags.security, deploy=True)
def staff_second_factor_check(app_configs, **kwargs) -> list:
    """Warn on deploy when the admin can be used with a password alone."""
    return _warning_unless(
        settings.OTP_REQUIRED_FOR_STAFF,
        id="recommendations.W001",
        message="OTP_REQUIRED_FOR_STAFF is off: editors can change the published "
        "recommendations with a password alone.",
        hint="Set OTP_REQUIRED_FOR_STAFF=1 after giving each staff user a TOTP device "
        "(docs/security.md, Second factor).",
    )


@register(Tags.security, deploy=True)
def proxy_client_address_check(app_configs, **kwargs) -> list:
    """Warn when a proxy is trusted for the scheme but not counted for client addresses."""
    behind_proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None) is not None
    return _warning_unless(
        not behind_proxy or bool(settings.REST_FRAMEWORK.get("NUM_PROXIES")),
        id="recommendations.W002",
        message="SECURE_PROXY_SSL_HEADER is set but NUM_PROXIES is 0: every client appears "
        "with the proxy's address, so they share one API rate limit and one login lockout.",
        hint="Set NUM_PROXIES to the number of proxies that append to X-Forwarded-For "
        "(docs/operations.md).",
    )


@register(Tags.compatibility, deploy=True)
def fhir_canonical_base_check(app_configs, **kwargs) -> list:
    """Warn on deploy when the FHIR export's canonical URLs use the example base."""
    return _warning_unless(
        settings.FHIR_CANONICAL_BASE != settings.FHIR_CANONICAL_BASE_DEFAULT,
        id="recommendations.W003",
        message=f"FHIR_CANONICAL_BASE is not set: the guidelines' PlanDefinitions are named "
        f"{settings.FHIR_CANONICAL_BASE}/PlanDefinition/<slug>, an example address.",
        hint="Set FHIR_CANONICAL_BASE to the address under which this nkr publishes its "
        "FHIR resources, and never change it (docs/integration.md).",
    )
