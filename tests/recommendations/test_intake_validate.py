"""intake_validate reuses one IntakeSerializer per thread: it must answer as a new one does.

Each hypothesis example follows the previous ones in the same thread, so a result or an error
left on the reused serializer by one intake would show in the next.
"""

from hypothesis import given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from recommendations.intake_input import IntakeSerializer, RecordIntakeData, intake_validate
from tests.fuzz.examples import EXAMPLES
from tests.recommendations.rules_helpers import RED_FLAG_CODES, valid_intakes

JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-10, max_value=10**6),
    st.text(max_size=8),
    st.lists(st.integers(0, 2), max_size=10),
    st.just({"drug": "oxycodone"}),
    st.just([{"drug": "tramadol", "daily_dose": None, "unit": "mg"}]),
)
FIELDS = [*IntakeSerializer().fields, "no_such_field"]


@st.composite
def intakes_good_and_bad(draw):
    data = draw(valid_intakes)
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=3, unique=True)):
        data[name] = draw(JUNK)
    return data


def as_new_serializer_answers(data, *, dose_unknown_allowed: bool):
    serializer = IntakeSerializer(
        data=data, red_flag_codes=RED_FLAG_CODES, dose_unknown_allowed=dose_unknown_allowed
    )
    if serializer.is_valid():
        return "valid", dict(serializer.validated_data)
    return "invalid", serializer.errors


def as_intake_validate_answers(data, *, dose_unknown_allowed: bool):
    try:
        validated = intake_validate(
            data, red_flag_codes=RED_FLAG_CODES, dose_unknown_allowed=dose_unknown_allowed
        )
    except ValidationError as error:
        return "invalid", error.detail
    return "valid", dict(validated)


@EXAMPLES
@given(data=intakes_good_and_bad(), from_record=st.booleans())
def test_intake_validate_answers_as_a_new_serializer_does(data, from_record):
    if from_record:
        data = RecordIntakeData(data)
    expected = as_new_serializer_answers(data, dose_unknown_allowed=from_record)
    assert as_intake_validate_answers(data, dose_unknown_allowed=from_record) == expected


def test_a_record_may_leave_a_dose_unknown_and_the_form_may_not_after_either():
    record = {"age": 50, "pain_site": "generalised", "pain_duration_weeks": 20}
    record["medications"] = [{"drug": "tramadol", "daily_dose": None, "unit": "mg"}]
    for _ in range(2):  # the same thread, alternating: each kind keeps its own serializer
        valid = intake_validate(record, red_flag_codes=RED_FLAG_CODES, dose_unknown_allowed=True)
        assert valid["medications"][0]["daily_dose"] is None
        try:
            intake_validate(record, red_flag_codes=RED_FLAG_CODES)
        except ValidationError as error:
            assert "medications" in error.detail
        else:
            raise AssertionError("a null dose passed the form's validation")
