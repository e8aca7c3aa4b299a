"""The editors' provenance page: every recommendation with where its words and grade come
from and whether an editor has checked it, and the form that records a check
(verification.recommendation_verify). Wired into the recommendation admin's URLs."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .admin_forms import PUBLISH_PERMISSION
from .models import Recommendation
from .provenance import StrengthBasis, TextKind, verification_text
from .verification import AGAINST_MAX, VerificationError, recommendation_verify

VIEW_PERMISSION = "recommendations.view_recommendation"
DATE_ERROR = gettext_lazy("Skriv datoen for kontrollen som åååå-mm-dd, fx 2026-12-06.")


class VerificationForm(forms.Form):
    against = forms.CharField(
        label=gettext_lazy("Kontrolleret mod (udgivelse: udgave og år eller adresse)"),
        max_length=AGAINST_MAX,
        required=False,  # the service names what is missing, in one place
    )
    checked_on = forms.DateField(
        label=gettext_lazy("Dato for kontrollen"), error_messages={"invalid": DATE_ERROR}
    )


def _row(rec: Recommendation) -> dict:
    provenance = rec.provenance
    return {
        "rec": rec,
        "title_kind": TextKind(provenance["title"]).label if provenance else "",
        "rationale_kind": TextKind(provenance["rationale"]).label if provenance else "",
        "strength_basis": StrengthBasis(provenance["strength"]).label if provenance else "",
        "status": verification_text(provenance, rec.verified),
        "verify_url": reverse("admin:recommendations_recommendation_verify", args=[rec.pk]),
    }


def provenance_overview(request: HttpRequest, admin_site) -> HttpResponse:
    """List every recommendation with its provenance and verification status (one query)."""
    if not request.user.has_perm(VIEW_PERMISSION):
        raise PermissionDenied(VIEW_PERMISSION)
    recs = Recommendation.objects.select_related("guideline").order_by("guideline__order", "order")
    rows = [_row(rec) for rec in recs]
    context = {
        **admin_site.each_context(request),
        "title": _("Oprindelse og kontrol"),
        "rows": rows,
        "verified_count": sum(1 for row in rows if row["rec"].verified),
        "can_verify": request.user.has_perm(PUBLISH_PERMISSION),
    }
    return render(request, "admin/recommendations/recommendation/provenance.html", context)


def verify_view(request: HttpRequest, object_id: str, admin_site) -> HttpResponse:
    """Record that the recommendation's text and grade were checked against the publication."""
    if not request.user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied(PUBLISH_PERMISSION)
    rec = get_object_or_404(Recommendation.objects.select_related("guideline"), pk=object_id)
    today = timezone.localdate()
    form = VerificationForm(request.POST or None, initial={"checked_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            recommendation_verify(
                recommendation=rec,
                user=request.user,
                against=form.cleaned_data["against"],
                checked_on=form.cleaned_data["checked_on"],
                today=today,
            )
        except VerificationError as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(request, _("Kontrollen er registreret for %(rec)s.") % {"rec": rec})
            return HttpResponseRedirect(reverse("admin:recommendations_recommendation_provenance"))
    context = {
        **admin_site.each_context(request),
        "title": _("Registrér kontrol mod kilden"),
        "rec": rec,
        "form": form,
        "row": _row(rec),
        "overview_url": reverse("admin:recommendations_recommendation_provenance"),
    }
    return render(request, "admin/recommendations/recommendation/verify.html", context)


def verification_urls(admin_site) -> list:
    """Return the editors' provenance URLs, for the recommendation admin's get_urls."""
    return [
        path(
            "provenance/",
            admin_site.admin_view(lambda request: provenance_overview(request, admin_site)),
            name="recommendations_recommendation_provenance",
        ),
        path(
            "<path:object_id>/verify/",
            admin_site.admin_view(
                lambda request, object_id: verify_view(request, object_id, admin_site)
            ),
            name="recommendations_recommendation_verify",
        ),
    ]
