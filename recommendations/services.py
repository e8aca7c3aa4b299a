"""Writes to guideline content. Each change goes through one function here, atomically."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from . import audit
from .content import (
    FIXTURES_DIR,
    HearingContent,
    guidelines_content_load,
    hearings_content_load,
    red_flags_content_load,
    search_synonyms_content_load,
    startback_content_load,
)
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
        audit.audit_record(
            action=AuditAction.SEEDED, recommendation=rec, version=rec.version, change_reason=reason
        )

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
    changed, without a new version. Versions recorded before provenance existed (an older
    database) get it too, so the history API shows it for every version.
    """
    if rec.provenance != provenance:
        Recommendation.objects.filter(pk=rec.pk).update(
            provenance=provenance, updated_at=timezone.now()
        )
        rec.provenance = provenance
    rec.history.filter(provenance={}).update(provenance=provenance)
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


# Editorial workflow (docs/editing.md). Editors revise a recommendation as a draft that readers
# never see; publishing copies it into the recommendation as a new version. Every step is in
# the recommendation's history (django-simple-history: user, time, text, reason) and its audit
# trail (AuditEvent). Messages are shown to editors as they are; tests import them.

CHANGE_REASON_REQUIRED = "Skriv en begrundelse for ændringen: den vises i versionshistorikken."
NOTHING_TO_PUBLISH = "Der er intet at udgive: teksten er den samme som den udgivne version."
NO_DRAFT = "Anbefalingen har ingen kladde."
DRAFT_OPEN = (
    "Anbefalingen har en åben kladde. Udgiv eller kassér den, før du gendanner en ældre version."
)
UNKNOWN_VERSION = "Version {version} findes ikke for denne anbefaling."
EDIT_CONFLICT = (
    "Din ændring er ikke gemt: {who} gemte anbefalingen {when}, efter at du åbnede den. "
    "Felterne herunder viser stadig din tekst, og tabellen ovenfor viser den gemte tekst ved "
    "siden af din. Din tekst er også gemt i revisionssporet. Flet de to, og gem igen."
)


# What a published version is: the draft's fields and the source reference (a seeded hearing
# draft has its own). Restoring a version brings all of them back.
PUBLISHED_FIELDS = (*RecommendationDraft.FIELDS, "source_ref")


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


def _require_perm(user: AbstractBaseUser, perm: str) -> None:
    if not user.has_perm(f"recommendations.{perm}"):
        raise PermissionDenied(perm)


