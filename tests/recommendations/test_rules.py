"""The pure evaluator: a validated intake and a content snapshot in, an Evaluation out.

Everything here except one comparison with the seeded database runs without the database: the
content snapshot is built once from the fixture files, the way selectors.rules_content builds
it from the seeded rows.
"""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recommendations.content import FIXTURES_DIR, guidelines_content_load, red_flags_content_load
from recommendations.content_hearings import hearings_content_load
from recommendations.intake_input import (
    DOSE_ERROR,
    DOSE_MAX,
    REQUIRED_ERROR,
    IntakeSerializer,
    intake_build,
)
from recommendations.rules import (
    GuidelineRule,
    RecommendationRule,
    RedFlagRule,
    RulesContent,
    evaluate,
)
from recommendations.rules.drugs import drug_table, name_in_sentence
from recommendations.selectors import rules_content

VIGNETTES_FILE = Path(__file__).resolve().parents[1] / "data" / "vignettes.json"
SHARED_VIGNETTES_FILE = Path("/work/shared/vignettes.json")
VIGNETTES = json.loads(VIGNETTES_FILE.read_text(encoding="utf-8"))["cases"]

GUIDELINES = ["child-msk-pain", "generalised-pain", "acute-low-back-pain", "opioid-tapering"]
LEVEL_RANK = {"critical": 0, "warning": 1, "info": 2}
# CONTENT.md, "Red flags": these five are urgent referrals, every other flag is a warning.
CRITICAL_RED_FLAGS = {
    "cauda_equina_bladder",
    "cauda_equina_anal_incontinence",
    "cauda_equina_saddle_anaesthesia",
    "progressive_neurological_deficit",
    "decreasing_pain_increasing_paralysis",
}


def content_from_files() -> RulesContent:
    """Return the rules snapshot built from fixtures/, mapped as selectors.rules_content does."""
    guidelines = []
    loaded = guidelines_content_load()
    # A recommendation seeded with its hearing draft (CBT) is at version 2: draft, then published.
    drafted = {
        (hearing.guideline, slug)
        for hearing in hearings_content_load(FIXTURES_DIR, loaded)
        for slug in hearing.revisions
    }
    for guideline in loaded:
        slug = guideline.fields["slug"]
        recommendations = [
            RecommendationRule(
                slug=rec["slug"],
                title=rec["title"],
                strength=rec["strength"],
                direction=rec["direction"],
                certainty=rec["certainty"] or None,
                rationale=rec["rationale"],
                version=2 if (slug, rec["slug"]) in drafted else 1,
                url=f"/guidelines/{slug}/{rec['slug']}/",
                applies_when=rec["applies_when"],
                drugs=tuple(rec["drugs"]),
                exception=rec["extra"].get("exception"),
                provenance=rec["provenance"],
            )
            for rec in sorted(guideline.recommendations, key=lambda rec: rec["order"])
        ]
        guidelines.append(
            GuidelineRule(
                slug=slug,
                title=guideline.fields["title"],
                short_title=guideline.fields["short_title"],
                url=f"/guidelines/{slug}/",
                scope=guideline.fields["scope"],
                recommendations=recommendations,
                source_short=guideline.fields["source_short"],
            )
        )
    flags = sorted(red_flags_content_load(), key=lambda flag: flag["order"])
    red_flags = {
        flag["code"]: RedFlagRule(flag["code"], flag["label"], flag["level"]) for flag in flags
    }
    return RulesContent(guidelines=guidelines, red_flags=red_flags)


CONTENT = content_from_files()
RED_FLAG_CODES = list(CONTENT.red_flags)
RECOMMENDATION_DRUGS = {
    f"{g.slug}/{r.slug}": set(r.drugs) for g in CONTENT.guidelines for r in g.recommendations
}


def validated(data: dict) -> dict:
    """Return the serializer's validated data for `data`, failing the test if it is refused."""
    serializer = IntakeSerializer(data=data, red_flag_codes=RED_FLAG_CODES)
    assert serializer.is_valid(), serializer.errors
    return serializer.validated_data


def evaluation_of(data: dict, content: RulesContent = CONTENT):
    """Return the evaluation of raw intake data, validated as the API validates it."""
    return evaluate(intake_build(validated(data)), content)


def intake(**fields) -> dict:
    """Return an intake: a 45-year-old with a year of generalised pain, changed by `fields`."""
    return {"age": 45, "pain_site": "generalised", "pain_duration_weeks": 52, **fields}


def med(drug: str, dose: float | None) -> dict:
    return {"drug": drug, "daily_dose": dose, "unit": drug_table()[drug].unit}


def in_scope(evaluation) -> set[str]:
    return {g.slug for g in evaluation.guidelines if g.in_scope}


def guideline(evaluation, slug: str):
    (found,) = [g for g in evaluation.guidelines if g.slug == slug]
    return found


def applying(evaluation) -> list[str]:
    return [f"{r.guideline}/{r.slug}" for g in evaluation.guidelines for r in g.recommendations]


def applied(evaluation, key: str):
    (found,) = [
        r
        for g in evaluation.guidelines
        for r in g.recommendations
        if f"{r.guideline}/{r.slug}" == key
    ]
    return found


def alert_pairs(evaluation) -> list[tuple[str, str]]:
    return [(a.code, a.level) for a in evaluation.alerts]


def alerts_with(evaluation, code: str):
    return [a for a in evaluation.alerts if a.code == code]


# --- The shared vignettes -------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_VIGNETTES_FILE.exists(), reason="no shared vignettes here")
def test_the_vignettes_in_the_repository_are_the_shared_ones():
    shared = json.loads(SHARED_VIGNETTES_FILE.read_text(encoding="utf-8"))
    assert json.loads(VIGNETTES_FILE.read_text(encoding="utf-8")) == shared


