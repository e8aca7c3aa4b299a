"""Reading and checking the hearing rounds in fixtures/hearings/ before anything is written."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from recommendations.content import ContentError, GuidelineContent, read_json, require

from .models import (
    Disposition,
    HearingStatus,
    Strength,
)

_HEARING_KEYS = {"guideline", "title", "opens_on", "closes_on", "status", "source", "responses"}
_RESPONSE_KEYS = {
    "order",
    "organisation",
    "received_on",
    "source_ref",
    "text",
    "addresses",
    "addresses_guideline",
    "excerpts",
    "disposition",
    "reply",
    "disposition_source",
}
_REVISION_KEYS = {
    "draft_title",
    "draft_strength",
    "published_title",
    "change_reason",
    "draft_source_ref",
    "published_source_ref",
}
# A hearing file's "<recommendation-slug>_revision" keys name recommendations whose hearing
# draft is known (CONTENT.md: the CBT recommendation, quoted by DSAM).
_REVISION_SUFFIX = "_revision"


@dataclass(frozen=True)
class HearingContent:
    slug: str
    guideline: str
    fields: dict[str, Any]
    responses: list[dict[str, Any]]
    # recommendation slug -> its hearing draft and the published text's change reason
    revisions: dict[str, dict[str, Any]]


def _date_or_none(value: Any, where: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except (TypeError, ValueError) as error:
        raise ContentError(f"{where}: {value!r} is not a date (YYYY-MM-DD) or null") from error


def hearing_content_load(path: Path, guidelines: list[GuidelineContent]) -> HearingContent:
    """Return one hearing round file, checked against the guidelines it refers to."""
    data = read_json(path)
    where = path.name
    revision_keys = {key for key in data if key.endswith(_REVISION_SUFFIX)}
    unknown = set(data) - _HEARING_KEYS - revision_keys
    require(not unknown, where, f"unknown keys {sorted(unknown)}")
    by_slug = {guideline.fields["slug"]: guideline for guideline in guidelines}
    require(data.get("guideline") in by_slug, where, f"unknown guideline {data.get('guideline')!r}")
    recommendations = {rec["slug"]: rec for rec in by_slug[data["guideline"]].recommendations}
    require(bool(data.get("title")), where, "'title' is required")
    require(data.get("status") in HearingStatus.values, where, f"status {data.get('status')!r}")
    fields = {
        "title": data["title"],
        "opens_on": _date_or_none(data.get("opens_on"), f"{where} opens_on"),
        "closes_on": _date_or_none(data.get("closes_on"), f"{where} closes_on"),
        "status": data["status"],
        "source": data.get("source", ""),
    }
    responses = [_response_fields(item, recommendations, where=where) for item in data["responses"]]
    orders = [response["order"] for response in responses]
    require(len(orders) == len(set(orders)), where, "response numbers repeat")
    revisions = {}
    for key in sorted(revision_keys):
        slug = key.removesuffix(_REVISION_SUFFIX)
        spot = f"{where} {key}"
        revision = data[key]
        require(slug in recommendations, spot, f"unknown recommendation {slug!r}")
        require(set(revision) == _REVISION_KEYS, spot, f"needs exactly {sorted(_REVISION_KEYS)}")
        require(revision["draft_strength"] in Strength.values, spot, "draft_strength")
        require(
            revision["published_title"] == recommendations[slug]["title"],
            spot,
            "published_title differs from the guideline fixture's title",
        )
        require(bool(revision["change_reason"].strip()), spot, "'change_reason' is required")
        revisions[slug] = revision
    return HearingContent(
        slug=path.stem,
        guideline=data["guideline"],
        fields=fields,
        responses=responses,
        revisions=revisions,
    )


def _response_fields(
    item: dict[str, Any], recommendations: dict[str, Any], *, where: str
) -> dict[str, Any]:
    where = f"{where} response {item.get('order', '?')}"
    unknown = set(item) - _RESPONSE_KEYS
    require(not unknown, where, f"unknown keys {sorted(unknown)}")
    for key in ("order", "organisation", "text"):
        require(bool(item.get(key)), where, f"'{key}' is required")
    addresses = item.get("addresses", [])
    strays = set(addresses) - set(recommendations)
    require(not strays, where, f"addresses unknown recommendations {sorted(strays)}")
    excerpts = item.get("excerpts", {})
    require(
        set(excerpts) <= set(addresses), where, "an excerpt names a recommendation not addressed"
    )
    require(
        item.get("disposition") in Disposition.values,
        where,
        f"disposition {item.get('disposition')!r}",
    )
    return {
        "order": item["order"],
        "organisation": item["organisation"],
        "received_on": _date_or_none(item.get("received_on"), f"{where} received_on"),
        "text": item["text"],
        "addresses_guideline": bool(item.get("addresses_guideline", True)),
        "disposition": item["disposition"],
        "reply": item.get("reply", ""),
        "disposition_source": item.get("disposition_source", ""),
        "source_ref": item.get("source_ref", ""),
        "links": {slug: excerpts.get(slug, "") for slug in addresses},
    }


def hearings_content_load(
    directory: Path, guidelines: list[GuidelineContent]
) -> list[HearingContent]:
    """Return every hearing round in fixtures/hearings, checked."""
    return [
        hearing_content_load(path, guidelines) for path in sorted(directory.glob("hearings/*.json"))
    ]
