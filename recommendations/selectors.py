"""Reads of guideline content. Views and the API call these; none of them query on their own."""

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404

from .content_version import content_version
from .models import (
    RECOMMENDATION_HEADING_FIELDS,
    Guideline,
    Recommendation,
    RedFlag,
    SearchSynonym,
    StartBackItem,
)
from .rules import RulesContent
from .search import SearchOutcome, query_words, search
from .search_mentions import Alias, PopulationMention, most_named, population_mentions
from .search_words import STOP_WORDS


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
    *RECOMMENDATION_HEADING_FIELDS,
    "provenance",  # shown beside each result, and the label reads its source's own grade
    "verified",
    "search_aliases",
    "search_terms",
    "search_text",
    "drugs",  # a recommendation about a drug the query names ranks first (search.py)
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


# Words that name the table itself: a query of only these ("røde flag", "red flags") asks for
# the whole table; beside other words ("feber rødt flag") they narrow nothing.
RED_FLAG_TABLE_WORDS = frozenset({"røde", "rødt", "flag", "red", "flags"})
# Words that say where the pain is, not which flag: the table is the low back pain guideline's.
# Beside a flag's words they narrow nothing ("cauda equina ryg", "rygsmerter feber"); alone
# they name no flag.
RED_FLAG_CONTEXT_WORDS = RED_FLAG_TABLE_WORDS | frozenset(
    """ryg ryggen rygsmerter lænd lænden lænderyg lænderyggen lænderygsmerter lændesmerter
    smerte smerter ondt""".split()
)


def red_flag_search(*, q: str) -> list[RedFlag]:
    """Return the red flags that name the most of the query's words, in the table's order, if
    the table names each of them (a flag's text, its column in Tabel 1, or a search synonym of
    it: "kræft" -> "tumor"; RedFlag.search_text); the whole table for a query that names only
    the table."""
    words = [word for word in query_words(q) if word not in STOP_WORDS]
    specific = [word for word in words if word not in RED_FLAG_CONTEXT_WORDS]
    if not specific:
        return list(red_flag_list()) if RED_FLAG_TABLE_WORDS & set(words) else []
    return most_named({flag: flag.search_text for flag in red_flag_list()}, specific)


def population_search(*, q: str) -> list[PopulationMention]:
    """Return the guidelines' population paragraphs that name every word of the query.

    For an answer with no recommendation: the population may say why ("diskusprolaps" and,
    through its synonym, "iskias": not covered by the low back pain guideline).
    """
    words = query_words(q)
    if not words:
        return []
    guidelines = Guideline.objects.order_by("order").only(
        "slug", "title", "short_title", "population", "population_source"
    )
    aliases = [
        Alias(term, target, kind)
        for term, target, kind in SearchSynonym.objects.filter(term__in=words).values_list(
            "term", "target", "kind"
        )
    ]
    return population_mentions(words, guidelines, aliases)


def startback_items() -> QuerySet[StartBackItem]:
    """Return the nine STarT Back questions in order."""
    return StartBackItem.objects.all()


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
