import re
from pathlib import Path

from recommendations.management.commands.clinical_rules_doc import (
    DOC_PATH,
    clinical_rules_markdown,
)


def test_clinical_rules_doc_matches_the_rules_it_describes():
    assert DOC_PATH.read_text(encoding="utf-8") == clinical_rules_markdown(), (
        "docs/clinical-rules.md is stale: run `python manage.py clinical_rules_doc`"
    )


# docs/safety.md and the other docs cite tests as evidence (`path.py::test_name`, relative to
# tests/): a renamed or moved test would leave a claim with nothing behind it.
CITED_TEST = re.compile(r"`((?:[a-z_]+/)*test_[a-z0-9_]+\.py)::(test_\w+)")
TESTS = Path(__file__).resolve().parents[1]


def cited_tests_missing(text: str) -> list[str]:
    missing = []
    for path, name in CITED_TEST.findall(text):
        test_file = TESTS / path
        if not test_file.exists() or not re.search(rf"def {name}\b", test_file.read_text()):
            missing.append(f"{path}::{name}")
    return missing


def test_every_test_the_docs_cite_exists():
    docs = sorted((TESTS.parent / "docs").glob("*.md"))
    assert docs
    missing = {doc.name: cited_tests_missing(doc.read_text()) for doc in docs}
    assert {name: tests for name, tests in missing.items() if tests} == {}


def test_a_citation_of_a_test_that_is_not_there_is_caught():
    assert cited_tests_missing("`patients/test_fhir_mapping.py::test_no_such_test`") == [
        "patients/test_fhir_mapping.py::test_no_such_test"
    ]
