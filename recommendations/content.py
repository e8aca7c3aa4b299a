"""Read and check the guideline content in fixtures/ before anything is written.

The fixture files are the source of truth for seeded content (docs/content.md). Checking them
up front means a bad file stops `seed_content` with a message naming the file and the
recommendation, and nothing is half-loaded.
"""

import json
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from .models import (
    Certainty,
    Direction,
    Guideline,
    RecommendationDraft,
    RedFlagCategory,
    RedFlagLevel,
    Strength,
    SynonymKind,
    VersionOrigin,
)
from .provenance import provenance_problems
from .rules.conditions import condition_validate
from .rules.drugs import drug_table
from .rules.fact_registry import FACT_BY_NAME

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

# The fixtures' format, read here and written by export_content in this order: a guideline's
# keys (beside its "recommendations") and a recommendation's own keys.
GUIDELINE_KEYS = (
    "slug",
    "order",
    *Guideline.TEXT_FIELDS,
    "source_ref",
    "trace",
    "scope",
    "seeded_fingerprint",
)
RECOMMENDATION_KEYS = (
    "slug",
    "order",
    *RecommendationDraft.FIELDS,
    "source_ref",
    "checklist",
    "drugs",
    "applies_when",
)
# Written by export_content (content that travels between databases): the published versions,
# oldest first, and the fingerprint of what the seed once wrote, so an editor's change stays
# recognised as one in the database it is loaded into.
_EXPORT_KEYS = {"versions", "seeded_fingerprint", "verified"}
_VERSION_KEYS = {"version", "published_at", "change_reason", "origin"}
# Keys kept verbatim in Recommendation.extra: the seed's exception text, notes shown beside it,
# and `trace`: internal build references (seed lines, CONTENT.md decisions) kept for review,
# not shown as the reader's citation.
_RECOMMENDATION_EXTRA_KEYS = {"exception", "startback_note", "startback_note_source", "trace"}


class ContentError(ValueError):
    """The fixture content is malformed; the message names the file and item."""


@dataclass(frozen=True)
class GuidelineContent:
    fields: dict[str, Any]
    recommendations: list[dict[str, Any]]


def require(condition: bool, where: str, message: str) -> None:
    """Raise ContentError naming `where` (the file and item) unless `condition` holds."""
    if not condition:
        raise ContentError(f"{where}: {message}")


def read_json(path: Path) -> Any:
    """Return a fixture file's JSON; a file that is not JSON is a ContentError naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ContentError(f"{path.name}: not valid JSON ({error})") from error


def _placeholders_check(text: str, *, where: str) -> None:
    """Fail unless every {placeholder} in a scope text names a fact (evaluation fills them in)."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as error:
        raise ContentError(f"{where}: {error}") from error
    unknown = sorted(set(names) - set(FACT_BY_NAME))
    require(not unknown, where, f"unknown placeholders {unknown}; allowed: facts by name")


def guideline_content_load(path: Path) -> GuidelineContent:
    """Return one guideline file's fields and recommendations, checked."""
    data = read_json(path)
    where = path.name
    unknown = set(data) - {*GUIDELINE_KEYS, "recommendations"}
    require(not unknown, where, f"unknown keys {sorted(unknown)}")
    for key in ("slug", "title", "short_title", "population", "population_summary", "source"):
        require(bool(data.get(key)), where, f"'{key}' is required")
    for index, criterion in enumerate(data.get("scope", [])):
        spot = f"{where} scope[{index}]"
        require(
            set(criterion) == {"condition", "met", "unmet"},
            spot,
            "needs exactly condition, met and unmet",
        )
        condition_validate(criterion["condition"], where=spot)
        for key in ("met", "unmet"):
            _placeholders_check(criterion[key], where=f"{spot} {key}")
    fields = {key: data.get(key, "") for key in GUIDELINE_KEYS if key != "seeded_fingerprint"}
    if "seeded_fingerprint" in data:
        fields["seeded_fingerprint"] = data["seeded_fingerprint"]
    fields["scope"] = data.get("scope", [])
    recommendations = [
        _recommendation_fields(item, where=f"{data['slug']}/{item.get('slug', '?')}")
        for item in data["recommendations"]
    ]
    slugs = [item["slug"] for item in recommendations]
    require(len(slugs) == len(set(slugs)), where, "recommendation slugs repeat")
    return GuidelineContent(fields=fields, recommendations=recommendations)


