"""Reads of guideline content. Views and the API call these; none of them query on their own."""

import hashlib
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils.dateparse import parse_datetime
from django.utils.timezone import is_aware, make_aware

from .models import (
    Guideline,
    HearingResponse,
    HearingResponseLink,
    HearingRound,
    Recommendation,
    RedFlag,
    SearchSynonym,
    StartBackItem,
)
from .rules import RulesContent
from .search import SearchOutcome, search


def guideline_list() -> QuerySet[Guideline]:
    """Return all guidelines in order, each with its recommendation count."""
    # Meta.ordering is ignored in GROUP BY queries, so order explicitly.
    return Guideline.objects.annotate(recommendation_count=Count("recommendations")).order_by(
        "order"
    )


def guideline_not_found(slug: str) -> Http404:
    # The message reaches API clients (DRF turns Http404 into a 404 {"errors": ...} with it):
    # say in Danish what was not found, not Django's "No Guideline matches the given query".
    return Http404(f"Ingen retningslinje med slug '{slug}'.")


def recommendation_not_found(guideline_slug: str, slug: str) -> Http404:
    return Http404(f"Ingen anbefaling med slug '{slug}' i retningslinjen '{guideline_slug}'.")


def guideline_get(*, slug: str) -> Guideline:
    """Return one guideline with its recommendations prefetched, or raise Http404."""
    guideline = (
        Guideline.objects.annotate(recommendation_count=Count("recommendations"))
        .prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.order_by("order"))
        )
        .filter(slug=slug)
        .first()
    )
    if guideline is None:
        raise guideline_not_found(slug)
    return guideline


def guideline_header_get(*, slug: str) -> Guideline:
    """Return one guideline without its recommendations (one query), or raise Http404."""
    guideline = Guideline.objects.filter(slug=slug).first()
    if guideline is None:
        raise guideline_not_found(slug)
    return guideline


def recommendation_get(*, guideline_slug: str, slug: str) -> Recommendation:
    """Return one recommendation with its guideline, or raise Http404."""
    rec = (
        Recommendation.objects.select_related("guideline")
        .filter(guideline__slug=guideline_slug, slug=slug)
        .first()
    )
    if rec is None:
        raise recommendation_not_found(guideline_slug, slug)
    return rec


def recommendation_list(
    *, guideline: str = "", strength: str = "", direction: str = "", q: str = ""
) -> list[Recommendation]:
    """Return recommendations matching the filters; with `q`, best matches first."""
    queryset = Recommendation.objects.select_related("guideline")
    if guideline:
        queryset = queryset.filter(guideline__slug=guideline)
    if strength:
        queryset = queryset.filter(strength=strength)
    if direction:
        queryset = queryset.filter(direction=direction)
    if not q.strip():
        return list(queryset)
    return recommendation_search(q=q, queryset=queryset).results


# What the search results page shows and the search reads (search.py), nothing more.
SEARCH_RESULT_FIELDS = (
    "guideline",
    "slug",
    "order",
    "title",
    "strength",
    "direction",
    "certainty",
    "provenance",  # shown beside each result, and the label reads its source's own grade
    "verified",
    "search_aliases",
    "search_terms",
    "search_text",
    "guideline__slug",
    "guideline__order",
    "guideline__title",
    "guideline__short_title",
    "guideline__population_summary",
)


def recommendation_search(
    *, q: str, queryset: QuerySet[Recommendation] | None = None
) -> SearchOutcome:
    """Return what the query finds (ranked) and what to tell the reader; one query."""
    if queryset is None:
        # The results page shows sentences, not rationales: read only what it and the search
        # use (SEARCH_RESULT_FIELDS), not the long texts and JSON of every recommendation.
        queryset = Recommendation.objects.only(*SEARCH_RESULT_FIELDS)
    outcome = search(queryset, q)
    if not outcome.all_guidelines:
        # A query with no searchable word ("?", "a") made no query: the reader still gets the
        # guidelines to go to (one query), never a dead end.
        outcome.all_guidelines = list(Guideline.objects.order_by("order"))
    return outcome


def red_flag_list() -> QuerySet[RedFlag]:
    """Return the red-flag table in its source order."""
    return RedFlag.objects.all()


def startback_items() -> QuerySet[StartBackItem]:
    """Return the nine STarT Back questions in order."""
    return StartBackItem.objects.all()


# Every model whose text a reader sees on a page or in the read API. Each keeps a history
# record of every save and delete (django-simple-history), so its newest record says when and
# whether the published content changed. Drafts are not among them: readers never see one.
PUBLISHED_MODELS = (
    Guideline,
    Recommendation,
    RedFlag,
    StartBackItem,
    HearingRound,
    HearingResponse,
    HearingResponseLink,
    SearchSynonym,  # search answers in the read API depend on them
)


