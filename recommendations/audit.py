"""The audit log: who signed in, who was refused, who published what.

Two outputs. The "nkr.audit" logger gets a line per event (user id and username, content key;
never request bodies or patient facts; a username as typed into a failed login is masked).
Changes to a recommendation are also stored as `AuditEvent` rows, by the service that made
the change, so an editor can read its trail.
"""

import logging

from axes.helpers import cleanse_parameters
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest

from .models import AuditAction, AuditEvent, Recommendation

logger = logging.getLogger("nkr.audit")


def _who(user: AbstractBaseUser | AnonymousUser | None) -> str:
    if user is None:
        return "user=system"
    if not user.is_authenticated:
        return "user=anonymous"
    return f"user_id={user.pk} username={user.get_username()!r}"


def on_login(sender, request: HttpRequest, user: AbstractBaseUser, **kwargs) -> None:
    logger.info("login %s", _who(user))


def on_logout(sender, request: HttpRequest, user: AbstractBaseUser | None, **kwargs) -> None:
    logger.info("logout %s", _who(user))


def _attempted_username(username: str) -> str:
    """Return a username as typed into a login form, masked as django-axes masks it.

    People type their password into the username field: what was typed is never logged
    (AXES_SENSITIVE_PARAMETERS lists "username"; axes keeps its own records the same way).
    """
    return cleanse_parameters({"username": username})["username"]


def on_login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    # Django has already masked the password; the username is masked here.
    logger.warning("login_failed username=%r", _attempted_username(credentials.get("username", "")))


def login_refused_without_admin_access(user: AbstractBaseUser) -> None:
    """Log a correct password from a user who may not use the admin (not staff, or inactive).

    Django refuses such a login in the form, without sending user_login_failed.
    """
    logger.warning("login_refused_no_admin_access %s", _who(user))


def login_locked_out(username: str) -> None:
    """Log that a login was refused because its username and address are locked out."""
    logger.warning("login_locked_out username=%r", _attempted_username(username))


def _where(request: HttpRequest) -> str:
    # Admin paths hold only content ids; elsewhere log the route pattern, not the path, so
    # nothing a path might carry (a pre-fill link, say) reaches the log.
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "route=?"
    if "admin" in match.namespaces:
        return f"path={request.path}"
    return f"route={match.route}"


def permission_denied(request: HttpRequest) -> None:
    """Log that the signed-in (or anonymous) user was refused a page."""
    logger.warning(
        "permission_denied %s method=%s %s",
        _who(getattr(request, "user", None)),
        request.method,
        _where(request),
    )


def audit_record(
    *,
    action: AuditAction,
    recommendation: Recommendation | None = None,
    subject: str = "",
    user: AbstractBaseUser | None = None,
    change_reason: str = "",
    text: dict | None = None,
) -> AuditEvent:
    """Store one event in the audit trail of a recommendation (or `subject`) and log it.

    `text` is guideline text (a refused editor's draft, the fields a live change changed); it
    is stored with the event but never logged. An event on a recommendation is about the
    version it has now.
    """
    user = user if user is not None and user.is_authenticated else None
    subject = recommendation.key if recommendation is not None else subject
    version = recommendation.version if recommendation is not None else None
    event = AuditEvent.objects.create(
        action=action,
        recommendation=recommendation,
        subject=subject,
        user=user,
        username=user.get_username() if user else "",
        version=version,
        change_reason=change_reason,
        text=text,
    )
    # seed_content writes dozens at once and logs its own summary.
    level = logging.DEBUG if action == AuditAction.SEEDED else logging.INFO
    logger.log(
        level,
        "%s %s %s=%s version=%s",
        action,
        _who(user),
        "recommendation" if recommendation is not None else "content",
        subject,
        version if version is not None else "-",
    )
    return event