def _recommendation_fields(item: dict[str, Any], *, where: str) -> dict[str, Any]:
    # applies_when_text is a human note in the file; the page describes the condition itself.
    unknown = (
        set(item)
        - set(RECOMMENDATION_KEYS)
        - _RECOMMENDATION_EXTRA_KEYS
        - _EXPORT_KEYS
        - {"applies_when_text", "provenance"}
    )
    require(not unknown, where, f"unknown keys {sorted(unknown)}")
    require(item.get("strength") in Strength.values, where, f"strength {item.get('strength')!r}")
    require(
        item.get("direction") in Direction.values, where, f"direction {item.get('direction')!r}"
    )
    require(
        item.get("certainty") in [None, "", *Certainty.values],
        where,
        f"certainty {item.get('certainty')!r}",
    )
    for key in ("title", "rationale", "source"):
        require(bool(item.get(key, "").strip()), where, f"'{key}' is required")
    condition_validate(item.get("applies_when"), where=where)
    exception = item.get("exception")
    if exception:
        condition_validate(exception.get("when"), where=f"{where} exception")
    # A misspelt drug code would silently drop the "current medication advised against" alert.
    drugs = item.get("drugs") or []
    require(isinstance(drugs, list), where, "'drugs' must be a list of drug codes")
    unknown_drugs = sorted(set(drugs) - set(drug_table()))
    require(not unknown_drugs, where, f"unknown drugs {unknown_drugs} (see fixtures/drugs.json)")
    fields = {key: item.get(key) for key in RECOMMENDATION_KEYS}
    for key in ("certainty", "certainty_note", "update_note", "source_ref", "strength_source"):
        fields[key] = fields[key] or ""
    fields["checklist"] = fields["checklist"] or []
    fields["drugs"] = fields["drugs"] or []
    fields["extra"] = {key: item[key] for key in _RECOMMENDATION_EXTRA_KEYS if key in item}
    problems = provenance_problems(item.get("provenance"))
    require(not problems, where, f"provenance: {'; '.join(problems)}")
    # Not content an editor revises: seeded beside the fingerprinted fields (services.py).
    fields["provenance"] = item["provenance"]
    if "seeded_fingerprint" in item:
        fields["seeded_fingerprint"] = item["seeded_fingerprint"]
    if item.get("verified"):
        fields["verified"] = item["verified"]
    if "versions" in item:
        fields["versions"] = _versions_check(item["versions"], where=where)
    return fields


def _versions_check(versions: Any, *, where: str) -> list[dict[str, Any]]:
    """Return an exported recommendation's published versions, checked: 1, 2, ... in order."""
    require(isinstance(versions, list) and bool(versions), where, "'versions' must be a list")
    for number, version in enumerate(versions, start=1):
        spot = f"{where} versions[{number - 1}]"
        require(version.get("version") == number, spot, f"expected version {number}")
        require(_VERSION_KEYS <= set(version), spot, f"needs {sorted(_VERSION_KEYS)}")
        require(version["origin"] in VersionOrigin.values, spot, f"origin {version['origin']!r}")
    return versions


def guideline_slugs_in_fixtures(directory: Path = FIXTURES_DIR) -> list[str]:
    """Return the slug of every guideline in fixtures/guidelines (each file's "slug")."""
    return sorted(read_json(path)["slug"] for path in directory.glob("guidelines/*.json"))


def guidelines_content_load(directory: Path = FIXTURES_DIR) -> list[GuidelineContent]:
    """Return every guideline in fixtures/guidelines, in guideline order."""
    loaded = [guideline_content_load(path) for path in sorted(directory.glob("guidelines/*.json"))]
    return sorted(loaded, key=lambda guideline: guideline.fields["order"])


def red_flags_content_load(directory: Path = FIXTURES_DIR) -> list[dict[str, Any]]:
    """Return the red-flag table (seed 003, Tabel 1), checked."""
    flags = read_json(directory / "red_flags.json")
    for flag in flags:
        where = f"red_flags.json {flag.get('code', '?')}"
        require(flag.get("level") in RedFlagLevel.values, where, f"level {flag.get('level')!r}")
        require(bool(flag.get("categories")), where, "categories are required")
        require(
            set(flag["categories"]) <= set(RedFlagCategory.values),
            where,
            f"categories {flag['categories']!r}",
        )
        require(
            bool(flag.get("label")) and bool(flag.get("source")),
            where,
            "label and source are required",
        )
    return flags


def startback_content_load(directory: Path = FIXTURES_DIR) -> dict[str, Any]:
    """Return the STarT Back tool's items, source and copyright notice."""
    data = read_json(directory / "startback.json")
    numbers = [item["number"] for item in data["items"]]
    require(numbers == list(range(1, 10)), "startback.json", "items must be numbered 1-9")
    return data


@cache
def startback_notice() -> dict[str, str]:
    """Return the STarT Back tool's name, copyright statement and instructions (shown with it)."""
    data = startback_content_load()
    return {
        key: data.get(key, "")
        for key in ("name", "copyright", "instructions_en", "instructions_da", "translation_note")
    }


# A search synonym's keys in fixtures/search_synonyms.json, in the order export_content writes.
SYNONYM_KEYS = (
    "term",
    "target",
    "kind",
    "atc_code",
    "source",
    "source_checked",
    "seeded_fingerprint",
)


def search_synonyms_content_load(directory: Path = FIXTURES_DIR) -> list[dict[str, Any]]:
    """Return the search synonyms (fixtures/search_synonyms.json), each with its source."""
    data = read_json(directory / "search_synonyms.json")
    seen = set()
    for item in data["synonyms"]:
        where = f"search_synonyms.json {item.get('term', '?')} → {item.get('target', '?')}"
        unknown = set(item) - set(SYNONYM_KEYS)
        require(not unknown, where, f"unknown keys {unknown}")
        require(item.get("kind") in SynonymKind.values, where, f"kind {item.get('kind')!r}")
        require(bool(item.get("source")), where, "source is required")
        # Search compares case-folded words: an entry in capitals would never match.
        for key in ("term", "target"):
            value = item.get(key, "")
            require(bool(value) and value == value.casefold().strip(), where, f"{key} lower case")
        require(
            (item["kind"] == SynonymKind.TRADE_NAME) <= bool(item.get("atc_code")),
            where,
            "a trade name needs its ATC code",
        )
        pair = (item["term"], item["target"])
        require(pair not in seen, where, "listed twice")
        seen.add(pair)
    return data["synonyms"]
