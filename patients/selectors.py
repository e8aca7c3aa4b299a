"""Reads for the patients app: card feedback for editors, and notes shown on the intake page."""

from dataclasses import dataclass

from django.db.models import Count, Q

from recommendations.models import Recommendation

from .models import CardFeedback, CardOutcome

# The guideline's note that STarT Back is prognostic information only (CONTENT.md), held in the
# fixture as the stratified-care recommendation's extra "startback_note".
STARTBACK_NOTE_KEY = "startback_note"

NO_REASON = "Ingen årsag angivet"


@dataclass(frozen=True)
class RecommendationFeedback:
    subject: str  # "<guideline>/<slug>"
    title: str  # the recommendation's sentence, or the subject if it no longer exists
    accepted: int
    overridden: int
    reasons: list[tuple[str, int]]  # why it was overridden, most frequent first

    @property
    def override_percent(self) -> int:
        total = self.accepted + self.overridden
        return round(100 * self.overridden / total) if total else 0

    @property
    def url(self) -> str:
        guideline, slug = self.subject.split("/", 1)
        return f"/guidelines/{guideline}/{slug}/"


def card_feedback_summary() -> list[RecommendationFeedback]:
    """Return per recommendation its accepted and overridden cards and the reasons (3 queries).

    Guideline cards and medication warnings about a recommendation both file their feedback
    under "<guideline>/<slug>"; red-flag and other alert codes have no "/".
    """
    guideline_cards = CardFeedback.objects.filter(subject__contains="/")
    counts = (
        guideline_cards.values("subject")
        .annotate(
            accepted=Count("id", filter=Q(outcome=CardOutcome.ACCEPTED)),
            overridden=Count("id", filter=Q(outcome=CardOutcome.OVERRIDDEN)),
        )
        .order_by("-overridden", "subject")
    )
    reasons: dict[str, dict[str, int]] = {}
    for row in (
        guideline_cards.filter(outcome=CardOutcome.OVERRIDDEN)
        .values("subject", "reason_code", "reason_display")
        .annotate(n=Count("id"))
        .order_by("-n", "reason_display")
    ):
        label = row["reason_display"] or row["reason_code"] or NO_REASON
        per_subject = reasons.setdefault(row["subject"], {})
        per_subject[label] = per_subject.get(label, 0) + row["n"]
    counts = list(counts)
    titles = {
        f"{guideline}/{slug}": title
        for guideline, slug, title in Recommendation.objects.filter(
            slug__in={row["subject"].split("/", 1)[1] for row in counts}
        ).values_list("guideline__slug", "slug", "title")
    }
    return [
        RecommendationFeedback(
            subject=row["subject"],
            title=titles.get(row["subject"], row["subject"]),
            accepted=row["accepted"],
            overridden=row["overridden"],
            reasons=sorted(reasons.get(row["subject"], {}).items(), key=lambda item: -item[1]),
        )
        for row in counts
    ]


def startback_prognostic_note() -> str:
    """Return the recommendation's note shown with a STarT Back score, or "" (one query)."""
    extra = (
        Recommendation.objects.filter(extra__has_key=STARTBACK_NOTE_KEY)
        .values_list("extra", flat=True)
        .first()
    )
    return extra[STARTBACK_NOTE_KEY] if extra else ""
