"""The lists on the patient pages (medications, pauses): rows as typed, after add or remove.

A list posts its row count (a hidden field) and each row's fields as "<prefix>-<i>-<field>";
"Tilføj" posts its name to add an empty row and "Fjern" the number of the row to remove, so
rows are added and removed without JavaScript. Used by the intake page and the opioid tools.
"""

from django.http import QueryDict

from recommendations.forms import (
    MEDICATION_ROWS_MAX,
    MEDICATION_ROWS_MIN,
    posted_index,
    posted_number,
    posted_row_count,
)
from recommendations.rules.drugs import drug_table
from recommendations.rules.intake import DoseUnit

# A medication row's keys and its posted fields: med-<i>-drug, med-<i>-dose.
MEDICATION_FIELDS = {"drug": "drug", "daily_dose": "dose"}


def row_empty(fields: dict[str, str]) -> dict[str, str]:
    """Return a row with nothing typed, and no error yet (the page puts one there)."""
    return dict.fromkeys(fields, "") | {"error": ""}


def rows_typed(
    post: QueryDict | None, *, prefix: str, fields: dict[str, str], numbers: range
) -> list[dict[str, str]]:
    """Return the rows `numbers` as typed: each key from the posted "<prefix>-<i>-<field>"."""
    if post is None:
        return [row_empty(fields) for _ in numbers]
    return [
        {key: post.get(f"{prefix}-{i}-{field}", "") for key, field in fields.items()}
        | {"error": ""}
        for i in numbers
    ]


def row_remove(rows: list[dict], post: QueryDict | None, name: str, *, first: int = 0) -> None:
    """Remove the row whose "Fjern" button posted its number as `name` (rows from `first`)."""
    number = posted_index(post.get(name) if post else None)
    if number is not None and first <= number < first + len(rows):
        rows.pop(number - first)


def medication_rows(post: QueryDict | None) -> list[dict[str, str]]:
    """Return the medication list of the intake and MME pages: rows as typed, empty ones
    included, at least MEDICATION_ROWS_MIN."""
    count = posted_row_count(post, "medication_rows", MEDICATION_ROWS_MIN, MEDICATION_ROWS_MAX)
    rows = rows_typed(post, prefix="med", fields=MEDICATION_FIELDS, numbers=range(count))
    if post and "add_medication" in post and len(rows) < MEDICATION_ROWS_MAX:
        rows.append(row_empty(MEDICATION_FIELDS))
    row_remove(rows, post, "remove_medication")
    while len(rows) < MEDICATION_ROWS_MIN:
        rows.append(row_empty(MEDICATION_FIELDS))
    return rows


def drug_unit(drug: str) -> str:
    """Return the unit the drug is dosed in: each has one (mg/døgn, or mcg/h for patches), so
    the pages do not ask for it; mg for an unknown code, which the validation then names."""
    info = drug_table().get(drug)
    return info.unit if info else DoseUnit.MG


def medication_data(drug: str, dose: str) -> dict:
    """Return a typed medication in the API's shape: the dose a number (None if blank)."""
    daily_dose = posted_number(dose) if dose.strip() else None
    return {"drug": drug, "daily_dose": daily_dose, "unit": drug_unit(drug)}
