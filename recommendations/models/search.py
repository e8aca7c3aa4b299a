"""What search reads besides the content: the synonyms editors keep and the derived vocabulary
(docs/architecture.md, "Search")."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .base import Seeded, Timestamped, history_records
from .choices import SynonymKind


class SearchSynonym(Seeded, Timestamped):
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
    history = history_records()

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
