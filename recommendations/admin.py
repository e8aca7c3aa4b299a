from django import forms
from django.contrib import admin
from django.db.models import TextField
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from recommendations import live_content
from recommendations.admin_base import ReadOnlyInline, ServiceWrittenAdmin, admin_link

from . import admin_recommendation  # noqa: F401  (registers RecommendationAdmin on import)
from .admin_forms import (
    GuidelineEditForm,
    HearingResponseLinkFormSet,
    RedFlagEditForm,
    SearchSynonymEditForm,
    StartBackItemEditForm,
)
from .models import (
    AuditEvent,
    Guideline,
    HearingResponse,
    HearingResponseLink,
    HearingRound,
    Recommendation,
    RedFlag,
    SearchSynonym,
    StartBackItem,
)


class RecommendationInline(ReadOnlyInline):
    """The guideline's recommendations, read-only here: they are edited as drafts."""

    model = Recommendation
    fields = ["order", "title", "strength", "direction", "version"]


class LiveContentAdmin(admin.ModelAdmin):
    """A published text without drafts: a change is live at once and needs a reason.

    The change goes through live_content.live_content_update (history record and audit event).
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the content comes from fixtures/ (docs/content.md)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        live_content.live_content_update(
            obj=obj,
            user=request.user,
            data=form.text_values(),
            change_reason=form.cleaned_data["change_reason"],
        )


@admin.register(Guideline)
class GuidelineAdmin(LiveContentAdmin):
    form = GuidelineEditForm
    list_display = ["short_title", "slug", "order", "updated_at"]
    fields = [*live_content.GUIDELINE_TEXT_FIELDS, "change_reason", "slug", "order"]
    readonly_fields = ["slug", "order"]
    inlines = [RecommendationInline]


@admin.register(RedFlag)
class RedFlagAdmin(LiveContentAdmin):
    form = RedFlagEditForm
    list_display = ["label", "code", "level"]
    list_filter = ["level"]
    fields = ["code", *live_content.RED_FLAG_TEXT_FIELDS, "change_reason"]
    readonly_fields = ["code"]


@admin.register(StartBackItem)
class StartBackItemAdmin(LiveContentAdmin):
    form = StartBackItemEditForm
    list_display = ["number", "text_en", "text_da"]
    # Keele's English wording and its source stay as the fixture has them.
    fields = ["number", "text_en", *live_content.STARTBACK_TEXT_FIELDS, "source", "change_reason"]
    readonly_fields = ["number", "text_en", "source"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Search synonyms: live at once, with a reason; the search index is rebuilt on save."""

    form = SearchSynonymEditForm
    list_display = ["term", "target", "kind", "atc_code", "source_checked"]
    list_filter = ["kind", "source_checked"]
    search_fields = ["term", "target"]
    fields = [*live_content.SEARCH_SYNONYM_FIELDS, "change_reason"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # seed_content would bring a seeded one back; correct it instead

    def save_model(self, request, obj, form, change) -> None:
        live_content.search_synonym_save(
            synonym=obj,
            user=request.user,
            data=form.cleaned_data,
            change_reason=form.cleaned_data["change_reason"],
        )


class HearingResponseLinkInline(admin.TabularInline):
    model = HearingResponseLink
    formset = HearingResponseLinkFormSet
    fields = ["recommendation", "excerpt", "edit_recommendation"]
    readonly_fields = ["edit_recommendation"]
    autocomplete_fields = ["recommendation"]
    extra = 1
    # The admin's wide text box (48em) pushed "Redigér" and "Slet?" out of a laptop's view.
    formfield_overrides = {TextField: {"widget": forms.Textarea(attrs={"rows": 4, "cols": 40})}}

    # A recommendation is named by its guideline (Recommendation.__str__): read them together,
    # for the links and for the choice each shows, not one query per link.
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recommendation__guideline")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "recommendation":
            kwargs["queryset"] = Recommendation.objects.select_related("guideline")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("Redigér"))
    def edit_recommendation(self, link: HearingResponseLink) -> str:
        if not link.pk:
            return ""
        return admin_link(link.recommendation, _("Redigér anbefalingen"))


@admin.register(HearingResponse)
class HearingResponseAdmin(admin.ModelAdmin):
    list_display = ["organisation", "hearing_round", "order", "received_on", "disposition"]
    list_filter = ["hearing_round", "disposition"]
    search_fields = ["organisation", "text", "reply"]
    list_select_related = ["hearing_round"]
    fieldsets = [
        (None, {"fields": ["hearing_round", "order", "organisation", "received_on"]}),
        (gettext_lazy("Svaret"), {"fields": ["text", "addresses_guideline", "source_ref"]}),
        (
            gettext_lazy("Arbejdsgruppens stillingtagen"),
            {"fields": ["disposition", "reply", "disposition_source"]},
        ),
    ]
    inlines = [HearingResponseLinkInline]


class HearingResponseInline(ReadOnlyInline):
    """The round's responses at a glance; each is filed and edited on its own page."""

    model = HearingResponse
    fields = ["order", "organisation", "received_on", "disposition"]


@admin.register(HearingRound)
class HearingRoundAdmin(admin.ModelAdmin):
    list_display = ["title", "guideline", "status", "opens_on", "closes_on"]
    list_filter = ["guideline", "status"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [HearingResponseInline]


@admin.register(AuditEvent)
class AuditEventAdmin(ServiceWrittenAdmin):
    """The audit trail, read-only: written by the services, never by hand (nor deleted)."""

    list_display = ["at", "action", "subject", "version", "username", "change_reason"]
    list_filter = ["action"]
    search_fields = ["subject", "username", "change_reason"]
    list_select_related = ["recommendation__guideline"]
    date_hierarchy = "at"

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