@pytest.mark.parametrize("case", VIGNETTES, ids=[case["name"] for case in VIGNETTES])
def test_each_vignette_gets_the_outcome_the_guidelines_require(case):
    evaluation = evaluation_of(case["intake"])

    assert in_scope(evaluation) == set(case["in_scope"])
    recommendations = applying(evaluation)
    assert set(case["includes"]) <= set(recommendations)
    assert not set(case["excludes"]) & set(recommendations)
    pairs = alert_pairs(evaluation)
    for code, level in case["alerts"]:
        assert (code, level) in pairs
    derived = evaluation.derived()
    for key, value in case.get("derived", {}).items():
        assert derived[key] == value, key


def test_the_database_snapshot_evaluates_every_vignette_like_the_fixture_files(content):
    from_database = rules_content()
    for case in VIGNETTES:
        assert evaluation_of(case["intake"], from_database) == evaluation_of(case["intake"]), case[
            "name"
        ]


# --- Every guideline, in or out of scope ----------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        intake(),
        intake(age=10, pain_site="other_msk", pain_duration_weeks=2),
        intake(age=30, pain_site="low_back", pain_duration_weeks=3),
        intake(age=70, medications=[med("morphine", 30)], opioid_treatment_months=12),
        intake(age=0, pain_site="other_msk", pain_duration_weeks=0),
    ],
)
def test_every_guideline_appears_once_in_order_with_a_danish_reason(data):
    evaluation = evaluation_of(data)

    assert [g.slug for g in evaluation.guidelines] == GUIDELINES
    for result in evaluation.guidelines:
        assert result.reasons
        assert all(reason.strip() for reason in result.reasons)
        if not result.in_scope:
            assert result.recommendations == []


def test_out_of_scope_reasons_name_what_is_missing_in_danish():
    evaluation = evaluation_of(intake(age=12, pain_site="other_msk", pain_duration_weeks=4))

    child = guideline(evaluation, "child-msk-pain")
    assert not child.in_scope
    # The 12 weeks are this project's reading of the seed's "langvarige" (CONTENT.md).
    assert child.reasons == [
        "Smerterne har varet 4 uger: retningslinjen gælder langvarige smerter (nkr's læsning af "
        "»langvarige«: mindst 12 uger, dvs. 3 måneder)"
    ]


def test_a_fractional_duration_is_shown_with_a_danish_decimal_comma():
    evaluation = evaluation_of(intake(pain_duration_weeks=11.5))

    (reason,) = [r for r in guideline(evaluation, "generalised-pain").reasons if "uger" in r]
    assert "11,5 uger" in reason


# --- Scope boundaries -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "expected"), [(5, False), (6, True), (12, True), (18, True), (19, False)]
)
def test_the_children_guideline_covers_ages_6_to_18_inclusive(age, expected):
    evaluation = evaluation_of(intake(age=age, pain_site="other_msk", pain_duration_weeks=20))

    assert guideline(evaluation, "child-msk-pain").in_scope is expected


@pytest.mark.parametrize(
    ("weeks", "expected"), [(0, False), (11.9, False), (12, True), (500, True)]
)
def test_the_children_guideline_needs_at_least_12_weeks_of_pain(weeks, expected):
    evaluation = evaluation_of(intake(age=12, pain_site="other_msk", pain_duration_weeks=weeks))

    assert guideline(evaluation, "child-msk-pain").in_scope is expected


@pytest.mark.parametrize(("age", "expected"), [(17, False), (18, True), (120, True)])
def test_the_generalised_pain_guideline_covers_adults_from_18(age, expected):
    evaluation = evaluation_of(intake(age=age))

    assert guideline(evaluation, "generalised-pain").in_scope is expected


@pytest.mark.parametrize(("weeks", "expected"), [(11.9, False), (12, True), (2600, True)])
def test_the_generalised_pain_guideline_needs_at_least_12_weeks_of_pain(weeks, expected):
    evaluation = evaluation_of(intake(pain_duration_weeks=weeks))

    assert guideline(evaluation, "generalised-pain").in_scope is expected


@pytest.mark.parametrize("site", ["low_back", "other_msk"])
def test_the_generalised_pain_guideline_needs_generalised_pain(site):
    evaluation = evaluation_of(intake(pain_site=site))

    assert not guideline(evaluation, "generalised-pain").in_scope


@pytest.mark.parametrize(("age", "expected"), [(15, False), (16, True), (17, True), (90, True)])
def test_the_low_back_pain_guideline_covers_patients_from_16(age, expected):
    evaluation = evaluation_of(intake(age=age, pain_site="low_back", pain_duration_weeks=3))

    assert guideline(evaluation, "acute-low-back-pain").in_scope is expected


@pytest.mark.parametrize(("weeks", "expected"), [(0, True), (12, True), (12.1, False), (52, False)])
def test_the_low_back_pain_guideline_covers_pain_of_up_to_12_weeks(weeks, expected):
    evaluation = evaluation_of(intake(age=30, pain_site="low_back", pain_duration_weeks=weeks))

    assert guideline(evaluation, "acute-low-back-pain").in_scope is expected


@pytest.mark.parametrize("site", ["generalised", "other_msk"])
def test_the_low_back_pain_guideline_needs_low_back_pain(site):
    evaluation = evaluation_of(intake(age=30, pain_site=site, pain_duration_weeks=3))

    assert not guideline(evaluation, "acute-low-back-pain").in_scope


