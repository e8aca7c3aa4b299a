"""The rules module: a typed intake in, graded recommendations with reasons out. Pure."""

from .evaluate import (
    Alert,
    AppliedRecommendation,
    Evaluation,
    GuidelineResult,
    GuidelineRule,
    RecommendationRule,
    RedFlagRule,
    RulesContent,
    evaluate,
    red_flag_alerts,
)
from .intake import Intake, Medication

__all__ = [
    "Alert",
    "AppliedRecommendation",
    "Evaluation",
    "GuidelineResult",
    "GuidelineRule",
    "Intake",
    "Medication",
    "RecommendationRule",
    "RedFlagRule",
    "RulesContent",
    "evaluate",
    "red_flag_alerts",
]
