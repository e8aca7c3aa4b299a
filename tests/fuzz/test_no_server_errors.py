"""No input an anonymous client can send makes a server error: a budget of zero 5xx.

First the inputs that did (each a regression), then Hypothesis over every JSON endpoint and
every form, with a bounded number of examples so the suite stays fast. The forms' field names
are read from the pages themselves, so a new field is fuzzed without touching this file.
"""

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.examples import EXAMPLES

pytestmark = pytest.mark.django_db

EVALUATE = "/api/v1/evaluate/"
MME = "/api/v1/opioids/mme/"
TAPER = "/api/v1/opioids/taper-plan/"
INTAKE = {"age": 45, "pain_site": "low_back", "pain_duration_weeks": 2}
MEDICATION = {"drug": "oxycodone", "daily_dose": 20, "unit": "mg"}
VALID_BODIES = {
    EVALUATE: INTAKE | {"medications": [MEDICATION]},
    MME: {"medications": [MEDICATION]},
    TAPER: MEDICATION | {"treatment_months": 14},
}
FORM_PAGES = ["/intake/", "/opioids/mme/", "/opioids/taper-plan/"]
GET_PAGES = {
    "/api/v1/recommendations/": ["guideline", "strength", "direction", "q"],
    "/search/": ["q", "guideline"],
    "/guidelines/generalised-pain/cbt/history/": ["a", "b"],
}
HUGE_NUMBER = "9" * 5000

# Any JSON, with the awkward corners: lone surrogates and NUL in keys and strings, numbers
# too big for a float or for int(), deep-ish nesting.
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=10**18)
    | st.floats()
    | st.text(st.characters(codec=None), max_size=12)
    | st.sampled_from(["\ud800", "\x00", "²", HUGE_NUMBER, "", "mg", "mcg/h", "low_back"])
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(codec=None), max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


def post_json(client, path: str, body) -> int:
    # allow_nan: Infinity and NaN are what a careless client sends; they must be a 400 too.
    text = json.dumps(body, allow_nan=True)
    return client.post(path, text, content_type="application/json").status_code


def near_valid(path: str):
    """A valid body with one field replaced by any JSON value, or one field added."""
    body = VALID_BODIES[path]
    return st.one_of(
        st.tuples(st.sampled_from(sorted(body)), json_values).map(lambda kv: body | dict([kv])),
        st.tuples(st.text(max_size=6), json_values).map(lambda kv: body | dict([kv])),
        st.lists(st.dictionaries(st.sampled_from(sorted(MEDICATION)), json_values), max_size=3).map(
            lambda meds: body | {"medications": meds}
        ),
    )


# --- Inputs that made a 500 ------------------------------------------------------------------


@pytest.mark.parametrize("path", [EVALUATE, MME, TAPER])
@pytest.mark.parametrize("key", ["\ud800", "a\x00"])
def test_a_json_key_that_cannot_be_text_is_a_400(client, content, path, key):
    assert post_json(client, path, VALID_BODIES[path] | {key: 1}) == 400


@pytest.mark.parametrize(
    "path, field",
    [
        ("/intake/", "medication_rows"),
        ("/intake/", "remove_medication"),
        ("/opioids/mme/", "medication_rows"),
        ("/opioids/mme/", "remove_medication"),
        ("/opioids/taper-plan/", "pause_rows"),
        ("/opioids/taper-plan/", "remove_pause"),
        ("/opioids/taper-plan/", "add_pause"),
    ],
)
@pytest.mark.parametrize("value", ["²", "٣", HUGE_NUMBER, "-1"])
def test_a_row_count_that_is_no_small_number_counts_as_the_minimum(
    client, content, path, field, value
):
    assert client.post(path, {field: value}).status_code == 200


# --- Hypothesis over every JSON endpoint and form --------------------------------------------


@pytest.mark.parametrize("path", [EVALUATE, MME, TAPER])
@EXAMPLES
@given(body=json_values)
def test_any_json_body_is_answered_without_a_server_error(client, content, path, body):
    assert post_json(client, path, body) < 500


@pytest.mark.parametrize("path", [EVALUATE, MME, TAPER])
@EXAMPLES
@given(data=st.data())
def test_a_nearly_valid_json_body_is_answered_without_a_server_error(client, content, path, data):
    assert post_json(client, path, data.draw(near_valid(path))) < 500


def form_fields(client, path: str) -> list[str]:
    page = client.get(path).content.decode()
    names = set(re.findall(r'\sname="([^"]+)"', page)) - {"csrfmiddlewaretoken"}
    # The rows' own fields beyond the first rows, and the buttons that add and remove rows.
    return sorted(names | {"med-5-drug", "med-5-dose", "pause-3-after", "pause-3-extra"})


form_text = st.text(max_size=10) | st.sampled_from(["²", HUGE_NUMBER, "1e999", "nan", "-0", "٣"])


@pytest.mark.parametrize("path", FORM_PAGES)
@EXAMPLES
@given(data=st.data())
def test_any_form_post_is_answered_without_a_server_error(client, content, path, data):
    fields = form_fields(client, path)
    post = data.draw(st.dictionaries(st.sampled_from(fields), form_text, max_size=len(fields)))
    headers = {"HX-Request": "true"} if data.draw(st.booleans()) else {}
    assert client.post(path, post, headers=headers).status_code < 500


@pytest.mark.parametrize("path", sorted(GET_PAGES))
@EXAMPLES
@given(data=st.data())
def test_any_query_is_answered_without_a_server_error(client, content, path, data):
    query = data.draw(st.dictionaries(st.sampled_from(GET_PAGES[path]), form_text))
    assert client.get(path, query).status_code < 500