def test_radicular_signs_put_low_back_pain_out_of_scope_pointing_to_the_nerve_root_guideline():
    evaluation = evaluation_of(
        intake(age=30, pain_site="low_back", pain_duration_weeks=3, radicular_signs=True)
    )

    low_back = guideline(evaluation, "acute-low-back-pain")
    assert not low_back.in_scope
    assert low_back.recommendations == []
    assert any("nerverod" in reason for reason in low_back.reasons)


@pytest.mark.parametrize("code", RED_FLAG_CODES)
def test_any_red_flag_puts_low_back_pain_out_of_scope(code):
    evaluation = evaluation_of(
        intake(age=30, pain_site="low_back", pain_duration_weeks=3, red_flags=[code])
    )

    low_back = guideline(evaluation, "acute-low-back-pain")
    assert not low_back.in_scope
    assert low_back.recommendations == []
    assert any("røde flag" in reason for reason in low_back.reasons)


@pytest.mark.parametrize(("age", "expected"), [(17, False), (18, True)])
def test_opioid_tapering_covers_adults_from_18(age, expected):
    evaluation = evaluation_of(
        intake(age=age, medications=[med("morphine", 20)], opioid_treatment_months=12)
    )

    assert guideline(evaluation, "opioid-tapering").in_scope is expected


@pytest.mark.parametrize(
    ("months", "expected"), [(None, False), (0, False), (5.9, False), (6, True), (120, True)]
)
def test_opioid_tapering_needs_six_months_or_more_of_opioids(months, expected):
    evaluation = evaluation_of(
        intake(medications=[med("oxycodone", 20)], opioid_treatment_months=months)
    )

    assert guideline(evaluation, "opioid-tapering").in_scope is expected
    assert evaluation.derived()["long_term_opioid"] is expected


@pytest.mark.parametrize(
    "medications", [[], [med("paracetamol", 3000)], [med("amitriptyline", 25), med("ssri", 20)]]
)
def test_opioid_tapering_needs_a_current_opioid(medications):
    evaluation = evaluation_of(intake(medications=medications, opioid_treatment_months=24))

    assert not guideline(evaluation, "opioid-tapering").in_scope
    assert evaluation.derived()["long_term_opioid"] is False


@pytest.mark.parametrize("drug", ["buprenorphine_patch", "tramadol", "fentanyl_patch"])
def test_opioid_tapering_covers_every_opioid(drug):
    evaluation = evaluation_of(intake(medications=[med(drug, 10)], opioid_treatment_months=6))

    assert guideline(evaluation, "opioid-tapering").in_scope


@pytest.mark.parametrize(
    ("age", "expected_group"), [(0, "child"), (17, "child"), (18, "adult"), (120, "adult")]
)
def test_the_age_group_turns_adult_at_18(age, expected_group):
    assert evaluation_of(intake(age=age)).derived()["age_group"] == expected_group


# --- Each recommendation's condition --------------------------------------------------------

CHILD = {"age": 12, "pain_site": "other_msk", "pain_duration_weeks": 20}
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}
TAPERING = intake(medications=[med("morphine", 30)], opioid_treatment_months=12)


@pytest.mark.parametrize(
    "key",
    [
        "child-msk-pain/parent-pain-education",
        "child-msk-pain/physiotherapy",
        "child-msk-pain/weak-analgesics",
        "child-msk-pain/opioids",
        "child-msk-pain/interdisciplinary-treatment",
    ],
)
def test_unconditional_children_recommendations_apply_to_every_child_in_scope(key):
    evaluation = evaluation_of({**CHILD, "neuropathic_pain": False})

    assert key in applying(evaluation)


@pytest.mark.parametrize(("neuropathic", "expected"), [(True, True), (False, False)])
def test_secondary_analgesics_apply_to_children_only_with_neurogenic_pain(neuropathic, expected):
    evaluation = evaluation_of({**CHILD, "neuropathic_pain": neuropathic})

    assert ("child-msk-pain/secondary-analgesics" in applying(evaluation)) is expected


def test_children_recommendations_keep_source_order():
    evaluation = evaluation_of({**CHILD, "neuropathic_pain": True})

    assert [r.slug for r in guideline(evaluation, "child-msk-pain").recommendations] == [
        "parent-pain-education",
        "physiotherapy",
        "weak-analgesics",
        "secondary-analgesics",
        "opioids",
        "interdisciplinary-treatment",
    ]


def test_a_child_with_a_flare_of_somatic_disease_gets_the_short_treatment_exception_as_a_note():
    evaluation = evaluation_of({**CHILD, "somatic_disease_flare": True})

    weak_analgesics = applied(evaluation, "child-msk-pain/weak-analgesics")
    assert weak_analgesics.notes == [
        "Undtagelse (opblussen af kendt somatisk sygdom): I særlige tilfælde, f.eks. opblussen "
        "af kendt somatisk sygdom kan kortvarig (7-14 dage) behandling med svage analgetika "
        "være berettiget."
    ]
    # The flare triggers the exception; it is not a reason the advice against applies: the
    # reasons are the child's own facts that put them in scope.
    assert weak_analgesics.because == [
        "alder (år) mindst 6 (12)",
        "alder (år) højst 18 (12)",
        "smertevarighed (uger) mindst 12 (20)",
    ]


def test_a_child_without_a_flare_gets_no_exception_note():
    evaluation = evaluation_of(CHILD)

    assert applied(evaluation, "child-msk-pain/weak-analgesics").notes == []


@pytest.mark.parametrize(
    "key",
    [
        "generalised-pain/diagnostic-clarification",
        "generalised-pain/biopsychosocial-assessment",
        "generalised-pain/patient-education",
    ],
)
def test_unconditional_generalised_pain_recommendations_apply_to_every_adult_in_scope(key):
    assert key in applying(evaluation_of(intake(trains_independently=True)))


