"""Writes to guideline content. Each change goes through one function here, atomically."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from recommendations.seeding import PUBLISHED_FIELDS

from . import audit
from .models import (
    AuditAction,
    Recommendation,
    RecommendationDraft,
    history_author_set,
)
from .search_index import search_index_refresh

# Editorial workflow (docs/editing.md). Editors revise a recommendation as a draft that readers
# never see; publishing copies it into the recommendation as a new version. Every step is in
# the recommendation's history (django-simple-history: user, time, text, reason) and its audit
# trail (AuditEvent). Messages are shown to editors in their language (gettext where raised);
# tests import them.

CHANGE_REASON_REQUIRED = gettext_noop(
    "Skriv en begrundelse for ændringen: den vises i versionshistorikken."
)
NOTHING_TO_PUBLISH = gettext_noop(
    "Der er intet at udgive: teksten er den samme som den udgivne version."
)
NO_DRAFT = gettext_noop("Anbefalingen har ingen kladde.")
DRAFT_OPEN = gettext_noop(
    "Anbefalingen har en åben kladde. Udgiv eller kassér den, før du gendanner en ældre version."
)
UNKNOWN_VERSION = gettext_noop("Version {version} findes ikke for denne anbefaling.")
EDIT_CONFLICT = gettext_noop(
    "Din ændring er ikke gemt: {who} gemte anbefalingen {when}, efter at du åbnede den. "
    "Felterne herunder viser stadig din tekst, og tabellen ovenfor viser den gemte tekst ved "
    "siden af din. Din tekst er også gemt i revisionssporet. Flet de to, og gem igen."
)


class EditorialError(ValueError):
    """An editorial step that cannot be done; the message is for the editor."""


@dataclass(frozen=True)
class EditConflict:
    """Someone saved the recommendation after the editor's form was opened."""

    token: str  # the token now: a form carrying it may save
    message: str
    current: dict[str, Any]  # the text now saved (draft if any, else published)


class EditConflictError(EditorialError):
    def __init__(self, conflict: EditConflict):
        super().__init__(conflict.message)
        self.conflict = conflict


def _draft_of(rec: Recommendation) -> RecommendationDraft | None:
    return RecommendationDraft.objects.filter(recommendation=rec).first()


def _token(rec: Recommendation, draft: RecommendationDraft | None) -> str:
    # The draft's id changes when a draft is discarded and a new one started, so a token
    # never comes back to an earlier value.
    return f"{rec.version}.{draft.pk if draft else 0}.{draft.revision if draft else 0}"


def recommendation_edit_token(*, recommendation: Recommendation) -> str:
    """Return the token an edit form carries: saves from an older token are refused."""
    return _token(recommendation, _draft_of(recommendation))


def recommendation_editable_values(*, recommendation: Recommendation) -> dict[str, Any]:
    """Return the text an editor starts from: the draft if there is one, else the published."""
    source = _draft_of(recommendation) or recommendation
    return {key: getattr(source, key) for key in RecommendationDraft.FIELDS}


def permission_require(user: AbstractBaseUser, perm: str) -> None:
    """Raise PermissionDenied unless `user` has the recommendations permission `perm`."""
    if not user.has_perm(f"recommendations.{perm}"):
        raise PermissionDenied(perm)


def recommendation_locked(recommendation: Recommendation) -> Recommendation:
    """Return the recommendation's row, locked for the rest of the transaction."""
    # Held until the transaction ends, so two saves of one recommendation run one at a time.
    return (
        Recommendation.objects.select_for_update()
        .select_related("guideline")
        .get(pk=recommendation.pk)
    )


def normalised_text(values: dict[str, Any]) -> dict[str, Any]:
    """Return the values with browser line breaks ("\r\n") stored as the fixtures have them."""
    return {
        key: value.replace("\r\n", "\n") if isinstance(value, str) else value
        for key, value in values.items()
    }


@transaction.atomic
def recommendation_edit_check(
    *,
    recommendation: Recommendation,
    user: AbstractBaseUser,
    edit_token: str,
    text: dict[str, Any] | None = None,
) -> EditConflict | None:
    """Return the conflict if someone saved since `edit_token` (and record the refusal).

    The refused editor's `text` is kept with the refusal in the audit trail, so it is not lost
    if they leave the page. Locks the recommendation for the rest of the caller's transaction,
    so the save that follows a passed check cannot be overtaken.
    """
    rec = recommendation_locked(recommendation)
    draft = _draft_of(rec)
    token = _token(rec, draft)
    if token == edit_token:
        return None
    last = rec.audit_events.exclude(action=AuditAction.EDIT_REFUSED).first()
    who = (last.username or "seed_content") if last else gettext("en anden")
    when = ""
    if last:
        at = timezone.localtime(last.at)
        when = gettext("%(date)s kl. %(time)s") % {
            "date": at.strftime("%d.%m.%Y"),
            "time": at.strftime("%H:%M"),
        }
    audit.audit_record(
        action=AuditAction.EDIT_REFUSED,
        recommendation=rec,
        user=user,
        text=normalised_text(text) if text else None,
    )
    source = draft or rec
    return EditConflict(
        token=token,
        message=gettext(EDIT_CONFLICT).format(who=who, when=when),
        current={key: getattr(source, key) for key in RecommendationDraft.FIELDS},
    )


