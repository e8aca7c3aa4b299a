import pytest

pytestmark = pytest.mark.usefixtures("content")


def test_guideline_list_has_the_contract_fields(client):
    data = client.get("/api/v1/guidelines/").json()
    assert [g["slug"] for g in data] == [
        "child-msk-pain",
        "generalised-pain",
        "acute-low-back-pain",
        "opioid-tapering",
    ]
    first = data[0]
    assert {"slug", "title", "population", "source", "recommendation_count", "url"} <= set(first)
    assert first["recommendation_count"] == 6
    assert first["url"] == "http://testserver/guidelines/child-msk-pain/"


def test_guideline_detail_has_recommendations_in_source_order(client):
    data = client.get("/api/v1/guidelines/acute-low-back-pain/").json()
    assert [r["slug"] for r in data["recommendations"]][:3] == [
        "stay-active",
        "patient-education",
        "stratified-care",
    ]


def test_recommendation_fields_match_the_contract(client):
    data = client.get("/api/v1/recommendations/", {"guideline": "generalised-pain"}).json()
    tramadol = next(r for r in data if r["slug"] == "tramadol")
    assert {
        "guideline",
        "slug",
        "title",
        "strength",
        "direction",
        "certainty",
        "label",
        "rationale",
        "version",
        "updated_at",
        "url",
    } <= set(tramadol)
    assert tramadol["label"] == "Svag anbefaling imod"
    assert tramadol["guideline"] == "generalised-pain"
    assert tramadol["version"] == 1
    assert tramadol["certainty"] is None


def test_recommendation_label_stays_danish_whatever_language_is_asked_for(client):
    data = client.get(
        "/api/v1/recommendations/", {"strength": "strong"}, headers={"Accept-Language": "en"}
    ).json()
    assert {r["label"] for r in data} == {"Stærk anbefaling for"}


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"guideline": "child-msk-pain"}, 6),
        ({"strength": "strong"}, 2),
        ({"direction": "against"}, 12),
        ({"guideline": "acute-low-back-pain", "direction": "against"}, 6),
        ({}, 36),
    ],
)
def test_recommendations_can_be_filtered(client, params, count):
    assert len(client.get("/api/v1/recommendations/", params).json()) == count


def test_q_is_a_danish_full_text_query(client):
    data = client.get("/api/v1/recommendations/", {"q": "opioider"}).json()
    slugs = {f"{r['guideline']}/{r['slug']}" for r in data}
    assert {"child-msk-pain/opioids", "acute-low-back-pain/opioids"} <= slugs


def test_bad_filters_give_400_with_every_field_named(client):
    response = client.get(
        "/api/v1/recommendations/",
        {"guideline": "knees", "strength": "very_strong", "direction": "up"},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"guideline", "strength", "direction"}
    assert "child-msk-pain" in errors["guideline"][0]


def test_unknown_guideline_is_a_json_404_saying_in_danish_what_was_not_found(client):
    response = client.get("/api/v1/guidelines/knees/")
    assert response.status_code == 404
    assert response.json() == {"errors": {"detail": ["Ingen retningslinje med slug 'knees'."]}}


def test_unknown_recommendation_history_is_a_danish_404_naming_the_recommendation(client):
    response = client.get("/api/v1/guidelines/child-msk-pain/recommendations/cbt/history/")
    assert response.status_code == 404
    assert response.json() == {
        "errors": {"detail": ["Ingen anbefaling med slug 'cbt' i retningslinjen 'child-msk-pain'."]}
    }


def test_bad_strength_and_direction_values_list_the_allowed_values(client):
    response = client.get("/api/v1/recommendations/", {"strength": "STRONG", "direction": "up"})
    errors = response.json()["errors"]
    assert errors["strength"] == [
        "Ukendt værdi 'STRONG'. Tilladt: strong, weak, good_practice, not_graded."
    ]
    assert errors["direction"] == ["Ukendt værdi 'up'. Tilladt: for, against."]


def test_a_repeated_filter_is_refused_not_silently_narrowed_to_the_last_value(client):
    response = client.get(
        "/api/v1/recommendations/?guideline=child-msk-pain&guideline=generalised-pain"
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"guideline": ["Angiv højst én værdi; fik 2."]}}


def test_the_api_keeps_the_internal_trace_apart_from_the_citation(client):
    data = client.get("/api/v1/guidelines/child-msk-pain/").json()
    assert data["population_summary"] and data["source_short"]
    assert "seeds/" in data["source_ref"] and "seeds/" not in data["note"]
    rec = next(r for r in data["recommendations"] if r["slug"] == "weak-analgesics")
    assert "CONTENT.md" in rec["trace"]
    assert "CONTENT.md" not in rec["strength_source"]
    assert rec["source_ref"].startswith("seeds/000_")


def test_red_flags_have_code_label_categories_and_level(client):
    data = client.get("/api/v1/red-flags/").json()
    assert len(data) == 22
    saddle = next(f for f in data if f["code"] == "cauda_equina_saddle_anaesthesia")
    assert saddle["level"] == "critical"
    assert saddle["categories"] == ["radiculopathy"]
    assert saddle["label"]


def test_openapi_schema_documents_the_read_api(client):
    response = client.get("/api/schema/", headers={"Accept": "application/json"})
    assert response.status_code == 200
    text = response.content.decode()
    for path in ["/api/v1/guidelines/", "/api/v1/recommendations/", "/api/v1/red-flags/"]:
        assert path in text


def test_swagger_ui_is_served_without_a_cdn(client):
    text = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in text
    assert "cdn" not in text.lower()


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/api/v1/guidelines/", 1),
        ("/api/v1/guidelines/generalised-pain/", 2),
        ("/api/v1/recommendations/", 2),
        ("/api/v1/recommendations/?q=træning", 2),
        ("/api/v1/red-flags/", 1),
    ],
)
def test_api_endpoints_stay_within_their_query_budget(
    client, django_assert_max_num_queries, url, budget
):
    # One more: the content version that cached answers are keyed by (published_cache.py).
    with django_assert_max_num_queries(budget + 1):
        assert client.get(url).status_code == 200