@pytest.mark.parametrize(
    ("fields", "key", "expected"),
    [
        ({"trains_independently": None}, "supervised-exercise", True),
        ({"trains_independently": False}, "supervised-exercise", True),
        ({"trains_independently": True}, "supervised-exercise", False),
        ({"complex_problems": True}, "cbt", True),
        ({"complex_problems": False}, "cbt", False),
        ({"activity_limitation": True}, "activity-participation", True),
        ({"activity_limitation": False}, "activity-participation", False),
        ({"work_status": "working"}, "work-ability", True),
        ({"work_status": "sick_leave"}, "work-ability", True),
        ({"work_status": "unemployed"}, "work-ability", False),
        ({"work_status": "student"}, "work-ability", False),
        ({"work_status": "retired"}, "work-ability", False),
        ({"work_status": "other"}, "work-ability", False),
        ({"work_status": None}, "work-ability", False),
        ({"complex_problems": True, "pain_duration_weeks": 26}, "multidisciplinary", False),
        ({"complex_problems": True, "pain_duration_weeks": 26.1}, "multidisciplinary", True),
        ({"complex_problems": False, "pain_duration_weeks": 104}, "multidisciplinary", False),
        ({"nonpharmacological_insufficient": True}, "tramadol", True),
        ({"medications": [med("tramadol", 200)]}, "tramadol", True),
        ({"medications": [med("tapentadol", 200)]}, "tramadol", False),
        ({}, "tramadol", False),
        ({"nonpharmacological_insufficient": True}, "opioids-without-dual-action", True),
        ({"medications": [med("oxycodone", 20)]}, "opioids-without-dual-action", True),
        ({"medications": [med("buprenorphine_patch", 10)]}, "opioids-without-dual-action", True),
        ({"medications": [med("tramadol", 200)]}, "opioids-without-dual-action", False),
        ({"medications": [med("tapentadol", 200)]}, "opioids-without-dual-action", False),
        ({}, "opioids-without-dual-action", False),
        ({"nonpharmacological_insufficient": True}, "amitriptyline", True),
        ({"medications": [med("amitriptyline", 25)]}, "amitriptyline", False),
        ({"nonpharmacological_insufficient": True}, "duloxetine", True),
        ({}, "duloxetine", False),
        ({"nonpharmacological_insufficient": True}, "ssri", True),
        ({"medications": [med("ssri", 20)]}, "ssri", True),
        ({}, "ssri", False),
        ({"nonpharmacological_insufficient": True}, "gabapentinoids", True),
        ({"medications": [med("pregabalin", 150)]}, "gabapentinoids", False),
    ],
)
def test_generalised_pain_recommendations_apply_exactly_when_their_condition_holds(
    fields, key, expected
):
    evaluation = evaluation_of(intake(**fields))

    assert (f"generalised-pain/{key}" in applying(evaluation)) is expected


@pytest.mark.parametrize(
    "drug",
    sorted(RECOMMENDATION_DRUGS["generalised-pain/opioids-without-dual-action"]),
)
def test_any_opioid_without_dual_action_brings_in_that_recommendation(drug):
    evaluation = evaluation_of(intake(medications=[med(drug, 10)]))

    assert "generalised-pain/opioids-without-dual-action" in applying(evaluation)


def test_recommendations_for_adults_do_not_apply_to_adults_out_of_scope():
    evaluation = evaluation_of(
        intake(pain_duration_weeks=4, complex_problems=True, nonpharmacological_insufficient=True)
    )

    assert applying(evaluation) == []


def test_the_because_of_a_conditional_recommendation_names_the_fact_in_danish():
    evaluation = evaluation_of(intake(complex_problems=True, pain_duration_weeks=30))

    assert applied(evaluation, "generalised-pain/cbt").because == [
        "komplekse problemstillinger som følge af smerterne"
    ]
    assert applied(evaluation, "generalised-pain/multidisciplinary").because == [
        "komplekse problemstillinger som følge af smerterne",
        "smertevarighed (uger) over 26 (30)",
    ]


def test_all_ten_low_back_pain_recommendations_apply_whenever_in_scope():
    evaluation = evaluation_of(LOW_BACK)

    assert [r.slug for r in guideline(evaluation, "acute-low-back-pain").recommendations] == [
        "stay-active",
        "patient-education",
        "stratified-care",
        "routine-imaging",
        "manual-therapy",
        "supervised-exercise",
        "acupuncture",
        "paracetamol",
        "opioids",
        "nsaid",
    ]


def test_all_six_tapering_recommendations_apply_whenever_in_scope():
    evaluation = evaluation_of(TAPERING)

    assert [r.slug for r in guideline(evaluation, "opioid-tapering").recommendations] == [
        "prescriber-guideline-support",
        "psychosocial-support",
        "individualised-gradual-plan",
        "frequent-follow-up",
        "individual-target",
        "no-abrupt-discontinuation",
    ]


@pytest.mark.parametrize(
    "data",
    [
        {**CHILD, "neuropathic_pain": True, "somatic_disease_flare": True},
        intake(
            complex_problems=True,
            activity_limitation=True,
            work_status="sick_leave",
            nonpharmacological_insufficient=True,
            medications=[med("tramadol", 100), med("ssri", 20), med("morphine", 30)],
            opioid_treatment_months=24,
        ),
        LOW_BACK,
    ],
)
def test_every_applying_recommendation_says_why_it_applies(data):
    evaluation = evaluation_of(data)

    recommendations = [r for g in evaluation.guidelines for r in g.recommendations]
    assert recommendations
    for rec in recommendations:
        assert rec.because, rec.slug
        assert all(reason.strip() for reason in rec.because), rec.slug


