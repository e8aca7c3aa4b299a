"""What every content model shares: timestamps, and a history of versions that says how each
version came to be (docs/editing.md)."""

import re

from django.db import models
from simple_history.models import HistoricalRecords

from .choices import VersionOrigin


class VersionRecord(models.Model):
    """What a history record of published content (a version) holds besides its fields.

    Every save is published unless the service that saves says otherwise (seed_content).
    """

    origin = models.CharField(
        max_length=16, choices=VersionOrigin.choices, default=VersionOrigin.PUBLISHED
    )

    class Meta:
        abstract = True


# seed_content names itself in the reason of every version it writes (services).
SEEDED_MARK = "seed_content"

# Build references in a seeded version's reason (a seed file and its lines, the command that
# loaded it): editors see them in the trace and the admin, readers never do.
_BUILD_REFERENCES = (
    re.compile(r"\s*\([^()]*seeds/[^()]*\)"),
    re.compile(rf"\s*\(Indlæst fra kilden af {SEEDED_MARK}\.\)"),
    re.compile(rf"\s*Indlæst af {SEEDED_MARK}\."),
    re.compile(rf"\s*\({SEEDED_MARK}\)"),
)


def reason_for_readers(change_reason: str) -> str:
    """Return a version's reason without build references (CONTENT.md, Provenance)."""
    for pattern in _BUILD_REFERENCES:
        change_reason = pattern.sub("", change_reason)
    return change_reason.strip()


def history_records(
    *, versions: bool = True, excluded_fields: tuple[str, ...] = ()
) -> HistoricalRecords:
    """Return django-simple-history's record of every change: who, when, what and why.

    Records of published content are versions and say how they came to be (VersionRecord);
    a draft's records are not.
    """
    # Change reasons can be a paragraph (naming the hearing responses), not 100 characters.
    return HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        bases=[VersionRecord] if versions else [models.Model],
        excluded_fields=list(excluded_fields),
    )


def history_author_set(obj: models.Model, *, user, reason: str | None) -> None:
    """Say who makes the next change to `obj` (its save or delete) and why, for its history.

    The service that makes the change calls this; django-simple-history stores both with the
    record it writes.
    """
    obj._history_user = user
    obj._change_reason = reason


class Seeded(models.Model):
    """Content seed_content writes (seeding.py).

    `seeded_fingerprint` is the hash of what the seed last wrote: a row whose content no longer
    matches it was changed by an editor, and the seed must not overwrite that.
    """

    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
