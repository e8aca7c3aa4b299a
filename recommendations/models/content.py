"""The guideline content readers see: guidelines, their recommendations, red flags and the
STarT Back items, with the code sets that grade them."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import provenance
from ..grading import strength_css, strength_symbol
from .base import Seeded, Timestamped, history_records
from .choices import (
    Certainty,
    Direction,
    RedFlagCategory,
    RedFlagLevel,
    Strength,
    VersionOrigin,
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

# What names and grades a recommendation wherever one is listed: the read API's first fields,
# and what a search result reads (selectors.SEARCH_RESULT_FIELDS).
RECOMMENDATION_HEADING_FIELDS = (
    "guideline",
    "slug",
    "order",
    "title",
    "strength",
    "direction",
    "certainty",
)

# A limit for the editor's form, not the content's: 2.5 times the longest seeded sentence (398
# characters), so a rationale pasted into the recommendation's box is refused, not published.
RECOMMENDATION_TITLE_MAX_LENGTH = 1000


class Guideline(Seeded, Timestamped):
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
    history = history_records()

    class Meta:
        ordering = ["order"]
        verbose_name = _("retningslinje")
        verbose_name_plural = _("retningslinjer")

    def __str__(self) -> str:
        return self.short_title or self.title

    def get_absolute_url(self) -> str:
        return reverse("recommendations:guideline", args=[self.slug])


class RecommendationText(Timestamped):
    """A recommendation's texts and grade: what readers see, editors draft and versions keep.

    `FIELDS` is the one list of them: the fixtures, the versions and the editing forms read it.
    The published recommendation and an editor's draft (editing.py) both hold them.
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

    title = models.TextField(_("anbefaling"), max_length=RECOMMENDATION_TITLE_MAX_LENGTH)
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

    class Meta:
        abstract = True


class Recommendation(provenance.GradedText, Seeded, RecommendationText):
    guideline = models.ForeignKey(
        Guideline,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("retningslinje"),
    )
    slug = models.SlugField(_("kortnavn (slug)"))
    order = models.PositiveSmallIntegerField(_("nummer"))
    source_ref = models.CharField(_("kildehenvisning"), max_length=200, blank=True)
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
    history = history_records(excluded_fields=SEARCH_INDEX_FIELDS)

    class Meta:
        ordering = ["guideline__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["guideline", "slug"], name="unique_slug_per_guideline")
        ]
        verbose_name = _("anbefaling")
        verbose_name_plural = _("anbefalinger")
        permissions = [("publish_recommendation", _("Kan udgive, gendanne og kassere kladder"))]

    def __str__(self) -> str:
        # As editors choose it (a hearing response's links, the admin): guideline and sentence;
        # `key` is the code name ("generalised-pain/cbt").
        title = self.title if len(self.title) <= 80 else self.title[:79].rstrip() + "…"
        return f"{self.guideline.short_title or self.guideline.slug}: {title}"

    def get_absolute_url(self) -> str:
        return reverse("recommendations:recommendation", args=[self.guideline.slug, self.slug])

    @property
    def key(self) -> str:
        return f"{self.guideline.slug}/{self.slug}"

    @property
    def symbol(self) -> str:
        return strength_symbol(self.strength, self.direction)

    @property
    def grade_css(self) -> str:
        return strength_css(self.strength, self.direction)

    def provenance_of(self) -> dict:
        """Return the provenance of this one's text (title, rationale) as it stands now.

        As declared for words loaded from the source; an editor's words are nkr's
        (provenance.provenance_of_text).
        """
        loaded = self.history.exclude(origin=VersionOrigin.PUBLISHED)
        return provenance.provenance_of_text(
            self.provenance,
            provenance.text_of(self),
            list(loaded.values(*provenance.TEXT_KEYS)),
        )

    @property
    def rationale_line(self) -> str:
        return provenance.rationale_line(self.provenance)

    @property
    def rationale_heading(self) -> str:
        return provenance.rationale_heading(self.provenance)

    @property
    def is_pico_background(self) -> bool:
        return provenance.is_pico_background(self.provenance)


class RedFlag(Seeded, Timestamped):
    code = models.SlugField(unique=True)
    order = models.PositiveSmallIntegerField()
    label = models.CharField(_("tekst"), max_length=300)
    categories = models.JSONField(_("kategorier"))
    level = models.CharField(_("niveau"), max_length=10, choices=RedFlagLevel.choices)
    source = models.TextField(_("kilde"))
    source_ref = models.CharField(max_length=200, blank=True)
    # What search reads (search_index.py): the label, its columns in Tabel 1 and the search
    # synonyms whose target the flag names ("kræft" for "tumor"), case-folded; derived, so
    # kept out of the history.
    search_text = models.TextField(blank=True, editable=False)
    history = history_records(excluded_fields=("search_text",))

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


class StartBackItem(Seeded):
    """One STarT Back question; wording is data so an editor can enter STarT-dk."""

    number = models.PositiveSmallIntegerField(unique=True)
    text_en = models.TextField()
    text_da = models.TextField(blank=True)
    source = models.TextField()
    history = history_records()

    class Meta:
        ordering = ["number"]
        verbose_name = _("STarT Back-spørgsmål")
        verbose_name_plural = _("STarT Back-spørgsmål")

    def __str__(self) -> str:
        return f"{self.number}. {self.text_da or self.text_en}"