# --- Current medication advised against -----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "drug", "recommendation"),
    [
        (
            {**CHILD, "medications": [med("paracetamol", 1000)]},
            "paracetamol",
            "child-msk-pain/weak-analgesics",
        ),
        (
            {**CHILD, "medications": [med("ibuprofen", 600)]},
            "ibuprofen",
            "child-msk-pain/weak-analgesics",
        ),
        ({**CHILD, "medications": [med("tramadol", 100)]}, "tramadol", "child-msk-pain/opioids"),
        (intake(medications=[med("tramadol", 200)]), "tramadol", "generalised-pain/tramadol"),
        (intake(medications=[med("ssri", 20)]), "ssri", "generalised-pain/ssri"),
        (
            intake(medications=[med("oxycodone", 20)]),
            "oxycodone",
            "generalised-pain/opioids-without-dual-action",
        ),
        (
            {**LOW_BACK, "medications": [med("ibuprofen", 1200)]},
            "ibuprofen",
            "acute-low-back-pain/nsaid",
        ),
        (
            {**LOW_BACK, "medications": [med("paracetamol", 3000)]},
            "paracetamol",
            "acute-low-back-pain/paracetamol",
        ),
        (
            {**LOW_BACK, "medications": [med("codeine", 60)]},
            "codeine",
            "acute-low-back-pain/opioids",
        ),
    ],
)
def test_a_current_medication_an_applying_recommendation_advises_against_is_flagged(
    data, drug, recommendation
):
    evaluation = evaluation_of(data)

    (alert,) = alerts_with(evaluation, "current_medication_advised_against")
    assert alert.level == "warning"
    assert alert.recommendation == recommendation
    assert recommendation in applying(evaluation)
    assert name_in_sentence(drug_table()[drug].name) in alert.message


def test_each_medication_advised_against_gets_its_own_warning():
    evaluation = evaluation_of(
        {
            **CHILD,
            "medications": [med("paracetamol", 1000), med("ibuprofen", 600), med("morphine", 10)],
        }
    )

    alerts = alerts_with(evaluation, "current_medication_advised_against")
    assert [a.recommendation for a in alerts] == [
        "child-msk-pain/weak-analgesics",
        "child-msk-pain/weak-analgesics",
        "child-msk-pain/opioids",
    ]
    assert alerts[0].message.startswith("Patienten får paracetamol,")
    assert alerts[1].message.startswith("Patienten får ibuprofen,")
    assert alerts[2].message.startswith("Patienten får morfin,")


@pytest.mark.parametrize(
    "data",
    [
        {**CHILD, "pain_duration_weeks": 4, "medications": [med("paracetamol", 1000)]},
        intake(pain_duration_weeks=8, medications=[med("tramadol", 200)]),
        intake(pain_site="other_msk", medications=[med("ssri", 20)]),
        {**LOW_BACK, "red_flags": ["fever"], "medications": [med("ibuprofen", 1200)]},
        {**LOW_BACK, "radicular_signs": True, "medications": [med("oxycodone", 10)]},
    ],
)
def test_no_medication_warning_when_the_guideline_is_out_of_scope(data):
    evaluation = evaluation_of(data)

    assert alerts_with(evaluation, "current_medication_advised_against") == []


@pytest.mark.parametrize("drug", ["amitriptyline", "duloxetine", "pregabalin", "tapentadol"])
def test_no_medication_warning_for_drugs_no_applying_recommendation_advises_against(drug):
    evaluation = evaluation_of(
        intake(nonpharmacological_insufficient=True, medications=[med(drug, 50)])
    )

    assert alerts_with(evaluation, "current_medication_advised_against") == []


# --- Oral morphine equivalents --------------------------------------------------------------


@pytest.mark.parametrize(
    ("drug", "dose", "expected_mme"),
    [
        ("codeine", 100, 15.0),
        ("hydrocodone", 20, 20.0),
        ("hydromorphone", 4, 20.0),
        ("methadone", 10, 47.0),
        ("morphine", 30, 30.0),
        ("oxycodone", 20, 30.0),
        ("oxymorphone", 10, 30.0),
        ("tapentadol", 100, 40.0),
        ("tramadol", 200, 40.0),
        ("fentanyl_patch", 12, 28.8),
        ("ketobemidone", 40, 40.0),
    ],
)
def test_daily_mme_uses_the_cdc_factor_for_each_opioid(drug, dose, expected_mme):
    evaluation = evaluation_of(intake(medications=[med(drug, dose)]))

    assert evaluation.derived()["daily_mme"] == pytest.approx(expected_mme)


def test_a_fentanyl_patch_is_dosed_in_micrograms_per_hour():
    assert drug_table()["fentanyl_patch"].unit == "mcg/h"
    assert evaluation_of(intake(medications=[med("fentanyl_patch", 25)])).derived()[
        "daily_mme"
    ] == pytest.approx(60.0)


def test_buprenorphine_alone_gives_no_mme_and_says_so():
    evaluation = evaluation_of(intake(medications=[med("buprenorphine_patch", 10)]))

    assert evaluation.derived()["daily_mme"] is None
    (alert,) = alerts_with(evaluation, "mme_not_computed")
    assert alert.level == "info"
    assert "Buprenorphin" in alert.message


def test_buprenorphine_adds_nothing_to_other_opioids_but_is_still_noted():
    evaluation = evaluation_of(
        intake(medications=[med("buprenorphine_patch", 20), med("morphine", 30)])
    )

    assert evaluation.derived()["daily_mme"] == pytest.approx(30.0)
    assert [a.level for a in alerts_with(evaluation, "mme_not_computed")] == ["info"]


