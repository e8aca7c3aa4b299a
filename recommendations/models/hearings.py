"""Hearing rounds: Sundhedsstyrelsen's public consultations on a draft guideline, their
responses and what each says about a recommendation (docs/editing.md)."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .base import Seeded, Timestamped, history_records
from .choices import Disposition, HearingStatus
from .content import Guideline, Recommendation


class HearingRound(Seeded, Timestamped):
    guideline = models.ForeignKey(
        Guideline,
        on_delete=models.PROTECT,
        related_name="hearing_rounds",
        verbose_name=_("retningslinje"),
    )
    slug = models.SlugField(unique=True)
    title = models.CharField(_("titel"), max_length=300)
    opens_on = models.DateField(_("åbner"), null=True, blank=True, help_text=_("Tom: ukendt"))
    closes_on = models.DateField(_("lukker"), null=True, blank=True, help_text=_("Tom: ukendt"))
    status = models.CharField(
        _("status"), max_length=10, choices=HearingStatus.choices, default=HearingStatus.OPEN
    )
    source = models.TextField(_("kilde"), blank=True)
    history = history_records()

    class Meta:
        ordering = ["guideline__order", "slug"]
        verbose_name = _("høringsrunde")
        verbose_name_plural = _("høringsrunder")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on"))
                | models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True),
                name="hearing_closes_after_it_opens",
                violation_error_message=_("En høring kan ikke lukke, før den åbner."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:hearing", args=[self.guideline.slug, self.slug])


class HearingResponse(Seeded, Timestamped):
    hearing_round = models.ForeignKey(
        HearingRound,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("høringsrunde"),
    )
    order = models.PositiveSmallIntegerField(_("nummer"))
    organisation = models.CharField(_("afsender"), max_length=300)
    received_on = models.DateField(
        _("modtaget"), null=True, blank=True, help_text=_("Tom: datoen kendes ikke")
    )
    text = models.TextField(_("høringssvarets tekst"), help_text=_("Ordret"))
    addresses_guideline = models.BooleanField(
        _("generelle bemærkninger til retningslinjen"), default=True
    )
    recommendations = models.ManyToManyField(
        Recommendation,
        through="HearingResponseLink",
        related_name="hearing_responses",
        verbose_name=_("anbefalinger"),
        blank=True,
    )
    disposition = models.CharField(
        _("arbejdsgruppens stillingtagen"),
        max_length=20,
        choices=Disposition.choices,
        default=Disposition.PENDING,
    )
    reply = models.TextField(_("arbejdsgruppens svar"), blank=True)
    disposition_source = models.TextField(_("kilde til stillingtagen"), blank=True)
    source_ref = models.CharField(_("kildehenvisning"), max_length=200, blank=True)
    history = history_records()

    class Meta:
        ordering = ["hearing_round", "order"]
        verbose_name = _("høringssvar")
        verbose_name_plural = _("høringssvar")
        constraints = [
            models.UniqueConstraint(
                fields=["hearing_round", "order"], name="unique_response_number_per_round"
            )
        ]

    def __str__(self) -> str:
        return self.organisation


class HearingResponseLink(models.Model):
    """A hearing response addresses a recommendation; `excerpt` is what it says about it."""

    response = models.ForeignKey(HearingResponse, on_delete=models.CASCADE, related_name="links")
    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.PROTECT,
        related_name="hearing_links",
        verbose_name=_("anbefaling"),
    )
    excerpt = models.TextField(
        _("uddrag"), blank=True, help_text=_("Det, svaret siger om anbefalingen (ordret)")
    )
    history = history_records()

    class Meta:
        ordering = ["response", "recommendation__order"]
        verbose_name = _("henvisning til anbefaling")
        verbose_name_plural = _("henvisninger til anbefalinger")
        constraints = [
            models.UniqueConstraint(
                fields=["response", "recommendation"], name="unique_link_per_response"
            )
        ]

    def __str__(self) -> str:
        return f"{self.response} → {self.recommendation}"
