"""The content's code sets: every coded value a model stores, each with where it comes from.

The fixtures are checked against them (content.py), the forms and the API offer their choices,
and the pages show their labels.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Strength(models.TextChoices):
    """Strength of a recommendation in Sundhedsstyrelsen's NKR scheme (GRADE), CONTENT.md."""

    STRONG = "strong", _("Stærk anbefaling")
    WEAK = "weak", _("Svag anbefaling")
    GOOD_PRACTICE = "good_practice", _("God praksis")
    NOT_GRADED = "not_graded", _("Ikke graderet")


class Direction(models.TextChoices):
    """Whether a recommendation is for or against the intervention, CONTENT.md."""

    FOR = "for", _("for")
    AGAINST = "against", _("imod")


class Certainty(models.TextChoices):
    """Certainty (quality) of the evidence where a source states it (GRADE), CONTENT.md."""

    HIGH = "high", _("Høj")
    MODERATE = "moderate", _("Moderat")
    LOW = "low", _("Lav")
    VERY_LOW = "very_low", _("Meget lav")


class RedFlagLevel(models.TextChoices):
    """How urgent a red flag is (CONTENT.md): critical means urgent referral."""

    CRITICAL = "critical", _("Akut henvisning")
    WARNING = "warning", _("Udred for specifik patologi")


class RedFlagCategory(models.TextChoices):
    """The columns of "Tabel 1. Røde flag", seeds/003 (NKR nyopståede lænderygsmerter)."""

    FRACTURE = "fracture", _("Fraktur")
    TUMOUR = "tumour", _("Tumor")
    INFECTION = "infection", _("Infektion")
    RADICULOPATHY = "radiculopathy", _("Radikulopati/neuropati")


class SynonymKind(models.TextChoices):
    """What a search synonym is (fixtures/search_synonyms.json, docs/content.md)."""

    TRADE_NAME = "trade_name", _("Handelsnavn")
    DRUG_CLASS = "drug_class", _("Lægemiddelgruppe")
    LAY = "lay", _("Hverdagsord")
    ENGLISH = "english", _("Engelsk")
    CONDITION = "condition", _("Tilstand")


class HearingStatus(models.TextChoices):
    """Where a hearing round (Sundhedsstyrelsen's public consultation on a draft) stands."""

    PLANNED = "planned", _("Planlagt")
    OPEN = "open", _("Åben")
    CLOSED = "closed", _("Afsluttet")


class Disposition(models.TextChoices):
    """The working group's disposition of a hearing response (the editorial workflow issue)."""

    PENDING = "pending", _("Afventer behandling")
    ACCEPTED = "accepted", _("Taget til følge")
    PARTLY_ACCEPTED = "partly_accepted", _("Delvist taget til følge")
    NOT_ACCEPTED = "not_accepted", _("Ikke taget til følge")
    NOTED = "noted", _("Taget til efterretning")
    # A closed round whose source does not say how the working group dealt with the response:
    # "pending" would claim it was never dealt with (docs/editing.md).
    NOT_RECORDED = "not_recorded", _("Ikke oplyst i kilden")


class AuditAction(models.TextChoices):
    """What was done to a recommendation, as its audit trail shows it."""

    SEEDED = "seeded", _("Indlæst fra fixtures")
    DRAFT_SAVED = "draft_saved", _("Kladde gemt")
    DRAFT_DISCARDED = "draft_discarded", _("Kladde kasseret")
    PUBLISHED = "published", _("Udgivet")
    RESTORED = "restored", _("Gendannet som ny version")
    EDIT_REFUSED = "edit_refused", _("Gem afvist: samtidig redigering")
    # Texts without drafts (guidelines, STarT Back items, red flags) change live, with a reason.
    CONTENT_CHANGED = "content_changed", _("Tekst ændret (gælder straks)")
    # Text and grade checked against the official publication (verification.py).
    VERIFIED = "verified", _("Kontrolleret mod kilden")


class VersionOrigin(models.TextChoices):
    """How a version came to be.

    A seeded text is dated when it was loaded, not when its source published it, and a hearing
    draft was never the text readers had: the pages must not call either "udgivet" on that date.
    """

    PUBLISHED = "published", _("Udgivet")
    SEEDED = "seeded", _("Indlæst fra kilden")
    HEARING_DRAFT = "hearing_draft", _("Høringsudkast (ikke udgivet)")
