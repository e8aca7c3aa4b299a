from recommendations.management.commands.clinical_rules_doc import (
    DOC_PATH,
    clinical_rules_markdown,
)


def test_clinical_rules_doc_matches_the_rules_it_describes():
    assert DOC_PATH.read_text(encoding="utf-8") == clinical_rules_markdown(), (
        "docs/clinical-rules.md is stale: run `python manage.py clinical_rules_doc`"
    )
