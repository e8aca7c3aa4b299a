"""Each recommendation's condition, and current medication a recommendation advises against."""

import pytest

from recommendations.rules.drugs import drug_table, name_in_sentence
from tests.recommendations.rules_helpers import (
    LOW_BACK,
    RECOMMENDATION_DRUGS,
    alerts_with,
    applied,
    applying,
    evaluation_of,
    guideline,
    intake,
    med,
)

# --- Each recommendation's condition --------------------------------------------------------

CHILD = {"age": 12, "pain_site": "other_msk", "pain_duration_weeks": 20}
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