def test_daily_mme_sums_every_opioid():
    evaluation = evaluation_of(
        intake(medications=[med("oxycodone", 20), med("tramadol", 100), med("fentanyl_patch", 12)])
    )

    assert evaluation.derived()["daily_mme"] == pytest.approx(30 + 20 + 28.8)


def test_the_same_opioid_twice_counts_twice():
    evaluation = evaluation_of(intake(medications=[med("morphine", 20), med("morphine", 10)]))

    assert evaluation.derived()["daily_mme"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    "medications",
    [[], [med(code, 100) for code, drug in drug_table().items() if not drug.is_opioid]],
)
def test_non_opioids_add_nothing_to_daily_mme(medications):
    evaluation = evaluation_of(intake(medications=medications))

    assert evaluation.derived()["daily_mme"] is None
    assert not {"mme_50", "mme_90", "mme_not_computed"} & {a.code for a in evaluation.alerts}


def test_non_opioids_beside_an_opioid_add_nothing():
    evaluation = evaluation_of(
        intake(medications=[med("morphine", 30), med("paracetamol", 4000), med("pregabalin", 300)])
    )

    assert evaluation.derived()["daily_mme"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("morphine_mg", "expected_codes"),
    [
        (49.9, []),
        (50, ["mme_50"]),
        (89.9, ["mme_50"]),
        (90, ["mme_90"]),
        (400, ["mme_90"]),
    ],
)
def test_mme_thresholds_warn_at_50_and_instead_at_90(morphine_mg, expected_codes):
    evaluation = evaluation_of(intake(medications=[med("morphine", morphine_mg)]))

    mme_alerts = [a for a in evaluation.alerts if a.code in {"mme_50", "mme_90"}]
    assert [a.code for a in mme_alerts] == expected_codes
    for alert in mme_alerts:
        assert alert.level == "warning"
        assert "CDC" in alert.message


def test_the_mme_threshold_applies_to_the_sum_of_opioids():
    evaluation = evaluation_of(intake(medications=[med("oxycodone", 20), med("tramadol", 100)]))

    assert evaluation.derived()["daily_mme"] == pytest.approx(50.0)
    assert [a.code for a in alerts_with(evaluation, "mme_50")] == ["mme_50"]


# --- Unknown daily doses (only from a patient's record) -------------------------------------


def record_evaluation_of(data: dict):
    """Return the evaluation of a record's intake data, where a daily_dose may be None."""
    serializer = IntakeSerializer(
        data=data, red_flag_codes=RED_FLAG_CODES, dose_unknown_allowed=True
    )
    assert serializer.is_valid(), serializer.errors
    return evaluate(intake_build(serializer.validated_data), CONTENT)


def test_an_opioid_of_unknown_dose_has_no_mme_and_says_why():
    evaluation = record_evaluation_of(
        intake(medications=[med("oxycodone", None), med("buprenorphine_patch", 10)])
    )

    oxycodone, buprenorphine = evaluation.facts.mme_items
    assert (oxycodone.drug, oxycodone.daily_dose, oxycodone.mme) == ("oxycodone", None, None)
    assert oxycodone.not_computed == "dose_unknown"
    assert oxycodone.factor == 1.5  # known: only the dose is missing
    assert buprenorphine.not_computed == "no_factor"
    assert evaluation.facts.daily_mme is None
    assert evaluation.facts.mme_unknown_drugs == ("oxycodone",)


def test_with_a_dose_unknown_the_daily_mme_is_the_sum_of_the_known_doses():
    evaluation = record_evaluation_of(
        intake(medications=[med("fentanyl_patch", 25), med("oxycodone", None)])
    )

    assert evaluation.facts.daily_mme == pytest.approx(60.0)
    assert [item.mme for item in evaluation.facts.mme_items] == [60.0, None]
    assert evaluation.facts.mme_unknown_drugs == ("oxycodone",)


def test_with_a_dose_unknown_the_mme_threshold_alert_says_at_least():
    evaluation = record_evaluation_of(
        intake(medications=[med("fentanyl_patch", 25), med("oxycodone", None)])
    )

    (alert,) = alerts_with(evaluation, "mme_50")
    assert alert.level == "warning"
    assert alert.message.startswith("Dagligt morfinækvivalent mindst 60 mg er 50 mg eller mere.")


def test_with_every_dose_known_the_mme_threshold_alert_states_the_mme_itself():
    evaluation = evaluation_of(intake(medications=[med("fentanyl_patch", 25)]))

    (alert,) = alerts_with(evaluation, "mme_50")
    assert alert.message.startswith("Dagligt morfinækvivalent 60 mg er 50 mg eller mere")
    assert alerts_with(evaluation, "mme_incomplete") == []


def test_an_mme_left_incomplete_by_unknown_doses_is_an_info_alert_naming_the_drugs():
    evaluation = record_evaluation_of(
        intake(medications=[med("oxycodone", None), med("morphine", None), med("tramadol", 100)])
    )

    (alert,) = alerts_with(evaluation, "mme_incomplete")
    assert alert.level == "info"
    assert alert.message == "Morfinækvivalenten omfatter ikke oxycodon, morfin: døgndosis ukendt."
    assert evaluation.facts.daily_mme == pytest.approx(20.0)
    assert alerts_with(evaluation, "mme_50") == []


