"""Writing the content from fixtures/: content_seed (atomic; never overwrites an edited row)."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from . import audit
from .content import (
    FIXTURES_DIR,
    guidelines_content_load,
    red_flags_content_load,
    search_synonyms_content_load,
    startback_content_load,
)
from .content_hearings import HearingContent, hearings_content_load
from .models import (
    SEEDED_MARK,
    AuditAction,
    Guideline,
    HearingResponse,
    HearingResponseLink,
    HearingRound,
    Recommendation,
    RecommendationDraft,
    RedFlag,
    SearchSynonym,
    StartBackItem,
    VersionOrigin,
)
from .provenance import provenance_of_text, text_of
from .search_index import search_index_refresh


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _fingerprint(values: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(values, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


# Every version seed_content writes says so in its change reason, and a hearing draft's reason
# starts with HEARING_DRAFT_MARK; the pages read the version's origin, which the seed sets.
HEARING_DRAFT_MARK = "Høringsudkast"
SEED_REASON = "Indlæst fra retningslinjens kilde (seed_content)."
SEED_UPDATE_REASON = "Opdateret fra retningslinjens kilde (seed_content)."


def _save_seeded(
    obj: models.Model,
    values: dict,
    *,
    fingerprint: str,
    reason: str,
    origin: VersionOrigin = VersionOrigin.SEEDED,
) -> None:
    for key, value in values.items():
        setattr(obj, key, value)
    obj.seeded_fingerprint = fingerprint
    obj._change_reason = reason  # django-simple-history stores it with the history record
    obj.save()
    # The version just recorded says it was loaded, not published (models.VersionOrigin).
    latest = obj.history.order_by("-history_id").values("history_id")[:1]
    obj.history.filter(history_id__in=latest).update(origin=origin)


def _upsert(
    model: type[models.Model],
    *,
    lookup: dict,
    fields: dict,
    name: str,
    report: SeedReport,
) -> models.Model:
    """Create or update one seeded row, unless someone edited it since it was seeded.

    The row remembers the fingerprint of what the seed last wrote. If its content no longer
    matches that fingerprint an editor changed it, and their change wins over the fixture.
    """
    fields = dict(fields)
    exported = fields.pop("seeded_fingerprint", "")
    obj = model.objects.filter(**lookup).first()
    new = _fingerprint(fields)
    if obj is None:
        obj = model(**lookup)
        # Exported content keeps the fingerprint its first seed wrote (export_content).
        _save_seeded(obj, fields, fingerprint=exported or new, reason=SEED_REASON)
        report.created.append(name)
    elif _fingerprint({key: getattr(obj, key) for key in fields}) != obj.seeded_fingerprint:
        report.skipped.append(name)
    elif obj.seeded_fingerprint != new:
        _save_seeded(obj, fields, fingerprint=new, reason=SEED_UPDATE_REASON)
        report.updated.append(name)
    else:
        report.unchanged.append(name)
    return obj


def _recommendation_upsert(
    *,
    guideline: Guideline,
    slug: str,
    fields: dict,
    earlier: list[tuple[dict, str]],
    final_reason: str,
    has_draft: bool,
    name: str,
    report: SeedReport,
    provenance: dict,
) -> Recommendation:
    """Create or update one seeded recommendation by the `_upsert` rule, as published versions.

    Each write publishes a version (history records it with its reason). `earlier` holds
    versions that came before the fixture's text (a hearing draft), written only on creation.
    An open draft counts as an edit in progress: the seed leaves the row alone.
    """
    fields = dict(fields)
    exported = fields.pop("seeded_fingerprint", "")
    versions = fields.pop("versions", [])
    rec = Recommendation.objects.filter(guideline=guideline, slug=slug).first()
    new = _fingerprint(fields)

    def publish(
        values: dict,
        reason: str,
        origin: VersionOrigin = VersionOrigin.SEEDED,
        published_at: str | None = None,
    ) -> None:
        rec.version += 1
        rec.published_at = published_at or timezone.now()
        _save_seeded(rec, values, fingerprint=exported or new, reason=reason, origin=origin)
        audit.audit_record(action=AuditAction.SEEDED, recommendation=rec, change_reason=reason)

    if rec is None:
        rec = Recommendation(guideline=guideline, slug=slug, version=0, provenance=provenance)
        if versions:
            # Exported content: every published version again, with its reason and date.
            for version in versions:
                text = {key: version[key] for key in PUBLISHED_FIELDS if key in version}
                publish(
                    {**fields, **text},
                    version["change_reason"],
                    VersionOrigin(version["origin"]),
                    version["published_at"],
                )
        else:
            for overrides, reason in earlier:  # the hearing drafts the source cites
                publish({**fields, **overrides}, reason, VersionOrigin.HEARING_DRAFT)
            publish(fields, final_reason)
        report.created.append(name)
    elif has_draft or _fingerprint({key: getattr(rec, key) for key in fields}) != (
        rec.seeded_fingerprint
    ):
        report.skipped.append(name)
    elif rec.seeded_fingerprint != new:
        # A changed fixture is a published change: readers see the version grow.
        publish(fields, SEED_UPDATE_REASON)
        report.updated.append(name)
    else:
        report.unchanged.append(name)
    return rec


def _provenance_seed(rec: Recommendation, provenance: dict, verified: dict | None) -> None:
    """Keep the recommendation's provenance as the fixture declares it.

    Provenance describes the seeded texts and is not something an editor revises, so it is
    not part of the content fingerprint: a re-seed updates it even on a row an editor has
    changed, without a new version, and an editor's words stay nkr's (Recommendation.
    provenance_of). Versions recorded before provenance existed (an older database) get it
    too, so the history API shows it for every version, and a version an editor published
    before an editor's words were told apart from the source's is told apart now.
    """
    # The history is read once: what the seed loaded (the source's texts) comes from it, and
    # each version's provenance is checked against those (Recommendation.provenance_of, which
    # would read them again for every version).
    records = [(record, text_of(record)) for record in rec.history.all()]
    loaded = [text for record, text in records if record.origin != VersionOrigin.PUBLISHED]
    wanted = provenance_of_text(provenance, text_of(rec), loaded)
    if rec.provenance != wanted:
        Recommendation.objects.filter(pk=rec.pk).update(
            provenance=wanted, updated_at=timezone.now()
        )
        rec.provenance = wanted
    for record, text in records:
        kept = provenance_of_text(record.provenance or provenance, text, loaded)
        if record.provenance != kept:
            rec.history.filter(history_id=record.history_id).update(provenance=kept)
    if verified and not rec.verified:
        # Loaded from an export: the check recorded in the other database comes with it.
        Recommendation.objects.filter(pk=rec.pk).update(verified=verified)
        rec.verified = verified


def _hearing_revisions(hearings: list[HearingContent]) -> dict[tuple[str, str], tuple]:
    """Return (guideline, recommendation) -> (earlier versions, reason for the published one)."""
    revisions = {}
    for hearing in hearings:
        for slug, revision in hearing.revisions.items():
            draft = {
                "title": revision["draft_title"],
                "strength": revision["draft_strength"],
                "source_ref": revision["draft_source_ref"],
            }
            reason = (
                f"{HEARING_DRAFT_MARK} sendt i {hearing.fields['title'][0].lower()}"
                f"{hearing.fields['title'][1:]}: anbefalingen og dens styrke, som høringssvarene "
                f"citerer dem ({revision['draft_source_ref']}). Kilderne citerer ikke udkastets "
                f"begrundelse; den vist her er den publicerede. Indlæst af {SEEDED_MARK}."
            )
            final = f"{revision['change_reason']} (Indlæst fra kilden af {SEEDED_MARK}.)"
            revisions[(hearing.guideline, slug)] = ([(draft, reason)], final)
    return revisions


_RESPONSE_FIELDS = (
    "organisation",
    "received_on",
    "text",
    "addresses_guideline",
    "disposition",
    "reply",
    "disposition_source",
    "source_ref",
)


def _hearings_seed(hearings: list[HearingContent], report: SeedReport) -> None:
    """Load the hearing rounds and their responses by the same never-overwrite-edits rule."""
    for hearing in hearings:
        guideline = Guideline.objects.get(slug=hearing.guideline)
        hearing_round = _upsert(
            HearingRound,
            lookup={"guideline": guideline, "slug": hearing.slug},
            fields=hearing.fields,
            name=f"hearing/{hearing.slug}",
            report=report,
        )
        recs = {rec.slug: rec for rec in guideline.recommendations.all()}
        for item in hearing.responses:
            _hearing_response_upsert(
                hearing_round,
                item,
                recs,
                name=f"hearing/{hearing.slug}/{item['order']}",
                report=report,
            )


def _response_state(response: HearingResponse) -> dict:
    links = response.links.select_related("recommendation").order_by("recommendation__order")
    return {
        **{key: getattr(response, key) for key in _RESPONSE_FIELDS},
        "links": {link.recommendation.slug: link.excerpt for link in links},
    }


def _was_deleted(hearing_round: HearingRound, order: int) -> bool:
    return HearingResponse.history.filter(
        hearing_round_id=hearing_round.pk, order=order, history_type="-"
    ).exists()


def _hearing_response_upsert(
    hearing_round: HearingRound, item: dict, recs: dict, *, name: str, report: SeedReport
) -> None:
    # As _upsert, with the response's links to recommendations counted as its content.
    values = {key: item[key] for key in _RESPONSE_FIELDS}
    new = _fingerprint({**values, "links": item["links"]})
    response = HearingResponse.objects.filter(
        hearing_round=hearing_round, order=item["order"]
    ).first()
    if response is None and _was_deleted(hearing_round, item["order"]):
        # Deleting a response is an edit too (its history keeps the deleted record).
        report.skipped.append(name)
        return
    if response is None:
        response = HearingResponse(hearing_round=hearing_round, order=item["order"])
        report.created.append(name)
    elif _fingerprint(_response_state(response)) != response.seeded_fingerprint:
        report.skipped.append(name)
        return
    elif response.seeded_fingerprint != new:
        report.updated.append(name)
    else:
        report.unchanged.append(name)
        return
    _save_seeded(response, values, fingerprint=new, reason=SEED_REASON)
    response.links.exclude(recommendation__slug__in=item["links"]).delete()
    for slug, excerpt in item["links"].items():
        HearingResponseLink.objects.update_or_create(
            response=response, recommendation=recs[slug], defaults={"excerpt": excerpt}
        )


@transaction.atomic
def content_seed(*, fixtures_dir: Path = FIXTURES_DIR) -> SeedReport:
    """Load all guideline content from the fixtures; never overwrite edited rows."""
    guidelines = guidelines_content_load(fixtures_dir)
    red_flags = red_flags_content_load(fixtures_dir)
    startback = startback_content_load(fixtures_dir)
    hearings = hearings_content_load(fixtures_dir, guidelines)
    synonyms = search_synonyms_content_load(fixtures_dir)
    revisions = _hearing_revisions(hearings)
    drafted = set(RecommendationDraft.objects.values_list("recommendation_id", flat=True))
    report = SeedReport()
    for content in guidelines:
        fields = dict(content.fields)
        slug = fields.pop("slug")
        guideline = _upsert(
            Guideline, lookup={"slug": slug}, fields=fields, name=slug, report=report
        )
        existing = {rec.slug: rec.pk for rec in guideline.recommendations.all()}
        for item in content.recommendations:
            item = dict(item)
            rec_slug = item.pop("slug")
            provenance = item.pop("provenance")
            verified = item.pop("verified", None)  # exported content: an editor's check
            earlier, final_reason = revisions.get((slug, rec_slug), ([], SEED_REASON))
            rec = _recommendation_upsert(
                guideline=guideline,
                slug=rec_slug,
                fields=item,
                earlier=earlier,
                final_reason=final_reason,
                has_draft=existing.get(rec_slug) in drafted,
                name=f"{slug}/{rec_slug}",
                report=report,
                provenance=provenance,
            )
            _provenance_seed(rec, provenance, verified)
    for flag in red_flags:
        flag = dict(flag)
        code = flag.pop("code")
        _upsert(RedFlag, lookup={"code": code}, fields=flag, name=f"red-flag/{code}", report=report)
    for item in startback["items"]:
        _upsert(
            StartBackItem,
            lookup={"number": item["number"]},
            fields={
                "text_en": item["text_en"],
                "text_da": item.get("text_da", ""),
                "source": startback["source"],
                "seeded_fingerprint": item.get("seeded_fingerprint", ""),
            },
            name=f"startback/{item['number']}",
            report=report,
        )
    _hearings_seed(hearings, report)
    for synonym in synonyms:
        synonym = dict(synonym)
        lookup = {"term": synonym.pop("term"), "target": synonym.pop("target")}
        name = f"search-synonym/{lookup['term']}→{lookup['target']}"
        _upsert(SearchSynonym, lookup=lookup, fields=synonym, name=name, report=report)
    search_index_refresh()
    audit.logger.info(
        "seed_content created=%d updated=%d unchanged=%d skipped=%d",
        len(report.created),
        len(report.updated),
        len(report.unchanged),
        len(report.skipped),
    )
    return report


# What a published version is: the draft's fields and the source reference (a seeded hearing
# draft has its own). Restoring a version brings all of them back.
PUBLISHED_FIELDS = (*RecommendationDraft.FIELDS, "source_ref")
