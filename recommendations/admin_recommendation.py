"""The recommendation admin: drafts, publishing, restoring, history and the edit conflict
(docs/editing.md). Registered on import by admin.py.
"""

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

from recommendations import history_selectors
from recommendations.admin_base import admin_link, field_shown

from . import services
from .admin_forms import (
    PUBLISH_PERMISSION,
    ChangeReasonForm,
    RecommendationEditForm,
    RecommendationPreviewForm,
)
from .diff import COMPARED_FIELDS, versions_diff
from .models import (
    Recommendation,
    RecommendationDraft,
)
from .rules.conditions import condition_describe
from .verification_admin import verification_urls
from .views import RECOMMENDATION_TEMPLATE, recommendation_page_context

PREVIEW_INVALID_TEMPLATE = "admin/recommendations/recommendation/preview_invalid.html"


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
                "fields": ["title", "rationale", "change_reason"],
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
                "versions": history_selectors.recommendation_versions(recommendation=rec),
                "can_restore": getattr(rec, "editor_can_publish", False),
            },
        )

    @admin.display(description=gettext_lazy("Høringssvar"))
    def hearing_response_list(self, rec: Recommendation) -> str:
        links = history_selectors.recommendation_hearing_links(recommendation=rec)
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
                        admin_link(link.response, link.response.organisation),
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
                field_shown(Recommendation, key, value)
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
        """Show the draft exactly as readers will see it, in the reader's own template.

        POST (the form's "Forhåndsvis" button) previews the text in the form now, unsaved:
        checked as the edit form checks it, set on the recommendation in memory, never saved.
        GET previews the saved draft. Staff with the right to edit only; the admin's view
        wrapper adds CSRF protection and never_cache.
        """
        rec = self.get_object(request, object_id)
        if rec is None:
            raise Http404(object_id)
        if not self.has_change_permission(request, rec):
            raise PermissionDenied
        change_url = self._change_url(rec)
        if request.method == "POST":
            form = RecommendationPreviewForm(request.POST, instance=rec)
            if not form.is_valid():
                context = {
                    **self.admin_site.each_context(request),
                    "title": _("Forhåndsvisningen kan ikke vises"),
                    "rec": rec,
                    "opts": self.opts,
                    "errors": form.error_lines(),
                    "change_url": change_url,
                }
                return render(request, PREVIEW_INVALID_TEMPLATE, context, status=400)
            preview = {"unsaved": True, "draft": True, "change_url": change_url}
        else:
            draft = RecommendationDraft.objects.filter(recommendation=rec).first()
            if draft is not None:
                for field in RecommendationDraft.FIELDS:
                    setattr(rec, field, getattr(draft, field))
            preview = {"draft": draft is not None, "change_url": change_url}
        rec.provenance = rec.provenance_of()  # as it will be published (services._publish)
        context = recommendation_page_context(rec) | {"preview": preview}
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
        versions = {
            v.version: v for v in history_selectors.recommendation_versions(recommendation=rec)
        }
        if version not in versions:
            raise Http404(_(services.UNKNOWN_VERSION).format(version=version))
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