def test_buprenorphine_of_unknown_dose_leaves_the_mme_complete():
    # CDC 2022 converts no buprenorphine: with any dose it would add nothing to the MME.
    evaluation = record_evaluation_of(
        intake(medications=[med("buprenorphine_patch", None), med("morphine", 60)])
    )

    assert evaluation.facts.mme_unknown_drugs == ()
    assert alerts_with(evaluation, "mme_incomplete") == []
    assert [a.code for a in evaluation.alerts if a.code.startswith("mme")] == [
        "mme_50",
        "mme_not_computed",
    ]
    assert "mindst" not in alerts_with(evaluation, "mme_50")[0].message


def test_a_drug_of_unknown_dose_is_still_a_current_medication_for_recommendations_and_warnings():
    evaluation = record_evaluation_of(intake(medications=[med("oxycodone", None)]))

    assert evaluation.facts.current_opioids == {"oxycodone"}
    assert "generalised-pain/opioids-without-dual-action" in applying(evaluation)
    (warning,) = alerts_with(evaluation, "current_medication_advised_against")
    assert warning.recommendation == "generalised-pain/opioids-without-dual-action"
    assert "Patienten får oxycodon, som frarådes" in warning.message


def test_a_non_opioid_of_unknown_dose_is_a_current_drug_outside_the_mme():
    evaluation = record_evaluation_of(intake(medications=[med("paracetamol", None)]))

    assert evaluation.facts.current_drugs == {"paracetamol"}
    assert evaluation.facts.mme_items == ()
    assert evaluation.alerts == []


@pytest.mark.parametrize("dose", [None, 0, -5, "mange"])
def test_the_api_and_the_form_refuse_a_dose_that_is_not_a_positive_number(dose):
    serializer = IntakeSerializer(
        data=intake(medications=[med("oxycodone", dose)]), red_flag_codes=RED_FLAG_CODES
    )

    assert not serializer.is_valid()
    assert serializer.errors["medications"][0]["daily_dose"] == [DOSE_ERROR]


@pytest.mark.parametrize("dose", [0, -5, "mange", DOSE_MAX + 1])
def test_a_record_s_known_dose_is_still_checked_like_any_dose(dose):
    serializer = IntakeSerializer(
        data=intake(medications=[med("oxycodone", dose)]),
        red_flag_codes=RED_FLAG_CODES,
        dose_unknown_allowed=True,
    )

    assert not serializer.is_valid()
    assert serializer.errors["medications"][0]["daily_dose"] == [DOSE_ERROR]


def test_a_missing_dose_is_refused_even_from_a_record():
    serializer = IntakeSerializer(
        data=intake(medications=[{"drug": "oxycodone", "unit": "mg"}]),
        red_flag_codes=RED_FLAG_CODES,
        dose_unknown_allowed=True,
    )

    assert not serializer.is_valid()
    assert serializer.errors["medications"][0]["daily_dose"] == [REQUIRED_ERROR]


# --- STarT Back -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "psychosocial", "risk"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low"),
        ([1, 1, 1, 0, 0, 0, 0, 0, 0], 3, 0, "low"),
        ([0, 0, 0, 0, 1, 1, 1, 0, 0], 3, 3, "low"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 0, "medium"),
        ([1, 0, 0, 0, 1, 1, 1, 0, 0], 4, 3, "medium"),
        ([1, 1, 1, 1, 1, 1, 1, 0, 0], 7, 3, "medium"),
        ([0, 0, 0, 0, 1, 1, 1, 1, 0], 4, 4, "high"),
        ([0, 0, 0, 0, 1, 1, 1, 1, 1], 5, 5, "high"),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, 5, "high"),
    ],
)
def test_startback_scores_total_subscale_and_risk_at_each_boundary(
    answers, total, psychosocial, risk
):
    evaluation = evaluation_of({**LOW_BACK, "startback": answers})

    assert evaluation.derived()["startback"] == {
        "total": total,
        "psychosocial": psychosocial,
        "risk": risk,
    }


@pytest.mark.parametrize("item", range(1, 10))
def test_the_startback_psychosocial_subscale_is_items_5_to_9(item):
    answers = [1 if number == item else 0 for number in range(1, 10)]

    score = evaluation_of({**LOW_BACK, "startback": answers}).derived()["startback"]

    assert score["total"] == 1
    assert score["psychosocial"] == (1 if item >= 5 else 0)


def test_no_startback_answers_give_no_score():
    assert evaluation_of(LOW_BACK).derived()["startback"] is None


# --- Red flags and alert order --------------------------------------------------------------


def test_the_red_flag_levels_are_those_in_content_md():
    assert {code for code, flag in CONTENT.red_flags.items() if flag.level == "critical"} == (
        CRITICAL_RED_FLAGS
    )
    assert {
        flag.level for code, flag in CONTENT.red_flags.items() if code not in CRITICAL_RED_FLAGS
    } == {"warning"}


@pytest.mark.parametrize("code", RED_FLAG_CODES)
def test_each_red_flag_gives_exactly_one_alert_with_its_level(code):
    evaluation = evaluation_of({**LOW_BACK, "red_flags": [code, code]})

    (alert,) = evaluation.alerts
    expected_level = "critical" if code in CRITICAL_RED_FLAGS else "warning"
    assert (alert.code, alert.level) == (code, expected_level)
    assert alert.recommendation is None
    assert CONTENT.red_flags[code].label in alert.message


def test_critical_alerts_come_before_warnings_and_warnings_before_info():
    evaluation = evaluation_of(
        intake(
            red_flags=["fever", "cauda_equina_bladder", "night_pain"],
            medications=[med("buprenorphine_patch", 10), med("morphine", 60)],
        )
    )

    levels = [a.level for a in evaluation.alerts]
    assert levels == ["critical", "warning", "warning", "warning", "warning", "warning", "info"]
    assert sorted(a.code for a in evaluation.alerts) == sorted(
        [
            "cauda_equina_bladder",
            "fever",
            "night_pain",
            "current_medication_advised_against",
            "current_medication_advised_against",
            "mme_50",
            "mme_not_computed",
        ]
    )


