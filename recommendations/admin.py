from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors, services
from .admin_forms import (
    PUBLISH_PERMISSION,
    ChangeReasonForm,
    GuidelineEditForm,
    HearingResponseLinkFormSet,
    RecommendationEditForm,
    RedFlagEditForm,
    SearchSynonymEditForm,
    StartBackItemEditForm,
)
from .diff import COMPARED_FIELDS, versions_diff
from .models import (
    AuditEvent,
    Guideline,
    HearingResponse,
    HearingResponseLink,
    HearingRound,
    Recommendation,
    RecommendationDraft,
    RedFlag,
    SearchSynonym,
    StartBackItem,
)
from .rules.conditions import condition_describe
from .verification_admin import verification_urls
from .views import RECOMMENDATION_TEMPLATE, recommendation_page_context


def _admin_link(obj, text: str) -> str:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text)


def _field_shown(model, name: str, value) -> tuple[str, str]:
    """Return (label, value as shown): a choice by its Danish label, not its code."""
    field = model._meta.get_field(name)
    return field.verbose_name, str(dict(field.flatchoices).get(value, value))


class ReadOnlyInline(admin.TabularInline):
    """Rows listed at a glance under their parent, each edited on its own page."""

    extra = 0
    show_change_link = True
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> list[str]:
        return list(self.fields)

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class RecommendationInline(ReadOnlyInline):
    """The guideline's recommendations, read-only here: they are edited as drafts."""

    model = Recommendation
    fields = ["order", "title", "strength", "direction", "version"]


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin):
    form = GuidelineEditForm
    list_display = ["short_title", "slug", "order", "updated_at"]
    fields = [*services.GUIDELINE_TEXT_FIELDS, "change_reason", "slug", "order"]
    readonly_fields = ["slug", "order"]
    inlines = [RecommendationInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # guidelines come from fixtures/ (docs/content.md)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.guideline_update(
            guideline=obj,
            user=request.user,
            data={key: form.cleaned_data[key] for key in services.GUIDELINE_TEXT_FIELDS},
            change_reason=form.cleaned_data["change_reason"],
        )


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    """Editors revise a recommendation as a draft and publish it as a new version."""

    form = RecommendationEditForm
    change_form_template = "admin/recommendations/recommendation/change_form.html"
    list_display = ["title", "guideline", "strength", "direction", "version", "has_draft"]
    list_filter = ["guideline", "strength", "direction"]
    search_fields = ["title", "rationale", "slug"]
    readonly_fields = [
        "guideline",
        "slug",
        "version",
        "published_at",
        "conditions",
        "published_text",
        "versions",
        "hearing_response_list",
        "audit_trail",
    ]
    # What an editor does most comes first: the text, the reason and the save buttons (also at
    # the top, save_on_top), with the hearing responses beside the text (static/nkr/admin.css).
    save_on_top = True
    fieldsets = [
        (
            gettext_lazy("Tekst (kladde)"),
            {
                "fields": ["title", "rationale", "change_reason", "edit_token"],
                "classes": ["nkr-text-fields"],
            },
        ),
        (
            gettext_lazy("Høringssvar om anbefalingen"),
            {"fields": ["hearing_response_list"], "classes": ["nkr-hearing-fields"]},
        ),
        (
            gettext_lazy("Styrke og kilde (kladde)"),
            {"fields": [f for f in RecommendationDraft.FIELDS if f not in ("title", "rationale")]},
        ),
        (
            gettext_lazy("Om anbefalingen"),
            {"fields": ["guideline", "slug", "version", "published_at", "conditions"]},
        ),
        (gettext_lazy("Udgivet tekst og versioner"), {"fields": ["published_text", "versions"]}),
        (gettext_lazy("Revisionsspor"), {"fields": ["audit_trail"]}),
    ]

    def get_queryset(self, request: HttpRequest):
        drafts = RecommendationDraft.objects.filter(recommendation=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .select_related("guideline")
            .annotate(draft_open=Exists(drafts))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recommendations come from fixtures/ (docs/content.md)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a published recommendation is never deleted; restore an old version

    @admin.display(description=gettext_lazy("Kladde"), boolean=True)
    def has_draft(self, rec: Recommendation) -> bool:
        return rec.draft_open

    @admin.display(description=gettext_lazy("Vises når"))
    def conditions(self, rec: Recommendation) -> str:
        return condition_describe(rec.applies_when)

    @admin.display(description=gettext_lazy("Udgivet tekst"))
    def published_text(self, rec: Recommendation) -> str:
        draft = RecommendationDraft.objects.filter(recommendation=rec).first()
        if draft is None:
            return _("Ingen kladde: felterne ovenfor viser den udgivne tekst (version %(v)s).") % {
                "v": rec.version
            }
        published = Recommendation.objects.get(pk=rec.pk)
        diffs = versions_diff(published, draft, COMPARED_FIELDS)
        return render_to_string(
            "admin/recommendations/recommendation/_draft_diff.html",
            {"draft": draft, "published": published, "diffs": diffs},
        )

    @admin.display(description=gettext_lazy("Udgivne versioner"))
    def versions(self, rec: Recommendation) -> str:
        return render_to_string(
            "admin/recommendations/recommendation/_versions.html",
            {
                "rec": rec,
                "versions": selectors.recommendation_versions(recommendation=rec),
                "can_restore": getattr(rec, "editor_can_publish", False),
            },
        )

    @admin.display(description=gettext_lazy("Høringssvar"))
    def hearing_response_list(self, rec: Recommendation) -> str:
        links = selectors.recommendation_hearing_links(recommendation=rec)
        if not links:
            return _("Ingen høringssvar omtaler anbefalingen.")
        # What each response says about this recommendation, so it can be read beside the text.
        return format_html(
            '<ul class="nkr-hearing">{}</ul>',
            format_html_join(
                "",
                "<li>{} ({}): {}<details><summary>{}</summary>"
                '<div class="nkr-text">{}</div></details></li>',
                (
                    (
                        _admin_link(link.response, link.response.organisation),
                        link.response.hearing_round.title,
                        link.response.get_disposition_display(),
                        _("Hvad svaret siger") if link.excerpt else _("Hele svaret"),
                        link.excerpt or link.response.text,
                    )
                    for link in links
                ),
            ),
        )

    @admin.display(description=gettext_lazy("Revisionsspor"))
    def audit_trail(self, rec: Recommendation) -> str:
        events = list(rec.audit_events.all()[:50])
        for event in events:
            # A refused save's text, by field label, so the editor can copy it back.
            event.text_rows = [
                _field_shown(Recommendation, key, value)
                for key, value in (event.text or {}).items()
                if value
            ]
        return render_to_string(
            "admin/recommendations/recommendation/_audit_trail.html", {"events": events}
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field=None):
        rec = super().get_object(request, object_id, from_field)
        if rec is not None:
            rec.editor_can_publish = request.user.has_perm(PUBLISH_PERMISSION)
        return rec

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        # The form checks the edit token and the right to publish for this request's user.
        return type(
            form.__name__,
            (form,),
            {"user": request.user, "publishing": "_publish" in request.POST},
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_publish": request.user.has_perm(PUBLISH_PERMISSION), **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)

    def save_model(self, request, obj, form, change) -> None:
        publishing = "_publish" in request.POST
        reason = form.cleaned_data["change_reason"]
        if form.has_changed() or (publishing and form.draft is None):
            services.recommendation_draft_save(
                recommendation=obj,
                user=request.user,
                data=form.text_values(),
                edit_token=form.cleaned_data["edit_token"],
                change_reason=reason,
            )
            if not publishing:
                self.message_user(
                    request,
                    _("Kladden er gemt. Læserne ser den ikke, før den udgives."),
                    messages.SUCCESS,
                )
        elif not publishing:
            self.message_user(request, _("Ingen ændringer at gemme."), messages.INFO)
        if publishing:
            rec = services.recommendation_publish(
                recommendation=obj, user=request.user, change_reason=reason
            )
            self.message_user(
                request,
                _("Version %(v)s er udgivet. Læserne ser den nu.") % {"v": rec.version},
                messages.SUCCESS,
            )

    def save_related(self, request, form, formsets, change) -> None:
        pass  # nothing related is edited on this form

    def response_change(self, request: HttpRequest, obj: Recommendation) -> HttpResponse:
        return HttpResponseRedirect(request.path)  # stay on the recommendation

    def get_urls(self):
        urls = [
            path(
                "<path:object_id>/discard/",
                self.admin_site.admin_view(self.discard_view),
                name="recommendations_recommendation_discard",
            ),
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="recommendations_recommendation_preview",
            ),
            path(
                "<path:object_id>/restore/<int:version>/",
                self.admin_site.admin_view(self.restore_view),
                name="recommendations_recommendation_restore",
            ),
            *verification_urls(self.admin_site),
        ]
        return urls + super().get_urls()

    def _publisher_get(self, request: HttpRequest, object_id: str) -> Recommendation:
        if not request.user.has_perm(PUBLISH_PERMISSION):
            raise PermissionDenied(PUBLISH_PERMISSION)
        # The URL takes any path segment, as Django's own admin URLs do: "abc" is no id (404),
        # where the query would have raised ValueError (a 500).
        try:
            pk = Recommendation._meta.pk.to_python(object_id)
        except ValidationError:
            raise Http404(object_id) from None
        return get_object_or_404(Recommendation.objects.select_related("guideline"), pk=pk)

    def _change_url(self, rec: Recommendation) -> str:
        return reverse("admin:recommendations_recommendation_change", args=[rec.pk])

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show the saved draft exactly as readers will see it: the reader's own template."""
        rec = self.get_object(request, object_id)
        if rec is None:
            raise Http404(object_id)
        if not self.has_change_permission(request, rec):
            raise PermissionDenied
        draft = RecommendationDraft.objects.filter(recommendation=rec).first()
        if draft is not None:
            for field in RecommendationDraft.FIELDS:
                setattr(rec, field, getattr(draft, field))
        context = recommendation_page_context(rec) | {
            "preview": {"draft": draft is not None, "change_url": self._change_url(rec)}
        }
        return render(request, RECOMMENDATION_TEMPLATE, context)

    def discard_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        rec = self._publisher_get(request, object_id)
        draft = RecommendationDraft.objects.filter(recommendation=rec).first()
        if request.method == "POST":
            try:
                services.recommendation_draft_discard(recommendation=rec, user=request.user)
            except services.EditorialError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, _("Kladden er kasseret."), messages.SUCCESS)
            return HttpResponseRedirect(self._change_url(rec))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Kassér kladden?"),
            "rec": rec,
            "draft": draft,
            "opts": self.opts,
            "change_url": self._change_url(rec),
        }
        return render(request, "admin/recommendations/recommendation/discard.html", context)

    def restore_view(self, request: HttpRequest, object_id: str, version: int) -> HttpResponse:
        rec = self._publisher_get(request, object_id)
        versions = {v.version: v for v in selectors.recommendation_versions(recommendation=rec)}
        if version not in versions:
            raise Http404(services.UNKNOWN_VERSION.format(version=version))
        form = ChangeReasonForm(request.POST or None)
        error = ""
        if request.method == "POST" and form.is_valid():
            try:
                rec = services.recommendation_restore(
                    recommendation=rec,
                    version=version,
                    user=request.user,
                    change_reason=form.cleaned_data["change_reason"],
                )
            except services.EditorialError as refused:
                error = str(refused)
            else:
                self.message_user(
                    request,
                    _("Version %(old)s er gendannet som version %(new)s.")
                    % {"old": version, "new": rec.version},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(self._change_url(rec))
        current = versions.get(rec.version, rec)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Gendan version %(v)s?") % {"v": version},
            "rec": rec,
            "form": form,
            "error": error,
            "version": version,
            "diffs": versions_diff(current, versions[version], COMPARED_FIELDS),
            "opts": self.opts,
            "change_url": self._change_url(rec),
        }
        return render(request, "admin/recommendations/recommendation/restore.html", context)


