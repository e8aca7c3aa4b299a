"""The MME table: oral morphine equivalents per drug and in total, with the dose alerts."""

from collections.abc import Sequence

from patients.opioids.plan_types import (
    BUPRENORPHINE_MME_NOTE,
    DOSE_ALERT_NOTE,
    NON_OPIOIDS_NOTE,
    US_THRESHOLDS_NOTE,
    MmeRow,
    MmeTable,
    number_display,
)
from recommendations.rules.alerts import mme_alert_kinds, mme_alert_reached
from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING, drug_table
from recommendations.rules.facts import daily_mme_total, mme_items
from recommendations.rules.intake import Medication

# --- MME table -------------------------------------------------------------------------------


def mme_table(*, medications: Sequence[Medication]) -> MmeTable:
    """Return each opioid's MME, the daily total and the notes CONTENT.md requires."""
    drugs = drug_table()
    items = mme_items(medications)
    rows = tuple(
        MmeRow(
            drug=item.drug,
            name=drugs[item.drug].name,
            daily_dose=item.daily_dose,
            unit=item.unit,
            factor=item.factor,
            mme=item.mme,
            source=item.source,
        )
        for item in items
    )
    total = daily_mme_total(items)
    dose_alert = mme_alert_reached(total)
    notes = [MME_NOT_FOR_SWITCHING]
    for name in dict.fromkeys(row.name for row in rows if row.factor is None):
        notes.append(BUPRENORPHINE_MME_NOTE.format(name=name))
    if dose_alert is not None:
        message = dose_alert.text(at_least="", mme=number_display(total))
        notes.append(DOSE_ALERT_NOTE.format(message=message, source=dose_alert.source))
    else:  # a marker reached is explained by its alert; once is enough on a phone
        limits = " og ".join(str(kind.mme_at_least) for kind in reversed(mme_alert_kinds()))
        notes.append(US_THRESHOLDS_NOTE.format(limits=limits))
    others = [drugs[m.drug].name for m in medications if not drugs[m.drug].is_opioid]
    if others:
        notes.append(NON_OPIOIDS_NOTE.format(names=", ".join(dict.fromkeys(others))))
    return MmeTable(
        items=rows,
        daily_mme=total,
        threshold=dose_alert.mme_at_least if dose_alert else None,
        notes=tuple(notes),
        dose_alert=dose_alert,
    )
