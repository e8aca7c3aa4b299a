"""Content fidelity: the database holds exactly what CONTENT.md specifies.

The expected table is transcribed here from ../shared/CONTENT.md by hand, independently of the
fixtures, so a wrong strength in a fixture fails this test.
"""

import pytest

from recommendations.models import Guideline, Recommendation, RedFlag, StartBackItem

EXPECTED = {
    "child-msk-pain": [
        ("parent-pain-education", "weak", "for"),
        ("physiotherapy", "weak", "for"),
        ("weak-analgesics", "good_practice", "against"),
        ("secondary-analgesics", "weak", "for"),
        ("opioids", "good_practice", "against"),
        ("interdisciplinary-treatment", "good_practice", "for"),
    ],
    "generalised-pain": [
        ("diagnostic-clarification", "good_practice", "for"),
        ("biopsychosocial-assessment", "good_practice", "for"),
        ("supervised-exercise", "weak", "for"),
        ("cbt", "strong", "for"),
        ("activity-participation", "good_practice", "for"),
        ("patient-education", "strong", "for"),
        ("work-ability", "good_practice", "for"),
        ("multidisciplinary", "weak", "for"),
        ("tramadol", "weak", "against"),
        ("opioids-without-dual-action", "good_practice", "against"),
        ("amitriptyline", "weak", "for"),
        ("duloxetine", "weak", "for"),
        ("ssri", "weak", "against"),
        ("gabapentinoids", "weak", "for"),
    ],
    "acute-low-back-pain": [
        ("stay-active", "weak", "for"),
        ("patient-education", "weak", "for"),
        ("stratified-care", "weak", "against"),
        ("routine-imaging", "weak", "against"),
        ("manual-therapy", "weak", "for"),
        ("supervised-exercise", "weak", "for"),
        ("acupuncture", "weak", "against"),
        ("paracetamol", "weak", "against"),
        ("opioids", "weak", "against"),
        ("nsaid", "weak", "against"),
    ],
    "opioid-tapering": [
        ("prescriber-guideline-support", "not_graded", "for"),
        ("psychosocial-support", "not_graded", "for"),
        ("individualised-gradual-plan", "not_graded", "for"),
        ("frequent-follow-up", "not_graded", "for"),
        ("individual-target", "not_graded", "for"),
        ("no-abrupt-discontinuation", "not_graded", "against"),
    ],
}

EXPECTED_RED_FLAGS = {
    "major_trauma": ({"fracture"}, "warning"),
    "minor_trauma_osteoporosis": ({"fracture"}, "warning"),
    "systemic_steroids": ({"fracture"}, "warning"),
    "age": ({"tumour"}, "warning"),
    "previous_malignancy": ({"tumour"}, "warning"),
    "poor_general_condition": ({"tumour", "infection"}, "warning"),
    "unexplained_weight_loss": ({"tumour"}, "warning"),
    "fatigue": ({"tumour"}, "warning"),
    "night_pain": ({"tumour"}, "warning"),
    "constant_progressive_pain": ({"tumour"}, "warning"),
    "chest_pain": ({"tumour", "infection"}, "warning"),
    "fever": ({"infection"}, "warning"),
    "previous_bacterial_infection": ({"infection"}, "warning"),
    "iv_drug_use": ({"infection"}, "warning"),
    "immunosuppression": ({"infection"}, "warning"),
    "hiv": ({"infection"}, "warning"),
    "radiating_pain_paraesthesia": ({"radiculopathy"}, "warning"),
    "cauda_equina_bladder": ({"radiculopathy"}, "critical"),
    "cauda_equina_anal_incontinence": ({"radiculopathy"}, "critical"),
    "cauda_equina_saddle_anaesthesia": ({"radiculopathy"}, "critical"),
    "progressive_neurological_deficit": ({"radiculopathy"}, "critical"),
    "decreasing_pain_increasing_paralysis": ({"radiculopathy"}, "critical"),
}


def test_all_four_guidelines_are_seeded_in_order(content):
    assert list(Guideline.objects.values_list("slug", flat=True)) == list(EXPECTED)


@pytest.mark.parametrize("guideline", EXPECTED)
def test_every_recommendation_has_the_strength_and_direction_content_md_gives(content, guideline):
    seeded = list(
        Recommendation.objects.filter(guideline__slug=guideline)
        .order_by("order")
        .values_list("slug", "strength", "direction")
    )
    assert seeded == EXPECTED[guideline]


def test_there_are_36_recommendations(content):
    assert Recommendation.objects.count() == 36


def test_every_recommendation_has_a_rationale_and_a_source(content):
    for rec in Recommendation.objects.all():
        assert rec.rationale.strip(), rec.key
        assert rec.source.strip(), rec.key
        assert rec.source_ref.startswith("seeds/"), rec.key


def test_texts_are_cleaned_of_pdf_line_breaks_and_markup(content):
    for rec in Recommendation.objects.all():
        assert "\n" not in rec.title, rec.key
        assert "**" not in rec.title + rec.rationale, rec.key
        assert "  " not in rec.title + rec.rationale, rec.key
        for paragraph in rec.rationale.split("\n\n"):
            for line in paragraph.split("\n")[1:]:
                # Inside a paragraph only list items start a new line.
                assert line.startswith("- "), (rec.key, line)