class LiveContentAdmin(admin.ModelAdmin):
    """A published text without drafts: a change is live at once and needs a reason.

    The change goes through services.live_content_update (history record and audit event).
    """

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # the content comes from fixtures/ (docs/content.md)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        services.live_content_update(
            obj=obj,
            user=request.user,
            data=form.text_values(),
            change_reason=form.cleaned_data["change_reason"],
        )


@admin.register(RedFlag)
class RedFlagAdmin(LiveContentAdmin):
    form = RedFlagEditForm
    list_display = ["label", "code", "level"]
    list_filter = ["level"]
    fields = ["code", *services.RED_FLAG_TEXT_FIELDS, "change_reason"]
    readonly_fields = ["code"]


@admin.register(StartBackItem)
class StartBackItemAdmin(LiveContentAdmin):
    form = StartBackItemEditForm
    list_display = ["number", "text_en", "text_da"]
    # Keele's English wording and its source stay as the fixture has them.
    fields = ["number", "text_en", *services.STARTBACK_TEXT_FIELDS, "source", "change_reason"]
    readonly_fields = ["number", "text_en", "source"]


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Search synonyms: live at once, with a reason; the search index is rebuilt on save."""

    form = SearchSynonymEditForm
    list_display = ["term", "target", "kind", "atc_code", "source_checked"]
    list_filter = ["kind", "source_checked"]
    search_fields = ["term", "target"]
    fields = [*services.SEARCH_SYNONYM_FIELDS, "change_reason"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # seed_content would bring a seeded one back; correct it instead

    def save_model(self, request, obj, form, change) -> None:
        services.search_synonym_save(
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

    @admin.display(description=gettext_lazy("Redigér"))
    def edit_recommendation(self, link: HearingResponseLink) -> str:
        if not link.pk:
            return ""
        return _admin_link(link.recommendation, _("Redigér anbefalingen"))


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
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only: written by the services, never by hand."""

    list_display = ["at", "action", "subject", "version", "username", "change_reason"]
    list_filter = ["action"]
    search_fields = ["subject", "username", "change_reason"]
    list_select_related = ["recommendation__guideline"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
