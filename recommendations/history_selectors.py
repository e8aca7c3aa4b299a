"""Reads of the content's history: published versions, a guideline's changes, hearing links."""

from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.text import capfirst

from . import provenance
from .diff import FieldDiff, versions_diff
from .models import (
    Guideline,
    HearingResponse,
    HearingResponseLink,
    HearingRound,
    Recommendation,
    RecommendationDraft,
    reason_for_readers,
)

# Published versions, from the recommendation's history (django-simple-history).


@dataclass(frozen=True)
class PublishedVersion(provenance.GradedText):
    """One published version of a recommendation, as readers saw it."""

    guideline_id: int
    slug: str
    version: int
    title: str
    strength: str
    direction: str
    certainty: str
    certainty_note: str
    rationale: str
    update_note: str
    source: str
    strength_source: str
    change_reason: str
    origin: str  # models.VersionOrigin
    published_at: datetime
    provenance: dict = field(default_factory=dict)
    verified: dict | None = None

    @property
    def reason_for_readers(self) -> str:
        return reason_for_readers(self.change_reason)

    @property
    def provenance_api(self) -> dict:
        return provenance.provenance_api(self.provenance, self.verified)


def _versions(records) -> list[PublishedVersion]:
    """Return one entry per version, newest first, from history records oldest first.

    A version's reason and date are those it was published with; its text is the last saved
    under that number (a save outside the services would not bump the version).
    """
    by_key: dict[tuple[int, int], PublishedVersion] = {}
    for record in records:
        key = (record.id, record.version)
        first = by_key.get(key)
        by_key[key] = PublishedVersion(
            guideline_id=record.guideline_id,
            slug=record.slug,
            version=record.version,
            **{name: getattr(record, name) for name in RecommendationDraft.FIELDS},
            provenance=record.provenance,
            verified=record.verified,
            change_reason=first.change_reason if first else (record.history_change_reason or ""),
            origin=first.origin if first else record.origin,
            published_at=first.published_at
            if first
            else (record.published_at or record.history_date),
        )
    return sorted(by_key.values(), key=lambda v: (v.published_at, v.version), reverse=True)


def _history_records(**filters):
    return (
        Recommendation.history.filter(**filters)
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
    )


def recommendation_versions(*, recommendation: Recommendation) -> list[PublishedVersion]:
    """Return the recommendation's published versions, newest first (one query)."""
    versions = _versions(_history_records(id=recommendation.pk))
    return sorted(versions, key=lambda v: v.version, reverse=True)


@dataclass(frozen=True)
class PublishedChange:
    """A recommendation's published version (2 on), on the guideline's "what changed" page."""

    recommendation: PublishedVersion
    url: str  # the history page comparing this version with the one before
    kind = "recommendation"

    @property
    def published_at(self) -> datetime:
        return self.recommendation.published_at


@dataclass(frozen=True)
class GuidelineTextChange:
    """A change to the guideline's own texts (live at once: guidelines have no drafts)."""

    published_at: datetime
    change_reason: str
    origin: str  # models.VersionOrigin
    fields: list[FieldDiff]  # only the fields that changed, each as a word diff
    kind = "guideline"


def _guideline_text_changes(guideline: Guideline) -> list[GuidelineTextChange]:
    """Return each saved change to the guideline's texts, from its history (one query)."""
    fields = [
        (name, capfirst(Guideline._meta.get_field(name).verbose_name))
        for name in Guideline.TEXT_FIELDS
    ]
    records = list(Guideline.history.filter(id=guideline.pk).order_by("history_date", "history_id"))
    changes = []
    for before, after in pairwise(records):
        if after.history_type != "~":
            continue
        # A save that touched none of the texts (a fingerprint, the scope) is not a change
        # readers could see on the guideline's page.
        diffs = [diff for diff in versions_diff(before, after, fields) if diff.changed]
        if diffs:
            changes.append(
                GuidelineTextChange(
                    published_at=after.history_date,
                    change_reason=after.history_change_reason or "",
                    origin=after.origin,
                    fields=diffs,
                )
            )
    return changes


def guideline_changes(*, guideline: Guideline) -> list[PublishedChange | GuidelineTextChange]:
    """Return the guideline's published changes, newest first (two queries, however many).

    Those are the recommendations' versions from 2 on, and the changes to the guideline's own
    texts.
    """
    changes: list[PublishedChange | GuidelineTextChange] = []
    for version in _versions(_history_records(guideline_id=guideline.pk)):
        if version.version < 2:
            continue
        url = reverse("recommendations:history", args=[guideline.slug, version.slug])
        changes.append(
            PublishedChange(
                recommendation=version, url=f"{url}?a={version.version - 1}&b={version.version}"
            )
        )
    changes += _guideline_text_changes(guideline)
    return sorted(changes, key=lambda change: change.published_at, reverse=True)


# Hearing rounds and their responses.


def recommendation_hearing_links(*, recommendation: Recommendation) -> list[HearingResponseLink]:
    """Return the hearing responses that address the recommendation, by round and number."""
    return list(
        HearingResponseLink.objects.filter(recommendation=recommendation)
        .select_related("response__hearing_round__guideline")
        .order_by("response__hearing_round__slug", "response__order")
    )


def guideline_hearing_rounds(*, guideline: Guideline) -> QuerySet[HearingRound]:
    """Return the guideline's hearing rounds with their response counts."""
    return guideline.hearing_rounds.annotate(response_count=Count("responses")).order_by("slug")


def hearing_round_get(*, guideline_slug: str, slug: str) -> HearingRound:
    """Return one hearing round with its responses and their recommendations, or raise 404."""
    links = HearingResponseLink.objects.select_related("recommendation__guideline").order_by(
        "recommendation__order"
    )
    return get_object_or_404(
        HearingRound.objects.select_related("guideline").prefetch_related(
            Prefetch(
                "responses",
                queryset=HearingResponse.objects.order_by("order").prefetch_related(
                    Prefetch("links", queryset=links)
                ),
            )
        ),
        guideline__slug=guideline_slug,
        slug=slug,
    )
