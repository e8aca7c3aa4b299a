"""CDS Hooks cards from a record and its evaluations (API.md, CDS Hooks 2.0). Pure.

Order: one critical card per red-flag finding that needs urgent referral, then red flags to
investigate and medication warnings, then one card per guideline in scope, then a card for
what the record could not tell. Every card says where its facts came from and what is
unknown, shows strength and direction as symbol and words, and links to our intake form
pre-filled with what was known.
"""

from collections.abc import Sequence

from patients.cds.card_text import (
    facts_block,
    fit,
    md,
    plural,
    prefill_link,
    rationale_excerpt,
    sentences_joined,
    tool_links,
)
from patients.cds.card_types import (
    NO_RECOMMENDATION,
    NOT_IN_RECORDS,
    RATIONALE_LINK_LABEL,
    RED_FLAG_TABLE,
    SOURCE_LABEL,
    SUMMARY_MAX,
    WHY_INCOMPLETE,
    WHY_NO_PAIN_CODE,
    WHY_NOT_IN_SCOPE,
    Card,
    CardContext,
    CardKind,
    DraftResult,
)
from patients.cds.fhir_findings import ConditionFinding, Record
from patients.cds.safety_cards import medication_card, red_flag_cards
from recommendations.provenance import PICO_DOSES_NOTE
from recommendations.rules.conditions import VALUE_LABELS
from recommendations.rules.evaluate import APPLIES_TO_ALL, BECAUSE_READING


def _guideline_summary(title: str, recs, unknown: Sequence[str]) -> str:
    n = len(recs)
    if n == 0:
        head = f"{title}: ingen anbefalinger gælder ud fra journalens oplysninger"
    else:
        up = sum(1 for rec in recs if rec.direction == "for")
        head = (
            f"{title}: {plural(n, 'anbefaling', 'anbefalinger')} gælder ({up} for, {n - up} imod)"
        )
    if unknown:
        with_unknown = f"{head} – {', '.join(unknown)}"
        if len(with_unknown) <= SUMMARY_MAX:
            return with_unknown
    return fit(head)


def _guideline_cards(
    record: Record, results: Sequence[DraftResult], ctx: CardContext
) -> list[Card]:
    cards, seen = [], set()
    for result in results:
        if result.evaluation is None:
            continue
        draft = result.draft
        unknown = ["døgndosis ukendt"] if any(m.daily_dose is None for m in record.drugs) else []
        for guideline in result.evaluation.in_scope:
            if guideline.slug in seen:
                continue  # the same guideline from another pain site: the first one stands
            seen.add(guideline.slug)
            recs = guideline.recommendations
            lines = [
                f"**{plural(len(recs), 'anbefaling gælder', 'anbefalinger gælder')}** "
                "ud fra journalens oplysninger:",
                "",
            ]
            everyone = [rec for rec in recs if rec.slug in guideline.applies_to_all]
            if everyone:
                # Said once per guideline, not as the only reason on each of its lines.
                lines += [
                    f"*{APPLIES_TO_ALL}* ({BECAUSE_READING}; anbefalinger uden *Fordi*): "
                    f"{md('; '.join(everyone[0].because))}.",
                    "",
                ]
            for rec in recs:
                lines.append(
                    f"- {rec.symbol} **{md(rec.label)}:** "
                    f"[{md(rec.title)}]({ctx.absolute(rec.url)})  "
                )
                lines.append(f"  *Oprindelse:* {md(rec.provenance_line)}  ")
                if rec not in everyone:
                    lines.append(f"  *Fordi* ({BECAUSE_READING}): {md('; '.join(rec.because))}  ")
                if excerpt := rationale_excerpt(rec.rationale):
                    # A PICO question's background is not a rationale, and its doses are
                    # the studied interventions', not advice (provenance.PICO_DOSES_NOTE).
                    heading = rec.rationale_heading
                    if rec.is_pico_background:
                        excerpt = f"{excerpt} ({PICO_DOSES_NOTE})"
                    lines.append(
                        f"  *{heading}:* {md(excerpt)} "
                        f"([{RATIONALE_LINK_LABEL}]({ctx.absolute(rec.url)}))"
                    )
                for note in rec.notes:
                    lines.append(f"  *Bemærk:* {md(note)}")
            lines += [
                "",
                f"**Målgruppe:** {md(sentences_joined(guideline.reasons))}",
                "",
                facts_block(record, draft, ctx, result.evaluation),
                "",
                NOT_IN_RECORDS,
                "",
                f"Kilde: {md(guideline.title)}.",
            ]
            cards.append(
                Card(
                    kind=CardKind.GUIDELINE,
                    summary=_guideline_summary(guideline.short_title, recs, unknown),
                    indicator="info",
                    detail="\n".join(lines),
                    source={"label": guideline.title, "url": ctx.absolute(guideline.url)},
                    links=(*prefill_link(result.prefill_url), *tool_links(guideline.slug, ctx)),
                    subjects=tuple(f"{rec.guideline}/{rec.slug}" for rec in recs),
                    guideline=guideline.slug,
                )
            )
    return cards