def recommendation_draft_save(
    *,
    recommendation: Recommendation,
    user: AbstractBaseUser,
    data: dict[str, Any],
    edit_token: str,
    change_reason: str = "",
) -> RecommendationDraft:
    """Save the editor's text as the recommendation's draft, unless someone saved meanwhile.

    Raises EditConflictError after the save's transaction has ended, so the refusal and the
    refused text stay in the audit trail.
    """
    permission_require(user, "change_recommendation")
    data = normalised_text({key: data[key] for key in RecommendationDraft.FIELDS})
    saved = _draft_save(
        recommendation=recommendation,
        user=user,
        data=data,
        edit_token=edit_token,
        change_reason=change_reason,
    )
    if isinstance(saved, EditConflict):
        raise EditConflictError(saved)
    return saved


@transaction.atomic
def _draft_save(
    *,
    recommendation: Recommendation,
    user: AbstractBaseUser,
    data: dict[str, Any],
    edit_token: str,
    change_reason: str,
) -> RecommendationDraft | EditConflict:
    """Save the draft, or return the conflict (its refusal recorded) with nothing else saved."""
    conflict = recommendation_edit_check(
        recommendation=recommendation, user=user, edit_token=edit_token, text=data
    )
    if conflict:
        return conflict
    rec = recommendation_locked(recommendation)
    draft = _draft_of(rec) or RecommendationDraft(
        recommendation=rec, created_by=user, base_version=rec.version
    )
    for key in RecommendationDraft.FIELDS:
        setattr(draft, key, data[key])
    draft.change_reason = change_reason.replace("\r\n", "\n").strip()
    draft.revision += 1
    draft.updated_by = user
    history_author_set(draft, user=user, reason=draft.change_reason or None)
    draft.save()
    audit.audit_record(
        action=AuditAction.DRAFT_SAVED,
        recommendation=rec,
        user=user,
        change_reason=draft.change_reason,
    )
    return draft


def _publish(
    rec: Recommendation,
    values: dict[str, Any],
    *,
    user: AbstractBaseUser,
    reason: str,
    action: AuditAction,
) -> Recommendation:
    if all(getattr(rec, key) == value for key, value in values.items()):
        raise EditorialError(gettext(NOTHING_TO_PUBLISH))
    for key, value in values.items():
        setattr(rec, key, value)
    rec.version += 1
    rec.published_at = timezone.now()
    # An editor's words are nkr's, not the source's; a restored source text is the source's.
    rec.provenance = rec.provenance_of()
    # An editor's check covered the text it checked (verification.py), not this new one.
    rec.verified = None
    history_author_set(rec, user=user, reason=reason)
    rec.save()
    # Readers search the published text: the index follows it in the same transaction.
    search_index_refresh()
    audit.audit_record(action=action, recommendation=rec, user=user, change_reason=reason)
    return rec


def change_reason_required(change_reason: str) -> str:
    """Return the change reason stripped; an empty one is an EditorialError for the editor."""
    reason = change_reason.strip()
    if not reason:
        raise EditorialError(gettext(CHANGE_REASON_REQUIRED))
    return reason


@transaction.atomic
def recommendation_publish(
    *, recommendation: Recommendation, user: AbstractBaseUser, change_reason: str
) -> Recommendation:
    """Publish the draft as the recommendation's next version and close the draft."""
    permission_require(user, "publish_recommendation")
    rec = recommendation_locked(recommendation)
    draft = _draft_of(rec)
    if draft is None:
        raise EditorialError(gettext(NO_DRAFT))
    reason = change_reason_required(change_reason)
    values = {key: getattr(draft, key) for key in RecommendationDraft.FIELDS}
    _publish(rec, values, user=user, reason=reason, action=AuditAction.PUBLISHED)
    history_author_set(draft, user=user, reason=f"Udgivet som version {rec.version}")
    draft.delete()
    return rec


@transaction.atomic
def recommendation_draft_discard(*, recommendation: Recommendation, user: AbstractBaseUser) -> None:
    """Throw the draft away (its text stays in the draft history); readers saw nothing."""
    permission_require(user, "publish_recommendation")
    rec = recommendation_locked(recommendation)
    draft = _draft_of(rec)
    if draft is None:
        raise EditorialError(gettext(NO_DRAFT))
    history_author_set(draft, user=user, reason="Kasseret")
    draft.delete()
    # The text goes into the trail, as a refused save's does: an editor can copy it back.
    audit.audit_record(
        action=AuditAction.DRAFT_DISCARDED,
        recommendation=rec,
        user=user,
        text={key: getattr(draft, key) for key in RecommendationDraft.FIELDS},
    )


@transaction.atomic
def recommendation_restore(
    *, recommendation: Recommendation, version: int, user: AbstractBaseUser, change_reason: str
) -> Recommendation:
    """Publish the text of an earlier version again, as a new version."""
    permission_require(user, "publish_recommendation")
    rec = recommendation_locked(recommendation)
    if _draft_of(rec) is not None:
        raise EditorialError(gettext(DRAFT_OPEN))
    reason = change_reason_required(change_reason)
    # The version's text is the last record saved under its number (as the history page has it).
    old = (
        Recommendation.history.filter(id=rec.pk, version=version)
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
        .last()
    )
    if old is None:
        raise EditorialError(gettext(UNKNOWN_VERSION).format(version=version))
    values = {key: getattr(old, key) for key in PUBLISHED_FIELDS}
    return _publish(
        rec,
        values,
        user=user,
        reason=f"Gendannet fra version {version}: {reason}",
        action=AuditAction.RESTORED,
    )
