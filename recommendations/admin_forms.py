"""The editors' forms in the admin: they validate, the services in services.py write."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from recommendations import live_content

from . import services
from .diff import diff_html, word_diff
from .models import (
    RECOMMENDATION_TITLE_MAX_LENGTH,
    Guideline,
    Recommendation,
    RecommendationDraft,
    RedFlag,
    RedFlagCategory,
    SearchSynonym,
    StartBackItem,
    SynonymKind,
)

CHANGE_REASON_LABEL = _("Begrundelse for ændringen")
TITLE_HELP = _("Højst %(max)d tegn: anbefalingens sætning, ikke dens begrundelse.")
PUBLISH_PERMISSION = "recommendations.publish_recommendation"


class TextField(forms.CharField):
    """A text box whose line breaks are stored as the fixtures have them ("\n").

    Browsers send "\r\n"; kept as sent, an untouched paragraph would count as a change.
    """

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


def _text_fields(model, names) -> dict:
    return {
        name: TextField
        for name in names
        if model._meta.get_field(name).get_internal_type() in {"TextField", "CharField"}
        and not model._meta.get_field(name).choices
    }


class RecommendationEditForm(forms.ModelForm):
    """Edit a recommendation's draft; "Gem og udgiv" publishes it as the next version.

    The form carries the edit token it was opened with: if someone saved the recommendation
    since, the save is refused and the form comes back with the editor's own text.
    """

    edit_token = forms.CharField(widget=forms.HiddenInput)
    change_reason = TextField(
        label=CHANGE_REASON_LABEL,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Påkrævet ved udgivelse. Vises i versionshistorikken, fx hvilke høringssvar der "
            "førte til ændringen."
        ),
    )

    # Set by RecommendationAdmin.get_form for the request at hand.
    user = None
    publishing = False

    class Meta:
        model = Recommendation
        fields = RecommendationDraft.FIELDS
        field_classes = _text_fields(Recommendation, RecommendationDraft.FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict: services.EditConflict | None = None
        rec = self.instance
        draft = RecommendationDraft.objects.filter(recommendation=rec).first()
        self.draft = draft
        # The editor starts from the draft if there is one: readers still see the published text.
        self.initial.update(services.recommendation_editable_values(recommendation=rec))
        self.initial["edit_token"] = services.recommendation_edit_token(recommendation=rec)
        self.initial["change_reason"] = draft.change_reason if draft else ""
        # No maxlength: a browser cuts a pasted text there, mid-word and unannounced. The box
        # says the limit, and the field refuses a longer text naming its length.
        title = self.fields["title"]
        title.widget.attrs.pop("maxlength", None)
        title.help_text = TITLE_HELP % {"max": RECOMMENDATION_TITLE_MAX_LENGTH}

    def text_values(self) -> dict:
        return {key: self.cleaned_data[key] for key in RecommendationDraft.FIELDS}

    def clean(self):
        cleaned = super().clean()
        if self.publishing and not self.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied(PUBLISH_PERMISSION)
        conflict = services.recommendation_edit_check(
            recommendation=self.instance,
            user=self.user,
            edit_token=cleaned.get("edit_token", ""),
            text={key: cleaned.get(key) for key in RecommendationDraft.FIELDS},
        )
        if conflict:
            self.conflict = conflict
            # The refusal shows the other text; a save after that is a deliberate merge.
            data = self.data.copy()
            data[self.add_prefix("edit_token")] = conflict.token
            self.data = data
            raise ValidationError(conflict.message, code="edit_conflict")
        if self.publishing and not self.errors:
            if not cleaned.get("change_reason", "").strip():
                self.add_error("change_reason", gettext(services.CHANGE_REASON_REQUIRED))
            published = Recommendation.objects.get(pk=self.instance.pk)
            if all(
                getattr(published, key) == cleaned.get(key) for key in RecommendationDraft.FIELDS
            ):
                raise ValidationError(
                    gettext(services.NOTHING_TO_PUBLISH), code="nothing_to_publish"
                )
        return cleaned

    def conflict_rows(self) -> list[tuple[str, str, str, str]]:
        """Return (field label, text saved by the other editor, this editor's text, the word
        diff from theirs to mine: what saving mine would change in theirs) where they differ."""
        if not self.conflict:
            return []
        rows = []
        mine_all = services.normalised_text(
            {key: self.data.get(self.add_prefix(key), "") for key in RecommendationDraft.FIELDS}
        )
        for key in RecommendationDraft.FIELDS:
            theirs = self.conflict.current.get(key) or ""
            mine = mine_all[key]
            # As posted, with line breaks as stored: a browser's "\r\n" is not a change.
            if str(theirs) != str(mine):
                diff = diff_html(word_diff(str(theirs), str(mine)))
                rows.append((self.fields[key].label, theirs, mine, diff))
        return rows


class RecommendationPreviewForm(forms.ModelForm):
    """Check the editor's unsaved text for the preview, field by field as the edit form does.

    No edit token and no reason: a preview saves nothing and writes nothing (the edit form's
    clean() checks the token against the saved text and records a refusal in the audit trail).
    """

    class Meta:
        model = Recommendation
        fields = RecommendationDraft.FIELDS
        field_classes = _text_fields(Recommendation, RecommendationDraft.FIELDS)

    def error_lines(self) -> list[str]:
        """Return one line per problem, naming its field ("Anbefaling: Dette felt er ...")."""
        return [
            f"{capfirst(self.fields[name].label) if name in self.fields else gettext('Formularen')}"
            f": {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]


class ChangeReasonForm(forms.Form):
    # A blank reason is told why a reason is needed, as on publishing, not "Dette felt er
    # påkrævet." (Django strips the blanks before its own check).
    change_reason = forms.CharField(
        label=CHANGE_REASON_LABEL,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _(services.CHANGE_REASON_REQUIRED)},
    )


def _live_content_meta(model: type[models.Model], text_fields: tuple[str, ...]) -> type:
    """Return a live-content form's Meta: the model's texts, each kept with "\n" line breaks."""
    return type(
        "Meta",
        (),
        {"model": model, "fields": text_fields, "field_classes": _text_fields(model, text_fields)},
    )


class LiveContentForm(forms.ModelForm):
    """Edit a text that has no drafts (live at once); a changed text needs a reason."""

    change_reason = TextField(
        label=CHANGE_REASON_LABEL,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Påkrævet, når en tekst ændres. Ændringen gælder straks."),
    )

    text_fields: tuple[str, ...] = ()  # the model's editable texts, set by each subclass

    def text_values(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.text_fields if key in self.fields}

    def clean(self):
        cleaned = super().clean()
        texts_changed = set(self.changed_data) & set(self.text_fields)
        if texts_changed and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", gettext(services.CHANGE_REASON_REQUIRED))
        return cleaned


class GuidelineEditForm(LiveContentForm):
    text_fields = live_content.GUIDELINE_TEXT_FIELDS
    Meta = _live_content_meta(Guideline, text_fields)


class StartBackItemEditForm(LiveContentForm):
    text_fields = live_content.STARTBACK_TEXT_FIELDS
    Meta = _live_content_meta(StartBackItem, text_fields)


class RedFlagEditForm(LiveContentForm):
    text_fields = live_content.RED_FLAG_TEXT_FIELDS
    Meta = _live_content_meta(RedFlag, text_fields)

    def clean_categories(self):
        # The intake form groups the flags by these codes: an empty list or a misspelt code
        # would leave a flag without its group.
        categories = self.cleaned_data.get("categories")
        allowed = RedFlagCategory.values
        if (
            not isinstance(categories, list)
            or not categories
            or any(code not in allowed for code in categories)
        ):
            raise ValidationError(
                RED_FLAG_CATEGORIES_ERROR % {"allowed": ", ".join(f'"{c}"' for c in allowed)}
            )
        return categories


RED_FLAG_CATEGORIES_ERROR = _(
    'Kategorier: angiv en liste med mindst én af %(allowed)s, fx ["tumour", "infection"].'
)
LINK_OTHER_GUIDELINE_ERROR = _(
    "Anbefaling: vælg en anbefaling fra høringsrundens retningslinje (%(guideline)s). "
    "«%(recommendation)s» hører til en anden retningslinje."
)


class HearingResponseLinkFormSet(BaseInlineFormSet):
    """A response's links, each to a recommendation of the guideline its round consulted on."""

    def clean(self):
        super().clean()
        hearing_round = getattr(self.instance, "hearing_round", None)
        if hearing_round is None:
            return  # the response's own form reports the missing round
        for form in self.forms:
            rec = getattr(form, "cleaned_data", {}).get("recommendation")
            if rec is None or form.cleaned_data.get("DELETE"):
                continue
            if rec.guideline_id != hearing_round.guideline_id:
                form.add_error(
                    "recommendation",
                    gettext(LINK_OTHER_GUIDELINE_ERROR)
                    % {"guideline": hearing_round.guideline, "recommendation": rec},
                )


SYNONYM_LOWER_CASE_ERROR = _(
    "%(field)s: skriv med små bogstaver, uden mellemrum før og efter (søgningen sammenligner "
    'ord med små bogstaver), fx "panodil".'
)
SYNONYM_ATC_REQUIRED_ERROR = _("ATC-kode: et handelsnavn skal have sin ATC-kode, fx N02BE01.")


class SearchSynonymEditForm(LiveContentForm):
    text_fields = live_content.SEARCH_SYNONYM_FIELDS

    class Meta:
        model = SearchSynonym
        fields = live_content.SEARCH_SYNONYM_FIELDS

    def _lower_case(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        if value != value.casefold().strip():
            label = SearchSynonym._meta.get_field(name).verbose_name
            raise ValidationError(SYNONYM_LOWER_CASE_ERROR % {"field": capfirst(label)})
        return value

    def clean_term(self) -> str:
        return self._lower_case("term")

    def clean_target(self) -> str:
        return self._lower_case("target")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == SynonymKind.TRADE_NAME and not cleaned.get("atc_code"):
            self.add_error("atc_code", SYNONYM_ATC_REQUIRED_ERROR)
        return cleaned
