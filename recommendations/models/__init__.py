"""Guideline content: guidelines, their recommendations, red flags and the STarT Back items.

The content itself lives in fixtures/ and is loaded by `seed_content`; these models hold it so
editors can revise it and readers can search it. One module per concept; import the names from
here (`from recommendations.models import Recommendation`).
"""

from .base import (
    SEEDED_MARK,
    Timestamped,
    VersionRecord,
    history_author_set,
    reason_for_readers,
)
from .choices import (
    AuditAction,
    Certainty,
    Direction,
    Disposition,
    HearingStatus,
    RedFlagCategory,
    RedFlagLevel,
    Strength,
    SynonymKind,
    VersionOrigin,
)
from .content import (
    RECOMMENDATION_HEADING_FIELDS,
    RECOMMENDATION_TITLE_MAX_LENGTH,
    SEARCH_INDEX_FIELDS,
    Guideline,
    Recommendation,
    RecommendationText,
    RedFlag,
    StartBackItem,
)
from .editing import AuditEvent, RecommendationDraft
from .hearings import HearingResponse, HearingResponseLink, HearingRound
from .search import SearchSynonym, SearchTerm
from .throttling import ThrottleCount

# Every model whose text a reader sees on a page or in the read API (content_version.py reads
# their history). Drafts are not among them: readers never see one.
PUBLISHED_MODELS = (
    Guideline,
    Recommendation,
    RedFlag,
    StartBackItem,
    HearingRound,
    HearingResponse,
    HearingResponseLink,
    SearchSynonym,  # search answers in the read API depend on them
)

__all__ = [
    "PUBLISHED_MODELS",
    "RECOMMENDATION_HEADING_FIELDS",
    "RECOMMENDATION_TITLE_MAX_LENGTH",
    "SEARCH_INDEX_FIELDS",
    "SEEDED_MARK",
    "AuditAction",
    "AuditEvent",
    "Certainty",
    "Direction",
    "Disposition",
    "Guideline",
    "HearingResponse",
    "HearingResponseLink",
    "HearingRound",
    "HearingStatus",
    "Recommendation",
    "RecommendationDraft",
    "RecommendationText",
    "RedFlag",
    "RedFlagCategory",
    "RedFlagLevel",
    "SearchSynonym",
    "SearchTerm",
    "StartBackItem",
    "Strength",
    "SynonymKind",
    "ThrottleCount",
    "Timestamped",
    "VersionOrigin",
    "VersionRecord",
    "history_author_set",
    "reason_for_readers",
]