def _incomplete_cards(
    record: Record, results: Sequence[DraftResult], ctx: CardContext
) -> list[Card]:
    cards = []
    for result in results:
        draft = result.draft
        if result.evaluation is not None:
            continue
        if draft.site is not None:
            what = ", ".join(dict.fromkeys(c.display for c in draft.site.conditions))
        else:
            pain = [
                c.display
                for c in record.conditions
                if c.rule.chronic_pain or c.rule.radicular_signs
            ]
            pain += [m.name for m in record.drugs if m.is_opioid]
            what = ", ".join(dict.fromkeys(pain)) or "smerter"
        missing = list(draft.missing) or ["oplysningerne kunne ikke vurderes"]
        summary = f"{what}: {', '.join(missing)} – udfyld NKR-vurderingen"
        problems = [f"- {md(problem)}" for problem in result.problems]
        detail = "\n".join(
            [
                "**Journalens oplysninger er ikke nok til en vurdering efter de nationale "
                "kliniske retningslinjer.** Åbn NKR-vurderingen (linket), udfyld det, der "
                "mangler, og se de anbefalinger, der gælder.",
                *(["", "**Vurderingen afviste:**", *problems] if problems else []),
                "",
                NO_RECOMMENDATION.format(why=WHY_INCOMPLETE),
                "",
                facts_block(record, draft, ctx),
            ]
        )
        cards.append(
            Card(
                kind=CardKind.INCOMPLETE,
                summary=fit(summary),
                indicator="info",
                detail=detail,
                source={"label": SOURCE_LABEL, "url": ctx.absolute("/")},
                links=prefill_link(result.prefill_url),
                subjects=tuple(draft.missing),
            )
        )
    return cards


