"""The editorial workflow: an editor's draft of a recommendation and the audit trail of what
was done to the content (docs/editing.md)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..grading import strength_label
from .base import history_records
from .choices import AuditAction
from .content import Recommendation, RecommendationText


class RecommendationDraft(RecommendationText):
    """An editor's unpublished revision of a recommendation; readers never see it.

    At most one per recommendation. Publishing copies `FIELDS` (RecommendationText) into the
    recommendation and deletes the draft; its history (every saved text) stays.
    """

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="draft"
    )
    change_reason = models.TextField(_("begrundelse for ændringen"), blank=True)
    base_version = models.PositiveIntegerField(_("bygger på version"))
    # Grows with every save: with the version and the draft's id it is the edit token that
    # refuses a save made from a form opened before someone else's save.
    revision = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    history = history_records(versions=False)

    class Meta:
        verbose_name = _("kladde")
        verbose_name_plural = _("kladder")

    def __str__(self) -> str:
        return f"{self.recommendation} (kladde)"

    @property
    def label(self) -> str:
        """Return the draft's strength in words, as the published recommendation's `label`
        (with the source's own grade, as that has it: provenance describes the recommendation)."""
        grade = self.recommendation.provenance.get("grade", "")
        return strength_label(self.strength, self.direction, self.certainty, grade)


class AuditEvent(models.Model):
    """One entry in a recommendation's audit trail, written by the service that acted."""

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bruger"),
    )
    # Kept when the user account is deleted.
    username = models.CharField(_("brugernavn"), max_length=150, blank=True)
    action = models.CharField(_("handling"), max_length=20, choices=AuditAction.choices)
    # The recommendation acted on; empty for a guideline, STarT Back item or red flag, which
    # `subject` names instead.
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="audit_events",
        verbose_name=_("anbefaling"),
    )
    subject = models.CharField(
        _("indhold"), max_length=200, blank=True, help_text=_("fx startback/3 eller red-flag/cauda")
    )
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    change_reason = models.TextField(_("begrundelse"), blank=True)
    # A refused concurrent save keeps the editor's text here, so nothing typed is lost. It is
    # guideline text, never patient data. For a live change: the fields that changed.
    text = models.JSONField(_("tekst"), null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("revisionsspor")
        verbose_name_plural = _("revisionsspor")

    def __str__(self) -> str:
        what = self.recommendation or self.subject
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()} {what}"
