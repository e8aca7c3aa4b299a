"""The live content written out in the fixtures' format (`manage.py export_content DIR`).

What editors did in one database (published versions with their reasons and dates, live
changes to guidelines, red flags and STarT Back items, hearing responses and their dispositions,
search synonyms) can be loaded into an empty one with `seed_content --fixtures DIR`. Each item
keeps the fingerprint of what the seed first wrote, so an edited item is still recognised as
edited there and a later `seed_content` from the repository's fixtures leaves it alone.

Drafts, audit events and user accounts stay where they are: they are work in progress and
people, not published content.
"""

import json
import shutil
from pathlib import Path
from typing import Any

from recommendations.content import (
    FIXTURES_DIR,
    GUIDELINE_KEYS,
    RECOMMENDATION_KEYS,
    SYNONYM_KEYS,
)
from recommendations.history_selectors import recommendation_versions

from .models import (
    Guideline,
    HearingRound,
    Recommendation,
    RecommendationDraft,
    RedFlag,
    SearchSynonym,
    StartBackItem,
)

# Reference tables that editors cannot change: copied, so DIR is a complete fixtures folder.
STATIC_FILES = ("drugs.json", "dose_steps.json", "fhir_mapping.json", "alerts.json")
RECOMMENDATION_FIELDS = (
    *RECOMMENDATION_KEYS,
    "seeded_fingerprint",
    # Where the words and grade come from, and an editor's check against the publication
    # (provenance.py, verification.py): both travel with the content.
    "provenance",
    "verified",
)
VERSION_FIELDS = RecommendationDraft.FIELDS  # a recommendation's texts


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _recommendation(rec: Recommendation) -> dict[str, Any]:
    item = {key: getattr(rec, key) for key in RECOMMENDATION_FIELDS}
    item |= rec.extra  # exception, notes and trace, as the fixture had them
    versions = sorted(recommendation_versions(recommendation=rec), key=lambda v: v.version)
    item["versions"] = [
        {key: getattr(version, key) for key in VERSION_FIELDS}
        | {
            "version": version.version,
            "published_at": version.published_at.isoformat(),
            "change_reason": version.change_reason,
            "origin": version.origin,
        }
        for version in versions
    ]
    return item


def _hearing(hearing_round: HearingRound) -> dict[str, Any]:
    responses = []
    for response in hearing_round.responses.order_by("order").prefetch_related(
        "links__recommendation"
    ):
        links = sorted(response.links.all(), key=lambda link: link.recommendation.order)
        responses.append(
            {
                "order": response.order,
                "organisation": response.organisation,
                "received_on": response.received_on.isoformat() if response.received_on else None,
                "source_ref": response.source_ref,
                "text": response.text,
                "addresses": [link.recommendation.slug for link in links],
                "addresses_guideline": response.addresses_guideline,
                "excerpts": {link.recommendation.slug: link.excerpt for link in links},
                "disposition": response.disposition,
                "reply": response.reply,
                "disposition_source": response.disposition_source,
            }
        )
    return {
        "guideline": hearing_round.guideline.slug,
        "title": hearing_round.title,
        "opens_on": hearing_round.opens_on.isoformat() if hearing_round.opens_on else None,
        "closes_on": hearing_round.closes_on.isoformat() if hearing_round.closes_on else None,
        "status": hearing_round.status,
        "source": hearing_round.source,
        "responses": responses,
    }


def content_export(directory: Path) -> list[str]:
    """Write the live published content to `directory` as fixtures; return the files written."""
    written: list[Path] = []
    for guideline in Guideline.objects.order_by("order"):
        data = {key: getattr(guideline, key) for key in GUIDELINE_KEYS}
        data["recommendations"] = [
            _recommendation(rec) for rec in guideline.recommendations.order_by("order")
        ]
        written.append(directory / "guidelines" / f"{guideline.slug}.json")
        _write(written[-1], data)
    flags = [
        {
            "code": flag.code,
            "order": flag.order,
            "label": flag.label,
            "categories": flag.categories,
            "level": flag.level,
            "source": flag.source,
            "source_ref": flag.source_ref,
            "seeded_fingerprint": flag.seeded_fingerprint,
        }
        for flag in RedFlag.objects.order_by("order")
    ]
    written.append(directory / "red_flags.json")
    _write(written[-1], flags)
    # The tool's name, copyright and instructions are the repository's; the items are live.
    startback = json.loads((FIXTURES_DIR / "startback.json").read_text(encoding="utf-8"))
    items = StartBackItem.objects.order_by("number")
    startback["source"] = items[0].source if items else startback["source"]
    startback["items"] = [
        {
            "number": item.number,
            "text_en": item.text_en,
            "text_da": item.text_da,
            "seeded_fingerprint": item.seeded_fingerprint,
        }
        for item in items
    ]
    written.append(directory / "startback.json")
    _write(written[-1], startback)
    for hearing_round in HearingRound.objects.select_related("guideline").order_by("slug"):
        written.append(directory / "hearings" / f"{hearing_round.slug}.json")
        _write(written[-1], _hearing(hearing_round))
    synonyms = json.loads((FIXTURES_DIR / "search_synonyms.json").read_text(encoding="utf-8"))
    synonyms["synonyms"] = [
        {key: getattr(synonym, key) for key in SYNONYM_KEYS}
        for synonym in SearchSynonym.objects.order_by("term", "target")
    ]
    written.append(directory / "search_synonyms.json")
    _write(written[-1], synonyms)
    for name in STATIC_FILES:
        if (FIXTURES_DIR / name).exists():
            written.append(directory / name)
            shutil.copyfile(FIXTURES_DIR / name, written[-1])
    return [str(path.relative_to(directory)) for path in written]