@dataclass(frozen=True)
class ContentVersion:
    """The published content's version: `token` changes with every change, anywhere."""

    token: str
    changed_at: datetime | None  # the newest change (Last-Modified)


def content_version() -> ContentVersion:
    """Return the published content's version, read from the database (one indexed query,
    prepared once per connection on PostgreSQL).

    Shared by every server, so caches keyed by it show a publish everywhere at once. The
    newest history id and date of each model: ids catch every save and delete, and the dates
    tell a database restored from a backup from the one it replaced.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _version_query_prepare(cursor)
            cursor.execute("EXECUTE nkr_content_version")
        else:
            cursor.execute(_version_query())
        rows = sorted(cursor.fetchall())
    dates = [_as_datetime(date) for _, _, date in rows]
    token = hashlib.sha256(repr([(n, pk, str(date)) for n, pk, date in rows]).encode())
    token = token.hexdigest()[:32]
    return ContentVersion(token=token, changed_at=max(dates, default=None))


@cache
def _version_query() -> str:
    # Each model's newest history record, by its primary key: an index probe each, and
    # cheaper to plan than MAX() over two columns (this query runs on every cached answer).
    # SQL from strings (ruff S608, bandit B608) is safe here: the table names come from model
    # metadata, quoted, never from input, and there are no values to bind.
    return " UNION ALL ".join(
        f"SELECT * FROM (SELECT {index} AS n, history_id, history_date FROM {table} "  # noqa: S608 # nosec B608
        f"ORDER BY history_id DESC LIMIT 1) AS newest_{index}"
        for index, table in enumerate(_history_tables())
    )


# The database connections (sessions) that hold the version query prepared. Planning its eight
# parts cost PostgreSQL several times what running them does, on every cached answer; a
# prepared statement is planned once per session and, unlike the session's data, outlives a
# rolled-back transaction. A new connection is a new object, so it prepares its own.
_PREPARED_IN: "weakref.WeakSet" = weakref.WeakSet()


def _version_query_prepare(cursor) -> None:
    session = connection.connection
    if session not in _PREPARED_IN:
        cursor.execute(f"PREPARE nkr_content_version AS {_version_query()}")
        _PREPARED_IN.add(session)


@cache
def _history_tables() -> list[str]:
    # Once per process: `Model.history` builds a new manager class on every access, which
    # cost more than the query on every cached page.
    return [
        connection.ops.quote_name(model.history.model._meta.db_table) for model in PUBLISHED_MODELS
    ]


def _as_datetime(value: datetime | str) -> datetime:
    # SQLite hands raw SQL its timestamps as text (UTC).
    if isinstance(value, datetime):
        return value
    parsed = parse_datetime(value)
    return parsed if is_aware(parsed) else make_aware(parsed, UTC)


# The rules snapshot per process, with the content version it was built from. Evaluating an
# intake then costs one small query instead of reading every rationale text again.
_RULES_CACHE: dict[str, tuple[str, RulesContent]] = {}


def rules_content() -> RulesContent:
    """Return the published content as the rules module's snapshot, rebuilt when it changes."""
    token = content_version().token
    cached = _RULES_CACHE.get("rules")
    if cached is not None and cached[0] == token:
        return cached[1]
    content = _rules_content_build()
    _RULES_CACHE["rules"] = (token, content)
    return content


def _rules_content_build() -> RulesContent:
    from .rules import GuidelineRule, RecommendationRule, RedFlagRule, RulesContent

    by_guideline: dict[int, list[RecommendationRule]] = {}
    for rec in Recommendation.objects.select_related("guideline").order_by("order"):
        by_guideline.setdefault(rec.guideline_id, []).append(
            RecommendationRule(
                slug=rec.slug,
                title=rec.title,
                strength=rec.strength,
                direction=rec.direction,
                certainty=rec.certainty or None,
                rationale=rec.rationale,
                version=rec.version,
                url=rec.get_absolute_url(),
                applies_when=rec.applies_when,
                drugs=tuple(rec.drugs),
                exception=rec.extra.get("exception"),
                provenance=rec.provenance,
                verified=rec.verified,
            )
        )
    guidelines = [
        GuidelineRule(
            slug=g.slug,
            title=g.title,
            short_title=g.short_title,
            url=g.get_absolute_url(),
            scope=g.scope,
            recommendations=by_guideline.get(g.id, []),
            source_short=g.source_short,
        )
        for g in Guideline.objects.order_by("order")
    ]
    red_flags = {
        flag.code: RedFlagRule(flag.code, flag.label, flag.level) for flag in red_flag_list()
    }
    return RulesContent(guidelines=guidelines, red_flags=red_flags)
