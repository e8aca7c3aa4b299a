"""What the CDS Hooks service keeps: the cards it issued (what each was about), the feedback
on them, and the JWT ids it has seen. None of it is patient data: no identifiers, no record
contents, no free-text comments (they could hold patient facts)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.cds.card_types import CardKind


class CardOutcome(models.TextChoices):
    """A card's outcome as the record system reports it (CDS Hooks 2.0, Feedback)."""

    ACCEPTED = "accepted", _("Accepteret")
    OVERRIDDEN = "overridden", _("Tilsidesat")


class IssuedCard(models.Model):
    """A card the service returned, so feedback on its uuid can be tied to what it said."""

    uuid = models.UUIDField(primary_key=True)
    kind = models.CharField(_("slags"), max_length=20, choices=CardKind.choices)
    guideline = models.SlugField(_("retningslinje"), blank=True)
    # "<guideline>/<slug>" for each recommendation on a guideline card; red-flag or alert
    # codes on the other kinds.
    subjects = models.JSONField(_("indhold"), default=list)
    issued_at = models.DateTimeField(_("udstedt"), db_index=True)

    class Meta:
        verbose_name = _("udstedt kort")
        verbose_name_plural = _("udstedte kort")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid}"


class CardFeedback(models.Model):
    """One outcome of one card, per recommendation (or red flag, alert) the card carried."""

    card_uuid = models.UUIDField(_("kort"), db_index=True)
    kind = models.CharField(_("slags"), max_length=20, choices=CardKind.choices)
    subject = models.CharField(_("anbefaling eller kode"), max_length=200, db_index=True)
    outcome = models.CharField(_("udfald"), max_length=20, choices=CardOutcome.choices)
    reason_system = models.CharField(_("årsagens kodesystem"), max_length=300, blank=True)
    reason_code = models.CharField(_("årsagskode"), max_length=100, blank=True)
    reason_display = models.CharField(_("årsag"), max_length=300, blank=True)
    outcome_at = models.DateTimeField(_("tidspunkt"))
    received_at = models.DateTimeField(_("modtaget"))

    class Meta:
        ordering = ["-outcome_at"]
        constraints = [
            # A record system may send the same feedback again (CDS Hooks allows it).
            models.UniqueConstraint(
                fields=["card_uuid", "subject", "outcome", "outcome_at"],
                name="card_feedback_once",
            )
        ]
        verbose_name = _("tilbagemelding på kort")
        verbose_name_plural = _("tilbagemeldinger på kort")

    def __str__(self) -> str:
        return f"{self.subject}: {self.get_outcome_display()}"


class SeenToken(models.Model):
    """A JWT id already used by an issuer, kept until the token expires (replay protection)."""

    issuer = models.CharField(max_length=500)
    jti_sha256 = models.CharField(max_length=64)  # a jti can be any length; its digest is not
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "jti_sha256"], name="seen_token_once"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.jti_sha256}"
