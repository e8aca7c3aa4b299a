"""Guideline content: guidelines, their recommendations, red flags and the STarT Back items.

The content itself lives in fixtures/ and is loaded by `seed_content`; these models hold it so
editors can revise it and readers can search it. One module per concept; import the names from
here (`from recommendations.models import Recommendation`).
"""

from .base import (
    SEEDED_MARK,
    Timestamped,
    VersionOrigin,
    VersionRecord,
    history_author_set,
    reason_for_readers,
)
from .content import (
    SEARCH_INDEX_FIELDS,
    Certainty,
    Direction,
    Guideline,
    Recommendation,
    RecommendationText,
    RedFlag,
    RedFlagCategory,
    RedFlagLevel,
    StartBackItem,
    Strength,
)
from .editing import AuditAction, AuditEvent, RecommendationDraft
from .hearings import Disposition, HearingResponse, HearingResponseLink, HearingRound, HearingStatus
from .search import SearchSynonym, SearchTerm, SynonymKind
from .throttling import ThrottleCount

__all__ = [
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