def test_children_strength_labels_follow_the_bodies_not_the_shifted_pdf_labels(content):
    weak_analgesics = Recommendation.objects.get(
        guideline__slug="child-msk-pain", slug="weak-analgesics"
    )
    assert "paracetamol og NSAID" in weak_analgesics.title
    assert "Der blev ikke fundet studier" in weak_analgesics.rationale
    secondary = Recommendation.objects.get(
        guideline__slug="child-msk-pain", slug="secondary-analgesics"
    )
    assert "neurogen karakter" in secondary.title
    assert secondary.certainty == "very_low"


def test_generalised_pain_recommendations_keep_their_update_notes(content):
    cbt = Recommendation.objects.get(guideline__slug="generalised-pain", slug="cbt")
    assert cbt.update_note == "Anbefalingen er opdateret og ændret i 2018."
    assert cbt.title == (
        "Tilbyd kognitiv adfærdsterapi til patienter med komplekse problemstillinger som "
        "følge af generaliserede smerter i bevægeapparatet."
    )
    assert all(
        rec.update_note for rec in Recommendation.objects.filter(guideline__slug="generalised-pain")
    )


def test_diagnostic_clarification_carries_the_14_paraclinical_tests(content):
    rec = Recommendation.objects.get(
        guideline__slug="generalised-pain", slug="diagnostic-clarification"
    )
    assert len(rec.checklist) == 14
    assert rec.checklist[0].lower().startswith("hæmoglobin")
    assert rec.checklist[-1].lower().startswith("d-vitamin")


def test_opioid_tapering_is_never_shown_with_an_nkr_strength(content):
    for rec in Recommendation.objects.filter(guideline__slug="opioid-tapering"):
        assert rec.label.startswith("Ikke NKR-graderet"), rec.key
    support = Recommendation.objects.get(slug="psychosocial-support")
    assert support.certainty == "moderate"
    assert "ekspertråd" in Recommendation.objects.get(slug="individual-target").label


def test_red_flags_have_the_codes_categories_and_levels_of_content_md(content):
    seeded = {flag.code: (set(flag.categories), flag.level) for flag in RedFlag.objects.all()}
    assert seeded == EXPECTED_RED_FLAGS
    assert all(flag.label and flag.source for flag in RedFlag.objects.all())


def test_startback_has_nine_items_with_their_source(content):
    items = list(StartBackItem.objects.all())
    assert [item.number for item in items] == list(range(1, 10))
    assert all(item.text_en and "Keele" in item.source for item in items)


# Fields a GP reads on the pages as the citation; internal references go to source_ref/trace.
READER_FIELDS_GUIDELINE = [
    "population",
    "population_summary",
    "population_source",
    "source",
    "source_short",
    "note_source",
]
READER_FIELDS_RECOMMENDATION = ["source", "strength_source", "certainty_note", "update_note"]
INTERNAL = ("seeds/", ".txt", "CONTENT.md", "seed 00")


def test_citations_a_gp_reads_hold_no_internal_build_references(content):
    for guideline in Guideline.objects.all():
        for field in READER_FIELDS_GUIDELINE:
            value = getattr(guideline, field)
            assert not any(ref in value for ref in INTERNAL), (guideline.slug, field, value)
    for rec in Recommendation.objects.select_related("guideline"):
        for field in READER_FIELDS_RECOMMENDATION:
            value = getattr(rec, field)
            assert not any(ref in value for ref in INTERNAL), (rec.key, field, value)


def test_the_trace_to_the_seed_files_stays_in_the_record(content):
    for guideline in Guideline.objects.all():
        assert guideline.source_ref.startswith("seeds/"), guideline.slug
        assert "seeds/" in guideline.trace, guideline.slug
    for rec in Recommendation.objects.select_related("guideline"):
        assert rec.source_ref.startswith("seeds/"), rec.key


def test_every_guideline_has_a_one_line_population_with_its_source(content):
    for guideline in Guideline.objects.all():
        summary = guideline.population_summary
        assert summary and "\n" not in summary and len(summary) <= 140, guideline.slug
        assert guideline.population_source, guideline.slug
        assert guideline.source_short, guideline.slug


def test_low_back_pain_population_line_carries_the_limits_content_md_gives(content):
    guideline = Guideline.objects.get(slug="acute-low-back-pain")
    summary = guideline.population_summary
    for limit in ["16 år", "12 ugers", "nerverodspåvirkning", "røde flag"]:
        assert limit in summary
    # The full text keeps the source's own wording of what is outside the guideline.
    assert "NKR lumbalt rodtryk" in guideline.population


def test_opioid_tapering_texts_say_they_are_translations_or_summaries(content):
    recs = Recommendation.objects.filter(guideline__slug="opioid-tapering")
    for rec in recs:
        assert "dansk sammenfatning" in rec.source or "dansk oversættelse" in rec.source, rec.key
    for slug in ["individualised-gradual-plan", "no-abrupt-discontinuation"]:
        assert "dansk oversættelse (ikke ordret)" in recs.get(slug=slug).source
