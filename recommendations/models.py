"""Guideline content: guidelines, their recommendations, red flags and the STarT Back items.

The content itself lives in fixtures/ and is loaded by `seed_content`; these models hold it so
editors can revise it and readers can search it.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import provenance
from .grading import strength_css, strength_label, strength_symbol


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


class VersionOrigin(models.TextChoices):
    """How a version came to be.

    A seeded text is dated when it was loaded, not when its source published it, and a hearing
    draft was never the text readers had: the pages must not call either "udgivet" on that date.
    """

    PUBLISHED = "published", _("Udgivet")
    SEEDED = "seeded", _("Indlæst fra kilden")
    HEARING_DRAFT = "hearing_draft", _("Høringsudkast (ikke udgivet)")


class VersionRecord(models.Model):
    """What a history record of published content (a version) holds besides its fields.

    Every save is published unless the service that saves says otherwise (seed_content).
    """

    origin = models.CharField(
        max_length=16, choices=VersionOrigin.choices, default=VersionOrigin.PUBLISHED
    )

    class Meta:
        abstract = True


# seed_content names itself in the reason of every version it writes (services).
SEEDED_MARK = "seed_content"

# Build references in a seeded version's reason (a seed file and its lines, the command that
# loaded it): editors see them in the trace and the admin, readers never do.
_BUILD_REFERENCES = (
    re.compile(r"\s*\([^()]*seeds/[^()]*\)"),
    re.compile(rf"\s*\(Indlæst fra kilden af {SEEDED_MARK}\.\)"),
    re.compile(rf"\s*Indlæst af {SEEDED_MARK}\."),
    re.compile(rf"\s*\({SEEDED_MARK}\)"),
)


def reason_for_readers(change_reason: str) -> str:
    """Return a version's reason without build references (CONTENT.md, Provenance)."""
    for pattern in _BUILD_REFERENCES:
        change_reason = pattern.sub("", change_reason)
    return change_reason.strip()


def _history(*, versions: bool = True, excluded_fields: tuple[str, ...] = ()) -> HistoricalRecords:
    """Return django-simple-history's record of every change: who, when, what and why.

    Records of published content are versions and say how they came to be (VersionRecord);
    a draft's records are not.
    """
    # Change reasons can be a paragraph (naming the hearing responses), not 100 characters.
    return HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        bases=[VersionRecord] if versions else [models.Model],
        excluded_fields=list(excluded_fields),
    )


