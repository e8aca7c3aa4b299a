"""Changes that take effect at once, outside the draft workflow: red flags, STarT Back items,
guideline texts and search synonyms, each audited.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction

from recommendations.services import change_reason_required, normalised_text, permission_require

from . import audit
from .models import (
    AuditAction,
    Guideline,
    RedFlag,
    SearchSynonym,
    StartBackItem,
    history_author_set,
)
from .search_index import search_index_refresh

GUIDELINE_TEXT_FIELDS = ("title", "short_title", "population", "source", "note", "note_source")
# STarT Back's English wording and its source are Keele's (the fixture); an editor enters the
# Danish wording (STarT-dk, CONTENT.md).
STARTBACK_TEXT_FIELDS = ("text_da",)
RED_FLAG_TEXT_FIELDS = ("label", "categories", "level", "source", "source_ref")


def content_subject(obj: models.Model) -> str:
    """Return the name the audit trail and seed_content use for a text without drafts."""
    if isinstance(obj, SearchSynonym):
        return f"search-synonym/{obj.term}→{obj.target}"
    if isinstance(obj, StartBackItem):
        return f"startback/{obj.number}"
    if isinstance(obj, RedFlag):
        return f"red-flag/{obj.code}"
    return f"guideline/{obj.slug}"


@transaction.atomic
def live_content_update(
    *,
    obj: Guideline | StartBackItem | RedFlag | SearchSynonym,
    user: AbstractBaseUser,
    data: dict[str, Any],
    change_reason: str,
) -> models.Model:
    """Save a change to a text that has no drafts (live at once), with a required reason.

    Guidelines, STarT Back items and red flags are published content too: the change gets a
    history record (user, reason) and an audit event naming the fields that changed.
    """
    model = type(obj)
    permission_require(user, f"change_{model._meta.model_name}")
    obj = model.objects.select_for_update().get(pk=obj.pk)
    data = normalised_text(data)
    changed = {key: value for key, value in data.items() if getattr(obj, key) != value}
    if not changed:
        return obj
    reason = change_reason_required(change_reason)
    for key, value in changed.items():
        setattr(obj, key, value)
    history_author_set(obj, user=user, reason=reason)
    obj.save()
    if isinstance(obj, Guideline | RedFlag):
        # A guideline's titles are part of every recommendation's document; a red flag's label
        # is its own search text.
        search_index_refresh()
    audit.audit_record(
        action=AuditAction.CONTENT_CHANGED,
        subject=content_subject(obj),
        user=user,
        change_reason=reason,
        text=changed,
    )
    return obj


SEARCH_SYNONYM_FIELDS = ("term", "target", "kind", "atc_code", "source", "source_checked")


@transaction.atomic
def search_synonym_save(
    *, synonym: SearchSynonym, user: AbstractBaseUser, data: dict[str, Any], change_reason: str
) -> SearchSynonym:
    """Add or change a search synonym (live at once), with a reason, and rebuild the index."""
    if synonym.pk is None:
        permission_require(user, "add_searchsynonym")
        for key in SEARCH_SYNONYM_FIELDS:
            setattr(synonym, key, data[key])
        reason = change_reason_required(change_reason)
        history_author_set(synonym, user=user, reason=reason)
        synonym.save()
        audit.audit_record(
            action=AuditAction.CONTENT_CHANGED,
            subject=content_subject(synonym),
            user=user,
            change_reason=reason,
            text={key: data[key] for key in SEARCH_SYNONYM_FIELDS},
        )
    else:
        live_content_update(
            obj=synonym,
            user=user,
            data={key: data[key] for key in SEARCH_SYNONYM_FIELDS},
            change_reason=change_reason,
        )
    search_index_refresh()
    return synonym
