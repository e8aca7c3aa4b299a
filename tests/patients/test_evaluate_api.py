"""POST /api/v1/evaluate/ over real HTTP: the contract in API.md, the vignettes, bad input."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.patients.evaluate_api_helpers import LOW_BACK, URL, medication, post
from tests.recommendations.rules_helpers import valid_intakes

pytestmark = pytest.mark.usefixtures("content")

VIGNETTES = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "vignettes.json").read_text(encoding="utf-8")
)["cases"]
GUIDELINES = ["child-msk-pain", "generalised-pain", "acute-low-back-pain", "opioid-tapering"]


# --- The vignettes --------------------------------------------------------------------------


@pytest.mark.parametrize("case", VIGNETTES, ids=[case["name"] for case in VIGNETTES])
def test_each_vignette_gets_the_required_outcome_over_http(client, case):
    response = post(client, case["intake"])

    assert response.status_code == 200
    data = response.json()
    assert [g["slug"] for g in data["guidelines"]] == GUIDELINES
    assert {g["slug"] for g in data["guidelines"] if g["in_scope"]} == set(case["in_scope"])
    applying = {
        f"{g['slug']}/{r['slug']}" for g in data["guidelines"] for r in g["recommendations"]
    }
    assert set(case["includes"]) <= applying
    assert not set(case["excludes"]) & applying
    pairs = [[a["code"], a["level"]] for a in data["alerts"]]
    for pair in case["alerts"]:
        assert pair in pairs
    for key, value in case.get("derived", {}).items():
        assert data["derived"][key] == value, key


# --- The response shape ---------------------------------------------------------------------


def test_the_response_has_the_shape_api_md_promises(client):
    response = post(
        client,
        {
            "age": 60,
            "pain_site": "generalised",
            "pain_duration_weeks": 200,
            "red_flags": ["fever"],
            "medications": [medication("oxycodone", 40)],
            "opioid_treatment_months": 24,
            "startback": [1, 0, 0, 0, 1, 1, 0, 0, 0],
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert {"derived", "alerts", "guidelines"} <= set(data)
    assert {"age_group", "daily_mme", "long_term_opioid", "startback"} <= set(data["derived"])
    assert data["derived"]["age_group"] == "adult"
    assert data["derived"]["daily_mme"] == 60.0
    assert data["derived"]["long_term_opioid"] is True
    # Generalised pain: STarT Back is not scored (it belongs to low back pain from 16).
    assert data["derived"]["startback"] is None

    assert data["alerts"]
    for alert in data["alerts"]:
        assert {"code", "level", "message", "recommendation"} <= set(alert)
        assert alert["level"] in {"critical", "warning", "info"}
        assert alert["message"]
    fever = next(a for a in data["alerts"] if a["code"] == "fever")
    assert fever["recommendation"] is None
    medication_alert = next(
        a for a in data["alerts"] if a["code"] == "current_medication_advised_against"
    )
    assert medication_alert["recommendation"] == "generalised-pain/opioids-without-dual-action"

    assert [g["slug"] for g in data["guidelines"]] == GUIDELINES
    for guideline in data["guidelines"]:
        assert {"slug", "title", "in_scope", "reasons", "recommendations"} <= set(guideline)
        assert isinstance(guideline["in_scope"], bool)
        assert guideline["reasons"] and all(isinstance(r, str) for r in guideline["reasons"])
        for rec in guideline["recommendations"]:
            assert {
                "slug",
                "title",
                "strength",
                "direction",
                "certainty",
                "label",
                "rationale",
                "version",
                "url",
                "because",
            } <= set(rec)
            assert rec["url"] == f"http://testserver/guidelines/{guideline['slug']}/{rec['slug']}/"
            assert isinstance(rec["version"], int)
            assert rec["because"] and all(isinstance(b, str) for b in rec["because"])


def test_applying_recommendations_carry_their_danish_grade(client):
    data = post(
        client,
        {
            **LOW_BACK,
            "age": 45,
            "pain_site": "generalised",
            "pain_duration_weeks": 52,
            "complex_problems": True,
            "medications": [medication("tramadol", 200)],
        },
    ).json()

    generalised = next(g for g in data["guidelines"] if g["slug"] == "generalised-pain")
    by_slug = {r["slug"]: r for r in generalised["recommendations"]}
    assert (by_slug["cbt"]["strength"], by_slug["cbt"]["direction"]) == ("strong", "for")
    assert by_slug["cbt"]["label"] == "Stærk anbefaling for"
    assert by_slug["tramadol"]["label"] == "Svag anbefaling imod"
    assert by_slug["tramadol"]["certainty"] is None


def test_out_of_scope_guidelines_list_no_recommendations(client):
    data = post(client, {**LOW_BACK, "radicular_signs": True}).json()

    for guideline in data["guidelines"]:
        assert guideline["in_scope"] is False
        assert guideline["recommendations"] == []
    low_back = next(g for g in data["guidelines"] if g["slug"] == "acute-low-back-pain")
    assert any("nerverod" in reason for reason in low_back["reasons"])


def test_defaults_apply_to_fields_left_out(client):
    data = post(client, LOW_BACK).json()

    assert data["derived"] == {
        "age_group": "adult",
        "daily_mme": None,
        "long_term_opioid": False,
        "startback": None,
    }
    assert data["alerts"] == []


def test_buprenorphine_alone_gives_a_null_mme_and_an_info_alert(client):
    data = post(
        client,
        {
            **LOW_BACK,
            "pain_site": "other_msk",
            "medications": [medication("buprenorphine_patch", 10)],
        },
    ).json()

    assert data["derived"]["daily_mme"] is None
    assert ["mme_not_computed", "info"] in [[a["code"], a["level"]] for a in data["alerts"]]


def test_startback_is_scored_in_the_record_only_for_low_back_pain_from_16(client):
    body = {"age": 8, "pain_site": "generalised", "pain_duration_weeks": 20, "startback": [1] * 9}
    data = post(client, body).json()
    assert data["derived"]["startback"] is None
    assert "startback_not_scored" in {alert["code"] for alert in data["alerts"]}
    assert "9/9" not in data["journal_note"] and "høj risiko" not in data["journal_note"]

    back = {**body, "age": 60, "pain_site": "low_back", "startback": [1, 0, 0, 0, 1, 1, 0, 0, 0]}
    data = post(client, back).json()
    assert data["derived"]["startback"] == {"total": 3, "psychosocial": 2, "risk": "low"}
    assert "STarT Back 3/9 (lav risiko)" in data["journal_note"]


def test_one_evaluation_stays_within_its_query_budget(client, django_assert_max_num_queries):
    body = {**LOW_BACK, "red_flags": ["fever"], "medications": [medication("morphine", 60)]}
    # Cold: the content token, then guidelines, recommendations and red flags, read once.
    with django_assert_max_num_queries(4):
        assert post(client, body).status_code == 200
    # Warm: the content is cached per process; only the token is checked.
    with django_assert_max_num_queries(1):
        assert post(client, body).status_code == 200


def test_an_edited_recommendation_is_evaluated_at_once_despite_the_cache(client):
    from recommendations.models import Recommendation

    assert post(client, LOW_BACK).status_code == 200
    rec = Recommendation.objects.get(guideline__slug="acute-low-back-pain", slug="stay-active")
    rec.title = "Ny tekst efter høring."
    rec.save()
    data = post(client, LOW_BACK).json()
    lbp = next(g for g in data["guidelines"] if g["slug"] == "acute-low-back-pain")
    assert lbp["recommendations"][0]["title"] == "Ny tekst efter høring."


def test_the_openapi_schema_documents_the_evaluate_endpoint(client):
    response = client.get("/api/schema/")

    assert response.status_code == 200
    assert "/api/v1/evaluate/" in response.content.decode()


def test_the_openapi_schema_says_the_because_lines_are_nkrs_reading(client):
    # As the intake page and the cards mark them (CONTENT.md, Provenance): a record system
    # reading only the API must learn it too.
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()
    applied = schema["components"]["schemas"]["AppliedRecommendation"]["properties"]
    assert "nkr's læsning af kilden, ikke kildens ord" in applied["because"]["description"]


def test_evaluate_only_accepts_post(client):
    assert client.get(URL).status_code == 405


@pytest.mark.parametrize("case", VIGNETTES, ids=[case["name"] for case in VIGNETTES])
def test_the_reused_answer_writer_writes_what_a_new_serializer_writes(rf, settings, case):
    # patients/intake/api.py builds its output serializer once per thread (speed): each answer
    # must still be exactly what a new one writes, with the asking request's own addresses.
    from patients.intake.api import EvaluationSerializer, evaluation_representation
    from patients.intake.services import intake_evaluate

    settings.ALLOWED_HOSTS = ["nkr.klinik.dk", "127.0.0.1"]
    evaluation = intake_evaluate(data=case["intake"])
    for host in settings.ALLOWED_HOSTS:
        request = rf.post(URL, HTTP_HOST=host)
        written = evaluation_representation(evaluation, request)
        assert written == EvaluationSerializer(evaluation, context={"request": request}).data
        urls = [rec["url"] for result in written["guidelines"] for rec in result["recommendations"]]
        assert all(url.startswith(f"http://{host}/") for url in urls)


# rf builds requests and keeps nothing between examples.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=valid_intakes)
def test_for_any_intake_the_answer_writer_writes_what_a_new_serializer_writes(rf, data):
    from patients.intake.api import EvaluationSerializer, evaluation_representation
    from patients.intake.services import intake_evaluate

    evaluation = intake_evaluate(data=data)
    request = rf.post(URL)
    written = evaluation_representation(evaluation, request)
    assert written == EvaluationSerializer(evaluation, context={"request": request}).data
