"""An editor records that a recommendation's text and grade were checked against the official
publication (CONTENT.md "Provenance", API.md `provenance.verified`).

The same shape as the editorial services in services.py: keyword-only, transactional, the row
locked, the change in the recommendation's history and its audit trail, no signals. Readers'
disclosure changes at once: "endnu ikke kontrolleret ..." becomes "kontrolleret mod ... af ...".
Publishing a new text withdraws it (services._publish): a check covers the text it checked.
"""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from recommendations.services import EditorialError, permission_require, recommendation_locked

from . import audit
from .models import AuditAction, Recommendation, history_author_set

# Messages shown to editors in their language (gettext where raised); tests import them.
AGAINST_REQUIRED = gettext_noop(
    "Skriv hvilken udgivelse teksten er kontrolleret mod: udgave og år eller adresse, fx "
    "»Sundhedsstyrelsen 2016, fuld retningslinje, version 1.0«."
)
AGAINST_TOO_LONG = gettext_noop("Skriv udgivelsen på højst {limit} tegn.")
DATE_IN_FUTURE = gettext_noop("Datoen for kontrollen kan ikke ligge efter i dag ({today}).")
AGAINST_MAX = 300


class VerificationError(EditorialError):
    """A verification that cannot be recorded; `field` names the form field at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def verification_reason(*, against: str, checked_on: date) -> str:
    return f"Tekst og styrke kontrolleret mod {against} ({checked_on.isoformat()})."


@transaction.atomic
def recommendation_verify(
    *,
    recommendation: Recommendation,
    user: AbstractBaseUser,
    against: str,
    checked_on: date,
    today: date,
) -> Recommendation:
    """Record that the published text and grade match `against`, checked on `checked_on`."""
    permission_require(user, "publish_recommendation")
    against = " ".join(against.split())
    if not against:
        raise VerificationError("against", gettext(AGAINST_REQUIRED))
    if len(against) > AGAINST_MAX:
        raise VerificationError("against", gettext(AGAINST_TOO_LONG).format(limit=AGAINST_MAX))
    if checked_on > today:
        raise VerificationError(
            "checked_on", gettext(DATE_IN_FUTURE).format(today=today.isoformat())
        )
    rec = recommendation_locked(recommendation)
    reason = verification_reason(against=against, checked_on=checked_on)
    rec.verified = {
        "by": user.get_full_name() or user.get_username(),
        "on": checked_on.isoformat(),
        "against": against,
        "version": rec.version,
    }
    history_author_set(rec, user=user, reason=reason)
    rec.save()
    audit.audit_record(
        action=AuditAction.VERIFIED,
        recommendation=rec,
        user=user,
        change_reason=reason,
        text={"against": against, "on": checked_on.isoformat()},
    )
    return rec
