"""No signed CDS Hooks call makes a server error, whatever its ids and texts hold."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fhir_records import adult_with_low_back_pain_for_three_weeks
from tests.fuzz.examples import EXAMPLES

pytestmark = pytest.mark.django_db

ODD_TEXT = st.text(st.characters(codec=None), max_size=12) | st.sampled_from(["\ud800", "\x00"])


def _display(body: dict) -> dict:
    return body["prefetch"]["conditions"]["entry"][0]["resource"]["code"]["coding"][0]


# A bad jti makes the token unusable (401, like any bad claim); bad text in the body is a 400.
@pytest.mark.parametrize("where, status", [("jti", 401), ("patientId", 400), ("display", 400)])
@pytest.mark.parametrize("value", ["\ud800", "\x00", "a\udfffb"])
def test_a_signed_call_with_a_character_that_cannot_be_text_is_refused(
    client, content, ehr, where, status, value
):
    body = adult_with_low_back_pain_for_three_weeks()
    claims = {}
    if where == "jti":
        claims["jti"] = value
    elif where == "patientId":
        body["context"]["patientId"] = value
    else:
        _display(body)["display"] = value
    assert ehr.call(client, body, **claims).status_code == status


@EXAMPLES
@given(data=st.data())
def test_any_signed_cds_call_is_answered_without_a_server_error(client, content, ehr, data):
    body = adult_with_low_back_pain_for_three_weeks()
    where = data.draw(st.sampled_from(["jti", "patientId", "display", "hookInstance", "userId"]))
    value = data.draw(ODD_TEXT)
    claims = {}
    if where == "jti":
        claims["jti"] = value
    elif where in {"patientId", "userId"}:
        body["context"][where] = value
    elif where == "display":
        body["prefetch"]["conditions"]["entry"][0]["resource"]["code"]["coding"][0]["display"] = (
            value
        )
    else:
        body[where] = value
    assert ehr.call(client, body, **claims).status_code < 500