def _locked(recommendation: Recommendation) -> Recommendation:
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
    rec = _locked(recommendation)
    draft = _draft_of(rec)
    token = _token(rec, draft)
    if token == edit_token:
        return None
    last = rec.audit_events.exclude(action=AuditAction.EDIT_REFUSED).first()
    who = (last.username or "seed_content") if last else "en anden"
    when = timezone.localtime(last.at).strftime("%d.%m.%Y kl. %H:%M") if last else ""
    audit.audit_record(
        action=AuditAction.EDIT_REFUSED,
        recommendation=rec,
        user=user,
        version=rec.version,
        text=normalised_text(text) if text else None,
    )
    source = draft or rec
    return EditConflict(
        token=token,
        message=EDIT_CONFLICT.format(who=who, when=when),
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
    _require_perm(user, "change_recommendation")
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
    rec = _locked(recommendation)
    draft = _draft_of(rec) or RecommendationDraft(
        recommendation=rec, created_by=user, base_version=rec.version
    )
    for key in RecommendationDraft.FIELDS:
        setattr(draft, key, data[key])
    draft.change_reason = change_reason.replace("\r\n", "\n").strip()
    draft.revision += 1
    draft.updated_by = user
    draft._history_user = user
    draft._change_reason = draft.change_reason or None
    draft.save()
    audit.audit_record(
        action=AuditAction.DRAFT_SAVED,
        recommendation=rec,
        user=user,
        version=rec.version,
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
        raise EditorialError(NOTHING_TO_PUBLISH)
    for key, value in values.items():
        setattr(rec, key, value)
    rec.version += 1
    rec.published_at = timezone.now()
    # An editor's check covered the text it checked (verification.py), not this new one.
    rec.verified = None
    rec._history_user = user
    rec._change_reason = reason
    rec.save()
    # Readers search the published text: the index follows it in the same transaction.
    search_index_refresh()
    audit.audit_record(
        action=action, recommendation=rec, user=user, version=rec.version, change_reason=reason
    )
    return rec


def _reason(change_reason: str) -> str:
    reason = change_reason.strip()
    if not reason:
        raise EditorialError(CHANGE_REASON_REQUIRED)
    return reason


@transaction.atomic
def recommendation_publish(
    *, recommendation: Recommendation, user: AbstractBaseUser, change_reason: str
) -> Recommendation:
    """Publish the draft as the recommendation's next version and close the draft."""
    _require_perm(user, "publish_recommendation")
    rec = _locked(recommendation)
    draft = _draft_of(rec)
    if draft is None:
        raise EditorialError(NO_DRAFT)
    reason = _reason(change_reason)
    values = {key: getattr(draft, key) for key in RecommendationDraft.FIELDS}
    _publish(rec, values, user=user, reason=reason, action=AuditAction.PUBLISHED)
    draft._history_user = user
    draft._change_reason = f"Udgivet som version {rec.version}"
    draft.delete()
    return rec


@transaction.atomic
def recommendation_draft_discard(*, recommendation: Recommendation, user: AbstractBaseUser) -> None:
    """Throw the draft away (its text stays in the draft history); readers saw nothing."""
    _require_perm(user, "publish_recommendation")
    rec = _locked(recommendation)
    draft = _draft_of(rec)
    if draft is None:
        raise EditorialError(NO_DRAFT)
    draft._history_user = user
    draft._change_reason = "Kasseret"
    draft.delete()
    audit.audit_record(
        action=AuditAction.DRAFT_DISCARDED, recommendation=rec, user=user, version=rec.version
    )


@transaction.atomic
def recommendation_restore(
    *, recommendation: Recommendation, version: int, user: AbstractBaseUser, change_reason: str
) -> Recommendation:
    """Publish the text of an earlier version again, as a new version."""
    _require_perm(user, "publish_recommendation")
    rec = _locked(recommendation)
    if _draft_of(rec) is not None:
        raise EditorialError(DRAFT_OPEN)
    reason = _reason(change_reason)
    # The version's text is the last record saved under its number (as the history page has it).
    old = (
        Recommendation.history.filter(id=rec.pk, version=version)
        .exclude(history_type="-")
        .order_by("history_date", "history_id")
        .last()
    )
    if old is None:
        raise EditorialError(UNKNOWN_VERSION.format(version=version))
    values = {key: getattr(old, key) for key in PUBLISHED_FIELDS}
    return _publish(
        rec,
        values,
        user=user,
        reason=f"Gendannet fra version {version}: {reason}",
        action=AuditAction.RESTORED,
    )


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
    _require_perm(user, f"change_{model._meta.model_name}")
    obj = model.objects.select_for_update().get(pk=obj.pk)
    data = normalised_text(data)
    changed = {key: value for key, value in data.items() if getattr(obj, key) != value}
    if not changed:
        return obj
    reason = _reason(change_reason)
    for key, value in changed.items():
        setattr(obj, key, value)
    obj._history_user = user
    obj._change_reason = reason
    obj.save()
    if isinstance(obj, Guideline):
        search_index_refresh()  # its titles are part of every recommendation's document
    audit.audit_record(
        action=AuditAction.CONTENT_CHANGED,
        subject=content_subject(obj),
        user=user,
        change_reason=reason,
        text=changed,
    )
    return obj


def guideline_update(
    *, guideline: Guideline, user: AbstractBaseUser, data: dict[str, Any], change_reason: str
) -> Guideline:
    """Save an editor's change to a guideline's texts (live at once: guidelines have no drafts)."""
    return live_content_update(
        obj=guideline,
        user=user,
        data={key: data[key] for key in GUIDELINE_TEXT_FIELDS},
        change_reason=change_reason,
    )


SEARCH_SYNONYM_FIELDS = ("term", "target", "kind", "atc_code", "source", "source_checked")


@transaction.atomic
def search_synonym_save(
    *, synonym: SearchSynonym, user: AbstractBaseUser, data: dict[str, Any], change_reason: str
) -> SearchSynonym:
    """Add or change a search synonym (live at once), with a reason, and rebuild the index."""
    if synonym.pk is None:
        _require_perm(user, "add_searchsynonym")
        for key in SEARCH_SYNONYM_FIELDS:
            setattr(synonym, key, data[key])
        synonym._history_user = user
        synonym._change_reason = _reason(change_reason)
        synonym.save()
        audit.audit_record(
            action=AuditAction.CONTENT_CHANGED,
            subject=content_subject(synonym),
            user=user,
            change_reason=synonym._change_reason,
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