# Derived from the content and the search synonyms by search_index.search_index_refresh, never
# typed by anyone: kept out of the history, which records what editors and the seed wrote.
SEARCH_INDEX_FIELDS = (
    "search_terms",
    "search_extra",
    "search_text",
    "search_aliases",
    "search_vector",
)


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Guideline(Timestamped):
    # The guideline's own texts as readers see them on its page, in reading order: the
    # fixtures' keys and the "what changed" page read this list. An editor changes the first
    # ones (services.GUIDELINE_TEXT_FIELDS); seed_content may change any.
    TEXT_FIELDS = (
        "title",
        "short_title",
        "population",
        "population_summary",
        "population_source",
        "source",
        "source_short",
        "note",
        "note_source",
    )

    slug = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(_("titel"), max_length=300)
    short_title = models.CharField(_("kort titel"), max_length=120)
    population = models.TextField(_("population"))
    # The population in one line for the home page; `population` keeps the source's full text.
    population_summary = models.CharField(_("population i én linje"), max_length=200, blank=True)
    population_source = models.TextField(_("kilde til population"), blank=True)
    source = models.TextField(_("kilde"))
    # Who issued the guidance and when ("Sundhedsstyrelsen 2016"), shown beside the title so
    # the guidance's own date is not confused with the app's version dates.
    source_short = models.CharField(_("udgiver og år"), max_length=120, blank=True)
    source_ref = models.CharField(_("kildehenvisning"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    note_source = models.TextField(_("kilde til note"), blank=True)
    # Internal build references (seed files, lines, CONTENT.md decisions): kept for review and
    # shown only on request, not as the reader's citation.
    trace = models.TextField(_("sporbarhed"), blank=True)
    # Scope criteria: [{"condition": ..., "met": "...", "unmet": "..."}], evaluated by the rules.
    scope = models.JSONField(_("afgrænsning"), default=list)
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    history = _history()

    class Meta:
        ordering = ["order"]
        verbose_name = _("retningslinje")
        verbose_name_plural = _("retningslinjer")

    def __str__(self) -> str:
        return self.short_title or self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:guideline", args=[self.slug])


class Recommendation(Timestamped):
    guideline = models.ForeignKey(
        Guideline,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("retningslinje"),
    )
    slug = models.SlugField(_("kortnavn (slug)"))
    order = models.PositiveSmallIntegerField(_("nummer"))
    title = models.TextField(_("anbefaling"))
    strength = models.CharField(_("styrke"), max_length=20, choices=Strength.choices)
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    certainty = models.CharField(
        _("evidensens kvalitet"), max_length=10, choices=Certainty.choices, blank=True
    )
    certainty_note = models.TextField(_("kilde til evidensens kvalitet"), blank=True)
    rationale = models.TextField(_("begrundelse"))
    update_note = models.TextField(_("opdateringsnote"), blank=True)
    source = models.TextField(_("kilde"))
    source_ref = models.CharField(_("kildehenvisning"), max_length=200, blank=True)
    strength_source = models.TextField(_("kilde til styrke"), blank=True)
    checklist = models.JSONField(_("tjekliste"), default=list, blank=True)
    drugs = models.JSONField(_("lægemidler"), default=list, blank=True)
    applies_when = models.JSONField(_("gælder når"), null=True, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # Where the words and grade come from (provenance.py, API.md): seeded from the fixtures,
    # outside the content fingerprint, so a re-seed keeps it true without touching edits.
    provenance = models.JSONField(_("oprindelse"), default=dict, blank=True, editable=False)
    # {by, on, against}: an editor checked text and grade against the official publication
    # (services.recommendation_verify); None until then.
    verified = models.JSONField(_("kontrolleret"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(_("udgivet"), null=True, blank=True)
    # Hash of the content as seed_content last wrote it: a different hash now means an editor
    # changed it, and the seed must not overwrite that.
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    # The search index (docs/architecture.md, "Search"): the guideline's titles, the drugs'
    # names and the synonyms whose target the text names (weight B), synonyms found only in
    # the rationale (weight D), everything case-folded for substring and typo matching, the
    # synonyms as {term: {target, kind, atc_code}} to explain a hit, and PostgreSQL's vector.
    search_terms = models.TextField(blank=True, editable=False)
    search_extra = models.TextField(blank=True, editable=False)
    search_text = models.TextField(blank=True, editable=False)
    search_aliases = models.JSONField(default=dict, blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)
    # One record per published version (services set the user and the change reason).
    history = _history(excluded_fields=SEARCH_INDEX_FIELDS)

    class Meta:
        ordering = ["guideline__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "slug"], name="unique_slug_per_guideline")
        ]
        verbose_name = _("anbefaling")
        verbose_name_plural = _("anbefalinger")
        permissions = [("publish_recommendation", _("Kan udgive, gendanne og kassere kladder"))]

    def __str__(self) -> str:
        return f"{self.guideline.slug}/{self.slug}"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:recommendation", args=[self.guideline.slug, self.slug])

    @property
    def key(self) -> str:
        return f"{self.guideline.slug}/{self.slug}"

    @property
    def symbol(self) -> str:
        return strength_symbol(self.strength, self.direction)

    @property
    def label(self) -> str:
        """Return the Danish strength text, e.g. "Svag anbefaling imod"."""
        return strength_label(
            self.strength, self.direction, self.certainty, self.provenance.get("grade", "")
        )

    @property
    def grade_css(self) -> str:
        return strength_css(self.strength, self.direction)

    @property
    def provenance_line(self) -> str:
        return provenance.provenance_line(self.provenance, self.verified)

    @property
    def rationale_line(self) -> str:
        return provenance.rationale_line(self.provenance)

    @property
    def rationale_heading(self) -> str:
        return provenance.rationale_heading(self.provenance)

    @property
    def is_pico_background(self) -> bool:
        return provenance.is_pico_background(self.provenance)


class RedFlag(Timestamped):
    code = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    label = models.CharField(_("tekst"), max_length=300)
    categories = models.JSONField(_("kategorier"))
    level = models.CharField(_("niveau"), max_length=10, choices=RedFlagLevel.choices)
    source = models.TextField(_("kilde"))
    source_ref = models.CharField(max_length=200, blank=True)
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    history = _history()

    class Meta:
        ordering = ["order"]
        verbose_name = _("rødt flag")
        verbose_name_plural = _("røde flag")

    def __str__(self) -> str:
        return self.label

    @property
    def category_labels(self) -> list[str]:
        """Return the table columns this flag is listed under, as the page names them."""
        return [str(RedFlagCategory(code).label) for code in self.categories]


class SynonymKind(models.TextChoices):
    """What a search synonym is (fixtures/search_synonyms.json, docs/content.md)."""

    TRADE_NAME = "trade_name", _("Handelsnavn")
    DRUG_CLASS = "drug_class", _("Lægemiddelgruppe")
    LAY = "lay", _("Hverdagsord")
    ENGLISH = "english", _("Engelsk")
    CONDITION = "condition", _("Tilstand")


class SearchSynonym(Timestamped):
    """A word a GP types (a trade name, a lay or English word) and the content's own word.

    Search finds a recommendation whose text names `target` when the query says `term`.
    """

    term = models.CharField(_("søgeord"), max_length=100, help_text=_("Med små bogstaver"))
    target = models.CharField(
        _("indholdets ord"), max_length=100, help_text=_("Ordet, som anbefalingernes tekst bruger")
    )
    kind = models.CharField(_("type"), max_length=20, choices=SynonymKind.choices)
    atc_code = models.CharField(_("ATC-kode"), max_length=7, blank=True)
    source = models.TextField(_("kilde"))
    source_checked = models.BooleanField(
        _("kilden er kontrolleret"),
        default=False,
        help_text=_("Sæt kun flueben, når opslaget er kontrolleret i den nævnte kilde"),
    )
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    history = _history()

    class Meta:
        ordering = ["kind", "term", "target"]
        verbose_name = _("søgesynonym")
        verbose_name_plural = _("søgesynonymer")
        constraints = [
            models.UniqueConstraint(fields=["term", "target"], name="unique_synonym_pair")
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.target}"


class SearchTerm(models.Model):
    """A word of the searchable content (search_index.py): where a typo finds the word meant.

    Derived, rebuilt with the index; on PostgreSQL trigram-indexed, so a typo is compared with
    a few thousand short words, not with every recommendation's whole text.
    """

    word = models.CharField(max_length=100, unique=True)

    def __str__(self) -> str:
        return self.word


class StartBackItem(models.Model):
    """One STarT Back question; wording is data so an editor can enter STarT-dk."""

    number = models.PositiveSmallIntegerField(unique=True)
    text_en = models.TextField()
    text_da = models.TextField(blank=True)
    source = models.TextField()
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    history = _history()

    class Meta:
        ordering = ["number"]
        verbose_name = _("STarT Back-spørgsmål")
        verbose_name_plural = _("STarT Back-spørgsmål")

    def __str__(self) -> str:
        return f"{self.number}. {self.text_da or self.text_en}"


# Editorial workflow: drafts, hearing rounds and the audit trail (docs/editing.md).


class RecommendationDraft(Timestamped):
    """An editor's unpublished revision of a recommendation; readers never see it.

    At most one per recommendation. Publishing copies `FIELDS` into the recommendation and
    deletes the draft; its history (every saved text) stays. `FIELDS` is the one list of a
    recommendation's texts: the fixtures, the versions and the editing forms read it.
    """

    FIELDS = (
        "title",
        "strength",
        "direction",
        "certainty",
        "certainty_note",
        "rationale",
        "update_note",
        "source",
        "strength_source",
    )

    recommendation = models.OneToOneField(
        Recommendation, on_delete=models.CASCADE, related_name="draft"
    )
    title = models.TextField(_("anbefaling"))
    strength = models.CharField(_("styrke"), max_length=20, choices=Strength.choices)
    direction = models.CharField(_("retning"), max_length=10, choices=Direction.choices)
    certainty = models.CharField(
        _("evidensens kvalitet"), max_length=10, choices=Certainty.choices, blank=True
    )
    certainty_note = models.TextField(_("kilde til evidensens kvalitet"), blank=True)
    rationale = models.TextField(_("begrundelse"))
    update_note = models.TextField(_("opdateringsnote"), blank=True)
    source = models.TextField(_("kilde"))
    strength_source = models.TextField(_("kilde til styrke"), blank=True)
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
    history = _history(versions=False)

    class Meta:
        verbose_name = _("kladde")
        verbose_name_plural = _("kladder")

    def __str__(self) -> str:
        return f"{self.recommendation} (kladde)"

    @property
    def label(self) -> str:
        """Return the draft's strength in words, as the published recommendation's `label`."""
        return strength_label(self.strength, self.direction, self.certainty)


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


class HearingRound(Timestamped):
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
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    history = _history()

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


class HearingResponse(Timestamped):
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
    seeded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    history = _history()

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
    history = _history()

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


class ThrottleCount(models.Model):
    """An API client's calls in its current rate window, when no Redis is configured.

    Shared by every worker and server on the database; counted by one atomic UPDATE
    (recommendations/api/throttling.py).
    """

    key = models.CharField(max_length=200, primary_key=True)  # scope and client address
    count = models.PositiveIntegerField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
