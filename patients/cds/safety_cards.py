"""The cards that warn: red flags in the record, and the opioid dose alerts."""

from collections.abc import Sequence

from patients.cds.card_text import fit, listed, md, prefill_link, summary_short
from patients.cds.card_types import (
    LEVEL_RANK,
    NO_RECOMMENDATION,
    RED_FLAG_TABLE,
    SOURCE_LABEL,
    WHY_ALERT,
    WHY_RED_FLAG,
    Card,
    CardContext,
    CardKind,
    DraftResult,
    Finding,
)
from patients.cds.fhir_findings import Record
from recommendations.rules.alerts import (
    MME_INCOMPLETE_CODE,
    mme_alert_codes,
    red_flag_alert_kind,
)

# --- The cards -----------------------------------------------------------------------------


def _red_flag_findings(record: Record) -> dict[tuple[str, ...], list[Finding]]:
    """Return the record entries grouped by the red flags they raise.

    One card per finding, however the record repeats it: three statements of prednisolone, or
    prednisolone and prednisone, raise the same red flag and make one card naming them all.
    """
    codes_of: dict[str, tuple[Finding, list[str]]] = {}
    for code, findings in record.red_flags.items():
        for finding in findings:
            key = f"{finding.resource} {finding.label}"
            codes_of.setdefault(key, (finding, []))[1].append(code)
    groups: dict[tuple[str, ...], list[Finding]] = {}
    for finding, codes in codes_of.values():
        groups.setdefault(tuple(codes), []).append(finding)
    return groups


def red_flag_cards(record: Record, ctx: CardContext, prefill_url: str) -> list[Card]:
    source = ctx.red_flag_table()
    cards = []
    for codes, findings in _red_flag_findings(record).items():
        flags = [ctx.red_flags[code] for code in codes if code in ctx.red_flags]
        if not flags:
            continue
        critical = any(flag.level == "critical" for flag in flags)
        # Diagnoses and drugs name themselves with their code.
        what = listed(finding.label for finding in findings)
        resources = listed(finding.resource for finding in findings)
        # The action is this project's reading of the table, shown beside the seed's own words
        # (fixtures/alerts.json, the same wording as the intake's red-flag alerts).
        kind = red_flag_alert_kind("critical" if critical else "warning")
        if critical:
            summary = f"AKUT: {what} i journalen er et rødt flag – vurdér akut henvisning"
        else:
            summary = f"Rødt flag i journalen: {what} – udred for specifik patologi"
        detail = "\n".join(
            [
                f"**Rødt flag i journalen:** {md(what)}, {md(resources)}.",
                "",
                f"{RED_FLAG_TABLE} nævner:",
                *(f"- {md(flag.label)}" for flag in flags),
                "",
                f"Kilden: {md(kind.seed_words)}. **nkr's læsning: {md(kind.action)}.** "
                "Journalens diagnose er ikke en undersøgelse: bekræft ved anamnese og "
                "undersøgelse.",
                "",
                NO_RECOMMENDATION.format(
                    why=WHY_RED_FLAG.format(table=RED_FLAG_TABLE, url=source["url"])
                ),
            ]
        )
        cards.append(
            Card(
                kind=CardKind.RED_FLAG,
                summary=fit(summary),
                indicator="critical" if critical else "warning",
                detail=detail,
                source=source,
                links=prefill_link(prefill_url),
                subjects=tuple(codes),
            )
        )
    cards.sort(key=lambda card: -LEVEL_RANK[card.indicator])
    return cards


def medication_card(results: Sequence[DraftResult], ctx: CardContext) -> list[Card]:
    alerts, seen = [], set()
    for result in results:
        if result.evaluation is None:
            continue
        codes = {alert.code for alert in result.evaluation.alerts}
        for alert in result.evaluation.alerts:
            if alert.code in ctx.red_flags or (alert.code, alert.message) in seen:
                continue  # red flags have their own cards, with the record finding named
            if alert.code == MME_INCOMPLETE_CODE and not codes & mme_alert_codes():
                # An unknown dose is a gap in the record, which every guideline card states
                # (_mme_line): here it is said only beside the MME alert it qualifies.
                continue
            seen.add((alert.code, alert.message))
            alerts.append(alert)
    if not alerts:
        return []
    level = max((alert.level for alert in alerts), key=LEVEL_RANK.__getitem__)
    if len(alerts) == 1:
        summary = summary_short("Advarsel: ", alerts[0].message)
    else:
        summary = f"{len(alerts)} advarsler om patientens aktuelle medicin"
    lines = []
    for alert in alerts:
        line = f"- {md(alert.message)} (Kilde: {md(alert.source)})"
        if alert.recommendation:
            guideline, slug = alert.recommendation.split("/", 1)
            line += f" [Se anbefalingen]({ctx.absolute(f'/guidelines/{guideline}/{slug}/')})"
        else:
            line += f"  \n  {NO_RECOMMENDATION.format(why=WHY_ALERT)}"
        lines.append(line)
    return [
        Card(
            kind=CardKind.MEDICATION,
            summary=fit(summary),
            indicator=level,
            detail="\n".join(["**Advarsler om aktuel medicin:**", *lines]),
            source={"label": SOURCE_LABEL, "url": ctx.absolute("/")},
            links=prefill_link(results[0].prefill_url if results else ""),
            # Feedback on a warning about a recommendation is feedback on that recommendation
            # ("<guideline>/<slug>"), so editors see it beside the guideline cards' feedback.
            subjects=tuple(dict.fromkeys(alert.recommendation or alert.code for alert in alerts)),
        )
    ]
