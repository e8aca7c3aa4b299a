"""The pages a GP uses mid-consultation: browse, read, search."""

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

from recommendations import history_selectors

from . import audit, selectors
from .diff import COMPARED_FIELDS, versions_diff
from .forms import VersionCompareForm
from .guideline_sections import (
    guideline_layout,
    red_flags_table_guideline,
    sections_with_recommendations,
)
from .htmx import HtmxHttpRequest
from .middleware import DATABASE_ERRORS, database_unavailable_response, wants_json
from .published_cache import published_page
from .rules.conditions import condition_describe

SEARCH_MAX_LENGTH = 200
# Offered when a search finds nothing; each finds recommendations (tests/recommendations).
SEARCH_EXAMPLES = ("paracetamol", "træning", "opioider", "rygsmerter")
API_NOT_FOUND_ERROR = "Adressen findes ikke i API'et (se /api/docs/)."
API_SERVER_ERROR = "Der opstod en fejl på serveren. Prøv igen om lidt."


@published_page
def home(request: HtmxHttpRequest) -> HttpResponse:
    return render(request, "recommendations/home.html", {"guidelines": selectors.guideline_list()})


@published_page
def guideline_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    guideline = selectors.guideline_get(slug=slug)
    layout = guideline_layout(slug)
    context = {
        "guideline": guideline,
        "layout": layout,
        "groups": sections_with_recommendations(layout, guideline.recommendations.all()),
        # The red-flag table belongs to the guideline whose source prints it (seed 003).
        "red_flags": selectors.red_flag_list() if layout and layout.red_flags_table else None,
    }
    return render(request, "recommendations/guideline.html", context)


LIST_ITEM_PREFIX = "- "


def rationale_blocks(text: str) -> list[tuple[str, str | list[str]]]:
    """Return the rationale as ("p", paragraph) and ("ul", [item, ...]) blocks, for display.

    The seed texts write lists as paragraphs of "- a. ..." lines; shown as a list they read
    as one. The text itself is unchanged: each item keeps its own marker ("a.", "ii.").
    """
    blocks: list[tuple[str, str | list[str]]] = []
    for paragraph in text.split("\n\n"):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith(LIST_ITEM_PREFIX) for line in lines):
            blocks.append(("ul", [line[len(LIST_ITEM_PREFIX) :] for line in lines]))
        else:
            blocks.append(("p", paragraph))
    return blocks


@published_page
def recommendation_detail(request: HtmxHttpRequest, guideline_slug: str, slug: str) -> HttpResponse:
    rec = selectors.recommendation_get(guideline_slug=guideline_slug, slug=slug)
    return render(request, RECOMMENDATION_TEMPLATE, recommendation_page_context(rec))


RECOMMENDATION_TEMPLATE = "recommendations/recommendation.html"


def recommendation_page_context(rec) -> dict:
    """Return what the reader's recommendation page shows; the editor's preview uses it too."""
    return {
        "rec": rec,
        "rationale_blocks": rationale_blocks(rec.rationale),
        "applies_when": condition_describe(rec.applies_when),
        "hearing_links": history_selectors.recommendation_hearing_links(recommendation=rec),
        # How the current text came to be ("indlæst fra kilden" is not "udgivet" that day).
        "current_version": next(
            iter(history_selectors.recommendation_versions(recommendation=rec)), None
        ),
    }


# A search's answer depends on the published content and the query only: cached as a page.
@published_page
def search(request: HtmxHttpRequest) -> HttpResponse:
    # No one types a NUL character, and PostgreSQL refuses one in a query (a 500): drop it.
    q = request.GET.get("q", "").replace("\x00", "").strip()
    context = {
        "q": q,
        "results": [],
        "error": "",
        "outcome": None,
        "search_examples": SEARCH_EXAMPLES,
    }
    if len(q) > SEARCH_MAX_LENGTH:
        context["error"] = _("Søgningen er for lang: højst %(max)d tegn.") % {
            "max": SEARCH_MAX_LENGTH
        }
    elif q:
        outcome = selectors.recommendation_search(q=q)
        red_flags = selectors.red_flag_search(q=q)
        context.update(
            outcome=outcome,
            results=outcome.results,
            red_flags=red_flags,
            red_flags_table=red_flags_table_guideline() if red_flags else None,
            # Only for an empty answer: why nothing was found, if a population says so.
            population_mentions=[] if outcome.results else selectors.population_search(q=q),
        )
    template = "recommendations/search.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@published_page
def recommendation_history(
    request: HtmxHttpRequest, guideline_slug: str, slug: str
) -> HttpResponse:
    rec = selectors.recommendation_get(guideline_slug=guideline_slug, slug=slug)
    versions = history_selectors.recommendation_versions(recommendation=rec)
    by_number = {version.version: version for version in versions}
    # Default: the newest version against the one before it.
    initial = {"b": versions[0].version, "a": versions[min(1, len(versions) - 1)].version}
    form = VersionCompareForm(request.GET or initial, versions=list(by_number))
    diffs, older, newer = [], None, None
    if len(versions) > 1 and form.is_valid():
        older, newer = by_number[form.cleaned_data["a"]], by_number[form.cleaned_data["b"]]
        # Every field publishing changes, as the editor saw it compared before publishing.
        diffs = versions_diff(older, newer, COMPARED_FIELDS)
    rows = [
        (version, versions[index + 1] if index + 1 < len(versions) else None)
        for index, version in enumerate(versions)
    ]
    context = {
        "rec": rec,
        "rows": rows,
        "form": form,
        "diffs": diffs,
        "older": older,
        "newer": newer,
    }
    return render(request, "recommendations/history.html", context)


@published_page
def guideline_changes(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    guideline = selectors.guideline_header_get(slug=slug)
    changes = history_selectors.guideline_changes(guideline=guideline)
    context = {
        "guideline": guideline,
        "changes": changes,
        # Changes to the guideline's own texts are shown as word diffs, with their legend.
        "shows_diffs": any(change.kind == "guideline" for change in changes),
        "hearing_rounds": history_selectors.guideline_hearing_rounds(guideline=guideline),
    }
    return render(request, "recommendations/changes.html", context)


@published_page
def hearing_round_detail(request: HtmxHttpRequest, guideline_slug: str, slug: str) -> HttpResponse:
    hearing_round = history_selectors.hearing_round_get(guideline_slug=guideline_slug, slug=slug)
    return render(request, "recommendations/hearing.html", {"hearing_round": hearing_round})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Refuse in Danish, and log who was refused what (handler403)."""
    audit.permission_denied(request)
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Answer an unknown API address in the API's error shape, a page in Danish (handler404)."""
    if wants_json(request):
        return JsonResponse({"errors": {"detail": [API_NOT_FOUND_ERROR]}}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Answer an unhandled error: 503 if the database was lost, else a plain 500 (handler500)."""
    # Django calls this while handling the exception. A database lost outside a view (a session
    # saved in middleware, say) reaches only here, not DatabaseUnavailableMiddleware.
    error = sys.exception()
    if isinstance(error, DATABASE_ERRORS):
        return database_unavailable_response(request, error)
    if wants_json(request):
        return JsonResponse({"errors": {"detail": [API_SERVER_ERROR]}}, status=500)
    return defaults.server_error(request)
