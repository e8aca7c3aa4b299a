"""System checks for the CDS Hooks service's settings (docs/integration.md)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from patients.cds.jwt import issuers_validate


@register(Tags.security, deploy=True)
def cds_hooks_jwt_check(app_configs, **kwargs) -> list:
    """Warn on deploy when CDS Hooks calls are not verified, or nobody can be verified."""
    if not settings.CDS_HOOKS_VERIFY_JWT:
        return [
            Warning(
                "CDS_HOOKS_VERIFY_JWT is off: anyone can call /cds-services/nkr-pain and send "
                "patient data without a signed JWT.",
                hint="Unset CDS_HOOKS_VERIFY_JWT (or set it to 1); turn it off only for local "
                "testing.",
                id="patients.W001",
            )
        ]
    if not settings.CDS_HOOKS_ISSUERS:
        return [
            Warning(
                "CDS_HOOKS_ISSUERS is empty: every CDS Hooks call will be refused.",
                hint="Set CDS_HOOKS_ISSUERS to the record systems' issuers and keys "
                "(docs/integration.md).",
                id="patients.W002",
            )
        ]
    return []


@register(Tags.security)
def cds_hooks_issuers_check(app_configs, **kwargs) -> list:
    """Refuse an issuer allow-list that cannot be used to verify anything."""
    return [
        Error(problem, hint="See docs/integration.md, Security.", id="patients.E001")
        for problem in issuers_validate(settings.CDS_HOOKS_ISSUERS)
    ]
