"""Writes of the CDS Hooks service: issued cards, their feedback, and seen JWT ids."""

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.cds.card_types import Card
from recommendations.metrics import CARDS_ISSUED, FEEDBACK

from .models import CardFeedback, IssuedCard, SeenToken

# Feedback arrives minutes after a card is shown; a card older than this gets none.
ISSUED_CARD_RETENTION = timedelta(days=90)


@transaction.atomic
def cards_issue(*, cards: Sequence[Card], now: datetime | None = None) -> list[str]:
    """Store what each card is about and return their new uuids, in order."""
    now = now or timezone.now()
    IssuedCard.objects.filter(issued_at__lt=now - ISSUED_CARD_RETENTION).delete()
    issued = [
        IssuedCard(
            uuid=uuid.uuid4(),
            kind=card.kind,
            guideline=card.guideline,
            subjects=list(card.subjects),
            issued_at=now,
        )
        for card in cards
    ]
    IssuedCard.objects.bulk_create(issued)
    for card in issued:
        CARDS_ISSUED.labels(card.kind).inc()
    return [str(card.uuid) for card in issued]


@dataclass(frozen=True)
class Feedback:
    card: str
    outcome: str
    outcome_at: datetime
    reason_system: str = ""
    reason_code: str = ""
    reason_display: str = ""


@transaction.atomic
def card_feedback_store(*, items: Iterable[Feedback]) -> tuple[int, list[str]]:
    """Store each outcome once per subject of its card; return (stored, unknown card uuids)."""
    items = list(items)
    wanted = set()
    for item in items:
        try:
            wanted.add(uuid.UUID(item.card))
        except ValueError:
            continue
    cards = {str(card.uuid): card for card in IssuedCard.objects.filter(uuid__in=wanted)}
    now = timezone.now()
    rows, unknown = [], []
    for item in items:
        card = cards.get(_canonical(item.card))
        if card is None:
            unknown.append(item.card)
            continue
        for subject in card.subjects or [""]:
            rows.append(
                CardFeedback(
                    card_uuid=card.uuid,
                    kind=card.kind,
                    subject=subject,
                    outcome=item.outcome,
                    reason_system=item.reason_system[:300],
                    reason_code=item.reason_code[:100],
                    reason_display=item.reason_display[:300],
                    outcome_at=item.outcome_at,
                    received_at=now,
                )
            )
    CardFeedback.objects.bulk_create(rows, ignore_conflicts=True)
    for item in items:
        if _canonical(item.card) in cards:
            FEEDBACK.labels(item.outcome).inc()
    return len(items) - len(unknown), unknown


def _canonical(card: str) -> str:
    try:
        return str(uuid.UUID(card))
    except ValueError:
        return card


def token_use_register(*, issuer: str, jti: str, expires_at: datetime) -> bool:
    """Record a JWT id as used; return False if the issuer already used it (a replay)."""
    now = timezone.now()
    with transaction.atomic():
        SeenToken.objects.filter(expires_at__lt=now).delete()
        try:
            with transaction.atomic():
                SeenToken.objects.create(
                    issuer=issuer[:500],
                    jti_sha256=hashlib.sha256(jti.encode()).hexdigest(),
                    expires_at=expires_at,
                )
        except IntegrityError:
            return False
    return True
