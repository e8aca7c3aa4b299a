"""Reader-facing text never instructs a taper, a stop or a rapid cut because of a number.

Scans what readers are shown: templates, the English catalogue, the fixtures (recommendations,
alerts, notes) and the texts the code builds (alerts at every dose, MME notes, taper notes and
cards), so a reworded alert anywhere fails here (CONTENT.md "Opioid dose alerts").
"""

from datetime import date
from pathlib import Path

import pytest

from patients.opioids.calculations import taper_plan_build
from patients.opioids.mme import mme_table
from patients.opioids.plan_types import TaperSettings
from recommendations.rules.alerts import alert_kinds
from recommendations.rules.intake import Medication
from tests.reader_text import forbidden_instructions

ROOT = Path(__file__).resolve().parent.parent
READER_FILES = sorted(
    [
        *ROOT.glob("templates/**/*.html"),
        *ROOT.glob("templates/**/*.txt"),
        *ROOT.glob("fixtures/**/*.json"),
        ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po",
    ]
)


@pytest.mark.parametrize(
    "text",
    [
        "Dagligt morfinækvivalent 150 mg (amerikansk tærskel, CDC 2022: nedtrap nu).",
        "CDC 2022: overvej nedtrapning",
        "Stop opioidbehandlingen.",
        "Reducer dosis hurtigt.",
        "Taper now.",
    ],
)
def test_the_check_finds_each_forbidden_instruction(text):
    assert forbidden_instructions(text)


@pytest.mark.parametrize(
    "text",
    [
        "Stop ikke opioidbehandlingen brat, og reducer ikke dosis hurtigt fra højere doser.",
        "Stop ikke selv medicinen brat.",
        "Hvis patient og læge aftaler nedtrapning, så nedtrap gradvist.",
    ],
)
def test_the_check_allows_what_the_sources_say(text):
    assert forbidden_instructions(text) == []


@pytest.mark.parametrize("path", READER_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_reader_facing_file_instructs_a_taper_or_a_stop(path):
    assert forbidden_instructions(path.read_text(encoding="utf-8")) == []


def test_no_alert_kind_instructs_a_taper_or_a_stop():
    for kind in alert_kinds().values():
        assert forbidden_instructions(f"{kind.wording()} {kind.source}") == [], kind.kind


@pytest.mark.parametrize("morphine_mg", [10, 50, 90, 150, 400])
def test_no_mme_note_instructs_a_taper_or_a_stop(morphine_mg):
    table = mme_table(medications=[Medication("morphine", morphine_mg, "mg")])
    assert forbidden_instructions(" ".join(table.notes)) == []


@pytest.mark.parametrize("months", [6, 24])
def test_no_taper_note_instructs_a_taper_or_a_stop(months):
    plan = taper_plan_build(
        drug="morphine",
        daily_dose=150,
        settings=TaperSettings(treatment_months=months, start_date=date(2026, 1, 5)),
    )
    assert forbidden_instructions(" ".join(plan.notes)) == []