def _not_in_scope_card(
    record: Record, results: Sequence[DraftResult], ctx: CardContext
) -> list[Card]:
    """Return one card saying why no guideline is in scope, when a complete intake has none.

    Silence would leave the clinician wondering whether the service ran; the reasons are the
    evaluator's own (each guideline's unmet scope criteria), so the card adds no content.
    """
    evaluated = [r for r in results if r.evaluation is not None]
    if not evaluated or any(r.evaluation.in_scope for r in evaluated):
        return []
    record_what = []
    lines = [
        "**Ingen af nkr's retningslinjer gælder ud fra journalens oplysninger.** Hvorfor "
        "patienten ikke er i hver retningslinjes målgruppe:",
    ]
    for result in evaluated:
        site = result.draft.site
        if site is not None:
            record_what += [c.display for c in site.conditions]
            if len(evaluated) > 1:
                lines += ["", f"**Smerter: {md(VALUE_LABELS[site.site])}**"]
        lines.append("")
        for guideline in result.evaluation.out_of_scope:
            lines.append(
                f"- [{md(guideline.title)}]({ctx.absolute(guideline.url)}): "
                f"{md(sentences_joined(guideline.reasons))}"
            )
    what = ", ".join(dict.fromkeys(record_what)) or "Smerter"
    first = evaluated[0]
    lines += [
        "",
        "Journalens oplysninger kan være ufuldstændige: kontrollér og udfyld dem i "
        "NKR-vurderingen (linket).",
        "",
        NO_RECOMMENDATION.format(why=WHY_NOT_IN_SCOPE),
        "",
        facts_block(record, first.draft, ctx, first.evaluation),
    ]
    return [
        Card(
            kind=CardKind.NOT_IN_SCOPE,
            summary=fit(
                f"{what}: ingen af nkr's retningslinjer gælder ud fra journalens oplysninger"
            ),
            indicator="info",
            detail="\n".join(lines),
            source={"label": SOURCE_LABEL, "url": ctx.absolute("/")},
            links=prefill_link(first.prefill_url),
            subjects=tuple(
                dict.fromkeys(g.slug for r in evaluated for g in r.evaluation.out_of_scope)
            ),
        )
    ]


def _no_pain_code_card(record: Record, ctx: CardContext, prefill_url: str) -> list[Card]:
    """Return an info card for a record with an urgent red-flag diagnosis but no pain code.

    Tabel 1 lists red flags for patients with pain, so without a pain diagnosis no guideline
    is assessed; the card says so rather than nothing. Only the urgent (critical) red flags
    bring it: cancer, HIV or steroids alone are common far outside pain care.
    """
    findings = [
        finding
        for code, found in record.red_flags.items()
        if code in ctx.red_flags and ctx.red_flags[code].level == "critical"
        for finding in found
        if isinstance(finding, ConditionFinding)
    ]
    if not findings:
        return []
    what = ", ".join(dict.fromkeys(f.label for f in findings))
    source = ctx.red_flag_table()
    detail = "\n".join(
        [
            f"**{md(what)} i journalen er et rødt flag** ({RED_FLAG_TABLE}), men journalen har "
            "ingen smertediagnose eller aktuel opioidbehandling, som nkr kan aflæse: ingen "
            "retningslinje er vurderet.",
            "",
            "Har patienten smerter, så åbn NKR-vurderingen (linket), udfyld smerternes "
            "lokalisation og varighed, og se de anbefalinger, der gælder.",
            "",
            NO_RECOMMENDATION.format(why=WHY_NO_PAIN_CODE),
        ]
    )
    return [
        Card(
            kind=CardKind.NOT_IN_SCOPE,
            summary=fit(
                f"{what} i journalen er et rødt flag, men der er ingen smertediagnose – "
                "ingen retningslinje vurderet"
            ),
            indicator="info",
            detail=detail,
            source=source,
            links=prefill_link(prefill_url),
            subjects=tuple(dict.fromkeys(code for code in record.red_flags)),
        )
    ]


def cards_build(*, record: Record, results: Sequence[DraftResult], ctx: CardContext) -> list[Card]:
    """Return the cards for a record: red flags, warnings, guidelines, then what is missing,
    or one card saying why no guideline applies."""
    prefill = results[0].prefill_url if results else ""
    if not record.pain_context:
        # Not a pain patient as far as the record tells: nothing to say, unless it holds an
        # urgent red-flag diagnosis.
        return _no_pain_code_card(record, ctx, prefill)
    red_flags = red_flag_cards(record, ctx, prefill)
    critical = [card for card in red_flags if card.indicator == "critical"]
    others = [card for card in red_flags if card.indicator != "critical"]
    guideline_cards = _guideline_cards(record, results, ctx)
    return [
        *critical,
        *others,
        *medication_card(results, ctx),
        *guideline_cards,
        # A red-flag card already says why the guidelines wait: no second card for it.
        *([] if guideline_cards or red_flags else _not_in_scope_card(record, results, ctx)),
        *_incomplete_cards(record, results, ctx),
    ]