def test_no_alerts_for_a_patient_without_flags_or_medication():
    assert evaluation_of(intake()).alerts == []


# --- Properties over any valid intake -------------------------------------------------------

DRUGS = drug_table()


@st.composite
def medications(draw):
    codes = draw(st.lists(st.sampled_from(sorted(DRUGS)), max_size=5))
    return [
        {
            "drug": code,
            "daily_dose": draw(
                st.one_of(
                    st.integers(min_value=1, max_value=100_000),
                    st.floats(min_value=0.001, max_value=100_000, allow_nan=False),
                )
            ),
            "unit": DRUGS[code].unit,
        }
        for code in codes
    ]


def numbers(maximum: int):
    return st.one_of(
        st.integers(min_value=0, max_value=maximum),
        st.floats(min_value=0, max_value=maximum, allow_nan=False, allow_infinity=False),
    )


valid_intakes = st.fixed_dictionaries(
    {
        "age": st.integers(min_value=0, max_value=120),
        "pain_site": st.sampled_from(["low_back", "generalised", "other_msk"]),
        "pain_duration_weeks": numbers(2600),
    },
    optional={
        "neuropathic_pain": st.booleans(),
        "radicular_signs": st.booleans(),
        "red_flags": st.lists(st.sampled_from(RED_FLAG_CODES), unique=True, max_size=4),
        "complex_problems": st.booleans(),
        "activity_limitation": st.booleans(),
        "work_status": st.sampled_from(
            [None, "working", "sick_leave", "unemployed", "student", "retired", "other"]
        ),
        "trains_independently": st.sampled_from([True, False, None]),
        "nonpharmacological_insufficient": st.booleans(),
        "sleep_problems": st.booleans(),
        "somatic_disease_flare": st.booleans(),
        "medications": medications(),
        "opioid_treatment_months": st.one_of(st.none(), numbers(1200)),
        "startback": st.one_of(st.none(), st.lists(st.integers(0, 1), min_size=9, max_size=9)),
    },
)


@settings(max_examples=200, deadline=None)
@given(valid_intakes)
def test_any_valid_intake_evaluates_with_every_guideline_once_and_sorted_alerts(data):
    evaluation = evaluation_of(data)

    assert [g.slug for g in evaluation.guidelines] == GUIDELINES
    for result in evaluation.guidelines:
        assert result.reasons
        if not result.in_scope:
            assert result.recommendations == []
        for rec in result.recommendations:
            assert rec.guideline == result.slug
            assert rec.because
    ranks = [LEVEL_RANK[alert.level] for alert in evaluation.alerts]
    assert ranks == sorted(ranks)
    daily_mme = evaluation.derived()["daily_mme"]
    assert daily_mme is None or daily_mme >= 0


@settings(max_examples=200, deadline=None)
@given(valid_intakes)
def test_any_medication_warning_points_at_an_applying_recommendation_against_that_drug(data):
    evaluation = evaluation_of(data)

    applying_against = {
        f"{r.guideline}/{r.slug}"
        for g in evaluation.guidelines
        for r in g.recommendations
        if r.direction == "against"
    }
    current = {m["drug"] for m in data.get("medications", [])}
    warned = alerts_with(evaluation, "current_medication_advised_against")
    assert len(warned) == len(
        {
            drug
            for drug in current
            if any(drug in RECOMMENDATION_DRUGS[key] for key in applying_against)
        }
    )
    for alert in warned:
        assert alert.recommendation in applying_against
        assert RECOMMENDATION_DRUGS[alert.recommendation] & current


def test_supervised_exercise_says_training_habits_were_not_stated_when_left_blank():
    rec = applied(evaluation_of(intake()), "generalised-pain/supervised-exercise")
    assert rec.because == ["ikke oplyst, om patienten er vant til at træne selvstændigt"]
    rec = applied(
        evaluation_of(intake(trains_independently=False)), "generalised-pain/supervised-exercise"
    )
    assert rec.because == ["ikke vant til at træne selvstændigt"]


def test_work_ability_names_the_patients_work_status():
    rec = applied(evaluation_of(intake(work_status="working")), "generalised-pain/work-ability")
    assert rec.because == ["arbejdssituation: i arbejde"]


@pytest.mark.parametrize(("dose", "code"), [(40, "mme_50"), (60, "mme_90")])
def test_mme_alerts_carry_the_not_for_switching_caveat(dose, code):
    from recommendations.rules.drugs import MME_NOT_FOR_SWITCHING

    evaluation = evaluation_of(intake(medications=[med("oxycodone", dose)]))
    (alert,) = [a for a in evaluation.alerts if a.code == code]
    assert alert.level == "warning"
    assert MME_NOT_FOR_SWITCHING in alert.message
    assert "CDC 2022" in alert.message


def test_red_flag_alerts_come_from_the_ticked_flags_alone_critical_first():
    from recommendations.rules import red_flag_alerts

    alerts = red_flag_alerts(["fever", "cauda_equina_bladder", "not_a_flag"], CONTENT.red_flags)
    assert [(a.code, a.level) for a in alerts] == [
        ("cauda_equina_bladder", "critical"),
        ("fever", "warning"),
    ]
    full = evaluation_of({**LOW_BACK, "red_flags": ["fever", "cauda_equina_bladder"]})
    assert [a for a in full.alerts if a.code in {"fever", "cauda_equina_bladder"}] == alerts
