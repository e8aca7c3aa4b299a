"""Numbers as a clinician types them on the patient pages: never read a thousand times off.

Found trying the intake as a GP (2026-12-06): "1.000" (a thousand, written the Danish way) was
read as 1, since the pages also take a point as the decimal mark ("7.5"). A dose typed with a
thousands point is refused, naming the field, and kept in the field to correct.
"""

import pytest

from recommendations.forms import posted_number
from recommendations.intake_input import DOSE_ERROR

from .intake_helpers import post


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("7,5", 7.5),
        ("7.5", 7.5),
        ("12,50", 12.5),
        ("1000", 1000.0),
        ("0.125", 0.125),
        ("10.25", 10.25),
    ],
)
def test_decimal_marks_either_way_are_read_as_typed(typed, read):
    assert posted_number(typed) == read


@pytest.mark.parametrize("typed", ["1.000", "4.000", "12.500", "1.000.000", "100.125"])
def test_a_number_that_may_hold_a_thousands_point_is_not_read(typed):
    assert posted_number(typed) == typed


@pytest.mark.usefixtures("content")
def test_a_dose_typed_with_a_thousands_point_is_refused_not_read_as_a_thousandth(client):
    form = {
        "age": "50",
        "pain_site": "generalised",
        "pain_duration_weeks": "20",
        "medication_rows": "1",
        "med-0-drug": "paracetamol",
        "med-0-dose": "4.000",
    }
    text = post(client, form).content.decode()
    assert "Paracetamol 4 mg" not in text
    assert str(DOSE_ERROR) in text
    assert 'value="4.000"' in text


@pytest.mark.usefixtures("content")
def test_a_taper_dose_typed_with_a_thousands_point_makes_no_plan(client):
    form = {"drug": "morphine", "daily_dose": "1.200", "treatment_months": "24"}
    text = client.post("/opioids/taper-plan/", form).content.decode()
    assert "Forslag til nedtrapning" not in text
    assert str(DOSE_ERROR) in text and 'value="1.200"' in text
