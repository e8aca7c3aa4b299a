"""The rules content built from fixtures/ and small ways to evaluate an intake against it, shared
by the evaluator's tests. No database."""

from datetime import date

from hypothesis import strategies as st

from recommendations.content import FIXTURES_DIR, guidelines_content_load, red_flags_content_load
from recommendations.content_hearings import hearings_content_load
from recommendations.intake_input import DOSE_MAX, PATCH_DOSE_MAX, IntakeSerializer, intake_build
from recommendations.rules import (
    GuidelineRule,
    RecommendationRule,
    RedFlagRule,
    RulesContent,
    evaluate,
)
from recommendations.rules.drugs import drug_table
from recommendations.rules.intake import DoseUnit
from recommendations.rules.journal import journal_note

GUIDELINES = ["child-msk-pain", "generalised-pain", "acute-low-back-pain", "opioid-tapering"]
LEVEL_RANK = {"critical": 0, "warning": 1, "info": 2}
LOW_BACK = {"age": 30, "pain_site": "low_back", "pain_duration_weeks": 3}
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


TODAY = date(2026, 12, 7)


def note_of(data: dict) -> str:
    """Return the journal note for an intake, written on TODAY."""
    return journal_note(evaluation_of(data), today=TODAY, red_flags=CONTENT.red_flags)


def alerts_with(evaluation, code: str):
    return [a for a in evaluation.alerts if a.code == code]


# --- Any valid intake (hypothesis) ---------------------------------------------------------

DRUGS = drug_table()


@st.composite
def medications(draw):
    codes = draw(st.lists(st.sampled_from(sorted(DRUGS)), max_size=5))
    return [
        {
            "drug": code,
            "daily_dose": draw(dose_of(DRUGS[code].unit)),
            "unit": DRUGS[code].unit,
        }
        for code in codes
    ]


def dose_of(unit: str):
    """Any valid daily dose in `unit`: up to DOSE_MAX, or PATCH_DOSE_MAX for a patch."""
    highest = PATCH_DOSE_MAX if unit == DoseUnit.MCG_PER_HOUR else DOSE_MAX
    return st.one_of(
        st.integers(min_value=1, max_value=highest),
        st.floats(min_value=0.001, max_value=highest, allow_nan=False),
    )


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
